package data

import "context"

// LogOfSeverity streams the entries of one severity (error, warning or info)
// of run id's log, in the order they were logged.
func (db *DB) LogOfSeverity(ctx context.Context, runID int64, severity string, fn func(LogEntry) error) error {
	rows, err := db.sql.QueryContext(ctx, `SELECT phase, file, line, col, sourced_id, field, rule, message
		FROM run_log WHERE run_id = ? AND severity = ? ORDER BY id`, runID, severity)
	if err != nil {
		return err
	}
	defer rows.Close()
	e := LogEntry{Severity: severity}
	for rows.Next() {
		if err := rows.Scan(&e.Phase, &e.File, &e.Line, &e.Column, &e.SourcedID, &e.Field, &e.Rule, &e.Message); err != nil {
			return err
		}
		if err := fn(e); err != nil {
			return err
		}
	}
	return rows.Err()
}

// LogSeverityCounts counts the entries of run id's log that are still kept,
// by severity. A run whose log was pruned has none, whatever its recorded
// totals say.
func (db *DB) LogSeverityCounts(ctx context.Context, runID int64) (map[string]int, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT severity, count(*) FROM run_log WHERE run_id = ? GROUP BY severity`, runID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var sev string
		var n int
		if err := rows.Scan(&sev, &n); err != nil {
			return nil, err
		}
		out[sev] = n
	}
	return out, rows.Err()
}
