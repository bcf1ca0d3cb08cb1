package resttest

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
)

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
