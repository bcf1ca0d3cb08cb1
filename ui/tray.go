package ui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"rosterdesk"
	rsync "rosterdesk/sync"
)

// Tray menu labels.
const (
	trayOpen    = "Open RosterDesk"
	traySyncNow = "Sync now"
	traySyncing = "Syncing…"
	trayPause   = "Pause automated syncs"
	trayResume  = "Resume automated syncs"
	trayQuit    = "Quit"
)

// DesktopOptions connect the window to what runs beside it in the app.
type DesktopOptions struct {
	// Scheduler is the automated sync's scheduler (nil: none). Saving the
	// schedule reschedules it; the window hides to the tray while it has a run ahead.
	Scheduler Scheduler
	// LogFile is the app's log file, shown under the log level.
	LogFile string
	// SetLogLevel is told the log level saved in Preferences.
	SetLogLevel func(level string)
}

// Desktop is RosterDesk's main window with what keeps it going in the
// background: the system tray menu (Open, Sync now, Pause or Resume, Quit),
// hiding to the tray when the window is closed while an automated sync is
// scheduled, and a notification when an automated run ends. Its decisions
// are plain functions (trayMenu, runNotification, quitMessage) because the
// test driver has no tray.
type Desktop struct {
	app   fyne.App
	win   fyne.Window
	m     *mainUI
	eng   *rsync.Engine
	sched Scheduler
	tray  desktop.App // nil where the driver has no tray
	// trayShown tells whether the desktop displays the tray icon (Linux
	// needs a StatusNotifier host); without it the window is never hidden.
	trayShown func() bool
	now       func() time.Time
	loc       *time.Location
	// notify sends a desktop notification (the app's, replaced in tests).
	notify func(*fyne.Notification)
	// exit closes the window and quits (replaced in tests).
	exit func()

	menu     *fyne.Menu
	state    trayState
	syncing  bool // a Sync now from the tray is running
	hidden   bool // hidden to the tray
	toldTray bool // the "still running in the tray" notification was sent
	quitAsk  dialog.Dialog
}

// NewDesktop builds the main window on a, with the tray where the driver has one.
func NewDesktop(a fyne.App, eng *rsync.Engine, opt DesktopOptions) *Desktop {
	w, m := newMainWindow(a, eng)
	w.SetMaster() // closing it quits, although the tray keeps a window of its own
	tray, _ := a.(desktop.App)
	return newDesktop(a, w, m, eng, opt, tray)
}

func newDesktop(a fyne.App, w fyne.Window, m *mainUI, eng *rsync.Engine, opt DesktopOptions, tray desktop.App) *Desktop {
	d := &Desktop{app: a, win: w, m: m, eng: eng, sched: opt.Scheduler, tray: tray, trayShown: trayHostPresent,
		now: time.Now, loc: time.Local, notify: a.SendNotification}
	d.exit = func() {
		w.Close() // saves the window's size and screen, abandons engine calls
		quitApp(a)
	}
	p := m.preferences
	p.auto.sched = opt.Scheduler
	p.auto.setLogLevel = opt.SetLogLevel
	p.auto.afterSave = func() { d.refreshTray() }
	if opt.LogFile != "" {
		p.setLogFile(opt.LogFile)
	}
	m.oneRoster.onSettings = func() { d.reschedule() }
	if tray != nil {
		// Fyne's SetSystemTrayWindow makes the window's close button hide it
		// (SetCloseIntercept(w.Hide)), so our decision is set after it.
		tray.SetSystemTrayWindow(w)
	}
	w.SetCloseIntercept(d.closeRequested)
	m.installKeys(w, d.quit) // File › Quit (⌘Q) quits as the tray's Quit does
	d.setMenu()
	d.refreshTray()
	return d
}

// quitApp quits a. Fyne 2.8.1's Quit panics after it has stopped the driver
// when its settings file watcher could not start (no inotify instance left,
// "too many open files"): the app has quit by then, so RosterDesk goes on to
// wait for its engine calls and close the roster instead of crashing.
func quitApp(a fyne.App) {
	defer func() { recover() }()
	a.Quit()
}

