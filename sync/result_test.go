package sync

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"rosterdesk"
)

// A Result prints as `sync --json` always printed a run: times as fixed-width
// UTC text ("" when not stamped), no source or message when there is none.
func TestResultJSONShape(t *testing.T) {
	at := time.Date(2026, 11, 23, 6, 0, 1, 234567890, time.FixedZone("EST", -5*3600))
	r := FromRun(rosterdesk.Run{ID: 7, Status: rosterdesk.StatusHeld, Scope: rosterdesk.ScopeUsers, Trigger: rosterdesk.TriggerAutomated,
		Source: "/in/OneRoster.zip", StartedAt: at, FinishedAt: at.Add(time.Second), Errors: 1, Warnings: 2, Message: "Held",
		Counts: rosterdesk.Counts{Users: rosterdesk.UserCounts{Deactivated: 3}}, Tripped: []rosterdesk.Trip{{Entity: "users", Action: "deactivate", Limit: "10%"}},
		Options: rosterdesk.RunOptions{Provider: "not printed"}})
	b, err := json.Marshal(r)
	want := `{"run_id":7,"status":"held","scope":"users","trigger":"automated","source":"/in/OneRoster.zip",` +
		`"started_at":"2026-11-23T11:00:01.234Z","finished_at":"2026-11-23T11:00:02.234Z","errors":1,"warnings":2,` +
		`"counts":{"buildings":{"added":0,"updated":0,"deactivated":0},"users":{"added":0,"updated":0,"deactivated":3,"reactivated":0,"ignored":0,"skipped":0,"errors":0},` +
		`"courses":{"added":0,"updated":0,"removed":0,"errors":0},"classes":{"added":0,"updated":0,"removed":0,"errors":0},"assignments":{"added":0,"updated":0,"removed":0,"errors":0}},` +
		`"message":"Held","tripped":[{"entity":"users","action":"deactivate","limit":"10%","reason":""}],"counts_are":"planned"}`
	if err != nil || string(b) != want {
		t.Fatalf("got %s %v\nwant %s", b, err, want)
	}
	b, _ = json.Marshal(&Result{Run: rosterdesk.Run{Status: rosterdesk.StatusRefused, Scope: rosterdesk.ScopeUsers, Trigger: rosterdesk.TriggerManual}})
	if !strings.HasPrefix(string(b), `{"run_id":0,"status":"refused","scope":"users","trigger":"manual","started_at":"","finished_at":"","errors":0,"warnings":0,`) ||
		!strings.HasSuffix(string(b), `}},"counts_are":""}`) {
		t.Fatalf("refused: %s", b)
	}
}
