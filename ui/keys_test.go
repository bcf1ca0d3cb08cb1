package ui

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
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
