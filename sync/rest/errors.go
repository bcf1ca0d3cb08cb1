package rest

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"net"
	"net/url"
	"regexp"
	"strings"
	"time"
)

// Kind sorts failures into what an admin can act on.
type Kind string

const (
	KindDNS          Kind = "dns"          // the host name does not resolve
	KindTLS          Kind = "tls"          // the secure connection failed (certificate)
	KindConnect      Kind = "connect"      // refused, reset, unreachable
	KindTimeout      Kind = "timeout"      // no answer within the call's timeout
	KindUnauthorized Kind = "unauthorized" // 401: credentials refused
	KindForbidden    Kind = "forbidden"    // 403: a scope or permission is missing
	KindNotFound     Kind = "not_found"    // 404: usually a wrong base URL
	KindBadRequest   Kind = "bad_request"  // 400, 422: the server did not accept the query
	KindRateLimited  Kind = "rate_limited" // 429 until the retries ran out
	KindServer       Kind = "server"       // 5xx until the retries ran out
	KindHTTP         Kind = "http"         // another unexpected status
	KindBadResponse  Kind = "bad_response" // not OneRoster JSON (an HTML gateway page, say)
	KindClockSkew    Kind = "clock_skew"   // OAuth 1 signature refused: the clocks differ
	KindToken        Kind = "token"        // the OAuth 2 token endpoint refused or failed
)

// Kinds lists every kind, for the engine's rule sentences (rule rest.<kind>).
var Kinds = []Kind{KindDNS, KindTLS, KindConnect, KindTimeout, KindUnauthorized, KindForbidden, KindNotFound, KindBadRequest,
	KindRateLimited, KindServer, KindHTTP, KindBadResponse, KindClockSkew, KindToken}

// Error is a failed call, worded for an admin.
type Error struct {
	Kind     Kind
	Op       string // the collection ("users"), or "token"
	URL      string // what was asked for (OAuth parameters travel in headers, never here)
	Status   int    // HTTP status, 0 when there was no answer
	Attempts int    // calls made before giving up
	// Description is the server's own explanation: imsx_description, or an
	// OAuth error_description, or an HTML page's title.
	Description string
	CodeMinor   string
	Skew        time.Duration // OAuth 1 clock skew: server clock minus ours, when known
	RetryAfter  time.Duration // a Retry-After longer than the run will wait
	Err         error

	final bool // already retried where it happened (a token call): not again
}

func (e *Error) Unwrap() error { return e.Err }

func (e *Error) host() string {
	if u, err := url.Parse(e.URL); err == nil && u.Host != "" {
		return u.Host
	}
	return "the server"
}

func (e *Error) Error() string {
	var msg string
	tries := ""
	if e.Attempts > 1 {
		tries = fmt.Sprintf(" (%d tries)", e.Attempts)
	}
	switch e.Kind {
	case KindDNS:
		msg = fmt.Sprintf("cannot find the server %s: its name does not resolve (DNS); check the base URL and this computer's network", e.host())
	case KindTLS:
		msg = fmt.Sprintf("the secure connection to %s failed: %v", e.host(), tlsWords(e.Err))
	case KindConnect:
		msg = fmt.Sprintf("cannot connect to %s: %v%s", e.host(), rootCause(e.Err), tries)
	case KindTimeout:
		msg = fmt.Sprintf("%s did not answer in time%s", e.host(), tries)
	case KindUnauthorized:
		msg = "the server refused the credentials (HTTP 401): check the client id and secret"
	case KindForbidden:
		msg = "the credentials were accepted but may not read this (HTTP 403): a scope or permission is missing (OneRoster needs roster-core.readonly)"
	case KindNotFound:
		msg = fmt.Sprintf("%s is not there (HTTP 404): the base URL is probably wrong", pathOf(e.URL))
	case KindBadRequest:
		msg = fmt.Sprintf("the server did not accept the request (HTTP %d)", e.Status)
	case KindRateLimited:
		if e.RetryAfter > 0 {
			msg = fmt.Sprintf("the server asks to wait %s before calling again (HTTP 429, Retry-After); try later", e.RetryAfter.Round(time.Second))
		} else {
			msg = fmt.Sprintf("the server kept answering \"too many requests\" (HTTP 429)%s", tries)
		}
	case KindServer:
		msg = fmt.Sprintf("the server kept failing (HTTP %d)%s", e.Status, tries)
	case KindBadResponse:
		msg = "the server did not answer with OneRoster data"
		if e.Status != 0 {
			msg += fmt.Sprintf(" (HTTP %d)", e.Status)
		}
		if e.Err != nil {
			msg += ": " + e.Err.Error()
		}
	case KindClockSkew:
		if e.Skew != 0 {
			msg = fmt.Sprintf("the server refused the OAuth 1 signature: this computer's clock is %s %s the server's; set the clock right (OAuth 1 allows a few minutes)",
				about(abs(e.Skew)), map[bool]string{true: "behind", false: "ahead of"}[e.Skew > 0])
		} else {
			msg = "the server refused the OAuth 1 timestamp: check this computer's clock and time zone"
		}
	case KindToken:
		msg = "could not get an access token"
		if e.Status != 0 {
			msg += fmt.Sprintf(" (HTTP %d)", e.Status)
		}
		switch e.CodeMinor {
		case "invalid_client", "unauthorized_client":
			msg += ": the token server refused the client id or secret"
		case "invalid_scope":
			msg += ": the token server refused the scopes asked for"
		case "":
			if e.Status == 401 {
				msg += ": the token server refused the client id or secret"
			} else if e.Status == 404 {
				msg += ": the token URL is probably wrong"
			} else if e.Err != nil && e.Status == 0 {
				msg += ": " + e.Err.Error()
			}
		default:
			msg += ": " + e.CodeMinor
		}
	default:
		msg = fmt.Sprintf("unexpected answer (HTTP %d)%s", e.Status, tries)
	}
	if e.Op != "" && e.Op != "token" {
		msg = e.Op + ": " + msg
	}
	if e.Description != "" {
		msg += "; the server says: " + e.Description
	}
	return msg
}

