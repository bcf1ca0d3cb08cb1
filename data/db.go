// Package data is the only package that speaks SQL. It owns the SQLite file,
// its embedded migrations and every query the engine and the app need.
package data

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	gosync "sync"
	"time"

	"github.com/mattn/go-sqlite3"

	"rosterdesk"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

const driverName = "sqlite3_rosterdesk"

var registerOnce gosync.Once

// DB is the local roster.
type DB struct {
	sql  *sql.DB
	Path string
	// ReadOnly: opened for reading commands; every write fails.
	ReadOnly bool
	// Scrub, when set, removes credentials from every run message and log
	// entry before it is stored, so history, logs and exports never hold one.
	Scrub func(string) string
	// Now is the clock; tests replace it to control time.
	Now func() time.Time

	mu    gosync.Mutex
	stmts map[string]*sql.Stmt
	cols  map[string][]string
	lk    *lookups // StateOf's connection (data/delta.go)
}

// FormatTime renders t in the storage format.
func FormatTime(t time.Time) string { return t.UTC().Format(rosterdesk.TimeFormat) }

// ParseTime reads a stored timestamp.
func ParseTime(s string) time.Time {
	t, _ := time.Parse(rosterdesk.TimeFormat, s)
	return t
}

// OpenMode says how Open may touch the file.
type OpenMode int

const (
	OpenCreate   OpenMode = iota // read-write; a missing file is created
	OpenExisting                 // read-write; a missing file is an error, never created
	OpenReadOnly                 // read only; nothing is written, not even the WAL
)

// Open opens (creating if needed) the roster at path and migrates it.
func Open(path string) (*DB, error) { return OpenWith(path, OpenCreate) }

