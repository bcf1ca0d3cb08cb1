package ui

import (
	"context"
	"errors"
	"maps"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"rosterdesk"
	rsync "rosterdesk/sync"
)

// preferencesScreen edits the roster's typed settings in sections (eng.Settings, eng.SaveFields).
type preferencesScreen struct {
	l        *loader
	eng      *rsync.Engine
	win      func() fyne.Window
	bar      *refreshBar
	tabs     *container.AppTabs
	sections []*prefSection
	current  *container.TabItem
	root     fyne.CanvasObject

	// Admin account credited with changes.
	admins    []rosterdesk.Admin
	admin     *widget.Select
	addAdmin  *widget.Button
	adminNote *widget.Label
	// Schedule.
	enabled *widget.Check
	days    *widget.CheckGroup
	at      *widget.Entry
	preview *widget.Label
	next    *widget.Label // when the saved schedule runs next, or why it does not
	loc     *time.Location
	now     func() time.Time
	auto    scheduleAutomation
	// Processes, teacher permissions, automation.
	process    *widget.RadioGroup
	permission *widget.RadioGroup
	markGone   *widget.Check
	grades     *gradeMatrix
	retention  *widget.Entry
	retainRow  *fyne.Container

	sAdmin, sSchedule, sProcess, sPerm, sAuto *prefSection
}

var dayLabels = []string{"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"}

func newPreferencesScreen(l *loader, eng *rsync.Engine, win func() fyne.Window) *preferencesScreen {
	p := &preferencesScreen{l: l, eng: eng, win: win, loc: time.Local, now: time.Now}
	p.bar = newRefreshBar("Preferences", func() { p.refresh() })

	p.sAdmin = p.adminSection()
	p.sSchedule = p.scheduleSection()
	p.sProcess = p.processSection()
	p.sPerm = p.permissionSection()
	p.sAuto = p.automationSection()
	p.guardSection()
	var items []*container.TabItem
	for _, s := range p.sections {
		items = append(items, s.item)
	}
	nav := newKeyTabs(items...)
	p.tabs = nav.Tabs()
	p.current = p.tabs.Selected()
	p.tabs.OnSelected = p.sectionSelected
	p.root = container.NewBorder(p.bar.content(), nil, nil, nil, nav)
	return p
}

func (p *preferencesScreen) content() fyne.CanvasObject { return p.root }

// section builds a section around body with its Save button and status.
func (p *preferencesScreen) section(title, intro string, errs map[string]*widget.Label, body ...fyne.CanvasObject) *prefSection {
	s := &prefSection{title: title, errs: errs, status: widget.NewLabel("")}
	s.save = widget.NewButtonWithIcon("Save", theme.DocumentSaveIcon(), func() { p.saveSection(s) })
	s.save.Importance = widget.HighImportance
	s.save.Disable()
	s.changed = func() {
		if p.tabs != nil {
			p.tabs.Refresh()
		}
	}
	head := widget.NewLabel(intro)
	head.Wrapping = fyne.TextWrapWord
	objs := append([]fyne.CanvasObject{head, widget.NewSeparator()}, body...)
	objs = append(objs, widget.NewSeparator(), container.NewHBox(s.save, s.status))
	s.body = container.NewVBox(objs...)
	s.scroll = container.NewVScroll(container.NewPadded(s.body))
	s.item = container.NewTabItem(title, s.scroll)
	p.sections = append(p.sections, s)
	return s
}

