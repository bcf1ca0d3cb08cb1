package sync

import (
	"context"
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
	wo, err1 := want.db.Orgs(ctx)
	go_, err2 := got.db.Orgs(ctx)
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
	wb, _ := want.db.Buildings(ctx)
	gb, _ := got.db.Buildings(ctx)
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
