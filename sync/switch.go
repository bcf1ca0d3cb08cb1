package sync

import (
	"context"
	"errors"
	"fmt"

	"rosterdesk"
)

// ErrSwitchNotConfirmed refuses connecting another provider's bundle after
// users were synchronized, until the admin has confirmed the switch.
var ErrSwitchNotConfirmed = errors.New("provider switch not confirmed")

// SourceSwitch is what connecting a bundle changes about the connection,
// and whether the admin must confirm it first.
type SourceSwitch struct {
	Path, Provider         string // the bundle to connect and its provider (manifest source.systemName)
	FromPath, FromProvider string // the bundle connected now and its provider ("" when none or unknown)
	// Confirm: users were synchronized from a bundle of another provider,
	// whose identifiers (sourcedIds) may not match the roster's, so users
	// could be added twice and existing ones deactivated. AnalyzeSwitch
	// shows what a sync from the new bundle would do; the admin confirms
	// before it is connected.
	Confirm bool
}

// Switch is what connecting the bundle at path, from provider, would change.
func (s *SyncState) Switch(path, provider string) SourceSwitch {
	return SourceSwitch{Path: path, Provider: provider, FromPath: s.Source, FromProvider: s.Provider,
		Confirm: s.UsersSynced && s.Source != "" && path != s.Source && provider != s.Provider}
}

// Connect makes the bundle at path, from provider, the connected source
// (oneroster.source and its provider). A switch that needs confirming is
// refused (ErrSwitchNotConfirmed) unless confirmed.
func (e *Engine) Connect(ctx context.Context, path, provider string, confirmed bool) error {
	st, err := e.SyncState(ctx)
	if err != nil {
		return err
	}
	if sw := st.Switch(path, provider); sw.Confirm && !confirmed {
		return &RefusedError{Err: ErrSwitchNotConfirmed, Reason: fmt.Sprintf("the bundle comes from %q, not %q, the provider users were synchronized from: "+
			"identifiers may not match; analyze the switch and confirm it first", sw.Provider, sw.FromProvider)}
	}
	_, err = e.UpdateSettings(ctx, func(s *rosterdesk.Settings) { s.OneRoster.Source, s.OneRoster.Provider = path, provider },
		KeySource, KeyProvider)
	return err
}
