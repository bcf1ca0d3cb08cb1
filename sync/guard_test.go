package sync

import (
	"context"
	"errors"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"rosterdesk"
	"rosterdesk/data"
	"rosterdesk/sync/gen"
)

var rosterTables = []string{"academic_sessions", "assignments", "buildings", "classes", "courses", "orgs", "user_buildings", "users"}

func dumpRoster(t *testing.T, e *Engine) string {
	t.Helper()
	d, err := e.db.DumpTables(context.Background(), rosterTables...)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// genDays writes a generated district and n next days as bulk zips.
func genDays(t *testing.T, n int) []string {
	t.Helper()
	cfg := gen.Small()
	cfg.Seed = 11
	d := gen.Generate(cfg)
	dir := t.TempDir()
	var paths []string
	for i := 0; i <= n; i++ {
		p := filepath.Join(dir, "day"+string(rune('a'+i))+".zip")
		if err := d.WriteZip(p, gen.WriteOptions{}); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
		d = gen.NextDay(d, int64(100+i))
	}
	return paths
}

// withdraw writes a copy of a users.csv-bearing district with share of its students left out.
func withdraw(t *testing.T, share float64) (day0, cut string) {
	t.Helper()
	cfg := gen.Small()
	cfg.Seed = 12
	d := gen.Generate(cfg)
	dir := t.TempDir()
	day0 = filepath.Join(dir, "day0.zip")
	if err := d.WriteZip(day0, gen.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	var students int
	for _, u := range d.Users {
		if u.Role == "student" {
			students++
		}
	}
	drop := map[string]bool{}
	keep := d.Users[:0:0]
	for _, u := range d.Users {
		if u.Role == "student" && float64(len(drop)) < share*float64(students) {
			drop[u.SourcedID] = true
			continue
		}
		keep = append(keep, u)
	}
	cutD := *d
	cutD.Users = keep
	cutD.Enrollments = nil
	for _, en := range d.Enrollments {
		if !drop[en.UserSourcedID] {
			cutD.Enrollments = append(cutD.Enrollments, en)
		}
	}
	cut = filepath.Join(dir, "cut.zip")
	if err := cutD.WriteZip(cut, gen.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	return day0, cut
}

func TestMassWithdrawalIsHeldThenApprovedExactly(t *testing.T) {
	ctx := context.Background()
	day0, cut := withdraw(t, 0.30)
	e := newEngine(t)
	mustSync(t, e, day0, rosterdesk.ScopeBuildings)
	mustSync(t, e, day0, rosterdesk.ScopeUsersCourses)
	guardsDefault(t, e)
	before := dumpRoster(t, e)

	res, err := e.Sync(ctx, cut, Options{Scope: rosterdesk.ScopeUsersCourses})
	if !IsHeld(err) || res.Status != rosterdesk.StatusHeld || len(res.Tripped) == 0 {
		t.Fatalf("want held, got %v %+v", err, res)
	}
	if tr := res.Tripped[0]; tr.Entity != "users" || tr.Action != "deactivate" || tr.Percent < 25 {
		t.Fatalf("tripped %+v", res.Tripped)
	}
	if after := dumpRoster(t, e); after != before {
		t.Fatal("a held run changed the roster")
	}
	hist, _ := e.History(ctx, 1, 0)
	if hist[0].Status != rosterdesk.StatusHeld || !strings.HasPrefix(hist[0].Message, "Held — needs review") || len(hist[0].Tripped) == 0 {
		t.Fatalf("history %+v", hist[0])
	}
	heldCounts := res.Counts

	// Approving applies exactly the numbers that were held, even if the original file is gone.
	approved, err := e.Approve(ctx, res.ID)
	if err != nil || approved.Status != rosterdesk.StatusApplied || approved.Counts != heldCounts {
		t.Fatalf("approve: %v %+v, held %+v", err, approved, heldCounts)
	}
	if r, _ := e.db.Run(ctx, res.ID); r.Status != rosterdesk.StatusApproved || r.ResolvedBy != approved.ID {
		t.Fatalf("held run after approval %+v", r)
	}
	if _, err := e.Approve(ctx, res.ID); !IsRefused(err) {
		t.Fatal("a run was approved twice")
	}
	// The same result as applying it with the limits off.
	f := newEngine(t)
	mustSync(t, f, day0, rosterdesk.ScopeBuildings)
	mustSync(t, f, day0, rosterdesk.ScopeUsersCourses)
	direct := mustSync(t, f, cut, rosterdesk.ScopeUsersCourses)
	if direct.Counts != heldCounts {
		t.Fatalf("direct %+v vs approved %+v", direct.Counts, heldCounts)
	}
	diffStates(t, rosterState(t, e), rosterState(t, f))
}

func TestApproveAfterTheRosterChangedPlansAgain(t *testing.T) {
	ctx := context.Background()
	day0, cut := withdraw(t, 0.30)
	e := newEngine(t)
	mustSync(t, e, day0, rosterdesk.ScopeBuildings)
	mustSync(t, e, day0, rosterdesk.ScopeUsersCourses)
	guardsDefault(t, e)
	held, err := e.Sync(ctx, cut, Options{Scope: rosterdesk.ScopeUsersCourses})
	if !IsHeld(err) {
		t.Fatal(err)
	}
	// Meanwhile every user is protected: the held plan no longer matches.
	st, _ := e.db.LoadState(ctx, data.Users)
	for id := range st {
		if err := e.Protect(ctx, "user", id, true); err != nil {
			t.Fatal(err)
		}
	}
	before := dumpRoster(t, e)
	res, err := e.Approve(ctx, held.ID)
	if !IsRefused(err) || !errors.Is(err, ErrReplanned) || !strings.Contains(err.Error(), "planned again") {
		t.Fatalf("want a refusal with new numbers, got %v", err)
	}
	if res.Counts.Users.Deactivated != 0 || res.Counts == held.Counts {
		t.Fatalf("new numbers %+v", res.Counts)
	}
	if dumpRoster(t, e) != before {
		t.Fatal("a replanned approval applied something")
	}
	// Its list of who it changes is the new plan's: no user any more.
	if p, err := e.RunRecords(ctx, held.ID, rosterdesk.PlannedQuery{}); err != nil || p.Total != res.Counts.Changes() || p.Total == 0 {
		t.Fatalf("replanned list: %d records for %d changes (%v)", p.Total, res.Counts.Changes(), err)
	}
	if p, _ := e.RunRecords(ctx, held.ID, rosterdesk.PlannedQuery{Entity: rosterdesk.EntityUser, Action: "deactivate"}); p.Total != 0 {
		t.Fatalf("the replanned list still deactivates %d users", p.Total)
	}
	// Approving again applies the new numbers.
	if ok, err := e.Approve(ctx, held.ID); err != nil || ok.Counts.Users.Deactivated != 0 {
		t.Fatalf("second approval %v %+v", err, ok)
	}
}

func TestDiscardAndCLIStatuses(t *testing.T) {
	ctx := context.Background()
	day0, cut := withdraw(t, 0.30)
	e := newEngine(t)
	mustSync(t, e, day0, rosterdesk.ScopeBuildings)
	mustSync(t, e, day0, rosterdesk.ScopeUsersCourses)
	guardsDefault(t, e)
	held, _ := e.Sync(ctx, cut, Options{Scope: rosterdesk.ScopeUsersCourses})
	if res, err := e.Discard(ctx, held.ID); err != nil || res.Status != rosterdesk.StatusDiscarded {
		t.Fatalf("discard %v %+v", err, res)
	}
	if _, err := e.Approve(ctx, held.ID); !IsRefused(err) {
		t.Fatal("a discarded run was approved")
	}
}

func TestIncompleteInputDeactivatesNoOne(t *testing.T) {
	ctx := context.Background()
	e := newEngine(t)
	guardsDefault(t, e)
	mustSync(t, e, district().zip(t, ""), rosterdesk.ScopeBuildings)
	mustSync(t, e, district().zip(t, ""), rosterdesk.ScopeUsersCourses)
	before := dumpRoster(t, e)

	// users.csv left out of the zip: nobody is deactivated.
	res, err := e.Sync(ctx, district().with("users.csv", "").zip(t, ""), Options{Scope: rosterdesk.ScopeUsersCourses})
	if err != nil && !IsHeld(err) {
		t.Fatal(err)
	}
	if res.Counts.Users.Deactivated != 0 {
		t.Fatalf("missing users.csv deactivated %d", res.Counts.Users.Deactivated)
	}
	// A renamed header column (email → e-mail): every email would be blanked; held, nothing changes.
	renamed := district()
	renamed["users.csv"] = strings.Replace(renamed["users.csv"], ",email,", ",e-mail,", 1)
	res, err = e.Sync(ctx, renamed.zip(t, ""), Options{Scope: rosterdesk.ScopeUsersCourses})
	if !IsHeld(err) {
		t.Fatalf("renamed header: want held, got %v %+v", err, res)
	}
	// Enrollments cut to one row while the rest is complete: held by the completeness guard.
	cut := district().with("enrollments.csv", lines(hEnroll, "e1,,,k1,sch1,u1,student,false,,"))
	guardsOff(t, e)
	if _, err := e.SetSetting(ctx, KeyInputDrop, "20"); err != nil {
		t.Fatal(err)
	}
	res, err = e.Sync(ctx, cut.zip(t, ""), Options{Scope: rosterdesk.ScopeUsersCourses})
	if !IsHeld(err) || !strings.Contains(res.Tripped[0].Reason, "enrollments.csv has 1 rows") {
		t.Fatalf("cut file: %v %+v", err, res.Tripped)
	}
	if dumpRoster(t, e) != before {
		t.Fatal("the roster changed")
	}
}

func TestProtectedRecordsAreNeverDeactivated(t *testing.T) {
	ctx := context.Background()
	e := newEngine(t)
	mustSync(t, e, district().zip(t, ""), rosterdesk.ScopeBuildings)
	mustSync(t, e, district().zip(t, ""), rosterdesk.ScopeUsersCourses)
	for _, p := range [][2]string{{"user", "u2"}, {"course", "c2"}, {"building", "sch2"}} {
		if err := e.Protect(ctx, p[0], p[1], true); err != nil {
			t.Fatal(err)
		}
	}
	if err := e.Protect(ctx, "class", "k1", true); err == nil {
		t.Fatal("a class was protected")
	}
	next := district().
		with("orgs.csv", lines(hOrgs, "dist1,,,Maple District,district,,", "sch1,,,Maple Elementary,school,,dist1")).
		with("users.csv", lines(hUsers, user("u1", "sch1", "student", "Ann"))).
		with("courses.csv", lines(hCourses, "c1,,,y2026,Math 5,M5,05,sch1,Math,")).
		with("classes.csv", lines(hClasses, "k1,,,Math 5 - A,05,c1,M5A,scheduled,R1,sch1,t1,Math,,1")).
		with("enrollments.csv", lines(hEnroll, "e1,,,k1,sch1,u1,student,false,,"))
	b := mustSync(t, e, next.zip(t, ""), rosterdesk.ScopeBuildings)
	if b.Counts.Buildings.Deactivated != 0 || findLog(b.Log, SevInfo, "orgs.csv", "record.protected") == nil {
		t.Fatalf("protected building %+v", b.Counts.Buildings)
	}
	res := mustSync(t, e, next.zip(t, ""), rosterdesk.ScopeUsersCourses)
	if !record(t, e, data.Users, "u2").Active || !record(t, e, data.Courses, "c2").Active {
		t.Fatal("a protected record was deactivated")
	}
	if record(t, e, data.Users, "u3").Active {
		t.Fatal("an unprotected record was kept")
	}
	l := findLog(res.Log, SevInfo, "users.csv", "record.protected")
	if l == nil || l.SourcedID != "u2" || !says(l.Message, "absent from users.csv") {
		t.Fatalf("protected log %+v", l)
	}
}

func TestRollbackRestoresTheRosterExactly(t *testing.T) {
	ctx := context.Background()
	days := genDays(t, 10)
	e := newEngine(t)
	mustSync(t, e, days[0], rosterdesk.ScopeBuildings)
	mustSync(t, e, days[0], rosterdesk.ScopeUsersCourses)
	day1 := dumpRoster(t, e)
	var applied []int64
	for _, d := range days[1:] {
		applied = append(applied, mustSync(t, e, d, rosterdesk.ScopeUsersCourses).ID)
	}
	// An older run cannot be undone while newer ones changed the same records.
	if _, err := e.Rollback(ctx, applied[0]); !IsRefused(err) || !strings.Contains(err.Error(), "first") {
		t.Fatalf("want a conflict refusal, got %v", err)
	}
	// Undo the days newest first, back to day one.
	for i := len(applied) - 1; i >= 0; i-- {
		res, err := e.Rollback(ctx, applied[i])
		if err != nil || res.Undoes != applied[i] {
			t.Fatalf("rollback %d: %v %+v", applied[i], err, res)
		}
		if r, _ := e.db.Run(ctx, applied[i]); r.Status != rosterdesk.StatusRolledBack || r.ResolvedBy != res.ID {
			t.Fatalf("run %d not marked rolled back: %+v", applied[i], r)
		}
	}
	if after := dumpRoster(t, e); after != day1 {
		t.Fatalf("ten days rolled back do not equal day one:\n%s", firstDiff(day1, after))
	}
	if _, err := e.Rollback(ctx, applied[0]); !IsRefused(err) {
		t.Fatal("a rolled-back run was undone twice")
	}
	// The building sync can be undone too (its users run is undone already), and then users wait for a new one.
	hist, _ := e.History(ctx, 0, 0)
	usersRun, buildingsRun := hist[len(hist)-2], hist[len(hist)-1]
	if _, err := e.Rollback(ctx, buildingsRun.ID); !IsRefused(err) {
		t.Fatalf("the building sync was undone under the users it links: %v", err)
	}
	if _, err := e.Rollback(ctx, usersRun.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Rollback(ctx, buildingsRun.ID); err != nil {
		t.Fatal(err)
	}
	if rc := roster(t, e); rc.Buildings.Active+rc.Buildings.Inactive+rc.Users.Active+rc.Users.Inactive != 0 {
		t.Fatalf("an empty roster was expected: %+v", rc)
	}
	if _, err := e.Sync(ctx, days[0], Options{Scope: rosterdesk.ScopeUsers}); !IsRefused(err) {
		t.Fatalf("users synced without a building sync in force: %v", err)
	}
}

func TestRollbackOfOneRunEqualsTheDumpBefore(t *testing.T) {
	ctx := context.Background()
	days := genDays(t, 1)
	e := newEngine(t)
	mustSync(t, e, days[0], rosterdesk.ScopeBuildings)
	mustSync(t, e, days[0], rosterdesk.ScopeUsersCourses)
	before := dumpRoster(t, e)
	res := mustSync(t, e, days[1], rosterdesk.ScopeUsersCourses)
	if res.Counts.Users.Updated == 0 || res.Counts.Users.Deactivated == 0 || res.Counts.Assignments.Added == 0 {
		t.Fatalf("day 2 changed too little: %+v", res.Counts)
	}
	if _, err := e.Rollback(ctx, res.ID); err != nil {
		t.Fatal(err)
	}
	if after := dumpRoster(t, e); after != before {
		t.Fatalf("rollback is not exact:\n%s", firstDiff(before, after))
	}
	// And the day can be applied again.
	again := mustSync(t, e, days[1], rosterdesk.ScopeUsersCourses)
	if again.Counts != res.Counts {
		t.Fatalf("reapplied %+v vs %+v", again.Counts, res.Counts)
	}
}

func firstDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := 0; i < len(al) && i < len(bl); i++ {
		if al[i] != bl[i] {
			return "line " + strconv.Itoa(i+1) + ":\n- " + al[i] + "\n+ " + bl[i]
		}
	}
	return "lengths differ"
}

func TestFirstRunFromANewProviderIsHeld(t *testing.T) {
	ctx := context.Background()
	e := newEngine(t)
	withSystem := func(name string) files {
		d := district()
		d["manifest.csv"] += "source.systemName," + name + "\n"
		return d
	}
	mustSync(t, e, withSystem("Campus").zip(t, ""), rosterdesk.ScopeBuildings)
	mustSync(t, e, withSystem("Campus").zip(t, ""), rosterdesk.ScopeUsersCourses)
	mustSync(t, e, withSystem("Campus").zip(t, ""), rosterdesk.ScopeUsersCourses)
	res, err := e.Sync(ctx, withSystem("ClassLink").zip(t, ""), Options{Scope: rosterdesk.ScopeUsersCourses})
	if !IsHeld(err) || res.Tripped[0].Entity != "provider" || !strings.Contains(res.Tripped[0].Reason, "ClassLink") {
		t.Fatalf("want held for a new provider, got %v %+v", err, res)
	}
	if _, err := e.Approve(ctx, res.ID); err != nil {
		t.Fatal(err)
	}
	// From then on the new provider is the known one.
	mustSync(t, e, withSystem("ClassLink").zip(t, ""), rosterdesk.ScopeUsersCourses)
}
