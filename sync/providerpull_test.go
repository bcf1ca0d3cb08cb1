package sync

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"rosterdesk"
	"rosterdesk/sync/gen"
	"rosterdesk/sync/rest"
	"rosterdesk/sync/rest/resttest"
)

// TestProviderPullEqualsCSVImport pulls the same generated district from
// every provider type and checks the roster equals a CSV import of it,
// record by record.
func TestProviderPullEqualsCSVImport(t *testing.T) {
	mockKeychain(t)
	fastREST(t)
	for _, version := range []string{"1.1", "1.2"} {
		dir, _ := smallDistrict(t, version)
		want := csvImport(t, dir)
		for _, pc := range []struct {
			typ string
			cfg resttest.Config
		}{
			{"classlink", resttest.ClassLinkDirect()}, {"classlink", resttest.ClassLinkProxy()}, {"infinitecampus", resttest.InfiniteCampus()},
			{"powerschool", resttest.PowerSchool()}, {"aeries", resttest.Aeries()}, {"oneroster11", resttest.Generic11()},
			{"oneroster12", resttest.Generic12()},
		} {
			if pc.cfg.Version != version {
				continue
			}
			t.Run(pc.cfg.Name, func(t *testing.T) {
				s := resttest.New(pc.cfg)
				defer s.Close()
				if err := s.Load(dir); err != nil {
					t.Fatal(err)
				}
				e := newEngine(t)
				setProvider(t, e, s, pc.typ)
				mustProviderSync(t, e, rosterdesk.ScopeBuildings)
				res := mustProviderSync(t, e, rosterdesk.ScopeUsersCourses)
				if res.Errors != 0 {
					t.Fatalf("%d errors: %+v", res.Errors, findLog(res.Log, SevError, "", ""))
				}
				for _, en := range res.Log {
					if strings.HasSuffix(en.File, ".csv") && en.File != "manifest.csv" {
						t.Errorf("log names a file, not a collection: %+v", en)
					}
				}
				sameRoster(t, want, e)
				// The run remembers its provider, and a full pull.
				if last, _ := e.Setting(context.Background(), KeyProviderLastFull); last == "" {
					t.Error("last full pull not recorded")
				}
			})
		}
	}
}

// TestProviderFaultsThatRecover: rate limits with Retry-After, 500s, an HTML
// gateway, a clamped limit without paging headers and dropped sessions all
// end in a complete, applied run.
func TestProviderFaultsThatRecover(t *testing.T) {
	mockKeychain(t)
	waits := fastREST(t)
	dir, _ := smallDistrict(t, "1.1")
	want := csvImport(t, dir)
	for name, f := range map[string]resttest.Faults{
		"429 with Retry-After":        {RateLimit: 3, RetryAfter: "2"},
		"500 and a gateway page":      {Fail500: 2, Gateway: 1},
		"no paging headers, clamped":  {NoPagingHeaders: true, Clamp: 17},
		"dropped sessions (cookies)":  {DropSessionsAt: 4},
		"count only, clamped, 500 in": {NoLink: true, Clamp: 23, Fail500: 1},
	} {
		t.Run(name, func(t *testing.T) {
			s := resttest.New(resttest.Aeries())
			defer s.Close()
			if err := s.Load(dir); err != nil {
				t.Fatal(err)
			}
			e := newEngine(t)
			setProvider(t, e, s, "aeries")
			mustProviderSync(t, e, rosterdesk.ScopeBuildings)
			*waits = nil
			s.SetFaults(f)
			mustProviderSync(t, e, rosterdesk.ScopeUsersCourses)
			sameRoster(t, want, e)
			if f.RateLimit > 0 {
				if len(*waits) != f.RateLimit {
					t.Fatalf("waits %v", *waits)
				}
				for _, w := range *waits {
					if w < 2*time.Second {
						t.Errorf("waited %v, less than Retry-After", w)
					}
				}
			}
			if f.DropSessionsAt > 0 && s.Tokens() < 3 {
				t.Errorf("tokens %d: the dropped session was not renewed", s.Tokens())
			}
		})
	}
}

