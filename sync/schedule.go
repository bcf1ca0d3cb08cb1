package sync

import (
	"archive/zip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	gosync "sync"
	"time"

	"github.com/go-co-op/gocron/v2"
	"github.com/jonboulle/clockwork"

	"rosterdesk"
	"rosterdesk/data"
)

// Internal settings of the scheduler, outside the table: not an admin's choices.
const (
	keySchedSince     = "sched.since"     // when the timetable last changed
	keySchedSignature = "sched.signature" // the timetable last seen
)

// Timetable is when automated syncs run, and why they don't when they don't.
type Timetable struct {
	On     bool
	Off    string // why automated syncs do not run
	Days   []string
	Time   string // HH:MM UTC
	Source string // provider or folder
}

// Timetable reads the automated sync's settings.
func (e *Engine) Timetable(ctx context.Context) Timetable {
	var t Timetable
	set, _ := e.Settings(ctx)
	sc := set.Schedule
	t.Days, t.Time, t.Source = sc.Days.Names(), sc.Time.String(), string(sc.Source)
	switch {
	case !set.OneRoster.Enabled:
		t.Off = "OneRoster is not enabled"
	case !sc.Enabled:
		t.Off = "sync is not enabled"
	case !sc.AutomatedImports:
		t.Off = "automated imports are off"
	case len(t.Days) == 0 || t.Time == "":
		t.Off = "no days or time are set"
	default:
		t.On = true
	}
	return t
}

// Next is the next scheduled time after from, if the timetable is on.
func (t Timetable) Next(from time.Time) (time.Time, bool) {
	if !t.On {
		return time.Time{}, false
	}
	runs := NextRuns(t.Days, t.Time, from, 1)
	if len(runs) == 0 {
		return time.Time{}, false
	}
	return runs[0], true
}

// Prev is the last scheduled time at or before at.
func (t Timetable) Prev(at time.Time) (time.Time, bool) {
	if !t.On {
		return time.Time{}, false
	}
	var last time.Time
	for _, r := range NextRuns(t.Days, t.Time, at.AddDate(0, 0, -8), 16) {
		if !r.After(at) {
			last = r
		}
	}
	return last, !last.IsZero()
}

func (t Timetable) signature() string {
	return fmt.Sprintf("%v|%s|%s", t.On, strings.Join(t.Days, ","), t.Time)
}

// Scheduler runs the automated sync in-process with gocron, at the UTC days and time of the timetable.
type Scheduler struct {
	e     *Engine
	clock clockwork.Clock
	s     gocron.Scheduler
	ctx   context.Context

	mu  gosync.Mutex
	job gocron.Job

	// OnRun is told about every automated run (for a notification); it may be nil.
	OnRun func(*Result, error)
}

// NewScheduler makes a scheduler for e; clock is nil for the real one (tests pass a fake).
func (e *Engine) NewScheduler(clock clockwork.Clock) (*Scheduler, error) {
	if clock == nil {
		clock = clockwork.NewRealClock()
	}
	s, err := gocron.NewScheduler(gocron.WithClock(clock), gocron.WithLocation(time.UTC))
	if err != nil {
		return nil, err
	}
	return &Scheduler{e: e, clock: clock, s: s}, nil
}

// Start schedules the timetable, catches up a missed run, and starts the clock.
func (s *Scheduler) Start(ctx context.Context) error {
	s.ctx = ctx
	if err := s.Reschedule(ctx); err != nil {
		return err
	}
	s.s.Start()
	if next, ok := s.Next(); ok {
		s.e.Log.Info().Time("next", next).Msg("automated sync scheduled")
	}
	return s.catchUp(ctx)
}

// Stop stops the scheduler, waiting for a run in progress.
func (s *Scheduler) Stop() error {
	return s.s.Shutdown()
}

