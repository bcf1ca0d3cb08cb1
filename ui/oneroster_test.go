package ui

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"rosterdesk"
	rsync "rosterdesk/sync"
)

func openOneRoster(t *testing.T, eng *rsync.Engine) (*mainUI, *oneRosterScreen) {
	t.Helper()
	m, _ := newTestUI(t, eng)
	m.selectTab(NavOneRoster)
	idle(t, m)
	return m, m.oneRoster
}

// connect chooses src as the OneRoster source, as the file picker does.
func connect(t *testing.T, m *mainUI, s *oneRosterScreen, src string) {
	t.Helper()
	wait(t, s.checkSource(src, true))
	idle(t, m)
	if s.state == nil || s.state.Source != src {
		t.Fatalf("source not connected: %+v; note %q", s.state, s.checkNote.Text)
	}
}

// Choosing a source shows what was detected and the building alignment.
func TestOneRosterConnectionAndAlignment(t *testing.T) {
	eng := adminEngine(t)
	ctx := context.Background()
	src, d := district(t, 0, "Infinite Campus")
	school := ""
	for _, o := range d.Orgs {
		if o.Type == "school" {
			school = o.SourcedID
			break
		}
	}
	if _, err := eng.AddLocalBuilding(ctx, "North Campus", school); err != nil {
		t.Fatal(err)
	}
	if _, err := eng.AddLocalBuilding(ctx, "Annex", "0042"); err != nil {
		t.Fatal(err)
	}
	m, s := openOneRoster(t, eng)
	if s.source.Text != noSourceText || !s.syncBuildings.Disabled() {
		t.Fatalf("fresh: %q, buildings button enabled %v", s.source.Text, !s.syncBuildings.Disabled())
	}
	connect(t, m, s, src)
	if setting(t, eng, rsync.KeyProvider) != "Infinite Campus" {
		t.Errorf("provider %q", setting(t, eng, rsync.KeyProvider))
	}
	rep, err := eng.Validate(ctx, src)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Detected: OneRoster 1.1 zip, with manifest.csv", `provider "Infinite Campus"`,
		"users.csv bulk, " + plural(rep.Rows["users.csv"], "row", "rows"), plural(rep.Errors, "error", "errors")} {
		if !strings.Contains(s.detected.Text, want) {
			t.Errorf("detected %q lacks %q", s.detected.Text, want)
		}
	}
	a, err := eng.Alignment(ctx, src)
	if err != nil {
		t.Fatal(err)
	}
	if s.alignSummary.Text != "1 matched · 2 will be added · 1 local building with no school" || s.alignSentence.Text != a.Sentence() {
		t.Fatalf("alignment %q / %q", s.alignSummary.Text, s.alignSentence.Text)
	}
	if !strings.Contains(a.Sentence(), "users in 3 schools would be ignored") {
		t.Errorf("sentence %q", a.Sentence())
	}
	if s.alignTable.total != len(a.Rows) {
		t.Fatalf("%d alignment rows, engine %d", s.alignTable.total, len(a.Rows))
	}
	for i, r := range a.Rows {
		got := cells(t, s.alignTable, i)
		if want := alignCells(r); strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("row %d = %q, want %q", i, got, want)
		}
	}
	first := cells(t, s.alignTable, 0)
	if first[2] != "North Campus (local)" || first[4] != "matched (not aligned yet)" || first[5] != num(a.Rows[0].Students) {
		t.Errorf("matched row %q", first)
	}
	// While OneRoster is off the Annex's SIS id can be corrected, from here.
	annex := a.Rows[len(a.Rows)-1]
	if annex.Status != rsync.AlignNoSchool || !s.alignTable.actionFor(pagedRow{key: annex}) {
		t.Fatalf("annex row %+v not correctable", annex)
	}
	other := a.Rows[1].SchoolID
	wait(t, s.setSIS(annex.BuildingID, other))
	idle(t, m)
	if b, err := eng.BuildingBySIS(ctx, other); err != nil || b.Name != "Annex" {
		t.Fatalf("SIS id not corrected: %+v %v", b, err)
	}
	if s.alignSummary.Text != "2 matched · 1 will be added · 0 local buildings with no school" {
		t.Errorf("after the correction: %q", s.alignSummary.Text)
	}
}