// Window is the main window.
func (d *Desktop) Window() fyne.Window { return d.win }

// ShowAndRun shows the window and runs the app until it quits.
func (d *Desktop) ShowAndRun() { d.win.ShowAndRun() }

// trayState is what the tray menu shows.
type trayState struct {
	pause     rsync.Pause
	paused    bool // automated runs today are skipped
	next      time.Time
	scheduled bool // an automated run is ahead
	syncing   bool
}

// trayActions are what the tray menu's items do.
type trayActions struct {
	open, syncNow, pause, resume, quit func()
}

// trayMenu is the tray's menu for st: Open, Sync now, Pause or Resume, a
// line saying when the next automated sync runs, and Quit.
func trayMenu(st trayState, act trayActions, loc *time.Location) *fyne.Menu {
	syncItem := fyne.NewMenuItem(traySyncNow, act.syncNow)
	if st.syncing {
		syncItem.Label, syncItem.Disabled = traySyncing, true
	}
	pause := fyne.NewMenuItem(trayPause, act.pause)
	if st.paused {
		pause = fyne.NewMenuItem(trayResume, act.resume)
	}
	info := fyne.NewMenuItem(trayStatus(st, loc), nil)
	info.Disabled = true
	return fyne.NewMenu("RosterDesk",
		fyne.NewMenuItem(trayOpen, act.open),
		syncItem,
		pause,
		fyne.NewMenuItemSeparator(),
		info,
		fyne.NewMenuItemSeparator(),
		fyne.NewMenuItem(trayQuit, act.quit),
	)
}

// trayStatus is the tray menu's line about the automated sync.
func trayStatus(st trayState, loc *time.Location) string {
	switch {
	case st.paused && st.pause.Until != "":
		return "Automated syncs paused until " + st.pause.Until
	case st.paused:
		return "Automated syncs paused until you resume"
	case !st.scheduled:
		return "No automated sync scheduled"
	}
	return "Next automated sync: " + whenText(st.next, loc)
}

// whenText is a time in UTC and local time: "Mon 2026-11-23 06:00 UTC (00:00 local time)".
func whenText(t time.Time, loc *time.Location) string {
	local := t.In(loc)
	day := ""
	if local.YearDay() != t.UTC().YearDay() {
		day = local.Format("Mon ")
	}
	return fmt.Sprintf("%s UTC (%s%s local time)", t.UTC().Format("Mon 2006-01-02 15:04"), day, local.Format("15:04"))
}

// setMenu puts the menu for the current state in the tray.
func (d *Desktop) setMenu() {
	d.state.syncing = d.syncing
	d.menu = trayMenu(d.state, trayActions{open: d.open, syncNow: func() { d.syncNow() },
		pause: func() { d.setPaused(true) }, resume: func() { d.setPaused(false) }, quit: d.quit}, d.loc)
	if d.tray != nil {
		d.tray.SetSystemTrayMenu(d.menu)
	}
}

// refreshTray reads the pause and the next run, then updates the menu.
func (d *Desktop) refreshTray() <-chan struct{} {
	return run(d.m.load, func(ctx context.Context) (trayState, error) {
		var st trayState
		var err error
		st.pause, err = d.eng.Pause(ctx)
		st.paused = st.pause.On(d.now())
		if d.sched != nil {
			st.next, st.scheduled = d.sched.Next()
		}
		return st, err
	}, func(st trayState, err error) {
		if err != nil {
			return
		}
		d.state = st
		d.setMenu()
	})
}

// reschedule puts the settings in force (after OneRoster was turned on or
// off, say), then updates the menu and the Preferences' next run.
func (d *Desktop) reschedule() <-chan struct{} {
	if d.sched == nil {
		return d.refreshTray()
	}
	return run(d.m.load, func(ctx context.Context) (struct{}, error) {
		return struct{}{}, d.sched.Reschedule(ctx)
	}, func(struct{}, error) {
		d.refreshTray()
		d.m.preferences.showNextRun(false)
	})
}

