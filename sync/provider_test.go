package sync

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/zalando/go-keyring"

	"rosterdesk"
	"rosterdesk/sync/gen"
	"rosterdesk/sync/rest"
	"rosterdesk/sync/rest/resttest"
)

// fastREST makes retries instant for the duration of a test, recording the waits.
func fastREST(t *testing.T) *[]time.Duration {
	t.Helper()
	var waits []time.Duration
	restTune = func(c *rest.Config) {
		c.Backoff, c.MaxBackoff, c.Timeout = time.Millisecond, 2*time.Millisecond, 3*time.Second
		c.Sleep = func(ctx context.Context, d time.Duration) error { waits = append(waits, d); return ctx.Err() }
	}
	t.Cleanup(func() { restTune = nil })
	return &waits
}

// mockKeychain puts an in-memory keychain in place of the OS one.
func mockKeychain(t *testing.T) {
	t.Helper()
	keyring.MockInit()
	t.Setenv(EnvClientSecret, "")
	t.Cleanup(func() { sessionSecrets.Range(func(k, _ any) bool { sessionSecrets.Delete(k); return true }) })
}

// providerFor is the settings that reach s as the given type.
func providerFor(s *resttest.Server, typ string) ProviderSettings {
	c := s.Config()
	p := ProviderSettings{Type: typ, BaseURL: s.BaseURL(), ClientID: c.ClientID, Auth: c.Auth, PageSize: 50, FullEveryDays: 7}
	if c.Auth == "oauth2" {
		p.TokenURL = s.TokenURL()
		if typ == "infinitecampus" {
			p.TokenURL, p.AppName = s.URL+c.TokenPath, c.AppName // the app name goes on by itself
		}
	}
	if c.Auth == "oauth1" {
		p.Signature = c.Signature
	}
	return p
}

func setProvider(t *testing.T, e *Engine, s *resttest.Server, typ string) {
	t.Helper()
	st, err := e.SaveProvider(context.Background(), providerFor(s, typ), resttest.ClientSecret)
	if err != nil {
		t.Fatal(err)
	}
	if st.Where != "keychain" {
		t.Fatalf("secret stored in %q", st.Where)
	}
}

func mustProviderSync(t *testing.T, e *Engine, scope rosterdesk.Scope) *Result {
	t.Helper()
	res, err := e.SyncProvider(context.Background(), Options{Scope: scope})
	if err != nil {
		t.Fatalf("provider sync %s: %v", scope, err)
	}
	if res.Status != rosterdesk.StatusApplied {
		t.Fatalf("status %s: %s", res.Status, res.Message)
	}
	return res
}

// smallDistrict writes a generated district (bulk CSV folder).
func smallDistrict(t *testing.T, version string) (string, *gen.District) {
	t.Helper()
	cfg := gen.Config{Seed: 11, Schools: 3, Students: 150, Teachers: 10, Admins: 2, Aides: 2, Guardians: 20, Version: version}
	d := gen.Generate(cfg)
	dir := filepath.Join(t.TempDir(), "district")
	if err := d.Write(dir, gen.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	return dir, d
}

// csvImport syncs a bundle folder into a fresh roster: buildings, then users and courses.
func csvImport(t *testing.T, dir string) *Engine {
	t.Helper()
	e := newEngine(t)
	mustSync(t, e, dir, rosterdesk.ScopeBuildings)
	if res := mustSync(t, e, dir, rosterdesk.ScopeUsersCourses); res.Errors != 0 {
		t.Fatalf("CSV import: %d errors", res.Errors)
	}
	return e
}

// sameRoster compares two rosters record by record: every OneRoster table,
// the orgs and the buildings.
func sameRoster(t *testing.T, want, got *Engine) {
	t.Helper()
	diffStates(t, rosterState(t, want), rosterState(t, got))
	ctx := context.Background()
	wo, err1 := want.DB.Orgs(ctx)
	go_, err2 := got.DB.Orgs(ctx)
	if err1 != nil || err2 != nil {
		t.Fatal(err1, err2)
	}
	if len(wo) != len(go_) {
		t.Errorf("orgs: %d vs %d", len(wo), len(go_))
	}
	for id, o := range wo {
		if go_[id] != o {
			t.Errorf("org %s: %+v vs %+v", id, o, go_[id])
		}
	}
	wb, _ := want.DB.Buildings(ctx)
	gb, _ := got.DB.Buildings(ctx)
	if len(wb) != len(gb) {
		t.Errorf("buildings: %d vs %d", len(wb), len(gb))
	}
	for i := range wb {
		if i < len(gb) && (wb[i].SISID != gb[i].SISID || wb[i].Name != gb[i].Name || wb[i].Active != gb[i].Active) {
			t.Errorf("building %d: %+v vs %+v", i, wb[i], gb[i])
		}
	}
	if a, b := roster(t, want), roster(t, got); a.Users.Active != b.Users.Active || a.Assignments.Active != b.Assignments.Active {
		t.Errorf("roster counts %+v vs %+v", a, b)
	}
}

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
	before, err := e.DB.Dump(context.Background())
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
				if !strings.Contains(en.Message, w) {
					t.Errorf("log %q lacks %q", en.Message, w)
				}
			}
			// The stored log says the same.
			var stored []rosterdesk.LogEntry
			if _, err := e.RunLog(context.Background(), res.RunID, func(l rosterdesk.LogEntry) error { stored = append(stored, l); return nil }); err != nil {
				t.Fatal(err)
			}
			if findLog(stored, SevError, c.file, c.rule) == nil {
				t.Errorf("stored log lacks it: %+v", stored)
			}
			after, _ := e.DB.Dump(context.Background())
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

