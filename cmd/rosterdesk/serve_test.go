package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestMain lets the test binary stand in for the rosterdesk binary in child processes.
func TestMain(m *testing.M) {
	if os.Getenv("ROSTERDESK_AS_CLI") == "1" {
		os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// TestServeRunsTheScheduleEndToEnd starts `rosterdesk serve` with a schedule a
// minute ahead and waits for the automated run to appear in `history --json`.
func TestServeRunsTheScheduleEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for the next minute")
	}
	dir := t.TempDir()
	db := filepath.Join(dir, "roster.db")
	folder := filepath.Join(dir, "drop")
	os.Mkdir(folder, 0o755)
	bundle := writeZip(t, bundle("u1,,,true,s1,student,ann,,Ann,Lee,,,,,,,05,\n"))
	rd(t, db, "admin", "add", "it@example.org", "IT Admin")
	rd(t, db, "settings", "set", "credited_admin", "it@example.org")
	if code, _, _ := rd(t, db, "sync", bundle, "--scope", "buildings"); code != 0 {
		t.Fatal("building sync")
	}
	b, _ := os.ReadFile(bundle)
	dropped := filepath.Join(folder, "OneRoster.zip")
	os.WriteFile(dropped, b, 0o644)
	old := time.Now().Add(-10 * time.Minute)
	os.Chtimes(dropped, old, old)

	// The next minute at least 15 s away, so serve is up before it comes.
	at := time.Now().UTC().Add(15 * time.Second).Truncate(time.Minute).Add(time.Minute)
	day := strings.ToLower(at.Format("Mon"))
	// Enabling needs days and time: set in this order, one by one.
	for _, kv := range [][2]string{{"oneroster.enabled", "true"}, {"sync.days", day}, {"sync.time", at.Format("15:04")},
		{"sync.enabled", "true"}, {"sync.source", "folder"}, {"sync.watch_folder", folder}} {
		if code, _, errs := rd(t, db, "settings", "set", kv[0], kv[1]); code != 0 {
			t.Fatalf("settings set %s %s: %s", kv[0], kv[1], errs)
		}
	}
	var out bytes.Buffer
	cmd := exec.Command(os.Args[0], "--db", db, "serve", "--log", filepath.Join(dir, "serve.log"))
	cmd.Env = append(os.Environ(), "ROSTERDESK_AS_CLI=1")
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	deadline := at.Add(45 * time.Second)
	for {
		_, hist, _ := rd(t, db, "history", "--json")
		var runs []map[string]any
		json.Unmarshal([]byte(hist), &runs)
		if len(runs) > 0 && runs[0]["trigger"] == "automated" {
			if runs[0]["status"] != "applied" {
				t.Fatalf("automated run %v\n%s", runs[0], out.String())
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no automated run by %s:\n%s", deadline.Format(time.TimeOnly), out.String())
		}
		time.Sleep(500 * time.Millisecond)
	}
	cmd.Process.Signal(syscall.SIGTERM)
	cmd.Wait()
	if !strings.Contains(out.String(), "next automated sync") || !strings.Contains(out.String(), "would have been") {
		t.Fatalf("serve output:\n%s", out.String())
	}
	if log, _ := os.ReadFile(filepath.Join(dir, "serve.log")); !bytes.Contains(log, []byte(`"automated run finished"`)) {
		t.Fatalf("no structured log line for the run:\n%s", log)
	}
}