// Watch reschedules when the automated sync's settings were changed
// elsewhere (the command line), and keeps the menu current (a pause that
// starts today), looking every interval until ctx ends. Call it on its own goroutine.
func (d *Desktop) Watch(ctx context.Context, every time.Duration) {
	tick := time.NewTicker(every)
	defer tick.Stop()
	last := fmt.Sprint(d.eng.Timetable(ctx))
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		changed := false
		if now := fmt.Sprint(d.eng.Timetable(ctx)); now != last && d.sched != nil {
			last, changed = now, true
			d.sched.Reschedule(ctx)
		}
		d.m.load.ui(func() {
			d.refreshTray()
			if changed {
				d.m.preferences.showNextRun(false)
			}
		})
	}
}

// BringForward shows the window (hidden to the tray, or behind others) and
// focuses it: a second launch on the same roster asked. Call it on the UI goroutine.
func (d *Desktop) BringForward() { d.open() }

// Notice is a small window's content: text and an OK button that calls ok.
func Notice(text string, ok func()) fyne.CanvasObject {
	l := widget.NewLabel(text)
	l.Wrapping = fyne.TextWrapWord
	b := widget.NewButton("OK", ok)
	b.Importance = widget.HighImportance
	return container.NewBorder(nil, container.NewHBox(layout.NewSpacer(), b), nil, nil, l)
}

// open shows the window.
func (d *Desktop) open() {
	d.hidden = false
	d.win.Show()
	d.win.RequestFocus()
}

// closeRequested hides the window to the tray while an automated sync is
// scheduled and the tray icon is shown to bring it back; with a run
// scheduled but no tray icon it asks first (Quit says what is given up);
// otherwise RosterDesk quits.
func (d *Desktop) closeRequested() {
	next, ok := d.nextRun()
	if !ok {
		d.exit()
		return
	}
	if d.tray == nil || !d.trayShown() {
		d.askQuit(next)
		return
	}
	d.win.Hide()
	d.hidden = true
	if !d.toldTray {
		d.toldTray = true
		d.notify(&fyne.Notification{Title: "RosterDesk is still running",
			Content: "It stays in the system tray for the automated sync of " + whenText(next, d.loc) + ". Quit from the tray icon's menu."})
	}
}

func (d *Desktop) nextRun() (time.Time, bool) {
	if d.sched == nil {
		return time.Time{}, false
	}
	return d.sched.Next()
}

// quitMessage tells what quitting gives up: the next automated run.
func quitMessage(next time.Time, loc *time.Location) string {
	return "The next automated sync would have run " + whenText(next, loc) + ".\n\n" +
		"While RosterDesk is closed no automated sync runs. At the next start, a run missed by less than the hours set in " +
		"Preferences › Schedule runs then; an older one is recorded as missed. To sync on schedule without the window, " +
		"run `rosterdesk serve` on a computer that stays on."
}

// quit is the tray's (and the app menu's) Quit: it always quits. A run in
// progress is cancelled first, and RosterDesk waits until it is rolled back
// and recorded (see WaitEngine) before the roster is closed.
func (d *Desktop) quit() {
	if d.quitAsk != nil {
		d.quitAsk.Hide()
		d.quitAsk = nil
	}
	d.exit()
}

// askQuit asks before closing the window quits while an automated run is
// scheduled and no tray icon could bring the window back; it says what is
// given up.
func (d *Desktop) askQuit(next time.Time) {
	d.open()
	if d.quitAsk != nil {
		return // already asking
	}
	text := widget.NewLabel(quitMessage(next, d.loc))
	text.Wrapping = fyne.TextWrapWord
	dlg := dialog.NewCustomConfirm("Quit RosterDesk?", "Quit", "Keep running", text, func(ok bool) {
		d.quitAsk = nil
		if ok {
			d.exit()
		}
	}, d.win)
	dlg.Resize(fyne.NewSize(540, 280))
	dlg.Show()
	d.quitAsk = dlg
}

