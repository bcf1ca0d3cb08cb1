package sync

import (
	"strings"

	"rosterdesk"
)

// causePrefix is the word the engine starts a run's message with for its
// status (recordEvent, hold, replanned).
var causePrefix = map[rosterdesk.Status]string{
	rosterdesk.StatusHeld:    "Held — ",
	rosterdesk.StatusSkipped: "skipped:",
	rosterdesk.StatusMissed:  "missed:",
}

// Cause is why the run ended as it did, in a line: its message's first line
// without the status word it starts with.
func (r Result) Cause() string {
	line, _, _ := strings.Cut(r.Message, "\n")
	return strings.TrimSpace(strings.TrimPrefix(line, causePrefix[r.Status]))
}
