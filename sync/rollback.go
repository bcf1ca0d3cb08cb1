package sync

import (
	"context"
	"fmt"

	"rosterdesk"
)

// Rollback undoes an applied run as a new run of its own: every record the
// run changed is restored to its state before the run, and every record it
// created is removed again. Runs are undone newest first: undoing a run while
// newer runs changed the same records is refused with the list of those runs.
func (e *Engine) Rollback(ctx context.Context, runID int64) (*Result, error) {
	admin, err := e.CreditedAdmin(ctx)
	if err != nil {
		return e.refused(Options{}, err)
	}
	unlock, err := e.lock()
	if err != nil {
		return e.refused(Options{}, err)
	}
	defer unlock()
	u, target, err := e.undoable(ctx, runID)
	if err != nil {
		return nil, err
	}
	if !u.OK() {
		return e.refused(Options{}, u.Err())
	}
	tx, err := e.db.Begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	run := &rosterdesk.Run{Scope: target.Scope, Trigger: rosterdesk.TriggerManual, Status: rosterdesk.StatusApplied, Source: target.Source,
		StartedAt: tx.Now(), FinishedAt: tx.Now(), AdminID: admin.ID, Undoes: runID,
		Message: fmt.Sprintf("rollback of run %d", runID)}
	if run.ID, err = tx.InsertRun(run); err != nil {
		return nil, err
	}
	restored, removed, err := tx.UndoRun(ctx, runID)
	if err != nil {
		return nil, fmt.Errorf("undo run %d: %w", runID, err)
	}
	undone := Undone{Restored: restored, Removed: removed}
	log := newRunLog()
	log.infof(rosterdesk.LogEntry{Phase: "rollback", Rule: "rollback.done"}, "run %d undone: %s", runID, undone)
	if err := tx.AddAudit(rosterdesk.Audit{RunID: run.ID, Entity: "run", SourcedID: fmt.Sprint(runID), Action: "rollback",
		Reason: fmt.Sprintf("%d restored, %d removed", restored, removed), AdminID: admin.ID}); err != nil {
		return nil, err
	}
	if err := tx.AddLog(run.ID, log.entries); err != nil {
		return nil, err
	}
	if err := tx.ResolveRun(runID, rosterdesk.StatusRolledBack, run.ID, ""); err != nil {
		return nil, err
	}
	run.FinishedAt = e.db.Now()
	run.Counts = reversed(target.Counts)
	if err := tx.FinishRun(run); err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	e.Log.Info().Int64("run_id", run.ID).Int64("undoes", runID).Int64("restored", restored).Int64("removed", removed).Msg("run rolled back")
	res := FromRun(*run)
	res.Log, res.Undone = log.entries, &undone
	return &res, nil
}

// reversed is what undoing a run with counts c does: what it added is taken
// away, what it took away is back, what it updated is updated back. Courses,
// classes and assignments count a record back as added, like a sync.
func reversed(c rosterdesk.Counts) rosterdesk.Counts {
	back := func(x rosterdesk.CourseCounts) rosterdesk.CourseCounts {
		return rosterdesk.CourseCounts{Added: x.Removed, Updated: x.Updated, Removed: x.Added}
	}
	return rosterdesk.Counts{
		Buildings:   rosterdesk.BuildingCounts{Added: c.Buildings.Deactivated, Updated: c.Buildings.Updated, Deactivated: c.Buildings.Added},
		Users:       rosterdesk.UserCounts{Deactivated: c.Users.Added + c.Users.Reactivated, Updated: c.Users.Updated, Reactivated: c.Users.Deactivated},
		Courses:     back(c.Courses),
		Classes:     back(c.Classes),
		Assignments: back(c.Assignments),
	}
}

// Protect marks a user, course or building (by SIS id) as never to be deactivated by a sync.
func (e *Engine) Protect(ctx context.Context, kind, key string, on bool) error {
	return e.writing(func() error { return e.protect(ctx, kind, key, on) })
}

func (e *Engine) protect(ctx context.Context, kind, key string, on bool) error {
	ents := map[string]rosterdesk.Entity{"user": rosterdesk.EntityUser, "course": rosterdesk.EntityCourse, "building": rosterdesk.EntityBuilding}
	ent, ok := ents[kind]
	if !ok {
		return fmt.Errorf("only a user, course or building can be protected, not %q", kind)
	}
	return e.db.SetProtected(ctx, ent, key, on)
}
