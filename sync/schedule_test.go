package sync

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"

	"rosterdesk"
)

// scheduled sets up an engine whose automated sync runs on days at hhmm UTC
// from a watched folder holding the district bundle.
func scheduled(t *testing.T, days, hhmm string) (*Engine, string) {
	t.Helper()
	e := newEngine(t)
	ctx := context.Background()
	mustSync(t, e, district().zip(t, ""), rosterdesk.ScopeBuildings)
	folder := t.TempDir()
	if _, err := e.SetSettings(ctx, map[string]string{KeyOneRosterOn: "true", KeySyncEnabled: "true", KeySyncDays: days, KeySyncTime: hhmm,
		KeySyncSource: "folder", KeyWatchFolder: folder}); err != nil {
		t.Fatal(err)
	}
	return e, folder
}

// drop copies a bundle into the watched folder, dated settled minutes before at.
func drop(t *testing.T, folder, name string, f files, at time.Time) string {
	t.Helper()
	src := f.zip(t, "")
	dst := filepath.Join(folder, name)
	b, _ := os.ReadFile(src)
	if err := os.WriteFile(dst, b, 0o644); err != nil {
		t.Fatal(err)
	}
	old := at.Add(-5 * time.Minute)
	os.Chtimes(dst, old, old)
	return dst
}

