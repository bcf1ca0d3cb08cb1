package sync

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"

	"rosterdesk"
)

// Undoable gives the answer Rollback refuses with, kind for errors.Is and
// words alike; approving or discarding what is not held says why as a kind too.
func TestUndoableIsRollbacksAnswer(t *testing.T) {
	ctx := context.Background()
	days := genDays(t, 1)
	e := newEngine(t)
	mustSync(t, e, days[0], rosterdesk.ScopeBuildings)
	first := mustSync(t, e, days[0], rosterdesk.ScopeUsersCourses)
	second := mustSync(t, e, days[1], rosterdesk.ScopeUsersCourses)

	refusal := func(id int64, want error) Undoable {
		t.Helper()
		u, err := e.Undoable(ctx, id)
		if err != nil || u.OK() || u.Why != want {
			t.Fatalf("run %d: Undoable %+v, %v; want %v", id, u, err, want)
		}
		_, rerr := e.Rollback(ctx, id)
		if !IsRefused(rerr) || !errors.Is(rerr, want) || rerr.Error() != u.Err().Error() {
			t.Fatalf("run %d: Rollback refused %v, Undoable says %v", id, rerr, u.Err())
		}
		return u
	}
	if u := refusal(first.ID, ErrNewerRunsFirst); !slices.Equal(u.Newer, []int64{second.ID}) {
		t.Fatalf("runs to undo first: %v, want [%d]", u.Newer, second.ID)
	}
	refusal(9999, ErrNoSuchRun)
	if u, err := e.Undoable(ctx, second.ID); err != nil || !u.OK() || u.Err() != nil || !second.CanUndo().OK() {
		t.Fatalf("the newest run cannot be undone: %+v, %v", u, err)
	}
	undo, err := e.Rollback(ctx, second.ID)
	if err != nil {
		t.Fatal(err)
	}
	if u := undo.Undone; u == nil || u.Restored+u.Removed == 0 || len(undo.Log) == 0 ||
		undo.Log[0].Message != fmt.Sprintf("run %d undone: %d records restored to their state before it, %d records it created removed", second.ID, u.Restored, u.Removed) {
		t.Fatalf("what the undo did: %+v, log %+v", undo.Undone, undo.Log)
	}
	if u := refusal(undo.ID, ErrUndoOfUndo); u.Undoes != second.ID || undo.CanUndo().Why != ErrUndoOfUndo {
		t.Fatalf("an undo run: %+v", u)
	}
	refusal(second.ID, ErrNotApplied)

	if _, err := e.Approve(ctx, first.ID); !errors.Is(err, ErrNotHeld) || first.AwaitsReview() {
		t.Fatalf("approving an applied run: %v", err)
	}
	if _, err := e.Discard(ctx, 9999); !errors.Is(err, ErrNoSuchRun) {
		t.Fatalf("discarding no run: %v", err)
	}
}
