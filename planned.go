package rosterdesk

// PlannedRecord is one record a held run or a preview would touch, with what
// names it for the admin: a user's name, role and school; a class's title,
// course and school; who an assignment puts in which class.
type PlannedRecord struct {
	Entity    Entity `json:"entity"`
	Action    string `json:"action"`
	SourcedID string `json:"sourcedId"`
	Line      int    `json:"line,omitempty"`
	Reason    string `json:"reason,omitempty"`
	Name      string `json:"name"`
	Detail    string `json:"detail"`

	// What the planner read for an added record (the roster has nothing yet);
	// the names are resolved from these when the list is stored.
	Role, UserRef, ClassRef, CourseRef, SchoolRef string `json:"-"`
}

// PlannedQuery pages and searches the records a held run or a preview would
// touch: Search matches a name, detail (a school, a class) or sourcedId
// (case-insensitive, anywhere in it); Entity (user, class, course, building,
// assignment, academicSession) and Action (add, update, deactivate, remove,
// reactivate) narrow it when set.
type PlannedQuery struct {
	Search string
	Entity Entity
	Action string
	Offset int
	Limit  int // <= 0: all
}

// RecordPage is one page of the records a held run or a preview would touch
// (a PlannedQuery's answer). Total is how many records match;
// Listed and Changes say whether the plan had more changes than it lists.
type RecordPage struct {
	Records []PlannedRecord
	Total   int
	Listed  int
	Changes int
}

// Truncated tells whether the plan had more changes than its list holds.
func (p RecordPage) Truncated() bool { return p.Changes > p.Listed }
