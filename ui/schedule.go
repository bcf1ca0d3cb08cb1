package ui

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"rosterdesk"
	rsync "rosterdesk/sync"
)

// Scheduler is what the window needs of the automated sync's scheduler
// (*sync.Scheduler): saving the schedule reschedules it at once.
type Scheduler interface {
	Reschedule(ctx context.Context) error
	Next() (time.Time, bool)
}

// Labels of the scheduled runs' source.
const (
	srcProvider = "The REST provider"
	srcBundle   = "The bundle connected on the OneRoster screen"
	srcFolder   = "A watched folder"
)

var srcValue = map[string]rosterdesk.SourceKind{srcProvider: rosterdesk.SourceProvider, srcBundle: rosterdesk.SourceBundle, srcFolder: rosterdesk.SourceFolder}

// logLevels are the log file's levels, as setting log.level takes them.
var logLevels = []string{"debug", "info", "warn", "error"}

const pauseAdvice = "Pause dates do it for you: automated runs between them (UTC days, both included) are skipped and " +
	"recorded in History, the schedule resumes by itself the day after the end date, and the first run after the pause is " +
	"held for your review. Leave the end blank to pause until you resume (the tray menu's Resume clears both dates)."

// scheduleAutomation is the automation part of the Schedule section and
// what it is connected to in the app.
type scheduleAutomation struct {
	automated  *widget.Check
	source     *widget.RadioGroup
	folder     *widget.Entry
	pickFolder *widget.Button
	folderRow  *fyne.Container
	pauseFrom  *widget.Entry
	pauseUntil *widget.Entry
	pauseNote  *widget.Label
	missed     *widget.Entry
	logLevel   *widget.Select
	logNote    *widget.Label

	// sched, when set, is rescheduled when the section is saved and says
	// when the next run is; without it the timetable does.
	sched Scheduler
	// setLogLevel, when set, is told the log level as saved.
	setLogLevel func(level string)
	// afterSave, when set, is told once the saved schedule is in force.
	afterSave func()
}

// setLogFile says where the log file is, under the level.
func (p *preferencesScreen) setLogFile(path string) {
	p.auto.logNote.SetText("The log file is " + path + " (rotated at 10 MB, 5 old files kept). " +
		"Debug says the most; info records each run's start and finish with its counts; warn and error, only problems.")
}

