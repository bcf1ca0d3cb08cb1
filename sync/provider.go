package sync

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	gosync "sync"
	"time"

	"github.com/zalando/go-keyring"

	"rosterdesk"
	"rosterdesk/sync/rest"
)

// A OneRoster REST provider is configured by the provider.* settings; its
// client secret (or bearer token) is kept in the OS keychain, never in the
// roster file, a log or an export. A pull is written as a OneRoster CSV
// bundle into a temporary folder and synced like any bundle (Options.Collections).

// Setting keys of the REST provider connection.
const (
	KeyProviderType      = "provider.type"
	KeyProviderBaseURL   = "provider.base_url"
	KeyProviderTokenURL  = "provider.token_url"
	KeyProviderClientID  = "provider.client_id"
	KeyProviderAuth      = "provider.auth"
	KeyProviderScopes    = "provider.scopes"
	KeyProviderAppName   = "provider.app_name"
	KeyProviderSignature = "provider.oauth1_signature"
	KeyProviderPageSize  = "provider.page_size"
	KeyProviderFullEvery = "provider.full_every_days"
	KeyProviderLastFull  = "provider.last_full_pull"
	KeyProviderFullScope = "provider.last_full_scope"
	KeyProviderLastPull  = "provider.last_pull"
)

// EnvClientSecret is the environment variable a headless run takes the secret from.
const EnvClientSecret = "ROSTERDESK_CLIENT_SECRET"

