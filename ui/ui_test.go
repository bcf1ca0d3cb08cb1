package ui

import (
	"context"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/rs/zerolog"

	"rosterdesk/data"
	rsync "rosterdesk/sync"
)

// openEngine opens a real, empty roster in a temp dir.
func openEngine(t *testing.T) *rsync.Engine {
	t.Helper()
	eng, err := rsync.Open(filepath.Join(t.TempDir(), "r.db"), zerolog.Nop())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = eng.Close() })
	return eng
}

// wait blocks until a refresh has reached the widgets.
func wait(t *testing.T, done <-chan struct{}) {
	t.Helper()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("refresh did not finish")
	}
}

// idle waits until no engine call of m is still running or showing.
func idle(t *testing.T, m *mainUI) {
	t.Helper()
	done := make(chan struct{})
	go func() { m.load.inflight.Wait(); close(done) }()
	wait(t, done)
}

// newTestUI hosts the main content in a temp window of a temp app.
func newTestUI(t *testing.T, eng *rsync.Engine) (*mainUI, fyne.Window) {
	t.Helper()
	test.NewTempApp(t)
	m := newMainUI(eng)
	t.Cleanup(func() { m.cancel(); idle(t, m) })
	w := test.NewTempWindow(t, m.tabs)
	w.Resize(fyne.NewSize(2400, 800)) // wide enough for every History column
	return m, w
}

// visibleTexts lists the text of every visible label under o, walking the
// renderers the canvas really uses and skipping hidden subtrees.
func visibleTexts(o fyne.CanvasObject) []string { return collect(o, false) }

// drawnTexts lists the canvas texts actually drawn under o: what a label
// really shows after wrapping or truncation ("refu…").
func drawnTexts(o fyne.CanvasObject) []string { return collect(o, true) }

func collect(o fyne.CanvasObject, drawn bool) []string {
	var out []string
	var walk func(fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		if o == nil || !o.Visible() {
			return
		}
		switch x := o.(type) {
		case *widget.Label:
			if !drawn && x.Text != "" {
				out = append(out, x.Text)
			}
		case *canvas.Text:
			if drawn && x.Text != "" {
				out = append(out, x.Text)
			}
		}
		switch x := o.(type) {
		case *fyne.Container:
			for _, c := range x.Objects {
				walk(c)
			}
		case fyne.Widget:
			for _, c := range test.WidgetRenderer(x).Objects() {
				walk(c)
			}
		}
	}
	walk(o)
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// rosterValues reads the Roster screen's cards back as "Section/Key" → value.
func rosterValues(t *testing.T, s *rosterScreen) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, o := range s.body.Objects {
		card, ok := o.(*widget.Card)
		if !ok {
			t.Fatalf("roster body holds %T, want *widget.Card", o)
		}
		grid := card.Content.(*fyne.Container)
		if len(grid.Objects)%2 != 0 {
			t.Fatalf("card %q has an odd number of cells", card.Title)
		}
		for i := 0; i < len(grid.Objects); i += 2 {
			k := grid.Objects[i].(*widget.Label).Text
			v := grid.Objects[i+1].(*widget.Label).Text
			out[card.Title+"/"+k] = v
		}
	}
	return out
}

func TestNavigationItems(t *testing.T) {
	m, _ := newTestUI(t, openEngine(t))
	want := []string{"OneRoster", "Preferences", "Uploads", "History", "Roster"}
	if got := m.navLabels(); !reflect.DeepEqual(got, want) {
		t.Fatalf("navigation = %q, want %q", got, want)
	}
	for _, item := range m.tabs.Items {
		if item.Icon == nil {
			t.Errorf("nav item %q has no icon", item.Text)
		}
	}
}

func TestRosterEmpty(t *testing.T) {
	m, w := newTestUI(t, openEngine(t))
	m.tabs.SelectIndex(4) // selecting a screen loads it
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
	if !m.roster.bar.button.Visible() || m.roster.bar.button.Disabled() {
		t.Error("Refresh button not usable after loading")
	}
	texts := visibleTexts(w.Content())
	texts = append(texts, drawnTexts(w.Content())...) // card titles are canvas texts
	for _, s := range []string{"Roster", "Buildings", "Users", "Course assignments", "Refresh", "none"} {
		if !contains(texts, s) {
			t.Errorf("%q not on screen; visible: %q", s, texts)
		}
	}
}