// WaitEngine waits, at most for limit, until the engine calls the window
// started have returned (a cancelled sync rolls back and records itself).
// Call it after the app quit, before closing the engine.
func (d *Desktop) WaitEngine(limit time.Duration) bool {
	return d.m.load.wait(limit)
}

// setPaused pauses automated syncs from today, or resumes them, and says so.
func (d *Desktop) setPaused(on bool) <-chan struct{} {
	return run(d.m.load, func(ctx context.Context) (rsync.Pause, error) {
		if on {
			return d.eng.PauseFrom(ctx, d.now())
		}
		return rsync.Pause{}, d.eng.Resume(ctx)
	}, func(p rsync.Pause, err error) {
		if err != nil {
			d.notify(&fyne.Notification{Title: "RosterDesk", Content: errorText("Pausing automated syncs", err)})
			return
		}
		d.notify(pauseNotification(on, p))
		d.refreshTray()
		d.m.preferences.reloadSchedule()
	})
}

// pauseNotification confirms a pause or resume from the tray.
func pauseNotification(on bool, p rsync.Pause) *fyne.Notification {
	if !on {
		return &fyne.Notification{Title: "RosterDesk: automated syncs resumed",
			Content: "Scheduled syncs run again. The first one is held for your review."}
	}
	return &fyne.Notification{Title: "RosterDesk: automated syncs paused",
		Content: strings.ToUpper(pauseSpan(p)[:1]) + pauseSpan(p)[1:] + " and recorded in History."}
}

// syncNow runs a sync of the connection from the tray (the window may be
// hidden) and notifies its result. Like the OneRoster screen's Sync now, it
// needs the initial user synchronization; the engine refuses it while
// another run is in progress.
func (d *Desktop) syncNow() <-chan struct{} {
	if d.syncing {
		return nil
	}
	d.syncing = true
	d.setMenu()
	type outcome struct {
		res *rsync.Result
		err error
		why string
	}
	return run(d.m.load, func(ctx context.Context) (outcome, error) {
		var o outcome
		st, err := d.eng.SyncState(ctx)
		if err != nil {
			return outcome{err: err}, nil
		}
		if err := st.SyncNowReady(); err != nil {
			o.why = err.Error()
			return o, nil
		}
		// What it reads is the engine's rule (the connected bundle, its newest
		// export, the watched folder or the provider), as for the window and the CLI.
		o.res, o.err = d.eng.SyncNow(ctx, rsync.Options{Trigger: rosterdesk.TriggerManual})
		if errors.Is(o.err, rsync.ErrNoSource) {
			o.why, o.res, o.err = noSourceText, nil, nil
		}
		return o, nil
	}, func(o outcome, _ error) {
		d.syncing = false
		d.setMenu()
		if o.why != "" {
			d.notify(&fyne.Notification{Title: "RosterDesk: Sync now", Content: o.why})
			return
		}
		if n := runNotification(o.res, o.err, false); n != nil {
			d.notify(n)
		}
		d.refreshScreen()
	})
}

// AutomatedRunFinished is the scheduler's OnRun: a notification with the
// run's outcome and counts, the screen shown reloaded, the menu updated.
// It may be called on any goroutine.
func (d *Desktop) AutomatedRunFinished(res *rsync.Result, err error) {
	n := runNotification(res, err, true)
	d.m.load.ui(func() {
		if n != nil {
			d.notify(n)
		}
		d.refreshScreen()
		d.refreshTray()
	})
}

// refreshScreen reloads the screen shown, unless it is Preferences (which
// would drop unsaved edits).
func (d *Desktop) refreshScreen() {
	if s := d.m.screens[d.m.current]; s != nil && s != screen(d.m.preferences) {
		s.refresh()
	}
}

