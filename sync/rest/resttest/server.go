// Package resttest is an in-process OneRoster REST server for tests: it
// serves a district (any OneRoster CSV bundle, such as sync/gen writes) in
// the 1.1 or 1.2 JSON shape, checks OAuth 1.0a signatures the way ClassLink
// computes them, issues and checks OAuth 2 client-credentials tokens (with
// Aeries' load-balancer cookies and Infinite Campus' appName), and can be
// told to misbehave: no paging headers, a silently clamped limit, 429 with
// Retry-After, 500s, an HTML gateway page, a truncated collection, stalls,
// and sessions dropped mid-pull.
package resttest

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"time"
)

// Scopes of the core rostering collections.
const (
	ScopeCore11 = "https://purl.imsglobal.org/spec/or/v1p1/scope/roster-core.readonly"
	ScopeCore12 = "https://purl.imsglobal.org/spec/or/v1p2/scope/roster-core.readonly"
)

// Test credentials. The secret holds characters that must be encoded in
// signatures and Basic auth alike (a space is left out on purpose:
// ClassLink's samples encode it as + in the signing key, RFC 5849 as %20).
const (
	ClientID     = "rosterdesk-client"
	ClientSecret = "s3cr3t/+=&~Zq!x"
)

// Config describes the provider the server imitates.
type Config struct {
	Name      string // for messages
	Version   string // "1.1" or "1.2"
	BasePath  string // where the rostering service lives, e.g. /ims/oneroster/v1p1
	Auth      string // oauth1, oauth2, bearer or none
	ClientID  string
	Secret    string        // OAuth client secret, or the bearer token
	Signature string        // OAuth 1: HMAC-SHA256 (default), HMAC-SHA1, or "any"
	MaxSkew   time.Duration // OAuth 1 timestamp tolerance; default 5 minutes

	TokenPath    string        // OAuth 2 token endpoint
	AppName      string        // the token URL must carry ?appName= (Infinite Campus)
	Scopes       []string      // scopes the client may be granted; others are invalid_scope
	RequireScope bool          // a token request without scope is refused (Aeries)
	TokenTTL     time.Duration // default 1 hour
	Cookies      bool          // token answers set load-balancer cookies that every call must bring back (Aeries)
	RawBasic     bool          // the token endpoint reads Basic credentials without form-decoding them (not RFC 6749)

	Forbid          map[string]bool // collections these credentials may not read (403, missing scope)
	NoUsersEndpoint bool            // /users is 404: only /students and /teachers
	NoFilter        bool            // any filter is refused (400 invalid_filter_field)

	JSONBools  bool // enabledUser and primary as JSON booleans, not strings
	Nulls      bool // empty values as explicit null (Aeries)
	TildeHrefs bool // hrefs as ~/ims/oneroster/… (Aeries)
	MaxLimit   int  // the largest page it serves, silently; default 10000

	Modified string // dateLastModified of loaded records without one
}

// ClassLinkDirect is a ClassLink Roster Server reached directly: OneRoster
// 1.1 with OAuth 1.0a HMAC-SHA256 signatures.
func ClassLinkDirect() Config {
	return Config{Name: "ClassLink", Version: "1.1", BasePath: "/ims/oneroster/v1p1", Auth: "oauth1", Signature: "HMAC-SHA256"}
}

// ClassLinkProxy is ClassLink's OneRoster proxy: a bearer token under /{appId}.
func ClassLinkProxy() Config {
	return Config{Name: "ClassLink proxy", Version: "1.1", BasePath: "/a1b2c3/ims/oneroster/v1p1", Auth: "bearer"}
}

// InfiniteCampus is Campus' OneRoster 1.2: OAuth 2 with appName on the token URL.
func InfiniteCampus() Config {
	return Config{Name: "Infinite Campus", Version: "1.2", BasePath: "/campus/api/ims/oneroster/rostering/v1p2", Auth: "oauth2",
		TokenPath: "/campus/oauth2/token", AppName: "rosterdesk", Scopes: []string{ScopeCore12}, JSONBools: true}
}

// PowerSchool is the PowerSchool OneRoster plug-in: OAuth 2, 1.1, and a page
// size setting that clamps limit silently.
func PowerSchool() Config {
	return Config{Name: "PowerSchool", Version: "1.1", BasePath: "/ims/oneroster/v1p1", Auth: "oauth2",
		TokenPath: "/oauth/access_token/", MaxLimit: 500}
}

// Aeries is Aeries' OneRoster 1.1: OAuth 2 with a mandatory scope,
// load-balancer cookies, explicit nulls and ~/ hrefs.
func Aeries() Config {
	return Config{Name: "Aeries", Version: "1.1", BasePath: "/aeries/ims/oneroster/v1p1", Auth: "oauth2", TokenPath: "/aeries/token",
		Scopes: []string{ScopeCore11, "https://purl.imsglobal.org/spec/or/v1p1/scope/roster.readonly"}, RequireScope: true,
		TokenTTL: 21600 * time.Second, Cookies: true, Nulls: true, TildeHrefs: true}
}

// Generic11 is a plain OneRoster 1.1 server signing with HMAC-SHA1.
func Generic11() Config {
	return Config{Name: "OneRoster 1.1", Version: "1.1", BasePath: "/ims/oneroster/v1p1", Auth: "oauth1", Signature: "HMAC-SHA1"}
}

