package sync

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"rosterdesk"
)

// Options choose what a run does.
type Options struct {
	Scope    rosterdesk.Scope // "" takes the sync.process setting
	DryRun   bool             // stop after the plan; record only the run and its log
	Trigger  rosterdesk.Trigger
	Progress func(Progress)
	// Collections marks a source that is a REST pull written as CSV files (see Source.Collections).
	Collections bool
	// Provider names where the data comes from (a REST provider's name, or a bundle's
	// source.systemName). The first run from a new provider is held for review.
	Provider string

	approving *rosterdesk.Run       // the held run this run approves: its limits are waived once
	notes     []rosterdesk.LogEntry // entries the run's log starts with (a REST pull pulled again)
	forceHold string                // hold for review whatever the numbers (the first automated run after a pause)
}

// applyHook lets the kill test stop a child process in the middle of apply.
var applyHook func(done int)

// Sync runs read → validate → plan → apply for one source and records the run.
// The returned error is a *RefusedError (nothing written), a *SourceError (the
// run is recorded as failed, the roster untouched) or a failure to write.
func (e *Engine) Sync(ctx context.Context, source string, opt Options) (*Result, error) {
	source = exportOf(source)
	if opt.DryRun {
		opt, admin, err := e.preconditions(ctx, opt)
		if err != nil {
			return e.refused(opt, err)
		}
		// A reader of the run lock: no run changes the roster while it is planned.
		unlock, err := e.readLock()
		if err != nil {
			return e.refused(opt, err)
		}
		defer unlock()
		plan, err := e.plan(ctx, source, opt, admin, nil)
		if err != nil {
			return e.recordFailed(ctx, plan, source, err)
		}
		if plan.Trips, err = e.guard(ctx, plan); err != nil {
			return nil, err
		}
		return e.record(ctx, plan, rosterdesk.StatusDryRun, "")
	}
	return e.applyRun(ctx, source, opt, nil)
}

// Apply applies a previewed plan. The source is read again inside the
// transaction; if the roster or the source changed since the preview, the
// numbers differ and the log says so.
func (e *Engine) Apply(ctx context.Context, preview *Plan) (*Result, error) {
	opt := preview.opt
	opt.DryRun = false
	return e.applyRun(ctx, preview.Source.Path, opt, preview)
}

func (e *Engine) refused(opt Options, err error) (*Result, error) {
	var refused *RefusedError
	if errors.As(err, &refused) {
		return &Result{Run: rosterdesk.Run{Status: rosterdesk.StatusRefused, Scope: opt.Scope, Trigger: opt.Trigger, Message: refused.Reason}}, err
	}
	if IsBusy(err) {
		return &Result{Run: rosterdesk.Run{Status: rosterdesk.StatusRefused, Scope: opt.Scope, Trigger: opt.Trigger, Message: err.Error()}}, err
	}
	return nil, err
}

