package rest

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"hash"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
)

// OAuth 1.0a request signing as OneRoster 1.1 uses it (RFC 5849, two-legged:
// a consumer key and secret, no token). This is a small implementation
// rather than a library: the Go OAuth 1 libraries either always add an
// oauth_token parameter (which changes the signature ClassLink checks) or
// lack HMAC-SHA256.

// pct is RFC 3986 percent-encoding: everything but A-Z a-z 0-9 - . _ ~ is
// encoded, a space as %20 (never +).
func pct(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~' {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteString(strings.ToUpper(hex.EncodeToString([]byte{c})))
	}
	return b.String()
}

// baseURI is the request URL for signing: scheme and host in lower case,
// the port only when it is not the scheme's default, the path, no query.
func baseURI(u *url.URL) string {
	scheme := strings.ToLower(u.Scheme)
	host := strings.ToLower(u.Hostname())
	if p := u.Port(); p != "" && !(scheme == "http" && p == "80") && !(scheme == "https" && p == "443") {
		host += ":" + p
	}
	if strings.Contains(host, ":") && u.Port() == "" { // IPv6 literal
		host = "[" + host + "]"
	}
	path := u.EscapedPath()
	if path == "" {
		path = "/"
	}
	return scheme + "://" + host + path
}

// signatureBase is the signature base string: METHOD & pct(base URI) &
// pct(the sorted, encoded parameters joined by &).
func signatureBase(method, uri string, params [][2]string) string {
	pairs := make([][2]string, len(params))
	for i, p := range params {
		pairs[i] = [2]string{pct(p[0]), pct(p[1])}
	}
	sort.Slice(pairs, func(i, j int) bool { // by encoded name, then encoded value
		if pairs[i][0] != pairs[j][0] {
			return pairs[i][0] < pairs[j][0]
		}
		return pairs[i][1] < pairs[j][1]
	})
	enc := make([]string, len(pairs))
	for i, p := range pairs {
		enc[i] = p[0] + "=" + p[1]
	}
	return strings.ToUpper(method) + "&" + pct(uri) + "&" + pct(strings.Join(enc, "&"))
}

// hmacSign signs base with key using method (HMAC-SHA256 or HMAC-SHA1).
func hmacSign(method, key, base string) (string, error) {
	var h func() hash.Hash
	switch strings.ToUpper(method) {
	case HMACSHA256:
		h = sha256.New
	case HMACSHA1:
		h = sha1.New
	default:
		return "", fmt.Errorf("OAuth 1 signature method %q is not HMAC-SHA256 or HMAC-SHA1", method)
	}
	m := hmac.New(h, []byte(key))
	m.Write([]byte(base))
	return base64.StdEncoding.EncodeToString(m.Sum(nil)), nil
}

// oauth1Signer signs requests with a consumer key and secret.
type oauth1Signer struct {
	key, secret, method string
	now                 func() time.Time
	nonce               func() string
}

func newNonce() string {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return strconv.FormatInt(time.Now().UnixNano(), 36)
	}
	return hex.EncodeToString(b)
}

// header returns the Authorization header for a GET of u.
func (s *oauth1Signer) header(method string, u *url.URL) (string, error) {
	oauth := [][2]string{
		{"oauth_consumer_key", s.key},
		{"oauth_nonce", s.nonce()},
		{"oauth_signature_method", strings.ToUpper(s.method)},
		{"oauth_timestamp", strconv.FormatInt(s.now().Unix(), 10)},
		{"oauth_version", "1.0"},
	}
	params := append([][2]string(nil), oauth...)
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return "", fmt.Errorf("cannot sign %s: its query is not valid: %v", u.Redacted(), err)
	}
	for k, vs := range q {
		for _, v := range vs {
			params = append(params, [2]string{k, v}) // signed decoded once, sent encoded once
		}
	}
	sig, err := hmacSign(s.method, pct(s.secret)+"&", signatureBase(method, baseURI(u), params))
	if err != nil {
		return "", err
	}
	oauth = append(oauth, [2]string{"oauth_signature", sig})
	parts := make([]string, len(oauth))
	for i, p := range oauth {
		parts[i] = p[0] + `="` + pct(p[1]) + `"`
	}
	return "OAuth " + strings.Join(parts, ","), nil
}
