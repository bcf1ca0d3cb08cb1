package rosterdesk

// LogEntry is one line of a run's log.
type LogEntry struct {
	Severity  string `json:"severity"` // error, warning, info
	Phase     string `json:"phase"`
	File      string `json:"file"`
	Line      int    `json:"line"`
	Column    int    `json:"column"`
	SourcedID string `json:"sourcedId"`
	Field     string `json:"field"`
	Rule      string `json:"rule"`
	Message   string `json:"message"`
	// Name and Raw describe the record of an error or warning about one row:
	// its display name (person: given and family name and role; class or
	// course: title; org: name) and the row as the SIS sent it (a CSV line,
	// or a REST record as JSON). They are the admin's own data, for the
	// report; they never go to the app's log file.
	Name string `json:"name,omitempty"`
	Raw  string `json:"raw,omitempty"`
	// Value is the entry's field in that row, as written.
	Value string `json:"value,omitempty"`
	// Rows is how many rows a correction logged once stands for (0: one).
	Rows int `json:"rows,omitempty"`
}

// LogFilter narrows a run's log. Severity is error, warning, info, change
// or "" for all; Entity is an Entity or ""; Text is searched in the
// message, sourcedId, field and rule.
type LogFilter struct {
	Severity string
	File     string
	Entity   string
	Text     string
}

// LogRow is one line of the full log viewer: a log entry, or a change the
// run made (Severity "change", Rule the action, Message the reason).
type LogRow struct {
	Severity  string
	Entity    string
	File      string
	Line      int
	SourcedID string
	Field     string
	Rule      string
	Message   string
}

// RuleCount is what one rule put in a run's log at one severity.
type RuleCount struct {
	Rule     string
	Severity string
	Count    int      // log entries
	Rows     int      // rows they stand for (a repeated correction is logged once)
	Files    []string // the files they are about, in name order
	Example  LogEntry // the first entry
}