// Reschedule replaces the job with the timetable as the settings say now; saving
// the preferences calls it so a change takes effect at once.
func (s *Scheduler) Reschedule(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.job != nil {
		s.s.RemoveJob(s.job.ID())
		s.job = nil
	}
	t := s.e.Timetable(ctx)
	// Remember when the timetable changed: runs scheduled before that are not "missed".
	if old, _, _ := s.e.db.Setting(ctx, keySchedSignature); old != t.signature() {
		s.e.db.SetSetting(ctx, keySchedSignature, t.signature())
		s.e.db.SetSetting(ctx, keySchedSince, data.FormatTime(s.clock.Now()))
	}
	if !t.On {
		s.e.Log.Info().Str("why", t.Off).Msg("automated sync off")
		return nil
	}
	h, m, err := ParseSyncTime(t.Time)
	if err != nil {
		return err
	}
	var wds []time.Weekday
	for _, d := range t.Days {
		wds = append(wds, weekdayOf[d])
	}
	job, err := s.s.NewJob(
		gocron.WeeklyJob(1, gocron.NewWeekdays(wds[0], wds[1:]...), gocron.NewAtTimes(gocron.NewAtTime(uint(h), uint(m), 0))),
		gocron.NewTask(func() {
			at := s.clock.Now().UTC().Truncate(time.Minute)
			res, err := s.e.AutomatedRun(s.ctx, at)
			if s.OnRun != nil {
				s.OnRun(res, err)
			}
		}),
		gocron.WithName("automated sync"),
		gocron.WithSingletonMode(gocron.LimitModeReschedule),
	)
	if err != nil {
		return err
	}
	s.job = job
	s.e.Log.Info().Strs("days", t.Days).Str("time_utc", t.Time).Msg("automated sync timetable")
	return nil
}

// Next is the next automated run, if one is scheduled.
func (s *Scheduler) Next() (time.Time, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.job == nil {
		return time.Time{}, false
	}
	t, err := s.job.NextRun()
	return t, err == nil && !t.IsZero()
}

// catchUp runs, once, the last scheduled run the app missed while it was closed,
// when it is less than sync.missed_run_hours late; later than that it is recorded as missed.
func (s *Scheduler) catchUp(ctx context.Context) error {
	now := s.clock.Now().UTC()
	t := s.e.Timetable(ctx)
	prev, ok := t.Prev(now)
	if !ok {
		return nil
	}
	since, _, _ := s.e.db.Setting(ctx, keySchedSince)
	if since == "" || !prev.After(data.ParseTime(since)) {
		return nil // scheduled before this timetable existed
	}
	if last, _ := s.e.db.LastScheduled(ctx); last != "" && !data.ParseTime(last).Before(prev) {
		return nil // ran, skipped or recorded already
	}
	late := now.Sub(prev)
	set, err := s.e.Settings(ctx)
	if err != nil {
		return err
	}
	hours := set.Schedule.MissedRunHours
	if late < time.Duration(hours)*time.Hour {
		s.e.Log.Info().Time("scheduled_for", prev).Dur("late", late).Msg("catching up a missed automated run")
		go func() {
			res, err := s.e.AutomatedRun(ctx, prev)
			if s.OnRun != nil {
				s.OnRun(res, err)
			}
		}()
		return nil
	}
	_, err = s.e.recordEvent(ctx, rosterdesk.StatusMissed, prev, fmt.Sprintf("missed: RosterDesk was not running at %s UTC, and %s later is past the %d hours of %s",
		prev.Format("2006-01-02 15:04"), late.Round(time.Minute), hours, KeyMissedRunHours))
	return err
}

// recordEvent records an automated run that did not run (skipped or missed).
func (e *Engine) recordEvent(ctx context.Context, status rosterdesk.Status, at time.Time, message string) (*Result, error) {
	return e.recordSkip(ctx, status, at, message, "")
}

// recordSkip records an automated run that did not run, with why as a word
// (SkipPaused) the next run reads back instead of the message.
func (e *Engine) recordSkip(ctx context.Context, status rosterdesk.Status, at time.Time, message string, why rosterdesk.SkipReason) (*Result, error) {
	set, _ := e.Settings(ctx)
	scope := string(set.Processes.Scope)
	tx, err := e.db.Begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	run := &rosterdesk.Run{Scope: rosterdesk.Scope(scope), Trigger: rosterdesk.TriggerAutomated, Status: status, StartedAt: tx.Now(),
		FinishedAt: tx.Now(), Message: message}
	if why != "" {
		run.Options = rosterdesk.RunOptions{Trigger: rosterdesk.TriggerAutomated, Skip: why}
	}
	if run.ID, err = tx.InsertRun(run); err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	e.db.SetScheduledFor(ctx, run.ID, data.FormatTime(at))
	e.Log.Info().Int64("run_id", run.ID).Str("status", string(status)).Time("scheduled_for", at).Str("why", message).Msg("automated run not run")
	res := FromRun(*run)
	return &res, nil
}

