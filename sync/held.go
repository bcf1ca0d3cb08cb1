package sync

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"rosterdesk"
	"rosterdesk/data"
)

// guard runs both guards over a finished plan.
func (e *Engine) guard(ctx context.Context, plan *Plan) ([]rosterdesk.Trip, error) {
	trips, err := e.checkThresholds(ctx, plan)
	if err != nil {
		return nil, err
	}
	more, err := e.checkCompleteness(ctx, plan)
	if err != nil {
		return nil, err
	}
	trips = append(trips, more...)
	if more, err = e.checkSchools(ctx, plan); err != nil {
		return nil, err
	}
	trips = append(trips, more...)
	if n := plan.pullGaps.n(); n > 0 {
		trips = append(trips, rosterdesk.Trip{Entity: "pull", Action: "input", Count: n, Limit: "consistent",
			Reason: fmt.Sprintf("this REST pull is not consistent: its own enrollments or classes name %s that it did not return. "+
				"The data changed on the server while it was read, or a page was lost; those records are kept, not deactivated. "+
				"Sync again later, or approve to apply the rest", plan.pullGaps.summary())})
	}
	t, err := e.checkProvider(ctx, plan)
	if err != nil {
		return nil, err
	}
	if t != nil {
		trips = append(trips, *t)
	}
	if why := plan.opt.forceHold; why != "" {
		trips = append(trips, rosterdesk.Trip{Entity: "run", Action: "review", Limit: "always", Reason: why + ": always held for review"})
	}
	return trips, nil
}

// checkProvider holds the first run from a new provider: its identifiers may
// not match the ones the roster holds.
func (e *Engine) checkProvider(ctx context.Context, plan *Plan) (*rosterdesk.Trip, error) {
	now := plan.opt.Provider
	if now == "" && plan.Source != nil && plan.Source.SystemName != "absent" {
		now = plan.Source.SystemName
	}
	if now == "" || plan.Scope == rosterdesk.ScopeBuildings {
		return nil, nil
	}
	for _, scope := range []rosterdesk.Scope{rosterdesk.ScopeUsersCourses, rosterdesk.ScopeUsers} {
		last, ok, err := e.db.LastApplied(ctx, scope)
		if err != nil || !ok {
			if err != nil {
				return nil, err
			}
			continue
		}
		so := last.Options
		if so.Provider != "" && so.Provider != now {
			return &rosterdesk.Trip{Entity: "provider", Action: "input", Limit: "same provider",
				Reason: fmt.Sprintf("first run from a new provider: %s (run %d came from %s); identifiers may not match", now, last.ID, so.Provider)}, nil
		}
	}
	return nil, nil
}

// runOptions is how a run was asked for, with what its source (nil: not
// read yet) turned out to be.
func runOptions(opt Options, src *Source) rosterdesk.RunOptions {
	so := rosterdesk.RunOptions{Scope: opt.Scope, Trigger: opt.Trigger, Provider: opt.Provider, Collections: opt.Collections}
	if src != nil {
		so.Version, so.Manifest = src.Version, src.manifestSummary()
	}
	return so
}

// hold records a run that tripped a guard: nothing of it is applied; it keeps
// a copy of its source so it can be approved later exactly as it was.
func (e *Engine) hold(ctx context.Context, plan *Plan, source string, opt Options, trips []rosterdesk.Trip) (*Result, error) {
	for _, t := range trips {
		// Info, not a warning: warnings count rows kept with a correction, and
		// the preview, History and the CLI must give the same number.
		plan.log.infof(rosterdesk.LogEntry{Phase: "guard", File: t.Entity, Field: t.Action, Rule: "guard.held"}, "%s", t.Reason)
	}
	tx, err := e.db.Begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	msg := fmt.Sprintf("Held — needs review: %s", trips[0].Reason)
	if len(trips) > 1 {
		msg += fmt.Sprintf(" (and %d more)", len(trips)-1)
	}
	run := &rosterdesk.Run{Scope: plan.Scope, Trigger: plan.Trigger, Status: rosterdesk.StatusHeld, Source: source,
		StartedAt: plan.StartedAt, FinishedAt: tx.Now(), Errors: plan.log.errors, Warnings: plan.log.warnings,
		Counts: plan.Counts, Message: msg, AdminID: plan.Admin.ID, Options: runOptions(opt, plan.Source), Inputs: plan.Inputs, Tripped: trips}
	if run.ID, err = tx.InsertRun(run); err != nil {
		return nil, err
	}
	dir := e.heldDir(run.ID)
	kept, sum, err := e.keepHeld(ctx, run.ID, source)
	if err != nil {
		// A full disk: nothing is kept half-written, and the run is recorded as failed.
		tx.Rollback()
		return e.recordFailed(ctx, plan, source, fmt.Errorf("the run needed review, but a copy of its source could not be kept beside the roster for it (%v); nothing was applied", err))
	}
	if err := tx.SetHeldSource(run.ID, kept, sum); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	if err := tx.AddLog(run.ID, plan.log.entries); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	list, err := plan.records(ctx, e.db)
	if err == nil {
		err = tx.AddPlanned(run.ID, list)
	}
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	e.Log.Warn().Int64("run_id", run.ID).Str("scope", string(run.Scope)).Int("tripped", len(trips)).Msg("run held for review")
	res := e.result(run, plan)
	res.Tripped = trips
	return res, &HeldError{RunID: run.ID, Tripped: trips}
}

