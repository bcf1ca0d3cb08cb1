package ui

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"rosterdesk"
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

var procValue = map[string]string{procUsers: string(rosterdesk.ScopeUsers), procUsersCourses: string(rosterdesk.ScopeUsersCourses)}

var permValue = map[string]string{permUnits: rsync.PermUnitsLessons, permLessons: rsync.PermLessonsOnly}

func keyFor(m map[string]string, v string) string {
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
