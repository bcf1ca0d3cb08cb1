package sync

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"rosterdesk"
	"rosterdesk/data"
)

// oneRosterLocks refuses an edit by hand while OneRoster is the authoritative source.
func (e *Engine) oneRosterLocks(ctx context.Context, what string) error {
	on, err := e.OneRosterEnabled(ctx)
	if err != nil {
		return err
	}
	if on {
		return &RefusedError{Err: ErrOneRosterOn, Reason: what + " is not possible while OneRoster is enabled: buildings and users come from the OneRoster provider. Turn OneRoster off first."}
	}
	return nil
}

// OneRosterEnabled tells whether OneRoster is the authoritative source (setting oneroster.enabled).
func (e *Engine) OneRosterEnabled(ctx context.Context) (bool, error) {
	s, err := e.Settings(ctx)
	return s.OneRoster.Enabled, err
}

// AddLocalBuilding adds a building by hand. Refused while OneRoster is enabled.
func (e *Engine) AddLocalBuilding(ctx context.Context, name, sisID string) (id int64, err error) {
	if werr := e.writing(func() error { id, err = e.addLocalBuilding(ctx, name, sisID); return nil }); werr != nil {
		return 0, werr
	}
	return id, err
}

func (e *Engine) addLocalBuilding(ctx context.Context, name, sisID string) (int64, error) {
	if err := e.oneRosterLocks(ctx, "Adding a building"); err != nil {
		return 0, err
	}
	name, sisID = strings.TrimSpace(name), strings.TrimSpace(sisID)
	if name == "" {
		return 0, errors.New("a building name is required")
	}
	if sisID != "" {
		if b, err := e.db.BuildingBySIS(ctx, sisID); err == nil {
			return 0, fmt.Errorf("SIS id %s is already used by %s", sisID, b.Name)
		}
	}
	return e.db.AddLocalBuilding(ctx, name, sisID)
}

// SetBuildingSISID corrects a building's SIS id, so it matches the sourcedId
// of its OneRoster school. Refused while OneRoster is enabled.
func (e *Engine) SetBuildingSISID(ctx context.Context, buildingID int64, sisID string) error {
	return e.writing(func() error { return e.setBuildingSISID(ctx, buildingID, sisID) })
}

func (e *Engine) setBuildingSISID(ctx context.Context, buildingID int64, sisID string) error {
	if err := e.oneRosterLocks(ctx, "Changing a building's SIS id"); err != nil {
		return err
	}
	sisID = strings.TrimSpace(sisID)
	if strings.ContainsAny(sisID, ",\x1f") {
		return fmt.Errorf("a SIS id cannot hold a comma")
	}
	if sisID != "" {
		if b, err := e.db.BuildingBySIS(ctx, sisID); err == nil && b.ID != buildingID {
			return fmt.Errorf("SIS id %s is already used by %s", sisID, b.Name)
		} else if err != nil && !errors.Is(err, data.ErrNotFound) {
			return err
		}
	}
	return e.db.SetBuildingSISID(ctx, buildingID, sisID)
}

// Buildings lists every building, active or not, with its active users.
func (e *Engine) Buildings(ctx context.Context) ([]rosterdesk.Building, error) {
	return e.db.Buildings(ctx)
}

// Admins lists the admin accounts that can be credited with changes.
func (e *Engine) Admins(ctx context.Context) ([]rosterdesk.Admin, error) { return e.db.Admins(ctx) }

// SyncState is where the initial OneRoster synchronization stands.
type SyncState struct {
	Enabled         bool   // OneRoster is the authoritative source
	Source          string // the connected bundle (setting oneroster.source)
	Provider        string // its provider's name
	BuildingsSynced bool   // a building sync has been applied
	UsersSynced     bool   // a users or users+courses sync has been applied
	Buildings       int    // buildings in the roster (active or not)
	// Connection is what syncs read (sync.source): a CSV bundle or folder,
	// or the REST provider, RESTProvider by name when one is set up.
	Connection   SourceKind
	RESTProvider string
}

// SyncState reports the OneRoster settings and which initial syncs have succeeded.
func (e *Engine) SyncState(ctx context.Context) (*SyncState, error) {
	var st SyncState
	var err error
	if st.Enabled, err = e.OneRosterEnabled(ctx); err != nil {
		return nil, err
	}
	set, err := e.Settings(ctx)
	if err != nil {
		return nil, err
	}
	st.Source, st.Provider = set.OneRoster.Source, set.OneRoster.Provider
	if st.BuildingsSynced, err = e.db.HasAppliedRun(ctx, rosterdesk.ScopeBuildings); err != nil {
		return nil, err
	}
	for _, s := range []rosterdesk.Scope{rosterdesk.ScopeUsers, rosterdesk.ScopeUsersCourses} {
		ok, err := e.db.HasAppliedRun(ctx, s)
		if err != nil {
			return nil, err
		}
		st.UsersSynced = st.UsersSynced || ok
	}
	bs, err := e.db.Buildings(ctx)
	if err != nil {
		return nil, err
	}
	st.Buildings = len(bs)
	st.Connection = set.Schedule.Source
	if p := ProviderSettings(set.Provider); p.Configured() {
		st.RESTProvider = p.Name()
	}
	return &st, nil
}
