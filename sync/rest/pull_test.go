package rest

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	gosync "sync"
	"testing"
	"time"

	"rosterdesk/sync/gen"
	"rosterdesk/sync/rest/resttest"
)

var districts gosync.Map // version → folder

// district writes a small generated district once per version.
func district(t *testing.T, version string) string {
	t.Helper()
	if d, ok := districts.Load(version); ok {
		return d.(string)
	}
	dir, err := os.MkdirTemp("", "rest-district-")
	if err != nil {
		t.Fatal(err)
	}
	d := gen.Generate(gen.Config{Seed: 3, Schools: 2, Students: 60, Teachers: 6, Admins: 2, Aides: 1, Guardians: 8, Version: version})
	if err := d.Write(dir, gen.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	districts.Store(version, dir)
	return dir
}

func TestMain(m *testing.M) {
	code := m.Run()
	districts.Range(func(_, v any) bool { os.RemoveAll(v.(string)); return true })
	os.Exit(code)
}

func serve(t *testing.T, cfg resttest.Config) *resttest.Server {
	t.Helper()
	s := resttest.New(cfg)
	t.Cleanup(s.Close)
	if err := s.Load(district(t, s.Config().Version)); err != nil {
		t.Fatal(err)
	}
	return s
}

// sleeps records the waits between retries instead of sleeping.
type sleeps struct {
	mu gosync.Mutex
	d  []time.Duration
}

func (s *sleeps) sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.d = append(s.d, d)
	s.mu.Unlock()
	return ctx.Err()
}

func configFor(s *resttest.Server) Config {
	sc := s.Config()
	cfg := Config{BaseURL: s.BaseURL(), Version: sc.Version, Auth: Auth(sc.Auth), ClientID: sc.ClientID, ClientSecret: sc.Secret,
		TokenURL: s.TokenURL(), Signature: sc.Signature, SessionCookies: sc.Cookies, PageSize: 40,
		Timeout: 2 * time.Second, Backoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond}
	if len(sc.Scopes) > 0 {
		cfg.Scopes = sc.Scopes[:1]
	}
	return cfg
}