func (p *preferencesScreen) scheduleSection() *prefSection {
	a := &p.auto
	keys := []string{rsync.KeySyncEnabled, rsync.KeySyncDays, rsync.KeySyncTime, rsync.KeyAutomatedImports, rsync.KeySyncSource,
		rsync.KeyWatchFolder, rsync.KeyPauseFrom, rsync.KeyPauseUntil, rsync.KeyMissedRunHours, rsync.KeyLogLevel}
	errs := map[string]*widget.Label{}
	for _, k := range keys {
		errs[k] = errLabel()
	}

	// When.
	p.enabled = widget.NewCheck("Sync enabled: run the automated sync on the days and at the time below", nil)
	p.days = widget.NewCheckGroup(dayLabels, nil)
	p.days.Horizontal = true
	p.at = widget.NewEntry()
	p.at.SetPlaceHolder("HH:MM")
	p.preview = widget.NewLabel("")
	p.preview.Wrapping = fyne.TextWrapWord
	p.next = widget.NewLabel("")
	p.next.Wrapping = fyne.TextWrapWord
	p.next.TextStyle.Bold = true
	timeRow := container.NewHBox(container.NewGridWrap(fyne.NewSize(90, p.at.MinSize().Height), p.at), widget.NewLabel("UTC"))
	when := container.NewVBox(p.enabled, errs[rsync.KeySyncEnabled],
		fieldLabel("Days of the week (UTC)"), p.days, errs[rsync.KeySyncDays],
		fieldLabel("Sync time (UTC, 24-hour)"), timeRow, errs[rsync.KeySyncTime], p.preview, p.next)

	// What scheduled runs read, missed runs, the log.
	a.automated = widget.NewCheck("Automated imports", nil)
	autoHelp := widget.NewLabel("Scheduled syncs import on their own. They also need OneRoster enabled (OneRoster screen) and the sync enabled above.")
	autoHelp.Wrapping = fyne.TextWrapWord
	a.source = widget.NewRadioGroup([]string{srcProvider, srcBundle, srcFolder}, nil)
	a.source.Required = true
	a.folder = widget.NewEntry()
	a.folder.SetPlaceHolder("the folder bundles are dropped in")
	a.pickFolder = widget.NewButtonWithIcon("Choose…", theme.FolderOpenIcon(), func() { p.chooseWatchFolder() })
	srcHelp := widget.NewLabel("The provider set up on the OneRoster screen; the bundle connected there (a file, or a folder of exports: the newest is read); or a folder where the SIS or an SFTP client drops OneRoster.zip or the CSV files.")
	srcHelp.Wrapping = fyne.TextWrapWord
	folderHelp := widget.NewLabel("The newest complete bundle there is used; one still being written is looked at again every 30 seconds for up to 30 minutes, then taken; a bundle is never processed twice.")
	folderHelp.Wrapping = fyne.TextWrapWord
	a.folderRow = container.NewVBox(container.NewBorder(nil, nil, nil, a.pickFolder, a.folder), errs[rsync.KeyWatchFolder], folderHelp)
	a.missed = widget.NewEntry()
	missedRow := container.NewHBox(widget.NewLabel("Run it at the next start if less than"),
		container.NewGridWrap(fyne.NewSize(70, a.missed.MinSize().Height), a.missed), widget.NewLabel("hours late"))
	missedHelp := widget.NewLabel("Later than that, it is recorded in History as missed.")
	missedHelp.Wrapping = fyne.TextWrapWord
	a.logLevel = widget.NewSelect(logLevels, nil)
	a.logNote = widget.NewLabel("")
	a.logNote.Wrapping = fyne.TextWrapWord
	what := container.NewVBox(a.automated, autoHelp, errs[rsync.KeyAutomatedImports],
		fieldLabel("Scheduled syncs read"), a.source, srcHelp, errs[rsync.KeySyncSource], a.folderRow,
		fieldLabel("A run missed while RosterDesk was closed"), missedRow, errs[rsync.KeyMissedRunHours], missedHelp)

	// Pause.
	a.pauseFrom, a.pauseUntil = widget.NewEntry(), widget.NewEntry()
	a.pauseFrom.SetPlaceHolder("YYYY-MM-DD")
	a.pauseUntil.SetPlaceHolder("YYYY-MM-DD")
	dateBox := func(e *widget.Entry) fyne.CanvasObject {
		return container.NewGridWrap(fyne.NewSize(130, e.MinSize().Height), e)
	}
	a.pauseNote = widget.NewLabel("")
	a.pauseNote.Wrapping = fyne.TextWrapWord
	advice := widget.NewLabel(summerAdvice)
	advice.Wrapping = fyne.TextWrapWord
	advice.Importance = widget.WarningImportance
	how := widget.NewLabel(pauseAdvice)
	how.Wrapping = fyne.TextWrapWord
	pause := container.NewVBox(fieldLabel("Pause automated syncs (summer break)"),
		container.NewHBox(widget.NewLabel("From"), dateBox(a.pauseFrom), widget.NewLabel("until"), dateBox(a.pauseUntil)),
		errs[rsync.KeyPauseFrom], errs[rsync.KeyPauseUntil], a.pauseNote, widget.NewCard("", "", container.NewVBox(advice, how)),
		fieldLabel("Log level"), container.NewHBox(container.NewGridWrap(fyne.NewSize(120, a.logLevel.MinSize().Height), a.logLevel)),
		errs[rsync.KeyLogLevel], a.logNote)

	s := p.section("Schedule", "When the automated sync runs, what it reads, and when it pauses. Days, times and dates are in UTC; "+
		"days and time are required while the sync is enabled. Saving puts the schedule in force at once.", errs,
		when, widget.NewSeparator(), container.NewGridWithColumns(2, what, pause))
	s.onSaved = func(saved rosterdesk.Settings) {
		if a.setLogLevel != nil {
			a.setLogLevel(saved.Logs.Level)
		}
		p.showNextRun(true)
	}
	edited := func() { s.edited() }
	p.enabled.OnChanged = func(bool) { edited() }
	p.days.OnChanged = func([]string) { p.updatePreview(); edited() }
	p.at.OnChanged = func(string) { p.updatePreview(); edited() }
	a.automated.OnChanged = func(bool) { edited() }
	a.source.OnChanged = func(string) { p.showFolderRow(); edited() }
	for _, e := range []*widget.Entry{a.folder, a.pauseFrom, a.pauseUntil, a.missed} {
		e.OnChanged = func(string) { edited() }
	}
	a.logLevel.OnChanged = func(string) { edited() }
	s.fill = func(v rosterdesk.Settings) {
		sc := v.Schedule
		p.enabled.SetChecked(sc.Enabled)
		var sel []string
		for _, d := range sc.Days.Names() {
			sel = append(sel, strings.ToUpper(d[:1])+d[1:])
		}
		p.days.SetSelected(sel)
		p.at.SetText(sc.Time.String())
		p.updatePreview()
		a.automated.SetChecked(sc.AutomatedImports)
		a.source.SetSelected(keyFor(srcValue, sc.Source))
		p.showFolderRow()
		a.folder.SetText(sc.WatchFolder)
		a.pauseFrom.SetText(sc.PauseFrom.String())
		a.pauseUntil.SetText(sc.PauseUntil.String())
		a.missed.SetText(strconv.Itoa(sc.MissedRunHours))
		a.logLevel.SetSelected(v.Logs.Level)
		p.showPause(rsync.Pause{From: sc.PauseFrom.String(), Until: sc.PauseUntil.String()})
	}
	s.apply = func(v *rosterdesk.Settings) map[string]string {
		bad := map[string]string{}
		sc := &v.Schedule
		sc.Enabled, sc.AutomatedImports = p.enabled.Checked, a.automated.Checked
		sc.Days, _ = rosterdesk.ParseWeekdays(p.dayList())
		sc.Source, sc.WatchFolder = srcValue[a.source.Selected], strings.TrimSpace(a.folder.Text)
		v.Logs.Level = a.logLevel.Selected
		for key, e := range map[string]*widget.Entry{rsync.KeySyncTime: p.at, rsync.KeyPauseFrom: a.pauseFrom,
			rsync.KeyPauseUntil: a.pauseUntil, rsync.KeyMissedRunHours: a.missed} {
			if err := rsync.ReadSetting(v, key, strings.TrimSpace(e.Text)); err != nil {
				bad[key] = err.Error()
			}
		}
		return bad
	}
	p.setLogFile("in the folder About shows")
	return s
}

