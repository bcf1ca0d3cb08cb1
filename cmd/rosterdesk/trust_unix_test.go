//go:build !windows

package main

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"
)

// Reading commands work on a roster the user cannot write (a read-only file in
// a read-only folder), and write nothing beside it.
func TestReadOnlyRosterOpensForReading(t *testing.T) {
	dir, err := os.MkdirTemp("", "rd-readonly-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	db := filepath.Join(dir, "roster.db")
	rd(t, db, "admin", "add", "it@example.org", "IT Admin")
	rd(t, db, "settings", "set", "credited_admin", "it@example.org")
	good := writeZip(t, bundle("u1,,,true,s1,student,ann,,Ann,Lee,,,,,,,05,\n"))
	if code, _, errs := rd(t, db, "sync", good, "--scope", "buildings"); code != 0 {
		t.Fatal(errs)
	}
	// Close the WAL: a read-only folder has no -wal or -shm file to share.
	rd(t, db, "settings", "set", "log.level", "info")
	os.Remove(db + "-wal")
	os.Remove(db + "-shm")
	os.Chmod(db, 0o444)
	os.Chmod(dir, 0o555)
	before, _ := os.ReadDir(dir)
	defer os.Chmod(dir, 0o755)
	// Root writes anywhere: read as nobody when the test runs as root.
	bin := os.Args[0]
	var cred *syscall.Credential
	if os.Geteuid() == 0 {
		bdir, _ := os.MkdirTemp("", "rd-bin-")
		defer os.RemoveAll(bdir)
		os.Chmod(bdir, 0o755)
		bin = filepath.Join(bdir, "rosterdesk.test")
		copyExe(t, os.Args[0], bin)
		cred = &syscall.Credential{Uid: 65534, Gid: 65534}
	}
	for _, args := range [][]string{{"roster"}, {"history"}, {"log", "1"}, {"show", "building", "s1"}, {"admin", "list"}, {"settings", "get", "credited_admin"}} {
		var out bytes.Buffer
		cmd := exec.Command(bin, append([]string{"--db", db}, args...)...)
		cmd.Env = append(os.Environ(), "ROSTERDESK_AS_CLI=1", "HOME="+dir)
		cmd.Stdout, cmd.Stderr = &out, &out
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
		if err := cmd.Run(); err != nil {
			t.Fatalf("%v on a read-only roster: %v\n%s", args, err, out.String())
		}
	}
	var out bytes.Buffer
	cmd := exec.Command(bin, "--db", db, "settings", "set", "sync.enabled", "true")
	cmd.Env = append(os.Environ(), "ROSTERDESK_AS_CLI=1", "HOME="+dir)
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	if cmd.Run() == nil {
		t.Fatal("a read-only roster was written")
	}
	if ents, _ := os.ReadDir(dir); len(ents) != len(before) {
		t.Fatalf("reading wrote beside the roster: %v", ents)
	}
}

func copyExe(t *testing.T, from, to string) {
	t.Helper()
	in, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_CREATE|os.O_WRONLY, 0o755)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
	out.Close()
}

// Failure 7 (SIGTERM): a REST pull stopped by SIGTERM leaves no pulled file behind.
func TestSIGTERMRemovesThePull(t *testing.T) {
	hang := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select { // a server that never answers
		case <-hang:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(hang)
	dir := t.TempDir()
	db := filepath.Join(dir, "roster.db")
	t.Setenv("ROSTERDESK_CLIENT_SECRET", "s3cret-value")
	rd(t, db, "admin", "add", "it@example.org", "IT Admin")
	rd(t, db, "settings", "set", "credited_admin", "it@example.org")
	if code, _, errs := rd(t, db, "provider", "set", "--type", "oneroster12", "--base-url", srv.URL+"/ims/oneroster/rostering/v1p2",
		"--token-url", srv.URL+"/token", "--client-id", "cid"); code != 0 {
		t.Fatal(errs)
	}
	var out bytes.Buffer
	cmd := exec.Command(os.Args[0], "--db", db, "sync", "provider", "--scope", "buildings")
	cmd.Env = append(os.Environ(), "ROSTERDESK_AS_CLI=1")
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	tmp := filepath.Join(db+".runs", "tmp", strconv.Itoa(cmd.Process.Pid))
	deadline := time.Now().Add(20 * time.Second)
	for {
		if ents, _ := os.ReadDir(tmp); len(ents) > 0 {
			break
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatalf("the pull never started: %s", out.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		cmd.Process.Kill()
		t.Fatal("SIGTERM did not stop the pull")
	}
	if _, err := os.Stat(tmp); !errors.Is(err, os.ErrNotExist) {
		ents, _ := os.ReadDir(tmp)
		t.Fatalf("SIGTERM left the pull's temporary files: %v\n%s", ents, out.String())
	}
}