func init() {
	trim := func(_ context.Context, _ *Engine, v string) (string, error) { return strings.TrimSpace(v), nil }
	urlCheck := func(_ context.Context, _ *Engine, v string) (string, error) {
		v = strings.TrimRight(strings.TrimSpace(v), "/")
		if v == "" {
			return "", nil
		}
		return v, rest.CheckURL(v)
	}
	whole := func(lo, hi int) func(context.Context, *Engine, string) (string, error) {
		return func(_ context.Context, _ *Engine, v string) (string, error) {
			n, err := strconv.Atoi(strings.TrimSpace(v))
			if err != nil || n < lo || n > hi {
				return "", fmt.Errorf("%q is not a whole number from %d to %d", v, lo, hi)
			}
			return strconv.Itoa(n), nil
		}
	}
	when := func(_ context.Context, _ *Engine, v string) (string, error) {
		v = strings.TrimSpace(v)
		if v == "" {
			return "", nil
		}
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			return "", fmt.Errorf("%q is not a date-time like 2026-11-23T06:00:00Z", v)
		}
		return t.UTC().Format(time.RFC3339), nil
	}
	settingDefs[KeyProviderType] = settingDef{def: "", help: "OneRoster REST provider: " + strings.Join(rest.TypeNames(), ", "),
		check: func(_ context.Context, _ *Engine, v string) (string, error) {
			v = strings.ToLower(strings.TrimSpace(v))
			if _, ok := rest.TypeNamed(v); !ok && v != "" {
				return "", fmt.Errorf("%q is not one of %s", v, strings.Join(rest.TypeNames(), ", "))
			}
			return v, nil
		}}
	settingDefs[KeyProviderBaseURL] = settingDef{def: "", check: urlCheck, help: "the provider's OneRoster base URL, e.g. https://host/ims/oneroster/v1p1"}
	settingDefs[KeyProviderTokenURL] = settingDef{def: "", help: "OAuth 2 token URL (blank: the provider's usual one)",
		check: func(_ context.Context, _ *Engine, v string) (string, error) {
			if v = strings.TrimSpace(v); v == "" {
				return "", nil
			}
			return v, rest.CheckURL(v) // kept as given: some end in a slash that matters
		}}
	settingDefs[KeyProviderClientID] = settingDef{def: "", check: trim, help: "OAuth client id (consumer key); the secret is kept in the OS keychain"}
	settingDefs[KeyProviderAuth] = settingDef{def: "", help: "oauth1, oauth2 or bearer (blank: the provider's usual one)",
		check: func(_ context.Context, _ *Engine, v string) (string, error) {
			switch a := rest.Auth(strings.ToLower(strings.TrimSpace(v))); a {
			case "", rest.AuthOAuth1, rest.AuthOAuth2, rest.AuthBearer:
				return string(a), nil
			}
			return "", fmt.Errorf("%q is not oauth1, oauth2 or bearer", v)
		}}
	settingDefs[KeyProviderScopes] = settingDef{def: "", help: "OAuth 2 scopes, separated by spaces (blank: the provider's usual ones)",
		check: func(_ context.Context, _ *Engine, v string) (string, error) {
			return strings.Join(strings.FieldsFunc(v, func(r rune) bool { return r == ' ' || r == ',' || r == '\n' || r == '\t' }), " "), nil
		}}
	settingDefs[KeyProviderAppName] = settingDef{def: "", check: trim, help: "application name the token URL carries (Infinite Campus appName)"}
	settingDefs[KeyProviderSignature] = settingDef{def: rest.HMACSHA256, help: "OAuth 1 signature method: HMAC-SHA256 or HMAC-SHA1",
		check: func(_ context.Context, _ *Engine, v string) (string, error) {
			switch strings.ToUpper(strings.ReplaceAll(strings.TrimSpace(v), "_", "-")) {
			case "HMAC-SHA256", "SHA256", "":
				return rest.HMACSHA256, nil
			case "HMAC-SHA1", "SHA1":
				return rest.HMACSHA1, nil
			}
			return "", fmt.Errorf("%q is not HMAC-SHA256 or HMAC-SHA1", v)
		}}
	settingDefs[KeyProviderPageSize] = settingDef{def: "1000", check: whole(1, 100000), help: "records asked for per page of a REST pull"}
	settingDefs[KeyProviderFullEvery] = settingDef{def: "7", check: whole(0, 365),
		help: "a full REST pull every N days, delta pulls (changed records only) between them; 0: always full"}
	settingDefs[KeyProviderLastFull] = settingDef{def: "", check: when, help: "when the last full REST pull was applied (set by syncs)"}
	settingDefs[KeyProviderFullScope] = settingDef{def: "", help: "the scope of the last full REST pull (set by syncs)",
		check: func(_ context.Context, _ *Engine, v string) (string, error) {
			if s, ok := rosterdesk.ParseScope(strings.TrimSpace(v)); ok || strings.TrimSpace(v) == "" {
				return string(s), nil
			}
			return "", fmt.Errorf("%q is not a scope", v)
		}}
	settingDefs[KeyProviderLastPull] = settingDef{def: "", check: when, help: "when the last REST pull (full or delta) was applied (set by syncs)"}
}

// ProviderSettings is the REST provider connection as stored (no secret).
type ProviderSettings struct {
	Type          string `json:"type"`
	BaseURL       string `json:"base_url"`
	TokenURL      string `json:"token_url,omitempty"`
	ClientID      string `json:"client_id,omitempty"`
	Auth          string `json:"auth,omitempty"`
	Scopes        string `json:"scopes,omitempty"`
	AppName       string `json:"app_name,omitempty"`
	Signature     string `json:"oauth1_signature,omitempty"`
	PageSize      int    `json:"page_size"`
	FullEveryDays int    `json:"full_every_days"`
}

func (p ProviderSettings) values() map[string]string {
	return map[string]string{KeyProviderType: p.Type, KeyProviderBaseURL: p.BaseURL, KeyProviderTokenURL: p.TokenURL,
		KeyProviderClientID: p.ClientID, KeyProviderAuth: p.Auth, KeyProviderScopes: p.Scopes, KeyProviderAppName: p.AppName,
		KeyProviderSignature: p.Signature, KeyProviderPageSize: strconv.Itoa(p.PageSize), KeyProviderFullEvery: strconv.Itoa(p.FullEveryDays)}
}