// The OneRoster switch: turning it on over existing buildings shows the
// alignment first; once on, hand edits are locked in the UI and refused by the engine.
func TestOneRosterSwitchLocks(t *testing.T) {
	eng := adminEngine(t)
	ctx := context.Background()
	id, err := eng.AddLocalBuilding(ctx, "Annex", "0042")
	if err != nil {
		t.Fatal(err)
	}
	m, s := openOneRoster(t, eng)
	w := m.win
	if s.banner.Visible() || s.enable.Checked {
		t.Fatal("OneRoster shown on for a fresh roster")
	}
	// Without a source the alignment cannot be shown: not enabled, and told why.
	test.Tap(s.enable)
	idle(t, m)
	if s.enable.Checked || setting(t, eng, rsync.KeyOneRosterOn) != "false" || !strings.Contains(s.alignNote.Text, "Choose the OneRoster source first") {
		t.Fatalf("enabled without alignment: note %q", s.alignNote.Text)
	}
	src, _ := district(t, 0, "")
	connect(t, m, s, src)
	test.Tap(s.enable)
	if !strings.Contains(overlayText(w), "Check the building alignment") || !strings.Contains(overlayText(w), s.align.Sentence()) {
		t.Fatalf("no alignment before enabling: %q", overlayText(w))
	}
	if setting(t, eng, rsync.KeyOneRosterOn) != "false" {
		t.Fatal("enabled before confirming")
	}
	test.Tap(overlayButton(t, w, "Enable OneRoster"))
	idle(t, m)
	if setting(t, eng, rsync.KeyOneRosterOn) != "true" || !s.enable.Checked || !s.banner.Visible() {
		t.Fatalf("not enabled: setting %q, check %v, banner %v", setting(t, eng, rsync.KeyOneRosterOn), s.enable.Checked, s.banner.Visible())
	}
	if !strings.Contains(strings.Join(visibleTexts(s.banner), " "), "authoritative source") {
		t.Error("banner text")
	}
	// Locked in the UI…
	if !s.addBuilding.Disabled() {
		t.Error("Add a local building is enabled while OneRoster is on")
	}
	for i := 0; i < s.alignTable.total; i++ {
		r, _ := s.alignTable.row(i)
		if s.alignTable.actionFor(r) {
			t.Errorf("row %d can still be corrected", i)
		}
	}
	// …and refused by the engine, with the reason shown.
	wait(t, s.setSIS(id, "sch-0001"))
	if !strings.Contains(s.alignNote.Text, "Refused:") || !strings.Contains(s.alignNote.Text, "OneRoster is enabled") {
		t.Errorf("refusal %q", s.alignNote.Text)
	}
	wait(t, s.addLocalBuilding("South", "77"))
	if !strings.Contains(s.alignNote.Text, "OneRoster is enabled") {
		t.Errorf("refusal %q", s.alignNote.Text)
	}
	if b, _ := eng.BuildingBySIS(ctx, "0042"); b.ID != id {
		t.Error("the refused change was written")
	}
	// Off again: unlocked.
	test.Tap(s.enable)
	idle(t, m)
	if setting(t, eng, rsync.KeyOneRosterOn) != "false" || s.banner.Visible() || s.addBuilding.Disabled() {
		t.Error("turning OneRoster off did not unlock")
	}
}

// Users cannot be synchronized before a building sync succeeded; each step
// ends with its counts, and Sync now follows.
func TestOneRosterBuildingThenUsers(t *testing.T) {
	eng := adminEngine(t)
	src, _ := district(t, 0, "")
	m, s := openOneRoster(t, eng)
	connect(t, m, s, src)
	if s.syncBuildings.Disabled() || !s.syncUsers.Disabled() || !s.syncNow.Disabled() {
		t.Fatalf("buttons: buildings %v users %v now %v", !s.syncBuildings.Disabled(), !s.syncUsers.Disabled(), !s.syncNow.Disabled())
	}
	if !s.usersWhy.Visible() || !strings.Contains(s.usersWhy.Text, "Synchronize buildings first") {
		t.Fatalf("no reason: %q", s.usersWhy.Text)
	}
	// The engine refuses too, whatever the button says.
	wait(t, s.runSync(""))
	if !strings.Contains(s.usersResult.Text, "Refused: synchronize buildings first") {
		t.Fatalf("users before buildings: %q", s.usersResult.Text)
	}
	idle(t, m)

	wait(t, s.runSync(rosterdesk.ScopeBuildings))
	idle(t, m)
	runs, _ := eng.History(context.Background(), 1, 0)
	if runs[0].Scope != rosterdesk.ScopeBuildings || runs[0].Status != rosterdesk.StatusApplied {
		t.Fatalf("last run %+v", runs[0])
	}
	if !strings.HasPrefix(s.buildingsResult.Text, "Done: Buildings synchronized") || !strings.Contains(s.buildingsResult.Text, "Buildings: 3 added") {
		t.Errorf("buildings result %q", s.buildingsResult.Text)
	}
	if s.syncUsers.Disabled() || s.usersWhy.Visible() || !s.syncNow.Disabled() {
		t.Fatal("users not unlocked by the building sync")
	}

	wait(t, s.runSync(""))
	idle(t, m)
	runs, _ = eng.History(context.Background(), 1, 0)
	r := runs[0]
	if r.Scope != rosterdesk.ScopeUsersCourses || r.Counts.Users.Added == 0 {
		t.Fatalf("users run %+v", r)
	}
	for _, want := range []string{"Done: Users + Courses synchronized", "(run " + strconvI(r.ID) + ")", countsSummary(r.Counts, r.Scope)} {
		if !strings.Contains(s.usersResult.Text, want) {
			t.Errorf("users result %q lacks %q", s.usersResult.Text, want)
		}
	}
	if s.syncNow.Disabled() || s.nowWhy.Visible() {
		t.Error("Sync now not available after the initial sync")
	}
	if s.job.box.Visible() {
		t.Error("progress still shown after the run")
	}
}