func TestRosterShowsEngineCounts(t *testing.T) {
	eng := openEngine(t)
	m, _ := newTestUI(t, eng)
	ctx := context.Background()
	for _, b := range []struct{ name, sis string }{{"North High", "NH"}, {"South Elementary", "SE"}} {
		if _, err := eng.DB.AddLocalBuilding(ctx, b.name, b.sis); err != nil {
			t.Fatal(err)
		}
	}
	wait(t, m.roster.refresh())
	rc, err := eng.Roster(ctx)
	if err != nil {
		t.Fatal(err)
	}
	got := rosterValues(t, m.roster)
	if rc.Buildings.Active != 2 || got["Buildings/Active"] != "2" {
		t.Errorf("buildings active: engine %d, screen %q; want 2 on both", rc.Buildings.Active, got["Buildings/Active"])
	}

	// Refresh picks up later changes.
	if _, err := eng.DB.AddLocalBuilding(ctx, "East Middle", "EM"); err != nil {
		t.Fatal(err)
	}
	wait(t, m.roster.refresh())
	if v := rosterValues(t, m.roster)["Buildings/Active"]; v != "3" {
		t.Errorf("after refresh buildings active = %q, want 3", v)
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

func TestHistoryEmpty(t *testing.T) {
	m, w := newTestUI(t, openEngine(t))
	m.tabs.SelectIndex(3)
	idle(t, m)
	if !m.history.empty.Visible() || m.history.table.Visible() {
		t.Fatalf("empty label visible=%v, table visible=%v; want the label only", m.history.empty.Visible(), m.history.table.Visible())
	}
	if texts := visibleTexts(w.Content()); !contains(texts, noRunsText) {
		t.Errorf("%q not on screen; visible: %q", noRunsText, texts)
	}
	if !strings.HasPrefix(noRunsText, "No runs yet") {
		t.Errorf("empty text = %q", noRunsText)
	}
}

// addRun records a finished run the way the engine stores one.
func addRun(t *testing.T, eng *rsync.Engine, r data.Run) {
	t.Helper()
	tx, err := eng.DB.Begin(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if _, err := tx.InsertRun(&r); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
}

func TestHistoryShowsRuns(t *testing.T) {
	eng := openEngine(t)
	m, w := newTestUI(t, eng)
	first := data.Run{Scope: "users+courses", Trigger: "manual", Status: "applied", Source: "/srv/or.zip",
		StartedAt: "2026-11-20T08:30:00.000Z", FinishedAt: "2026-11-20T08:31:00.000Z", Message: "first run"}
	first.Counts.Users = data.UserCounts{Added: 120, Deactivated: 3, Errors: 2}
	first.Counts.Courses = data.CourseCounts{Added: 14, Removed: 1, Errors: 0}
	first.Counts.Assignments = data.CourseCounts{Added: 977, Removed: 5, Errors: 4}
	addRun(t, eng, first)
	addRun(t, eng, data.Run{Scope: "buildings", Trigger: "upload", Status: "refused",
		StartedAt: "2026-11-21T09:00:00.000Z", FinishedAt: "2026-11-21T09:00:01.000Z", Message: "no admin account is credited"})

	m.tabs.SelectIndex(3)
	idle(t, m)

	h := m.history
	if h.empty.Visible() || !h.table.Visible() {
		t.Fatalf("empty label visible=%v, table visible=%v; want the table only", h.empty.Visible(), h.table.Visible())
	}
	if rows, cols := h.table.Length(); rows != 2 || cols != len(historyColumns) {
		t.Fatalf("table is %dx%d, want 2x%d", rows, cols, len(historyColumns))
	}
	// Newest first, exactly as eng.History returns them.
	want := [][]string{
		{"2026-11-21 09:00:00", "buildings", "upload", "refused", "0", "0", "0", "0", "0", "0", "0", "0", "0", "no admin account is credited"},
		{"2026-11-20 08:30:00", "users+courses", "manual", "applied", "120", "3", "2", "14", "1", "0", "977", "5", "4", "first run"},
	}
	if !reflect.DeepEqual(h.rows, want) {
		t.Errorf("rows = %q\nwant %q", h.rows, want)
	}
	if h.summary.Text != "2 runs, newest first." {
		t.Errorf("summary = %q", h.summary.Text)
	}

	// And the cells are what is drawn, in full (no "refu…").
	texts := drawnTexts(w.Content())
	for _, s := range []string{"(UTC)", "deactivated", "Assignment", "2026-11-20 08:30:00", "users+courses", "977", "refused", "applied", "first run"} {
		if !contains(texts, s) {
			t.Errorf("%q not on screen; visible: %q", s, texts)
		}
	}

	// Selecting a row shows its details.
	h.table.Select(widget.TableCellID{Row: 1, Col: 0})
	if d := h.detail.Text; !strings.Contains(d, "source /srv/or.zip") || !strings.Contains(d, "first run") {
		t.Errorf("detail = %q", d)
	}
}

func TestPlaceholders(t *testing.T) {
	m, w := newTestUI(t, openEngine(t))
	for i, want := range map[int]string{0: "OneRoster feature", 2: "Uploads feature"} {
		m.tabs.SelectIndex(i)
		texts := strings.Join(visibleTexts(w.Content()), "\n")
		if !strings.Contains(texts, want) || !strings.Contains(texts, "rosterdesk sync SOURCE") {
			t.Errorf("tab %q shows %q; want it to name %q and the CLI", m.tabs.Items[i].Text, texts, want)
		}
	}
}

func TestPreferencesShowsSettings(t *testing.T) {
	eng := openEngine(t)
	m, w := newTestUI(t, eng)
	if _, err := eng.SetSetting(context.Background(), rsync.KeySyncProcess, "users"); err != nil {
		t.Fatal(err)
	}
	m.tabs.SelectIndex(1)
	idle(t, m)
	got := map[string]string{}
	objs := m.preferences.settings.Objects
	for i := 0; i+1 < len(objs); i += 2 {
		got[objs[i].(*widget.Label).Text] = objs[i+1].(*widget.Label).Text
	}
	all, err := eng.AllSettings(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(all) || len(all) == 0 {
		t.Fatalf("screen shows %d settings, engine has %d", len(got), len(all))
	}
	if got[rsync.KeySyncProcess] != "users" || got[rsync.KeyCreditedAdmin] != notSet {
		t.Errorf("settings shown = %v", got)
	}
	if texts := strings.Join(visibleTexts(w.Content()), "\n"); !strings.Contains(texts, "Preferences feature") {
		t.Errorf("Preferences placeholder text missing; visible: %q", texts)
	}
}

func TestMainWindowRemembersSize(t *testing.T) {
	a := test.NewTempApp(t)
	eng := openEngine(t)

	w, m := newMainWindow(a, eng)
	idle(t, m)
	if w.Title() != Title {
		t.Errorf("title = %q", w.Title())
	}
	if got := w.Canvas().Size(); got != defaultSize {
		t.Errorf("first size = %v, want default %v", got, defaultSize)
	}
	tabs, ok := w.Content().(*container.AppTabs)
	if !ok || tabs.Selected() == nil || tabs.Selected().Text != NavRoster {
		t.Fatalf("content %T does not open on the Roster screen", w.Content())
	}
	tabs.SelectIndex(3)
	idle(t, m)
	w.Resize(fyne.NewSize(900, 600))
	w.Close()

	p := a.Preferences()
	if p.Float(prefWidth) != 900 || p.Float(prefHeight) != 600 || p.String(prefTab) != NavHistory {
		t.Fatalf("saved %v x %v on %q", p.Float(prefWidth), p.Float(prefHeight), p.String(prefTab))
	}
	w2, m2 := newMainWindow(a, eng)
	defer w2.Close()
	idle(t, m2)
	if got := w2.Canvas().Size(); got != fyne.NewSize(900, 600) {
		t.Errorf("reopened size = %v, want 900x600", got)
	}
	if sel := w2.Content().(*container.AppTabs).Selected(); sel.Text != NavHistory {
		t.Errorf("reopened on %q, want History", sel.Text)
	}
}
