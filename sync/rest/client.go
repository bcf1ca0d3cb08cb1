package rest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	gosync "sync"
	"sync/atomic"
	"time"
)

// Client talks to one OneRoster REST provider.
type Client struct {
	cfg  Config
	base *url.URL
	auth authorizer
	hc   *http.Client

	mu      gosync.Mutex
	cookies map[string]string // name → value, sent on every call (SessionCookies)

	retries atomic.Int64 // retries spent over the client's life (the pull's budget)
	tokens  atomic.Int64 // tokens fetched
	calls   atomic.Int64 // API calls made (attempts included)

	bodies gosync.Pool // *[]byte: room for a page's answer, given back once the page is read
}

// New checks cfg and returns a client for it.
func New(cfg Config) (*Client, error) {
	cfg = cfg.withDefaults()
	if cfg.Scrubber == nil {
		cfg.Scrubber = &Scrubber{}
	}
	cfg.Scrubber.Add(cfg.ClientSecret)
	cfg.Scrubber.AddBasic(cfg.ClientID, cfg.ClientSecret)
	if err := CheckURL(cfg.BaseURL); err != nil {
		return nil, fmt.Errorf("base URL: %w", err)
	}
	base, _ := url.Parse(cfg.BaseURL)
	base.RawQuery, base.Fragment = "", ""
	c := &Client{cfg: cfg, base: base, cookies: map[string]string{}}
	c.hc = &http.Client{Transport: c.transport(), CheckRedirect: sameHostRedirect}
	a, err := c.newAuthorizer()
	if err != nil {
		return nil, err
	}
	c.auth = a
	return c, nil
}

// Config returns the client's configuration with defaults filled in.
func (c *Client) Config() Config { return c.cfg }

// Stats are counters over the client's life.
func (c *Client) Stats() (calls, retries, tokens int64) {
	return c.calls.Load(), c.retries.Load(), c.tokens.Load()
}

func (c *Client) transport() http.RoundTripper {
	if c.cfg.HTTPClient != nil && c.cfg.HTTPClient.Transport != nil {
		return c.cfg.HTTPClient.Transport
	}
	return http.DefaultTransport
}

// keepCookies remembers the cookies a response sets; a token response
// replaces the earlier set (a new session).
func (c *Client) keepCookies(resp *http.Response, fromToken bool) {
	if !c.cfg.SessionCookies {
		return
	}
	cs := resp.Cookies()
	if len(cs) == 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if fromToken {
		c.cookies = map[string]string{}
	}
	for _, ck := range cs {
		if ck.MaxAge < 0 || ck.Value == "" {
			delete(c.cookies, ck.Name)
			continue
		}
		c.cookies[ck.Name] = ck.Value
	}
}

func (c *Client) addCookies(req *http.Request) {
	if !c.cfg.SessionCookies {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for name, v := range c.cookies {
		req.AddCookie(&http.Cookie{Name: name, Value: v})
	}
}

// backoff is the wait before retry n (0-based): Backoff·2ⁿ, capped, with
// jitter between half and all of it.
func (c *Client) backoff(n int) time.Duration {
	d := c.cfg.Backoff << min(n, 20)
	if d > c.cfg.MaxBackoff || d <= 0 {
		d = c.cfg.MaxBackoff
	}
	half := d / 2
	return half + time.Duration(rand.Int64N(int64(half)+1))
}

// retryAfter reads Retry-After: seconds or an HTTP date.
func retryAfter(h http.Header, now time.Time) (time.Duration, bool) {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0, false
	}
	if s, err := strconv.Atoi(v); err == nil && s >= 0 {
		return time.Duration(s) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		d := t.Sub(now)
		if d < 0 {
			d = 0
		}
		return d, true
	}
	return 0, false
}

// retry calls try until it succeeds, fails for good, or the retries run
// out; between tries it waits the server's Retry-After, else a backoff.
func (c *Client) retry(ctx context.Context, op, rawURL string, try func(context.Context) *Error) error {
	start := time.Now()
	var slept time.Duration // waits asked for (a test's Sleep returns at once)
	for attempt := 1; ; attempt++ {
		actx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
		e := try(actx)
		cancel()
		if e == nil {
			return nil
		}
		if ctx.Err() != nil {
			return ctx.Err() // cancelled by the caller, not a failure of the server
		}
		if !e.final {
			e.Attempts = attempt
		}
		if e.Op == "" {
			e.Op = op
		}
		if !e.retryable() || attempt > c.cfg.MaxRetries || c.retries.Load() >= int64(c.cfg.MaxRetriesPull) {
			return e
		}
		wait := c.backoff(attempt - 1)
		if e.RetryAfter > 0 {
			if e.RetryAfter > c.cfg.MaxRetryAfter {
				return e // longer than this run will wait: Error says so
			}
			wait = e.RetryAfter + time.Duration(rand.Int64N(int64(c.cfg.Backoff/4)+1))
			e.RetryAfter = 0
		}
		if e.Kind == KindTimeout || e.Kind == KindConnect {
			// No server answered: stop before a try that could end past the budget.
			if spent := max(time.Since(start), slept); spent+wait+c.cfg.Timeout > c.cfg.DeadServer {
				return e
			}
		}
		c.retries.Add(1)
		slept += wait
		if err := c.cfg.Sleep(ctx, wait); err != nil {
			return err
		}
	}
}

// page is one answer of the server.
type page struct {
	body   []byte
	header http.Header
	url    *url.URL
}

