package sync

import (
	"context"
	"testing"

	"rosterdesk"
)

// History tells the truth: preview, held run and History give the same
// warnings and counts; a run that applied nothing labels its numbers as
// planned; an undo run shows what it reversed; a building run its buildings.
func TestHistoryTellsTheTruth(t *testing.T) {
	ctx := context.Background()
	day0, cut := withdraw(t, 0.30)
	e := newEngine(t)
	b := mustSync(t, e, day0, rosterdesk.ScopeBuildings)
	if b.Counts.Buildings.Added == 0 || b.CountsAre != CountsApplied {
		t.Fatalf("building run: %+v (%s)", b.Counts.Buildings, b.CountsAre)
	}
	first := mustSync(t, e, day0, rosterdesk.ScopeUsersCourses)
	guardsDefault(t, e)

	preview, err := e.PlanRun(ctx, cut, Options{Scope: rosterdesk.ScopeUsersCourses})
	if err != nil || len(preview.Trips) == 0 {
		t.Fatalf("preview: %v, trips %v", err, preview.Trips)
	}
	res, err := e.Sync(ctx, cut, Options{Scope: rosterdesk.ScopeUsersCourses})
	if !IsHeld(err) {
		t.Fatal(err)
	}
	hist, _ := e.History(ctx, 1, 0)
	h := hist[0]
	if h.Warnings != preview.Warnings() || res.Warnings != preview.Warnings() || h.Errors != preview.Errors() {
		t.Errorf("warnings: preview %d, held run %d, History %d (errors %d/%d)", preview.Warnings(), res.Warnings, h.Warnings, preview.Errors(), h.Errors)
	}
	if h.Counts != preview.Counts || h.CountsAre != CountsPlanned || h.Applied() {
		t.Errorf("held run in History: %+v (%s), preview %+v", h.Counts, h.CountsAre, preview.Counts)
	}
	dry, _ := e.Sync(ctx, cut, Options{Scope: rosterdesk.ScopeUsersCourses, DryRun: true})
	if dry.Warnings != preview.Warnings() || dry.Counts != preview.Counts || dry.CountsAre != CountsPlanned {
		t.Errorf("dry run %d warnings %+v (%s), preview %d", dry.Warnings, dry.Counts, dry.CountsAre, preview.Warnings())
	}
	if _, err := e.Discard(ctx, res.ID); err != nil {
		t.Fatal(err)
	}
	if r, _ := e.db.Run(ctx, res.ID); FromRun(r).CountsAre != CountsPlanned {
		t.Errorf("a discarded run's counts read as %s", FromRun(r).CountsAre)
	}

	// Undoing the first users+courses sync reverses what it added.
	undo, err := e.Rollback(ctx, first.ID)
	if err != nil {
		t.Fatal(err)
	}
	if undo.Counts.Users.Deactivated != first.Counts.Users.Added || undo.Counts.Assignments.Removed != first.Counts.Assignments.Added ||
		undo.Counts.Users.Added != 0 || undo.CountsAre != CountsApplied || first.Counts.Users.Added == 0 {
		t.Fatalf("undo counts %+v for a run that did %+v", undo.Counts, first.Counts)
	}
	hist, _ = e.History(ctx, 1, 0)
	if hist[0].Counts != undo.Counts || hist[0].Undoes != first.ID {
		t.Fatalf("undo in History %+v", hist[0])
	}
}
