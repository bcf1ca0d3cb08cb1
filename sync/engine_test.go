package sync

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rs/zerolog"

	"rosterdesk"
	"rosterdesk/data"
)

func TestRefusesWithoutCreditedAdmin(t *testing.T) {
	e, err := Open(filepath.Join(t.TempDir(), "r.db"), zerolog.Nop())
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	res, err := e.Sync(context.Background(), district().zip(t, ""), Options{Scope: rosterdesk.ScopeBuildings})
	if !IsRefused(err) || res.Status != rosterdesk.StatusRefused || !says(res.Message, "admin") {
		t.Fatalf("want refusal naming the admin, got %v %+v", err, res)
	}
	runs, _ := e.History(context.Background(), 0, 0)
	if len(runs) != 0 {
		t.Fatalf("a refused run wrote %d runs", len(runs))
	}
}

func TestUsersRefusedBeforeBuildingSync(t *testing.T) {
	e := newEngine(t)
	_, err := e.Sync(context.Background(), district().zip(t, ""), Options{Scope: rosterdesk.ScopeUsers})
	if !IsRefused(err) || !strings.Contains(err.Error(), "buildings") {
		t.Fatalf("want refusal until a building sync, got %v", err)
	}
	if rc := roster(t, e); rc.Users.Active != 0 {
		t.Fatal("users written")
	}
}

