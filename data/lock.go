package data

import (
	"context"
	"database/sql"
	"errors"

	"rosterdesk"
)

// AcquireRunLock takes the roster's run lock for holder, unless someone else
// holds it and stale says they are still alive. It returns the lock as it is.
func (db *DB) AcquireRunLock(ctx context.Context, me rosterdesk.RunLock, stale func(rosterdesk.RunLock) bool) (rosterdesk.RunLock, bool, error) {
	tx, err := db.sql.BeginTx(ctx, nil)
	if err != nil {
		return rosterdesk.RunLock{}, false, err
	}
	defer tx.Rollback()
	var cur rosterdesk.RunLock
	err = tx.QueryRowContext(ctx, `SELECT holder, pid, host, since FROM run_lock WHERE id = 1`).Scan(&cur.Holder, &cur.PID, &cur.Host, &cur.Since)
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return rosterdesk.RunLock{}, false, err
	case !(cur.PID == me.PID && cur.Host == me.Host) && !stale(cur):
		return cur, false, nil
	}
	me.Since = FormatTime(db.Now())
	if _, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO run_lock (id, holder, pid, host, since) VALUES (1, ?, ?, ?, ?)`,
		me.Holder, me.PID, me.Host, me.Since); err != nil {
		return rosterdesk.RunLock{}, false, err
	}
	return me, true, tx.Commit()
}

// CurrentRunLock reads the roster's run lock claim without writing.
func (db *DB) CurrentRunLock(ctx context.Context) (rosterdesk.RunLock, bool, error) {
	var cur rosterdesk.RunLock
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
