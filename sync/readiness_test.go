package sync

import (
	"context"
	"errors"
	"testing"

	"rosterdesk"
)

// What can start, and what can be edited, follows the roster's state: the
// window, the tray and an upload ask these, and the engine refuses the same.
func TestReadinessFollowsTheRoster(t *testing.T) {
	e := newEngine(t)
	ctx := context.Background()
	src := district().zip(t, "")
	state := func() *SyncState {
		t.Helper()
		st, err := e.SyncState(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return st
	}
	st := state()
	if !errors.Is(st.UsersReady(), ErrBuildingsFirst) || !errors.Is(st.SyncNowReady(), ErrUsersFirst) || !IsRefused(st.SyncNowReady()) ||
		st.EnableNeedsReview() || !st.BuildingsEditable() || st.HasSource() {
		t.Fatalf("fresh roster: %+v", st)
	}
	if _, err := e.SetSetting(ctx, KeySource, src); err != nil {
		t.Fatal(err)
	}
	if st := state(); !st.HasSource() || st.Connection == SourceProvider {
		t.Fatalf("a connected bundle: %+v", st)
	}
	if _, err := e.SetSetting(ctx, KeySyncSource, string(SourceProvider)); err != nil {
		t.Fatal(err)
	}
	if st := state(); st.HasSource() || st.RESTProvider != "" {
		t.Fatalf("a provider not set up reads nothing: %+v", st)
	}
	if _, err := e.SetSetting(ctx, KeySyncSource, string(SourceFolder)); err != nil {
		t.Fatal(err)
	}
	mustSync(t, e, src, rosterdesk.ScopeBuildings)
	st = state()
	if st.UsersReady() != nil || !errors.Is(st.SyncNowReady(), ErrUsersFirst) || !st.EnableNeedsReview() {
		t.Fatalf("after buildings: %+v", st)
	}
	mustSync(t, e, src, rosterdesk.ScopeUsersCourses)
	if st := state(); st.SyncNowReady() != nil {
		t.Fatalf("after users: %+v", st)
	}
	if _, err := e.SetSetting(ctx, KeyOneRosterOn, "true"); err != nil {
		t.Fatal(err)
	}
	if state().BuildingsEditable() {
		t.Fatal("buildings editable while OneRoster is enabled")
	}
	if _, err := e.AddLocalBuilding(ctx, "Annex", "annex-1"); !errors.Is(err, ErrOneRosterOn) {
		t.Fatalf("adding a building while OneRoster is enabled: %v", err)
	}
}
