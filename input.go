package rosterdesk

// Mode is how a file's rows relate to the roster.
type Mode string

const (
	ModeBulk   Mode = "bulk"   // the complete current set
	ModeDelta  Mode = "delta"  // only changed rows
	ModeAbsent Mode = "absent" // not supplied: the roster keeps what it has
)

// Input is what a run read of one file, kept to judge the next run's input.
type Input struct {
	Rows   int      `json:"rows"`
	Header []string `json:"header"`
	Mode   Mode     `json:"mode"`
}