// showFolderRow shows the watched folder only when scheduled runs read one.
func (p *preferencesScreen) showFolderRow() {
	if p.auto.source.Selected != srcFolder {
		p.auto.folderRow.Hide()
	} else {
		p.auto.folderRow.Show()
	}
}

// showPause says whether the stored pause holds today.
func (p *preferencesScreen) showPause(ps rsync.Pause) {
	n := p.auto.pauseNote
	switch {
	case !ps.Set():
		n.Importance = widget.MediumImportance
		n.SetText("No pause is set.")
	case ps.On(p.now()):
		n.Importance = widget.WarningImportance
		n.SetText("Paused now: " + pauseSpan(ps) + ".")
	default:
		n.Importance = widget.MediumImportance
		n.SetText("Not paused today; saved pause: " + pauseSpan(ps) + ".")
	}
}

// pauseSpan words a pause: "automated syncs from 2027-06-10 until 2027-08-20 are skipped".
func pauseSpan(ps rsync.Pause) string {
	switch {
	case ps.From != "" && ps.Until != "":
		return "automated syncs from " + ps.From + " until " + ps.Until + " are skipped"
	case ps.From != "":
		return "automated syncs from " + ps.From + " on are skipped, until you resume"
	}
	return "automated syncs until " + ps.Until + " are skipped"
}