// TestSecretOnlyInKeychain: the secret is in the keychain and nowhere in the
// roster file (settings, runs, logs), even after failed runs.
func TestSecretOnlyInKeychain(t *testing.T) {
	mockKeychain(t)
	fastREST(t)
	dir, _ := smallDistrict(t, "1.1")
	s := resttest.New(resttest.PowerSchool())
	defer s.Close()
	s.Load(dir)
	e := newEngine(t)
	setProvider(t, e, s, "powerschool")
	if got, err := keyring.Get(keychainService, e.secretAccount()); err != nil || got != resttest.ClientSecret {
		t.Fatalf("keychain holds %q %v", got, err)
	}
	mustProviderSync(t, e, rosterdesk.ScopeBuildings)
	mustProviderSync(t, e, rosterdesk.ScopeUsersCourses)
	s.SetFaults(resttest.Faults{FailAlways: "users"})
	e.SyncProvider(context.Background(), Options{Scope: rosterdesk.ScopeUsersCourses})
	s.SetFaults(resttest.Faults{})
	if r, err := e.TestConnection(context.Background()); err != nil || !r.OK {
		t.Fatalf("test connection %v %+v", err, r)
	}
	all, _ := e.AllSettings(context.Background())
	for k, v := range all {
		if strings.Contains(v, resttest.ClientSecret) {
			t.Errorf("setting %s holds the secret", k)
		}
	}
	e.Close()
	for _, suffix := range []string{"", "-wal", "-shm", "-journal"} {
		b, err := os.ReadFile(e.DB.Path + suffix)
		if err != nil {
			continue
		}
		for _, form := range []string{resttest.ClientSecret, "s3cr3t"} {
			if bytes.Contains(b, []byte(form)) {
				t.Fatalf("%s holds the secret", filepath.Base(e.DB.Path+suffix))
			}
		}
	}
}

