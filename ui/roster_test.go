package ui

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"rosterdesk"
	rsync "rosterdesk/sync"
)

// rosterValues reads the overview's cards back as "Section/Key" → value.
func rosterValues(t *testing.T, s *rosterScreen) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, o := range s.body.Objects {
		card, ok := o.(*widget.Card)
		if !ok {
			t.Fatalf("roster body holds %T, want *widget.Card", o)
		}
		grid := card.Content.(*fyne.Container)
		for i := 0; i+1 < len(grid.Objects); i += 2 {
			out[card.Title+"/"+grid.Objects[i].(*widget.Label).Text] = grid.Objects[i+1].(*widget.Label).Text
		}
	}
	return out
}

func TestRosterEmpty(t *testing.T) {
	m, w := newTestUI(t, openEngine(t))
	m.tabs.SelectIndex(4)
	idle(t, m)
	got := rosterValues(t, m.roster)
	want := map[string]string{
		"Buildings/Active": "0", "Buildings/Inactive": "0",
		"Users/Active": "0", "Users/Inactive": "0", "Users/Active by role": "none",
		"Courses/Active": "0", "Courses/Removed": "0",
		"Classes/Active": "0", "Classes/Removed": "0",
		"Course assignments/Active": "0", "Course assignments/Removed": "0", "Course assignments/Active by role": "none",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("roster shows %v\nwant %v", got, want)
	}
	if st := m.roster.bar.status.Text; !strings.HasPrefix(st, "Updated ") {
		t.Errorf("status = %q, want Updated …", st)
	}
	texts := append(visibleTexts(w.Content()), drawnTexts(w.Content())...)
	for _, s := range []string{"Roster", "Buildings", "Users", "Course assignments", "Refresh", "none", "Overview", "Classes"} {
		if !contains(texts, s) {
			t.Errorf("%q not on screen; visible: %q", s, texts)
		}
	}
}

func TestRosterByRole(t *testing.T) {
	rc := &rsync.RosterCounts{}
	rc.Users.Active = 5
	rc.Users.ByRole = map[string]int{"teacher": 1, "student": 4}
	var users []kv
	for _, sec := range rosterSections(rc) {
		if sec.title == secUsers {
			users = sec.rows
		}
	}
	want := []kv{{"Active", "5"}, {"Inactive", "0"}, {"Active student", "4"}, {"Active teacher", "1"}}
	if !reflect.DeepEqual(users, want) {
		t.Errorf("users rows = %v, want %v", users, want)
	}
}

func TestRosterError(t *testing.T) {
	eng := openEngine(t)
	m, _ := newTestUI(t, eng)
	if err := eng.Close(); err != nil {
		t.Fatal(err)
	}
	wait(t, m.roster.refresh())
	st := m.roster.bar.status
	if !strings.HasPrefix(st.Text, "Could not read the roster: ") || st.Importance != widget.DangerImportance {
		t.Errorf("status = %q (importance %v), want an error", st.Text, st.Importance)
	}
	if m.roster.bar.button.Disabled() {
		t.Error("Refresh stays disabled after an error")
	}
}

