package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

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
