// Package sync is the engine: it reads OneRoster sources, validates them, plans
// the changes against the local roster, and applies them in one transaction.
// It never imports Fyne; the app and the CLI both drive it.
package sync

import (
	"encoding/json"

	"rosterdesk"
)

// Result is the outcome of one run as the window, the tray and the CLI show
// it: the recorded run, what its counts are, and what an undo did.
type Result struct {
	rosterdesk.Run
	// CountsAre says what Counts are: "applied" (the roster changed so; an
	// undo run's counts are what it reversed), "planned" (nothing of it was
	// applied: held, discarded, cancelled, failed, a preview; an approved
	// run's numbers were applied by the run that approved it) or "none".
	CountsAre string
	// Undone is what an undo run just made did (Rollback), nil otherwise.
	Undone *Undone
	// Log is the run's log; the CLI prints it with `log RUN_ID`, not here.
	Log []rosterdesk.LogEntry
}

// resultJSON is a Result in the shape `sync --json` prints: times as
// TimeFormat text ("" when not stamped), the trips of a held run.
type resultJSON struct {
	RunID      int64              `json:"run_id"`
	Status     rosterdesk.Status  `json:"status"`
	Scope      rosterdesk.Scope   `json:"scope"`
	Trigger    rosterdesk.Trigger `json:"trigger"`
	Source     string             `json:"source,omitempty"`
	StartedAt  string             `json:"started_at"`
	FinishedAt string             `json:"finished_at"`
	Errors     int                `json:"errors"`
	Warnings   int                `json:"warnings"`
	Counts     rosterdesk.Counts  `json:"counts"`
	Message    string             `json:"message,omitempty"`
	Tripped    []rosterdesk.Trip  `json:"tripped,omitempty"`     // a held run: the limits it tripped
	ResolvedBy int64              `json:"resolved_by,omitempty"` // the run that approved or undid this one
	Undoes     int64              `json:"undoes,omitempty"`      // a rollback run: the run it undid
	CountsAre  string             `json:"counts_are"`
}

// MarshalJSON writes r as `sync --json` and `history --json` print it.
func (r Result) MarshalJSON() ([]byte, error) {
	return json.Marshal(resultJSON{RunID: r.ID, Status: r.Status, Scope: r.Scope, Trigger: r.Trigger, Source: r.Source,
		StartedAt: rosterdesk.Stamp(r.StartedAt), FinishedAt: rosterdesk.Stamp(r.FinishedAt), Errors: r.Errors, Warnings: r.Warnings,
		Counts: r.Counts, Message: r.Message, Tripped: r.Tripped, ResolvedBy: r.ResolvedBy, Undoes: r.Undoes, CountsAre: r.CountsAre})
}

// FromRun turns a recorded run into a Result.
func FromRun(r rosterdesk.Run) Result {
	return Result{Run: r, CountsAre: countsAre(r.Status, r.Counts)}
}

// Counts values of Result.CountsAre.
const (
	CountsApplied = "applied"
	CountsPlanned = "planned"
	CountsNone    = "none"
)

func countsAre(status rosterdesk.Status, c rosterdesk.Counts) string {
	switch {
	case c == (rosterdesk.Counts{}):
		return CountsNone
	case status == rosterdesk.StatusApplied || status == rosterdesk.StatusRolledBack:
		return CountsApplied
	}
	return CountsPlanned
}

// Applied tells whether the run's counts were applied to the roster.
func (r Result) Applied() bool { return r.CountsAre == CountsApplied }

// Progress reports long work: the phase, rows done out of total (0 when
// unknown), and the counts planned so far.
type Progress struct {
	Phase  string
	Done   int
	Total  int
	Counts rosterdesk.Counts
}
