package data

import (
	"context"
	"fmt"
)

// PruneLogs deletes the log entries of every run older than the newest keep
// runs and returns how many entries went. The runs themselves, their counts
// and the audit of what they changed stay forever.
func (db *DB) PruneLogs(ctx context.Context, keep int) (int64, error) {
	if keep < 1 {
		return 0, fmt.Errorf("keep the logs of at least one run (got %d)", keep)
	}
	// Below the oldest run still kept; run_log_run makes the delete a range scan.
	res, err := db.sql.ExecContext(ctx, `DELETE FROM run_log WHERE run_id < (
		SELECT min(id) FROM (SELECT id FROM runs ORDER BY id DESC LIMIT ?))`, keep)
	if err != nil {
		return 0, err
	}
	// A dry run's list of who it would change goes with its log (a held run's
	// goes when it is approved or discarded).
	if _, err := db.sql.ExecContext(ctx, `DELETE FROM planned_records WHERE run_id < (
		SELECT min(id) FROM (SELECT id FROM runs ORDER BY id DESC LIMIT ?))
		AND run_id NOT IN (SELECT id FROM runs WHERE status = 'held')`, keep); err != nil {
		return 0, err
	}
	return res.RowsAffected()
}
