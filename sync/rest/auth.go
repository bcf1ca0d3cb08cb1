package rest

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	gosync "sync"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

// authorizer puts credentials on a request.
type authorizer interface {
	// authorize sets the request's Authorization header (fetching a token if needed).
	authorize(ctx context.Context, req *http.Request) error
	// refused tells the authorizer the server answered 401 to req; it
	// reports whether calling again can help (a new token).
	refused(req *http.Request) bool
}

func (c *Client) newAuthorizer() (authorizer, error) {
	cfg := c.cfg
	switch cfg.Auth {
	case AuthOAuth1:
		if cfg.ClientID == "" || cfg.ClientSecret == "" {
			return nil, errors.New("OAuth 1 needs a client id (consumer key) and a client secret")
		}
		if _, err := hmacSign(cfg.Signature, "", ""); err != nil {
			return nil, err
		}
		return &oauth1Auth{s: &oauth1Signer{key: cfg.ClientID, secret: cfg.ClientSecret, method: cfg.Signature, now: cfg.Now, nonce: newNonce}}, nil
	case AuthBearer:
		if cfg.ClientSecret == "" {
			return nil, errors.New("bearer authentication needs the token (give it as the client secret)")
		}
		return bearerAuth(cfg.ClientSecret), nil
	case AuthOAuth2, "":
		if cfg.ClientID == "" || cfg.ClientSecret == "" {
			return nil, errors.New("OAuth 2 needs a client id and a client secret")
		}
		if cfg.TokenURL == "" {
			return nil, errors.New("OAuth 2 needs a token URL")
		}
		if err := CheckURL(cfg.TokenURL); err != nil {
			return nil, fmt.Errorf("token URL: %w", err)
		}
		return &oauth2Auth{c: c, cc: &clientcredentials.Config{
			ClientID: cfg.ClientID, ClientSecret: cfg.ClientSecret, TokenURL: cfg.TokenURL, Scopes: cfg.Scopes,
			AuthStyle: oauth2.AuthStyleInHeader, // Basic base64(id:secret), as every OneRoster provider expects
		}}, nil
	}
	return nil, fmt.Errorf("authentication %q is not oauth1, oauth2 or bearer", cfg.Auth)
}

type oauth1Auth struct{ s *oauth1Signer }

func (a *oauth1Auth) authorize(_ context.Context, req *http.Request) error {
	h, err := a.s.header(req.Method, req.URL)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", h)
	return nil
}

func (a *oauth1Auth) refused(*http.Request) bool { return false }

type bearerAuth string

func (b bearerAuth) authorize(_ context.Context, req *http.Request) error {
	req.Header.Set("Authorization", "Bearer "+string(b))
	return nil
}

func (bearerAuth) refused(*http.Request) bool { return false }

// oauth2Auth keeps one client-credentials token and fetches a new one when
// it expires or the server refuses it. The token call goes through the
// client's transport, with its timeout and retries, and its cookies are kept
// for the calls that follow.
type oauth2Auth struct {
	c  *Client
	cc *clientcredentials.Config

	mu  gosync.Mutex
	tok *oauth2.Token
	// raw: send Basic base64(id:secret) without the form-encoding RFC 6749
	// asks for. Some token servers do not decode it, which fails for secrets
	// with + / = and the like; tried once after such a refusal, then kept.
	raw, triedRaw bool
}

// fetch asks the token endpoint for a token once.
func (a *oauth2Auth) fetch(ctx context.Context, raw bool) (*oauth2.Token, error) {
	tt := &tokenTransport{c: a.c, base: a.c.transport()}
	if raw {
		tt.basic = "Basic " + base64.StdEncoding.EncodeToString([]byte(a.cc.ClientID+":"+a.cc.ClientSecret))
	}
	hc := &http.Client{Transport: tt, Timeout: a.c.cfg.Timeout, CheckRedirect: sameHostRedirect}
	return a.cc.Token(context.WithValue(ctx, oauth2.HTTPClient, hc))
}

