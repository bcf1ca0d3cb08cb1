package sync

import (
	"context"
	"errors"
	"testing"
	"time"

	"rosterdesk"
)

// Pausing from a day keeps a planned end date after it; Resume clears both;
// Pause.On says what AutomatedRun does.
func TestPauseFromAndResume(t *testing.T) {
	e, _ := scheduled(t, "mon,wed,fri", "06:00")
	ctx := context.Background()
	mon := time.Date(2026, 11, 23, 6, 0, 0, 0, time.UTC)

	// A summer pause planned for later: not paused yet.
	if _, err := e.SetSettings(ctx, map[string]string{KeyPauseFrom: "2027-06-10", KeyPauseUntil: "2027-08-20"}); err != nil {
		t.Fatal(err)
	}
	p, err := e.Pause(ctx)
	if err != nil || p.On(mon) || !p.On(time.Date(2027, 7, 1, 6, 0, 0, 0, time.UTC)) || !p.Set() {
		t.Fatalf("planned pause %+v %v", p, err)
	}
	// Pausing today keeps the planned end.
	if p, err = e.PauseFrom(ctx, mon); err != nil || p != (Pause{From: "2026-11-23", Until: "2027-08-20"}) || !p.On(mon) {
		t.Fatalf("pause from today: %+v %v", p, err)
	}
	// An end date already past is dropped: paused until resumed.
	if _, err := e.SetSettings(ctx, map[string]string{KeyPauseFrom: "2025-12-20", KeyPauseUntil: "2026-01-01"}); err != nil {
		t.Fatal(err)
	}
	if p, err = e.PauseFrom(ctx, mon); err != nil || p != (Pause{From: "2026-11-23"}) || !p.On(mon.AddDate(1, 0, 0)) || p.On(mon.AddDate(0, 0, -1)) {
		t.Fatalf("open pause: %+v %v", p, err)
	}
	res, err := e.AutomatedRun(ctx, mon)
	if err != nil || res.Status != rosterdesk.StatusSkipped || !says(res.Message, "paused from 2026-11-23") {
		t.Fatalf("automated run while paused: %+v %v", res, err)
	}

	if err := e.Resume(ctx); err != nil {
		t.Fatal(err)
	}
	if p, _ = e.Pause(ctx); p.Set() || p.On(mon) {
		t.Fatalf("resumed: %+v", p)
	}
}

func TestReversedPauseIsRefused(t *testing.T) {
	e := newEngine(t)
	_, err := e.SetSettings(context.Background(), map[string]string{KeyPauseFrom: "2026-08-31", KeyPauseUntil: "2026-06-20"})
	var se *SettingsError
	if !errors.As(err, &se) || se.Fields[KeyPauseUntil] == "" {
		t.Fatalf("want the end date refused, got %v", err)
	}
}
