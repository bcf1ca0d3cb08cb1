package sync

import (
	"context"
	"testing"

	"rosterdesk"
)

// An applied preview says whether it was planned again: only when the roster
// changed between the preview and Apply.
func TestAppliedPreviewSaysWhenReplanned(t *testing.T) {
	ctx := context.Background()
	days := genDays(t, 1)
	e := newEngine(t)
	mustSync(t, e, days[0], rosterdesk.ScopeBuildings)
	opt := Options{Scope: rosterdesk.ScopeUsersCourses}
	preview, err := e.PlanRun(ctx, days[0], opt)
	if err != nil {
		t.Fatal(err)
	}
	res, err := e.Apply(ctx, preview)
	if err != nil || res.Replanned() || res.Counts != preview.Counts {
		t.Fatalf("an unchanged preview: %v, replanned %v", err, res.Replanned())
	}
	preview, err = e.PlanRun(ctx, days[1], opt)
	if err != nil {
		t.Fatal(err)
	}
	mustSync(t, e, days[1], rosterdesk.ScopeUsersCourses) // the roster changes under the preview
	res, err = e.Apply(ctx, preview)
	if err != nil || !res.Replanned() || res.Counts == preview.Counts {
		t.Fatalf("a stale preview: %v, replanned %v, counts %+v (preview %+v)", err, res.Replanned(), res.Counts, preview.Counts)
	}
}