// Cancel cancels the run's context: nothing is written.
func TestOneRosterCancelRollsBack(t *testing.T) {
	eng := adminEngine(t)
	src, _ := district(t, 0, "")
	syncs(t, eng, src, rosterdesk.ScopeBuildings)
	m, s := openOneRoster(t, eng)
	connect(t, m, s, src)
	ctx := context.Background()
	// The roster's own tables: a cancelled run is recorded in History, but changes nothing else.
	roster := []string{"academic_sessions", "assignments", "buildings", "classes", "courses", "orgs", "user_buildings", "users"}
	before, _ := eng.Dump(ctx, roster...)
	done := s.runSync("")
	if !s.job.box.Visible() || s.job.cancel.Disabled() || !s.syncNow.Disabled() {
		t.Fatal("no progress or Cancel while running")
	}
	test.Tap(s.job.cancel)
	if !strings.Contains(s.job.phase.Text, "rolled back") {
		t.Errorf("phase while cancelling %q", s.job.phase.Text)
	}
	wait(t, done)
	idle(t, m)
	if after, _ := eng.Dump(ctx, roster...); after != before {
		t.Fatal("a cancelled run changed the roster")
	}
	if !strings.HasPrefix(s.usersResult.Text, "Cancelled") {
		t.Errorf("result %q", s.usersResult.Text)
	}
}

// Progress reports reach the bar with the phase and running counts.
func TestJobProgress(t *testing.T) {
	j := newJobView()
	var c rosterdesk.Counts
	c.Users.Added, c.Users.Errors = 1200, 2
	j.show(rsync.Progress{Phase: "reading users.csv", Done: 40000, Counts: c})
	if j.phase.Text != "reading users.csv: 40,000 rows" || !j.spin.Visible() || j.bar.Visible() {
		t.Errorf("unknown total: %q", j.phase.Text)
	}
	if j.counts.Text != "Users: 1,200 added, 0 updated, 0 deactivated, 2 errors" {
		t.Errorf("counts %q", j.counts.Text)
	}
	j.show(rsync.Progress{Phase: "reading users.csv", Done: 50, Total: 200, Counts: c})
	if !j.bar.Visible() || j.bar.Value != 50 || j.bar.Max != 200 || j.phase.Text != "reading users.csv: 50 of 200 rows" {
		t.Errorf("known total: %v/%v %q", j.bar.Value, j.bar.Max, j.phase.Text)
	}
}

// Switching providers after a successful sync: analysis first, then the typed word.
func TestOneRosterProviderSwitch(t *testing.T) {
	eng := adminEngine(t)
	ctx := context.Background()
	old, _ := district(t, 0, "Old SIS")
	m, s := openOneRoster(t, eng)
	w := m.win
	connect(t, m, s, old)
	wait(t, s.runSync(rosterdesk.ScopeBuildings))
	wait(t, s.runSync(""))
	idle(t, m)

	other, _ := district(t, 4, "New SIS")
	wait(t, s.checkSource(other, true))
	if !strings.Contains(overlayText(w), `comes from "New SIS", not Old SIS`) || !strings.Contains(overlayText(w), "identifiers") {
		t.Fatalf("no switch warning: %q", overlayText(w))
	}
	if setting(t, eng, rsync.KeySource) != old {
		t.Fatal("switched before the analysis")
	}
	test.Tap(overlayButton(t, w, "Analyze"))
	idle(t, m)
	a, err := eng.AnalyzeSwitch(ctx, other, nil)
	if err != nil {
		t.Fatal(err)
	}
	text := overlayText(w)
	if !strings.Contains(text, switchSummary(a)) || !strings.Contains(text, "type SWITCH") {
		t.Fatalf("analysis dialog %q\nwant %q", text, switchSummary(a))
	}
	// The wrong word does nothing.
	s.switchEntry.SetText("switch please")
	test.Tap(overlayButton(t, w, "Switch provider"))
	idle(t, m)
	if setting(t, eng, rsync.KeySource) != old {
		t.Fatal("switched without the word")
	}
	// The word switches.
	wait(t, s.checkSource(other, true))
	test.Tap(overlayButton(t, w, "Analyze"))
	idle(t, m)
	s.switchEntry.SetText(switchWord)
	test.Tap(overlayButton(t, w, "Switch provider"))
	idle(t, m)
	if setting(t, eng, rsync.KeySource) != other || setting(t, eng, rsync.KeyProvider) != "New SIS" {
		t.Fatalf("not switched: %q %q", setting(t, eng, rsync.KeySource), setting(t, eng, rsync.KeyProvider))
	}
	// A new export from the same provider is no switch.
	again, _ := district(t, 6, "New SIS")
	wait(t, s.checkSource(again, true))
	idle(t, m)
	if setting(t, eng, rsync.KeySource) != again {
		t.Error("a new file of the same provider asked for a switch")
	}
}
