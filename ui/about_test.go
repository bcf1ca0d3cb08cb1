package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"rosterdesk/internal/appinfo"
)

// About shows the version, the libraries and the folders in use, and copies the support report.
func TestAbout(t *testing.T) {
	eng := openEngine(t)
	m, w := newTestUI(t, eng)
	if !m.selectTab(NavAbout) {
		t.Fatal("no About in the sidebar")
	}
	idle(t, m)
	texts := strings.Join(visibleTexts(w.Content()), "\n")
	p := appinfo.PathsFor(eng.Path())
	want := []string{"Version " + appinfo.Get().FullVersion(), p.Roster, p.Logs, p.Preferences, "Roster, history and sync settings",
		"Logs (rosterdesk serve)", "Window preferences", "Libraries"}
	for _, l := range appinfo.Libraries() {
		want = append(want, l.Version)
	}
	for _, s := range want {
		if !strings.Contains(texts, s) {
			t.Errorf("%q not in About: %q", s, texts)
		}
	}
	if p.Roster != eng.Path() {
		t.Errorf("roster path %q, engine %q", p.Roster, eng.Path())
	}
	test.Tap(m.about.copy)
	if got := fyne.CurrentApp().Clipboard().Content(); got != appinfo.Report(p) || !strings.Contains(got, p.Roster) {
		t.Errorf("clipboard %q, want the report %q", got, appinfo.Report(p))
	}
	if !m.about.note.Visible() || m.about.note.Text != "Copied to the clipboard." {
		t.Errorf("note %q", m.about.note.Text)
	}
}
