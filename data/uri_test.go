package data

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The roster path is a file path: SQLite URI characters are escaped, and
// foreign keys hold on every connection (an orphan row is refused).
func TestOpenURICharactersAndForeignKeys(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	p := filepath.Join(dir, "a?b#c%20.db")
	db, err := Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("the roster is not at its path: %v", err)
	}
	for _, other := range []string{"a", "a b.db", "a?b#c 0.db"} {
		if _, err := os.Stat(filepath.Join(dir, other)); err == nil {
			t.Fatalf("opened %q instead", other)
		}
	}
	fk, journal, busy, err := db.Pragmas(ctx)
	if err != nil || !fk || journal != "wal" || busy != BusyTimeoutMS {
		t.Fatalf("foreign keys %v, journal %q, busy %d: %v", fk, journal, busy, err)
	}
	conn, err := db.sql.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_, err = conn.ExecContext(ctx, `INSERT INTO runs (scope, trigger, status, source, started_at, finished_at, admin_id) VALUES ('users','manual','applied','x','','',424242)`)
	if err == nil || !strings.Contains(err.Error(), "FOREIGN KEY") {
		t.Fatalf("an orphan row was not refused by its foreign key: %v", err)
	}
}

// A read-only open writes nothing, and OpenExisting never creates.
func TestOpenReadOnlyAndExisting(t *testing.T) {
	ctx := context.Background()
	p := filepath.Join(t.TempDir(), "r.db")
	if _, err := OpenWith(p, OpenExisting); err == nil {
		t.Fatal("OpenExisting created a roster")
	}
	if _, err := os.Stat(p); err == nil {
		t.Fatal("OpenExisting left a file")
	}
	db, err := Open(p)
	if err != nil {
		t.Fatal(err)
	}
	db.SetSetting(ctx, "k", "v")
	db.Close()
	ro, err := OpenWith(p, OpenReadOnly)
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	if v, _, _ := ro.Setting(ctx, "k"); v != "v" {
		t.Fatalf("read %q", v)
	}
	if err := ro.SetSetting(ctx, "k", "w"); err == nil {
		t.Fatal("a read-only roster was written")
	}
}