func TestBuildingSyncAlignsBySISID(t *testing.T) {
	e := newEngine(t)
	ctx := context.Background()
	// A local building already carries sch2's SIS id; another local one matches nothing.
	if _, err := e.db.AddLocalBuilding(ctx, "Old High Name", "sch2"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.AddLocalBuilding(ctx, "Bus Depot", "depot"); err != nil {
		t.Fatal(err)
	}
	res := mustSync(t, e, district().zip(t, ""), rosterdesk.ScopeBuildings)
	if got := res.Counts.Buildings; got.Added != 1 || got.Updated != 1 || got.Deactivated != 0 {
		t.Fatalf("building counts %+v", got)
	}
	b, err := e.db.BuildingBySIS(ctx, "sch2")
	if err != nil || b.Name != "Maple High" || !b.Aligned || b.Source != "local" {
		t.Fatalf("sch2 not aligned in place: %+v %v", b, err)
	}
	if b, _ := e.db.BuildingBySIS(ctx, "depot"); !b.Active || b.Aligned {
		t.Fatalf("unmatched local building touched: %+v", b)
	}
	orgs, _ := e.db.Orgs(ctx)
	if orgs["dist1"].Type != "district" {
		t.Fatalf("district not recorded: %+v", orgs)
	}
	// Resync without sch1: it is removed (deactivated), the local depot stays.
	src := district().with("orgs.csv", lines(hOrgs, "dist1,,,Maple District,district,,", "sch2,,,Maple High,school,,dist1"))
	res = mustSync(t, e, src.zip(t, ""), rosterdesk.ScopeBuildings)
	if res.Counts.Buildings.Deactivated != 1 {
		t.Fatalf("want sch1 removed, got %+v", res.Counts.Buildings)
	}
	if b, _ := e.db.BuildingBySIS(ctx, "sch1"); b.Active {
		t.Fatal("sch1 still active")
	}
	if rc := roster(t, e); rc.Buildings.Active != 2 || rc.Buildings.Inactive != 1 {
		t.Fatalf("buildings %+v", rc.Buildings)
	}
}

func TestUsersAndCoursesLifecycle(t *testing.T) {
	e := newEngine(t)
	mustSync(t, e, district().zip(t, ""), rosterdesk.ScopeBuildings)
	res := mustSync(t, e, district().zip(t, ""), rosterdesk.ScopeUsersCourses)
	u := res.Counts.Users
	if u.Added != 6 || u.Skipped != 1 || u.Errors != 0 || res.Errors != 0 {
		t.Fatalf("users %+v errors %d log %+v", u, res.Errors, res.Log)
	}
	if res.Counts.Courses.Added != 2 || res.Counts.Classes.Added != 2 || res.Counts.Assignments.Added != 5 {
		t.Fatalf("counts %+v", res.Counts)
	}
	rc := roster(t, e)
	if rc.Users.ByRole["student"] != 3 || rc.Users.ByRole["teacher"] != 2 || rc.Users.ByRole["administrator"] != 1 {
		t.Fatalf("by role %+v", rc.Users.ByRole)
	}
	if rc.Assignments.ByRole["teacher"] != 2 {
		t.Fatalf("assignment roles %+v", rc.Assignments.ByRole)
	}
	// District-level staff are kept without a building; students link to theirs.
	if r := record(t, e, data.Users, "a1"); r.Fields["org_ids"] != "" || !r.Active {
		t.Fatalf("admin %+v", r)
	}
	b, _ := e.db.BuildingBySIS(context.Background(), "sch1")
	if b.Users != 3 {
		t.Fatalf("sch1 has %d active users, want 3 (u1, u2, t1)", b.Users)
	}

	// The same bundle again changes nothing.
	res = mustSync(t, e, district().zip(t, ""), rosterdesk.ScopeUsersCourses)
	if res.Counts != (rosterdesk.Counts{Users: rosterdesk.UserCounts{Skipped: 1}}) {
		t.Fatalf("no-change resync changed %+v", res.Counts)
	}

	// Next day: u2 left, Cat renamed, Tom disabled, class k2 and its enrollments dropped.
	next := district().
		with("users.csv", lines(hUsers,
			user("u1", "sch1", "student", "Ann"),
			user("u3", "sch2", "student", "Kat"),
			strings.Replace(user("t1", "sch1", "teacher", "Tom"), ",true,", ",false,", 1),
			user("t2", "sch2", "teacher", "Tia"),
			user("a1", "dist1", "administrator", "Ada"))).
		with("classes.csv", lines(hClasses, "k1,,,Math 5 - A,05,c1,M5A,scheduled,R1,sch1,t1,Math,,1")).
		with("enrollments.csv", lines(hEnroll, "e1,,,k1,sch1,u1,student,false,,", "e3,,,k1,sch1,t1,teacher,true,,"))
	res = mustSync(t, e, next.zip(t, ""), rosterdesk.ScopeUsersCourses)
	u = res.Counts.Users
	if u.Deactivated != 2 || u.Updated != 1 || u.Added != 0 {
		t.Fatalf("next day users %+v", u)
	}
	if res.Counts.Classes.Removed != 1 || res.Counts.Assignments.Removed != 3 {
		t.Fatalf("next day courses %+v", res.Counts)
	}
	if r := record(t, e, data.Users, "u2"); r.Active || r.OffAt == "" {
		t.Fatalf("u2 should be inactive with a timestamp: %+v", r)
	}
	if r := record(t, e, data.Users, "t1"); r.Active || r.Fields["enabled"] != "false" {
		t.Fatalf("t1 enabledUser=false should be inactive: %+v", r)
	}
	_, hist, err := e.Show(context.Background(), "user", "u2")
	if err != nil || len(hist) != 2 || hist[1].Reason != "absent from users.csv" || hist[1].Admin != "it@example.org" {
		t.Fatalf("u2 history %+v %v", hist, err)
	}
	_, hist, _ = e.Show(context.Background(), "user", "u3")
	renamed := false
	for _, a := range hist {
		if a.Action == "update" && a.Field == "given_name" && *a.Old == "Cat" && *a.New == "Kat" {
			renamed = true
		}
	}
	if !renamed {
		t.Fatalf("u3 history lacks the given_name change: %+v", hist)
	}

	// u2 returns: reactivated, never duplicated.
	res = mustSync(t, e, district().zip(t, ""), rosterdesk.ScopeUsersCourses)
	if res.Counts.Users.Reactivated != 2 || res.Counts.Users.Added != 0 {
		t.Fatalf("return %+v", res.Counts.Users)
	}
	if rc := roster(t, e); rc.Users.Active+rc.Users.Inactive != 6 {
		t.Fatalf("users duplicated: %+v", rc.Users)
	}
}

func TestDeltaAndMarkMissingSetting(t *testing.T) {
	e := newEngine(t)
	mustSync(t, e, district().zip(t, ""), rosterdesk.ScopeBuildings)
	mustSync(t, e, district().zip(t, ""), rosterdesk.ScopeUsers)
	delta := files{
		"manifest.csv": manifest(map[string]string{"users": "delta"}),
		"users.csv": lines(hUsers,
			"u1,tobedeleted,2026-11-23T05:00:00.000Z,true,sch1,student,ann,,Ann,Smith,,,ann@example.org,,,,05,",
			"u9,active,2026-11-23T05:00:00.000Z,true,sch2,student,zoe,,Zoë,Smith,,,zoe@example.org,,,,05,"),
	}
	res := mustSync(t, e, delta.zip(t, ""), rosterdesk.ScopeUsers)
	if u := res.Counts.Users; u.Deactivated != 1 || u.Added != 1 {
		t.Fatalf("delta %+v", u)
	}
	if rc := roster(t, e); rc.Users.Active != 6 {
		t.Fatalf("a delta must leave absent users alone: %+v", rc.Users)
	}
	if r := record(t, e, data.Users, "u9"); r.Fields["given_name"] != "Zoë" {
		t.Fatalf("UTF-8 name %q", r.Fields["given_name"])
	}
	// With "mark missing users inactive" off, a bulk file without u2 keeps u2.
	if _, err := e.SetSetting(context.Background(), KeyMarkMissingGone, "false"); err != nil {
		t.Fatal(err)
	}
	bulk := district().with("users.csv", lines(hUsers, user("u3", "sch2", "student", "Cat")))
	res = mustSync(t, e, bulk.zip(t, ""), rosterdesk.ScopeUsers)
	if res.Counts.Users.Deactivated != 0 {
		t.Fatalf("deactivated with the setting off: %+v", res.Counts.Users)
	}
}

func TestUnalignedSchoolUsersIgnored(t *testing.T) {
	e := newEngine(t)
	onlySch1 := district().with("orgs.csv", lines(hOrgs, "dist1,,,Maple District,district,,", "sch1,,,Maple Elementary,school,,dist1"))
	mustSync(t, e, onlySch1.zip(t, ""), rosterdesk.ScopeBuildings)
	res := mustSync(t, e, district().zip(t, ""), rosterdesk.ScopeUsersCourses)
	if u := res.Counts.Users; u.Ignored != 2 || u.Added != 4 {
		t.Fatalf("users %+v", u)
	}
	if l := findLog(res.Log, SevWarning, "users.csv", "school.not_aligned"); l == nil || l.SourcedID != "u3" || !says(l.Message, "Maple High (sch2)") {
		t.Fatalf("want an info naming u3 and sch2, got %+v", l)
	}
	// Classes of sch2 are ignored too, and so are their enrollments: no errors.
	if res.Errors != 0 || res.Counts.Classes.Added != 1 || res.Counts.Assignments.Added != 3 {
		t.Fatalf("errors %d counts %+v", res.Errors, res.Counts)
	}
}

func TestDryRunWritesOnlyTheRun(t *testing.T) {
	e := newEngine(t)
	mustSync(t, e, district().zip(t, ""), rosterdesk.ScopeBuildings)
	res, err := e.Sync(context.Background(), district().zip(t, ""), Options{Scope: rosterdesk.ScopeUsersCourses, DryRun: true})
	if err != nil || res.Status != rosterdesk.StatusDryRun || res.Counts.Users.Added != 6 {
		t.Fatalf("dry run %+v %v", res, err)
	}
	if rc := roster(t, e); rc.Users.Active != 0 || rc.Assignments.Active != 0 {
		t.Fatalf("dry run changed the roster %+v", rc)
	}
	runs, _ := e.History(context.Background(), 0, 0)
	if len(runs) != 2 || runs[0].Status != rosterdesk.StatusDryRun {
		t.Fatalf("history %+v", runs)
	}
}

func TestBadRowsRejectedGoodRowsKept(t *testing.T) {
	e := newEngine(t)
	mustSync(t, e, district().zip(t, ""), rosterdesk.ScopeBuildings)
	bad := district().with("users.csv", lines(hUsers,
		user("u1", "sch1", "student", "Ann"),
		user("u1", "sch1", "student", "Dup"),             // line 3: duplicate
		"u2,,,true,sch1,student,,,Ben,Smith,,,,,,,,",     // line 4: username missing
		user("u3", "sch2", "wizard", "Cat"),              // line 5: bad role
		user("u4", "nowhere", "student", "Dan"),          // line 6: unknown org
		"u5,,,maybe,sch1,student,eve,,Eve,Smith,,,,,,,,", // line 7: bad boolean
		user("t1", "sch1", "teacher", "Tom"))).
		with("enrollments.csv", lines(hEnroll,
			"e1,,,k1,sch1,u1,student,false,,",
			"e2,,,k1,sch1,u2,student,false,,",          // user rejected
			"e3,,,k1,sch1,t1,teacher,true,2026-13-01,", // bad date
			"e4,,,kX,sch1,t1,teacher,true,,"))          // unknown class
	res, err := e.Sync(context.Background(), bad.zip(t, ""), Options{Scope: rosterdesk.ScopeUsersCourses})
	if err != nil || res.Status != rosterdesk.StatusApplied {
		t.Fatalf("%v %+v", err, res)
	}
	if res.Counts.Users.Added != 2 || res.Counts.Users.Errors != 5 {
		t.Fatalf("users %+v", res.Counts.Users)
	}
	if res.Counts.Assignments.Added != 1 || res.Counts.Assignments.Errors != 3 {
		t.Fatalf("assignments %+v", res.Counts.Assignments)
	}
	want := []struct {
		file, rule, id, field string
		line, col             int
	}{
		{"users.csv", "sourcedId.duplicate", "u1", "sourcedId", 3, 1},
		{"users.csv", "required.missing", "u2", "username", 4, 7},
		{"users.csv", "enum.invalid", "u3", "role", 5, 6},
		{"users.csv", "ref.missing", "u4", "orgSourcedIds", 6, 5},
		{"users.csv", "bool.invalid", "u5", "enabledUser", 7, 4},
		{"enrollments.csv", "ref.rejected", "e2", "userSourcedId", 3, 6},
		{"enrollments.csv", "date.invalid", "e3", "beginDate", 4, 9},
		{"enrollments.csv", "ref.missing", "e4", "classSourcedId", 5, 4},
	}
	for _, w := range want {
		found := false
		for _, l := range res.Log {
			if l.Severity == SevError && l.File == w.file && l.Rule == w.rule && l.SourcedID == w.id {
				found = true
				if l.Line != w.line || l.Column != w.col || l.Field != w.field {
					t.Errorf("%s %s: got line %d col %d field %s, want %d %d %s", w.file, w.rule, l.Line, l.Column, l.Field, w.line, w.col, w.field)
				}
			}
		}
		if !found {
			t.Errorf("no %s error for %s in %s", w.rule, w.id, w.file)
		}
	}
	// The first u1 row won.
	if r := record(t, e, data.Users, "u1"); r.Fields["given_name"] != "Ann" {
		t.Fatalf("duplicate overwrote the first row: %+v", r.Fields)
	}
}

func TestRejectedRowNeverDeactivates(t *testing.T) {
	e := newEngine(t)
	mustSync(t, e, district().zip(t, ""), rosterdesk.ScopeBuildings)
	mustSync(t, e, district().zip(t, ""), rosterdesk.ScopeUsers)
	// u1's row is broken today: it must be reported, not treated as absent.
	src := district().with("users.csv", lines(hUsers,
		"u1,,,true,sch1,student,,,Ann,Smith,,,,,,,,",
		user("u2", "sch1", "student", "Ben"), user("u3", "sch2", "student", "Cat"),
		user("t1", "sch1", "teacher", "Tom"), user("t2", "sch2", "teacher", "Tia"), user("a1", "dist1", "administrator", "Ada")))
	res := mustSync(t, e, src.zip(t, ""), rosterdesk.ScopeUsers)
	if res.Counts.Users.Deactivated != 0 || res.Counts.Users.Errors != 1 {
		t.Fatalf("%+v", res.Counts.Users)
	}
	if r := record(t, e, data.Users, "u1"); !r.Active {
		t.Fatal("u1 deactivated because its row was bad")
	}
}

func TestOneRunAtATime(t *testing.T) {
	e := newEngine(t)
	unlock, err := e.lock() // as if another run were writing
	if err != nil {
		t.Fatal(err)
	}
	res, err := e.Sync(context.Background(), district().zip(t, ""), Options{Scope: rosterdesk.ScopeBuildings})
	if !IsRefused(err) || !says(res.Message, "in progress") {
		t.Fatalf("want a refusal while another run writes, got %v", err)
	}
	unlock()
	mustSync(t, e, district().zip(t, ""), rosterdesk.ScopeBuildings)
}

func TestTeacherPermissionAndGradeMatrix(t *testing.T) {
	e := newEngine(t)
	ctx := context.Background()
	if _, err := e.SetSetting(ctx, KeyTeacherPerm, "everything"); err == nil {
		t.Fatal("a bad permission was accepted")
	}
	if _, err := e.SetSetting(ctx, KeyTeacherPerm, PermLessonsOnly); err != nil {
		t.Fatal(err)
	}
	if _, err := e.SetSetting(ctx, KeyGradesMap, `{"05":"Grade 5","09":"Freshman"}`); err != nil {
		t.Fatal(err)
	}
	if _, err := e.SetSetting(ctx, KeyGradesMap, `{"05":""}`); err == nil {
		t.Fatal("an empty label was accepted")
	}
	mustSync(t, e, district().zip(t, ""), rosterdesk.ScopeBuildings)
	mustSync(t, e, district().zip(t, ""), rosterdesk.ScopeUsersCourses)
	if c := record(t, e, data.Courses, "c1"); c.Fields["teacher_permission"] != PermLessonsOnly || c.Fields["grades"] != "Grade 5" {
		t.Fatalf("c1 %+v", c.Fields)
	}
	if u := record(t, e, data.Users, "u1"); u.Fields["grades"] != "Grade 5" {
		t.Fatalf("u1 grades %q", u.Fields["grades"])
	}
	// Changing the preference reaches the existing courses at once.
	if _, err := e.SetSetting(ctx, KeyTeacherPerm, PermUnitsLessons); err != nil {
		t.Fatal(err)
	}
	if c := record(t, e, data.Courses, "c2"); c.Fields["teacher_permission"] != PermUnitsLessons || c.Fields["grades"] != "Freshman" {
		t.Fatalf("c2 %+v", c.Fields)
	}
}

func TestCollectionsAreLoggedByNameAndPosition(t *testing.T) {
	e := newEngine(t)
	mustSync(t, e, district().zip(t, ""), rosterdesk.ScopeBuildings)
	src := district().with("users.csv", lines(hUsers, user("u1", "sch1", "student", "Ann"), user("u2", "sch1", "wizard", "Ben")))
	res, err := e.Sync(context.Background(), src.dir(t), Options{Scope: rosterdesk.ScopeUsers, Collections: true})
	if err != nil {
		t.Fatal(err)
	}
	if l := findLog(res.Log, SevError, "users", "enum.invalid"); l == nil || l.Line != 2 || l.SourcedID != "u2" {
		t.Fatalf("want record 2 of the users collection, got %+v", l)
	}
	if l := findLog(res.Log, SevWarning, "users", "csv.line_break"); l != nil {
		t.Fatalf("a line-break warning on a one-line record: %+v", l)
	}
}

func TestRosterLockAcrossProcesses(t *testing.T) {
	ctx := context.Background()
	e := newEngine(t)
	host, _ := os.Hostname()
	// `serve` on another machine holds the roster: refused, naming it.
	other := rosterdesk.RunLock{Holder: "rosterdesk serve", PID: 4242, Host: "sis-server"}
	if _, ok, err := e.db.AcquireRunLock(ctx, other, func(rosterdesk.RunLock) bool { return false }); !ok || err != nil {
		t.Fatal(ok, err)
	}
	_, err := e.Sync(ctx, district().zip(t, ""), Options{Scope: rosterdesk.ScopeBuildings})
	if !IsRefused(err) || !strings.Contains(err.Error(), "rosterdesk serve") || !strings.Contains(err.Error(), "sis-server") {
		t.Fatalf("want a refusal naming the holder, got %v", err)
	}
	e.db.ReleaseRunLock(ctx, 4242, "sis-server")
	// A holder on this machine whose process is gone left a stale claim: it is taken over.
	dead := rosterdesk.RunLock{Holder: "RosterDesk app", PID: 1 << 22, Host: host}
	e.db.AcquireRunLock(ctx, dead, func(rosterdesk.RunLock) bool { return false })
	mustSync(t, e, district().zip(t, ""), rosterdesk.ScopeBuildings)
}

func TestCancelRollsBackAndIsRecorded(t *testing.T) {
	e := newEngine(t)
	mustSync(t, e, district().zip(t, ""), rosterdesk.ScopeBuildings)
	before := dumpRoster(t, e)
	ctx, cancel := context.WithCancel(context.Background())
	applyHook = func(done int) {
		if done == 3 {
			cancel()
		}
	}
	defer func() { applyHook = nil }()
	res, err := e.Sync(ctx, district().zip(t, ""), Options{Scope: rosterdesk.ScopeUsersCourses})
	if !errors.Is(err, context.Canceled) || res == nil || res.Status != rosterdesk.StatusCancelled {
		t.Fatalf("want a cancelled run, got %v %+v", err, res)
	}
	if dumpRoster(t, e) != before {
		t.Fatal("a cancelled run changed the roster")
	}
	if h, _ := e.History(context.Background(), 1, 0); h[0].Status != rosterdesk.StatusCancelled {
		t.Fatalf("history %+v", h[0])
	}
}

func TestPreviewSaysItWouldBeHeld(t *testing.T) {
	e := newEngine(t)
	mustSync(t, e, district().zip(t, ""), rosterdesk.ScopeBuildings)
	mustSync(t, e, district().zip(t, ""), rosterdesk.ScopeUsers)
	guardsDefault(t, e)
	small := district().with("users.csv", lines(hUsers, user("u1", "sch1", "student", "Ann")))
	plan, err := e.PlanRun(context.Background(), small.zip(t, ""), Options{Scope: rosterdesk.ScopeUsers})
	if err != nil || len(plan.Trips) == 0 || plan.Trips[0].Entity != "users" {
		t.Fatalf("preview trips %v %+v", err, plan.Trips)
	}
	res, err := e.Sync(context.Background(), small.zip(t, ""), Options{Scope: rosterdesk.ScopeUsers, DryRun: true})
	if err != nil || len(res.Tripped) == 0 {
		t.Fatalf("dry run %v %+v", err, res)
	}
}