// get fetches rawURL for op (a collection) with authorisation, timeout,
// retries and one token renewal on 401.
func (c *Client) get(ctx context.Context, op, rawURL string) (*page, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("%s: bad URL %q: %v", op, rawURL, err)
	}
	var out *page
	renewed := false
	err = c.retry(ctx, op, rawURL, func(actx context.Context) *Error {
		for {
			p, e := c.once(actx, op, u)
			if e != nil && e.Kind == KindUnauthorized && !renewed && p != nil && c.auth.refused(p.req) {
				renewed = true
				continue // a new token, at once
			}
			if e != nil {
				return e
			}
			out = &page{body: p.body, header: p.header, url: u}
			return nil
		}
	})
	return out, err
}

type answer struct {
	req    *http.Request
	body   []byte
	header http.Header
}

// once makes one call. A non-200 answer is an *Error holding what the server said.
func (c *Client) once(ctx context.Context, op string, u *url.URL) (*answer, *Error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, &Error{Kind: KindHTTP, Op: op, URL: u.String(), Err: err}
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.cfg.UserAgent)
	if err := c.auth.authorize(ctx, req); err != nil {
		var e *Error
		if errors.As(err, &e) {
			f := *e
			f.final = true // the token call had its own retries
			return nil, &f
		}
		if ctx.Err() != nil {
			return nil, &Error{Kind: KindTimeout, Op: op, URL: u.String(), Err: err}
		}
		return nil, &Error{Kind: KindToken, Op: "token", URL: c.cfg.TokenURL, Err: err}
	}
	c.addCookies(req)
	c.calls.Add(1)
	resp, err := c.hc.Do(req)
	if err != nil {
		return nil, classify(op, u.String(), err)
	}
	defer resp.Body.Close()
	c.keepCookies(resp, false)
	body, err := c.readBody(io.LimitReader(resp.Body, c.cfg.MaxBody+1))
	if err != nil {
		return nil, classify(op, u.String(), err) // cut off mid-answer: worth another try
	}
	a := &answer{req: req, body: body, header: resp.Header}
	if int64(len(body)) > c.cfg.MaxBody {
		return a, &Error{Kind: KindBadResponse, Op: op, URL: u.String(), Status: resp.StatusCode,
			Err: fmt.Errorf("one page is larger than %d MB; lower the page size", c.cfg.MaxBody>>20)}
	}
	if resp.StatusCode == http.StatusOK {
		if isHTML(resp.Header, body) {
			return a, &Error{Kind: KindBadResponse, Op: op, URL: u.String(), Status: 200, Description: parseStatus(body).Description,
				Err: errors.New("a web page came back instead of JSON (a sign-in page or a wrong base URL)")}
		}
		return a, nil
	}
	return a, c.statusError(op, u.String(), resp, body)
}

// readBody is io.ReadAll into room kept from earlier answers: the pages of
// a pull are alike in size, and ReadAll's growing copies of each cost the
// pull more than its transport.
func (c *Client) readBody(r io.Reader) ([]byte, error) {
	var b []byte
	if p, ok := c.bodies.Get().(*[]byte); ok {
		b = (*p)[:0]
	} else {
		b = make([]byte, 0, 64<<10)
	}
	for {
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return b, err
		}
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
	}
}

// recycle gives a page's answer back once nothing refers to it.
func (c *Client) recycle(body []byte) {
	c.bodies.Put(&body)
}

func isHTML(h http.Header, body []byte) bool {
	mt, _, _ := mime.ParseMediaType(h.Get("Content-Type"))
	if mt == "text/html" {
		return true
	}
	b := strings.TrimSpace(string(body[:min(len(body), 64)]))
	return strings.HasPrefix(strings.ToLower(b), "<!doctype html") || strings.HasPrefix(strings.ToLower(b), "<html")
}

// statusError words a non-200 answer.
func (c *Client) statusError(op, rawURL string, resp *http.Response, body []byte) *Error {
	si := parseStatus(body)
	e := &Error{Op: op, URL: rawURL, Status: resp.StatusCode, Description: si.Description, CodeMinor: si.CodeMinor}
	switch s := resp.StatusCode; {
	case s == 401:
		e.Kind = KindUnauthorized
		if c.cfg.Auth == AuthOAuth1 {
			if d, ok := c.skew(resp.Header); ok {
				e.Kind, e.Skew = KindClockSkew, d
			} else if mentionsTime(si.Description + " " + si.CodeMinor + " " + resp.Header.Get("WWW-Authenticate")) {
				e.Kind = KindClockSkew
			}
		}
	case s == 403:
		e.Kind = KindForbidden
	case s == 404:
		e.Kind = KindNotFound
	case s == 400 || s == 422:
		e.Kind = KindBadRequest
	case s == 429:
		e.Kind = KindRateLimited
		e.RetryAfter, _ = retryAfter(resp.Header, c.cfg.Now())
	case s >= 500 && s != 501 && s != 505:
		e.Kind = KindServer
		e.RetryAfter, _ = retryAfter(resp.Header, c.cfg.Now())
	default:
		e.Kind = KindHTTP
	}
	if isHTML(resp.Header, body) && e.Kind != KindRateLimited && e.Kind != KindServer {
		// A gateway's or web server's page: the request never reached OneRoster.
		if e.Kind == KindHTTP {
			e.Kind = KindBadResponse
		}
	}
	return e
}

// skew is the server's clock minus ours, from the Date header, when it is
// more than OAuth 1 tolerates.
func (c *Client) skew(h http.Header) (time.Duration, bool) {
	t, err := http.ParseTime(h.Get("Date"))
	if err != nil {
		return 0, false
	}
	d := t.Sub(c.cfg.Now())
	if abs(d) < 4*time.Minute {
		return 0, false
	}
	return d, true
}

func mentionsTime(s string) bool {
	s = strings.ToLower(s)
	return strings.Contains(s, "timestamp") || strings.Contains(s, "clock") || strings.Contains(s, "expired request")
}