func client(t *testing.T, cfg Config) *Client {
	t.Helper()
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func pull(c *Client, file string) ([]string, PullStats, error) {
	var ids []string
	st, err := c.Pull(context.Background(), Collections[file], "", func(r *Record) error { ids = append(ids, r.ID()); return nil }, nil)
	return ids, st, err
}

func checkAll(t *testing.T, s *resttest.Server, file string, ids []string) {
	t.Helper()
	if len(ids) != s.Count(file) {
		t.Fatalf("%s: %d records, the server holds %d", file, len(ids), s.Count(file))
	}
	seen := map[string]bool{}
	for _, id := range ids {
		if seen[id] {
			t.Fatalf("%s: %s twice", file, id)
		}
		seen[id] = true
	}
}

func TestEveryProviderPullsEverything(t *testing.T) {
	for _, cfg := range []resttest.Config{resttest.ClassLinkDirect(), resttest.ClassLinkProxy(), resttest.InfiniteCampus(),
		resttest.PowerSchool(), resttest.Aeries(), resttest.Generic11(), resttest.Generic12()} {
		t.Run(cfg.Name, func(t *testing.T) {
			s := serve(t, cfg)
			c := client(t, configFor(s))
			for _, file := range []string{"orgs", "academicSessions", "courses", "classes", "users", "enrollments"} {
				ids, st, err := pull(c, file)
				if err != nil {
					t.Fatalf("%s: %v", file, err)
				}
				checkAll(t, s, file, ids)
				if st.Total != s.Count(file) {
					t.Errorf("%s: total %d", file, st.Total)
				}
			}
			if cfg.Cookies {
				for _, r := range s.Requests() {
					if r.Path != cfg.TokenPath && len(r.Cookies) != 2 {
						t.Fatalf("call %s %s without the token's cookies: %v", r.Path, r.Query, r.Cookies)
					}
				}
			}
		})
	}
}

func TestPagingWithoutHeadersAndClamped(t *testing.T) {
	for name, f := range map[string]resttest.Faults{
		"no headers":             {NoPagingHeaders: true},
		"no headers, clamped":    {NoPagingHeaders: true, Clamp: 7},
		"count only, clamped":    {NoLink: true, Clamp: 7},
		"link, clamped":          {Clamp: 7},
		"no headers, exact page": {NoPagingHeaders: true, Clamp: 10}, // users: a multiple of 10? either way complete
	} {
		t.Run(name, func(t *testing.T) {
			s := serve(t, resttest.Generic12())
			s.SetFaults(f)
			c := client(t, configFor(s))
			for _, file := range []string{"users", "enrollments", "orgs"} {
				ids, _, err := pull(c, file)
				if err != nil {
					t.Fatal(err)
				}
				checkAll(t, s, file, ids)
			}
		})
	}
}

func TestRetryHonoursRetryAfter(t *testing.T) {
	s := serve(t, resttest.ClassLinkDirect())
	s.SetFaults(resttest.Faults{RateLimit: 2, RetryAfter: "7"})
	var sl sleeps
	cfg := configFor(s)
	cfg.Sleep = sl.sleep
	ids, _, err := pull(client(t, cfg), "orgs")
	if err != nil {
		t.Fatal(err)
	}
	checkAll(t, s, "orgs", ids)
	if len(sl.d) != 2 || sl.d[0] < 7*time.Second || sl.d[1] < 7*time.Second {
		t.Fatalf("waits %v: want two of at least Retry-After 7s", sl.d)
	}
	// An HTTP-date Retry-After too.
	s.SetFaults(resttest.Faults{RateLimit: 1, RetryAfter: time.Now().Add(30 * time.Second).UTC().Format(http.TimeFormat)})
	sl.d = nil
	if _, _, err := pull(client(t, cfg), "orgs"); err != nil {
		t.Fatal(err)
	}
	if len(sl.d) != 1 || sl.d[0] < 25*time.Second {
		t.Fatalf("waits %v", sl.d)
	}
	// Longer than the run will wait: fails at once, saying so.
	s.SetFaults(resttest.Faults{RateLimit: 1, RetryAfter: "3600"})
	_, _, err = pull(client(t, cfg), "orgs")
	var e *Error
	if !errors.As(err, &e) || e.Kind != KindRateLimited || !strings.Contains(err.Error(), "wait 1h0m0s") {
		t.Fatalf("err %v", err)
	}
}

func TestRetriesThenGivesUp(t *testing.T) {
	s := serve(t, resttest.PowerSchool())
	var sl sleeps
	cfg := configFor(s)
	cfg.Sleep = sl.sleep
	cfg.MaxRetries = 3
	// 500s and a gateway page, then it works.
	s.SetFaults(resttest.Faults{Fail500: 2, Gateway: 1})
	ids, _, err := pull(client(t, cfg), "users")
	if err != nil {
		t.Fatal(err)
	}
	checkAll(t, s, "users", ids)
	if len(sl.d) != 3 {
		t.Fatalf("waits %v", sl.d)
	}
	// Backoff doubles (with jitter between half and all of it).
	for i, d := range sl.d {
		if hi := cfg.Backoff << i; d < hi/2 || d > hi {
			t.Errorf("wait %d = %v, want within [%v, %v]", i, d, hi/2, hi)
		}
	}
	// A collection that always fails: given up after the retries, named.
	s.SetFaults(resttest.Faults{FailAlways: "enrollments"})
	_, _, err = pull(client(t, cfg), "enrollments")
	var e *Error
	if !errors.As(err, &e) || e.Kind != KindServer || e.Attempts != 4 || e.Op != "enrollments" {
		t.Fatalf("err %#v", err)
	}
	if !strings.Contains(err.Error(), "enrollments: the server kept failing (HTTP 500) (4 tries); the server says: An internal error occurred") {
		t.Errorf("words: %v", err)
	}
}

func TestTimeoutIsRetried(t *testing.T) {
	s := serve(t, resttest.Generic12())
	s.SetFaults(resttest.Faults{Hang: 1, HangFor: 3 * time.Second})
	cfg := configFor(s)
	cfg.Timeout = 150 * time.Millisecond
	ids, _, err := pull(client(t, cfg), "orgs")
	if err != nil {
		t.Fatal(err)
	}
	checkAll(t, s, "orgs", ids)
	s.SetFaults(resttest.Faults{Hang: 10, HangFor: 3 * time.Second})
	cfg.MaxRetries = 1
	_, _, err = pull(client(t, cfg), "orgs")
	var e *Error
	if !errors.As(err, &e) || e.Kind != KindTimeout || e.Attempts != 2 {
		t.Fatalf("err %v", err)
	}
}

func TestTruncatedCollection(t *testing.T) {
	for name, f := range map[string]resttest.Faults{"link": {}, "count only": {NoLink: true}} {
		t.Run(name, func(t *testing.T) {
			s := serve(t, resttest.ClassLinkDirect())
			f.Truncate = map[string]int{"users": 5}
			s.SetFaults(f)
			ids, _, err := pull(client(t, configFor(s)), "users")
			var inc *IncompleteError
			if !errors.As(err, &inc) || inc.Collection != "users" || inc.Missing() != 5 || inc.Got != len(ids) {
				t.Fatalf("err %v (%d ids)", err, len(ids))
			}
			if !strings.Contains(err.Error(), "users: the server said it holds") || !strings.Contains(err.Error(), "5 missing") {
				t.Errorf("words: %v", err)
			}
		})
	}
}

func TestServerIgnoringOffset(t *testing.T) {
	s := serve(t, resttest.Generic12())
	s.SetFaults(resttest.Faults{NoPagingHeaders: true, IgnoreOffset: true})
	_, _, err := pull(client(t, configFor(s)), "users")
	if err == nil || !strings.Contains(err.Error(), "ignores offset") {
		t.Fatalf("err %v", err)
	}
}

func TestPageCap(t *testing.T) {
	s := serve(t, resttest.Generic12())
	cfg := configFor(s)
	cfg.MaxPages = 1
	_, _, err := pull(client(t, cfg), "users")
	var pc *PageCapError
	if !errors.As(err, &pc) || pc.Pages != 1 {
		t.Fatalf("err %v", err)
	}
}

func TestTokenRenewedOn401AndDroppedSessions(t *testing.T) {
	s := serve(t, resttest.Aeries())
	s.SetFaults(resttest.Faults{DropSessionsAt: 2})
	c := client(t, configFor(s))
	ids, _, err := pull(c, "users")
	if err != nil {
		t.Fatal(err)
	}
	checkAll(t, s, "users", ids)
	if s.Tokens() != 2 {
		t.Fatalf("tokens %d, want 2 (one renewed after the sessions were dropped)", s.Tokens())
	}
	// Without the cookies the load balancer refuses every call.
	cfg := configFor(s)
	cfg.SessionCookies = false
	_, _, err = pull(client(t, cfg), "users")
	var e *Error
	if !errors.As(err, &e) || e.Kind != KindUnauthorized || !strings.Contains(err.Error(), "cookie") {
		t.Fatalf("err %v", err)
	}
}

func TestTokenErrorsInWords(t *testing.T) {
	s := serve(t, resttest.Aeries())
	cfg := configFor(s)
	cfg.Scopes = nil
	_, _, err := pull(client(t, cfg), "orgs")
	if err == nil || !strings.Contains(err.Error(), "refused the scopes") || !strings.Contains(err.Error(), "at least one scope is required") {
		t.Fatalf("no scope: %v", err)
	}
	cfg = configFor(s)
	cfg.ClientSecret = "wrong"
	_, _, err = pull(client(t, cfg), "orgs")
	if err == nil || !strings.Contains(err.Error(), "refused the client id or secret") {
		t.Fatalf("bad secret: %v", err)
	}
	ic := serve(t, resttest.InfiniteCampus())
	cfg = configFor(ic)
	cfg.TokenURL = ic.URL + ic.Config().TokenPath // no appName
	_, _, err = pull(client(t, cfg), "orgs")
	if err == nil || !strings.Contains(err.Error(), "appName") {
		t.Fatalf("no appName: %v", err)
	}
}

func TestConnectionReports(t *testing.T) {
	ctx := context.Background()
	s := serve(t, resttest.ClassLinkDirect())
	r := Test(ctx, configFor(s))
	if !r.OK || len(r.Steps) != 3 || !strings.Contains(r.Text(), "read 3 orgs") {
		t.Fatalf("good connection:\n%s", r.Text())
	}

	check := func(name string, cfg Config, kind Kind, words ...string) {
		t.Helper()
		r := Test(ctx, cfg)
		if r.OK || r.Kind != kind {
			t.Fatalf("%s: kind %q\n%s", name, r.Kind, r.Text())
		}
		for _, w := range words {
			if !strings.Contains(r.Text(), w) {
				t.Errorf("%s: report lacks %q:\n%s", name, w, r.Text())
			}
		}
	}
	cfg := configFor(s)
	cfg.ClientSecret = "wrong"
	check("401", cfg, KindUnauthorized, "refused the credentials (HTTP 401)", "Invalid signature")

	cfg = configFor(s)
	cfg.Now = func() time.Time { return time.Now().Add(20 * time.Minute) }
	check("clock", cfg, KindClockSkew, "clock is about 20 minutes ahead of the server's", "Invalid timestamp")

	cfg = configFor(s)
	cfg.BaseURL = s.URL
	check("base path", cfg, KindNotFound, "is not there (HTTP 404)", "use the base URL "+s.URL+"/ims/oneroster/v1p1")

	ic := serve(t, resttest.InfiniteCampus())
	cfg = configFor(ic)
	cfg.BaseURL = ic.URL + "/campus/api/ims/oneroster/v1p1"
	check("version path", cfg, KindNotFound, "use the base URL "+ic.URL+"/campus/api/ims/oneroster/rostering/v1p2")

	fc := resttest.Generic12()
	fc.Forbid = map[string]bool{"users": true}
	f := serve(t, fc)
	check("403", configFor(f), KindForbidden, "✓ Organizations", "HTTP 403", "Insufficient scope", "roster-core.readonly")

	g := serve(t, resttest.Generic12())
	g.SetFaults(resttest.Faults{Gateway: 5})
	check("gateway", configFor(g), KindServer, "HTTP 502", `a web page titled "502 Bad Gateway"`, "try again later")

	cfg = configFor(s)
	cfg.BaseURL = "https://roster.district.invalid/ims/oneroster/v1p1"
	cfg.HTTPClient = &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		return nil, &net.OpError{Op: "dial", Net: network, Err: &net.DNSError{Err: "no such host", Name: "roster.district.invalid", IsNotFound: true}}
	}}}
	check("dns", cfg, KindDNS, "cannot find the server roster.district.invalid")

	tl := resttest.NewTLS(resttest.ClassLinkDirect())
	t.Cleanup(tl.Close)
	cfg = configFor(tl)
	check("tls", cfg, KindTLS, "secure connection", "not signed by an authority this computer trusts")
}

