package ui

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	gosync "sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/rs/zerolog"

	"rosterdesk"
	rsync "rosterdesk/sync"
	"rosterdesk/sync/gen"
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

// adminEngine opens a roster with an admin credited with changes.
func adminEngine(t *testing.T) *rsync.Engine {
	t.Helper()
	eng := openEngine(t)
	ctx := context.Background()
	if _, err := eng.AddAdmin(ctx, "it@district.org", "District IT"); err != nil {
		t.Fatal(err)
	}
	if _, err := eng.SetSetting(ctx, rsync.KeyCreditedAdmin, "it@district.org"); err != nil {
		t.Fatal(err)
	}
	return eng
}

// district writes a generated district as OneRoster.zip; next > 0 writes the day after instead.
func district(t *testing.T, next int64, system string) (string, *gen.District) {
	t.Helper()
	d := gen.Generate(gen.Small())
	if next > 0 {
		d = gen.NextDay(d, next)
	}
	p := filepath.Join(t.TempDir(), "OneRoster.zip")
	if err := d.WriteZip(p, gen.WriteOptions{SystemName: system}); err != nil {
		t.Fatal(err)
	}
	return p, d
}

// loneFile writes a district as a folder and returns one of its files.
func loneFile(t *testing.T, d *gen.District, name string) string {
	t.Helper()
	dir := t.TempDir()
	if err := d.Write(dir, gen.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), name)
	b, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// syncs applies src with scope, failing the test on an error.
func syncs(t *testing.T, eng *rsync.Engine, src string, scope rosterdesk.Scope) *rsync.Result {
	t.Helper()
	r, err := eng.Sync(context.Background(), src, rsync.Options{Scope: scope})
	if err != nil {
		t.Fatalf("sync %s: %v", scope, err)
	}
	return r
}

// uiQueue stands in for the UI goroutine in tests: what the app hands to
// fyne.Do is queued, and the test goroutine runs it while it waits, so
// widgets are only ever touched by the test goroutine, as in the app they are
// only touched by the main one.
type uiQueue struct {
	mu     gosync.Mutex
	fns    []func()
	signal chan struct{}
}

var queue = &uiQueue{signal: make(chan struct{}, 1)}

func (q *uiQueue) push(f func()) {
	q.mu.Lock()
	q.fns = append(q.fns, f)
	q.mu.Unlock()
	select {
	case q.signal <- struct{}{}:
	default:
	}
}

// runOne runs the oldest queued function, waiting up to d for one.
func (q *uiQueue) runOne(d time.Duration) bool {
	q.mu.Lock()
	if len(q.fns) == 0 {
		q.mu.Unlock()
		select {
		case <-q.signal:
		case <-time.After(d):
		}
		q.mu.Lock()
	}
	if len(q.fns) == 0 {
		q.mu.Unlock()
		return false
	}
	f := q.fns[0]
	q.fns = q.fns[1:]
	q.mu.Unlock()
	f()
	return true
}

func TestMain(m *testing.M) {
	testDo = queue.push
	os.Exit(m.Run())
}

// wait runs the UI queue until done closes (a refresh has reached the widgets).
func wait(t *testing.T, done <-chan struct{}) {
	t.Helper()
	if done == nil {
		t.Fatal("nothing was started")
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		select {
		case <-done:
			return
		default:
		}
		if time.Now().After(deadline) {
			t.Fatal("refresh did not finish")
		}
		queue.runOne(5 * time.Millisecond)
	}
}

// idle runs the UI queue until no engine call of m is still running or showing.
func idle(t *testing.T, m *mainUI) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		if !queue.runOne(5*time.Millisecond) && m.load.inflight.Load() == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("engine calls did not finish")
		}
	}
}

// newTestUI hosts the main content in a temp window of a temp app.
func newTestUI(t *testing.T, eng *rsync.Engine) (*mainUI, fyne.Window) {
	t.Helper()
	test.NewTempApp(t)
	m := newMainUI(eng)
	t.Cleanup(func() { m.cancel(); idle(t, m) })
	w := test.NewTempWindow(t, m.nav)
	m.win = w
	w.Resize(fyne.NewSize(1600, 1000))
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
	walk(o, func(o fyne.CanvasObject) {
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
	})
	return out
}

// walk visits every visible object under o.
func walk(o fyne.CanvasObject, fn func(fyne.CanvasObject)) {
	if o == nil || !o.Visible() {
		return
	}
	fn(o)
	switch x := o.(type) {
	case *fyne.Container:
		for _, c := range x.Objects {
			walk(c, fn)
		}
	case fyne.Widget:
		for _, c := range test.WidgetRenderer(x).Objects() {
			walk(c, fn)
		}
	}
}

