package rest

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"
)

// Report is the outcome of a connection test, in plain words.
type Report struct {
	OK         bool   `json:"ok"`
	Steps      []Step `json:"steps"`
	Problem    string `json:"problem,omitempty"`     // what went wrong
	Suggestion string `json:"suggestion,omitempty"`  // what to try
	ServerSays string `json:"server_says,omitempty"` // the server's own description (imsx_description)
	Kind       Kind   `json:"kind,omitempty"`        // the kind of failure
}

// Step is one thing the test did.
type Step struct {
	Name   string `json:"name"`
	OK     bool   `json:"ok"`
	Detail string `json:"detail"`
}

// Text renders the report for the CLI and the connection screen.
func (r *Report) Text() string {
	var b strings.Builder
	for _, s := range r.Steps {
		mark := "✓"
		if !s.OK {
			mark = "✗"
		}
		fmt.Fprintf(&b, "%s %s: %s\n", mark, s.Name, s.Detail)
	}
	if r.OK {
		b.WriteString("The connection works.\n")
		return b.String()
	}
	if n := len(r.Steps); r.Problem != "" && (n == 0 || r.Steps[n-1].Detail != r.Problem) {
		fmt.Fprintf(&b, "Problem: %s\n", r.Problem)
	}
	if r.Suggestion != "" {
		fmt.Fprintf(&b, "Try: %s\n", r.Suggestion)
	}
	return b.String()
}

// Test checks the connection the way a sync will use it: a token (OAuth 2),
// one page of orgs and one page of users. It does not retry long: a test
// should answer quickly.
func Test(ctx context.Context, cfg Config) *Report {
	if cfg.Scrubber == nil {
		cfg.Scrubber = &Scrubber{}
	}
	r := test(ctx, cfg)
	// The server's words may echo the request: no secret or token is shown.
	sc := cfg.Scrubber
	for i := range r.Steps {
		r.Steps[i].Detail = sc.Scrub(r.Steps[i].Detail)
	}
	r.Problem, r.Suggestion, r.ServerSays = sc.Scrub(r.Problem), sc.Scrub(r.Suggestion), sc.Scrub(r.ServerSays)
	return r
}

func test(ctx context.Context, cfg Config) *Report {
	r := &Report{}
	cfg.MaxRetries = 1
	cfg.MaxBackoff = min(cfg.withDefaults().MaxBackoff, 2*time.Second)
	cfg.MaxRetryAfter = 5 * time.Second
	if cfg.Timeout <= 0 || cfg.Timeout > 30*time.Second {
		cfg.Timeout = 30 * time.Second
	}
	c, err := New(cfg)
	if err != nil {
		r.Steps = append(r.Steps, Step{Name: "Settings", Detail: err.Error()})
		r.Problem = err.Error()
		return r
	}
	cfg = c.cfg
	switch cfg.Auth {
	case AuthOAuth1:
		r.Steps = append(r.Steps, Step{Name: "Sign-in", OK: true, Detail: "requests are signed with OAuth 1.0a " + strings.ToUpper(cfg.Signature) + " (no token step)"})
	case AuthBearer:
		r.Steps = append(r.Steps, Step{Name: "Sign-in", OK: true, Detail: "the bearer token is sent with each request"})
	default:
		a := c.auth.(*oauth2Auth)
		tok, err := a.token(ctx)
		if err != nil {
			r.fail("Access token", err, c)
			return r
		}
		d := "got an access token"
		if !tok.Expiry.IsZero() {
			d += " (valid for " + about(time.Until(tok.Expiry)) + ")"
		}
		if c.cfg.SessionCookies && len(c.cookies) > 0 {
			d += fmt.Sprintf(" and %d session cookie(s), sent with every call", len(c.cookies))
		}
		r.Steps = append(r.Steps, Step{Name: "Access token", OK: true, Detail: d})
	}
	for _, s := range []struct{ name, file, noun string }{{"Organizations", "orgs", "orgs"}, {"Users", "users", "users"}} {
		col := Collections[s.file]
		p, err := c.get(ctx, col.File, c.pageURL(col.Path, 5, 0, ""))
		var recs []Record
		if err == nil {
			if recs, err = decodePage(p.body, col); err != nil {
				err = &Error{Kind: KindBadResponse, Op: col.File, URL: p.url.String(), Status: 200, Err: err}
			}
		}
		if err != nil {
			r.fail(s.name, err, c)
			return r
		}
		d := fmt.Sprintf("read %d %s", len(recs), s.noun)
		if t, ok := totalCount(p.header); ok {
			d += fmt.Sprintf(" (the server holds %d)", t)
		}
		if len(recs) > 0 {
			names := []string{}
			for _, rec := range recs[:min(3, len(recs))] {
				n := string(rec.Name)
				if n == "" {
					n = strings.TrimSpace(string(rec.GivenName) + " " + string(rec.FamilyName))
				}
				if n != "" {
					names = append(names, n)
				}
			}
			if len(names) > 0 && s.file == "orgs" {
				d += ": " + strings.Join(names, ", ")
			}
		}
		r.Steps = append(r.Steps, Step{Name: s.name, OK: true, Detail: d})
	}
	r.OK = true
	return r
}

