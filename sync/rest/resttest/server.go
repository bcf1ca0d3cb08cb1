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
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
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

// ExpireTokens makes every issued token invalid (the next call gets 401).
func (s *Server) ExpireTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tokens = map[string]session{}
}

// Load replaces the data with a OneRoster CSV bundle folder (bulk).
func (s *Server) Load(dir string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.data = map[string][]*record{}
	for _, file := range []string{"orgs", "academicSessions", "courses", "classes", "users", "enrollments"} {
		rows, err := readCSV(filepath.Join(dir, file+".csv"))
		if err != nil {
			return err
		}
		for _, r := range rows {
			s.data[file] = append(s.data[file], &record{id: r["sourcedId"], status: "active", modified: or(r["dateLastModified"], s.cfg.Modified), f: r})
		}
		sortRecords(s.data[file])
	}
	if s.cfg.Version == "1.2" {
		rows, err := readCSV(filepath.Join(dir, "roles.csv"))
		if err != nil {
			return err
		}
		byUser := map[string]*record{}
		for _, u := range s.data["users"] {
			byUser[u.id] = u
		}
		for _, r := range rows {
			if u := byUser[r["userSourcedId"]]; u != nil {
				u.roles = append(u.roles, r)
			}
		}
	}
	return nil
}

// ApplyDelta changes the data by a delta bundle folder: active rows are
// added or replaced with their dateLastModified; tobedeleted rows become
// tombstones (status tobedeleted) when tombstones is true, else they vanish
// (as many providers do). A 1.2 role change marks its user modified.
func (s *Server) ApplyDelta(dir string, tombstones bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, file := range []string{"orgs", "academicSessions", "courses", "classes", "users", "enrollments", "roles"} {
		rows, err := readCSV(filepath.Join(dir, file+".csv"))
		if err != nil {
			return err
		}
		if file == "roles" {
			s.applyRoles(rows)
			continue
		}
		idx := map[string]int{}
		for i, r := range s.data[file] {
			idx[r.id] = i
		}
		for _, r := range rows {
			id, st, mod := r["sourcedId"], r["status"], r["dateLastModified"]
			i, ok := idx[id]
			switch {
			case st == "tobedeleted" && ok && tombstones:
				s.data[file][i].status, s.data[file][i].modified = "tobedeleted", mod
			case st == "tobedeleted" && ok:
				s.data[file][i] = nil
			case st != "tobedeleted" && ok:
				old := s.data[file][i]
				s.data[file][i] = &record{id: id, status: "active", modified: mod, f: r, roles: old.roles}
			case st != "tobedeleted":
				s.data[file] = append(s.data[file], &record{id: id, status: "active", modified: mod, f: r})
				idx[id] = len(s.data[file]) - 1
			}
		}
		kept := s.data[file][:0]
		for _, r := range s.data[file] {
			if r != nil {
				kept = append(kept, r)
			}
		}
		s.data[file] = kept
		sortRecords(s.data[file])
	}
	return nil
}

func (s *Server) applyRoles(rows []map[string]string) {
	users := map[string]*record{}
	for _, u := range s.data["users"] {
		users[u.id] = u
	}
	for _, r := range rows {
		u := users[r["userSourcedId"]]
		if u == nil {
			continue
		}
		kept := u.roles[:0]
		for _, old := range u.roles {
			if old["sourcedId"] != r["sourcedId"] {
				kept = append(kept, old)
			}
		}
		u.roles = kept
		if r["status"] != "tobedeleted" {
			u.roles = append(u.roles, r)
		}
		if u.status == "active" && r["dateLastModified"] > u.modified {
			u.modified = r["dateLastModified"]
		}
	}
}

func sortRecords(rs []*record) { sort.Slice(rs, func(i, j int) bool { return rs[i].id < rs[j].id }) }

