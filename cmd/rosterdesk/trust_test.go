package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/rs/zerolog"

	rsync "rosterdesk/sync"
)

// A mistyped --db does not silently create an empty roster; --create and
// admin add on a new file do.
func TestMistypedDBIsRefused(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "roster.db")
	typo := filepath.Join(dir, "rostre.db")
	if code, _, errs := rd(t, db, "admin", "add", "it@example.org", "IT Admin"); code != 0 {
		t.Fatalf("admin add on a new file: %d %s", code, errs)
	}
	for _, args := range [][]string{{"roster"}, {"history"}, {"sync", "x.zip"}, {"settings", "set", "sync.enabled", "true"}, {"admin", "list"}} {
		code, _, errs := rd(t, typo, args...)
		if code != exitUnusable || !strings.Contains(errs, "there is no roster at "+typo) {
			t.Fatalf("%v on a missing roster: %d %q", args, code, errs)
		}
		if _, err := os.Stat(typo); err == nil {
			t.Fatalf("%v created %s", args, typo)
		}
	}
	if code, _, errs := rd(t, typo, "--create", "roster"); code != 0 {
		t.Fatalf("--create: %d %s", code, errs)
	}
	if fi, err := os.Stat(typo); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("new roster %v %v", fi, err)
	}
}

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

// Failure 5 (CLI): writers meeting a run in progress exit 3 naming its holder.
func TestCLIWritersRefusedByTheRunLock(t *testing.T) {
	db := filepath.Join(t.TempDir(), "roster.db")
	rd(t, db, "admin", "add", "it@example.org", "IT Admin")
	rd(t, db, "settings", "set", "credited_admin", "it@example.org")
	other, err := rsync.OpenWith(db, zerolog.Nop(), rsync.OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	other.Holder = "rosterdesk serve"
	unlock, err := other.TakeRunLock()
	if err != nil {
		t.Fatal(err)
	}
	good := writeZip(t, bundle("u1,,,true,s1,student,ann,,Ann,Lee,,,,,,,05,\n"))
	for _, args := range [][]string{
		{"sync", good, "--scope", "buildings"}, {"sync", good, "--scope", "buildings", "--dry-run"},
		{"settings", "set", "sync.time", "06:00"}, {"admin", "add", "b@example.org", "B"},
		{"protect", "user", "u1"}, {"rollback", "1"},
	} {
		code, out, errs := rd(t, db, args...)
		if code != exitRefused || !strings.Contains(out+errs, "rosterdesk serve") || strings.Contains(out+errs, "database is locked") {
			t.Errorf("%v: exit %d %q %q", args, code, out, errs)
		}
	}
	unlock()
	if code, _, errs := rd(t, db, "settings", "set", "sync.time", "06:00"); code != 0 {
		t.Fatal(errs)
	}
}

// Failure 6 (CLI): a name holding ANSI escapes and a bidi override never
// reaches the terminal raw; --json stays valid JSON with the name intact.
func TestCLIEscapesControlCharacters(t *testing.T) {
	db := filepath.Join(t.TempDir(), "roster.db")
	rd(t, db, "admin", "add", "it@example.org", "IT Admin")
	rd(t, db, "settings", "set", "credited_admin", "it@example.org")
	evil := "\x1b[2J\x1b[31mAnn\r\u202e"
	src := writeZip(t, bundle("u1,,,true,s1,student,ann,,"+evil+",Lee,,,,,,,05,\nu\x1b2,,,true,s1,student,x,,X,Y,,,,,,,05,\n"))
	rd(t, db, "sync", src, "--scope", "buildings")
	var all strings.Builder
	for _, args := range [][]string{{"sync", src, "--scope", "users"}, {"show", "user", "u1"}, {"log", "2"}, {"history"}} {
		_, out, errs := rd(t, db, args...)
		all.WriteString(out + errs)
	}
	if s := all.String(); strings.ContainsAny(s, "\x1b\r\u202e") || !strings.Contains(s, `\u001b[31mAnn`) {
		t.Fatalf("raw control characters reached the terminal:\n%q", s)
	}
	_, out, _ := rd(t, db, "show", "user", "u1", "--json")
	var v struct {
		Record struct {
			Fields map[string]string `json:"fields"`
		} `json:"record"`
	}
	if err := json.Unmarshal([]byte(out), &v); err != nil || v.Record.Fields["given_name"] != evil {
		t.Fatalf("--json: %v %+q", err, v.Record.Fields["given_name"])
	}
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