// The browser pages users, and its search and filters give what the engine gives.
func TestRosterBrowserUsers(t *testing.T) {
	eng := adminEngine(t)
	ctx := context.Background()
	src, _ := district(t, 0, "")
	syncs(t, eng, src, rosterdesk.ScopeBuildings)
	syncs(t, eng, src, rosterdesk.ScopeUsersCourses)
	// The day after, some users leave: their detail says why.
	next, _ := district(t, 5, "")
	day2 := syncs(t, eng, next, rosterdesk.ScopeUsersCourses)
	if day2.Counts.Users.Deactivated == 0 {
		t.Fatal("no user left on day 2")
	}

	m, _ := newTestUI(t, eng)
	m.tabs.SelectIndex(4)
	idle(t, m)
	r := m.roster
	r.tabs.SelectIndex(2) // Users
	idle(t, m)
	p := r.users
	engTotal := func(q rosterdesk.BrowseQuery) int {
		q.Limit = 1
		pg, err := eng.Browse(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		return pg.Total
	}
	all := engTotal(rosterdesk.BrowseQuery{Kind: rosterdesk.BrowseUsers})
	if p.table.total != all || all < 300 {
		t.Fatalf("table shows %d users, engine %d", p.table.total, all)
	}
	if p.table.status.Text != num(all)+" users match." {
		t.Errorf("status %q", p.table.status.Text)
	}
	// Rows far down the list are read on demand, and are the engine's rows.
	for _, row := range []int{0, 150, all - 1} {
		pg, err := eng.Browse(ctx, rosterdesk.BrowseQuery{Kind: rosterdesk.BrowseUsers, Limit: 1, Offset: row})
		if err != nil {
			t.Fatal(err)
		}
		if got := cells(t, p.table, row); !reflect.DeepEqual(got, pg.Rows[0].Cells) {
			t.Errorf("row %d = %q, engine %q", row, got, pg.Rows[0].Cells)
		}
	}

	check := func(name string, q rosterdesk.BrowseQuery) {
		t.Helper()
		idle(t, m)
		q.Kind = rosterdesk.BrowseUsers
		if want := engTotal(q); p.table.total != want {
			t.Errorf("%s: %d rows, engine %d", name, p.table.total, want)
		}
	}
	p.role.SetSelected("teacher")
	check("teachers", rosterdesk.BrowseQuery{Role: "teacher"})
	if p.table.total == 0 || p.table.total == all {
		t.Errorf("teacher filter shows %d of %d", p.table.total, all)
	}
	b := r.buildings[0]
	label := b.Name + " (" + b.SISID + ")"
	p.building.SetSelected(label)
	check("teachers of a building", rosterdesk.BrowseQuery{Role: "teacher", BuildingID: b.ID})
	p.role.SetSelected(allRoles)
	p.building.SetSelected(allBuildings)
	p.status.SetSelected(statusOff)
	check("inactive", rosterdesk.BrowseQuery{Status: "inactive"})
	if p.table.total < day2.Counts.Users.Deactivated {
		t.Errorf("%d inactive shown, %d deactivated on day 2", p.table.total, day2.Counts.Users.Deactivated)
	}
	gone := cells(t, p.table, 0)
	goneID := gone[len(gone)-1]
	p.status.SetSelected(statusAll)
	p.search.SetText(goneID)
	wait(t, p.reload())
	check("search sourcedId", rosterdesk.BrowseQuery{Search: goneID})
	if p.table.total != 1 {
		t.Fatalf("search %q found %d", goneID, p.table.total)
	}

	// Opening the user shows buildings, classes and the run that deactivated it, with why.
	row, _ := p.table.row(0)
	p.table.onSelected(0, row)
	idle(t, m)
	d := r.detail
	detail, err := eng.UserDetail(ctx, goneID)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(d.title.Text, goneID) || !strings.Contains(d.fields.Text, "Status: inactive since") {
		t.Errorf("detail %q / %q", d.title.Text, d.fields.Text)
	}
	last := detail.History[len(detail.History)-1]
	wantLine := "deactivated by run " + strconvI(last.RunID) + ": " + last.Reason
	if !strings.Contains(d.history.Text, wantLine) || !strings.Contains(d.history.Text, "added by run") {
		t.Errorf("history %q, want a line with %q", d.history.Text, wantLine)
	}
	if len(detail.Buildings) > 0 && !strings.Contains(d.blds.Text, detail.Buildings[0].Name) {
		t.Errorf("buildings %q", d.blds.Text)
	}
	if len(detail.Classes) > 0 && !strings.Contains(d.classes.Text, detail.Classes[0].Title) {
		t.Errorf("classes %q", d.classes.Text)
	}

	// Courses and classes browse the same way; courses show the teacher permission.
	r.tabs.SelectIndex(3)
	idle(t, m)
	if want := engTotal(rosterdesk.BrowseQuery{Kind: rosterdesk.BrowseCourses}); r.courses.table.total != want || want == 0 {
		t.Errorf("courses %d, engine %d", r.courses.table.total, want)
	}
	if c := cells(t, r.courses.table, 0); c[6] != rsync.PermUnitsLessons {
		t.Errorf("course row %q", c)
	}
	r.tabs.SelectIndex(4)
	idle(t, m)
	if want := engTotal(rosterdesk.BrowseQuery{Kind: rosterdesk.BrowseClasses}); r.classes.table.total != want || want == 0 {
		t.Errorf("classes %d, engine %d", r.classes.table.total, want)
	}
	r.tabs.SelectIndex(1)
	idle(t, m)
	if r.buildingTable.total != len(r.buildings) || len(r.buildings) != 3 {
		t.Errorf("buildings %d of %d", r.buildingTable.total, len(r.buildings))
	}
}

func strconvI(n int64) string { return strings.TrimSpace(strings.ReplaceAll(num(int(n)), ",", "")) }

// "Never deactivate" on a user, a course and a building shows the stored
// state and sets it with the engine.
func TestRosterProtectToggles(t *testing.T) {
	eng := adminEngine(t)
	ctx := context.Background()
	src, _ := district(t, 0, "")
	syncs(t, eng, src, rosterdesk.ScopeBuildings)
	syncs(t, eng, src, rosterdesk.ScopeUsersCourses)
	m, _ := newTestUI(t, eng)
	m.selectTab(NavRoster)
	idle(t, m)
	r := m.roster
	protected := func(kind, id string) bool {
		t.Helper()
		if kind == "building" {
			b, err := eng.BuildingBySIS(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			return b.Protected
		}
		rec, _, err := eng.Show(ctx, kind, id)
		if err != nil {
			t.Fatal(err)
		}
		return rec.Fields["protected"] == "1"
	}

	// A user.
	r.tabs.SelectIndex(2)
	idle(t, m)
	row, _ := r.users.table.row(0)
	userID := row.key.(rosterdesk.BrowseRow).SourcedID
	r.users.table.onSelected(0, row)
	idle(t, m)
	p := r.detail.protect
	if !p.check.Visible() || p.check.Text != protectLabel || p.check.Checked || p.check.Disabled() {
		t.Fatalf("user toggle: text %q checked %v", p.check.Text, p.check.Checked)
	}
	test.Tap(p.check)
	idle(t, m)
	if !protected("user", userID) || !strings.Contains(p.note.Text, "never deactivate "+userID) {
		t.Fatalf("user not protected; note %q", p.note.Text)
	}
	wait(t, r.openUser(userID))
	if !p.check.Checked {
		t.Error("reopened user does not show the protection")
	}
	test.Tap(p.check)
	idle(t, m)
	if protected("user", userID) {
		t.Error("user still protected after unticking")
	}

	// A course.
	r.tabs.SelectIndex(3)
	idle(t, m)
	row, _ = r.courses.table.row(0)
	courseID := row.key.(rosterdesk.BrowseRow).SourcedID
	r.courses.table.onSelected(0, row)
	idle(t, m)
	cp := r.course.protect
	if !strings.Contains(r.course.title.Text, courseID) || cp.check.Checked || !r.course.body.Visible() {
		t.Fatalf("course detail %q", r.course.title.Text)
	}
	test.Tap(cp.check)
	idle(t, m)
	if !protected("course", courseID) {
		t.Fatal("course not protected")
	}
	wait(t, r.course.open(courseID))
	if !cp.check.Checked {
		t.Error("reopened course does not show the protection")
	}

	// A building: the table says so too.
	r.tabs.SelectIndex(1)
	idle(t, m)
	row, _ = r.buildingTable.row(0)
	b := row.key.(rosterdesk.Building)
	r.buildingTable.onSelected(0, row)
	bp := r.building.protect
	if r.building.title.Text != b.Name || bp.check.Checked || bp.check.Disabled() {
		t.Fatalf("building detail %q, checked %v", r.building.title.Text, bp.check.Checked)
	}
	test.Tap(bp.check)
	idle(t, m)
	if !protected("building", b.SISID) {
		t.Fatal("building not protected")
	}
	if c := cells(t, r.buildingTable, 0); c[len(c)-1] != "yes" {
		t.Errorf("building row %q", c)
	}
	if !bp.check.Checked || r.building.shown != b.ID {
		t.Error("the building shown lost its state after the reload")
	}
}
