package sync

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"

	"rosterdesk"
	"rosterdesk/data"
	"rosterdesk/sync/gen"
	"rosterdesk/sync/rest/resttest"
)

// shiftingServer serves a district whose users view is rebuilt during a
// pull, as Ed-Fi's OneRoster API does: right after the page before a page
// boundary, a user already sent vanishes for a while, so the student at the
// boundary slides back into a page already read and is never sent (offset
// paging); the user is back when enrollments are read. rebuilds counts the
// pulls it may still disturb (<0: every one). It returns the skipped student.
func shiftingServer(t *testing.T, d *gen.District, s *resttest.Server, rebuilds *atomic.Int32) string {
	t.Helper()
	enrolled := map[string]bool{}
	for _, en := range d.Enrollments {
		enrolled[en.UserSourcedID] = true
	}
	const page = 50 // providerFor's page size
	b := 0
	for i := page; i < len(d.Users); i += page {
		if u := d.Users[i]; u.Role == gen.RoleStudent && enrolled[u.SourcedID] {
			b = i
			break
		}
	}
	if b == 0 {
		t.Fatal("no enrolled student at a page boundary")
	}
	var put func()
	s.SetFaults(resttest.Faults{AfterPage: func(col string, offset, _ int) {
		switch {
		case col == "users" && offset == b-page && rebuilds.Load() != 0:
			rebuilds.Add(-1)
			var ok bool
			if put, ok = s.Take("users", d.Users[b-page].SourcedID); !ok {
				t.Error("nothing to take")
			}
		case col == "enrollments" && offset == 0 && put != nil:
			put()
			put = nil
		}
	}})
	return d.Users[b].SourcedID
}

func pullEngine(t *testing.T) (*Engine, *resttest.Server, *gen.District) {
	t.Helper()
	mockKeychain(t)
	fastREST(t)
	dir, d := smallDistrict(t, "1.1")
	s := resttest.New(resttest.Generic11())
	t.Cleanup(s.Close)
	if err := s.Load(dir); err != nil {
		t.Fatal(err)
	}
	e := newEngine(t)
	p := providerFor(s, "oneroster11")
	p.FullEveryDays = 0 // every pull is full
	if _, err := e.SaveProvider(context.Background(), p, resttest.ClientSecret); err != nil {
		t.Fatal(err)
	}
	mustProviderSync(t, e, rosterdesk.ScopeBuildings)
	mustProviderSync(t, e, rosterdesk.ScopeUsersCourses)
	guardsDefault(t, e)
	return e, s, d
}

// TestPullChangedBetweenPages: a full pull during which the data changed is
// pulled again; the second, consistent pull is applied and nobody still
// enrolled is deactivated.
func TestPullChangedBetweenPages(t *testing.T) {
	e, s, d := pullEngine(t)
	var rebuilds atomic.Int32
	rebuilds.Store(1)
	skipped := shiftingServer(t, d, s, &rebuilds)
	res, err := e.SyncProvider(context.Background(), Options{Scope: rosterdesk.ScopeUsersCourses})
	if err != nil || res.Status != rosterdesk.StatusApplied {
		t.Fatalf("%v %+v", err, res)
	}
	if rebuilds.Load() != 0 {
		t.Fatal("the data never changed under the pull")
	}
	if k := res.Counts; k.Users.Deactivated != 0 || k.Assignments.Removed != 0 || res.Errors != 0 {
		t.Fatalf("counts %+v, %d errors", k, res.Errors)
	}
	l := findLog(res.Log, SevWarning, "", "pull.repulled")
	if l == nil || !says(l.Message, skipped) || !says(l.Message, "second pull is consistent") {
		t.Fatalf("log %+v", l)
	}
	if r := record(t, e, data.Users, skipped); !r.Active {
		t.Fatalf("%s deactivated", skipped)
	}
}

