package ui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"rosterdesk"
	rsync "rosterdesk/sync"
	"rosterdesk/sync/report"
)

// Export roster…: the dialog offers the three formats (the OneRoster version
// only for the bundle), and each export writes its files and says so.
func TestExportRosterDialog(t *testing.T) {
	eng := adminEngine(t)
	src, _ := district(t, 0, "")
	syncs(t, eng, src, rosterdesk.ScopeBuildings)
	syncs(t, eng, src, rosterdesk.ScopeUsersCourses)
	m, w := newTestUI(t, eng)

	if m.roster.exportBtn.Text != "Export roster…" {
		t.Fatalf("button %q", m.roster.exportBtn.Text)
	}
	test.Tap(m.roster.exportBtn)
	shown := overlayText(w)
	for _, s := range []string{"Export roster", rosterFormatHelp[rosterXLSX]} {
		if !strings.Contains(shown, s) {
			t.Errorf("the dialog lacks %q: %q", s, shown)
		}
	}
	if strings.Contains(shown, "OneRoster version") {
		t.Error("the OneRoster version is offered for a workbook")
	}
	var format *widget.RadioGroup
	walk(w.Canvas().Overlays().Top(), func(o fyne.CanvasObject) {
		if r, ok := o.(*widget.RadioGroup); ok && contains(r.Options, rosterOneRoster) {
			format = r
		}
	})
	if format == nil || strings.Join(format.Options, "|") != rosterXLSX+"|"+rosterCSV+"|"+rosterOneRoster || format.Selected != rosterXLSX {
		t.Fatalf("formats %+v", format)
	}
	format.SetSelected(rosterOneRoster)
	if shown = overlayText(w); !strings.Contains(shown, "OneRoster version") || !strings.Contains(shown, rosterFormatHelp[rosterOneRoster]) {
		t.Errorf("OneRoster chosen: %q", shown)
	}
	test.Tap(overlayButton(t, w, "Cancel"))

	note := m.roster.exportNote
	dir := t.TempDir()
	x := filepath.Join(dir, "roster.xlsx")
	wait(t, exportRosterTo(m.load, eng, rosterXLSX, "", x, note))
	if st, err := os.Stat(x); err != nil || st.Size() == 0 || note.Importance != widget.SuccessImportance {
		t.Fatalf("workbook: %v, note %q", err, note.Text)
	}
	wait(t, exportRosterTo(m.load, eng, rosterCSV, "", dir, note))
	csvDirs, _ := filepath.Glob(filepath.Join(dir, "RosterDesk roster *"))
	if len(csvDirs) != 1 || note.Importance != widget.SuccessImportance {
		t.Fatalf("csv: %v, note %q", csvDirs, note.Text)
	}
	for _, f := range report.RosterFiles {
		if _, err := os.Stat(filepath.Join(csvDirs[0], f)); err != nil {
			t.Error(err)
		}
	}
	for i := 0; i < 2; i++ {
		wait(t, exportRosterTo(m.load, eng, rosterOneRoster, "1.2", dir, note))
		if note.Importance != widget.SuccessImportance || !strings.Contains(note.Text, "Validated: 0 errors, 0 warnings") {
			t.Fatalf("OneRoster: note %q", note.Text)
		}
	}
	orDirs, _ := filepath.Glob(filepath.Join(dir, "RosterDesk OneRoster 1.2 *"))
	if len(orDirs) != 2 {
		t.Fatalf("two OneRoster exports the same day: %v", orDirs)
	}
	if _, err := os.Stat(filepath.Join(orDirs[0], "roles.csv")); err != nil {
		t.Error("a 1.2 bundle without roles.csv")
	}
}

// The guidance of the Atlas page where it is needed: what to do next and
// when to contact SIS support, in a failed run's History detail and a run with errors.
func TestRunDetailGuidance(t *testing.T) {
	failed := runDetail(rsync.Result{Run: rosterdesk.Run{ID: 4, Status: rosterdesk.StatusFailed, Scope: rosterdesk.ScopeUsersCourses, Message: "users.csv: is empty"}})
	withErrors := runDetail(rsync.Result{Run: rosterdesk.Run{ID: 5, Status: rosterdesk.StatusApplied, Scope: rosterdesk.ScopeUsersCourses, Errors: 3}})
	clean := runDetail(rsync.Result{Run: rosterdesk.Run{ID: 6, Status: rosterdesk.StatusApplied, Scope: rosterdesk.ScopeUsersCourses}})
	if !strings.Contains(failed, rsync.GuidanceFailed) || !strings.Contains(failed, rsync.GuidanceSupport) {
		t.Errorf("failed run: %q", failed)
	}
	if !strings.Contains(withErrors, rsync.GuidanceErrors) || !strings.Contains(withErrors, rsync.GuidanceSupport) {
		t.Errorf("run with errors: %q", withErrors)
	}
	if strings.Contains(clean, rsync.GuidanceSupport) {
		t.Errorf("a clean run is told to call support: %q", clean)
	}
}
