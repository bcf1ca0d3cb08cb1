package rosterdesk

import "time"

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

// Status is where a run ended: its value is stored with the run and printed as is.
type Status string

// Run statuses.
const (
	StatusApplied    Status = "applied"
	StatusDryRun     Status = "dry-run"
	StatusRefused    Status = "refused"
	StatusFailed     Status = "failed"
	StatusHeld       Status = "held"        // needs review: nothing applied
	StatusApproved   Status = "approved"    // a held run an admin approved (the approving run applied it)
	StatusDiscarded  Status = "discarded"   // a held run an admin discarded
	StatusRolledBack Status = "rolled-back" // an applied run undone by a later run
	StatusCancelled  Status = "cancelled"   // stopped by the admin; nothing applied
)

// Statuses of automated runs that did not run.
const (
	StatusSkipped Status = "skipped" // paused, nothing new in the folder, or another run in progress
	StatusMissed  Status = "missed"  // the app was closed and it is too late to catch up
)

// RunOptions are how a run was asked for, with what its source turned out
// to be; they are stored with the run.
type RunOptions struct {
	Scope       Scope   `json:"scope"`
	Trigger     Trigger `json:"trigger"`
	Provider    string  `json:"provider,omitempty"`
	Collections bool    `json:"collections,omitempty"`
	// What the source was, for the report: its OneRoster version and manifest.
	Version  string `json:"oneroster_version,omitempty"`
	Manifest string `json:"manifest,omitempty"`
	// An automated run that did not run: why (SkipPaused).
	Skip SkipReason `json:"skip,omitempty"`
}

// SkipReason is why an automated run did not run, as a word stored with the
// run: the next run reads it back, never the run's message.
type SkipReason string

// SkipPaused marks an automated run skipped because the schedule was paused.
const SkipPaused SkipReason = "paused"

// TimeFormat is how every timestamp is stored and printed: UTC, fixed width, sortable.
const TimeFormat = "2006-01-02T15:04:05.000Z"

// Stamp is a run's time as it is stored and printed (TimeFormat), "" for the
// zero time: a run recorded without one reads back as "".
func Stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(TimeFormat)
}

// Run is one recorded sync run.
type Run struct {
	ID         int64     `json:"run_id"`
	Status     Status    `json:"status"`
	Scope      Scope     `json:"scope"`
	Trigger    Trigger   `json:"trigger"`
	Source     string    `json:"source"`
	StartedAt  time.Time `json:"started_at"`
	FinishedAt time.Time `json:"finished_at"`
	Errors     int       `json:"errors"`
	Warnings   int       `json:"warnings"`
	Counts     Counts    `json:"counts"`
	Message    string    `json:"message,omitempty"`
	AdminID    int64     `json:"-"`

	Options    RunOptions       `json:"-"` // how the run was asked for
	HeldSource string           `json:"-"` // a held run's copy of its source
	HeldSHA256 string           `json:"-"` // the copy's content hash when it was kept
	ResolvedBy int64            `json:"resolved_by,omitempty"`
	Undoes     int64            `json:"undoes,omitempty"`
	Inputs     map[string]Input `json:"-"` // the files read, with rows and header
	Tripped    []Trip           `json:"-"` // the limits a held run tripped
}