func fieldLabel(text string) *widget.Label {
	return widget.NewLabelWithStyle(text, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
}

// showSection selects the section titled title, without asking (nothing is edited yet).
func (p *preferencesScreen) showSection(title string) {
	for _, s := range p.sections {
		if s.title == title {
			p.selectQuietly(s.item)
		}
	}
}

// refresh reloads the admin accounts and every setting, discarding unsaved edits.
func (p *preferencesScreen) refresh() <-chan struct{} {
	type loaded struct {
		admins   []rosterdesk.Admin
		settings rosterdesk.Settings
	}
	p.bar.loading()
	return run(p.l, func(ctx context.Context) (loaded, error) {
		var r loaded
		var err error
		if r.admins, err = p.eng.Admins(ctx); err != nil {
			return r, err
		}
		r.settings, err = p.eng.Settings(ctx)
		return r, err
	}, func(r loaded, err error) {
		p.bar.loaded("the settings", err)
		if err != nil {
			return
		}
		p.setAdmins(r.admins)
		for _, s := range p.sections {
			s.load(r.settings)
		}
		p.tabs.Refresh()
		p.showNextRun(false)
	})
}

// dirty lists the sections with unsaved changes.
func (p *preferencesScreen) dirty() []*prefSection {
	var out []*prefSection
	for _, s := range p.sections {
		if s.dirty() {
			out = append(out, s)
		}
	}
	return out
}

// saveSection validates and stores one section with the engine. Fields the
// form could not read are refused with the engine's other messages, and
// nothing is stored.
func (p *preferencesScreen) saveSection(s *prefSection) <-chan struct{} {
	e, bad := s.edit()
	for k := range s.errs {
		s.setErr(k, "")
	}
	var keys, good []string
	for _, k := range s.keys() {
		keys = append(keys, k)
		if _, ok := bad[k]; !ok {
			good = append(good, k)
		}
	}
	s.save.Disable()
	s.status.Importance = widget.MediumImportance
	s.status.SetText("Saving…")
	return run(p.l, func(ctx context.Context) (rosterdesk.Settings, error) {
		if len(bad) > 0 {
			return rosterdesk.Settings{}, p.eng.CheckSettings(ctx, e, good...)
		}
		return p.eng.SaveFields(ctx, e, keys...)
	}, func(saved rosterdesk.Settings, err error) {
		var se *rsync.SettingsError
		if errors.As(err, &se) || len(bad) > 0 {
			msgs := map[string]string{}
			if se != nil {
				maps.Copy(msgs, se.Fields)
			}
			maps.Copy(msgs, bad)
			if len(msgs) > 0 {
				s.showErrors(msgs, e, bad)
				s.save.Enable()
				return
			}
		}
		if err != nil {
			s.status.Importance = widget.DangerImportance
			s.status.SetText("Not saved: " + err.Error())
			s.save.Enable()
			return
		}
		s.load(saved)
		s.status.Importance = widget.SuccessImportance
		s.status.SetText("Saved.")
		if s.onSaved != nil {
			s.onSaved(saved)
		}
		p.tabs.Refresh()
	})
}

// sectionSelected asks before leaving a section with unsaved changes.
func (p *preferencesScreen) sectionSelected(item *container.TabItem) {
	prev := p.current
	if prev == item {
		return
	}
	var from *prefSection
	for _, s := range p.sections {
		if s.item == prev {
			from = s
		}
	}
	if from == nil || !from.dirty() {
		p.current = item
		return
	}
	p.selectQuietly(prev)
	p.confirmLeave([]*prefSection{from}, func() { p.selectQuietly(item) })
}

func (p *preferencesScreen) selectQuietly(item *container.TabItem) {
	cb := p.tabs.OnSelected
	p.tabs.OnSelected = nil
	p.tabs.Select(item)
	p.tabs.OnSelected = cb
	p.current = item
}

// confirmLeave asks whether to discard the unsaved changes of sections; go
// runs once they are discarded.
func (p *preferencesScreen) confirmLeave(sections []*prefSection, goOn func()) dialog.Dialog {
	names := make([]string, len(sections))
	for i, s := range sections {
		names[i] = s.title
	}
	d := dialog.NewConfirm("Unsaved changes",
		"You have unsaved changes in "+strings.Join(names, ", ")+". Discard them?", func(discard bool) {
			if !discard {
				return
			}
			for _, s := range sections {
				s.load(s.stored)
			}
			p.tabs.Refresh()
			goOn()
		}, p.win())
	d.SetConfirmText("Discard changes")
	d.SetDismissText("Keep editing")
	d.Show()
	return d
}
