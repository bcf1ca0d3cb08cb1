package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"github.com/rs/zerolog"

	"rosterdesk/assets"
	"rosterdesk/internal/appinfo"
	"rosterdesk/internal/instance"
	rsync "rosterdesk/sync"
	"rosterdesk/ui"
)

// appLogName is the app's log file in appinfo.LogDir(); `rosterdesk serve`
// writes rosterdesk.log beside it (two processes must not rotate one file).
const appLogName = "rosterdesk-app.log"

// runGUI opens the roster at dbPath and shows the main window until RosterDesk
// quits. The automated sync's scheduler runs beside the window, logging to a
// rotating file at the level of setting log.level; while a run is scheduled,
// closing the window keeps RosterDesk in the system tray.
func runGUI(dbPath string, log zerolog.Logger) (err error) {
	// One app per roster: a second launch brings the first one's window forward.
	var desk atomic.Pointer[ui.Desktop]
	claim, err := instance.Claim(dbPath, func() {
		if d := desk.Load(); d != nil {
			fyne.Do(d.BringForward)
		}
	})
	var other *instance.Other
	if errors.As(err, &other) {
		return alreadyOpen(other, log)
	}
	if err != nil {
		log.Warn().Err(err).Msg("could not mark the roster as open in this app; a second launch will not find it")
	}
	defer claim.Release()

	eng, err := rsync.Open(dbPath, log)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, eng.Close()) }()

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	logPath := filepath.Join(appinfo.LogDir(), appLogName)
	level := &levelHook{}
	set, readErr := eng.Settings(ctx)
	level.set(set.Logs.Level) // "" when it could not be read: info
	var also io.Writer
	if _, err := os.Stderr.Stat(); err == nil { // none for a Windows GUI program
		also = os.Stderr
	}
	// serve's rotating file; the level is checked per line, so Preferences can change it while runs log.
	eng.Log = fileLogger(logPath, zerolog.DebugLevel, also).Hook(level)
	if readErr != nil {
		eng.Log.Warn().Err(readErr).Msg("could not read the log level setting; logging at info")
	}
	eng.Holder = "RosterDesk app"

	sched, err := eng.NewScheduler(nil)
	if err != nil {
		return err
	}
	a := newApp()
	d := ui.NewDesktop(a, eng, ui.DesktopOptions{Scheduler: sched, LogFile: logPath, SetLogLevel: level.set})
	d.Window().SetIcon(assets.Icon)
	desk.Store(d)
	sched.OnRun = d.AutomatedRunFinished
	if err := sched.Start(ctx); err != nil {
		eng.Log.Error().Err(err).Msg("the automated sync could not be scheduled")
	}
	go d.Watch(ctx, time.Minute)
	eng.Log.Info().Str("db", dbPath).Str("log", logPath).Msg("window open")
	d.ShowAndRun()

	// Quit: a run in progress is cancelled (and rolled back, and recorded)
	// before the scheduler stops and the roster is closed.
	next, scheduled := sched.Next()
	cancel()
	if !d.WaitEngine(time.Minute) {
		eng.Log.Warn().Msg("quit while an engine call was still running")
	}
	if err := sched.Stop(); err != nil {
		eng.Log.Warn().Err(err).Msg("stopping the scheduler")
	}
	if scheduled {
		eng.Log.Info().Time("next", next).Msg("quit; the next automated sync would have been then")
	} else {
		eng.Log.Info().Msg("quit")
	}
	return nil
}

// alreadyOpen is a second launch on a roster RosterDesk already has open.
// The first one's window came forward: nothing more to do. Where it could
// not be reached, a small window says so, with its process id.
func alreadyOpen(other *instance.Other, log zerolog.Logger) error {
	if other.Shown {
		log.Info().Int("pid", other.PID).Msg("RosterDesk is already open on this roster; its window was brought forward")
		return nil
	}
	msg := fmt.Sprintf("RosterDesk is already open on this roster (process %d), and did not answer. "+
		"Switch to its window, or quit it (Task Manager or Activity Monitor can end process %d) and open RosterDesk again.",
		other.PID, other.PID)
	log.Warn().Int("pid", other.PID).Msg(msg)
	a := newApp()
	w := a.NewWindow(ui.Title)
	w.SetContent(ui.Notice(msg, a.Quit))
	w.Resize(fyne.NewSize(480, 160))
	w.ShowAndRun()
	return nil
}

// levelHook drops lines below a level that may change while runs log.
type levelHook struct{ level atomic.Int32 }

// set takes a log.level value (debug, info, warn, error); anything else means info.
func (h *levelHook) set(v string) {
	lv, err := zerolog.ParseLevel(v)
	if err != nil || v == "" || lv == zerolog.NoLevel {
		lv = zerolog.InfoLevel
	}
	h.level.Store(int32(lv))
}

func (h *levelHook) Run(e *zerolog.Event, lv zerolog.Level, _ string) {
	if lv < zerolog.Level(h.level.Load()) {
		e.Discard()
	}
}
