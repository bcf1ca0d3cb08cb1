package sync

import (
	"context"
	"path/filepath"
	"slices"
	"testing"

	"rosterdesk"
	"rosterdesk/data"
	"rosterdesk/sync/gen"
)

// newSchoolDistrict is a generated district synced once, and the same export
// the next day with a new school that 20 students moved to (their
// enrollments name the new school).
func newSchoolDistrict(t *testing.T, e *Engine) (day1 string, moved []string) {
	t.Helper()
	d0 := gen.Generate(gen.Small())
	dir := t.TempDir()
	day0 := filepath.Join(dir, "day0.zip")
	if err := d0.WriteZip(day0, gen.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	mustSync(t, e, day0, rosterdesk.ScopeBuildings)
	mustSync(t, e, day0, rosterdesk.ScopeUsersCourses)

	d1 := *d0
	d1.Orgs = append(slices.Clone(d0.Orgs), gen.Org{SourcedID: "sch-new", Name: "Riverside Academy", Type: "school", Identifier: "RA", ParentSourcedID: gen.DistrictID})
	d1.Users = slices.Clone(d0.Users)
	d1.Enrollments = slices.Clone(d0.Enrollments)
	for i := range d1.Users {
		if u := &d1.Users[i]; u.Role == gen.RoleStudent && len(moved) < 20 {
			u.OrgSourcedIDs = []string{"sch-new"}
			moved = append(moved, u.SourcedID)
		}
	}
	for i := range d1.Enrollments {
		if slices.Contains(moved, d1.Enrollments[i].UserSourcedID) {
			d1.Enrollments[i].SchoolSourcedID = "sch-new"
		}
	}
	day1 = filepath.Join(dir, "day1.zip")
	if err := d1.WriteZip(day1, gen.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	return day1, moved
}

// TestNewSchoolInRoutineSync: with OneRoster enabled, a routine sync adds the
// new school's building and moves the students there; nobody is deactivated.
func TestNewSchoolInRoutineSync(t *testing.T) {
	ctx := context.Background()
	e := newEngine(t)
	guardsDefault(t, e)
	if _, err := e.SetSetting(ctx, KeyOneRosterOn, "true"); err != nil {
		t.Fatal(err)
	}
	day1, moved := newSchoolDistrict(t, e)
	active := roster(t, e).Assignments.Active
	res := mustSync(t, e, day1, rosterdesk.ScopeUsersCourses)
	k := res.Counts
	if k.Buildings != (rosterdesk.BuildingCounts{Added: 1}) {
		t.Fatalf("buildings %+v, want 1 added", k.Buildings)
	}
	if k.Users.Deactivated != 0 || k.Users.Ignored != 0 || k.Users.Updated != 20 || k.Assignments.Removed != 0 {
		t.Fatalf("users %+v assignments %+v", k.Users, k.Assignments)
	}
	if roster(t, e).Assignments.Active != active {
		t.Fatalf("assignments %d, were %d", roster(t, e).Assignments.Active, active)
	}
	if l := findLog(res.Log, SevInfo, "orgs.csv", "building.changed"); l == nil || l.SourcedID != "sch-new" || !says(l.Message, "Riverside Academy") || !says(l.Message, "added") {
		t.Fatalf("log of the added building: %+v", l)
	}
	b, err := e.db.BuildingBySIS(ctx, "sch-new")
	if err != nil || !b.Active || !b.Aligned || b.Name != "Riverside Academy" {
		t.Fatalf("building %+v %v", b, err)
	}
	for _, id := range moved {
		bs, err := e.db.UserBuildings(ctx, id)
		if err != nil || len(bs) != 1 || bs[0].SISID != "sch-new" {
			t.Fatalf("%s linked to %+v %v", id, bs, err)
		}
	}
	// History reads the same buildings numbers.
	h, err := e.History(ctx, 1, 0)
	if err != nil || h[0].Counts.Buildings.Added != 1 {
		t.Fatalf("history %+v %v", h, err)
	}

	// Renamed: the building follows.
	d := gen.Generate(gen.Small())
	renamed := *d
	renamed.Orgs = slices.Clone(d.Orgs)
	renamed.Orgs = append(renamed.Orgs, gen.Org{SourcedID: "sch-new", Name: "Riverside Academy", Type: "school", ParentSourcedID: gen.DistrictID})
	closing := renamed.Orgs[1].SourcedID
	renamed.Orgs[1].Name = "Lincoln Renamed"
	p := filepath.Join(t.TempDir(), "renamed.zip")
	if err := renamed.WriteZip(p, gen.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	res, err = e.Sync(ctx, p, Options{Scope: rosterdesk.ScopeUsersCourses})
	if err != nil || res.Counts.Buildings != (rosterdesk.BuildingCounts{Updated: 1}) {
		t.Fatalf("renamed: %+v %v", res, err)
	}
	if b, _ := e.db.BuildingBySIS(ctx, closing); b.Name != "Lincoln Renamed" {
		t.Fatalf("renamed building %+v", b)
	}

	// Closed (absent from the bulk orgs.csv) while its users still name it:
	// the building's deactivation is held by the safeguards as its own
	// entity; approved, the building goes and its users are ignored, kept.
	closed := renamed
	closed.Orgs = slices.DeleteFunc(slices.Clone(renamed.Orgs), func(o gen.Org) bool { return o.SourcedID == closing })
	p = filepath.Join(t.TempDir(), "closed.zip")
	if err := closed.WriteZip(p, gen.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	users := roster(t, e).Users.Active
	res, err = e.Sync(ctx, p, Options{Scope: rosterdesk.ScopeUsersCourses})
	if !IsHeld(err) || res.Counts.Buildings.Deactivated != 1 || len(res.Tripped) == 0 || res.Tripped[0].Entity != "buildings" {
		t.Fatalf("closing a school: %+v %v", res, err)
	}
	res, err = e.Approve(ctx, res.ID)
	if err != nil || res.Counts.Buildings.Deactivated != 1 || res.Counts.Users.Deactivated != 0 || res.Counts.Users.Ignored == 0 {
		t.Fatalf("approved: %+v %v", res, err)
	}
	if b, _ := e.db.BuildingBySIS(ctx, closing); b.Active {
		t.Fatalf("closed building still active %+v", b)
	}
	if got := roster(t, e).Users.Active; got != users {
		t.Fatalf("users active %d, were %d", got, users)
	}
}

// TestNewSchoolWithOneRosterOff: the same export while OneRoster is off
// leaves buildings alone and ignores the moved students, with a warning
// naming the school; nobody is deactivated.
func TestNewSchoolWithOneRosterOff(t *testing.T) {
	ctx := context.Background()
	e := newEngine(t)
	guardsDefault(t, e)
	day1, moved := newSchoolDistrict(t, e)
	before := roster(t, e)
	res := mustSync(t, e, day1, rosterdesk.ScopeUsersCourses)
	k := res.Counts
	if k.Buildings != (rosterdesk.BuildingCounts{}) {
		t.Fatalf("buildings %+v with OneRoster off", k.Buildings)
	}
	if k.Users.Deactivated != 0 || k.Users.Ignored != 20 || k.Assignments.Removed != 0 {
		t.Fatalf("users %+v assignments %+v", k.Users, k.Assignments)
	}
	if after := roster(t, e); after.Users.Active != before.Users.Active || after.Assignments.Active != before.Assignments.Active || after.Buildings.Active != before.Buildings.Active {
		t.Fatalf("roster %+v, was %+v", after, before)
	}
	l := findLog(res.Log, SevWarning, "users.csv", "school.not_aligned")
	if l == nil || !says(l.Message, "Riverside Academy (sch-new)") || !says(l.Message, "20 rows like this") {
		t.Fatalf("warning %+v", l)
	}
	for _, id := range moved[:3] {
		if r := record(t, e, data.Users, id); !r.Active {
			t.Fatalf("%s deactivated", id)
		}
	}
	if _, err := e.db.BuildingBySIS(ctx, "sch-new"); err == nil {
		t.Fatal("a building was added with OneRoster off")
	}
}
