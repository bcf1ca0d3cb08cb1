package ui

import (
	"context"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"github.com/jonboulle/clockwork"

	rsync "rosterdesk/sync"
)

// countingScheduler is the engine's real scheduler on a fake clock,
// counting the reschedules the window asks for.
type countingScheduler struct {
	*rsync.Scheduler
	calls atomic.Int32
}

func (c *countingScheduler) Reschedule(ctx context.Context) error {
	c.calls.Add(1)
	return c.Scheduler.Reschedule(ctx)
}

// startScheduler starts eng's scheduler on a fake clock at now.
func startScheduler(t *testing.T, eng *rsync.Engine, now time.Time) *countingScheduler {
	t.Helper()
	s, err := eng.NewScheduler(clockwork.NewFakeClockAt(now))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Stop() })
	return &countingScheduler{Scheduler: s}
}

// Saving the schedule with its automation validates every field with the
// engine, reschedules at once and shows the scheduler's next run in UTC and local time.
func TestScheduleSavesAndReschedules(t *testing.T) {
	eng := adminEngine(t)
	ctx := context.Background()
	if _, err := eng.SetSetting(ctx, rsync.KeyOneRosterOn, "true"); err != nil {
		t.Fatal(err)
	}
	chicago, err := time.LoadLocation("America/Chicago")
	if err != nil {
		t.Skip("no time zone database")
	}
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC) // a Monday
	sched := startScheduler(t, eng, now)
	m, p := openPreferences(t, eng)
	p.loc, p.now = chicago, func() time.Time { return now }
	p.auto.sched = sched
	var level string
	p.auto.setLogLevel = func(l string) { level = l }
	s := p.sSchedule
	p.tabs.Select(s.item)
	wait(t, p.showNextRun(false))
	if !strings.Contains(p.next.Text, "do not run: sync is not enabled") {
		t.Fatalf("before: %q", p.next.Text)
	}
	// The defaults: automated imports on, a watched folder, 12 hours, info.
	if !p.auto.automated.Checked || p.auto.source.Selected != srcFolder || p.auto.missed.Text != "12" || p.auto.logLevel.Selected != "info" {
		t.Fatalf("defaults %v %q %q %q", p.auto.automated.Checked, p.auto.source.Selected, p.auto.missed.Text, p.auto.logLevel.Selected)
	}

	// Refused by the engine, each message beside its field; nothing stored or rescheduled.
	test.Tap(p.enabled)
	p.days.SetSelected([]string{"Tue", "Thu"})
	p.at.SetText("06:30")
	test.Type(p.auto.folder, filepath.Join(t.TempDir(), "nowhere"))
	p.auto.pauseFrom.SetText("2027-13-01")
	p.auto.missed.SetText("-3")
	wait(t, p.saveSection(s))
	for key, want := range map[string]string{rsync.KeyWatchFolder: "is not a folder", rsync.KeyPauseFrom: "is not a date (YYYY-MM-DD)",
		rsync.KeyMissedRunHours: "not a whole number of hours"} {
		if l := s.errs[key]; !l.Visible() || !strings.Contains(l.Text, want) {
			t.Errorf("%s: %q (visible %v), want %q", key, l.Text, l.Visible(), want)
		}
	}
	if setting(t, eng, rsync.KeySyncEnabled) != "false" || sched.calls.Load() != 0 {
		t.Fatalf("a refused save was stored (%s) or rescheduled (%d)", setting(t, eng, rsync.KeySyncEnabled), sched.calls.Load())
	}

	folder := t.TempDir()
	p.auto.folder.SetText(folder)
	p.auto.pauseFrom.SetText("2027-06-10")
	p.auto.pauseUntil.SetText("2027-08-20")
	p.auto.missed.SetText("6")
	p.auto.logLevel.SetSelected("debug")
	p.auto.source.SetSelected(srcProvider)
	if p.auto.folderRow.Visible() {
		t.Error("the watched folder is shown for a provider")
	}
	wait(t, p.saveSection(s))
	idle(t, m)
	for key, want := range map[string]string{rsync.KeySyncEnabled: "true", rsync.KeySyncDays: "tue,thu", rsync.KeySyncTime: "06:30",
		rsync.KeySyncSource: "provider", rsync.KeyWatchFolder: folder, rsync.KeyPauseFrom: "2027-06-10", rsync.KeyPauseUntil: "2027-08-20",
		rsync.KeyMissedRunHours: "6", rsync.KeyLogLevel: "debug", rsync.KeyAutomatedImports: "true"} {
		if got := setting(t, eng, key); got != want {
			t.Errorf("%s = %q, want %q", key, got, want)
		}
	}
	if sched.calls.Load() != 1 || level != "debug" {
		t.Fatalf("reschedules %d, log level told %q", sched.calls.Load(), level)
	}
	next, ok := sched.Next()
	if want := time.Date(2026, 11, 24, 6, 30, 0, 0, time.UTC); !ok || !next.Equal(want) {
		t.Fatalf("scheduler's next run %v %v, want %v", next, ok, want)
	}
	if want := "Next automated sync: Tue 2026-11-24 06:30 UTC (Tue 2026-11-24 00:30 local time, CST)."; p.next.Text != want {
		t.Errorf("next run %q\nwant     %q", p.next.Text, want)
	}
	if !strings.Contains(p.auto.pauseNote.Text, "Not paused today; saved pause: automated syncs from 2027-06-10 until 2027-08-20") {
		t.Errorf("pause note %q", p.auto.pauseNote.Text)
	}
	if s.dirty() || s.status.Text != "Saved." {
		t.Errorf("after save: dirty %v, status %q", s.dirty(), s.status.Text)
	}

	// Automated imports off: rescheduled again, and the screen says why nothing runs.
	test.Tap(p.auto.automated)
	wait(t, p.saveSection(s))
	idle(t, m)
	if _, ok := sched.Next(); ok || sched.calls.Load() != 2 || !strings.Contains(p.next.Text, "do not run: automated imports are off") {
		t.Fatalf("imports off: scheduled %v, reschedules %d, %q", ok, sched.calls.Load(), p.next.Text)
	}
}

// The next run that falls in a pause says it will be skipped.
func TestNextRunText(t *testing.T) {
	at := time.Date(2027, 7, 6, 6, 0, 0, 0, time.UTC)
	r := nextRun{at: at, ok: true, pause: rsync.Pause{From: "2027-06-10"}}
	got := nextRunText(r, time.UTC)
	if !strings.HasPrefix(got, "Next automated sync: Tue 2027-07-06 06:00 UTC") || !strings.Contains(got, "from 2027-06-10 on are skipped, until you resume") {
		t.Errorf("%q", got)
	}
	if got := nextRunText(nextRun{tt: rsync.Timetable{Off: "OneRoster is not enabled"}}, time.UTC); got != "As saved, automated syncs do not run: OneRoster is not enabled." {
		t.Errorf("%q", got)
	}
}