// TestNoKeychain: where no keychain works the secret is kept for this
// session only and the admin is told; a later process takes it from the
// environment or from the caller.
func TestNoKeychain(t *testing.T) {
	mockKeychain(t)
	fastREST(t)
	keyring.MockInitWithError(errors.New("org.freedesktop.secrets was not provided by any .service files"))
	t.Cleanup(keyring.MockInit)
	dir, _ := smallDistrict(t, "1.1")
	s := resttest.New(resttest.Generic11())
	defer s.Close()
	s.Load(dir)
	e := newEngine(t)
	st, err := e.SaveProvider(context.Background(), providerFor(s, "oneroster11"), resttest.ClientSecret)
	if err != nil {
		t.Fatal(err)
	}
	if st.Where != "session" || !strings.Contains(st.Note, "no OS keychain") || !strings.Contains(st.Note, EnvClientSecret) {
		t.Fatalf("status %+v", st)
	}
	mustProviderSync(t, e, rosterdesk.ScopeBuildings) // this session still has it
	sessionSecrets.Delete(e.secretAccount())
	_, err = e.SyncProvider(context.Background(), Options{Scope: rosterdesk.ScopeUsers})
	if !IsRefused(err) || !strings.Contains(err.Error(), "no OS keychain") {
		t.Fatalf("without a secret: %v", err)
	}
	mustProviderSyncCtx(t, e, WithClientSecret(context.Background(), resttest.ClientSecret+"\n"), rosterdesk.ScopeUsers)
	t.Setenv(EnvClientSecret, resttest.ClientSecret)
	mustProviderSync(t, e, rosterdesk.ScopeUsers)
	if st := e.SecretStatus(context.Background()); st.Where != "environment" {
		t.Fatalf("status %+v", st)
	}
}

func mustProviderSyncCtx(t *testing.T, e *Engine, ctx context.Context, scope rosterdesk.Scope) {
	t.Helper()
	res, err := e.SyncProvider(ctx, Options{Scope: scope})
	if err != nil || res.Status != rosterdesk.StatusApplied {
		t.Fatalf("%v %+v", err, res)
	}
}

func TestProviderSettingsChecked(t *testing.T) {
	mockKeychain(t)
	e := newEngine(t)
	ctx := context.Background()
	for _, c := range []struct {
		p    ProviderSettings
		want string
	}{
		{ProviderSettings{Type: "skyward", BaseURL: "https://x.example/ims/oneroster/v1p1"}, "not one of"},
		{ProviderSettings{Type: "classlink", BaseURL: "http://x.example/ims/oneroster/v1p1", ClientID: "a"}, "not https"},
		{ProviderSettings{Type: "infinitecampus", BaseURL: "https://x.example/campus/api/ims/oneroster/rostering/v1p2", ClientID: "a"}, "appName"},
		{ProviderSettings{Type: "oneroster12", BaseURL: "https://x.example/ims/oneroster/rostering/v1p2", ClientID: "a"}, "token URL"},
		{ProviderSettings{Type: "powerschool", BaseURL: "https://x.example/ims/oneroster/v1p1", ClientID: "a", Auth: "oauth1"}, "does not use oauth1"},
		{ProviderSettings{Type: "classlink", BaseURL: "https://x.example/ims/oneroster/v1p1"}, "client id"},
	} {
		if _, err := e.SaveProvider(ctx, c.p, ""); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: %v, want %q", c.p, err, c.want)
		}
	}
	// Defaults filled from the type.
	p := ProviderSettings{Type: "infinitecampus", BaseURL: "https://d.example/campus/api/ims/oneroster/rostering/v1p2", ClientID: "a", AppName: "app"}
	cfg, err := p.restConfig("s")
	if err != nil || cfg.TokenURL != "https://d.example/campus/oauth2/token?appName=app" || cfg.Version != "1.2" || cfg.Scopes[0] != rest.ScopeCore12 {
		t.Fatalf("%+v %v", cfg, err)
	}
	p = ProviderSettings{Type: "aeries", BaseURL: "https://d.example/aeries/ims/oneroster/v1p1", ClientID: "a"}
	if cfg, _ := p.restConfig("s"); cfg.TokenURL != "https://d.example/aeries/token" || !cfg.SessionCookies || cfg.Scopes[0] != rest.ScopeCore11 {
		t.Fatalf("%+v", cfg)
	}
	p = ProviderSettings{Type: "classlink", BaseURL: "https://oneroster-proxy.classlink.io/app1/ims/oneroster/v1p1"}
	if cfg, err := p.restConfig("tok"); err != nil || cfg.Auth != rest.AuthBearer {
		t.Fatalf("%+v %v", cfg, err)
	}
	if _, err := e.SyncProvider(ctx, Options{Scope: rosterdesk.ScopeBuildings}); !IsRefused(err) || !strings.Contains(err.Error(), "no OneRoster REST provider") {
		t.Fatalf("unconfigured: %v", err)
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