// Generic12 is a plain OneRoster 1.2 server with OAuth 2.
func Generic12() Config {
	return Config{Name: "OneRoster 1.2", Version: "1.2", BasePath: "/ims/oneroster/rostering/v1p2", Auth: "oauth2",
		TokenPath: "/oauth/token", Scopes: []string{ScopeCore12}}
}

// Faults make the server misbehave. Counts are used up as calls come.
type Faults struct {
	NoPagingHeaders bool           // send neither X-Total-Count nor Link
	NoLink          bool           // send X-Total-Count but no Link
	Clamp           int            // serve at most this many records per page, whatever limit asks
	RateLimit       int            // answer the next N API calls with 429
	RetryAfter      string         // the 429's Retry-After (default "1")
	Fail500         int            // answer the next N API calls with 500
	FailAlways      string         // answer every call of this collection with 500
	Gateway         int            // answer the next N API calls with a 502 HTML page
	Hang            int            // the next N API calls stall for HangFor first
	HangFor         time.Duration  // default 2 seconds
	Truncate        map[string]int // collection → records left out while X-Total-Count still counts them
	DropSessionsAt  int            // at this API call, forget every token and session (a load balancer restart)
	IgnoreOffset    bool           // always serve the first page
	// AfterPage runs after each page of a collection is served (offset is
	// where the page started): a test changes the data between pages there,
	// as a server that rebuilds its views during a pull does.
	AfterPage func(collection string, offset, served int)
}

// Take removes a record from a collection, as a view rebuild does for a
// while; put puts it back. ok is false when there is no such record.
func (s *Server) Take(collection, id string) (put func(), ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, r := range s.data[collection] {
		if r.id == id {
			s.data[collection] = append(s.data[collection][:i:i], s.data[collection][i+1:]...)
			return func() {
				s.mu.Lock()
				defer s.mu.Unlock()
				s.data[collection] = append(s.data[collection], r)
				sortRecords(s.data[collection])
			}, true
		}
	}
	return func() {}, false
}

// Request is one call the server saw.
type Request struct {
	Method, Path, Query string
	Auth                string // the Authorization scheme: OAuth, Bearer, Basic or ""
	Cookies             []string
	Status              int
}

type record struct {
	id, status, modified string
	f                    map[string]string
	roles                []map[string]string // 1.2 users: roles.csv rows
}

type session struct {
	expires time.Time
	cookies map[string]string
}

// Server is a running test server.
type Server struct {
	*httptest.Server
	cfg Config
	now func() time.Time

	mu       sync.Mutex
	data     map[string][]*record
	faults   Faults
	tokens   map[string]session
	nonces   map[string]bool
	calls    int
	tokenN   int
	requests []Request
}

// New starts a server imitating cfg; Close it when done.
func New(cfg Config) *Server {
	if cfg.Version != "1.2" {
		cfg.Version = "1.1"
	}
	if cfg.ClientID == "" {
		cfg.ClientID = ClientID
	}
	if cfg.Secret == "" {
		cfg.Secret = ClientSecret
	}
	if cfg.MaxSkew == 0 {
		cfg.MaxSkew = 5 * time.Minute
	}
	if cfg.TokenTTL == 0 {
		cfg.TokenTTL = time.Hour
	}
	if cfg.MaxLimit == 0 {
		cfg.MaxLimit = 10000
	}
	if cfg.Signature == "" {
		cfg.Signature = "HMAC-SHA256"
	}
	if cfg.Modified == "" {
		cfg.Modified = "2026-11-23T06:00:00.000Z"
	}
	s := &Server{cfg: cfg, now: time.Now, data: map[string][]*record{}, tokens: map[string]session{}, nonces: map[string]bool{}}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	return s
}

// NewTLS is New over HTTPS with httptest's self-signed certificate (which
// clients do not trust unless given s.Client()).
func NewTLS(cfg Config) *Server {
	s := New(cfg)
	s.Server.Close()
	s.Server = httptest.NewTLSServer(http.HandlerFunc(s.serve))
	return s
}

func scheme(r *http.Request) string {
	if r.TLS != nil {
		return "https"
	}
	return "http"
}

// Config is what the server imitates.
func (s *Server) Config() Config { return s.cfg }

// BaseURL is the rostering service's root.
func (s *Server) BaseURL() string { return s.URL + s.cfg.BasePath }

// TokenURL is the OAuth 2 token endpoint, with appName when it needs one.
func (s *Server) TokenURL() string {
	if s.cfg.TokenPath == "" {
		return ""
	}
	u := s.URL + s.cfg.TokenPath
	if s.cfg.AppName != "" {
		u += "?appName=" + url.QueryEscape(s.cfg.AppName)
	}
	return u
}

// SetFaults replaces the faults in force.
func (s *Server) SetFaults(f Faults) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = f
}

// Calls is how many API calls (not token calls) the server answered.
func (s *Server) Calls() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls
}

// Tokens is how many tokens the server issued.
func (s *Server) Tokens() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.tokenN
}

// Requests lists every call so far.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// Count is how many records a collection holds (tombstones included).
func (s *Server) Count(collection string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.data[collection])
}