// copySource copies a zip, a CSV file or a folder of CSV files into dir and returns the copy's path.
func copySource(src, dir string) (string, error) {
	st, err := os.Stat(src)
	if err != nil {
		return "", err
	}
	dst := filepath.Join(dir, filepath.Base(src))
	if !st.IsDir() {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return "", err
		}
		return dst, copyFile(src, dst)
	}
	if err := os.MkdirAll(dst, 0o700); err != nil {
		return "", err
	}
	ents, err := os.ReadDir(src)
	if err != nil {
		return "", err
	}
	for _, ent := range ents {
		if ent.Type().IsRegular() {
			if err := copyFile(filepath.Join(src, ent.Name()), filepath.Join(dst, ent.Name())); err != nil {
				return "", err
			}
		}
	}
	return dst, nil
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := createFile(dst)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

func (e *Engine) heldRun(ctx context.Context, runID int64) (rosterdesk.Run, error) {
	run, err := e.db.Run(ctx, runID)
	if errors.Is(err, data.ErrNotFound) {
		return run, &RefusedError{Reason: fmt.Sprintf("there is no run %d", runID), Err: ErrNoSuchRun}
	}
	if err != nil {
		return run, err
	}
	if !FromRun(run).AwaitsReview() {
		return run, &RefusedError{Reason: fmt.Sprintf("run %d is %s, not held for review", runID, run.Status), Err: ErrNotHeld}
	}
	return run, nil
}

// Approve applies a held run once, waiving the limits it tripped. If the
// roster or the source changed since it was held, nothing is applied: the held
// run shows the new numbers, to be reviewed and approved again.
func (e *Engine) Approve(ctx context.Context, runID int64) (*Result, error) {
	held, err := e.heldRun(ctx, runID)
	if err != nil {
		return e.refused(Options{}, err)
	}
	if err := e.verifyHeld(ctx, &runRef{ID: held.ID, Path: held.HeldSource, SHA256: held.HeldSHA256}); err != nil {
		return e.refused(Options{}, err)
	}
	so := held.Options
	res, err := e.applyRun(ctx, held.HeldSource, Options{Scope: so.Scope, Trigger: so.Trigger, Provider: so.Provider, Collections: so.Collections, approving: &held}, nil)
	if err == nil {
		os.RemoveAll(e.heldDir(runID))
	}
	return res, err
}

// replanned updates a held run whose numbers changed since it was held.
func (e *Engine) replanned(ctx context.Context, held *rosterdesk.Run, plan *Plan) (*Result, error) {
	trips, err := e.guard(ctx, plan)
	if err != nil {
		return nil, err
	}
	tx, err := e.db.Begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	msg := "Held — planned again: the roster or the source changed since this run was held; review the new numbers and approve again"
	if err := tx.UpdateHeld(held.ID, plan.Counts, msg, trips); err != nil {
		return nil, err
	}
	list, err := plan.records(ctx, e.db)
	if err != nil {
		return nil, err
	}
	if err := tx.AddPlanned(held.ID, list); err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	updated, err := e.db.Run(ctx, held.ID)
	if err != nil {
		return nil, err
	}
	res := FromRun(updated)
	return &res, &RefusedError{Reason: fmt.Sprintf("run %d was planned again because the roster or its source changed since it was held; nothing was applied. Review the new numbers (rosterdesk history) and approve again", held.ID), Err: ErrReplanned}
}

// Discard closes a held run without applying it.
func (e *Engine) Discard(ctx context.Context, runID int64) (res *Result, err error) {
	if werr := e.writing(func() error { res, err = e.discard(ctx, runID); return nil }); werr != nil {
		return e.refused(Options{}, werr)
	}
	return res, err
}

func (e *Engine) discard(ctx context.Context, runID int64) (*Result, error) {
	if _, err := e.heldRun(ctx, runID); err != nil {
		return e.refused(Options{}, err)
	}
	tx, err := e.db.Begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	if err := tx.ResolveRun(runID, rosterdesk.StatusDiscarded, 0, ""); err != nil {
		return nil, err
	}
	if err := tx.DeletePlanned(runID); err != nil { // names are kept no longer than the held input
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	os.RemoveAll(e.heldDir(runID))
	run, err := e.db.Run(ctx, runID)
	if err != nil {
		return nil, err
	}
	res := FromRun(run)
	return &res, nil
}
