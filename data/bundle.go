package data

import "context"

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