// chooseWatchFolder picks the watched folder.
func (p *preferencesScreen) chooseWatchFolder() {
	p.l.pick(p.win(), pickRequest{kind: pickFolder, title: "Choose the watched folder",
		dir: p.l.startDir(strings.TrimSpace(p.auto.folder.Text))}, func(dir string) { p.auto.folder.SetText(dir) })
}

// nextRun is when the automated sync runs next, as the scheduler or the timetable says.
type nextRun struct {
	tt    rsync.Timetable
	pause rsync.Pause
	at    time.Time
	ok    bool
	err   error // of rescheduling
}

// showNextRun says when the saved schedule runs next, or why it does not.
// With reschedule, the scheduler first takes the saved settings.
func (p *preferencesScreen) showNextRun(reschedule bool) <-chan struct{} {
	sched := p.auto.sched
	return run(p.l, func(ctx context.Context) (nextRun, error) {
		var r nextRun
		if sched != nil && reschedule {
			r.err = sched.Reschedule(ctx)
		}
		r.tt = p.eng.Timetable(ctx)
		r.pause, _ = p.eng.Pause(ctx)
		if sched != nil {
			r.at, r.ok = sched.Next()
		} else {
			r.at, r.ok = r.tt.Next(p.now())
		}
		return r, nil
	}, func(r nextRun, _ error) {
		p.next.SetText(nextRunText(r, p.loc))
		if r.err != nil {
			p.next.Importance = widget.DangerImportance
		} else {
			p.next.Importance = widget.MediumImportance
		}
		p.next.Refresh()
		p.showPause(r.pause)
		if reschedule && p.auto.afterSave != nil {
			p.auto.afterSave()
		}
	})
}

// nextRunText words the next run in UTC and local time.
func nextRunText(r nextRun, loc *time.Location) string {
	if r.err != nil {
		return "The schedule could not be put in force: " + r.err.Error()
	}
	if !r.ok {
		if r.tt.Off != "" {
			return "As saved, automated syncs do not run: " + r.tt.Off + "."
		}
		return "As saved, no automated sync is scheduled."
	}
	local := r.at.In(loc)
	zone, _ := local.Zone()
	text := fmt.Sprintf("Next automated sync: %s UTC (%s local time, %s).",
		r.at.UTC().Format("Mon 2006-01-02 15:04"), local.Format("Mon 2006-01-02 15:04"), zone)
	if r.pause.On(r.at) {
		text += " It falls in the pause (" + pauseSpan(r.pause) + "): it will be skipped and recorded."
	}
	return text
}

// reloadSchedule shows the stored schedule again after it was changed
// elsewhere (the tray's Pause), unless it has unsaved edits.
func (p *preferencesScreen) reloadSchedule() <-chan struct{} {
	s := p.sSchedule
	if s.dirty() {
		return nil
	}
	return run(p.l, func(ctx context.Context) (rosterdesk.Settings, error) {
		return p.eng.Settings(ctx)
	}, func(v rosterdesk.Settings, err error) {
		if err != nil || s.dirty() {
			return
		}
		s.load(v)
		p.showNextRun(false)
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
	days, _ := rosterdesk.ParseWeekdays(p.dayList())
	at, err := rosterdesk.ParseTimeOfDay(t)
	switch {
	case t == "":
		p.preview.SetText("Local time: enter a time as HH:MM (UTC).")
	case err != nil:
		p.preview.SetText("Local time: " + err.Error())
	case len(days) == 0:
		now := p.now()
		local := time.Date(now.Year(), now.Month(), now.Day(), at.Hour, at.Minute, 0, 0, time.UTC).In(p.loc)
		p.preview.SetText(fmt.Sprintf("%s UTC is %s local time. Choose the days.", at, local.Format("15:04")))
	default:
		p.preview.SetText("Local time: " + rsync.SchedulePreview(days.Names(), at.String(), p.loc, p.now()))
	}
}