func TestWriteBundle(t *testing.T) {
	s := serve(t, resttest.Generic12())
	c := client(t, configFor(s))
	dir := t.TempDir()
	headers := map[string][]string{}
	for _, f := range []string{"orgs", "academicSessions", "courses", "classes", "users", "enrollments", "roles"} {
		headers[f] = gen.Header("1.2", f)
	}
	stats, err := c.WriteBundle(context.Background(), BundleSpec{Dir: dir, Version: "1.2", Files: []string{"orgs", "academicSessions", "courses", "classes", "users", "enrollments"},
		Header: func(f string) []string { return headers[f] }, SystemName: "test"})
	if err != nil {
		t.Fatal(err)
	}
	if len(stats) != 6 {
		t.Fatalf("stats %+v", stats)
	}
	src := district(t, "1.2")
	for _, f := range []string{"orgs", "academicSessions", "courses", "classes", "users", "enrollments", "roles"} {
		want, _ := os.ReadFile(filepath.Join(src, f+".csv"))
		got, err := os.ReadFile(filepath.Join(dir, f+".csv"))
		if err != nil {
			t.Fatal(err)
		}
		if f == "roles" {
			// Role sourcedIds are made up (REST roles have none): compare the rest.
			if strings.Count(string(got), "\n") != strings.Count(string(want), "\n") {
				t.Errorf("roles: %d lines vs %d", strings.Count(string(got), "\n"), strings.Count(string(want), "\n"))
			}
			continue
		}
		if string(got) != string(want) {
			t.Errorf("%s.csv differs from the generated file", f)
		}
	}
	m, _ := os.ReadFile(filepath.Join(dir, "manifest.csv"))
	if !strings.Contains(string(m), "file.users,bulk") || !strings.Contains(string(m), "oneroster.version,1.2") || !strings.Contains(string(m), "file.roles,bulk") {
		t.Errorf("manifest:\n%s", m)
	}
}

