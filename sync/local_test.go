package sync

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"rosterdesk"
	"rosterdesk/sync/gen"
)

func TestLocalBuildingEditsLockedWhileOneRosterIsOn(t *testing.T) {
	e := newEngine(t)
	ctx := context.Background()
	id, err := e.AddLocalBuilding(ctx, "North High", "0042")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.AddLocalBuilding(ctx, "Copy", "0042"); err == nil {
		t.Fatal("a second building took SIS id 0042")
	}
	if err := e.SetBuildingSISID(ctx, id, "sch1"); err != nil {
		t.Fatal(err)
	}
	if b, err := e.db.BuildingBySIS(ctx, "sch1"); err != nil || b.ID != id {
		t.Fatalf("SIS id not changed: %+v %v", b, err)
	}
	if _, err := e.SetSetting(ctx, KeyOneRosterOn, "true"); err != nil {
		t.Fatal(err)
	}
	if err := e.SetBuildingSISID(ctx, id, "sch2"); !IsRefused(err) || !strings.Contains(err.Error(), "OneRoster is enabled") {
		t.Fatalf("SIS id change while on: %v", err)
	}
	if _, err := e.AddLocalBuilding(ctx, "South", "9"); !IsRefused(err) {
		t.Fatalf("add while on: %v", err)
	}
	if b, _ := e.db.BuildingBySIS(ctx, "sch1"); b.ID != id {
		t.Fatal("refused change was written")
	}
}

func TestSyncStateGatesUsers(t *testing.T) {
	e := newEngine(t)
	ctx := context.Background()
	src := district().zip(t, "")
	st, err := e.SyncState(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.BuildingsSynced || !errors.Is(st.UsersReady(), ErrBuildingsFirst) {
		t.Fatalf("fresh roster: %+v", st)
	}
	if _, err := e.Sync(ctx, src, Options{Scope: rosterdesk.ScopeUsers}); !IsRefused(err) || !errors.Is(err, ErrBuildingsFirst) {
		t.Fatalf("users before buildings: %v", err)
	}
	mustSync(t, e, src, rosterdesk.ScopeBuildings)
	if st, _ = e.SyncState(ctx); !st.BuildingsSynced || st.UsersReady() != nil || st.UsersSynced || st.Buildings != 2 {
		t.Fatalf("after buildings: %+v", st)
	}
	mustSync(t, e, src, rosterdesk.ScopeUsers)
	if st, _ = e.SyncState(ctx); !st.UsersSynced {
		t.Fatalf("after users: %+v", st)
	}
}

func TestAlignmentCountsAndSentence(t *testing.T) {
	e := newEngine(t)
	ctx := context.Background()
	cfg := gen.Small()
	d := gen.Generate(cfg)
	p := filepath.Join(t.TempDir(), "OneRoster.zip")
	if err := d.WriteZip(p, gen.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	var schools []gen.Org
	for _, o := range d.Orgs {
		if o.Type == "school" {
			schools = append(schools, o)
		}
	}
	// One local building matches the first school by SIS id; another matches nothing.
	if _, err := e.AddLocalBuilding(ctx, "Old name", schools[0].SourcedID); err != nil {
		t.Fatal(err)
	}
	if _, err := e.AddLocalBuilding(ctx, "Annex", "X-99"); err != nil {
		t.Fatal(err)
	}
	a, err := e.Alignment(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	if a.Matched != 1 || a.ToAdd != len(schools)-1 || a.NoSchool != 1 || len(a.Rows) != len(schools)+1 {
		t.Fatalf("matched %d, to add %d, no school %d, rows %d", a.Matched, a.ToAdd, a.NoSchool, len(a.Rows))
	}
	// Per school: students and staff from the bundle's users.
	want := map[string][2]int{}
	users := 0
	for _, u := range d.Users {
		if u.Role == gen.RoleGuardian || u.Role == gen.RoleParent || u.Role == gen.RoleRelative {
			continue
		}
		users++
		for _, o := range u.OrgSourcedIDs {
			c := want[o]
			if u.Role == gen.RoleStudent {
				c[0]++
			} else {
				c[1]++
			}
			want[o] = c
		}
	}
	for _, r := range a.Rows {
		if r.SchoolID == "" {
			if r.BuildingName != "Annex" || r.Status != AlignNoSchool {
				t.Errorf("no-school row %+v", r)
			}
			continue
		}
		if got := [2]int{r.Students, r.Staff}; got != want[r.SchoolID] {
			t.Errorf("school %s: students/staff %v, want %v", r.SchoolID, got, want[r.SchoolID])
		}
	}
	if a.Users != users || a.IgnoredUsers == 0 || a.IgnoredSchools != len(schools) {
		t.Fatalf("users %d (want %d), ignored %d in %d schools", a.Users, users, a.IgnoredUsers, a.IgnoredSchools)
	}
	if s := a.Sentence(); !strings.Contains(s, thousands(a.IgnoredUsers)+" users in 3 schools would be ignored") {
		t.Errorf("sentence %q", s)
	}
	// After the building sync every school is aligned: nobody is ignored.
	mustSync(t, e, p, rosterdesk.ScopeBuildings)
	a, err = e.Alignment(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	if a.IgnoredUsers != 0 || a.Matched != len(schools) || a.ToAdd != 0 || !strings.HasPrefix(a.Sentence(), "All ") {
		t.Fatalf("after building sync: %+v %q", a, a.Sentence())
	}
}

func TestAnalyzeSwitch(t *testing.T) {
	e := newEngine(t)
	ctx := context.Background()
	dir := t.TempDir()
	old := filepath.Join(dir, "old.zip")
	if err := gen.Generate(gen.Small()).WriteZip(old, gen.WriteOptions{SystemName: "Old SIS"}); err != nil {
		t.Fatal(err)
	}
	mustSync(t, e, old, rosterdesk.ScopeBuildings)
	mustSync(t, e, old, rosterdesk.ScopeUsersCourses)
	if _, err := e.SetSetting(ctx, KeyProvider, "Old SIS"); err != nil {
		t.Fatal(err)
	}
	// Another provider, other identifiers: a different seed gives other sourcedIds for guardians
	// and students, while schools and staff keep theirs.
	cfg := gen.Small()
	cfg.Seed = 99
	other := filepath.Join(dir, "new.zip")
	if err := gen.Generate(cfg).WriteZip(other, gen.WriteOptions{SystemName: "New SIS"}); err != nil {
		t.Fatal(err)
	}
	before, _ := e.db.Dump(ctx)
	s, err := e.AnalyzeSwitch(ctx, other, nil)
	if err != nil {
		t.Fatal(err)
	}
	if after, _ := e.db.Dump(ctx); after != before {
		t.Fatal("the analysis wrote to the roster")
	}
	if s.Provider != "Old SIS" || s.NewProvider != "New SIS" || s.IncomingSchools != 3 || s.MatchedSchools != 3 {
		t.Fatalf("analysis %+v", s)
	}
	if s.IncomingUsers == 0 || s.MatchedUsers > s.IncomingUsers {
		t.Fatalf("users %d matched %d", s.IncomingUsers, s.MatchedUsers)
	}
	plan, err := e.PlanRun(ctx, other, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if s.Counts != plan.Counts || s.Counts.Users.Added+s.MatchedUsers < s.IncomingUsers-s.Counts.Users.Errors {
		t.Fatalf("counts %+v vs plan %+v (matched %d of %d)", s.Counts, plan.Counts, s.MatchedUsers, s.IncomingUsers)
	}
}
