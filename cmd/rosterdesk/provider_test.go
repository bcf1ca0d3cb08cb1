package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zalando/go-keyring"

	"rosterdesk/sync/gen"
	"rosterdesk/sync/rest/resttest"
)

// pipe makes the next commands read secret from a piped standard input.
func pipe(t *testing.T, secret string) {
	t.Helper()
	oldIn, oldPiped := stdin, stdinPiped
	stdin, stdinPiped = strings.NewReader(secret+"\n"), func() bool { return true }
	t.Cleanup(func() { stdin, stdinPiped = oldIn, oldPiped })
}

func TestProviderCLI(t *testing.T) {
	keyring.MockInit()
	t.Setenv("ROSTERDESK_CLIENT_SECRET", "")
	dir := t.TempDir()
	district := filepath.Join(dir, "district")
	if err := gen.Generate(gen.Config{Seed: 4, Schools: 2, Students: 40, Teachers: 4, Version: "1.1"}).Write(district, gen.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	s := resttest.New(resttest.ClassLinkDirect())
	defer s.Close()
	if err := s.Load(district); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(dir, "roster.db")

	if code, out, _ := rd(t, db, "--create", "provider", "show"); code != 0 || !strings.Contains(out, "no REST provider") {
		t.Fatalf("show before set: %d %q", code, out)
	}
	if code, _, errs := rd(t, db, "provider", "set", "--type", "skyward", "--base-url", s.BaseURL()); code != 2 || !strings.Contains(errs, "not one of") {
		t.Fatalf("unknown type: %d %q", code, errs)
	}
	pipe(t, resttest.ClientSecret)
	code, out, errs := rd(t, db, "provider", "set", "--type", "classlink", "--base-url", s.BaseURL(), "--client-id", resttest.ClientID)
	if code != 0 || !strings.Contains(out, "stored in the OS keychain") || !strings.Contains(out, "ClassLink REST (127.0.0.1") {
		t.Fatalf("set: %d %q %q", code, out, errs)
	}
	if got, _ := keyring.Get("RosterDesk", "oneroster-provider:"+db); got != resttest.ClientSecret {
		t.Fatalf("keychain holds %q", got)
	}
	pipe(t, "")
	if code, out, _ := rd(t, db, "provider", "test"); code != 0 || !strings.Contains(out, "The connection works.") || !strings.Contains(out, "HMAC-SHA256") {
		t.Fatalf("test: %d %q", code, out)
	}
	if code, out, _ := rd(t, db, "provider", "show", "--json"); code != 0 || strings.Contains(out, resttest.ClientSecret) || !strings.Contains(out, `"where": "keychain"`) {
		t.Fatalf("show: %d %q", code, out)
	}

	// A wrong base path: the test says so and suggests the right one.
	rd(t, db, "provider", "set", "--base-url", s.URL)
	code, out, _ = rd(t, db, "provider", "test")
	if code != 2 || !strings.Contains(out, "HTTP 404") || !strings.Contains(out, "use the base URL "+s.BaseURL()) {
		t.Fatalf("wrong base: %d %q", code, out)
	}
	rd(t, db, "provider", "set", "--base-url", s.BaseURL())

	rd(t, db, "admin", "add", "it@example.org", "IT Admin")
	rd(t, db, "settings", "set", "credited_admin", "it@example.org")
	if code, out, errs := rd(t, db, "sync", "provider", "--scope", "buildings"); code != 0 {
		t.Fatalf("buildings: %d %q %q", code, out, errs)
	}
	code, out, errs = rd(t, db, "sync", "provider", "--dry-run", "--json")
	if code != 0 || !strings.Contains(out, `"status": "dry-run"`) {
		t.Fatalf("dry run: %d %q %q", code, out, errs)
	}
	code, out, errs = rd(t, db, "sync", "provider", "--json")
	var res struct {
		RunID  int64  `json:"run_id"`
		Status string `json:"status"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &res) != nil || res.Status != "applied" {
		t.Fatalf("sync: %d %q %q", code, out, errs)
	}
	_, before, _ := rd(t, db, "roster", "--json")

	// A delta pull with nothing changed is an applied run that changes nothing.
	if code, out, errs := rd(t, db, "sync", "provider", "--scope", "users"); code != 0 || !strings.Contains(out, "added 0, updated 0, deactivated 0") {
		t.Fatalf("no-change delta: %d %q %q", code, out, errs)
	}
	// A truncated users list in a full pull: exit 2, nothing applied, the log says which collection and how many.
	if code, _, errs := rd(t, db, "provider", "set", "--full-every-days", "0"); code != 0 {
		t.Fatal(errs)
	}
	s.SetFaults(resttest.Faults{Truncate: map[string]int{"users": 3}})
	code, out, errs = rd(t, db, "sync", "provider", "--scope", "users")
	s.SetFaults(resttest.Faults{})
	if code != 2 || !strings.Contains(out, "failed") || !strings.Contains(errs, "users: the server said it holds") {
		t.Fatalf("truncated: %d %q %q", code, out, errs)
	}
	if _, after, _ := rd(t, db, "roster", "--json"); after != before {
		t.Fatalf("a truncated pull changed the roster:\n%s\n%s", before, after)
	}
	_, hist, _ := rd(t, db, "history", "--json")
	var runs []struct {
		RunID  int64  `json:"run_id"`
		Status string `json:"status"`
	}
	json.Unmarshal([]byte(hist), &runs)
	if len(runs) == 0 || runs[0].Status != "failed" {
		t.Fatalf("history %s", hist)
	}
	id := strings.TrimSpace(strings.Split(strings.Split(hist, `"run_id": `)[1], ",")[0])
	_, logOut, _ := rd(t, db, "log", id, "--json")
	if !strings.Contains(logOut, `"rule": "rest.incomplete"`) || !strings.Contains(logOut, `"file": "users"`) || !strings.Contains(logOut, "3 rows are missing") {
		t.Fatalf("log %s", logOut)
	}

	// The secret is in no export, log or the roster file.
	csvFile, xlsxFile := filepath.Join(dir, "log.csv"), filepath.Join(dir, "log.xlsx")
	if code, _, errs := rd(t, db, "log", id, "--csv", csvFile, "--xlsx", xlsxFile); code != 0 {
		t.Fatalf("export %q", errs)
	}
	_, allSettings, _ := rd(t, db, "settings")
	files := map[string][]byte{"log --json": []byte(logOut), "settings": []byte(allSettings), "history": []byte(hist)}
	for _, p := range []string{csvFile, xlsxFile, db, db + "-wal", db + "-shm"} {
		if b, err := os.ReadFile(p); err == nil {
			files[filepath.Base(p)] = b
		}
	}
	for name, b := range files {
		if bytes.Contains(b, []byte(resttest.ClientSecret)) || bytes.Contains(b, []byte("s3cr3t")) {
			t.Errorf("%s holds the secret", name)
		}
	}

	// No secret anywhere: refused with plain words, exit 3.
	rd(t, db, "provider", "forget-secret")
	pipe(t, "")
	if code, out, errs := rd(t, db, "sync", "provider"); code != 3 || !strings.Contains(out, "refused: no client secret") {
		t.Fatalf("no secret: %d %q %q", code, out, errs)
	}
	// From the environment it works again.
	t.Setenv("ROSTERDESK_CLIENT_SECRET", resttest.ClientSecret)
	if code, out, errs := rd(t, db, "sync", "provider", "--scope", "users"); code != 0 {
		t.Fatalf("env secret: %d %q %q", code, out, errs)
	}
}
