package sync

import (
	"context"
	"errors"

	"rosterdesk"
	"rosterdesk/sync/rest"
)

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
	vals, err := e.checkSettings(ctx, rosterdesk.Settings{}, p.connection())
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
