package ui

import (
	"reflect"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"
)

// Fyne's dialogs take no keys. dialogKey gives them the platform's: Escape
// cancels (the dialog's dismiss button, else it closes) and Enter presses its
// default button (the highlighted one, else its only one). It acts on the
// topmost overlay of c and tells whether it used the key.
func dialogKey(c fyne.Canvas, key fyne.KeyName) bool {
	if c == nil {
		return false
	}
	top := c.Overlays().Top()
	if top == nil {
		return false
	}
	box := dialogBox(top)
	if box == nil {
		return false
	}
	buttons := dialogButtons(box)
	switch key {
	case fyne.KeyEscape:
		for _, b := range buttons {
			if b.Importance != widget.HighImportance && b.Importance != widget.DangerImportance {
				b.OnTapped()
				return true
			}
		}
		if len(buttons) == 1 {
			buttons[0].OnTapped()
			return true
		}
		top.Hide()
		c.Overlays().Remove(top)
		return true
	case fyne.KeyReturn, fyne.KeyEnter:
		var def *widget.Button
		for _, b := range buttons {
			if b.Importance == widget.HighImportance || b.Importance == widget.DangerImportance {
				def = b
			}
		}
		if def == nil && len(buttons) == 1 {
			def = buttons[0]
		}
		if def != nil {
			def.OnTapped()
			return true
		}
	}
	return false
}

// dialogBox finds a Fyne dialog's layout in an overlay: the overlay's
// Content (a modal PopUp), whose Content holds icon, background, content,
// buttons and title. Nil if the overlay is something else (a menu, say).
func dialogBox(o fyne.CanvasObject) *fyne.Container {
	for range 4 {
		if box, ok := o.(*fyne.Container); ok {
			if len(box.Objects) == 5 {
				return box
			}
			return nil
		}
		v := reflect.ValueOf(o)
		if v.Kind() != reflect.Pointer || v.Elem().Kind() != reflect.Struct {
			return nil
		}
		f := v.Elem().FieldByName("Content")
		if !f.IsValid() || !f.CanInterface() {
			return nil
		}
		next, ok := f.Interface().(fyne.CanvasObject)
		if !ok || next == nil {
			return nil
		}
		o = next
	}
	return nil
}

// dialogButtons are the enabled, visible buttons of a dialog's button row.
func dialogButtons(box *fyne.Container) []*widget.Button {
	var out []*widget.Button
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch o := o.(type) {
		case *widget.Button:
			if o.Visible() && !o.Disabled() && o.OnTapped != nil {
				out = append(out, o)
			}
		case *fyne.Container:
			if o.Visible() {
				for _, c := range o.Objects {
					walk(c)
				}
			}
		}
	}
	walk(box.Objects[3])
	return out
}

// dialogEntry is an Entry for a dialog: Enter submits (onSubmit), Escape
// cancels the dialog, as they do outside the entry.
type dialogEntry struct {
	widget.Entry
}

func newDialogEntry() *dialogEntry {
	e := &dialogEntry{}
	e.ExtendBaseWidget(e)
	return e
}

func (e *dialogEntry) TypedKey(ev *fyne.KeyEvent) {
	if ev.Name == fyne.KeyEscape && !e.MultiLine {
		if c := fyne.CurrentApp().Driver().CanvasForObject(e); c != nil && dialogKey(c, fyne.KeyEscape) {
			return
		}
	}
	e.Entry.TypedKey(ev)
}

// submitOnEnter makes Enter in the form's entries submit the form dialog.
func submitOnEnter(d *dialog.FormDialog, entries ...*widget.Entry) {
	for _, e := range entries {
		e.OnSubmitted = func(string) { d.Submit() }
	}
}

// installKeys gives the window its keyboard: Escape and Enter for dialogs,
// and a View menu whose Ctrl+1…6 (⌘1…6 on macOS) switch screens; menu
// shortcuts work wherever the focus is.
func (m *mainUI) installKeys(w fyne.Window, quit func()) {
	w.Canvas().SetOnTypedKey(func(ev *fyne.KeyEvent) { dialogKey(w.Canvas(), ev.Name) })
	w.SetMainMenu(m.mainMenu(quit))
}

// screenKeys are the keys of Ctrl+1…6, in sidebar order.
var screenKeys = []fyne.KeyName{fyne.Key1, fyne.Key2, fyne.Key3, fyne.Key4, fyne.Key5, fyne.Key6, fyne.Key7, fyne.Key8, fyne.Key9}

// mainMenu is the window's menu: File › Quit (Ctrl+Q) and View with one item
// per screen (Ctrl+1…).
func (m *mainUI) mainMenu(quit func()) *fyne.MainMenu {
	var items []*fyne.MenuItem
	for i, item := range m.tabs.Items {
		if i >= len(screenKeys) {
			break
		}
		tab := item
		mi := fyne.NewMenuItem(tab.Text, func() { m.showScreen(tab) })
		mi.Shortcut = &desktop.CustomShortcut{KeyName: screenKeys[i], Modifier: fyne.KeyModifierShortcutDefault}
		items = append(items, mi)
	}
	q := fyne.NewMenuItem("Quit", quit)
	q.IsQuit = true
	q.Shortcut = &desktop.CustomShortcut{KeyName: fyne.KeyQ, Modifier: fyne.KeyModifierShortcutDefault}
	export := fyne.NewMenuItem("Export roster…", func() {
		if m.first == nil {
			for item, sc := range m.screens {
				if sc == screen(m.roster) {
					m.showScreen(item)
				}
			}
		}
		m.roster.exportRoster()
	})
	return fyne.NewMainMenu(fyne.NewMenu("File", export, fyne.NewMenuItemSeparator(), q), fyne.NewMenu("View", items...))
}

// showScreen shows a screen as a click on its sidebar entry does (Preferences
// still asks about unsaved changes), closing the first-run welcome.
func (m *mainUI) showScreen(tab *container.TabItem) {
	if m.first != nil {
		return // the first-run screen has no sidebar yet
	}
	m.tabs.Select(tab)
}