// AutomatedRun is one scheduled run: it respects the pause dates, takes its
// source (the REST provider, or the newest complete bundle in the watched
// folder), never overlaps another run, and is recorded whatever happens.
func (e *Engine) AutomatedRun(ctx context.Context, at time.Time) (*Result, error) {
	t := e.Timetable(ctx)
	if !t.On {
		return e.recordEvent(ctx, rosterdesk.StatusSkipped, at, "skipped: "+t.Off)
	}
	if p, err := e.Pause(ctx); err == nil && p.On(at) {
		return e.recordSkip(ctx, rosterdesk.StatusSkipped, at, fmt.Sprintf("skipped: paused from %s until %s", orDash(p.From), orDash(p.Until)), rosterdesk.SkipPaused)
	}
	opt := Options{Trigger: rosterdesk.TriggerAutomated}
	// The first automated run after a pause is held for review.
	if last, ok, err := e.db.LastAutomated(ctx); err == nil && ok && last.Status == rosterdesk.StatusSkipped && skipOf(last) == rosterdesk.SkipPaused {
		opt.forceHold = "first automated run after a pause"
	}
	var res *Result
	var err error
	var bundle, signature string
	src, err := e.ScheduledSource(ctx)
	if err != nil {
		return nil, err
	}
	switch src.Kind {
	case SourceProvider:
		res, err = e.SyncProvider(ctx, opt)
	case SourceBundle:
		if bundle, err = NewestExport(src.Path); err != nil {
			return e.recordEvent(ctx, rosterdesk.StatusSkipped, at, "skipped: "+err.Error())
		}
		res, err = e.Sync(ctx, bundle, opt)
	default:
		if src.Path == "" {
			return e.recordEvent(ctx, rosterdesk.StatusSkipped, at, "skipped: no watched folder is set ("+KeyWatchFolder+")")
		}
		// A bundle still being written is waited for, then taken.
		bundle, signature, err = e.waitForBundle(ctx, src.Path, at)
		if err != nil {
			return e.recordEvent(ctx, rosterdesk.StatusSkipped, at, "skipped: "+err.Error())
		}
		res, err = e.Sync(ctx, bundle, opt)
	}
	if IsBusy(err) {
		return e.afterBusy(ctx, at, err, func() (*Result, error) { return e.AutomatedRun(ctx, at) })
	}
	if res != nil && res.ID > 0 {
		e.db.SetScheduledFor(ctx, res.ID, data.FormatTime(at))
		if signature != "" {
			e.db.MarkBundleProcessed(ctx, signature, bundle, res.ID)
		}
		e.Log.Info().Int64("run_id", res.ID).Str("status", string(res.Status)).Int("users_added", res.Counts.Users.Added).
			Int("users_deactivated", res.Counts.Users.Deactivated).Int("errors", res.Errors).Msg("automated run finished")
	} else if res == nil && err != nil {
		e.Log.Error().Err(err).Msg("automated run failed")
	}
	return res, err
}

// busyPoll is how often a scheduled run that met another run looks again;
// busyWindow is how long it keeps looking.
var busyPoll, busyWindow = 30 * time.Second, time.Hour

