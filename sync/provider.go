package sync

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"rosterdesk"
	"rosterdesk/sync/rest"
)

// A OneRoster REST provider is configured by the provider.* settings; its
// client secret (or bearer token) is kept in the OS keychain, never in the
// roster file, a log or an export. A pull is written as a OneRoster CSV
// bundle into a temporary folder and synced like any bundle (Options.Collections).

// EnvClientSecret is the environment variable a headless run takes the secret from.
const EnvClientSecret = "ROSTERDESK_CLIENT_SECRET"

// ProviderSettings is the REST provider connection as stored (no secret):
// the Provider section of the settings, with what the engine does with it.
type ProviderSettings rosterdesk.ProviderSettings

// connectionKeys are the settings the provider form and `provider set` edit.
var connectionKeys = []string{KeyProviderType, KeyProviderBaseURL, KeyProviderTokenURL, KeyProviderClientID, KeyProviderAuth,
	KeyProviderScopes, KeyProviderAppName, KeyProviderSignature, KeyProviderPageSize, KeyProviderFullEvery}

// connectionNames are the provider form's words for its settings.
var connectionNames = map[string]string{KeyProviderType: "type", KeyProviderBaseURL: "base url", KeyProviderTokenURL: "token url",
	KeyProviderClientID: "client id", KeyProviderAuth: "auth", KeyProviderScopes: "scopes", KeyProviderAppName: "app name",
	KeyProviderSignature: "oauth1 signature", KeyProviderPageSize: "page size", KeyProviderFullEvery: "full every days"}

// ConnectionFieldName is how the provider form names one of its settings
// in a message (the key itself for any other setting).
func ConnectionFieldName(key string) string {
	if n, ok := connectionNames[key]; ok {
		return n
	}
	return key
}

// connection is p's connection, as the settings text of its keys.
func (p ProviderSettings) connection() map[string]string {
	s := rosterdesk.Settings{Provider: rosterdesk.ProviderSettings(p)}
	out := make(map[string]string, len(connectionKeys))
	for _, k := range connectionKeys {
		out[k] = settingByKey[k].get(&s)
	}
	return out
}

// withConnection is the stored provider with p's connection: what the pulls
// remember stays, unless the provider or its base URL changes (the next pull is then a full one).
func (p ProviderSettings) withConnection(stored rosterdesk.ProviderSettings) rosterdesk.ProviderSettings {
	n := rosterdesk.ProviderSettings(p)
	n.LastFullPull, n.LastPull, n.LastFullScope = stored.LastFullPull, stored.LastPull, stored.LastFullScope
	if stored.Type != strings.ToLower(p.Type) || stored.BaseURL != strings.TrimRight(p.BaseURL, "/") {
		n.LastFullPull, n.LastPull, n.LastFullScope = time.Time{}, time.Time{}, ""
	}
	return n
}

// Provider returns the stored REST provider settings.
func (e *Engine) Provider(ctx context.Context) (ProviderSettings, error) {
	s, err := e.Settings(ctx)
	return ProviderSettings(s.Provider), err
}

// Configured tells whether a REST provider is set up.
func (p ProviderSettings) Configured() bool { return rosterdesk.ProviderSettings(p).Configured() }

// Name is how runs name the provider: its kind and host.
func (p ProviderSettings) Name() string {
	label := p.Type
	if t, ok := rest.TypeNamed(p.Type); ok {
		label, _, _ = strings.Cut(t.Label, " (")
	}
	if u, err := url.Parse(p.BaseURL); err == nil && u.Host != "" {
		return label + " REST (" + u.Host + ")"
	}
	return label + " REST"
}

// restConfig turns settings and a secret into a client configuration,
// filling what the provider's type implies.
func (p ProviderSettings) restConfig(secret string) (rest.Config, error) {
	typ, ok := rest.TypeNamed(p.Type)
	if !ok {
		return rest.Config{}, fmt.Errorf("provider type %q is not one of %s", p.Type, strings.Join(rest.TypeNames(), ", "))
	}
	if p.BaseURL == "" {
		return rest.Config{}, errors.New("the provider's base URL is not set")
	}
	if err := rest.CheckURL(p.BaseURL); err != nil {
		return rest.Config{}, fmt.Errorf("base URL: %w", err)
	}
	auth := rest.Auth(p.Auth)
	if auth == "" {
		auth = typ.DefaultAuth(p.BaseURL, p.TokenURL)
	}
	if !typ.Allows(auth) {
		return rest.Config{}, fmt.Errorf("%s does not use %s authentication", typ.Label, auth)
	}
	cfg := rest.Config{BaseURL: p.BaseURL, Version: typ.Version, Auth: auth, ClientID: p.ClientID, ClientSecret: secret,
		Signature: p.Signature, SessionCookies: typ.SessionCookies, PageSize: p.PageSize}
	if auth == rest.AuthOAuth2 {
		cfg.TokenURL = p.TokenURL
		if cfg.TokenURL == "" {
			cfg.TokenURL = typ.DefaultTokenURL(p.BaseURL, p.AppName)
		}
		if typ.AppName {
			cfg.TokenURL = rest.WithAppName(cfg.TokenURL, p.AppName)
			if u, err := url.Parse(cfg.TokenURL); err == nil && u.Query().Get("appName") == "" {
				return rest.Config{}, fmt.Errorf("%s needs the application name (appName) for its token URL", typ.Label)
			}
		}
		if cfg.TokenURL == "" {
			return rest.Config{}, errors.New("OAuth 2 needs a token URL")
		}
		cfg.Scopes = strings.Fields(p.Scopes)
		if len(cfg.Scopes) == 0 {
			cfg.Scopes = typ.DefaultScopes()
		}
	}
	if auth != rest.AuthBearer && p.ClientID == "" {
		return rest.Config{}, errors.New("the client id is not set")
	}
	if restTune != nil {
		restTune(&cfg)
	}
	return cfg, nil
}

// restTune lets tests shorten timeouts and backoff.
var restTune func(*rest.Config)

// SaveProvider validates and stores the provider settings, and the secret
// when one is given ("" keeps the stored one). Changing the provider or its
// base URL makes the next pull a full one.
func (e *Engine) SaveProvider(ctx context.Context, p ProviderSettings, secret string) (SecretStatus, error) {
	if p.PageSize == 0 {
		p.PageSize = 1000
	}
	if p.Signature == "" {
		p.Signature = rest.HMACSHA256
	}
	if _, err := e.checkSettings(ctx, rosterdesk.Settings{}, p.connection()); err != nil {
		return SecretStatus{}, err
	}
	if _, err := p.restConfig("secret"); err != nil {
		return SecretStatus{}, err
	}
	if _, err := e.UpdateSettings(ctx, func(s *rosterdesk.Settings) { s.Provider = p.withConnection(s.Provider) }, connectionKeys...); err != nil {
		return SecretStatus{}, err
	}
	if secret == "" {
		return e.SecretStatus(ctx), nil
	}
	return e.StoreClientSecret(ctx, secret)
}
