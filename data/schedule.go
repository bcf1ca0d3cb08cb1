package data

import (
	"context"
	"database/sql"
	"errors"

	"rosterdesk"
)

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
