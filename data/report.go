package data

import (
	"context"
	"sort"

	"rosterdesk"
)

// LogOfSeverity streams the entries of one severity (error, warning or info)
// of run id's log, in the order they were logged.
func (db *DB) LogOfSeverity(ctx context.Context, runID int64, severity string, fn func(rosterdesk.LogEntry) error) error {
	rows, err := db.sql.QueryContext(ctx, `SELECT phase, file, line, col, sourced_id, field, rule, message, name, raw, value, rows
		FROM run_log WHERE run_id = ? AND severity = ? ORDER BY id`, runID, severity)
	if err != nil {
		return err
	}
	defer rows.Close()
	e := rosterdesk.LogEntry{Severity: severity}
	for rows.Next() {
		if err := rows.Scan(&e.Phase, &e.File, &e.Line, &e.Column, &e.SourcedID, &e.Field, &e.Rule, &e.Message, &e.Name, &e.Raw, &e.Value, &e.Rows); err != nil {
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

// LogByRule groups the errors and warnings of run id's log by rule and
// severity, the most frequent first: most rows, then most entries, then
// errors before warnings, then by rule.
func (db *DB) LogByRule(ctx context.Context, runID int64) ([]rosterdesk.RuleCount, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT rule, severity, file, count(*), sum(max(rows, 1)), min(id) FROM run_log
		WHERE run_id = ? AND severity IN ('error', 'warning') GROUP BY rule, severity, file ORDER BY rule, severity, file`, runID)
	if err != nil {
		return nil, err
	}
	var out []rosterdesk.RuleCount
	var first []int64
	for rows.Next() {
		var rule, sev, file string
		var n, nrows int
		var id int64
		if err := rows.Scan(&rule, &sev, &file, &n, &nrows, &id); err != nil {
			rows.Close()
			return nil, err
		}
		if k := len(out) - 1; k >= 0 && out[k].Rule == rule && out[k].Severity == sev {
			out[k].Count += n
			out[k].Rows += nrows
			first[k] = min(first[k], id)
		} else {
			out = append(out, rosterdesk.RuleCount{Rule: rule, Severity: sev, Count: n, Rows: nrows})
			first = append(first, id)
		}
		if file != "" {
			k := len(out) - 1
			out[k].Files = append(out[k].Files, file)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for k := range out {
		e := &out[k].Example
		if err := db.sql.QueryRowContext(ctx, `SELECT severity, phase, file, line, col, sourced_id, field, rule, message, name, raw, value, rows
			FROM run_log WHERE id = ?`, first[k]).Scan(&e.Severity, &e.Phase, &e.File, &e.Line, &e.Column, &e.SourcedID, &e.Field, &e.Rule,
			&e.Message, &e.Name, &e.Raw, &e.Value, &e.Rows); err != nil {
			return nil, err
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Rows != b.Rows {
			return a.Rows > b.Rows
		}
		if a.Count != b.Count {
			return a.Count > b.Count
		}
		if a.Severity != b.Severity {
			return a.Severity == "error"
		}
		return a.Rule < b.Rule
	})
	return out, nil
}