// Provider returns the stored REST provider settings.
func (e *Engine) Provider(ctx context.Context) (ProviderSettings, error) {
	var p ProviderSettings
	var pageSize, every string
	for key, dst := range map[string]*string{KeyProviderType: &p.Type, KeyProviderBaseURL: &p.BaseURL, KeyProviderTokenURL: &p.TokenURL,
		KeyProviderClientID: &p.ClientID, KeyProviderAuth: &p.Auth, KeyProviderScopes: &p.Scopes, KeyProviderAppName: &p.AppName,
		KeyProviderSignature: &p.Signature, KeyProviderPageSize: &pageSize, KeyProviderFullEvery: &every} {
		v, err := e.Setting(ctx, key)
		if err != nil {
			return p, err
		}
		*dst = v
	}
	p.PageSize, _ = strconv.Atoi(pageSize)
	p.FullEveryDays, _ = strconv.Atoi(every)
	return p, nil
}

// Configured tells whether a REST provider is set up.
func (p ProviderSettings) Configured() bool { return p.Type != "" && p.BaseURL != "" }

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
	vals := p.values()
	if _, err := e.checkSettings(ctx, vals); err != nil {
		return SecretStatus{}, err
	}
	if _, err := p.restConfig("secret"); err != nil {
		return SecretStatus{}, err
	}
	old, err := e.Provider(ctx)
	if err != nil {
		return SecretStatus{}, err
	}
	if old.Type != strings.ToLower(p.Type) || old.BaseURL != strings.TrimRight(p.BaseURL, "/") {
		vals[KeyProviderLastFull], vals[KeyProviderLastPull], vals[KeyProviderFullScope] = "", "", ""
	}
	if _, err := e.SaveSettings(ctx, vals); err != nil {
		return SecretStatus{}, err
	}
	if secret == "" {
		return e.SecretStatus(ctx), nil
	}
	return e.StoreClientSecret(ctx, secret)
}

// --- the client secret ---

// SecretStore keeps secrets outside the roster file.
type SecretStore interface {
	Get(service, account string) (string, error)
	Set(service, account, secret string) error
	Delete(service, account string) error
}

// Keychain is the OS keychain (Windows Credential Manager, macOS Keychain,
// Secret Service on Linux) through github.com/zalando/go-keyring.
var Keychain SecretStore = osKeychain{timeout: 10 * time.Second}

const keychainService = "RosterDesk"

type osKeychain struct{ timeout time.Duration }

// call runs a keychain call with a time limit: a desktop without a running
// Secret Service can leave D-Bus waiting.
func (k osKeychain) call(fn func() error) error {
	done := make(chan error, 1)
	go func() { done <- fn() }()
	select {
	case err := <-done:
		return err
	case <-time.After(k.timeout):
		return errors.New("the keychain did not answer")
	}
}

func (k osKeychain) Get(service, account string) (string, error) {
	var s string
	err := k.call(func() error {
		var err error
		s, err = keyring.Get(service, account)
		return err
	})
	return s, err
}

func (k osKeychain) Set(service, account, secret string) error {
	return k.call(func() error { return keyring.Set(service, account, secret) })
}

func (k osKeychain) Delete(service, account string) error {
	return k.call(func() error { return keyring.Delete(service, account) })
}

// NoKeychainError says the OS keychain cannot be used here.
type NoKeychainError struct{ Err error }

// Error says what the admin can do; the system's own reason (a missing
// dbus-launch, say) is in Err, for the log, not in the words shown.
func (e *NoKeychainError) Error() string {
	return fmt.Sprintf("no OS keychain is available on this computer, so the client secret cannot be stored: "+
		"it is kept only while RosterDesk stays open; for scheduled syncs give it with %s (or on standard input on the command line)",
		EnvClientSecret)
}

func (e *NoKeychainError) Unwrap() error { return e.Err }

// sessionSecrets hold secrets given while no keychain works, for this process only.
var sessionSecrets gosync.Map

// secretAccount names this roster's secret in the keychain.
func (e *Engine) secretAccount() string {
	p, err := filepath.Abs(e.DB.Path)
	if err != nil {
		p = e.DB.Path
	}
	return "oneroster-provider:" + p
}

