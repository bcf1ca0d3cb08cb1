package sync

import (
	gosync "sync"
	"time"

	"rosterdesk"
	"rosterdesk/data"
)

// Action is what a plan does to one record.
type Action uint8

const (
	ActAdd        Action = iota + 1
	ActUpdate            // fields change
	ActDeactivate        // users and buildings; "removed" for courses, classes, assignments
	ActReactivate
)

func (a Action) String() string {
	switch a {
	case ActAdd:
		return "add"
	case ActUpdate:
		return "update"
	case ActDeactivate:
		return "deactivate"
	case ActReactivate:
		return "reactivate"
	}
	return "none"
}

// Change is one planned change to one record. It is kept small: a first
// sync plans a million of them.
type Change struct {
	SourcedID string
	Vals      string // new values, Sep-joined; "" when fields do not change
	ID        int64  // stored record id; 0 for an add
	Line      int32
	Action    Action
	Active    bool // for an add: whether the new record is active
	more      *changeMore
}

// changeMore holds what a plain add does not need.
type changeMore struct {
	old, reason string
}

// Old is the stored values when fields change.
func (c *Change) Old() string {
	if c.more == nil {
		return ""
	}
	return c.more.old
}

// EntityPlan is the planned changes to one kind of record. A plan keeps the
// counts and the first changes of each kind for a preview, not every change:
// applying streams the changes straight into the transaction.
type EntityPlan struct {
	Table   *data.Table
	File    string
	Mode    rosterdesk.Mode
	Samples []Change
	sampled map[Action]int
}

// SamplesPerAction is how many changes of each kind a plan keeps for a preview.
const SamplesPerAction = 50

// Reason says why a change is planned ("absent from users.csv", "status tobedeleted", ...).
func (ep *EntityPlan) Reason(c *Change) string {
	if c.more != nil && c.more.reason != "" {
		return c.more.reason
	}
	if c.Action == ActAdd {
		return "new in " + ep.File
	}
	return ""
}

func withReason(c Change, reason string) Change {
	if c.more == nil {
		c.more = &changeMore{}
	}
	c.more.reason = reason
	return c
}

// BuildingChange is one planned change to a building.
type BuildingChange struct {
	Action     Action
	BuildingID int64
	SISID      string
	Name       string
	OldName    string
	Aligned    bool // was aligned before
	Reason     string
	Line       int
}

// Plan is the diff between a source and the roster, ready to preview or apply.
type Plan struct {
	Scope     rosterdesk.Scope
	Trigger   rosterdesk.Trigger
	DryRun    bool
	Source    *Source
	StartedAt time.Time
	Admin     rosterdesk.Admin
	Entities  []*EntityPlan
	Buildings []BuildingChange
	Orgs      []rosterdesk.Org
	OrgsGone  []string
	Counts    rosterdesk.Counts

	// Rows counts the data rows read per file.
	Rows map[string]int
	// Inputs are the files read, with their rows and header, for the next run's completeness guard.
	Inputs map[string]rosterdesk.Input

	active map[string]int          // active records per table before the run, where the plan loaded them all
	gone   map[*data.Table][]int64 // users deactivated and classes removed, by stored id
	// pullGaps: what a REST full pull's own enrollments and classes name but it did not return.
	pullGaps pullGaps

	// Trips are the safeguards applying this plan would trip: it would be held for review.
	Trips []rosterdesk.Trip

	opt         Options
	touched     *touched                   // the records it touches, for a review's list
	named       []rosterdesk.PlannedRecord // the list with its names, once asked for
	mu          gosync.Mutex
	buildingIDs map[string]int64 // aligned building SIS id → building id, for user links
	log         *runLog
}

// Log returns the plan's log so far.
func (p *Plan) Log() []rosterdesk.LogEntry { return p.log.entries }

// Errors and Warnings count the log's entries.
func (p *Plan) Errors() int   { return p.log.errors }
func (p *Plan) Warnings() int { return p.log.warnings }
