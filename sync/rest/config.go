// Package rest pulls rosters from OneRoster 1.1 and 1.2 REST providers
// (ClassLink, Infinite Campus, PowerSchool, Aeries and any conforming server)
// and writes each pull as a OneRoster CSV bundle, so the engine validates,
// plans and applies it exactly like a CSV export.
//
// It signs requests with OAuth 1.0a (HMAC-SHA256 or HMAC-SHA1), fetches OAuth 2
// client-credentials tokens with golang.org/x/oauth2/clientcredentials, or
// sends a fixed bearer token; it pages every collection (Link rel="next",
// else X-Total-Count, else a short page), retries 429 and 5xx answers with
// backoff and jitter, honours Retry-After, and puts a timeout on every call.
// It does not import the engine.
package rest

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Auth is how requests are authorised.
type Auth string

const (
	AuthOAuth1 Auth = "oauth1" // OAuth 1.0a request signatures, no token (ClassLink direct, older 1.1 servers)
	AuthOAuth2 Auth = "oauth2" // OAuth 2 client credentials: a token from the token URL
	AuthBearer Auth = "bearer" // a fixed bearer token (ClassLink's OneRoster proxy)
)

// OAuth 1 signature methods.
const (
	HMACSHA256 = "HMAC-SHA256"
	HMACSHA1   = "HMAC-SHA1"
)

// Config is one provider connection and how patiently to talk to it.
type Config struct {
	BaseURL      string // the OneRoster root, e.g. https://host/ims/oneroster/v1p1
	Version      string // "1.1" or "1.2"
	Auth         Auth
	ClientID     string
	ClientSecret string // the OAuth client secret, or the bearer token
	TokenURL     string // OAuth 2 token endpoint
	Scopes       []string
	Signature    string // OAuth 1: HMAC-SHA256 (default) or HMAC-SHA1
	// SessionCookies sends the cookies of the token response (and any later
	// Set-Cookie) on every call: Aeries' load balancer needs them.
	SessionCookies bool

	PageSize int           // records asked for per page; default 1000
	MaxPages int           // hard cap on pages per collection; default 20000
	Timeout  time.Duration // per call, body included (a server trickling its answer is cut off); default 50 s
	// DeadServer bounds the retries of one call that found no server (timeouts,
	// refused or dropped connections): no new try starts that could end past
	// it, so a dead or blackholed server fails within it; default 2 minutes.
	DeadServer     time.Duration
	MaxRetries     int           // retries of one call after 429, 5xx or a network failure; default 6
	MaxRetriesPull int           // retries over a whole pull; default 60
	Backoff        time.Duration // first wait before a retry, doubled each time (with jitter); default 1s
	MaxBackoff     time.Duration // longest wait between retries; default 1 minute
	MaxRetryAfter  time.Duration // the longest Retry-After honoured; longer ones end the run; default 5 minutes
	MaxBody        int64         // bytes one page may hold; default 512 MB

	HTTPClient *http.Client                                     // transport to use (TLS settings, tests); nil: a default one
	Now        func() time.Time                                 // clock for OAuth 1 timestamps; nil: time.Now
	Sleep      func(ctx context.Context, d time.Duration) error // waits between retries; nil: a timer
	UserAgent  string
	// Scrubber, when set, learns the secret and every token the client gets,
	// so the caller can take them out of anything it shows or stores.
	Scrubber *Scrubber
}

// withDefaults fills the zero fields.
func (c Config) withDefaults() Config {
	if c.PageSize <= 0 {
		c.PageSize = 1000
	}
	if c.MaxPages <= 0 {
		c.MaxPages = 20000
	}
	if c.Timeout <= 0 {
		c.Timeout = 50 * time.Second
	}
	if c.DeadServer <= 0 {
		c.DeadServer = 2 * time.Minute
	}
	if c.MaxRetries < 0 {
		c.MaxRetries = 0
	} else if c.MaxRetries == 0 {
		c.MaxRetries = 6
	}
	if c.MaxRetriesPull <= 0 {
		c.MaxRetriesPull = 60
	}
	if c.Backoff <= 0 {
		c.Backoff = time.Second
	}
	if c.MaxBackoff <= 0 {
		c.MaxBackoff = time.Minute
	}
	if c.MaxRetryAfter <= 0 {
		c.MaxRetryAfter = 5 * time.Minute
	}
	if c.MaxBody <= 0 {
		c.MaxBody = 512 << 20
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Sleep == nil {
		c.Sleep = sleep
	}
	if c.UserAgent == "" {
		c.UserAgent = "RosterDesk OneRoster client"
	}
	if c.Signature == "" {
		c.Signature = HMACSHA256
	}
	if c.Version != "1.2" {
		c.Version = "1.1"
	}
	c.BaseURL = strings.TrimRight(strings.TrimSpace(c.BaseURL), "/")
	return c
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// CheckURL tells whether s is a usable base or token URL: http(s) with a host,
// and https unless the host is this machine (a secret never crosses a network
// in clear text).
func CheckURL(s string) error {
	u, err := url.Parse(strings.TrimSpace(s))
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return fmt.Errorf("%q is not a web address (https://host/path)", s)
	}
	if u.User != nil {
		return fmt.Errorf("%q holds a user name or password; give credentials in their own fields", s)
	}
	if u.Scheme == "http" && !loopback(u.Hostname()) {
		return fmt.Errorf("%q is not https: credentials would cross the network in clear text", s)
	}
	return nil
}

func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
