package sync

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/rs/zerolog"

	"rosterdesk"
	"rosterdesk/sync/gen"
)

func TestLoadSampleRefusedWithoutCreditedAdmin(t *testing.T) {
	e, err := Open(filepath.Join(t.TempDir(), "roster.db"), zerolog.Nop())
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	res, err := e.LoadSample(context.Background(), nil)
	if !IsRefused(err) || res == nil || res.Status != rosterdesk.StatusRefused || !says(res.Message, "admin") {
		t.Fatalf("want a refusal naming the admin, got %v %+v", err, res)
	}
	if n, _ := e.RunCount(context.Background()); n != 0 {
		t.Fatalf("a refused sample load recorded %d runs", n)
	}
}

func TestLoadSample(t *testing.T) {
	e := newEngine(t)
	ctx := context.Background()
	if !roster(t, e).Empty() {
		t.Fatal("a new roster is not empty")
	}
	var phases []string
	res, err := e.LoadSample(ctx, func(p Progress) { phases = append(phases, p.Phase) })
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != rosterdesk.StatusApplied || res.Scope != rosterdesk.ScopeUsersCourses || res.Trigger != rosterdesk.TriggerManual {
		t.Fatalf("want an applied users+courses run, got %+v", res)
	}
	if res.Errors != 0 {
		t.Fatalf("the sample district has %d rejected rows", res.Errors)
	}
	if len(phases) == 0 {
		t.Fatal("no progress reported")
	}
	if _, err := os.Stat(filepath.Dir(res.Source)); !os.IsNotExist(err) {
		t.Fatalf("the sample's temporary copy %s was left behind (%v)", res.Source, err)
	}

	// Both runs are in the history, buildings first, like a manual first sync.
	runs, err := e.History(ctx, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(runs) != 2 || runs[1].Scope != rosterdesk.ScopeBuildings || runs[1].Status != rosterdesk.StatusApplied || runs[0].ID != res.ID {
		t.Fatalf("history %+v", runs)
	}

	cfg := gen.Sample().Normalized()
	rc := roster(t, e)
	// Guardians are counted as skipped; students, teachers, administrators and aides are kept.
	if want := cfg.Students + cfg.Teachers + cfg.Admins + cfg.Aides; rc.Users.Active != want {
		t.Fatalf("%d active users, want %d", rc.Users.Active, want)
	}
	if rc.Buildings.Active != cfg.Schools {
		t.Fatalf("%d buildings, want %d", rc.Buildings.Active, cfg.Schools)
	}
	if rc.Courses.Active == 0 || rc.Classes.Active == 0 || rc.Assignments.Active == 0 {
		t.Fatalf("courses, classes or assignments missing: %+v", rc)
	}

	// Loaded once: a second load would mix two districts, so it is refused.
	res, err = e.LoadSample(ctx, nil)
	if !IsRefused(err) || !errors.Is(err, ErrRosterNotEmpty) || res.Status != rosterdesk.StatusRefused || !says(res.Message, "empty roster") || rc.Empty() {
		t.Fatalf("second load: want a refusal, got %v %+v", err, res)
	}
	if n, _ := e.RunCount(ctx); n != 2 {
		t.Fatalf("the refused load recorded runs: %d", n)
	}
}

// A roster that already holds a district's own buildings never gets the sample.
func TestLoadSampleRefusedOnRosterWithData(t *testing.T) {
	e := newEngine(t)
	ctx := context.Background()
	if _, err := e.db.AddLocalBuilding(ctx, "Central Office", "co"); err != nil {
		t.Fatal(err)
	}
	res, err := e.LoadSample(ctx, nil)
	if !IsRefused(err) || res.Status != rosterdesk.StatusRefused || !says(res.Message, "1 building,") {
		t.Fatalf("want a refusal, got %v %+v", err, res)
	}
}