// runNotification words the outcome of a run for a desktop notification:
// applied with its counts, held with why, or failed with the cause. Runs that
// did not run (skipped, missed) and cancelled ones notify nothing.
func runNotification(res *rsync.Result, err error, automated bool) *fyne.Notification {
	what := "Sync now"
	if automated {
		what = "Automated sync"
	}
	var held *rsync.HeldError
	switch {
	case res == nil && err == nil, cancelled(err):
		return nil
	case res != nil && (res.Status == rosterdesk.StatusSkipped || res.Status == rosterdesk.StatusMissed || res.Status == rosterdesk.StatusCancelled):
		return nil
	case errors.As(err, &held) || (res != nil && res.Status == rosterdesk.StatusHeld):
		var reasons []string
		if held != nil {
			for _, t := range held.Tripped {
				reasons = append(reasons, t.Reason)
			}
		}
		if len(reasons) == 0 && res != nil {
			for _, t := range res.Tripped {
				reasons = append(reasons, t.Reason)
			}
		}
		text := "Nothing was applied"
		if len(reasons) > 0 {
			text += ": " + strings.Join(reasons, "; ")
		}
		text += ". Review it in History, then approve or discard it."
		if res != nil {
			text = fmt.Sprintf("Run %d, %s. %s It would change: %s.", res.ID, scopeLabel(res.Scope), text, shortCounts(res.Counts))
		}
		return &fyne.Notification{Title: "RosterDesk: " + strings.ToLower(what[:1]) + what[1:] + " held for review", Content: text}
	case err != nil || res.Status != rosterdesk.StatusApplied:
		cause := ""
		if err != nil {
			cause = errorText(what, err)
		} else {
			cause = res.Message
		}
		text := firstLine(cause)
		if res != nil && res.ID != 0 {
			text = fmt.Sprintf("Run %d, %s: %s See History.", res.ID, scopeLabel(res.Scope), strings.TrimSuffix(text, ".")+".")
		}
		return &fyne.Notification{Title: "RosterDesk: " + strings.ToLower(what[:1]) + what[1:] + " failed", Content: text}
	}
	return &fyne.Notification{Title: "RosterDesk: " + strings.ToLower(what[:1]) + what[1:] + " done",
		Content: fmt.Sprintf("Run %d, %s: %s. %s, %s.", res.ID, scopeLabel(res.Scope), shortCounts(res.Counts),
			plural(res.Errors, "error", "errors"), plural(res.Warnings, "warning", "warnings"))}
}

// shortCounts is a run's numbers on one line, leaving out what it did not touch.
func shortCounts(c rosterdesk.Counts) string {
	var parts []string
	if b := c.Buildings; b != (rosterdesk.BuildingCounts{}) {
		parts = append(parts, fmt.Sprintf("buildings %s added, %s updated, %s deactivated", num(b.Added), num(b.Updated), num(b.Deactivated)))
	}
	if u := c.Users; u.Added+u.Updated+u.Deactivated+u.Reactivated > 0 {
		s := fmt.Sprintf("users %s added, %s updated, %s deactivated", num(u.Added), num(u.Updated), num(u.Deactivated))
		if u.Reactivated > 0 {
			s += ", " + num(u.Reactivated) + " reactivated"
		}
		parts = append(parts, s)
	}
	for _, x := range []struct {
		name string
		c    rosterdesk.CourseCounts
	}{{"courses", c.Courses}, {"classes", c.Classes}, {"course assignments", c.Assignments}} {
		if x.c.Added+x.c.Updated+x.c.Removed > 0 {
			parts = append(parts, fmt.Sprintf("%s %s added, %s updated, %s removed", x.name, num(x.c.Added), num(x.c.Updated), num(x.c.Removed)))
		}
	}
	if len(parts) == 0 {
		return "no changes"
	}
	return strings.Join(parts, "; ")
}