// TestTokenServerWithoutFormDecoding: a token server that reads Basic
// credentials as they are (not RFC 6749) still gives a token for a secret
// with + / = &, after one refused try, and the style that worked is kept.
func TestTokenServerWithoutFormDecoding(t *testing.T) {
	cfg := resttest.PowerSchool()
	cfg.RawBasic = true
	s := serve(t, cfg)
	c := client(t, configFor(s))
	for _, file := range []string{"orgs", "users"} {
		ids, _, err := pull(c, file)
		if err != nil {
			t.Fatal(err)
		}
		checkAll(t, s, file, ids)
	}
	refused := 0
	for _, r := range s.Requests() {
		if r.Path == cfg.TokenPath && r.Status == 401 {
			refused++
		}
	}
	if refused != 1 || s.Tokens() != 1 {
		t.Fatalf("%d refused token calls, %d tokens", refused, s.Tokens())
	}
}

// TestUsersFromStudentsAndTeachers: a server without /users is read through
// /students and /teachers.
func TestUsersFromStudentsAndTeachers(t *testing.T) {
	cfg := resttest.InfiniteCampus()
	cfg.NoUsersEndpoint = true
	s := serve(t, cfg)
	c := client(t, configFor(s))
	roles := map[string]int{}
	st, err := c.PullAll(context.Background(), Collections["users"], "", func(r *Record) error { roles[role11(r.primaryRole().Role)]++; return nil }, nil)
	if err != nil {
		t.Fatal(err)
	}
	if roles["student"] == 0 || roles["teacher"] == 0 || len(roles) != 2 || st.Rows != roles["student"]+roles["teacher"] || st.Total != st.Rows {
		t.Fatalf("roles %v stats %+v", roles, st)
	}
}

