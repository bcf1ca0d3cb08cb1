package rest

import (
	"net/url"
	"strings"
)

// OAuth 2 scopes of the core rostering collections.
const (
	ScopeCore11 = "https://purl.imsglobal.org/spec/or/v1p1/scope/roster-core.readonly"
	ScopeCore12 = "https://purl.imsglobal.org/spec/or/v1p2/scope/roster-core.readonly"
)

// Roots of the rostering service under a provider's base URL.
const (
	Root11 = "/ims/oneroster/v1p1"
	Root12 = "/ims/oneroster/rostering/v1p2"
)

// ProviderType is a kind of OneRoster provider and what it is known to need.
type ProviderType struct {
	Name    string // as stored and typed: classlink, infinitecampus, …
	Label   string // for people
	Version string // OneRoster version it speaks
	Auths   []Auth // authentications it offers; the first is the default
	// SessionCookies: its load balancer needs the token response's cookies on every call.
	SessionCookies bool
	AppName        bool   // its token URL names the application (?appName=)
	Example        string // what a base URL looks like
}

// ProviderTypes are the providers RosterDesk knows, in the order forms list them.
var ProviderTypes = []ProviderType{
	{Name: "classlink", Label: "ClassLink (OneRoster 1.1)", Version: "1.1", Auths: []Auth{AuthOAuth1, AuthBearer},
		Example: "https://district.oneroster.com/ims/oneroster/v1p1 (or https://oneroster-proxy.classlink.io/APP_ID/ims/oneroster/v1p1 with a bearer token)"},
	{Name: "infinitecampus", Label: "Infinite Campus (OneRoster 1.2)", Version: "1.2", Auths: []Auth{AuthOAuth2}, AppName: true,
		Example: "https://district.infinitecampus.org/campus/api/ims/oneroster/rostering/v1p2"},
	{Name: "powerschool", Label: "PowerSchool (OneRoster 1.1)", Version: "1.1", Auths: []Auth{AuthOAuth2},
		Example: "https://district.powerschool.com/ims/oneroster/v1p1"},
	{Name: "aeries", Label: "Aeries (OneRoster 1.1)", Version: "1.1", Auths: []Auth{AuthOAuth2}, SessionCookies: true,
		Example: "https://district.aeries.net/aeries/ims/oneroster/v1p1"},
	{Name: "oneroster11", Label: "Other OneRoster 1.1 server", Version: "1.1", Auths: []Auth{AuthOAuth2, AuthOAuth1, AuthBearer},
		Example: "https://server/ims/oneroster/v1p1"},
	{Name: "oneroster12", Label: "Other OneRoster 1.2 server", Version: "1.2", Auths: []Auth{AuthOAuth2, AuthBearer},
		Example: "https://server/ims/oneroster/rostering/v1p2"},
}

// TypeNamed finds a provider type by name (any case).
func TypeNamed(name string) (ProviderType, bool) {
	for _, t := range ProviderTypes {
		if strings.EqualFold(t.Name, strings.TrimSpace(name)) {
			return t, true
		}
	}
	return ProviderType{}, false
}

// TypeNames lists the type names.
func TypeNames() []string {
	out := make([]string, len(ProviderTypes))
	for i, t := range ProviderTypes {
		out[i] = t.Name
	}
	return out
}

// Allows tells whether the type offers authentication a.
func (t ProviderType) Allows(a Auth) bool {
	for _, x := range t.Auths {
		if x == a {
			return true
		}
	}
	return false
}

// DefaultAuth is the authentication to use when none was chosen: ClassLink's
// proxy takes a bearer token, a generic 1.1 server with a token URL OAuth 2.
func (t ProviderType) DefaultAuth(baseURL, tokenURL string) Auth {
	switch t.Name {
	case "classlink":
		if u, err := url.Parse(baseURL); err == nil && strings.HasPrefix(strings.ToLower(u.Hostname()), "oneroster-proxy.") {
			return AuthBearer
		}
		return AuthOAuth1
	case "oneroster11":
		if tokenURL == "" {
			return AuthOAuth1
		}
		return AuthOAuth2
	}
	return t.Auths[0]
}

// DefaultScopes are the scopes asked for when none were given: the core
// rostering scope where the provider needs one (Aeries refuses a token
// request without a scope; 1.2 servers check it), none elsewhere.
func (t ProviderType) DefaultScopes() []string {
	switch t.Name {
	case "aeries":
		return []string{ScopeCore11}
	case "infinitecampus", "oneroster12":
		return []string{ScopeCore12}
	}
	return nil
}

// DefaultTokenURL derives the token URL from the base URL where the
// provider's is known: Infinite Campus https://<domain>/campus/oauth2/token?appName=…,
// Aeries <base before /ims>/token, PowerSchool https://<host>/oauth/access_token/.
func (t ProviderType) DefaultTokenURL(baseURL, appName string) string {
	u, err := url.Parse(strings.TrimSpace(baseURL))
	if err != nil || u.Host == "" {
		return ""
	}
	root := u.Scheme + "://" + u.Host
	switch t.Name {
	case "infinitecampus":
		prefix := ""
		if i := strings.Index(u.Path, "/campus/"); i >= 0 {
			prefix = u.Path[:i]
		}
		return WithAppName(root+prefix+"/campus/oauth2/token", appName)
	case "aeries":
		p := u.Path
		if i := strings.Index(p, "/ims/oneroster"); i >= 0 {
			p = p[:i]
		}
		return root + strings.TrimRight(p, "/") + "/token"
	case "powerschool":
		return root + "/oauth/access_token/"
	}
	return ""
}

// WithAppName adds appName=name to a token URL that does not name one yet.
func WithAppName(tokenURL, name string) string {
	if name == "" || tokenURL == "" {
		return tokenURL
	}
	u, err := url.Parse(tokenURL)
	if err != nil {
		return tokenURL
	}
	q := u.Query()
	if q.Get("appName") != "" {
		return tokenURL
	}
	q.Set("appName", name)
	u.RawQuery = q.Encode()
	return u.String()
}