// TestPullInconsistentTwiceIsHeld: still inconsistent when pulled again, the
// run is held with that reason; the student the pull lost is not deactivated
// and her enrollments are not rejected, even once approved.
func TestPullInconsistentTwiceIsHeld(t *testing.T) {
	e, s, d := pullEngine(t)
	var rebuilds atomic.Int32
	rebuilds.Store(-1)
	skipped := shiftingServer(t, d, s, &rebuilds)
	ctx := context.Background()
	res, err := e.SyncProvider(ctx, Options{Scope: rosterdesk.ScopeUsersCourses})
	if !IsHeld(err) || res.Status != rosterdesk.StatusHeld {
		t.Fatalf("want held: %v %+v", err, res)
	}
	var tr *rosterdesk.Trip
	for i := range res.Tripped {
		if res.Tripped[i].Entity == "pull" {
			tr = &res.Tripped[i]
		}
	}
	if tr == nil || !strings.Contains(tr.Reason, "not consistent") || !strings.Contains(tr.Reason, skipped) {
		t.Fatalf("tripped %+v", res.Tripped)
	}
	if k := res.Counts; k.Users.Deactivated != 0 || k.Assignments.Removed != 0 || res.Errors != 0 {
		t.Fatalf("held counts %+v, %d errors", k, res.Errors)
	}
	if r, _ := e.db.Run(ctx, res.ID); r.Status != rosterdesk.StatusHeld {
		t.Fatalf("run %+v", r)
	}
	ap, err := e.Approve(ctx, res.ID)
	if err != nil || ap.Status != rosterdesk.StatusApplied || ap.Counts.Users.Deactivated != 0 {
		t.Fatalf("approved: %v %+v", err, ap)
	}
	if l := findLog(ap.Log, SevWarning, "", "pull.inconsistent"); l == nil || l.SourcedID != skipped || !says(l.Message, "not in this pull") {
		t.Fatalf("log %+v", l)
	}
	if r := record(t, e, data.Users, skipped); !r.Active {
		t.Fatalf("%s deactivated", skipped)
	}
}

// TestReferenceMessagesSayWhatIsTrue: a reference that does not resolve says
// why: rejected on line N, deactivated by this run, not in this pull.
func TestReferenceMessagesSayWhatIsTrue(t *testing.T) {
	e := newEngine(t)
	mustSync(t, e, district().zip(t, ""), rosterdesk.ScopeBuildings)
	mustSync(t, e, district().zip(t, ""), rosterdesk.ScopeUsersCourses)
	bad := district().with("users.csv", lines(hUsers,
		"u1,,,maybe,sch1,student,ann,,Ann,Smith,,,,,,,05,", // line 2: bad boolean
		user("u3", "sch2", "student", "Cat"), user("t1", "sch1", "teacher", "Tom"), user("t2", "sch2", "teacher", "Tia"),
		user("a1", "dist1", "administrator", "Ada"))). // u2 left out: deactivated by this run
		with("enrollments.csv", lines(hEnroll,
			"e1,,,k1,sch1,u1,student,false,,",
			"e2,,,k1,sch1,u2,student,false,,",
			"e6,,,k1,sch1,u8,student,false,,"))
	res, err := e.Sync(context.Background(), bad.zip(t, ""), Options{Scope: rosterdesk.ScopeUsersCourses, DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"e1": "user u1 was rejected on line 2 of users.csv",
		"e2": "user u2 is not in users.csv, so it is deactivated by this run",
		"e6": "user u8 is not in users.csv nor in the roster",
	}
	for _, l := range res.Log {
		if w, ok := want[l.SourcedID]; ok && l.File == "enrollments.csv" && says(l.Message, w) {
			delete(want, l.SourcedID)
		}
	}
	if len(want) > 0 {
		t.Fatalf("messages not found: %v\nlog %+v", want, res.Log)
	}

	// A REST pull: "not in this pull".
	pull := district().with("enrollments.csv", lines(hEnroll, "e6,,,k1,sch1,u8,student,false,,")).dir(t)
	res, err = e.Sync(context.Background(), pull, Options{Scope: rosterdesk.ScopeUsersCourses, DryRun: true, Collections: true})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, l := range res.Log {
		found = found || l.SourcedID == "e6" && says(l.Message, "user u8 is not in this pull nor in the roster")
	}
	if !found {
		t.Fatalf("no 'not in this pull': %+v", res.Log)
	}
}

// TestProviderDeltaKeepsBuildingsQuiet: with OneRoster enabled, a delta pull
// in which no org changed steps no building and warns of nothing.
func TestProviderDeltaKeepsBuildingsQuiet(t *testing.T) {
	mockKeychain(t)
	fastREST(t)
	dir, _ := smallDistrict(t, "1.1")
	cfg := resttest.Generic11()
	cfg.Modified = "2026-11-01T00:00:00.000Z"
	s := resttest.New(cfg)
	defer s.Close()
	s.Load(dir)
	e := newEngine(t)
	setProvider(t, e, s, "oneroster11")
	if _, err := e.SetSetting(context.Background(), KeyOneRosterOn, "true"); err != nil {
		t.Fatal(err)
	}
	mustProviderSync(t, e, rosterdesk.ScopeBuildings)
	mustProviderSync(t, e, rosterdesk.ScopeUsersCourses)
	res := mustProviderSync(t, e, rosterdesk.ScopeUsersCourses)
	if res.Warnings != 0 || res.Counts != (rosterdesk.Counts{}) {
		t.Fatalf("delta: %d warnings %+v %+v", res.Warnings, res.Counts, res.Log)
	}
}