// about words a duration for people: "about 20 minutes".
func about(d time.Duration) string {
	switch {
	case d < 2*time.Minute:
		return fmt.Sprintf("%d seconds", int(d.Round(time.Second).Seconds()))
	case d < 2*time.Hour:
		return fmt.Sprintf("about %d minutes", int(d.Round(time.Minute).Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("about %d hours", int(d.Round(time.Hour).Hours()))
	}
	return fmt.Sprintf("about %d days", int(d.Round(24*time.Hour).Hours()/24))
}

func abs(d time.Duration) time.Duration {
	if d < 0 {
		return -d
	}
	return d
}

func pathOf(raw string) string {
	if u, err := url.Parse(raw); err == nil {
		return u.Path
	}
	return raw
}

// rootCause strips Go's "Get \"url\": dial tcp …:" wrapping to the words that matter.
func rootCause(err error) string {
	var op *net.OpError
	if errors.As(err, &op) && op.Err != nil {
		return op.Err.Error()
	}
	var ue *url.Error
	if errors.As(err, &ue) && ue.Err != nil {
		return ue.Err.Error()
	}
	if err == nil {
		return "no answer"
	}
	return err.Error()
}

func tlsWords(err error) string {
	var unknown x509.UnknownAuthorityError
	var invalid x509.CertificateInvalidError
	var host x509.HostnameError
	switch {
	case errors.As(err, &unknown):
		return "its certificate is not signed by an authority this computer trusts"
	case errors.As(err, &invalid):
		if invalid.Reason == x509.Expired {
			return "its certificate has expired or is not valid yet (check this computer's date too)"
		}
		return "its certificate is not valid: " + invalid.Error()
	case errors.As(err, &host):
		return "its certificate is for another name: " + host.Error()
	}
	return rootCause(err)
}

// classify turns a transport error (no HTTP answer) into an *Error.
func classify(op, rawURL string, err error) *Error {
	e := &Error{Op: op, URL: rawURL, Err: err, Kind: KindConnect}
	var dns *net.DNSError
	var rec tls.RecordHeaderError
	var cv *tls.CertificateVerificationError
	var unknown x509.UnknownAuthorityError
	var invalid x509.CertificateInvalidError
	var host x509.HostnameError
	switch {
	case errors.As(err, &dns):
		e.Kind = KindDNS
		if dns.IsTimeout || dns.IsTemporary {
			e.Kind = KindConnect
		}
	case errors.As(err, &cv), errors.As(err, &unknown), errors.As(err, &invalid), errors.As(err, &host), errors.As(err, &rec):
		e.Kind = KindTLS
	case errors.Is(err, context.DeadlineExceeded), isTimeout(err):
		e.Kind = KindTimeout
	case strings.Contains(err.Error(), "tls:") || strings.Contains(err.Error(), "x509:"):
		e.Kind = KindTLS
	}
	return e
}

func isTimeout(err error) bool {
	var t interface{ Timeout() bool }
	return errors.As(err, &t) && t.Timeout()
}

// retryable tells whether another try may succeed.
func (e *Error) retryable() bool {
	if e.final {
		return false
	}
	switch e.Kind {
	case KindConnect, KindTimeout, KindRateLimited, KindServer:
		return true
	}
	return false
}

// statusInfo is what a OneRoster error body says, whatever its shape.
type statusInfo struct {
	CodeMajor, Severity, Description, CodeMinor string
}

// parseStatus reads imsx_StatusInfo in the shapes seen in the wild: the
// spec's flat object with imsx_CodeMinor.imsx_codeMinorField[], the same
// wrapped in {"imsx_StatusInfo":…} or a list, Ed-Fi's plain-string
// imsx_codeMinor, and OAuth's {"error","error_description"}. An HTML page
// gives its title. Anything else gives nothing.
func parseStatus(body []byte) statusInfo {
	var si statusInfo
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 {
		return si
	}
	if trimmed[0] == '<' {
		si.Description = htmlTitle(trimmed)
		return si
	}
	var v any
	if json.Unmarshal(trimmed, &v) != nil {
		return si
	}
	walkStatus(v, &si, 0)
	if si.Description == "" && si.CodeMinor == "" && si.CodeMajor == "" {
		if m, ok := v.(map[string]any); ok {
			for _, k := range []string{"error_description", "message", "error", "detail", "title"} {
				if s := str(lookup(m, k)); s != "" {
					si.Description = s
					break
				}
			}
			if s := str(lookup(m, "error")); s != "" {
				si.CodeMinor = s
			}
		}
	}
	if len(si.Description) > 500 {
		si.Description = si.Description[:500] + "…"
	}
	return si
}

func lookup(m map[string]any, key string) any {
	for k, v := range m {
		if strings.EqualFold(k, key) {
			return v
		}
	}
	return nil
}

func str(v any) string {
	switch x := v.(type) {
	case string:
		return strings.TrimSpace(x)
	case float64, bool:
		return fmt.Sprint(x)
	}
	return ""
}

func walkStatus(v any, si *statusInfo, depth int) {
	if depth > 6 {
		return
	}
	switch x := v.(type) {
	case []any:
		for _, el := range x {
			walkStatus(el, si, depth+1)
		}
	case map[string]any:
		for k, val := range x {
			switch strings.ToLower(k) {
			case "imsx_description", "description":
				if s := str(val); s != "" && si.Description == "" {
					si.Description = s
				}
			case "imsx_codemajor", "codemajor":
				if s := str(val); s != "" && si.CodeMajor == "" {
					si.CodeMajor = s
				}
			case "imsx_severity", "severity":
				if s := str(val); s != "" && si.Severity == "" {
					si.Severity = s
				}
			case "imsx_codeminor", "codeminor":
				if s := str(val); s != "" {
					if si.CodeMinor == "" {
						si.CodeMinor = s
					}
				} else {
					walkStatus(val, si, depth+1)
				}
			case "imsx_codeminorfieldvalue", "codeminorfieldvalue":
				if s := str(val); s != "" && si.CodeMinor == "" {
					si.CodeMinor = s
				}
			default:
				walkStatus(val, si, depth+1) // wrappers: imsx_StatusInfo, statusInfoSet, imsx_codeMinorField…
			}
		}
	}
}

var titleRE = regexp.MustCompile(`(?is)<title[^>]*>(.*?)</title>`)
var tagRE = regexp.MustCompile(`(?s)<[^>]*>`)

// htmlTitle is an HTML page's title, or the start of its text.
func htmlTitle(b []byte) string {
	if m := titleRE.FindSubmatch(b); m != nil {
		if t := strings.Join(strings.Fields(html.UnescapeString(string(m[1]))), " "); t != "" {
			return "a web page titled \"" + t + "\""
		}
	}
	text := strings.Join(strings.Fields(html.UnescapeString(tagRE.ReplaceAllString(string(b[:min(len(b), 4096)]), " "))), " ")
	if len(text) > 120 {
		text = text[:120] + "…"
	}
	if text == "" {
		return "a web page"
	}
	return "a web page: " + text
}
