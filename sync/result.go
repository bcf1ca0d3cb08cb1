// Package sync is the engine: it reads OneRoster sources, validates them, plans
// the changes against the local roster, and applies them in one transaction.
// It never imports Fyne; the app and the CLI both drive it.
package sync

import (
	"encoding/json"

	"rosterdesk/data"
)

// Scope is what a run synchronizes.
type Scope string

const (
	ScopeBuildings    Scope = "buildings"
	ScopeUsers        Scope = "users"
	ScopeUsersCourses Scope = "users+courses"
)

// ParseScope accepts the scope names the CLI and settings use.
func ParseScope(s string) (Scope, bool) {
	switch Scope(s) {
	case ScopeBuildings, ScopeUsers, ScopeUsersCourses:
		return Scope(s), true
	}
	return "", false
}

// Trigger says who started a run.
type Trigger string

const (
	TriggerManual    Trigger = "manual"
	TriggerUpload    Trigger = "upload"
	TriggerAutomated Trigger = "automated"
)

// Run statuses.
const (
	StatusApplied    = "applied"
	StatusDryRun     = "dry-run"
	StatusRefused    = "refused"
	StatusFailed     = "failed"
	StatusHeld       = "held"        // needs review: nothing applied
	StatusApproved   = "approved"    // a held run an admin approved (the approving run applied it)
	StatusDiscarded  = "discarded"   // a held run an admin discarded
	StatusRolledBack = "rolled-back" // an applied run undone by a later run
	StatusCancelled  = "cancelled"   // stopped by the admin; nothing applied
)

// Result is the outcome of one run, in the shape `sync --json` prints.
type Result struct {
	RunID      int64       `json:"run_id"`
	Status     string      `json:"status"`
	Scope      Scope       `json:"scope"`
	Trigger    Trigger     `json:"trigger"`
	Source     string      `json:"source,omitempty"`
	StartedAt  string      `json:"started_at"`
	FinishedAt string      `json:"finished_at"`
	Errors     int         `json:"errors"`
	Warnings   int         `json:"warnings"`
	Counts     data.Counts `json:"counts"`
	Message    string      `json:"message,omitempty"`
	Tripped    []Trip      `json:"tripped,omitempty"`     // a held run: the limits it tripped
	ResolvedBy int64       `json:"resolved_by,omitempty"` // the run that approved or undid this one
	Undoes     int64       `json:"undoes,omitempty"`      // a rollback run: the run it undid
	// CountsAre says what Counts are: "applied" (the roster changed so; an
	// undo run's counts are what it reversed), "planned" (nothing of it was
	// applied: held, discarded, cancelled, failed, a preview; an approved
	// run's numbers were applied by the run that approved it) or "none".
	CountsAre string `json:"counts_are"`
	// Log is the run's log; the CLI prints it with `log RUN_ID`, not here.
	Log []data.LogEntry `json:"-"`
}

// FromRun turns a stored run into a Result.
func FromRun(r data.Run) Result {
	res := Result{RunID: r.ID, Status: r.Status, Scope: Scope(r.Scope), Trigger: Trigger(r.Trigger), Source: r.Source,
		StartedAt: r.StartedAt, FinishedAt: r.FinishedAt, Errors: r.Errors, Warnings: r.Warnings, Counts: r.Counts, Message: r.Message,
		ResolvedBy: r.ResolvedBy, Undoes: r.Undoes}
	json.Unmarshal([]byte(r.Tripped), &res.Tripped)
	res.CountsAre = countsAre(r.Status, r.Counts)
	return res
}

// Counts values of Result.CountsAre.
const (
	CountsApplied = "applied"
	CountsPlanned = "planned"
	CountsNone    = "none"
)

func countsAre(status string, c data.Counts) string {
	switch {
	case c == (data.Counts{}):
		return CountsNone
	case status == StatusApplied || status == StatusRolledBack:
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
	Counts data.Counts
}