func or(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// readCSV reads a CSV file into maps by header name; a missing file is no rows.
func readCSV(p string) ([]map[string]string, error) {
	f, err := os.Open(p)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1
	hdr, err := r.Read()
	if err == io.EOF {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []map[string]string
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		m := make(map[string]string, len(hdr))
		for i, h := range hdr {
			if i < len(rec) {
				m[h] = rec[i]
			}
		}
		out = append(out, m)
	}
}

// serve routes: the token endpoint, the rostering collections, else 404.
func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	rw := &recorder{ResponseWriter: w, status: 200}
	defer func() {
		var cookies []string
		for _, c := range r.Cookies() {
			cookies = append(cookies, c.Name)
		}
		scheme, _, _ := strings.Cut(r.Header.Get("Authorization"), " ")
		s.mu.Lock()
		s.requests = append(s.requests, Request{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, Auth: scheme, Cookies: cookies, Status: rw.status})
		s.mu.Unlock()
	}()
	if s.cfg.TokenPath != "" && r.URL.Path == s.cfg.TokenPath {
		s.token(rw, r)
		return
	}
	rest, ok := strings.CutPrefix(r.URL.Path, s.cfg.BasePath+"/")
	if !ok || s.cfg.BasePath == "" {
		rw.Header().Set("Content-Type", "text/html; charset=utf-8")
		rw.WriteHeader(http.StatusNotFound)
		fmt.Fprint(rw, "<!DOCTYPE html><html><head><title>404 Not Found</title></head><body><h1>Not Found</h1><p>The requested URL was not found on this server.</p></body></html>")
		return
	}
	if r.Method != http.MethodGet {
		imsx(rw, http.StatusMethodNotAllowed, "unsupported", "only GET is supported")
		return
	}
	if s.fault(rw, r, rest) {
		return
	}
	if !s.authenticate(rw, r) {
		return
	}
	collection := strings.Trim(rest, "/")
	if strings.Contains(collection, "/") {
		imsx(rw, http.StatusNotFound, "unknownobject", "this server serves the top-level collections only")
		return
	}
	if s.cfg.Forbid[collection] {
		imsx(rw, http.StatusForbidden, "forbidden", "Insufficient scope: the token does not grant "+scopeFor(s.cfg.Version))
		return
	}
	s.collection(rw, r, collection)
}

func scopeFor(version string) string {
	if version == "1.2" {
		return ScopeCore12
	}
	return ScopeCore11
}

type recorder struct {
	http.ResponseWriter
	status int
}

func (r *recorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

// imsx writes a OneRoster error body.
func imsx(w http.ResponseWriter, status int, codeMinor, description string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]any{
		"imsx_codeMajor": "failure", "imsx_severity": "error", "imsx_description": description,
		"imsx_CodeMinor": map[string]any{"imsx_codeMinorField": []map[string]string{
			{"imsx_codeMinorFieldName": "TargetEndSystem", "imsx_codeMinorFieldValue": codeMinor}}},
	})
}

// fault applies the faults in force to an API call; it reports whether it answered.
func (s *Server) fault(w http.ResponseWriter, r *http.Request, rest string) bool {
	s.mu.Lock()
	s.calls++
	f := &s.faults
	if f.DropSessionsAt > 0 && s.calls == f.DropSessionsAt {
		s.tokens = map[string]session{}
	}
	var act string
	switch {
	case f.Gateway > 0:
		f.Gateway--
		act = "gateway"
	case f.RateLimit > 0:
		f.RateLimit--
		act = "429"
	case f.Fail500 > 0:
		f.Fail500--
		act = "500"
	case f.FailAlways != "" && strings.Trim(rest, "/") == f.FailAlways:
		act = "500"
	case f.Hang > 0:
		f.Hang--
		act = "hang"
	}
	retry := or(f.RetryAfter, "1")
	hang := f.HangFor
	s.mu.Unlock()
	switch act {
	case "gateway":
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusBadGateway)
		fmt.Fprint(w, "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>")
		return true
	case "429":
		w.Header().Set("Retry-After", retry)
		imsx(w, http.StatusTooManyRequests, "server_busy", "Rate limit exceeded; retry later")
		return true
	case "500":
		imsx(w, http.StatusInternalServerError, "internal_server_error", "An internal error occurred")
		return true
	case "hang":
		if hang == 0 {
			hang = 2 * time.Second
		}
		select {
		case <-time.After(hang):
		case <-r.Context().Done():
			return true
		}
	}
	return false
}

