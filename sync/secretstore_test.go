package sync

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zalando/go-keyring"

	"rosterdesk"
	"rosterdesk/sync/rest/resttest"
)

// TestSecretOnlyInKeychain: the secret is in the keychain and nowhere in the
// roster file (settings, runs, logs), even after failed runs.
func TestSecretOnlyInKeychain(t *testing.T) {
	mockKeychain(t)
	fastREST(t)
	dir, _ := smallDistrict(t, "1.1")
	s := resttest.New(resttest.PowerSchool())
	defer s.Close()
	s.Load(dir)
	e := newEngine(t)
	setProvider(t, e, s, "powerschool")
	if got, err := keyring.Get(keychainService, e.secretAccount()); err != nil || got != resttest.ClientSecret {
		t.Fatalf("keychain holds %q %v", got, err)
	}
	mustProviderSync(t, e, rosterdesk.ScopeBuildings)
	mustProviderSync(t, e, rosterdesk.ScopeUsersCourses)
	s.SetFaults(resttest.Faults{FailAlways: "users"})
	e.SyncProvider(context.Background(), Options{Scope: rosterdesk.ScopeUsersCourses})
	s.SetFaults(resttest.Faults{})
	if r, err := e.TestConnection(context.Background()); err != nil || !r.OK {
		t.Fatalf("test connection %v %+v", err, r)
	}
	all, _ := e.AllSettings(context.Background())
	for k, v := range all {
		if strings.Contains(v, resttest.ClientSecret) {
			t.Errorf("setting %s holds the secret", k)
		}
	}
	e.Close()
	for _, suffix := range []string{"", "-wal", "-shm", "-journal"} {
		b, err := os.ReadFile(e.db.Path + suffix)
		if err != nil {
			continue
		}
		for _, form := range []string{resttest.ClientSecret, "s3cr3t"} {
			if bytes.Contains(b, []byte(form)) {
				t.Fatalf("%s holds the secret", filepath.Base(e.db.Path+suffix))
			}
		}
	}
}

// TestNoKeychain: where no keychain works the secret is kept for this
// session only and the admin is told; a later process takes it from the
// environment or from the caller.
func TestNoKeychain(t *testing.T) {
	mockKeychain(t)
	fastREST(t)
	keyring.MockInitWithError(errors.New("org.freedesktop.secrets was not provided by any .service files"))
	t.Cleanup(keyring.MockInit)
	dir, _ := smallDistrict(t, "1.1")
	s := resttest.New(resttest.Generic11())
	defer s.Close()
	s.Load(dir)
	e := newEngine(t)
	st, err := e.SaveProvider(context.Background(), providerFor(s, "oneroster11"), resttest.ClientSecret)
	if err != nil {
		t.Fatal(err)
	}
	if st.Where != "session" || !strings.Contains(st.Note, "no OS keychain") || !strings.Contains(st.Note, EnvClientSecret) {
		t.Fatalf("status %+v", st)
	}
	mustProviderSync(t, e, rosterdesk.ScopeBuildings) // this session still has it
	sessionSecrets.Delete(e.secretAccount())
	_, err = e.SyncProvider(context.Background(), Options{Scope: rosterdesk.ScopeUsers})
	if !IsRefused(err) || !strings.Contains(err.Error(), "no OS keychain") {
		t.Fatalf("without a secret: %v", err)
	}
	mustProviderSyncCtx(t, e, WithClientSecret(context.Background(), resttest.ClientSecret+"\n"), rosterdesk.ScopeUsers)
	t.Setenv(EnvClientSecret, resttest.ClientSecret)
	mustProviderSync(t, e, rosterdesk.ScopeUsers)
	if st := e.SecretStatus(context.Background()); st.Where != "environment" {
		t.Fatalf("status %+v", st)
	}
}

func mustProviderSyncCtx(t *testing.T, e *Engine, ctx context.Context, scope rosterdesk.Scope) {
	t.Helper()
	res, err := e.SyncProvider(ctx, Options{Scope: scope})
	if err != nil || res.Status != rosterdesk.StatusApplied {
		t.Fatalf("%v %+v", err, res)
	}
}
