package sync

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	gosync "sync"
	"time"

	"github.com/zalando/go-keyring"
)

// The client secret of the REST provider: the OS keychain, else this
// session only; a headless run may be given it instead.

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
	p, err := filepath.Abs(e.db.Path)
	if err != nil {
		p = e.db.Path
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