// SecretStatus says where the client secret is.
type SecretStatus struct {
	Where string `json:"where"` // keychain, session, environment, none
	Note  string `json:"note,omitempty"`
	// NoKeychain: no OS keychain works here (the note says why).
	NoKeychain bool `json:"no_keychain,omitempty"`
}

// StoreClientSecret puts the secret in the OS keychain. Where no keychain
// works it keeps the secret in memory for this process only and says so.
func (e *Engine) StoreClientSecret(ctx context.Context, secret string) (SecretStatus, error) {
	secret = strings.TrimRight(secret, "\r\n")
	if secret == "" {
		return SecretStatus{}, errors.New("the client secret is empty")
	}
	acct := e.secretAccount()
	if err := Keychain.Set(keychainService, acct, secret); err != nil {
		sessionSecrets.Store(acct, secret)
		nk := &NoKeychainError{Err: err}
		e.Log.Warn().Str("keychain", err.Error()).Msg("client secret kept for this session only")
		return SecretStatus{Where: "session", Note: nk.Error(), NoKeychain: true}, nil
	}
	sessionSecrets.Delete(acct)
	return SecretStatus{Where: "keychain", Note: "the client secret is stored in the OS keychain"}, nil
}

// ForgetClientSecret removes the secret from the keychain and this session.
func (e *Engine) ForgetClientSecret(ctx context.Context) error {
	acct := e.secretAccount()
	sessionSecrets.Delete(acct)
	if err := Keychain.Delete(keychainService, acct); err != nil && !errors.Is(err, keyring.ErrNotFound) {
		return err
	}
	return nil
}

type secretKey struct{}

// WithClientSecret gives a run the secret (read from standard input, say)
// without storing it anywhere.
func WithClientSecret(ctx context.Context, secret string) context.Context {
	return context.WithValue(ctx, secretKey{}, strings.TrimRight(secret, "\r\n"))
}

// clientSecret finds the secret: given to this run, the environment, this
// session, then the keychain.
func (e *Engine) clientSecret(ctx context.Context) (string, SecretStatus) {
	if s, _ := ctx.Value(secretKey{}).(string); s != "" {
		return s, SecretStatus{Where: "given"}
	}
	if s := os.Getenv(EnvClientSecret); s != "" {
		return s, SecretStatus{Where: "environment", Note: "the client secret comes from " + EnvClientSecret}
	}
	acct := e.secretAccount()
	if s, ok := sessionSecrets.Load(acct); ok {
		return s.(string), SecretStatus{Where: "session", Note: "the client secret was given in this session (no keychain)"}
	}
	s, err := Keychain.Get(keychainService, acct)
	switch {
	case err == nil && s != "":
		return s, SecretStatus{Where: "keychain", Note: "the client secret is in the OS keychain"}
	case err == nil || errors.Is(err, keyring.ErrNotFound):
		return "", SecretStatus{Where: "none", Note: "no client secret is stored: set it with the provider settings"}
	}
	return "", SecretStatus{Where: "none", Note: (&NoKeychainError{Err: err}).Error(), NoKeychain: true}
}

// SecretStatus says where the client secret would come from, without showing it.
func (e *Engine) SecretStatus(ctx context.Context) SecretStatus {
	_, st := e.clientSecret(ctx)
	return st
}

// providerClient is the configured provider with its secret.
func (e *Engine) providerClient(ctx context.Context) (ProviderSettings, rest.Config, string, error) {
	p, err := e.Provider(ctx)
	if err != nil {
		return p, rest.Config{}, "", err
	}
	if !p.Configured() {
		return p, rest.Config{}, "", &RefusedError{Reason: "no OneRoster REST provider is set up: `rosterdesk provider set --type TYPE --base-url URL ...` or the OneRoster screen"}
	}
	secret, st := e.clientSecret(ctx)
	cfg, err := p.restConfig(secret)
	if err != nil {
		return p, cfg, "", &RefusedError{Reason: "the REST provider settings are incomplete: " + err.Error()}
	}
	if secret == "" {
		return p, cfg, "", &RefusedError{Reason: "no client secret for the REST provider: " + st.Note}
	}
	e.scrubber.Add(secret)
	e.scrubber.AddBasic(cfg.ClientID, secret)
	cfg.Scrubber = e.scrubber
	return p, cfg, secret, nil
}

