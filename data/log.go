package data

import (
	"context"
	"sort"
	"strings"

	"rosterdesk"
)

// A run's log: writing it, reading it in order, by severity, grouped by
// rule, and page by page with its changes for the full log viewer.

// entityOfFile is the SQL giving the entity a log entry's file is about.
const entityOfFile = `CASE lower(file) WHEN 'users.csv' THEN 'user' WHEN 'roles.csv' THEN 'user' WHEN 'courses.csv' THEN 'course'
	WHEN 'classes.csv' THEN 'class' WHEN 'enrollments.csv' THEN 'assignment' WHEN 'academicsessions.csv' THEN 'academicSession'
	WHEN 'orgs.csv' THEN 'building' ELSE '' END`

// logUnion is every row of a run's full log, in order: its entries as they
// were logged, the records it added (kept on the record as created_run), then
// its audited changes. No ORDER BY: each arm reads in id order (run_log and
// audit through their run index, the record tables in rowid order), so a page
// costs its offset, not a sort of a million rows. WHERE terms of the outer
// query are pushed into each arm.
var logUnion = func() string {
	added := []struct{ entity, table, key, file string }{
		{"building", "buildings", "sis_id", "orgs.csv"}, {"academicSession", "academic_sessions", "sourced_id", "academicSessions.csv"},
		{"course", "courses", "sourced_id", "courses.csv"}, {"class", "classes", "sourced_id", "classes.csv"},
		{"user", "users", "sourced_id", "users.csv"}, {"assignment", "assignments", "sourced_id", "enrollments.csv"},
	}
	arms := []string{`SELECT severity, ` + entityOfFile + ` AS entity, file, line, sourced_id, field, rule, message FROM run_log WHERE run_id = ?1`}
	for _, a := range added {
		arms = append(arms, `SELECT 'change', '`+a.entity+`', '`+a.file+`', 0, coalesce(`+a.key+`, ''), '', 'add', 'new in `+a.file+`'
			FROM `+a.table+` WHERE created_run = ?1`)
	}
	arms = append(arms, `SELECT 'change', entity, '', 0, sourced_id, field, action,
		reason || CASE WHEN old IS NULL AND new IS NULL THEN '' ELSE ' (' || coalesce(old, '') || ' → ' || coalesce(new, '') || ')' END
		FROM audit WHERE run_id = ?1`)
	return `SELECT * FROM (` + strings.Join(arms, "\n\tUNION ALL ") + `)`
}()

func logWhere(f rosterdesk.LogFilter) (string, []any) {
	var conds []string
	var args []any
	if f.Severity != "" {
		conds = append(conds, "severity = ?")
		args = append(args, f.Severity)
	}
	if f.File != "" {
		conds = append(conds, "file = ?")
		args = append(args, f.File)
	}
	if f.Entity != "" {
		conds = append(conds, "entity = ?")
		args = append(args, f.Entity)
	}
	if s := strings.TrimSpace(f.Text); s != "" {
		conds = append(conds, `(message LIKE ? ESCAPE '\' OR sourced_id LIKE ? ESCAPE '\' OR field LIKE ? ESCAPE '\' OR rule LIKE ? ESCAPE '\')`)
		for range 4 {
			args = append(args, likeArg(s))
		}
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// LogCounts counts a run's log rows that match f, by severity ("change" included).
func (db *DB) LogCounts(ctx context.Context, runID int64, f rosterdesk.LogFilter) (map[string]int, error) {
	where, args := logWhere(f)
	rows, err := db.sql.QueryContext(ctx, `SELECT severity, count(*) FROM (`+logUnion+`)`+where+` GROUP BY severity`,
		append([]any{runID}, args...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var s string
		var n int
		if err := rows.Scan(&s, &n); err != nil {
			return nil, err
		}
		out[s] = n
	}
	return out, rows.Err()
}

// LogPage returns one page of a run's log rows that match f: entries in the
// order they were logged, then the records added, then the other changes.
func (db *DB) LogPage(ctx context.Context, runID int64, f rosterdesk.LogFilter, limit, offset int) ([]rosterdesk.LogRow, error) {
	where, args := logWhere(f)
	args = append(append([]any{runID}, args...), limit, offset)
	rows, err := db.sql.QueryContext(ctx, `SELECT severity, entity, file, line, sourced_id, field, rule, message FROM (`+logUnion+`)`+
		where+` LIMIT ? OFFSET ?`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []rosterdesk.LogRow{}
	for rows.Next() {
		var r rosterdesk.LogRow
		if err := rows.Scan(&r.Severity, &r.Entity, &r.File, &r.Line, &r.SourcedID, &r.Field, &r.Rule, &r.Message); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// LogFiles lists the files a run's log names.
func (db *DB) LogFiles(ctx context.Context, runID int64) ([]string, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT DISTINCT file FROM run_log WHERE run_id = ? AND file != '' ORDER BY file`, runID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var f string
		if err := rows.Scan(&f); err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

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

// AddLog appends entries to run id's log.
func (tx *Tx) AddLog(runID int64, entries []rosterdesk.LogEntry) error {
	for _, e := range entries {
		if _, err := tx.exec(`INSERT INTO run_log (run_id, severity, phase, file, line, col, sourced_id, field, rule, message, name, raw, value, rows)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			runID, e.Severity, e.Phase, e.File, e.Line, e.Column, e.SourcedID, e.Field, e.Rule, tx.db.scrub(e.Message), e.Name, tx.db.scrub(e.Raw), tx.db.scrub(e.Value), e.Rows); err != nil {
			return err
		}
	}
	return nil
}

// Log streams run id's log in order to fn.
func (db *DB) Log(ctx context.Context, runID int64, fn func(rosterdesk.LogEntry) error) error {
	rows, err := db.sql.QueryContext(ctx, `SELECT severity, phase, file, line, col, sourced_id, field, rule, message, name, raw, value, rows FROM run_log WHERE run_id = ? ORDER BY id`, runID)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var e rosterdesk.LogEntry
		if err := rows.Scan(&e.Severity, &e.Phase, &e.File, &e.Line, &e.Column, &e.SourcedID, &e.Field, &e.Rule, &e.Message, &e.Name, &e.Raw, &e.Value, &e.Rows); err != nil {
			return err
		}
		if err := fn(e); err != nil {
			return err
		}
	}
	return rows.Err()
}