// TestProviderFaultsThatFail: a truncated collection or a page that fails
// for good applies nothing, deactivates nobody, and the failed run's log
// names the collection and how many rows were missing.
func TestProviderFaultsThatFail(t *testing.T) {
	mockKeychain(t)
	fastREST(t)
	dir, _ := smallDistrict(t, "1.2")
	s := resttest.New(resttest.InfiniteCampus())
	defer s.Close()
	if err := s.Load(dir); err != nil {
		t.Fatal(err)
	}
	e := newEngine(t)
	setProvider(t, e, s, "infinitecampus")
	mustProviderSync(t, e, rosterdesk.ScopeBuildings)
	mustProviderSync(t, e, rosterdesk.ScopeUsersCourses)
	before, err := e.db.Dump(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	// Every pull from here is a full one: the worst case for a truncated users list.
	if _, err := e.SetSetting(context.Background(), KeyProviderFullEvery, "0"); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name   string
		f      resttest.Faults
		file   string
		rule   string
		words  []string
		errAs  any
		missed int
	}{
		{"truncated users", resttest.Faults{Truncate: map[string]int{"users": 40}}, "users", "rest.incomplete",
			[]string{"users came back incomplete", "40 rows are missing", "nobody was deactivated"}, &rest.IncompleteError{}, 40},
		{"truncated users, count only", resttest.Faults{NoLink: true, Truncate: map[string]int{"users": 1}}, "users", "rest.incomplete",
			[]string{"1 rows are missing"}, &rest.IncompleteError{}, 1},
		{"enrollments fail for good", resttest.Faults{FailAlways: "enrollments"}, "enrollments", "rest.server",
			[]string{"enrollments: the server kept failing (HTTP 500)", "nothing was applied"}, &rest.Error{}, 0},
		{"rate limited past patience", resttest.Faults{RateLimit: 1, RetryAfter: "86400"}, "orgs", "rest.rate_limited",
			[]string{"asks to wait 24h0m0s"}, &rest.Error{}, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s.SetFaults(c.f)
			res, err := e.SyncProvider(context.Background(), Options{Scope: rosterdesk.ScopeUsersCourses})
			s.SetFaults(resttest.Faults{})
			if err == nil || res == nil || res.Status != rosterdesk.StatusFailed {
				t.Fatalf("res %+v err %v", res, err)
			}
			switch c.errAs.(type) {
			case *rest.IncompleteError:
				var inc *rest.IncompleteError
				if !errors.As(err, &inc) || inc.Missing() != c.missed {
					t.Fatalf("err %v", err)
				}
			case *rest.Error:
				var re *rest.Error
				if !errors.As(err, &re) {
					t.Fatalf("err %v", err)
				}
			}
			en := findLog(res.Log, SevError, c.file, c.rule)
			if en == nil || en.Phase != "pull" {
				t.Fatalf("no %s error on %s in %+v", c.rule, c.file, res.Log)
			}
			for _, w := range c.words {
				if !says(en.Message, w) {
					t.Errorf("log %q lacks %q", en.Message, w)
				}
			}
			// The stored log says the same.
			var stored []rosterdesk.LogEntry
			if _, err := e.RunLog(context.Background(), res.ID, func(l rosterdesk.LogEntry) error { stored = append(stored, l); return nil }); err != nil {
				t.Fatal(err)
			}
			if findLog(stored, SevError, c.file, c.rule) == nil {
				t.Errorf("stored log lacks it: %+v", stored)
			}
			after, _ := e.db.Dump(context.Background())
			if stripRuns(after) != stripRuns(before) {
				t.Fatal("a failed pull changed the roster")
			}
		})
	}
	// Fixed, it syncs.
	mustProviderSync(t, e, rosterdesk.ScopeUsersCourses)
}

// stripRuns drops the run bookkeeping from a dump: the roster itself must not change.
func stripRuns(dump string) string {
	var b strings.Builder
	skip := false
	for _, l := range strings.Split(dump, "\n") {
		if strings.HasPrefix(l, "== ") {
			t := strings.TrimPrefix(l, "== ")
			skip = t == "runs" || t == "run_log" || t == "settings" || t == "setting_changes" || t == "log" || strings.HasPrefix(t, "run")
		}
		if !skip {
			b.WriteString(l + "\n")
		}
	}
	return b.String()
}

