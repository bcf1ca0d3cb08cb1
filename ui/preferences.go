package ui

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"sort"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"rosterdesk/data"
	rsync "rosterdesk/sync"
)

// keyLogRetention is the log retention setting, shown when the engine has it.
const keyLogRetention = "log.retention_runs"

// Choice labels, as on the product page.
const (
	procUsers        = "Users only"
	procUsersCourses = "Users + Course Assignments"
	permUnits        = "Teachers edit Units and Lessons"
	permLessons      = "Teachers edit Lessons only"
	unsavedText      = "Unsaved changes"
)

var procValue = map[string]string{procUsers: string(rsync.ScopeUsers), procUsersCourses: string(rsync.ScopeUsersCourses)}
var permValue = map[string]string{permUnits: rsync.PermUnitsLessons, permLessons: rsync.PermLessonsOnly}

func keyFor(m map[string]string, v string) string {
	for k, x := range m {
		if x == v {
			return k
		}
	}
	return ""
}

// prefSection is one section of the Preferences screen: its fields, its own
// Save, a validation message beside each field and an "Unsaved changes" mark.
type prefSection struct {
	title   string
	item    *container.TabItem
	save    *widget.Button
	status  *widget.Label
	errs    map[string]*widget.Label // setting key → message beside its field
	stored  map[string]string        // values as last loaded or saved
	loading bool                     // widgets are being filled: not an edit

	fill    func(values map[string]string) // stored values → widgets
	collect func() (map[string]string, map[string]string)
	onSaved func(values map[string]string)
	changed func() // told when dirtiness may have changed

	scroll *container.Scroll // the section's page, scrolled to a refused field
	body   *fyne.Container   // the page's fields
	errAt  map[string]string // a field's value when its message was set
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
	if s.stored == nil {
		return false
	}
	vals, bad := s.collect()
	if len(bad) > 0 {
		return true
	}
	for k, v := range vals {
		if s.stored[k] != v {
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
		vals, bad := s.collect()
		for k, at := range s.errAt {
			if _, still := bad[k]; !still && vals[k] != at {
				s.setErr(k, "")
			}
		}
	}
	s.update()
}

// showErrors puts the engine's or the form's messages beside their fields
// (vals are the values refused) and scrolls the page to the first one.
func (s *prefSection) showErrors(msgs, vals map[string]string) {
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
		s.errAt[k] = vals[k]
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

// load shows stored values in the widgets.
func (s *prefSection) load(values map[string]string) {
	s.stored = values
	s.loading = true
	s.fill(values)
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

// preferencesScreen edits the roster's settings in sections (eng.SaveSettings).
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
	admins    []data.Admin
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

func (p *preferencesScreen) adminSection() *prefSection {
	p.admin = widget.NewSelect(nil, nil)
	p.admin.PlaceHolder = "Choose an admin account"
	p.adminNote = widget.NewLabel("")
	p.adminNote.Wrapping = fyne.TextWrapWord
	p.adminNote.Hide()
	errs := map[string]*widget.Label{rsync.KeyCreditedAdmin: errLabel()}
	p.addAdmin = widget.NewButtonWithIcon("Add an admin account…", theme.ContentAddIcon(), func() { p.showAddAdmin() })
	s := p.section("Admin account", "Admin account credited with changes (required). It is recorded in the log as the person "+
		"responsible for every change a sync makes, for auditing and troubleshooting.", errs,
		fieldLabel("Credited admin"), container.NewBorder(nil, nil, nil, p.addAdmin, p.admin),
		errs[rsync.KeyCreditedAdmin], p.adminNote)
	p.admin.OnChanged = func(string) { s.edited() }
	s.fill = func(v map[string]string) {
		p.admin.ClearSelected()
		for _, a := range p.admins {
			if strings.EqualFold(a.Email, v[rsync.KeyCreditedAdmin]) {
				p.admin.SetSelected(adminLabel(a))
			}
		}
	}
	s.collect = func() (map[string]string, map[string]string) {
		return map[string]string{rsync.KeyCreditedAdmin: p.selectedAdmin()}, nil
	}
	return s
}

func adminLabel(a data.Admin) string { return a.Name + " <" + a.Email + ">" }

func (p *preferencesScreen) selectedAdmin() string {
	for _, a := range p.admins {
		if adminLabel(a) == p.admin.Selected {
			return a.Email
		}
	}
	return ""
}

func (p *preferencesScreen) setAdmins(admins []data.Admin) {
	p.admins = admins
	opts := make([]string, len(admins))
	for i, a := range admins {
		opts[i] = adminLabel(a)
	}
	p.admin.Options = opts
	p.admin.Refresh()
}

// showAddAdmin asks for a new local admin account and selects it (Save credits it).
func (p *preferencesScreen) showAddAdmin() {
	name, email := newDialogEntry(), newDialogEntry()
	name.SetPlaceHolder("Full name")
	email.SetPlaceHolder("it@district.org")
	d := dialog.NewForm("Add an admin account", "Add", "Cancel",
		[]*widget.FormItem{widget.NewFormItem("Name", name), widget.NewFormItem("Email", email)},
		func(ok bool) {
			if ok {
				p.addAdminAccount(email.Text, name.Text)
			}
		}, p.win())
	submitOnEnter(d, &name.Entry, &email.Entry)
	d.Resize(fyne.NewSize(460, 220))
	d.Show()
}

// addAdminAccount adds the account with the engine and selects it.
func (p *preferencesScreen) addAdminAccount(email, name string) <-chan struct{} {
	return run(p.l, func(ctx context.Context) ([]data.Admin, error) {
		a, err := p.eng.AddAdmin(ctx, email, name)
		if err != nil {
			return nil, err
		}
		list, err := p.eng.Admins(ctx)
		email = a.Email
		return list, err
	}, func(list []data.Admin, err error) {
		if err != nil {
			p.sAdmin.setErr(rsync.KeyCreditedAdmin, "Could not add the account: "+err.Error())
			return
		}
		p.setAdmins(list)
		for _, a := range list {
			if a.Email == email {
				p.admin.SetSelected(adminLabel(a))
			}
		}
		p.sAdmin.setErr(rsync.KeyCreditedAdmin, "")
		p.adminNote.SetText("Account " + email + " added. Save to credit it with changes.")
		p.adminNote.Show()
	})
}

// summerAdvice is the engine's: the six reasons to pause over the summer.
var summerAdvice = rsync.SummerAdvice()

// dayList is the checked days in the stored form: "mon,wed,fri".
func (p *preferencesScreen) dayList() string {
	var out []string
	for _, d := range dayLabels {
		for _, sel := range p.days.Selected {
			if sel == d {
				out = append(out, strings.ToLower(d))
			}
		}
	}
	return strings.Join(out, ",")
}

// updatePreview shows the chosen UTC schedule in local time as it is typed.
func (p *preferencesScreen) updatePreview() {
	t := strings.TrimSpace(p.at.Text)
	days, _ := rsync.ParseDays(p.dayList())
	switch {
	case t == "":
		p.preview.SetText("Local time: enter a time as HH:MM (UTC).")
	case func() bool { _, _, err := rsync.ParseSyncTime(t); return err != nil }():
		_, _, err := rsync.ParseSyncTime(t)
		p.preview.SetText("Local time: " + err.Error())
	case len(days) == 0:
		h, m, _ := rsync.ParseSyncTime(t)
		now := p.now()
		at := time.Date(now.Year(), now.Month(), now.Day(), h, m, 0, 0, time.UTC).In(p.loc)
		p.preview.SetText(fmt.Sprintf("%02d:%02d UTC is %s local time. Choose the days.", h, m, at.Format("15:04")))
	default:
		p.preview.SetText("Local time: " + rsync.SchedulePreview(days, t, p.loc, p.now()))
	}
}

func (p *preferencesScreen) processSection() *prefSection {
	errs := map[string]*widget.Label{rsync.KeySyncProcess: errLabel()}
	p.process = widget.NewRadioGroup([]string{procUsers, procUsersCourses}, nil)
	help := widget.NewLabel("Users only: creates, updates and deactivates users, with no courses.\n" +
		"Users + Course Assignments: creates, updates and deactivates users, and creates, updates and removes courses, classes and course assignments.")
	help.Wrapping = fyne.TextWrapWord
	s := p.section("Synchronization processes", "What a sync processes (the OneRoster zip upload, Sync now and the automated sync).", errs,
		p.process, errs[rsync.KeySyncProcess], help)
	p.process.OnChanged = func(string) { s.edited() }
	s.fill = func(v map[string]string) { p.process.SetSelected(keyFor(procValue, v[rsync.KeySyncProcess])) }
	s.collect = func() (map[string]string, map[string]string) {
		return map[string]string{rsync.KeySyncProcess: procValue[p.process.Selected]}, nil
	}
	return s
}

func (p *preferencesScreen) permissionSection() *prefSection {
	errs := map[string]*widget.Label{rsync.KeyTeacherPerm: errLabel()}
	p.permission = widget.NewRadioGroup([]string{permUnits, permLessons}, nil)
	help := widget.NewLabel("Units and Lessons: full curriculum editing access.\n" +
		"Lessons only: teachers cannot change the unit structure. Recommended when units are managed centrally by curriculum developers.\n" +
		"Stored on every course OneRoster creates; saving a change updates the existing ones.")
	help.Wrapping = fyne.TextWrapWord
	s := p.section("Teacher permissions", "What teachers may edit in courses created by OneRoster.", errs,
		p.permission, errs[rsync.KeyTeacherPerm], help)
	p.permission.OnChanged = func(string) { s.edited() }
	s.fill = func(v map[string]string) { p.permission.SetSelected(keyFor(permValue, v[rsync.KeyTeacherPerm])) }
	s.collect = func() (map[string]string, map[string]string) {
		return map[string]string{rsync.KeyTeacherPerm: permValue[p.permission.Selected]}, nil
	}
	return s
}

func (p *preferencesScreen) automationSection() *prefSection {
	errs := map[string]*widget.Label{rsync.KeyMarkMissingGone: errLabel(), rsync.KeyGradesMap: errLabel(), keyLogRetention: errLabel()}
	p.markGone = widget.NewCheck("Automatically mark missing users inactive", nil)
	markHelp := widget.NewLabel("A user absent from a complete (bulk) users.csv is deactivated, never deleted. Off: absent users stay active.")
	markHelp.Wrapping = fyne.TextWrapWord
	p.grades = newGradeMatrix()
	gradeHelp := widget.NewLabel("Incoming grade codes (for example KG, -1, 13) and the district's label for each. " +
		"The engine applies it on the next sync; codes not listed are kept as they come.")
	gradeHelp.Wrapping = fyne.TextWrapWord
	p.retention = widget.NewEntry()
	p.retainRow = container.NewVBox(fieldLabel("Keep the full log of the newest runs"),
		container.NewHBox(container.NewGridWrap(fyne.NewSize(90, p.retention.MinSize().Height), p.retention), widget.NewLabel("runs (older runs keep their counts)")),
		errs[keyLogRetention])
	p.retainRow.Hide()
	s := p.section("Automation", "What a sync does automatically.", errs,
		p.markGone, markHelp, errs[rsync.KeyMarkMissingGone],
		fieldLabel("Grade level matrix"), gradeHelp, p.grades.content(), errs[rsync.KeyGradesMap], p.retainRow)
	p.markGone.OnChanged = func(bool) { s.edited() }
	p.grades.onChanged = s.edited
	p.retention.OnChanged = func(string) { s.edited() }
	s.fill = func(v map[string]string) {
		p.markGone.SetChecked(v[rsync.KeyMarkMissingGone] == "true")
		pairs, _ := rsync.GradePairs(v[rsync.KeyGradesMap])
		p.grades.set(pairs)
		if r, ok := v[keyLogRetention]; ok {
			p.retention.SetText(r)
			p.retainRow.Show()
		}
	}
	s.collect = func() (map[string]string, map[string]string) {
		out := map[string]string{rsync.KeyMarkMissingGone: fmt.Sprint(p.markGone.Checked)}
		var bad map[string]string
		js, err := rsync.GradesMapJSON(p.grades.pairs())
		if err != nil {
			bad = map[string]string{rsync.KeyGradesMap: err.Error()}
		} else {
			out[rsync.KeyGradesMap] = js
		}
		if p.retainRow.Visible() {
			out[keyLogRetention] = strings.TrimSpace(p.retention.Text)
		}
		return out, bad
	}
	return s
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
		admins []data.Admin
		values map[string]string
	}
	p.bar.loading()
	return run(p.l, func(ctx context.Context) (loaded, error) {
		var r loaded
		var err error
		if r.admins, err = p.eng.Admins(ctx); err != nil {
			return r, err
		}
		r.values, err = p.eng.AllSettings(ctx)
		return r, err
	}, func(r loaded, err error) {
		p.bar.loaded("the settings", err)
		if err != nil {
			return
		}
		p.setAdmins(r.admins)
		for _, s := range p.sections {
			s.load(r.values)
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

// saveSection validates and stores one section with the engine.
func (p *preferencesScreen) saveSection(s *prefSection) <-chan struct{} {
	vals, bad := s.collect()
	for k := range s.errs {
		s.setErr(k, "")
	}
	if len(bad) > 0 {
		s.showErrors(bad, vals)
		return nil
	}
	s.save.Disable()
	s.status.Importance = widget.MediumImportance
	s.status.SetText("Saving…")
	return run(p.l, func(ctx context.Context) (map[string]string, error) {
		return p.eng.SaveSettings(ctx, vals)
	}, func(saved map[string]string, err error) {
		var se *rsync.SettingsError
		if errors.As(err, &se) {
			s.showErrors(se.Fields, vals)
			s.save.Enable()
			return
		}
		if err != nil {
			s.status.Importance = widget.DangerImportance
			s.status.SetText("Not saved: " + err.Error())
			s.save.Enable()
			return
		}
		stored := maps.Clone(s.stored)
		maps.Copy(stored, saved)
		s.load(stored)
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