// fail records a failed step with plain words and a suggestion.
func (r *Report) fail(step string, err error, c *Client) {
	r.Problem = err.Error()
	var e *Error
	if !errors.As(err, &e) {
		r.Steps = append(r.Steps, Step{Name: step, Detail: err.Error()})
		return
	}
	r.Kind = e.Kind
	r.ServerSays = e.Description
	r.Steps = append(r.Steps, Step{Name: step, Detail: e.Error()})
	cfg := c.cfg
	switch e.Kind {
	case KindDNS:
		r.Suggestion = "check the host name in the base URL (" + c.base.Host + ") and that this computer can reach it"
	case KindTLS:
		r.Suggestion = "if the district uses its own certificate authority, install it on this computer; check the date and time"
	case KindConnect, KindTimeout:
		r.Suggestion = "check that the server is up and that no firewall or proxy blocks this computer"
	case KindUnauthorized:
		r.Suggestion = "enter the client id and secret again, exactly as the provider issued them"
		if cfg.Auth == AuthOAuth1 {
			r.Suggestion += "; if the provider uses HMAC-SHA1 signatures, choose that method"
		}
	case KindForbidden:
		want := ScopeCore11
		if cfg.Version == "1.2" {
			want = ScopeCore12
		}
		r.Suggestion = "ask the provider to grant this application read access to rostering; with OAuth 2 ask for the scope " + want
	case KindClockSkew:
		r.Suggestion = "set this computer's clock (automatic time); OAuth 1 signatures carry the time"
	case KindToken:
		switch {
		case e.Status == 404 || e.Status == 405:
			r.Suggestion = "check the token URL"
		case e.CodeMinor == "invalid_scope":
			r.Suggestion = "clear the scopes field, or ask the provider which scopes this application has"
		default:
			r.Suggestion = "enter the client id and secret again, and check the token URL"
		}
	case KindNotFound, KindBadResponse:
		if s := c.suggestBase(context.Background()); s != "" {
			r.Suggestion = "use the base URL " + s
		} else {
			root := Root11
			if cfg.Version == "1.2" {
				root = Root12
			}
			r.Suggestion = "the base URL of a OneRoster " + cfg.Version + " server usually ends in " + root
		}
	case KindRateLimited, KindServer:
		r.Suggestion = "the server is busy or failing: try again later"
	}
}

// suggestBase probes the likely right base URLs on the same host and
// returns the first that answers like OneRoster (a list of orgs, or a
// OneRoster refusal); "" when none does.
func (c *Client) suggestBase(ctx context.Context) string {
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	for _, cand := range candidates(c.base, c.cfg.Version) {
		cu, _ := url.Parse(cand)
		pcfg := c.cfg
		pcfg.BaseURL = cand
		probe := &Client{cfg: pcfg, base: cu, auth: c.auth, hc: c.hc, cookies: map[string]string{}}
		c.mu.Lock()
		for k, v := range c.cookies {
			probe.cookies[k] = v
		}
		c.mu.Unlock()
		a, e := probe.once(ctx, "orgs", mustParse(probe.pageURL("/orgs", 1, 0, "")))
		if a == nil {
			continue
		}
		if e == nil {
			if _, err := decodePage(a.body, Collections["orgs"]); err == nil {
				return cand
			}
			continue
		}
		if (e.Kind == KindUnauthorized || e.Kind == KindForbidden) && !isHTML(a.header, a.body) {
			return cand
		}
	}
	return ""
}

func mustParse(s string) *url.URL {
	u, _ := url.Parse(s)
	return u
}

// candidates are base URLs near base that OneRoster servers use.
func candidates(base *url.URL, version string) []string {
	root := base.Scheme + "://" + base.Host
	p := strings.TrimRight(base.Path, "/")
	for _, coll := range []string{"/orgs", "/users", "/schools", "/classes", "/courses", "/enrollments", "/academicSessions"} {
		p = strings.TrimSuffix(p, coll)
	}
	want, other := Root11, Root12
	if version == "1.2" {
		want, other = Root12, Root11
	}
	var out []string
	add := func(s string) {
		s = strings.TrimRight(s, "/")
		if s == strings.TrimRight(base.String(), "/") {
			return
		}
		for _, o := range out {
			if o == s {
				return
			}
		}
		out = append(out, s)
	}
	if i := strings.Index(p, "/ims/oneroster"); i >= 0 {
		prefix := p[:i]
		add(root + prefix + want)
		add(root + prefix + "/ims/oneroster/v1p2")
		add(root + prefix + other)
		return out
	}
	add(root + p + want)
	if version == "1.2" {
		add(root + p + "/campus/api" + want)
	} else {
		add(root + p + "/aeries" + want)
	}
	add(root + want)
	add(root + p + other)
	return out
}
