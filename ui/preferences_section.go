package ui

import (
	"maps"
	"slices"
	"sort"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"rosterdesk"
	rsync "rosterdesk/sync"
)

// prefSection is one section of the Preferences screen: its fields, its own
// Save, a validation message beside each field and an "Unsaved changes" mark.
type prefSection struct {
	title   string
	item    *container.TabItem
	save    *widget.Button
	status  *widget.Label
	errs    map[string]*widget.Label // setting key → message beside its field
	stored  rosterdesk.Settings      // the settings as last loaded or saved
	loaded  bool                     // stored holds the settings
	loading bool                     // widgets are being filled: not an edit

	fill    func(s rosterdesk.Settings) // stored settings → widgets
	apply   func(s *rosterdesk.Settings) map[string]string
	onSaved func(s rosterdesk.Settings)
	changed func() // told when dirtiness may have changed

	scroll *container.Scroll // the section's page, scrolled to a refused field
	body   *fyne.Container   // the page's fields
	errAt  map[string]string // a field's value when its message was set
}

// keys are the settings the section edits: the fields it has messages beside.
func (s *prefSection) keys() []string {
	keys := make([]string, 0, len(s.errs))
	for k := range s.errs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// edit is the stored settings with the section's widgets applied, and the
// messages of the fields the form could not read (the engine's words).
func (s *prefSection) edit() (rosterdesk.Settings, map[string]string) {
	e := s.stored
	e.Processes.GradesMap = maps.Clone(e.Processes.GradesMap)
	e.Schedule.Days = slices.Clone(e.Schedule.Days)
	bad := s.apply(&e)
	return e, bad
}

// shown is what a field holds, to tell when it changes: its message when
// the form could not read it, else its value as text.
func shown(e rosterdesk.Settings, bad map[string]string, key string) string {
	if msg, ok := bad[key]; ok {
		return "\x00" + msg
	}
	return rsync.SettingText(e, key)
}

// errLabel is a validation message shown next to a field.
func errLabel() *widget.Label {
	l := widget.NewLabel("")
	l.Importance = widget.DangerImportance
	l.Wrapping = fyne.TextWrapWord
	l.Hide()
	return l
}

func (s *prefSection) setErr(key, msg string) {
	l := s.errs[key]
	if l == nil {
		return
	}
	if msg != "" {
		msg = strings.ToUpper(msg[:1]) + msg[1:]
	}
	l.SetText(msg)
	if msg == "" {
		l.Hide()
	} else {
		l.Show()
	}
}

// dirty tells whether the widgets differ from what is stored.
func (s *prefSection) dirty() bool {
	if !s.loaded {
		return false
	}
	e, bad := s.edit()
	if len(bad) > 0 {
		return true
	}
	for _, k := range s.keys() {
		if rsync.SettingText(e, k) != rsync.SettingText(s.stored, k) {
			return true
		}
	}
	return false
}

// edited is called by every field's OnChanged. A message beside a field
// goes once the field is changed (it comes back on Save if still wrong).
func (s *prefSection) edited() {
	if s.loading {
		return
	}
	if len(s.errAt) > 0 {
		e, bad := s.edit()
		for k, at := range s.errAt {
			if _, still := bad[k]; !still && shown(e, bad, k) != at {
				s.setErr(k, "")
			}
		}
	}
	s.update()
}

// showErrors puts the engine's or the form's messages beside their fields
// (e and bad are the edit refused) and scrolls the page to the first one.
func (s *prefSection) showErrors(msgs map[string]string, e rosterdesk.Settings, bad map[string]string) {
	keys := make([]string, 0, len(msgs))
	for k := range msgs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		s.setErr(k, msgs[k])
		if s.errAt == nil {
			s.errAt = map[string]string{}
		}
		s.errAt[k] = shown(e, bad, k)
	}
	s.status.Importance = widget.DangerImportance
	s.status.SetText("Not saved: fix the fields marked in red.")
	s.scrollToError()
}

// scrollToError scrolls the page so the first message shown is in view.
func (s *prefSection) scrollToError() {
	if s.scroll == nil || s.body == nil {
		return
	}
	s.scroll.Refresh()
	s.body.Refresh()
	d := fyne.CurrentApp().Driver()
	top := d.AbsolutePositionForObject(s.body).Y
	first := float32(-1)
	for _, l := range s.errs {
		if !l.Visible() {
			continue
		}
		y := d.AbsolutePositionForObject(l).Y - top
		if first < 0 || y < first {
			first = y
		}
	}
	if first < 0 {
		return
	}
	// The field's label is a line above its message.
	s.scroll.Offset.Y = max(0, first-3*theme.TextSize())
	s.scroll.Refresh()
}

func (s *prefSection) update() {
	d := s.dirty()
	if d {
		s.status.Importance = widget.WarningImportance
		s.status.SetText(unsavedText)
		s.item.Text = s.title + " •"
	} else {
		if s.status.Text == unsavedText {
			s.status.SetText("")
		}
		s.item.Text = s.title
	}
	if d {
		s.save.Enable()
	} else {
		s.save.Disable()
	}
	if s.changed != nil {
		s.changed()
	}
}

// load shows the stored settings in the widgets.
func (s *prefSection) load(stored rosterdesk.Settings) {
	s.stored, s.loaded = stored, true
	s.loading = true
	s.fill(stored)
	s.loading = false
	for k := range s.errs {
		s.setErr(k, "")
	}
	s.errAt = nil
	if s.status.Importance == widget.DangerImportance {
		s.status.SetText("") // a refused save's "Not saved": what it refused is gone
	}
	s.update()
}