// URI turns a file path into the SQLite URI that opens exactly that file: the
// characters URI syntax gives a meaning to (? # % & and the rest) are escaped,
// so "R&D #2.db" opens "R&D #2.db", not "R&D ".
func URI(path string, params string) (string, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", err
	}
	p := filepath.ToSlash(abs)
	if len(p) >= 2 && p[1] == ':' { // C:/Users/… → /C:/Users/…
		p = "/" + p
	}
	var b strings.Builder
	b.WriteString("file://") // an empty authority, then the absolute path
	for i := 0; i < len(p); i++ {
		c := p[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9',
			c == '/', c == '-', c == '.', c == '_', c == '~', c == ':':
			b.WriteByte(c)
		default:
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	if params != "" {
		b.WriteString("?" + params)
	}
	return b.String(), nil
}

// OpenWith opens the roster at path as mode says, and migrates it unless read only.
// Foreign keys and the busy timeout are asserted on every connection; WAL on
// every writable one.
func OpenWith(path string, mode OpenMode) (*DB, error) {
	registerOnce.Do(func() {
		sql.Register(driverName, &sqlite3.SQLiteDriver{
			ConnectHook: func(c *sqlite3.SQLiteConn) error {
				// A larger page cache and in-memory temp tables keep big syncs off the disk.
				if _, err := c.Exec("PRAGMA cache_size="+cacheSize+"; PRAGMA temp_store=MEMORY;", nil); err != nil {
					return err
				}
				return assertPragmas(c)
			},
		})
	})
	// _mutex=no: database/sql never shares a connection between goroutines.
	params := "_fk=1&_busy_timeout=" + strconv.Itoa(BusyTimeoutMS) + "&_mutex=no"
	switch mode {
	case OpenReadOnly:
		params += "&mode=ro"
	case OpenExisting:
		params += "&mode=rw&_journal=WAL&_sync=NORMAL&_txlock=immediate"
	default:
		params += "&mode=rwc&_journal=WAL&_sync=NORMAL&_txlock=immediate"
	}
	db, err := open(path, params)
	if err != nil && mode == OpenReadOnly {
		// A roster in a read-only folder without its -wal/-shm files can only be
		// read as immutable: no one can be writing it there.
		if db2, err2 := open(path, params+"&immutable=1"); err2 == nil {
			db, err = db2, nil
		}
	}
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	if mode == OpenReadOnly {
		if pending, err := db.pendingMigrations(); err != nil || pending > 0 {
			db.sql.Close()
			if err == nil {
				err = ErrNeedsUpgrade
			}
			return nil, fmt.Errorf("open %s: %w", path, err)
		}
		db.ReadOnly = true
		return db, nil
	}
	var jm string
	if err := db.sql.QueryRow(`PRAGMA journal_mode`).Scan(&jm); err != nil || !strings.EqualFold(jm, "wal") {
		db.sql.Close()
		return nil, fmt.Errorf("open %s: the roster is not in WAL mode (%q, %v)", path, jm, err)
	}
	if err := db.migrate(); err != nil {
		db.sql.Close()
		return nil, fmt.Errorf("migrate %s: %w", path, err)
	}
	return db, nil
}

// cacheSize is each connection's page cache (PRAGMA cache_size: negative is KiB).
const cacheSize = "-32768"

// BusyTimeoutMS is how long a statement waits for another connection's write
// before SQLite gives up. Runs are serialised by the run lock, so this only
// covers short writes (settings, the lock row itself).
const BusyTimeoutMS = 10000

// ErrNeedsUpgrade: a read-only open found a roster made by an older RosterDesk.
var ErrNeedsUpgrade = errors.New("this roster was made by an older RosterDesk and must be opened once with write access to be upgraded")

func open(path, params string) (*DB, error) {
	dsn, err := URI(path, params)
	if err != nil {
		return nil, err
	}
	s, err := sql.Open(driverName, dsn)
	if err != nil {
		return nil, err
	}
	if err := s.Ping(); err != nil {
		s.Close()
		return nil, err
	}
	// The first read proves the file is a database we can read.
	var n int
	if err := s.QueryRow(`SELECT count(*) FROM sqlite_master`).Scan(&n); err != nil {
		s.Close()
		return nil, err
	}
	return &DB{sql: s, Path: path, Now: time.Now}, nil
}

// assertPragmas refuses a connection on which foreign keys or the busy timeout are off.
func assertPragmas(c *sqlite3.SQLiteConn) error {
	for _, p := range []string{"foreign_keys", "busy_timeout"} {
		rows, err := c.Query("PRAGMA "+p, nil)
		if err != nil {
			return err
		}
		v := make([]driver.Value, 1)
		err = rows.Next(v)
		rows.Close()
		if err != nil {
			return fmt.Errorf("PRAGMA %s: %w", p, err)
		}
		if n, _ := v[0].(int64); n <= 0 {
			return fmt.Errorf("PRAGMA %s is off on a new connection; refusing to use the roster", p)
		}
	}
	return nil
}

// pendingMigrations counts embedded migrations the file has not had.
func (db *DB) pendingMigrations() (int, error) {
	names, err := fs.Glob(migrationFS, "migrations/*.sql")
	if err != nil {
		return 0, err
	}
	var have int
	if err := db.sql.QueryRow(`SELECT count(*) FROM migrations`).Scan(&have); err != nil {
		return 0, err
	}
	return len(names) - have, nil
}

// Pragmas reports the connection settings in force (for tests and the support report).
func (db *DB) Pragmas(ctx context.Context) (foreignKeys bool, journal string, busyMS int, err error) {
	conn, err := db.sql.Conn(ctx)
	if err != nil {
		return
	}
	defer conn.Close()
	var fk int
	if err = conn.QueryRowContext(ctx, `PRAGMA foreign_keys`).Scan(&fk); err != nil {
		return
	}
	if err = conn.QueryRowContext(ctx, `PRAGMA journal_mode`).Scan(&journal); err != nil {
		return
	}
	err = conn.QueryRowContext(ctx, `PRAGMA busy_timeout`).Scan(&busyMS)
	return fk == 1, journal, busyMS, err
}

// Close closes the database.
func (db *DB) Close() error {
	db.mu.Lock()
	db.releaseLookups()
	for _, s := range db.stmts {
		s.Close()
	}
	db.stmts = nil
	db.mu.Unlock()
	return db.sql.Close()
}

// migrate applies every embedded migration not yet applied, each in its own transaction.
func (db *DB) migrate() error {
	if _, err := db.sql.Exec(`CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)`); err != nil {
		return err
	}
	names, err := fs.Glob(migrationFS, "migrations/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(names)
	for _, name := range names {
		var n int
		if err := db.sql.QueryRow(`SELECT count(*) FROM migrations WHERE name = ?`, name).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			continue
		}
		body, err := migrationFS.ReadFile(name)
		if err != nil {
			return err
		}
		tx, err := db.sql.Begin()
		if err != nil {
			return err
		}
		if _, err := tx.Exec(string(body)); err != nil {
			tx.Rollback()
			return fmt.Errorf("%s: %w", name, err)
		}
		if _, err := tx.Exec(`INSERT INTO migrations (name, applied_at) VALUES (?, ?)`, name, FormatTime(db.Now())); err != nil {
			tx.Rollback()
			return err
		}
		if err := tx.Commit(); err != nil {
			return err
		}
	}
	return nil
}

// IntegrityCheck runs PRAGMA integrity_check and returns its verdict ("ok" when sound).
func (db *DB) IntegrityCheck(ctx context.Context) (string, error) {
	var s string
	err := db.sql.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&s)
	return s, err
}

// ErrNotFound is returned when a record does not exist.
var ErrNotFound = errors.New("not found")

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?,", n), ",")
}

// RosterID is this roster's identity, made when the file was created.
func (db *DB) RosterID(ctx context.Context) (string, error) {
	var id string
	err := db.sql.QueryRowContext(ctx, `SELECT uuid FROM roster_identity WHERE id = 1`).Scan(&id)
	return id, err
}