// ConnReport is a connection test's outcome in plain words.
type ConnReport = rest.Report

// TestConnection tests the stored provider: a token, one page of orgs and
// one of users.
func (e *Engine) TestConnection(ctx context.Context) (*ConnReport, error) {
	_, cfg, _, err := e.providerClient(ctx)
	if err != nil {
		return nil, err
	}
	return rest.Test(ctx, cfg), nil
}

// TestProvider tests settings that may not be saved yet; an empty secret
// takes the stored one.
func (e *Engine) TestProvider(ctx context.Context, p ProviderSettings, secret string) (*ConnReport, error) {
	if p.PageSize == 0 {
		p.PageSize = 1000
	}
	vals, err := e.checkSettings(ctx, p.values())
	if err != nil {
		return nil, err
	}
	p.Type, p.BaseURL, p.TokenURL, p.Auth, p.Scopes = vals[KeyProviderType], vals[KeyProviderBaseURL], vals[KeyProviderTokenURL], vals[KeyProviderAuth], vals[KeyProviderScopes]
	p.Signature = vals[KeyProviderSignature]
	if secret == "" {
		secret, _ = e.clientSecret(ctx)
	}
	cfg, err := p.restConfig(secret)
	if err != nil {
		return nil, err
	}
	if secret == "" {
		return nil, errors.New("enter the client secret")
	}
	return rest.Test(ctx, cfg), nil
}

// --- pulling ---

// pullFiles are the collections a scope needs, in the order references need them.
func pullFiles(scope rosterdesk.Scope) []string {
	switch scope {
	case rosterdesk.ScopeBuildings:
		return []string{"orgs"}
	case rosterdesk.ScopeUsers:
		return []string{"orgs", "users"}
	}
	return []string{"orgs", "academicSessions", "courses", "classes", "users", "enrollments"}
}

// neededFiles are the files of which a sync needs at least one (users first).
func neededFiles(scope rosterdesk.Scope) []string {
	switch scope {
	case rosterdesk.ScopeBuildings:
		return []string{"orgs"}
	case rosterdesk.ScopeUsers:
		return []string{"users"}
	}
	return []string{"users", "academicSessions", "courses", "classes", "enrollments"}
}

// deltaOverlap re-reads a little before the last pull: clocks differ, and a
// record changed twice is simply applied again.
const deltaOverlap = 10 * time.Minute

// pullSince decides between a full pull (zero time) and a delta pull of the
// records changed since the returned time, and says why.
func (e *Engine) pullSince(ctx context.Context, p ProviderSettings, scope rosterdesk.Scope, now time.Time) (time.Time, string) {
	if scope == rosterdesk.ScopeBuildings {
		return time.Time{}, "a building sync reads every org"
	}
	if p.FullEveryDays == 0 {
		return time.Time{}, "every pull is full (" + KeyProviderFullEvery + " = 0)"
	}
	lastFull, _ := e.Setting(ctx, KeyProviderLastFull)
	lastPull, _ := e.Setting(ctx, KeyProviderLastPull)
	fullScope, _ := e.Setting(ctx, KeyProviderFullScope)
	lf, err1 := time.Parse(time.RFC3339, lastFull)
	lp, err2 := time.Parse(time.RFC3339, lastPull)
	switch {
	case err1 != nil || err2 != nil:
		return time.Time{}, "no full pull has been applied yet"
	case now.Sub(lf) >= time.Duration(p.FullEveryDays)*24*time.Hour:
		return time.Time{}, fmt.Sprintf("the last full pull was %s (a full pull every %d days)", lastFull, p.FullEveryDays)
	case rosterdesk.Scope(fullScope) != scope && rosterdesk.Scope(fullScope) != rosterdesk.ScopeUsersCourses:
		return time.Time{}, fmt.Sprintf("the last full pull was for %s only", fullScope)
	}
	return lp.Add(-deltaOverlap), fmt.Sprintf("records changed since %s (the last pull, less %s)", lp.Add(-deltaOverlap).Format(time.RFC3339), deltaOverlap)
}

