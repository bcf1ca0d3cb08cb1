package sync

import (
	"context"
	"path/filepath"
	"testing"

	"rosterdesk"
	"rosterdesk/data"
	"rosterdesk/sync/gen"
)

// rosterState is every OneRoster record's fingerprint and active flag, by table.
func rosterState(t *testing.T, e *Engine) map[string]map[string]data.State {
	t.Helper()
	out := map[string]map[string]data.State{}
	for _, tbl := range data.Tables {
		st, err := e.db.LoadState(context.Background(), tbl)
		if err != nil {
			t.Fatal(err)
		}
		for k, v := range st {
			v.ID = 0 // ids depend on insertion order
			st[k] = v
		}
		out[tbl.Name] = st
	}
	return out
}

func diffStates(t *testing.T, a, b map[string]map[string]data.State) {
	t.Helper()
	for table, sa := range a {
		sb := b[table]
		if len(sa) != len(sb) {
			t.Errorf("%s: %d records vs %d", table, len(sa), len(sb))
		}
		n := 0
		for id, x := range sa {
			if y, ok := sb[id]; !ok || x != y {
				if n++; n <= 5 {
					t.Errorf("%s %s: %+v vs %+v (present %v)", table, id, x, y, ok)
				}
			}
		}
	}
}

// TestGeneratedDistrictBulkAndDeltaAgree syncs a generated district, then the
// next day both as a bulk bundle and as a delta bundle, into two rosters; the
// two must end identical record by record, and match the generator's truth.
func TestGeneratedDistrictBulkAndDeltaAgree(t *testing.T) {
	for _, version := range []string{"1.1", "1.2"} {
		t.Run(version, func(t *testing.T) {
			cfg := gen.Small()
			cfg.Seed, cfg.Version = 7, version
			d0 := gen.Generate(cfg)
			d1 := gen.NextDay(d0, 8)
			dir := t.TempDir()
			day0, bulk1, delta1 := filepath.Join(dir, "day0.zip"), filepath.Join(dir, "day1.zip"), filepath.Join(dir, "day1-delta.zip")
			if err := d0.WriteZip(day0, gen.WriteOptions{}); err != nil {
				t.Fatal(err)
			}
			if err := d1.WriteZip(bulk1, gen.WriteOptions{}); err != nil {
				t.Fatal(err)
			}
			if err := gen.WriteDeltaZip(d0, d1, delta1, gen.WriteOptions{}); err != nil {
				t.Fatal(err)
			}
			a, b := newEngine(t), newEngine(t)
			for _, e := range []*Engine{a, b} {
				mustSync(t, e, day0, rosterdesk.ScopeBuildings)
				res := mustSync(t, e, day0, rosterdesk.ScopeUsersCourses)
				if res.Errors != 0 {
					t.Fatalf("day 0: %d errors, first %+v", res.Errors, findLog(res.Log, SevError, "", "").Message)
				}
			}
			// A no-change resync changes nothing.
			if res := mustSync(t, a, day0, rosterdesk.ScopeUsersCourses); res.Counts.Users.Added+res.Counts.Users.Updated+res.Counts.Users.Deactivated+
				res.Counts.Assignments.Added+res.Counts.Assignments.Removed+res.Counts.Assignments.Updated != 0 {
				t.Fatalf("no-change resync %+v", res.Counts)
			}
			ra := mustSync(t, a, bulk1, rosterdesk.ScopeUsersCourses)
			rb := mustSync(t, b, delta1, rosterdesk.ScopeUsersCourses)
			if ra.Errors != 0 || rb.Errors != 0 {
				t.Fatalf("day 1 errors: bulk %d delta %d (%+v)", ra.Errors, rb.Errors, rb.Log)
			}
			if ra.Counts.Users.Deactivated == 0 || ra.Counts.Users.Added == 0 || ra.Counts.Assignments.Removed == 0 {
				t.Fatalf("next day changed too little to test: %+v", ra.Counts)
			}
			// Skipped differs by design: a bulk file lists every guardian, a delta only changed ones.
			ra.Counts.Users.Skipped, rb.Counts.Users.Skipped = 0, 0
			if ra.Counts.Users != rb.Counts.Users || ra.Counts.Assignments != rb.Counts.Assignments || ra.Counts.Classes != rb.Counts.Classes {
				t.Errorf("bulk and delta counts differ:\nbulk  %+v\ndelta %+v", ra.Counts, rb.Counts)
			}
			diffStates(t, rosterState(t, a), rosterState(t, b))

			// The roster holds exactly the generator's students and staff, and its enrollments.
			want := 0
			for _, u := range d1.Users {
				if !skippedRoles[u.Role] && u.EnabledUser {
					want++
				}
			}
			rc := roster(t, a)
			if rc.Users.Active != want || rc.Assignments.Active != len(d1.Enrollments) || rc.Classes.Active != len(d1.Classes) {
				t.Fatalf("roster %+v; want %d users, %d enrollments, %d classes", rc, want, len(d1.Enrollments), len(d1.Classes))
			}
		})
	}
}
