package sync

import (
	"testing"

	"rosterdesk"
)

// A run's cause is its message's first line without the status word the
// engine starts it with.
func TestResultCause(t *testing.T) {
	for _, c := range []struct {
		r    Result
		want string
	}{
		{Result{Run: rosterdesk.Run{Status: rosterdesk.StatusSkipped, Message: "skipped: paused from 2026-06-10 until 2026-08-20"}}, "paused from 2026-06-10 until 2026-08-20"},
		{Result{Run: rosterdesk.Run{Status: rosterdesk.StatusMissed, Message: "missed: RosterDesk was not running at 06:00 UTC"}}, "RosterDesk was not running at 06:00 UTC"},
		{Result{Run: rosterdesk.Run{Status: rosterdesk.StatusHeld, Message: "Held — planned again: the roster changed"}}, "planned again: the roster changed"},
		{Result{Run: rosterdesk.Run{Status: rosterdesk.StatusFailed, Message: "users.csv line 3: bad\nmore detail"}}, "users.csv line 3: bad"},
		{Result{Run: rosterdesk.Run{Status: rosterdesk.StatusRefused, Message: "skipped: not a status word for a refusal"}}, "skipped: not a status word for a refusal"},
		{Result{Run: rosterdesk.Run{Status: rosterdesk.StatusApplied}}, ""},
	} {
		if got := c.r.Cause(); got != c.want {
			t.Errorf("%s %q: cause %q, want %q", c.r.Status, c.r.Message, got, c.want)
		}
	}
}