func waitRuns(t *testing.T, e *Engine, n int) []Result {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		h, _ := e.History(context.Background(), 0, 0)
		var auto []Result
		for _, r := range h {
			if r.Trigger == rosterdesk.TriggerAutomated {
				auto = append(auto, r)
			}
		}
		if len(auto) >= n {
			return auto
		}
		if time.Now().After(deadline) {
			t.Fatalf("want %d automated runs, have %d: %+v", n, len(auto), h)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestSchedulerRunsOnUTCDaysAcrossDST(t *testing.T) {
	ctx := context.Background()
	// US daylight saving starts Sunday 2026-03-08; the runs stay at 06:00 UTC.
	start := time.Date(2026, 3, 7, 5, 0, 0, 0, time.UTC) // Saturday
	e, folder := scheduled(t, "sun,mon", "06:00")
	clock := clockwork.NewFakeClockAt(start)
	drop(t, folder, "OneRoster.zip", district(), start)
	s, err := e.NewScheduler(clock)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer s.Stop()
	next, ok := s.Next()
	if !ok || !next.Equal(time.Date(2026, 3, 8, 6, 0, 0, 0, time.UTC)) {
		t.Fatalf("next %v", next)
	}
	ny, _ := time.LoadLocation("America/New_York")
	if ny != nil && next.In(ny).Hour() != 1 {
		t.Fatalf("06:00 UTC on 8 March is 01:00 in New York (EST), got %v", next.In(ny))
	}
	// Saturday passes without a run.
	clock.Advance(23 * time.Hour)
	time.Sleep(50 * time.Millisecond)
	if h, _ := e.History(ctx, 0, 0); len(h) != 1 {
		t.Fatalf("a run on Saturday: %+v", h)
	}
	clock.Advance(2 * time.Hour) // Sunday 06:00 UTC
	auto := waitRuns(t, e, 1)
	if auto[0].Status != rosterdesk.StatusApplied || auto[0].Counts.Users.Added != 6 {
		t.Fatalf("Sunday's run %+v", auto[0])
	}
	if next, _ := s.Next(); !next.Equal(time.Date(2026, 3, 9, 6, 0, 0, 0, time.UTC)) {
		t.Fatalf("after Sunday, next %v", next)
	}
	// Monday: the same bundle is not processed twice; the run is recorded as skipped.
	clock.Advance(24 * time.Hour)
	auto = waitRuns(t, e, 2)
	if auto[0].Status != rosterdesk.StatusSkipped || !says(auto[0].Message, "no new bundle") {
		t.Fatalf("Monday %+v", auto[0])
	}
}

func TestAutomatedRunRules(t *testing.T) {
	ctx := context.Background()
	at := time.Date(2026, 6, 15, 6, 0, 0, 0, time.UTC)
	e, folder := scheduled(t, "mon", "06:00")

	// Nothing in the folder.
	if res, _ := e.AutomatedRun(ctx, at); res.Status != rosterdesk.StatusSkipped {
		t.Fatalf("empty folder %+v", res)
	}
	// A bundle still being written (just modified) is waited for; still
	// being written when the patience runs out, the run is skipped.
	e.WatchWait = WatchWait{Every: 10 * time.Millisecond, Patience: 60 * time.Millisecond}
	p := drop(t, folder, "OneRoster.zip", district(), at)
	os.Chtimes(p, at, at)
	if res, _ := e.AutomatedRun(ctx, at); res.Status != rosterdesk.StatusSkipped || !says(res.Message, "still being written; waited") {
		t.Fatalf("fresh bundle %+v", res)
	}
	// A half-copied zip (no central directory) is not read either.
	os.WriteFile(filepath.Join(folder, "partial.zip"), []byte("PK\x03\x04 half a zip"), 0o644)
	old := at.Add(-time.Hour)
	os.Chtimes(filepath.Join(folder, "partial.zip"), old, old)
	os.Chtimes(p, old, old)
	res, err := e.AutomatedRun(ctx, at)
	if err != nil || res.Status != rosterdesk.StatusApplied {
		t.Fatalf("settled bundle %v %+v", err, res)
	}
	// Paused: skipped and logged; the first run after the pause is held for review.
	e.SetSetting(ctx, KeyPauseFrom, "2026-06-20")
	e.SetSetting(ctx, KeyPauseUntil, "2026-08-31")
	if res, _ := e.AutomatedRun(ctx, time.Date(2026, 7, 6, 6, 0, 0, 0, time.UTC)); res.Status != rosterdesk.StatusSkipped || !says(res.Message, "paused") {
		t.Fatalf("paused %+v", res)
	}
	after := time.Date(2026, 9, 7, 6, 0, 0, 0, time.UTC)
	drop(t, folder, "OneRoster-2.zip", district().with("users.csv", lines(hUsers, user("u1", "sch1", "student", "Ann"))), after)
	res, err = e.AutomatedRun(ctx, after)
	if !IsHeld(err) || res.Status != rosterdesk.StatusHeld || !strings.Contains(res.Tripped[len(res.Tripped)-1].Reason, "after a pause") {
		t.Fatalf("first run after the pause %v %+v", err, res)
	}
	// Another run in progress: the scheduled one is recorded as skipped, and run
	// again once the other has finished (within the hour).
	defer func(p, w time.Duration) { busyPoll, busyWindow = p, w }(busyPoll, busyWindow)
	busyPoll = 20 * time.Millisecond
	unlock, _ := e.lock()
	drop(t, folder, "OneRoster-3.zip", district(), after.Add(time.Hour))
	week := after.Add(7 * 24 * time.Hour)
	done := make(chan *Result)
	go func() { r, _ := e.AutomatedRun(ctx, week); done <- r }()
	time.Sleep(200 * time.Millisecond)
	unlock()
	res = <-done
	hist, _ := e.History(ctx, 2, 0)
	if res == nil || res.Status == rosterdesk.StatusSkipped || res.ID == 0 || hist[1].Status != rosterdesk.StatusSkipped || !says(hist[1].Message, "in progress") {
		t.Fatalf("overlap %+v, history %+v", res, hist)
	}
	// OneRoster off: nothing is scheduled.
	e.SetSetting(ctx, KeyOneRosterOn, "false")
	if tt := e.Timetable(ctx); tt.On || tt.Off != "OneRoster is not enabled" {
		t.Fatalf("timetable %+v", tt)
	}
}

func TestMissedRunRule(t *testing.T) {
	ctx := context.Background()
	for _, c := range []struct {
		name   string
		late   time.Duration
		status rosterdesk.Status
	}{{"caught up", 2 * time.Hour, rosterdesk.StatusApplied}, {"too late", 20 * time.Hour, rosterdesk.StatusMissed}} {
		t.Run(c.name, func(t *testing.T) {
			monday := time.Date(2026, 6, 15, 6, 0, 0, 0, time.UTC)
			e, folder := scheduled(t, "mon", "06:00")
			drop(t, folder, "OneRoster.zip", district(), monday)
			// The timetable was set up a week before; the app was closed on Monday at 06:00.
			clock := clockwork.NewFakeClockAt(monday.Add(-7 * 24 * time.Hour))
			s, _ := e.NewScheduler(clock)
			s.Start(ctx)
			s.Stop()
			clock.Advance(monday.Add(c.late).Sub(clock.Now()))
			s2, _ := e.NewScheduler(clock)
			if err := s2.Start(ctx); err != nil {
				t.Fatal(err)
			}
			defer s2.Stop()
			auto := waitRuns(t, e, 1)
			if auto[0].Status != c.status {
				t.Fatalf("%s: %+v", c.name, auto[0])
			}
			// Starting again does not run or record it twice.
			s3, _ := e.NewScheduler(clock)
			s3.Start(ctx)
			s3.Stop()
			time.Sleep(50 * time.Millisecond)
			if again := waitRuns(t, e, 1); len(again) != 1 {
				t.Fatalf("recorded twice: %+v", again)
			}
		})
	}
}

// A bundle still being written at the scheduled minute is waited for (looked
// at again every Every) and taken once complete, not left for next week.
func TestScheduledRunWaitsForABundleBeingWritten(t *testing.T) {
	ctx := context.Background()
	at := time.Date(2026, 6, 15, 6, 0, 0, 0, time.UTC)
	e, folder := scheduled(t, "mon", "06:00")
	e.WatchWait = WatchWait{Every: 20 * time.Millisecond, Patience: 10 * time.Second}
	// Half copied: no central directory yet.
	part := filepath.Join(folder, "OneRoster.zip")
	os.WriteFile(part, []byte("PK\x03\x04 half a zip"), 0o644)
	old := at.Add(-time.Hour)
	os.Chtimes(part, old, old)
	done := make(chan *Result, 1)
	go func() {
		res, _ := e.AutomatedRun(ctx, at)
		done <- res
	}()
	time.Sleep(100 * time.Millisecond)
	select {
	case res := <-done:
		t.Fatalf("did not wait: %+v", res)
	default:
	}
	// The copy finishes.
	full := district().zip(t, "")
	b, _ := os.ReadFile(full)
	os.WriteFile(part+".tmp", b, 0o644)
	os.Chtimes(part+".tmp", old, old)
	os.Rename(part+".tmp", part)
	select {
	case res := <-done:
		if res.Status != rosterdesk.StatusApplied || res.Counts.Users.Added == 0 {
			t.Fatalf("after the wait %+v", res)
		}
	case <-time.After(8 * time.Second):
		t.Fatal("the completed bundle was not taken")
	}
}

// The bundle connected on the OneRoster screen can be the scheduled source:
// a folder of exports gives its newest.
func TestConnectedBundleIsAScheduledSource(t *testing.T) {
	ctx := context.Background()
	at := time.Date(2026, 6, 15, 6, 0, 0, 0, time.UTC)
	e, _ := scheduled(t, "mon", "06:00")
	exports := t.TempDir()
	older := filepath.Join(exports, "export-2026-06-14.zip")
	newer := filepath.Join(exports, "export-2026-06-15.zip")
	b1, _ := os.ReadFile(district().with("users.csv", lines(hUsers, user("u1", "sch1", "student", "Ann"))).zip(t, ""))
	b2, _ := os.ReadFile(district().zip(t, ""))
	os.WriteFile(older, b1, 0o644)
	os.WriteFile(newer, b2, 0o644)
	os.Chtimes(older, at.Add(-48*time.Hour), at.Add(-48*time.Hour))
	os.Chtimes(newer, at.Add(-24*time.Hour), at.Add(-24*time.Hour))
	if _, err := e.SetSettings(ctx, map[string]string{KeySource: exports, KeySyncSource: string(SourceBundle)}); err != nil {
		t.Fatal(err)
	}
	if got, err := NewestExport(exports); err != nil || got != newer {
		t.Fatalf("newest export %q %v", got, err)
	}
	src, _ := e.ScheduledSource(ctx)
	if src.Kind != SourceBundle || src.Path != exports {
		t.Fatalf("scheduled source %+v", src)
	}
	res, err := e.AutomatedRun(ctx, at)
	if err != nil || res.Status != rosterdesk.StatusApplied || res.Source != newer || res.Counts.Users.Added != 6 {
		t.Fatalf("scheduled run of the connected bundle: %v %+v", err, res)
	}
	// Sync now reads the same rule.
	now, err := e.ManualSource(ctx)
	if err != nil || now.Kind != SourceBundle || now.Path != exports {
		t.Fatalf("manual source %+v %v", now, err)
	}
	res, err = e.SyncNow(ctx, Options{Trigger: rosterdesk.TriggerManual})
	if err != nil || res.Source != newer {
		t.Fatalf("sync now %v %+v", err, res)
	}
	// A run refused because another holds the lock is typed, not told by its text.
	unlock, _ := e.lock()
	_, err = e.SyncNow(ctx, Options{Trigger: rosterdesk.TriggerManual})
	unlock()
	if !IsBusy(err) || !IsRefused(err) {
		t.Fatalf("busy: %v", err)
	}
	// Nothing connected: refused as ErrNoSource.
	if _, err := e.SyncFrom(ctx, SyncSource{Kind: SourceBundle}, Options{}); !errors.Is(err, ErrNoSource) {
		t.Fatalf("no source: %v", err)
	}
}
