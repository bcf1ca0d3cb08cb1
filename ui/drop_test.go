package ui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"

	"rosterdesk"
	rsync "rosterdesk/sync"
	"rosterdesk/sync/gen"
)

// An unzipped export's folder dropped on Uploads previews it as one bundle.
func TestDropFolderOnUploadsPreviews(t *testing.T) {
	eng := adminEngine(t)
	src, d := district(t, 0, "")
	syncs(t, eng, src, rosterdesk.ScopeBuildings)
	m, _ := newTestUI(t, eng)
	m.selectTab(NavRoster)
	idle(t, m)
	dir := t.TempDir()
	if err := d.Write(dir, gen.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	wait(t, m.handleDrop([]fyne.URI{storage.NewFileURI(dir)}))
	idle(t, m)
	if m.tabs.Selected().Text != NavUploads || m.uploads.plan == nil || m.uploads.plan.Counts.Users.Added == 0 {
		t.Fatalf("on %q, plan %v, notice %q", m.tabs.Selected().Text, m.uploads.plan, m.uploads.notice.Text)
	}
}

// Dropped on the OneRoster screen, an export is checked and connected there
// (the CSV files of one export: their folder); a wrong drop says why and
// leaves the source as it was.
func TestDropOnOneRosterConnects(t *testing.T) {
	eng := adminEngine(t)
	_, d := district(t, 0, "")
	dir := t.TempDir()
	if err := d.Write(dir, gen.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	m, _ := newTestUI(t, eng)
	m.selectTab(NavOneRoster)
	idle(t, m)
	ents, _ := os.ReadDir(dir)
	var uris []fyne.URI
	for _, e := range ents {
		uris = append(uris, storage.NewFileURI(filepath.Join(dir, e.Name())))
	}
	wait(t, m.handleDrop(uris))
	idle(t, m)
	if m.tabs.Selected().Text != NavOneRoster {
		t.Fatalf("the drop left the OneRoster screen for %q", m.tabs.Selected().Text)
	}
	if m.oneRoster.state == nil || m.oneRoster.state.Source != dir {
		t.Fatalf("source %+v, note %q", m.oneRoster.state, m.oneRoster.checkNote.Text)
	}

	// A spreadsheet: refused with its name; the detected text is not the previous export's.
	bad := filepath.Join(t.TempDir(), "roster.xlsx")
	os.WriteFile(bad, []byte("PK\x03\x04 not really"), 0o644)
	wait(t, m.handleDrop([]fyne.URI{storage.NewFileURI(bad)}))
	idle(t, m)
	note := m.oneRoster.checkNote
	if !note.Visible() || note.Importance != widget.DangerImportance || !strings.Contains(note.Text, "roster.xlsx") ||
		!strings.Contains(note.Text, "the source is still "+dir) {
		t.Fatalf("wrong drop: note %q", note.Text)
	}
	if strings.Contains(m.oneRoster.detected.Text, "Detected") {
		t.Errorf("the refused file shows the previous export's detection: %q", m.oneRoster.detected.Text)
	}
	if m.oneRoster.state.Source != dir {
		t.Errorf("source changed to %q", m.oneRoster.state.Source)
	}
}

// After Apply the Uploads page is back at its top, where the result is: the
// preview it was scrolled down through is gone.
func TestUploadsScrolledToTopAfterApply(t *testing.T) {
	eng := adminEngine(t)
	src, d := district(t, 0, "")
	syncs(t, eng, src, rosterdesk.ScopeBuildings)
	m, w := newTestUI(t, eng)
	w.Resize(fyne.NewSize(1024, 400))
	m.selectTab(NavUploads)
	idle(t, m)
	s := m.uploads
	wait(t, s.upload(loneFile(t, d, "users.csv"), rsync.UploadUsers))
	idle(t, m)
	if s.plan == nil {
		t.Fatalf("no preview: %q", s.result.Text)
	}
	s.scroll.Offset.Y = s.scroll.Content.MinSize().Height - s.scroll.Size().Height // scrolled down to Apply
	if s.scroll.Offset.Y <= 0 {
		t.Fatalf("the preview fits: nothing to scroll (%v in %v)", s.scroll.Content.MinSize(), s.scroll.Size())
	}
	wait(t, s.applyPlan())
	idle(t, m)
	if s.scroll.Offset.Y != 0 || !s.result.Visible() {
		t.Fatalf("after Apply: offset %v, result %q", s.scroll.Offset.Y, s.result.Text)
	}
}