// TestProviderDeltaPulls: between full pulls only changed records are asked
// for (filter dateLastModified>'…') and written as delta files; with
// tombstones the roster then equals a CSV import of the next day; without
// them the next full pull catches the deletions.
func TestProviderDeltaPulls(t *testing.T) {
	mockKeychain(t)
	fastREST(t)
	for _, version := range []string{"1.1", "1.2"} {
		for _, tombstones := range []bool{true, false} {
			name := version + map[bool]string{true: " tombstones", false: " deletions dropped"}[tombstones]
			t.Run(name, func(t *testing.T) {
				dir0, d0 := smallDistrict(t, version)
				d1 := gen.NextDay(d0, 12)
				dir1 := filepath.Join(t.TempDir(), "day1")
				delta := filepath.Join(t.TempDir(), "delta")
				if err := d1.Write(dir1, gen.WriteOptions{}); err != nil {
					t.Fatal(err)
				}
				if err := gen.WriteDelta(d0, d1, delta, gen.WriteOptions{}); err != nil {
					t.Fatal(err)
				}
				want := csvImport(t, dir0)
				mustSync(t, want, dir1, rosterdesk.ScopeUsersCourses) // day 0, then day 1's bulk bundle
				cfg := resttest.Generic12()
				typ := "oneroster12"
				if version == "1.1" {
					cfg, typ = resttest.ClassLinkDirect(), "classlink"
				}
				cfg.Modified = "2026-11-01T00:00:00.000Z" // day 0's records are older than the first pull
				s := resttest.New(cfg)
				defer s.Close()
				if err := s.Load(dir0); err != nil {
					t.Fatal(err)
				}
				e := newEngine(t)
				setProvider(t, e, s, typ)
				mustProviderSync(t, e, rosterdesk.ScopeBuildings)
				mustProviderSync(t, e, rosterdesk.ScopeUsersCourses)
				if err := s.ApplyDelta(delta, tombstones); err != nil {
					t.Fatal(err)
				}
				calls := len(s.Requests())
				res := mustProviderSync(t, e, rosterdesk.ScopeUsersCourses)
				if res.Errors != 0 {
					t.Fatalf("delta: %d errors %+v", res.Errors, findLog(res.Log, SevError, "", ""))
				}
				filtered := 0
				for _, r := range s.Requests()[calls:] {
					if strings.Contains(r.Query, "filter=dateLastModified") {
						filtered++
					}
				}
				if filtered < 6 {
					t.Fatalf("%d filtered calls: not a delta pull", filtered)
				}
				if res.Counts.Users.Added == 0 || res.Counts.Assignments.Added == 0 {
					t.Fatalf("delta counts %+v", res.Counts)
				}
				if tombstones {
					sameRoster(t, want, e)
					return
				}
				// Deleted records stay until the next full pull.
				if len(rosterState(t, e)["users"]) == 0 {
					t.Fatal("empty")
				}
				gone := 0
				ws, gs := rosterState(t, want)["users"], rosterState(t, e)["users"]
				for id, st := range ws {
					if !st.Active && gs[id].Active {
						gone++
					}
				}
				if gone == 0 {
					t.Fatal("expected users still active after a delta pull that could not see their deletion")
				}
				if _, err := e.SetSetting(context.Background(), KeyProviderLastFull, "2026-01-01T00:00:00Z"); err != nil {
					t.Fatal(err)
				}
				res = mustProviderSync(t, e, rosterdesk.ScopeUsersCourses)
				if res.Counts.Users.Deactivated == 0 {
					t.Fatalf("full pull counts %+v", res.Counts)
				}
				sameRoster(t, want, e)
			})
		}
	}
}

func TestPullSince(t *testing.T) {
	e := newEngine(t)
	ctx := context.Background()
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	p := ProviderSettings{FullEveryDays: 7}
	if since, why := e.pullSince(ctx, p, rosterdesk.ScopeUsers, now); !since.IsZero() || !strings.Contains(why, "no full pull") {
		t.Fatal(since, why)
	}
	e.SetSetting(ctx, KeyProviderLastFull, "2026-11-20T06:00:00Z")
	e.SetSetting(ctx, KeyProviderFullScope, "users+courses")
	e.SetSetting(ctx, KeyProviderLastPull, "2026-11-22T06:00:00Z")
	since, _ := e.pullSince(ctx, p, rosterdesk.ScopeUsers, now)
	if !since.Equal(time.Date(2026, 11, 22, 5, 50, 0, 0, time.UTC)) {
		t.Fatal(since)
	}
	if since, _ := e.pullSince(ctx, p, rosterdesk.ScopeBuildings, now); !since.IsZero() {
		t.Fatal("a building sync is always full")
	}
	if since, why := e.pullSince(ctx, p, rosterdesk.ScopeUsersCourses, now.Add(5*24*time.Hour)); !since.IsZero() || !strings.Contains(why, "every 7 days") {
		t.Fatal(since, why)
	}
	e.SetSetting(ctx, KeyProviderFullScope, "users")
	if since, why := e.pullSince(ctx, p, rosterdesk.ScopeUsersCourses, now); !since.IsZero() || !strings.Contains(why, "users only") {
		t.Fatal(since, why)
	}
	if since, _ := e.pullSince(ctx, ProviderSettings{FullEveryDays: 0}, rosterdesk.ScopeUsers, now); !since.IsZero() {
		t.Fatal("0 days: always full")
	}
}

