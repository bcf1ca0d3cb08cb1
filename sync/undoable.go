package sync

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"rosterdesk"
	"rosterdesk/data"
)

// Why a run cannot be undone, for errors.Is on the *RefusedError an undo is
// refused with (Undoable.Err, Rollback).
var (
	ErrNoSuchRun      = errors.New("no such run")
	ErrNotApplied     = errors.New("only applied runs can be undone")
	ErrUndoOfUndo     = errors.New("an undo run cannot be undone")
	ErrNewerRunsFirst = errors.New("newer runs changed the same records")
)

// Undoable is whether a run can be undone now and, when it cannot, why:
// the one answer the History, the CLI's rollback and Rollback itself share.
type Undoable struct {
	RunID int64
	// Why is nil when the run can be undone, else ErrNoSuchRun,
	// ErrNotApplied, ErrUndoOfUndo or ErrNewerRunsFirst.
	Why    error
	Status rosterdesk.Status // the run's status
	Undoes int64             // ErrUndoOfUndo: the run it undid
	Newer  []int64           // ErrNewerRunsFirst: the runs to undo first, newest first
}

// OK tells whether the run can be undone.
func (u Undoable) OK() bool { return u.Why == nil }

// Err is the refusal an undo of the run gets, in the admin's words (nil
// when it can be undone); errors.Is(err, u.Why) holds.
func (u Undoable) Err() error {
	var reason string
	switch u.Why {
	case nil:
		return nil
	case ErrNoSuchRun:
		reason = fmt.Sprintf("there is no run %d", u.RunID)
	case ErrNotApplied:
		reason = fmt.Sprintf("run %d is %s; only applied runs can be undone", u.RunID, u.Status)
	case ErrUndoOfUndo:
		reason = fmt.Sprintf("run %d is itself the undoing of run %d; sync again instead", u.RunID, u.Undoes)
	case ErrNewerRunsFirst:
		ids := make([]string, len(u.Newer))
		for i, c := range u.Newer {
			ids[i] = fmt.Sprint(c)
		}
		reason = fmt.Sprintf("newer runs changed records that run %d changed or created: undo run(s) %s first (newest first)",
			u.RunID, strings.Join(ids, ", "))
	default:
		reason = u.Why.Error()
	}
	return &RefusedError{Reason: reason, Err: u.Why}
}

// CanUndo is what the run's own record says about undoing it: only an
// applied run that is not itself an undo can be. Engine.Undoable also looks
// for newer runs that changed the same records.
func (r Result) CanUndo() Undoable {
	u := Undoable{RunID: r.ID, Status: r.Status, Undoes: r.Undoes}
	switch {
	case r.Status != rosterdesk.StatusApplied:
		u.Why = ErrNotApplied
	case r.Undoes != 0:
		u.Why = ErrUndoOfUndo
	}
	return u
}

// Undoable tells whether run runID can be undone now and, if not, why: the
// answer Rollback refuses with.
func (e *Engine) Undoable(ctx context.Context, runID int64) (Undoable, error) {
	u, _, err := e.undoable(ctx, runID)
	return u, err
}

// undoable is Undoable with the run itself, for Rollback.
func (e *Engine) undoable(ctx context.Context, runID int64) (Undoable, rosterdesk.Run, error) {
	target, err := e.db.Run(ctx, runID)
	if errors.Is(err, data.ErrNotFound) {
		return Undoable{RunID: runID, Why: ErrNoSuchRun}, target, nil
	}
	if err != nil {
		return Undoable{}, target, err
	}
	u := FromRun(target).CanUndo()
	if !u.OK() {
		return u, target, nil
	}
	if u.Newer, err = e.db.UndoConflicts(ctx, runID); err != nil {
		return Undoable{}, target, err
	}
	if len(u.Newer) > 0 {
		u.Why = ErrNewerRunsFirst
	}
	return u, target, nil
}

// Undone is what an undo run did to the roster.
type Undone struct {
	Restored int64 // records back to their state before the undone run
	Removed  int64 // records the undone run created, removed again
}

func (u Undone) String() string {
	return fmt.Sprintf("%d records restored to their state before it, %d records it created removed", u.Restored, u.Removed)
}
