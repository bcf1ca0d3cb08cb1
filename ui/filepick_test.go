package ui

import (
	"os"
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// Typed and pasted paths in RosterDesk's own file dialog: a full path is
// taken as typed (not joined onto the folder), a name is taken in the
// folder, quotes from "Copy as path" are dropped, Enter submits, a path that
// cannot be used keeps the dialog open and says why.
func TestPathDialogTypedPaths(t *testing.T) {
	test.NewTempApp(t)
	w := test.NewTempWindow(t, widget.NewLabel("content"))
	w.Canvas().SetOnTypedKey(func(ev *fyne.KeyEvent) { dialogKey(w.Canvas(), ev.Name) })
	l := &loader{do: func(f func()) { f() }}
	start, other := t.TempDir(), t.TempDir()
	zip := filepath.Join(other, "OneRoster.zip")
	os.WriteFile(zip, []byte("PK"), 0o600)

	var got []string
	open := func(req pickRequest) *dialogEntry {
		l.pathDialog(w, req, func(p string) { got = append(got, p) })
		return w.Canvas().Focused().(*dialogEntry)
	}
	enter := func(e *dialogEntry, text string) {
		e.SetText(text)
		e.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	}

	// Save: a full path elsewhere is not joined onto the current folder.
	target := filepath.Join(other, "run-1.xlsx")
	enter(open(pickRequest{kind: pickSave, dir: start, name: "rosterdesk-run-1.xlsx"}), target)
	// Save: a bare name goes in the folder the dialog shows.
	enter(open(pickRequest{kind: pickSave, dir: start, name: "x.xlsx"}), "mine.xlsx")
	// Open: a pasted, quoted path.
	enter(open(pickRequest{kind: pickFile, dir: start, exts: []string{".zip"}}), `"`+zip+`"`)
	// Open: the folder proposed, then Enter on the default button (no focus).
	e := open(pickRequest{kind: pickFolder, dir: start})
	w.Canvas().Unfocus()
	w.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyEnter})
	want := []string{target, filepath.Join(start, "mine.xlsx"), zip, start}
	if len(got) != len(want) {
		t.Fatalf("chosen %q, want %q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("chosen %q, want %q", got[i], want[i])
		}
	}
	if w.Canvas().Overlays().Top() != nil {
		t.Fatal("a dialog stayed open")
	}

	// A file that is not there: the dialog stays and says so; Escape cancels.
	e = open(pickRequest{kind: pickFile, dir: start})
	enter(e, filepath.Join(start, "missing.zip"))
	if top := w.Canvas().Overlays().Top(); top == nil || !contains(visibleTexts(top), "There is no file or folder "+filepath.Join(start, "missing.zip")+".") {
		t.Fatalf("no reason shown: %q", overlayText(w))
	}
	e.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if w.Canvas().Overlays().Top() != nil || len(got) != 4 {
		t.Fatalf("Escape: overlay %v, chosen %q", w.Canvas().Overlays().Top(), got)
	}
}
