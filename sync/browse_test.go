package sync

import (
	"context"
	"strings"
	"testing"

	"rosterdesk"
)

func TestBrowseUsersSearchFilterAndPages(t *testing.T) {
	e := newEngine(t)
	ctx := context.Background()
	src := district().zip(t, "")
	mustSync(t, e, src, rosterdesk.ScopeBuildings)
	mustSync(t, e, src, rosterdesk.ScopeUsersCourses)

	all, err := e.Browse(ctx, rosterdesk.BrowseQuery{Kind: rosterdesk.BrowseUsers, Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	if all.Total != 6 || len(all.Rows) != 6 { // the guardian is not imported
		t.Fatalf("total %d, rows %d", all.Total, len(all.Rows))
	}
	if all.Columns[0] != "Name" || all.Rows[0].Cells[0] != "Smith, Ada" {
		t.Fatalf("first row %v", all.Rows[0].Cells)
	}
	// Pages: two rows at a time, the total counted on the first page only.
	var ids []string
	for off := 0; off < 6; off += 2 {
		p, err := e.Browse(ctx, rosterdesk.BrowseQuery{Kind: rosterdesk.BrowseUsers, Limit: 2, Offset: off})
		if err != nil {
			t.Fatal(err)
		}
		if (off == 0) != (p.Total == 6) || len(p.Rows) != 2 {
			t.Fatalf("page at %d: total %d, %d rows", off, p.Total, len(p.Rows))
		}
		for _, r := range p.Rows {
			ids = append(ids, r.SourcedID)
		}
	}
	for i, r := range all.Rows {
		if ids[i] != r.SourcedID {
			t.Fatalf("paged order %v differs from %v", ids, all.Rows)
		}
	}
	count := func(q rosterdesk.BrowseQuery) int {
		t.Helper()
		q.Limit = 1 // forces a count
		p, err := e.Browse(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		return p.Total
	}
	b1, err := e.db.BuildingBySIS(ctx, "sch1")
	if err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]struct {
		q    rosterdesk.BrowseQuery
		want int
	}{
		"search given name": {rosterdesk.BrowseQuery{Kind: rosterdesk.BrowseUsers, Search: "ann"}, 1},
		"search full name":  {rosterdesk.BrowseQuery{Kind: rosterdesk.BrowseUsers, Search: "Ben Smith"}, 1},
		"search email":      {rosterdesk.BrowseQuery{Kind: rosterdesk.BrowseUsers, Search: "tia@example"}, 1},
		"search sourcedId":  {rosterdesk.BrowseQuery{Kind: rosterdesk.BrowseUsers, Search: "t2"}, 1},
		"search is literal": {rosterdesk.BrowseQuery{Kind: rosterdesk.BrowseUsers, Search: "%"}, 0},
		"role":              {rosterdesk.BrowseQuery{Kind: rosterdesk.BrowseUsers, Role: "student"}, 3},
		"building":          {rosterdesk.BrowseQuery{Kind: rosterdesk.BrowseUsers, BuildingID: b1.ID}, 3},
		"building and role": {rosterdesk.BrowseQuery{Kind: rosterdesk.BrowseUsers, BuildingID: b1.ID, Role: "teacher"}, 1},
		"inactive":          {rosterdesk.BrowseQuery{Kind: rosterdesk.BrowseUsers, Status: "inactive"}, 0},
		"courses":           {rosterdesk.BrowseQuery{Kind: rosterdesk.BrowseCourses}, 2},
		"courses by school": {rosterdesk.BrowseQuery{Kind: rosterdesk.BrowseCourses, BuildingID: b1.ID}, 1},
		"classes by code":   {rosterdesk.BrowseQuery{Kind: rosterdesk.BrowseClasses, Search: "bioa"}, 1},
		"classes by school": {rosterdesk.BrowseQuery{Kind: rosterdesk.BrowseClasses, BuildingID: b1.ID, Status: "active"}, 1},
	} {
		if got := count(c.q); got != c.want {
			t.Errorf("%s: %d rows, want %d", name, got, c.want)
		}
	}
	// Deactivated users show up under the inactive filter.
	users := district()["users.csv"]
	next := district().with("users.csv", strings.Replace(users, user("u2", "sch1", "student", "Ben")+"\n", "", 1))
	mustSync(t, e, next.zip(t, ""), rosterdesk.ScopeUsers)
	if got := count(rosterdesk.BrowseQuery{Kind: rosterdesk.BrowseUsers, Status: "inactive"}); got != 1 {
		t.Fatalf("inactive after removal: %d", got)
	}

	d, err := e.UserDetail(ctx, "u1")
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Buildings) != 1 || d.Buildings[0].Name != "Maple Elementary" || len(d.Classes) != 1 || d.Classes[0].Title != "Math 5 - A" || !d.Classes[0].Active {
		t.Fatalf("detail %+v %+v", d.Buildings, d.Classes)
	}
	d, err = e.UserDetail(ctx, "u2")
	if err != nil {
		t.Fatal(err)
	}
	last := d.History[len(d.History)-1]
	if d.Record.Active || last.Action != "deactivate" || last.Reason != "absent from users.csv" {
		t.Fatalf("u2 history %+v", d.History)
	}
	if _, err := e.UserDetail(ctx, "nobody"); err == nil {
		t.Fatal("unknown user found")
	}
}

func TestLogPageFiltersAndCounts(t *testing.T) {
	e := newEngine(t)
	ctx := context.Background()
	f := district()
	f["users.csv"] += user("bad1", "sch1", "student", "") // no username nor givenName: rejected
	src := f.zip(t, "")
	mustSync(t, e, src, rosterdesk.ScopeBuildings)
	res := mustSync(t, e, src, rosterdesk.ScopeUsers)

	rows, counts, err := e.LogPage(ctx, res.ID, rosterdesk.LogFilter{}, 1000, 0)
	if err != nil {
		t.Fatal(err)
	}
	if counts["error"] != res.Errors || counts["warning"] != res.Warnings || counts["change"] != res.Counts.Users.Added {
		t.Fatalf("counts %v; run has %d errors, %d warnings, %d users added", counts, res.Errors, res.Warnings, res.Counts.Users.Added)
	}
	total := 0
	for _, n := range counts {
		total += n
	}
	if len(rows) != total {
		t.Fatalf("%d rows for counts %v", len(rows), counts)
	}
	errs, _, err := e.LogPage(ctx, res.ID, rosterdesk.LogFilter{Severity: "error"}, 100, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(errs) != 2 || errs[1].SourcedID != "bad1" || errs[1].File != "users.csv" || errs[1].Entity != "user" || errs[1].Field != "givenName" || errs[1].Line != 9 {
		t.Fatalf("errors %+v", errs)
	}
	adds, _, _ := e.LogPage(ctx, res.ID, rosterdesk.LogFilter{Severity: "change", Text: "u1"}, 100, 0)
	if len(adds) != 1 || adds[0].Rule != "add" || adds[0].Message != "new in users.csv" {
		t.Fatalf("change rows %+v", adds)
	}
	// Paging: the pages put together are the whole log, in order.
	var paged []rosterdesk.LogRow
	for off := 0; ; off += 3 {
		p, _, err := e.LogPage(ctx, res.ID, rosterdesk.LogFilter{}, 3, off)
		if err != nil {
			t.Fatal(err)
		}
		paged = append(paged, p...)
		if len(p) < 3 {
			break
		}
	}
	if len(paged) != len(rows) {
		t.Fatalf("paged %d rows, whole %d", len(paged), len(rows))
	}
	for i := range rows {
		if paged[i] != rows[i] {
			t.Fatalf("row %d: paged %+v, whole %+v", i, paged[i], rows[i])
		}
	}
	// Deactivations carry their reason.
	next := district().with("users.csv", strings.Replace(district()["users.csv"], user("u2", "sch1", "student", "Ben")+"\n", "", 1))
	res2 := mustSync(t, e, next.zip(t, ""), rosterdesk.ScopeUsers)
	ch, _, _ := e.LogPage(ctx, res2.ID, rosterdesk.LogFilter{Severity: "change", Entity: "user"}, 100, 0)
	if len(ch) != 1 || ch[0].SourcedID != "u2" || ch[0].Rule != "deactivate" || !strings.HasPrefix(ch[0].Message, "absent from users.csv") {
		t.Fatalf("deactivation rows %+v", ch)
	}
	files, _ := e.LogFiles(ctx, res.ID)
	if len(files) == 0 || files[0] == "" {
		t.Fatalf("files %q", files)
	}
}