// pullError is a failed pull with the secret scrubbed from its words.
type pullError struct {
	msg string
	err error
}

func (e *pullError) Error() string { return e.msg }
func (e *pullError) Unwrap() error { return e.err }

// scrub takes every credential the engine knows of (the secret in all its
// forms, the tokens it was given) and anything like one out of s.
func (e *Engine) scrub(s string) string { return e.scrubber.Scrub(s) }

// SyncProvider pulls the configured REST provider and syncs what it sent,
// through the same validate → plan → guard → apply as a CSV bundle. A full
// pull writes bulk files; between full pulls (provider.full_every_days) a
// delta pull asks only for records changed since the last one. A pull that
// fails or comes back incomplete applies nothing: the run is recorded as
// failed, its log naming the collection and how many records were missing.
func (e *Engine) SyncProvider(ctx context.Context, opt Options) (*Result, error) {
	p, cfg, _, err := e.providerClient(ctx)
	if err != nil {
		return e.refused(opt, err)
	}
	opt, _, err = e.preconditions(ctx, opt)
	if err != nil {
		return e.refused(opt, err)
	}
	name := p.Name()
	opt.Collections, opt.Provider = true, name
	started := e.DB.Now().UTC()
	since, why := e.pullSince(ctx, p, opt.Scope, started)
	client, err := rest.New(cfg)
	if err != nil {
		return e.refused(opt, &RefusedError{Reason: "the REST provider settings are not usable: " + e.scrub(err.Error())})
	}
	dir, err := e.TempDir(p.Type + "-pull")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	mode := "full"
	if !since.IsZero() {
		mode = "delta"
	}
	e.Log.Info().Str("provider", name).Str("mode", mode).Str("why", why).Str("scope", string(opt.Scope)).Msg("REST pull")
	progress := opt.Progress
	pull := func(dir string, since time.Time) ([]rest.FileStats, error) {
		return client.WriteBundle(ctx, rest.BundleSpec{Dir: dir, Version: cfg.Version, Files: pullFiles(opt.Scope), Since: since,
			SystemName: name, Needed: neededFiles(opt.Scope), Header: func(file string) []string {
				s, _ := specFor(cfg.Version, file)
				return s.cols
			},
			Progress: func(file string, rows, total int) {
				if progress != nil {
					progress(Progress{Phase: "pull " + file, Done: rows, Total: max(total, 0)})
				}
			}})
	}
	stats, err := pull(dir, since)
	var re *rest.Error
	if err != nil && !since.IsZero() && errors.As(err, &re) && re.Kind == rest.KindBadRequest {
		// The server does not take the dateLastModified filter: read everything instead.
		e.Log.Warn().Str("provider", name).Str("error", e.scrub(err.Error())).Msg("delta filter refused; pulling in full")
		since, mode = time.Time{}, "full"
		if err = os.RemoveAll(dir); err == nil {
			err = os.MkdirAll(dir, 0o700)
		}
		if err != nil {
			return nil, err
		}
		stats, err = pull(dir, since)
	}
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err() // cancelled: nothing is recorded
		}
		perr := &pullError{msg: e.scrub(err.Error()), err: err}
		entries := pullLog(stats, err, e.scrub, mode)
		res, rerr := e.RecordFailed(ctx, opt, name, perr, entries)
		if rerr == nil {
			rerr = perr
		}
		return res, rerr
	}
	for _, st := range stats {
		e.Log.Info().Str("collection", st.Collection).Int("records", st.Rows).Int("written", st.Written).Int("pages", st.Pages).
			Int("total", st.Total).Str("mode", st.Mode).Msg("pulled")
	}
	if since.IsZero() {
		// A full pull must be consistent before anything is taken away: what
		// its own enrollments name but it did not return was lost on the way.
		// Pull once more; a pull still inconsistent is held by the safeguards.
		gaps, err := scanPull(dir, func(string) bool { return true })
		if err != nil {
			return nil, err
		}
		if gaps.n() > 0 {
			first := gaps.summary()
			e.Log.Warn().Str("provider", name).Int("missing", gaps.n()).Msg("full pull not consistent; pulling again")
			if err = os.RemoveAll(dir); err == nil {
				err = os.MkdirAll(dir, 0o700)
			}
			if err != nil {
				return nil, err
			}
			if stats, err = pull(dir, since); err != nil {
				if ctx.Err() != nil {
					return nil, ctx.Err()
				}
				perr := &pullError{msg: e.scrub(err.Error()), err: err}
				res, rerr := e.RecordFailed(ctx, opt, name, perr, pullLog(stats, err, e.scrub, mode))
				if rerr == nil {
					rerr = perr
				}
				return res, rerr
			}
			if gaps, err = scanPull(dir, func(string) bool { return true }); err != nil {
				return nil, err
			}
			then := "the second pull is consistent and is the one applied"
			if gaps.n() > 0 {
				then = "the second pull is not consistent either (it lacks " + gaps.summary() + ")"
			}
			opt.notes = append(opt.notes, rosterdesk.LogEntry{Severity: SevWarning, Phase: "pull", Rule: "pull.repulled",
				Message: fmt.Sprintf("the first full pull was not consistent: its own enrollments or classes named %s that it did not return "+
					"(the data changed on the server while it was read, or a page was lost); it was pulled again once: %s", first, then)})
		}
	}
	res, err := e.Sync(ctx, dir, opt)
	if err == nil && res != nil && res.Status == rosterdesk.StatusApplied && !opt.DryRun {
		at := started.Format(time.RFC3339)
		vals := map[string]string{KeyProviderLastPull: at}
		if since.IsZero() {
			vals[KeyProviderLastFull], vals[KeyProviderFullScope] = at, string(opt.Scope)
		}
		if opt.Scope == rosterdesk.ScopeBuildings {
			delete(vals, KeyProviderLastPull) // orgs alone say nothing about users' changes
			delete(vals, KeyProviderLastFull)
			delete(vals, KeyProviderFullScope)
		}
		for k, v := range vals {
			if _, serr := e.SetSetting(ctx, k, v); serr != nil {
				e.Log.Warn().Err(serr).Str("key", k).Msg("remember the pull")
			}
		}
	}
	return res, err
}

