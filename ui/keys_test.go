package ui

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// Escape cancels a dialog and Enter presses its default button, through the
// window canvas's key handler (a key typed with nothing focused) and through
// a dialog's entry.
func TestDialogKeys(t *testing.T) {
	test.NewTempApp(t)
	w := test.NewTempWindow(t, widget.NewLabel("content"))
	w.Canvas().SetOnTypedKey(func(ev *fyne.KeyEvent) { dialogKey(w.Canvas(), ev.Name) })
	typeKey := func(k fyne.KeyName) { w.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: k}) }

	var got []bool
	confirm := func() {
		dialog.NewCustomConfirm("Quit?", "Quit", "Keep running", widget.NewLabel("?"), func(ok bool) { got = append(got, ok) }, w).Show()
	}
	confirm()
	typeKey(fyne.KeyEscape)
	confirm()
	typeKey(fyne.KeyReturn)
	if len(got) != 2 || got[0] || !got[1] || w.Canvas().Overlays().Top() != nil {
		t.Fatalf("Escape then Enter: %v, overlay %v", got, w.Canvas().Overlays().Top())
	}

	info := false
	d := dialog.NewInformation("Done", "It worked.", w)
	d.SetOnClosed(func() { info = true })
	d.Show()
	typeKey(fyne.KeyEnter)
	if !info {
		t.Fatal("Enter did not close the information dialog")
	}

	// A form: Enter in its entry submits, Escape in it cancels.
	var added []string
	form := func() *dialogEntry {
		e := newDialogEntry()
		fd := dialog.NewForm("Add", "Add", "Cancel", []*widget.FormItem{widget.NewFormItem("Name", e)}, func(ok bool) {
			if ok {
				added = append(added, e.Text)
			}
		}, w)
		submitOnEnter(fd, &e.Entry)
		fd.Show()
		w.Canvas().Focus(e)
		return e
	}
	e := form()
	test.Type(e, "Ann")
	e.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	e = form()
	test.Type(e, "Bob")
	e.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if len(added) != 1 || added[0] != "Ann" || w.Canvas().Overlays().Top() != nil {
		t.Fatalf("form: added %q, overlay %v", added, w.Canvas().Overlays().Top())
	}
}

// The View menu's Ctrl+1…6 (⌘ on macOS) switch screens, in sidebar order;
// File › Quit has Ctrl+Q and is the app's Quit.
func TestScreenShortcuts(t *testing.T) {
	eng := adminEngine(t)
	m, _ := newTestUI(t, eng)
	quits := 0
	menu := m.mainMenu(func() { quits++ })
	view := menu.Items[1]
	if len(view.Items) != len(m.tabs.Items) {
		t.Fatalf("View has %d items for %d screens", len(view.Items), len(m.tabs.Items))
	}
	for i, it := range view.Items {
		sc, ok := it.Shortcut.(*desktop.CustomShortcut)
		if !ok || sc.KeyName != screenKeys[i] || sc.Modifier != fyne.KeyModifierShortcutDefault {
			t.Fatalf("%s: shortcut %v", it.Label, it.Shortcut)
		}
		it.Action()
		idle(t, m)
		if got := m.tabs.Selected().Text; got != m.tabs.Items[i].Text || it.Label != got {
			t.Errorf("Ctrl+%d (%s) showed %q", i+1, it.Label, got)
		}
	}
	var q *fyne.MenuItem
	for _, it := range menu.Items[0].Items {
		if it.IsQuit {
			q = it
		}
	}
	if q == nil || q.Shortcut.(*desktop.CustomShortcut).KeyName != fyne.KeyQ {
		t.Fatalf("quit item %+v", q)
	}
	q.Action()
	if quits != 1 {
		t.Fatal("File › Quit did not quit")
	}
}