// overlayButton finds an enabled button labelled text in the window's top overlay (a dialog).
func overlayButton(t *testing.T, w fyne.Window, text string) *widget.Button {
	t.Helper()
	top := w.Canvas().Overlays().Top()
	if top == nil {
		t.Fatalf("no dialog is open (looking for %q)", text)
	}
	var found *widget.Button
	walk(top, func(o fyne.CanvasObject) {
		if b, ok := o.(*widget.Button); ok && b.Text == text {
			found = b
		}
	})
	if found == nil {
		t.Fatalf("the dialog has no %q button; it shows %q", text, visibleTexts(top))
	}
	return found
}

func overlayText(w fyne.Window) string {
	top := w.Canvas().Overlays().Top()
	if top == nil {
		return ""
	}
	return strings.Join(visibleTexts(top), "\n")
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// cells reads a loaded row of a paged table.
func cells(t *testing.T, pt *pagedTable, row int) []string {
	t.Helper()
	wait(t, pt.load(row/pt.pageSize))
	r, ok := pt.row(row)
	if !ok {
		t.Fatalf("row %d of %d not loaded", row, pt.total)
	}
	return r.cells
}

func TestNavigationItems(t *testing.T) {
	m, _ := newTestUI(t, openEngine(t))
	want := []string{"OneRoster", "Preferences", "Uploads", "History", "Roster", "About"}
	if got := m.navLabels(); !reflect.DeepEqual(got, want) {
		t.Fatalf("navigation = %q, want %q", got, want)
	}
	for _, item := range m.tabs.Items {
		if item.Icon == nil {
			t.Errorf("nav item %q has no icon", item.Text)
		}
	}
}

func TestMainWindowRemembersSize(t *testing.T) {
	a := test.NewTempApp(t)
	eng := adminEngine(t)
	// A roster with data: no welcome screen.
	if _, err := eng.AddLocalBuilding(context.Background(), "District Office", "0042"); err != nil {
		t.Fatal(err)
	}

	w, m := newMainWindow(a, eng)
	idle(t, m)
	if w.Title() != Title {
		t.Errorf("title = %q", w.Title())
	}
	if got := w.Canvas().Size(); got != defaultSize {
		t.Errorf("first size = %v, want default %v", got, defaultSize)
	}
	nav, ok := w.Content().(*keyTabs)
	tabs := nav.Tabs()
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
	if sel := w2.Content().(*keyTabs).Selected(); sel.Text != NavHistory {
		t.Errorf("reopened on %q, want History", sel.Text)
	}
}

// A roster with data but no admin credited with changes asks for one in a
// dialog (an empty roster opens on the welcome screen instead).
func TestFirstLaunchAsksForAdmin(t *testing.T) {
	a := test.NewTempApp(t)
	eng := openEngine(t)
	if _, err := eng.AddLocalBuilding(context.Background(), "District Office", "0042"); err != nil {
		t.Fatal(err)
	}
	w, m := newMainWindow(a, eng)
	defer w.Close()
	idle(t, m)
	if m.first != nil || m.welcome == nil || !strings.Contains(overlayText(w), "Welcome to RosterDesk") {
		t.Fatalf("no admin dialog; overlay shows %q", overlayText(w))
	}
	// Save with nothing chosen: told what is missing, nothing stored.
	test.Tap(overlayButton(t, w, "Save"))
	if !m.welcome.err.Visible() || !strings.Contains(m.welcome.err.Text, "Choose an account") {
		t.Fatalf("empty save: %q", m.welcome.err.Text)
	}
	test.Type(m.welcome.name, "Dana Admin")
	test.Type(m.welcome.email, "not-an-email")
	wait(t, m.welcome.submit())
	if !strings.Contains(m.welcome.err.Text, "not an email address") {
		t.Fatalf("bad email: %q", m.welcome.err.Text)
	}
	m.welcome.email.SetText("dana@district.org")
	wait(t, m.welcome.submit())
	idle(t, m)
	if v, _ := eng.Setting(context.Background(), rsync.KeyCreditedAdmin); v != "dana@district.org" {
		t.Fatalf("credited admin = %q", v)
	}
	if w.Canvas().Overlays().Top() != nil {
		t.Error("the admin dialog stayed open")
	}

	// With an admin credited, the next launch does not ask.
	w2, m2 := newMainWindow(a, eng)
	defer w2.Close()
	idle(t, m2)
	if m2.welcome != nil || m2.first != nil {
		t.Error("asked again although an admin is credited")
	}
}

// addRun records a finished run the way the engine stores one.
func addRun(t *testing.T, eng *rsync.Engine, r rosterdesk.Run) int64 {
	t.Helper()
	id, err := eng.AddRun(context.Background(), r)
	if err != nil {
		t.Fatal(err)
	}
	return id
}