// pullLog explains a failed pull: what was read, then what went wrong.
func pullLog(stats []rest.FileStats, err error, scrub func(string) string, mode string) []rosterdesk.LogEntry {
	var out []rosterdesk.LogEntry
	for _, st := range stats {
		total := ""
		if st.Total >= 0 {
			total = fmt.Sprintf(" of %d", st.Total)
		}
		out = append(out, rosterdesk.LogEntry{Severity: SevInfo, Phase: "pull", File: st.Collection, Rule: "rest.pulled",
			Message: fmt.Sprintf("%s pull: %d records%s in %d page(s)", mode, st.Rows, total, st.Pages)})
	}
	var inc *rest.IncompleteError
	var capErr *rest.PageCapError
	var re *rest.Error
	en := rosterdesk.LogEntry{Severity: SevError, Phase: "pull", Rule: "rest.failed", Message: scrub(err.Error())}
	switch {
	case errors.As(err, &inc):
		en.File, en.Rule = inc.Collection, "rest.incomplete"
		en.Message = fmt.Sprintf("%s came back incomplete: the server said %d records but sent %d, so %d rows are missing; nothing was applied and nobody was deactivated",
			inc.Collection, inc.Want, inc.Got, inc.Missing())
	case errors.As(err, &capErr):
		en.File, en.Rule = capErr.Collection, "rest.page_cap"
	case errors.As(err, &re):
		en.File, en.Rule = re.Op, "rest."+string(re.Kind)
		en.Message += "; nothing was applied"
	}
	return append(out, en)
}
