// Package data is the only package that speaks SQL. It owns the SQLite file,
// its embedded migrations and every query the engine and the app need.
package data

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"
	gosync "sync"
	"time"

	"github.com/mattn/go-sqlite3"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

const driverName = "sqlite3_rosterdesk"

var registerOnce gosync.Once

// DB is the local roster.
type DB struct {
	sql  *sql.DB
	Path string
	// Now is the clock; tests replace it to control time.
	Now func() time.Time

	mu    gosync.Mutex
	stmts map[string]*sql.Stmt
	cols  map[string][]string
}

// TimeFormat is how every timestamp is stored: UTC, fixed width, sortable.
const TimeFormat = "2006-01-02T15:04:05.000Z"

// FormatTime renders t in the storage format.
func FormatTime(t time.Time) string { return t.UTC().Format(TimeFormat) }

// ParseTime reads a stored timestamp.
func ParseTime(s string) time.Time {
	t, _ := time.Parse(TimeFormat, s)
	return t
}

// Open opens (creating if needed) the roster at path and migrates it.
func Open(path string) (*DB, error) {
	registerOnce.Do(func() {
		sql.Register(driverName, &sqlite3.SQLiteDriver{
			ConnectHook: func(c *sqlite3.SQLiteConn) error {
				// A larger page cache and in-memory temp tables keep big syncs off the disk.
				_, err := c.Exec("PRAGMA cache_size=-32768; PRAGMA temp_store=MEMORY;", nil)
				return err
			},
		})
	})
	// _mutex=no: database/sql never shares a connection between goroutines.
	dsn := "file:" + path + "?_fk=1&_journal=WAL&_sync=NORMAL&_busy_timeout=10000&_txlock=immediate&_mutex=no"
	s, err := sql.Open(driverName, dsn)
	if err != nil {
		return nil, err
	}
	db := &DB{sql: s, Path: path, Now: time.Now}
	if err := s.Ping(); err != nil {
		s.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	if err := db.migrate(); err != nil {
		s.Close()
		return nil, fmt.Errorf("migrate %s: %w", path, err)
	}
	return db, nil
}

// Close closes the database.
func (db *DB) Close() error {
	db.mu.Lock()
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