// applyRun plans and writes in one transaction: each change is written as it
// is planned, with the run, its audit and its log. Any error, a bad source
// found half-way or a cancellation rolls everything back.
func (e *Engine) applyRun(ctx context.Context, source string, opt Options, preview *Plan) (*Result, error) {
	opt, admin, err := e.preconditions(ctx, opt)
	if err != nil {
		return e.refused(opt, err)
	}
	unlock, err := e.lock()
	if err != nil {
		return e.refused(opt, err)
	}
	defer unlock()
	defer e.afterRun(ctx)
	tx, err := e.db.Begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	run := &rosterdesk.Run{Scope: opt.Scope, Trigger: opt.Trigger, Status: rosterdesk.StatusApplied, Source: source,
		StartedAt: tx.Now(), FinishedAt: tx.Now(), AdminID: admin.ID, Options: runOptions(opt, nil)}
	if opt.Collections && opt.Provider != "" {
		run.Source = opt.Provider // a REST pull's folder is temporary; the provider is what the admin knows
	}
	if opt.approving != nil {
		run.Source = opt.approving.Source
		run.Message = fmt.Sprintf("approval of held run %d", opt.approving.ID)
	}
	if run.ID, err = tx.InsertRun(run); err != nil {
		return nil, err
	}
	w := &writer{tx: tx, runID: run.ID, admin: admin.ID, ctx: ctx}
	w.start()
	plan, err := e.plan(ctx, source, opt, admin, w)
	// The guard reads the roster as it was before this run (its own
	// connection, not the transaction), so it runs while the writer finishes.
	var guarded chan guardResult
	if err == nil && opt.approving == nil {
		guarded = make(chan guardResult, 1)
		go func() {
			trips, err := e.guard(ctx, plan)
			guarded <- guardResult{trips, err}
		}()
	}
	if werr := w.finish(); err == nil {
		err = werr
	}
	var guard guardResult
	if guarded != nil {
		guard = <-guarded
	}
	if err == nil && opt.Provider == "" && plan.Source.SystemName != "absent" {
		opt.Provider = plan.Source.SystemName // remembered so the next run can tell a new provider
		run.Options = runOptions(opt, nil)
	}
	if ctx.Err() != nil {
		// Cancelled: the transaction is rolled back; the run is recorded as cancelled.
		tx.Rollback()
		return e.recordCancelled(plan, source, ctx.Err())
	}
	if err != nil {
		tx.Rollback()
		if plan == nil {
			return nil, err
		}
		return e.recordFailed(ctx, plan, source, err)
	}
	if err := w.buildings(); err != nil {
		return nil, err
	}
	if opt.approving == nil {
		trips, err := guard.trips, guard.err
		if err != nil {
			return nil, err
		}
		if len(trips) > 0 {
			tx.Rollback() // a held run applies nothing
			return e.hold(ctx, plan, source, opt, trips)
		}
	} else if held := opt.approving; held.Counts != plan.Counts {
		// The roster or the source changed since the run was held: show the new numbers, apply nothing.
		tx.Rollback()
		return e.replanned(ctx, held, plan)
	} else if err := tx.ResolveRun(held.ID, rosterdesk.StatusApproved, run.ID, ""); err != nil {
		return nil, err
	} else if err := tx.DeletePlanned(held.ID); err != nil { // its changes are now the approving run's
		return nil, err
	}
	if preview != nil && preview.Counts != plan.Counts {
		plan.log.infof(rosterdesk.LogEntry{Phase: "apply", Rule: "plan.changed"},
			"the roster or the source changed since the preview; the run was planned again and applied with the numbers shown here")
	}
	if err := tx.AddLog(run.ID, plan.log.entries); err != nil {
		return nil, err
	}
	run.StartedAt = plan.StartedAt
	run.FinishedAt = e.db.Now()
	run.Errors, run.Warnings, run.Counts = plan.log.errors, plan.log.warnings, plan.Counts
	run.Inputs = plan.Inputs
	run.Options = runOptions(opt, plan.Source)
	if err := tx.FinishRun(run); err != nil {
		return nil, err
	}
	committing := time.Now()
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	e.Log.Info().Int64("run_id", run.ID).Str("scope", string(run.Scope)).Str("trigger", string(run.Trigger)).Int("errors", run.Errors).
		Int("warnings", run.Warnings).Dur("commit", time.Since(committing)).Msg("run applied")
	return e.result(run, plan), nil
}

type guardResult struct {
	trips []rosterdesk.Trip
	err   error
}

// recordCancelled records a run the admin cancelled; nothing of it was applied.
func (e *Engine) recordCancelled(plan *Plan, source string, cause error) (*Result, error) {
	if plan == nil {
		return nil, cause
	}
	if plan.Source == nil {
		plan.Source = &Source{Path: source}
	}
	plan.log.infof(rosterdesk.LogEntry{Phase: "apply", Rule: "run.cancelled"}, "cancelled before it finished; nothing was applied")
	plan.log.finish()
	res, err := e.record(context.Background(), plan, rosterdesk.StatusCancelled, "cancelled; nothing was applied")
	if err != nil {
		return nil, errors.Join(cause, err)
	}
	return res, cause
}

