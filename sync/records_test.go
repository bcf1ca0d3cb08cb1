package sync

import (
	"context"
	"strings"
	"testing"

	"rosterdesk"
	"rosterdesk/data"
	"rosterdesk/sync/gen"
)

// A held run lists, by name, every user it would deactivate and every
// assignment it would remove; the list pages and searches; a dry run and a
// preview list the same; discarding drops the names.
func TestHeldRunListsWhoItTouches(t *testing.T) {
	ctx := context.Background()
	day0, cut := withdraw(t, 0.30)
	e := newEngine(t)
	mustSync(t, e, day0, rosterdesk.ScopeBuildings)
	mustSync(t, e, day0, rosterdesk.ScopeUsersCourses)
	guardsDefault(t, e)

	res, err := e.Sync(ctx, cut, Options{Scope: rosterdesk.ScopeUsersCourses})
	if !IsHeld(err) {
		t.Fatal(err)
	}
	gone := res.Counts.Users.Deactivated
	page, err := e.RunRecords(ctx, res.ID, rosterdesk.PlannedQuery{Entity: rosterdesk.EntityUser, Action: "deactivate", Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	if page.Total != gone || len(page.Records) != 10 || page.Truncated() {
		t.Fatalf("listed %d of %d deactivations (page %d)", page.Total, gone, len(page.Records))
	}
	// Each is named as the roster has it: name, role, school.
	for _, r := range page.Records {
		u := record(t, e, data.Users, r.SourcedID)
		want := strings.TrimSpace(u.Fields["given_name"] + " " + u.Fields["family_name"])
		if r.Name != want || !strings.HasPrefix(r.Detail, "student · ") || strings.Contains(r.Detail, "sch") && !strings.Contains(r.Detail, " ") {
			t.Errorf("%s listed as %q / %q, roster has %q", r.SourcedID, r.Name, r.Detail, want)
		}
		if r.Reason == "" {
			t.Errorf("%s has no reason", r.SourcedID)
		}
	}
	// Every page together lists each deactivation once.
	seen := map[string]bool{}
	for off := 0; off < gone; off += 7 {
		p, err := e.RunRecords(ctx, res.ID, rosterdesk.PlannedQuery{Entity: rosterdesk.EntityUser, Action: "deactivate", Offset: off, Limit: 7})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range p.Records {
			seen[r.SourcedID] = true
		}
	}
	if len(seen) != gone {
		t.Fatalf("pages listed %d distinct users of %d", len(seen), gone)
	}
	// Search by family name finds that user, and their assignments (who in which class).
	target := page.Records[0]
	fam := strings.Fields(target.Name)[len(strings.Fields(target.Name))-1]
	found, err := e.RunRecords(ctx, res.ID, rosterdesk.PlannedQuery{Search: strings.ToLower(target.Name)})
	if err != nil {
		t.Fatal(err)
	}
	var user, assignment bool
	for _, r := range found.Records {
		switch {
		case r.Entity == rosterdesk.EntityUser && r.SourcedID == target.SourcedID:
			user = true
		case r.Entity == rosterdesk.EntityAssignment && r.Name == target.Name && r.Action == "remove" && strings.Contains(r.Detail, " in "):
			assignment = true
		}
	}
	if !user || !assignment {
		t.Fatalf("search %q (family %s): user %v, assignment %v in %+v", target.Name, fam, user, assignment, found.Records)
	}
	if p, _ := e.RunRecords(ctx, res.ID, rosterdesk.PlannedQuery{Search: "no such name 100%_"}); p.Total != 0 {
		t.Fatalf("a search for nothing found %d", p.Total)
	}

	// The preview of the same file lists the same records.
	plan, err := e.PlanRun(ctx, cut, Options{Scope: rosterdesk.ScopeUsersCourses})
	if err != nil {
		t.Fatal(err)
	}
	pp, err := e.Records(ctx, plan, rosterdesk.PlannedQuery{})
	if err != nil {
		t.Fatal(err)
	}
	all, _ := e.RunRecords(ctx, res.ID, rosterdesk.PlannedQuery{})
	if pp.Total != all.Total || pp.Total != res.Counts.Changes() {
		t.Fatalf("preview lists %d, held run %d, counts %d", pp.Total, all.Total, res.Counts.Changes())
	}
	for i := range all.Records {
		a, b := all.Records[i], pp.Records[i]
		if a.Entity != b.Entity || a.Action != b.Action || a.SourcedID != b.SourcedID || a.Name != b.Name || a.Detail != b.Detail || a.Reason != b.Reason || a.Line != b.Line {
			t.Fatalf("record %d: held %+v, preview %+v", i, all.Records[i], pp.Records[i])
		}
	}

	// Discarding drops the list and its names.
	if _, err := e.Discard(ctx, res.ID); err != nil {
		t.Fatal(err)
	}
	if p, _ := e.RunRecords(ctx, res.ID, rosterdesk.PlannedQuery{}); p.Total != 0 {
		t.Fatalf("a discarded run still lists %d records", p.Total)
	}
}

// Added records are named from the input: a new user with her school, a new
// class with its course, her assignment in it.
func TestPreviewNamesAddedRecordsFromTheInput(t *testing.T) {
	ctx := context.Background()
	e := newEngine(t)
	cfg := gen.Small()
	cfg.Seed = 3
	d := gen.Generate(cfg)
	p := t.TempDir() + "/day0.zip"
	if err := d.WriteZip(p, gen.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	mustSync(t, e, p, rosterdesk.ScopeBuildings)
	plan, err := e.PlanRun(ctx, p, Options{Scope: rosterdesk.ScopeUsersCourses})
	if err != nil {
		t.Fatal(err)
	}
	u := d.Users[len(d.Users)-1]
	page, err := e.Records(ctx, plan, rosterdesk.PlannedQuery{Search: u.SourcedID, Entity: rosterdesk.EntityUser})
	if err != nil || page.Total != 1 {
		t.Fatalf("%v, %d found", err, page.Total)
	}
	r := page.Records[0]
	if r.Name != u.GivenName+" "+u.FamilyName || r.Action != "add" || !strings.HasPrefix(r.Detail, u.Role+" · ") {
		t.Fatalf("added user listed as %+v", r)
	}
	b, _ := e.db.BuildingBySIS(ctx, u.OrgSourcedIDs[0])
	if len(u.OrgSourcedIDs) > 0 && b.Name != "" && !strings.HasSuffix(r.Detail, b.Name) {
		t.Errorf("detail %q lacks the school %q", r.Detail, b.Name)
	}
	cls, err := e.Records(ctx, plan, rosterdesk.PlannedQuery{Entity: rosterdesk.EntityClass, Limit: 1})
	if err != nil || cls.Total == 0 || cls.Records[0].Name == "" || cls.Records[0].Detail == "" || strings.Contains(cls.Records[0].Detail, "course-") {
		t.Fatalf("class %+v %v", cls.Records, err)
	}
	as, err := e.Records(ctx, plan, rosterdesk.PlannedQuery{Entity: rosterdesk.EntityAssignment, Limit: 1})
	if err != nil || as.Total == 0 || as.Records[0].Name == "" || !strings.Contains(as.Records[0].Detail, " in ") {
		t.Fatalf("assignment %+v %v", as.Records, err)
	}
}