func (a *oauth2Auth) authorize(ctx context.Context, req *http.Request) error {
	tok, err := a.token(ctx)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	return nil
}

func (a *oauth2Auth) refused(req *http.Request) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.tok == nil {
		return true
	}
	if req.Header.Get("Authorization") == "Bearer "+a.tok.AccessToken {
		a.tok = nil // refused: fetch another next time
	}
	return true
}

// token returns a valid token, fetching one (with retries) when needed.
func (a *oauth2Auth) token(ctx context.Context) (*oauth2.Token, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.tok.Valid() {
		return a.tok, nil
	}
	var tok *oauth2.Token
	escapes := url.QueryEscape(a.cc.ClientID) != a.cc.ClientID || url.QueryEscape(a.cc.ClientSecret) != a.cc.ClientSecret
	err := a.c.retry(ctx, "token", a.cc.TokenURL, func(actx context.Context) *Error {
		t, err := a.fetch(actx, a.raw)
		if err != nil {
			e := tokenError(a.cc.TokenURL, err)
			if escapes && !a.triedRaw && (e.Status == 401 || e.CodeMinor == "invalid_client") {
				a.triedRaw = true
				if t2, err2 := a.fetch(actx, true); err2 == nil {
					a.raw, t, err = true, t2, nil
				}
			}
			if err != nil {
				return e
			}
		}
		if t.AccessToken == "" {
			return &Error{Kind: KindToken, Op: "token", URL: a.cc.TokenURL, Err: errors.New("the token answer holds no access_token")}
		}
		tok = t
		return nil
	})
	if err != nil {
		return nil, err
	}
	a.tok = tok
	a.c.cfg.Scrubber.Add(tok.AccessToken, tok.RefreshToken)
	a.c.tokens.Add(1)
	return tok, nil
}

// tokenError words a failed token call.
func tokenError(tokenURL string, err error) *Error {
	var re *oauth2.RetrieveError
	if errors.As(err, &re) {
		e := &Error{Kind: KindToken, Op: "token", URL: tokenURL, Err: err, CodeMinor: re.ErrorCode, Description: re.ErrorDescription}
		if re.Response != nil {
			e.Status = re.Response.StatusCode
			switch {
			case e.Status == 429:
				e.Kind = KindRateLimited
			case e.Status >= 500 && e.Status != 501:
				e.Kind = KindServer
			}
		}
		if e.Description == "" {
			si := parseStatus(re.Body)
			e.Description = si.Description
			if e.CodeMinor == "" && si.CodeMinor != "" && si.CodeMinor != si.Description {
				e.CodeMinor = si.CodeMinor
			}
		}
		return e
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		e := classify("token", tokenURL, ue.Err)
		e.Op = "token"
		return e
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return &Error{Kind: KindTimeout, Op: "token", URL: tokenURL, Err: err}
	}
	// The library's own errors (an answer it could not read, say).
	return &Error{Kind: KindToken, Op: "token", URL: tokenURL, Err: err}
}

// tokenTransport carries token calls: it keeps the cookies the token
// endpoint sets and, when asked, puts the client credentials in the Basic
// header unencoded.
type tokenTransport struct {
	c     *Client
	base  http.RoundTripper
	basic string
}

func (t *tokenTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if t.basic != "" {
		req = req.Clone(req.Context())
		req.Header.Set("Authorization", t.basic)
	}
	resp, err := t.base.RoundTrip(req)
	if err == nil {
		t.c.keepCookies(resp, true)
	}
	return resp, err
}

// sameHostRedirect follows redirects only on the same host: credentials
// never go anywhere else.
func sameHostRedirect(req *http.Request, via []*http.Request) error {
	if len(via) >= 5 {
		return errors.New("too many redirects")
	}
	if !strings.EqualFold(req.URL.Host, via[0].URL.Host) {
		return http.ErrUseLastResponse
	}
	return nil
}
