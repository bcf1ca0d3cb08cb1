package sync

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"rosterdesk"
	"rosterdesk/sync/gen"
)

// Connecting another provider's bundle after a users sync needs the admin's
// confirmation; the first connection, the same provider or the same bundle do not.
func TestConnectAsksBeforeAProviderSwitch(t *testing.T) {
	e := newEngine(t)
	ctx := context.Background()
	dir := t.TempDir()
	old, other := filepath.Join(dir, "old.zip"), filepath.Join(dir, "new.zip")
	if err := gen.Generate(gen.Small()).WriteZip(old, gen.WriteOptions{SystemName: "Old SIS"}); err != nil {
		t.Fatal(err)
	}
	if err := gen.Generate(gen.Small()).WriteZip(other, gen.WriteOptions{SystemName: "New SIS"}); err != nil {
		t.Fatal(err)
	}
	state := func() *SyncState {
		t.Helper()
		st, err := e.SyncState(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return st
	}
	if sw := state().Switch(old, "Old SIS"); sw.Confirm || sw.FromPath != "" {
		t.Fatalf("a first connection: %+v", sw)
	}
	if err := e.Connect(ctx, old, "Old SIS", false); err != nil {
		t.Fatal(err)
	}
	// Before users were synchronized, any bundle may replace it.
	if sw := state().Switch(other, "New SIS"); sw.Confirm {
		t.Fatalf("before a users sync: %+v", sw)
	}
	mustSync(t, e, old, rosterdesk.ScopeBuildings)
	mustSync(t, e, old, rosterdesk.ScopeUsersCourses)
	sw := state().Switch(other, "New SIS")
	if !sw.Confirm || sw.FromPath != old || sw.FromProvider != "Old SIS" || sw.Provider != "New SIS" {
		t.Fatalf("a provider switch: %+v", sw)
	}
	if state().Switch(other, "Old SIS").Confirm || state().Switch(old, "New SIS").Confirm {
		t.Fatal("the same provider, or the same bundle, asked for a confirmation")
	}
	err := e.Connect(ctx, other, "New SIS", false)
	if !errors.Is(err, ErrSwitchNotConfirmed) || !IsRefused(err) {
		t.Fatalf("an unconfirmed switch: %v", err)
	}
	if st := state(); st.Source != old || st.Provider != "Old SIS" {
		t.Fatalf("a refused switch connected %s (%s)", st.Source, st.Provider)
	}
	if err := e.Connect(ctx, other, "New SIS", true); err != nil {
		t.Fatal(err)
	}
	if st := state(); st.Source != other || st.Provider != "New SIS" {
		t.Fatalf("a confirmed switch left %s (%s)", st.Source, st.Provider)
	}
}