// recordFailed records a run whose source could not be used; the roster is not touched.
func (e *Engine) recordFailed(ctx context.Context, plan *Plan, source string, cause error) (*Result, error) {
	if ctx.Err() != nil || plan == nil {
		return nil, cause // cancelled: nothing is recorded
	}
	var se *SourceError
	if errors.As(cause, &se) {
		plan.log.errorf(rosterdesk.LogEntry{Phase: "open", File: baseName(se.File), Line: se.Line, Rule: "source.unusable"}, "%s", se.Message)
	} else {
		plan.log.errorf(rosterdesk.LogEntry{Phase: "open", Rule: "source.unusable"}, "%v", cause)
	}
	if plan.Source == nil {
		plan.Source = &Source{Path: source}
	}
	plan.log.finish()
	res, err := e.record(ctx, plan, rosterdesk.StatusFailed, cause.Error())
	if err != nil {
		return nil, errors.Join(cause, err)
	}
	return res, cause
}

func baseName(p string) string {
	if i := strings.LastIndexAny(p, `/\`); i >= 0 {
		return p[i+1:]
	}
	return p
}

// record writes a run that changes nothing (dry run or failed) with its log.
func (e *Engine) record(ctx context.Context, plan *Plan, status rosterdesk.Status, message string) (*Result, error) {
	tx, err := e.db.Begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	src := ""
	if plan.Source != nil {
		src = plan.Source.Path
	}
	run := &rosterdesk.Run{Scope: plan.Scope, Trigger: plan.Trigger, Status: status, Source: src,
		StartedAt: plan.StartedAt, FinishedAt: tx.Now(),
		Errors: plan.log.errors, Warnings: plan.log.warnings, Counts: plan.Counts, Message: message, AdminID: plan.Admin.ID,
		Tripped: plan.Trips, Options: runOptions(plan.opt, plan.Source)}
	if run.ID, err = tx.InsertRun(run); err != nil {
		return nil, err
	}
	if err := tx.AddLog(run.ID, plan.log.entries); err != nil {
		return nil, err
	}
	if status == rosterdesk.StatusDryRun {
		list, err := plan.records(ctx, e.db)
		if err != nil {
			return nil, err
		}
		if err := tx.AddPlanned(run.ID, list); err != nil {
			return nil, err
		}
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	res := e.result(run, plan)
	res.Tripped = plan.Trips
	return res, nil
}

func (e *Engine) result(run *rosterdesk.Run, plan *Plan) *Result {
	r := FromRun(*run)
	r.Log = plan.log.entries
	return &r
}

// RecordFailed records a run that failed before anything could be planned,
// for example a REST pull cut short, with the entries that explain it.
// The roster is not touched.
func (e *Engine) RecordFailed(ctx context.Context, opt Options, source string, cause error, entries []rosterdesk.LogEntry) (*Result, error) {
	opt, admin, err := e.preconditions(ctx, opt)
	if err != nil {
		return e.refused(opt, err)
	}
	plan := &Plan{Scope: opt.Scope, Trigger: opt.Trigger, StartedAt: e.db.Now().UTC(), log: newRunLog(), Admin: admin, opt: opt,
		Rows: map[string]int{}, Source: &Source{Path: source}}
	for _, en := range entries {
		plan.log.add(en)
	}
	return e.recordFailed(ctx, plan, source, cause)
}

// field is the i-th of the Sep-joined values vals, without splitting them all.
func field(vals string, i int) string {
	for ; i > 0; i-- {
		j := strings.Index(vals, Sep)
		if j < 0 {
			return ""
		}
		vals = vals[j+len(Sep):]
	}
	if j := strings.Index(vals, Sep); j >= 0 {
		return vals[:j]
	}
	return vals
}
