package sync

import (
	"context"
	"strings"
	"testing"

	"rosterdesk"
)

func TestRetentionSetting(t *testing.T) {
	e := newEngine(t)
	ctx := context.Background()
	if v, err := e.Setting(ctx, KeyLogRetention); err != nil || v != "100" {
		t.Fatalf("default %q %v", v, err)
	}
	for _, bad := range []string{"0", "-3", "ten", "", "2.5"} {
		if _, err := e.SetSetting(ctx, KeyLogRetention, bad); err == nil || !strings.Contains(err.Error(), KeyLogRetention) {
			t.Errorf("%q accepted (%v)", bad, err)
		}
	}
	if v, err := e.SetSetting(ctx, KeyLogRetention, " 7 "); err != nil || v != "7" || e.logRetention(ctx) != 7 {
		t.Fatalf("set 7: %q %v", v, err)
	}
}

// TestRetentionKeepsTheNewestLogs: with log.retention_runs = 2, the third
// applied run deletes the first run's log; its history row and counts stay.
func TestRetentionKeepsTheNewestLogs(t *testing.T) {
	e := newEngine(t)
	ctx := context.Background()
	if _, err := e.SetSetting(ctx, KeyLogRetention, "2"); err != nil {
		t.Fatal(err)
	}
	d := district()
	src := d.with("users.csv", d["users.csv"]+user("x1", "sch1", "wizard", "Zed")).zip(t, "") // one rejected row: every run logs it
	r1 := mustSync(t, e, src, rosterdesk.ScopeBuildings)
	r2 := mustSync(t, e, src, rosterdesk.ScopeUsersCourses)
	logged := func(id int64) int {
		n, err := e.db.LogSeverityCounts(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		return n[SevError] + n[SevWarning] + n[SevInfo]
	}
	before1, before2 := logged(r1.ID), logged(r2.ID)
	if before1 == 0 || before2 == 0 {
		t.Fatalf("the fixture's runs must log something: %d, %d", before1, before2)
	}
	r3 := mustSync(t, e, src, rosterdesk.ScopeUsersCourses)

	if n := logged(r1.ID); n != 0 {
		t.Fatalf("run %d still has %d log entries", r1.ID, n)
	}
	if n := logged(r2.ID); n != before2 {
		t.Fatalf("run %d kept %d of %d log entries", r2.ID, n, before2)
	}
	if logged(r3.ID) == 0 {
		t.Fatalf("the newest run lost its log")
	}
	hist, err := e.History(ctx, 0, 0)
	if err != nil || len(hist) != 3 {
		t.Fatalf("history %v %v", hist, err)
	}
	first := hist[2]
	if first.ID != r1.ID || first.Status != rosterdesk.StatusApplied || first.Counts != r1.Counts || first.Counts.Buildings.Added != 2 {
		t.Fatalf("run 1 in the history: %+v, want counts %+v", first, r1.Counts)
	}
	// What run 1 changed stays too: it is the audit, not the log.
	var adds int
	if _, err := e.RunChanges(ctx, r1.ID, func(a rosterdesk.Audit) error { adds++; return nil }); err != nil || adds != 2 {
		t.Fatalf("run 1 changes after retention: %d %v", adds, err)
	}
}