// TestTokenEndpointFailing: a failing token endpoint is retried in its own
// loop, not again by every call waiting for the token.
func TestTokenEndpointFailing(t *testing.T) {
	s := serve(t, resttest.Generic12())
	cfg := configFor(s)
	cfg.TokenURL = s.URL + "/nowhere" // 404 HTML: not retried
	_, _, err := pull(client(t, cfg), "orgs")
	var e *Error
	if !errors.As(err, &e) || e.Kind != KindToken || !strings.Contains(err.Error(), "token URL is probably wrong") {
		t.Fatalf("err %v", err)
	}
	if n := len(s.Requests()); n != 1 {
		t.Fatalf("%d calls for a wrong token URL", n)
	}
}

// Pages fetched ahead are the pages the pull reads: each asked for once, in
// order, none beyond the end, whether the next address comes from Link,
// from X-Total-Count or the server clamps the page size; the records are
// all there, in the server's order.
func TestPagesFetchedAheadAreThePagesPulled(t *testing.T) {
	for name, f := range map[string]resttest.Faults{
		"link": {}, "count only": {NoLink: true}, "link, clamped": {Clamp: 7}, "count only, clamped": {NoLink: true, Clamp: 7},
	} {
		t.Run(name, func(t *testing.T) {
			s := serve(t, resttest.Generic11())
			s.SetFaults(f)
			cfg := configFor(s)
			cfg.PageSize = 9
			c := client(t, cfg)
			for _, file := range []string{"users", "enrollments"} {
				before := len(s.Requests())
				ids, st, err := pull(c, file)
				if err != nil {
					t.Fatal(err)
				}
				checkAll(t, s, file, ids)
				var offsets []string
				for _, r := range s.Requests()[before:] {
					q, _ := url.ParseQuery(r.Query)
					offsets = append(offsets, q.Get("offset"))
				}
				per := 9
				if f.Clamp > 0 {
					per = f.Clamp
				}
				var want []string
				for off := 0; off < s.Count(file); off += per {
					want = append(want, strconv.Itoa(off))
				}
				if strings.Join(offsets, ",") != strings.Join(want, ",") || st.Pages != len(want) {
					t.Errorf("%s: %d pages, asked for offsets %v, want %v", file, st.Pages, offsets, want)
				}
			}
		})
	}
}
