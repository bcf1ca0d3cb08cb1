package sync

import (
	"context"
	"time"

	"rosterdesk"
)

// Pause is the pause of automated syncs: settings sync.pause_from and
// sync.pause_until, days (UTC) as YYYY-MM-DD, either one open ("").
type Pause struct {
	From  string `json:"from,omitempty"`
	Until string `json:"until,omitempty"`
}

// Set tells whether a pause date is set at all.
func (p Pause) Set() bool { return p.From != "" || p.Until != "" }

// On tells whether automated runs on day (its UTC date) are skipped: the
// same rule AutomatedRun applies.
func (p Pause) On(day time.Time) bool {
	if !p.Set() {
		return false
	}
	d := day.UTC().Format("2006-01-02")
	return (p.From == "" || d >= p.From) && (p.Until == "" || d <= p.Until)
}

// Pause reads the pause dates.
func (e *Engine) Pause(ctx context.Context) (Pause, error) {
	s, err := e.Settings(ctx)
	return Pause{From: s.Schedule.PauseFrom.String(), Until: s.Schedule.PauseUntil.String()}, err
}

// PauseFrom pauses automated syncs from day (its UTC date): until an end
// date already set on or after it, else until Resume.
func (e *Engine) PauseFrom(ctx context.Context, day time.Time) (Pause, error) {
	old, err := e.Pause(ctx)
	if err != nil {
		return old, err
	}
	p := Pause{From: day.UTC().Format("2006-01-02")}
	if old.Until >= p.From {
		p.Until = old.Until
	}
	_, err = e.UpdateSettings(ctx, func(s *rosterdesk.Settings) {
		s.Schedule.PauseFrom, _ = rosterdesk.ParseDate(p.From)
		s.Schedule.PauseUntil, _ = rosterdesk.ParseDate(p.Until)
	}, KeyPauseFrom, KeyPauseUntil)
	if err == nil {
		e.Log.Info().Str("from", p.From).Str("until", orDash(p.Until)).Msg("automated sync paused")
	}
	return p, err
}

// Resume ends the pause: both dates are cleared. The first automated run
// after a pause is still held for review.
func (e *Engine) Resume(ctx context.Context) error {
	_, err := e.UpdateSettings(ctx, func(s *rosterdesk.Settings) {
		s.Schedule.PauseFrom, s.Schedule.PauseUntil = rosterdesk.Date{}, rosterdesk.Date{}
	},
		KeyPauseFrom, KeyPauseUntil)
	if err == nil {
		e.Log.Info().Msg("automated sync resumed")
	}
	return err
}