// authenticate checks the call's credentials; it answers 401 when they fail.
func (s *Server) authenticate(w http.ResponseWriter, r *http.Request) bool {
	switch s.cfg.Auth {
	case "none", "":
		return true
	case "bearer":
		if r.Header.Get("Authorization") != "Bearer "+s.cfg.Secret {
			imsx(w, http.StatusUnauthorized, "unauthorisedrequest", "Invalid bearer token")
			return false
		}
		return true
	case "oauth1":
		if msg := s.verifyOAuth1(r); msg != "" {
			imsx(w, http.StatusUnauthorized, "unauthorisedrequest", msg)
			return false
		}
		return true
	case "oauth2":
		tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		s.mu.Lock()
		sess, known := s.tokens[tok]
		now := s.now()
		s.mu.Unlock()
		if !ok || !known {
			imsx(w, http.StatusUnauthorized, "unauthorisedrequest", "Invalid or unknown access token")
			return false
		}
		if now.After(sess.expires) {
			imsx(w, http.StatusUnauthorized, "unauthorisedrequest", "The access token has expired")
			return false
		}
		for name, want := range sess.cookies {
			c, err := r.Cookie(name)
			if err != nil || c.Value != want {
				// The load balancer sent the call to a node that does not know the session.
				imsx(w, http.StatusUnauthorized, "unauthorisedrequest", "Session not found: the "+name+" cookie from the token response is missing")
				return false
			}
		}
		return true
	}
	imsx(w, http.StatusInternalServerError, "internal_server_error", "server misconfigured")
	return false
}

// verifyOAuth1 checks a signed request exactly as ClassLink's own client
// computes the signature (classlinkinc/request-libraries, the Go sample):
// the parameters sorted by name, each value QueryEscaped with + as %20,
// joined with &, then "GET&" + QueryEscape(URL without query) + "&" +
// QueryEscape(parameters), keyed by QueryEscape(secret) + "&". It returns
// why the request is refused, or "".
func (s *Server) verifyOAuth1(r *http.Request) string {
	h, ok := strings.CutPrefix(r.Header.Get("Authorization"), "OAuth ")
	if !ok {
		return "Missing OAuth 1.0a Authorization header"
	}
	params := map[string]string{}
	for _, part := range strings.Split(h, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			continue
		}
		v, err := url.QueryUnescape(strings.Trim(v, `"`))
		if err != nil {
			return "Malformed Authorization header"
		}
		params[k] = v
	}
	sig := params["oauth_signature"]
	delete(params, "oauth_signature")
	if params["oauth_consumer_key"] != s.cfg.ClientID {
		return "Unknown consumer key"
	}
	method := params["oauth_signature_method"]
	if s.cfg.Signature != "any" && method != s.cfg.Signature {
		return "Unsupported signature method " + method + "; this server uses " + s.cfg.Signature
	}
	ts, err := strconv.ParseInt(params["oauth_timestamp"], 10, 64)
	if err != nil {
		return "Missing oauth_timestamp"
	}
	if d := s.now().Sub(time.Unix(ts, 0)); d > s.cfg.MaxSkew || d < -s.cfg.MaxSkew {
		return fmt.Sprintf("Invalid timestamp: the request time differs from the server time by more than %d minutes", int(s.cfg.MaxSkew.Minutes()))
	}
	nonce := params["oauth_nonce"]
	s.mu.Lock()
	replay := s.nonces[nonce+params["oauth_timestamp"]]
	s.nonces[nonce+params["oauth_timestamp"]] = true
	s.mu.Unlock()
	if nonce == "" || replay {
		return "Invalid or reused nonce"
	}
	for k, vs := range r.URL.Query() {
		params[k] = vs[0]
	}
	keys := make([]string, 0, len(params))
	for k := range params {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	pairs := make([]string, len(keys))
	for i, k := range keys {
		pairs[i] = k + "=" + strings.ReplaceAll(url.QueryEscape(params[k]), "+", "%20")
	}
	base := r.Method + "&" + url.QueryEscape(scheme(r)+"://"+r.Host+r.URL.Path) + "&" + url.QueryEscape(strings.Join(pairs, "&"))
	var hf func() hash.Hash = sha256.New
	if method == "HMAC-SHA1" {
		hf = sha1.New
	}
	m := hmac.New(hf, []byte(url.QueryEscape(s.cfg.Secret)+"&"))
	m.Write([]byte(base))
	want := base64.StdEncoding.EncodeToString(m.Sum(nil))
	if !hmac.Equal([]byte(want), []byte(sig)) {
		return "Invalid signature"
	}
	return ""
}