// TestProviderDeltaWithoutChanges: a delta pull in which nothing changed is
// an applied run that changes nothing, not a refused empty source.
func TestProviderDeltaWithoutChanges(t *testing.T) {
	mockKeychain(t)
	fastREST(t)
	dir, _ := smallDistrict(t, "1.2")
	cfg := resttest.Generic12()
	cfg.Modified = "2026-11-01T00:00:00.000Z"
	s := resttest.New(cfg)
	defer s.Close()
	s.Load(dir)
	e := newEngine(t)
	setProvider(t, e, s, "oneroster12")
	mustProviderSync(t, e, rosterdesk.ScopeBuildings)
	mustProviderSync(t, e, rosterdesk.ScopeUsersCourses)
	for _, scope := range []rosterdesk.Scope{rosterdesk.ScopeUsersCourses, rosterdesk.ScopeUsers} {
		res := mustProviderSync(t, e, scope)
		if res.Errors != 0 || res.Counts != (rosterdesk.Counts{}) {
			t.Fatalf("%s: %+v", scope, res.Counts)
		}
	}
}

// TestProviderTruncatedWithoutCount: a server that sends no count cannot
// be caught short by the client, but the input-drop safeguard holds the run
// before anyone is deactivated.
func TestProviderTruncatedWithoutCount(t *testing.T) {
	mockKeychain(t)
	fastREST(t)
	dir, _ := smallDistrict(t, "1.1")
	s := resttest.New(resttest.Generic11())
	defer s.Close()
	s.Load(dir)
	e := newEngine(t)
	guardsDefault(t, e)
	setProvider(t, e, s, "oneroster11")
	mustProviderSync(t, e, rosterdesk.ScopeBuildings)
	mustProviderSync(t, e, rosterdesk.ScopeUsersCourses)
	before := rosterState(t, e)
	e.SetSetting(context.Background(), KeyProviderFullEvery, "0")
	s.SetFaults(resttest.Faults{NoPagingHeaders: true, Truncate: map[string]int{"users": 80}})
	res, err := e.SyncProvider(context.Background(), Options{Scope: rosterdesk.ScopeUsersCourses})
	if !IsHeld(err) || res == nil || res.Status != rosterdesk.StatusHeld {
		t.Fatalf("res %+v err %v", res, err)
	}
	diffStates(t, before, rosterState(t, e))
}

// TestProviderDeltaFilterRefused: a server that refuses the delta filter is
// pulled in full instead.
func TestProviderDeltaFilterRefused(t *testing.T) {
	mockKeychain(t)
	fastREST(t)
	dir, _ := smallDistrict(t, "1.1")
	cfg := resttest.PowerSchool()
	cfg.NoFilter = true
	s := resttest.New(cfg)
	defer s.Close()
	s.Load(dir)
	e := newEngine(t)
	setProvider(t, e, s, "powerschool")
	mustProviderSync(t, e, rosterdesk.ScopeBuildings)
	mustProviderSync(t, e, rosterdesk.ScopeUsersCourses)
	first, _ := e.Setting(context.Background(), KeyProviderLastFull)
	e.SetSetting(context.Background(), KeyProviderLastFull, "2026-11-22T06:00:00Z")
	res := mustProviderSync(t, e, rosterdesk.ScopeUsersCourses)
	if res.Errors != 0 || res.Counts.Users.Deactivated != 0 {
		t.Fatalf("%+v", res.Counts)
	}
	if last, _ := e.Setting(context.Background(), KeyProviderLastFull); last == "2026-11-22T06:00:00Z" || last < first {
		t.Fatalf("the fallback full pull was not recorded as full: %s", last)
	}
}
