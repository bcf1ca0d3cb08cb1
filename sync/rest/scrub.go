package rest

import (
	"encoding/base64"
	"net/url"
	"regexp"
	"sort"
	"strings"
	gosync "sync"
)

// Scrubber removes credentials from text before it is shown or stored: the
// client secret (or bearer token) in every form it travels in — as is,
// URL-encoded, and inside the Basic credential base64(id:secret) — every
// access token the client was given, and anything that looks like a
// credential (Bearer …, Basic …, access_token=…, "client_secret": "…").
// A server that echoes the request back into its error body leaks nothing.
type Scrubber struct {
	mu      gosync.RWMutex
	secrets []string // longest first
}

// Add registers a credential and the forms it travels in.
func (s *Scrubber) Add(values ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, v := range values {
		if len(v) < 4 {
			continue
		}
		for _, f := range []string{v, url.QueryEscape(v), url.PathEscape(v), strings.ReplaceAll(url.QueryEscape(v), "+", "%20")} {
			if !contains(s.secrets, f) {
				s.secrets = append(s.secrets, f)
			}
		}
	}
	sort.Slice(s.secrets, func(i, j int) bool { return len(s.secrets[i]) > len(s.secrets[j]) })
}

// AddBasic registers the Basic credentials a token request may carry for id and secret.
func (s *Scrubber) AddBasic(id, secret string) {
	if secret == "" {
		return
	}
	var forms []string
	for _, pair := range []string{id + ":" + secret, url.QueryEscape(id) + ":" + url.QueryEscape(secret)} {
		for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding, base64.RawStdEncoding, base64.RawURLEncoding} {
			forms = append(forms, enc.EncodeToString([]byte(pair)))
		}
	}
	s.Add(forms...)
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

var (
	authPattern  = regexp.MustCompile(`(?i)\b(bearer|basic)(\s+|%20|\+)([A-Za-z0-9._~+/=-]{8,})`)
	fieldPattern = regexp.MustCompile(`(?i)((?:access_token|refresh_token|id_token|client_secret|clientsecret|secret|password|oauth_signature|authorization|apikey|api_key)["']?\s*(?:[:=]|%3A|%3D)\s*["']?)([^"'&\s,;}<]+)`)
)

// hints are cheap checks before the patterns run: most text has none of them.
var hints = []string{"earer", "EARER", "asic", "ASIC", "oken", "OKEN", "ecret", "ECRET", "assword", "ASSWORD", "uthorization", "UTHORIZATION", "ignature", "pikey", "pi_key", "Auth"}

// Scrub returns s without any credential.
func (s *Scrubber) Scrub(text string) string {
	if s != nil {
		s.mu.RLock()
		for _, v := range s.secrets {
			if strings.Contains(text, v) {
				text = strings.ReplaceAll(text, v, "[secret]")
			}
		}
		s.mu.RUnlock()
	}
	return ScrubPatterns(text)
}

// ScrubPatterns removes what looks like a credential, whoever it belongs to.
func ScrubPatterns(text string) string {
	hinted := false
	for _, h := range hints {
		if strings.Contains(text, h) {
			hinted = true
			break
		}
	}
	if !hinted {
		return text
	}
	text = authPattern.ReplaceAllStringFunc(text, func(m string) string {
		sub := authPattern.FindStringSubmatch(m)
		if strings.Trim(sub[3], "abcdefghijklmnopqrstuvwxyz") == "" {
			return m // a word ("basic authentication"), not a credential
		}
		return sub[1] + sub[2] + "[secret]"
	})
	return fieldPattern.ReplaceAllString(text, "$1[secret]")
}