// token is the OAuth 2 client-credentials endpoint.
func (s *Server) token(w http.ResponseWriter, r *http.Request) {
	oauthErr := func(status int, code, desc string) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		json.NewEncoder(w).Encode(map[string]string{"error": code, "error_description": desc})
	}
	if r.Method != http.MethodPost {
		oauthErr(http.StatusMethodNotAllowed, "invalid_request", "use POST")
		return
	}
	if s.cfg.AppName != "" && r.URL.Query().Get("appName") != s.cfg.AppName {
		oauthErr(http.StatusBadRequest, "invalid_request", "unknown or missing appName")
		return
	}
	id, secret, ok := r.BasicAuth()
	if ok && !s.cfg.RawBasic { // RFC 6749 2.3.1: both are form-encoded before Basic
		id, _ = url.QueryUnescape(id)
		secret, _ = url.QueryUnescape(secret)
	}
	if !ok || id != s.cfg.ClientID || secret != s.cfg.Secret {
		oauthErr(http.StatusUnauthorized, "invalid_client", "Client authentication failed")
		return
	}
	if err := r.ParseForm(); err != nil || r.PostForm.Get("grant_type") != "client_credentials" {
		oauthErr(http.StatusBadRequest, "unsupported_grant_type", "grant_type must be client_credentials")
		return
	}
	scopes := strings.Fields(r.PostForm.Get("scope"))
	if s.cfg.RequireScope && len(scopes) == 0 {
		oauthErr(http.StatusBadRequest, "invalid_scope", "at least one scope is required")
		return
	}
	for _, sc := range scopes {
		allowed := len(s.cfg.Scopes) == 0
		for _, a := range s.cfg.Scopes {
			allowed = allowed || a == sc
		}
		if !allowed {
			oauthErr(http.StatusBadRequest, "invalid_scope", "scope not granted to this client: "+sc)
			return
		}
	}
	tok := randHex(16)
	sess := session{expires: s.now().Add(s.cfg.TokenTTL)}
	if s.cfg.Cookies {
		sess.cookies = map[string]string{"ARRAffinity": randHex(8), "ASP.NET_SessionId": randHex(12)}
		for name, v := range sess.cookies {
			http.SetCookie(w, &http.Cookie{Name: name, Value: v, Path: "/", HttpOnly: true})
		}
	}
	s.mu.Lock()
	s.tokens[tok] = sess
	s.tokenN++
	s.mu.Unlock()
	granted := strings.Join(scopes, " ")
	if granted == "" {
		granted = strings.Join(s.cfg.Scopes, " ")
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{"access_token": tok, "token_type": "bearer", "expires_in": int(s.cfg.TokenTTL.Seconds()), "scope": granted})
}

func randHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}