// afterBusy handles a scheduled run that met another run holding the roster:
// it is recorded as skipped as soon as the roster can be written, and run
// again then, if that is within the hour.
func (e *Engine) afterBusy(ctx context.Context, at time.Time, busy error, again func() (*Result, error)) (*Result, error) {
	e.Log.Warn().Time("scheduled_for", at).Str("why", busy.Error()).Msg("automated run waits for the run in progress")
	start := time.Now()
	for {
		select {
		case <-ctx.Done():
			return e.recordEvent(context.Background(), rosterdesk.StatusSkipped, at, "skipped: "+busy.Error()+"; RosterDesk stopped before it had finished")
		case <-time.After(busyPoll):
		}
		if _, held := e.LockHolder(ctx); held {
			if time.Since(start) < busyWindow {
				continue
			}
			return e.recordEvent(ctx, rosterdesk.StatusSkipped, at, fmt.Sprintf("skipped: %v; it was still running %s later, so this run waits for the next scheduled time",
				busy, busyWindow))
		}
		if _, err := e.recordEvent(ctx, rosterdesk.StatusSkipped, at, fmt.Sprintf("skipped: %v; run again at %s UTC when it had finished",
			busy, e.db.Now().UTC().Format("15:04"))); err != nil {
			return nil, err
		}
		return again()
	}
}

func skipOf(r rosterdesk.Run) rosterdesk.SkipReason {
	return r.Options.Skip
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// settleTime is how long a bundle must stay unchanged before it counts as complete.
const settleTime = time.Minute

// newestBundle picks the newest complete bundle in folder that was not processed
// yet: a OneRoster zip (readable to its end) or the folder's own CSV files
// (with users.csv or manifest.csv), unchanged for a minute so one still being
// written is left for the next run.
func (e *Engine) newestBundle(ctx context.Context, folder string, now time.Time) (string, string, error) {
	ents, err := os.ReadDir(folder)
	if err != nil {
		return "", "", fmt.Errorf("the watched folder cannot be read: %v", err)
	}
	type cand struct {
		path, sig string
		mod       time.Time
	}
	var cands []cand
	var csvSig []string
	var csvMod time.Time
	stillWriting := false
	for _, ent := range ents {
		info, err := ent.Info()
		if err != nil || !info.Mode().IsRegular() {
			continue
		}
		name := ent.Name()
		lower := strings.ToLower(name)
		fresh := now.Sub(info.ModTime()) < settleTime
		switch {
		case strings.HasSuffix(lower, ".zip"):
			p := filepath.Join(folder, name)
			if fresh || !zipComplete(p) {
				stillWriting = true
				continue
			}
			cands = append(cands, cand{p, fileSig(p, info), info.ModTime()})
		case strings.HasSuffix(lower, ".csv"):
			if fresh {
				stillWriting = true
			}
			csvSig = append(csvSig, fmt.Sprintf("%s:%d:%d", name, info.Size(), info.ModTime().UnixNano()))
			if info.ModTime().After(csvMod) {
				csvMod = info.ModTime()
			}
		}
	}
	if len(csvSig) > 0 && !stillWriting {
		if _, err := os.Stat(filepath.Join(folder, "users.csv")); err == nil {
			cands = append(cands, cand{folder, sigOf(csvSig), csvMod})
		} else if _, err := os.Stat(filepath.Join(folder, "manifest.csv")); err == nil {
			cands = append(cands, cand{folder, sigOf(csvSig), csvMod})
		}
	}
	sort.Slice(cands, func(i, j int) bool { return cands[i].mod.After(cands[j].mod) })
	for _, c := range cands {
		done, err := e.db.BundleProcessed(ctx, c.sig)
		if err != nil {
			return "", "", err
		}
		if !done {
			return c.path, c.sig, nil
		}
		break // the newest was processed already: nothing new
	}
	if stillWriting {
		return "", "", errStillWriting
	}
	return "", "", errors.New("no new bundle in the watched folder")
}

// zipComplete tells whether a zip can be opened: one still being copied has no central directory yet.
func zipComplete(p string) bool {
	zr, err := zip.OpenReader(p)
	if err != nil {
		return false
	}
	zr.Close()
	return true
}

func fileSig(p string, info os.FileInfo) string {
	return sigOf([]string{filepath.Base(p), strconv.FormatInt(info.Size(), 10), strconv.FormatInt(info.ModTime().UnixNano(), 10)})
}

func sigOf(parts []string) string {
	sort.Strings(parts)
	h := sha256.Sum256([]byte(strings.Join(parts, "\n")))
	return hex.EncodeToString(h[:])
}
