package ui

import (
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"rosterdesk"
	rsync "rosterdesk/sync"
)

// Choice labels, as on the product page.
const (
	procUsers        = "Users only"
	procUsersCourses = "Users + Course Assignments"
	permUnits        = "Teachers edit Units and Lessons"
	permLessons      = "Teachers edit Lessons only"
	unsavedText      = "Unsaved changes"
)

var procValue = map[string]rosterdesk.Scope{procUsers: rosterdesk.ScopeUsers, procUsersCourses: rosterdesk.ScopeUsersCourses}

var permValue = map[string]rosterdesk.TeacherPermission{permUnits: rosterdesk.PermUnitsLessons, permLessons: rosterdesk.PermLessonsOnly}

func keyFor[V comparable](m map[string]V, v V) string {
	for k, x := range m {
		if x == v {
			return k
		}
	}
	return ""
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
	s.fill = func(v rosterdesk.Settings) { p.process.SetSelected(keyFor(procValue, v.Processes.Scope)) }
	s.apply = func(v *rosterdesk.Settings) map[string]string {
		v.Processes.Scope = procValue[p.process.Selected]
		return nil
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
	s.fill = func(v rosterdesk.Settings) {
		p.permission.SetSelected(keyFor(permValue, v.Processes.TeacherPermission))
	}
	s.apply = func(v *rosterdesk.Settings) map[string]string {
		v.Processes.TeacherPermission = permValue[p.permission.Selected]
		return nil
	}
	return s
}

func (p *preferencesScreen) automationSection() *prefSection {
	errs := map[string]*widget.Label{rsync.KeyMarkMissingGone: errLabel(), rsync.KeyGradesMap: errLabel(), rsync.KeyLogRetention: errLabel()}
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
		errs[rsync.KeyLogRetention])
	p.retainRow.Hide()
	s := p.section("Automation", "What a sync does automatically.", errs,
		p.markGone, markHelp, errs[rsync.KeyMarkMissingGone],
		fieldLabel("Grade level matrix"), gradeHelp, p.grades.content(), errs[rsync.KeyGradesMap], p.retainRow)
	p.markGone.OnChanged = func(bool) { s.edited() }
	p.grades.onChanged = s.edited
	p.retention.OnChanged = func(string) { s.edited() }
	s.fill = func(v rosterdesk.Settings) {
		p.markGone.SetChecked(v.Processes.MarkMissingInactive)
		p.grades.set(rsync.PairsOf(v.Processes.GradesMap))
		p.retention.SetText(strconv.Itoa(v.Logs.RetentionRuns))
		p.retainRow.Show()
	}
	s.apply = func(v *rosterdesk.Settings) map[string]string {
		bad := map[string]string{}
		v.Processes.MarkMissingInactive = p.markGone.Checked
		if m, err := rsync.GradesMap(p.grades.pairs()); err != nil {
			bad[rsync.KeyGradesMap] = err.Error()
		} else {
			v.Processes.GradesMap = m
		}
		if err := rsync.ReadSetting(v, rsync.KeyLogRetention, strings.TrimSpace(p.retention.Text)); err != nil {
			bad[rsync.KeyLogRetention] = err.Error()
		}
		return bad
	}
	return s
}
