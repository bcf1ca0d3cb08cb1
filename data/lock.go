package data

import (
	"context"
	"database/sql"
	"errors"
	"rosterdesk"
)

// RunLock says who is running a sync on this roster.
type RunLock struct {
	Holder string `json:"holder"`
	PID    int    `json:"pid"`
	Host   string `json:"host"`
	Since  string `json:"since"`
}

// AcquireRunLock takes the roster's run lock for holder, unless someone else
// holds it and stale says they are still alive. It returns the lock as it is.
func (db *DB) AcquireRunLock(ctx context.Context, me RunLock, stale func(RunLock) bool) (RunLock, bool, error) {
	tx, err := db.sql.BeginTx(ctx, nil)
	if err != nil {
		return RunLock{}, false, err
	}
	defer tx.Rollback()
	var cur RunLock
	err = tx.QueryRowContext(ctx, `SELECT holder, pid, host, since FROM run_lock WHERE id = 1`).Scan(&cur.Holder, &cur.PID, &cur.Host, &cur.Since)
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return RunLock{}, false, err
	case !(cur.PID == me.PID && cur.Host == me.Host) && !stale(cur):
		return cur, false, nil
	}
	me.Since = FormatTime(db.Now())
	if _, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO run_lock (id, holder, pid, host, since) VALUES (1, ?, ?, ?, ?)`,
		me.Holder, me.PID, me.Host, me.Since); err != nil {
		return RunLock{}, false, err
	}
	return me, true, tx.Commit()
}

// CurrentRunLock reads the roster's run lock claim without writing.
func (db *DB) CurrentRunLock(ctx context.Context) (RunLock, bool, error) {
	var cur RunLock
	err := db.sql.QueryRowContext(ctx, `SELECT holder, pid, host, since FROM run_lock WHERE id = 1`).Scan(&cur.Holder, &cur.PID, &cur.Host, &cur.Since)
	if errors.Is(err, sql.ErrNoRows) {
		return cur, false, nil
	}
	return cur, err == nil, err
}

// ReleaseRunLock gives the lock back if pid on host holds it.
func (db *DB) ReleaseRunLock(ctx context.Context, pid int, host string) error {
	_, err := db.sql.ExecContext(ctx, `DELETE FROM run_lock WHERE id = 1 AND pid = ? AND host = ?`, pid, host)
	return err
}

// BundleProcessed tells whether a watched-folder bundle was taken already.
func (db *DB) BundleProcessed(ctx context.Context, signature string) (bool, error) {
	var n int
	err := db.sql.QueryRowContext(ctx, `SELECT count(*) FROM processed_bundles WHERE signature = ?`, signature).Scan(&n)
	return n > 0, err
}

// MarkBundleProcessed records a watched-folder bundle as taken by run runID.
func (db *DB) MarkBundleProcessed(ctx context.Context, signature, path string, runID int64) error {
	_, err := db.sql.ExecContext(ctx, `INSERT OR IGNORE INTO processed_bundles (signature, path, run_id, at) VALUES (?, ?, ?, ?)`,
		signature, path, nullID(runID), FormatTime(db.Now()))
	return err
}

// SetScheduledFor stamps a run with the scheduled time it belongs to.
func (db *DB) SetScheduledFor(ctx context.Context, runID int64, at string) error {
	_, err := db.sql.ExecContext(ctx, `UPDATE runs SET scheduled_for = ? WHERE id = ?`, at, runID)
	return err
}

// LastScheduled returns the newest scheduled time any automated run, skipped or missed one belongs to.
func (db *DB) LastScheduled(ctx context.Context) (string, error) {
	var at sql.NullString
	err := db.sql.QueryRowContext(ctx, `SELECT max(scheduled_for) FROM runs WHERE scheduled_for != ''`).Scan(&at)
	return at.String, err
}

// LastAutomated returns the newest automated run (of any status), if any.
func (db *DB) LastAutomated(ctx context.Context) (rosterdesk.Run, bool, error) {
	r, err := scanRun(db.sql.QueryRowContext(ctx, `SELECT `+runCols+` FROM runs WHERE trigger = 'automated' ORDER BY id DESC LIMIT 1`))
	if errors.Is(err, sql.ErrNoRows) {
		return r, false, nil
	}
	return r, err == nil, err
}
