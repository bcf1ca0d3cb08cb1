package data

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"

	"rosterdesk"
)

// scrub removes credentials from text before it is stored (see DB.Scrub).
func (db *DB) scrub(s string) string {
	if db.Scrub == nil || s == "" {
		return s
	}
	return db.Scrub(s)
}

// InsertRun records a run and returns its id.
func (tx *Tx) InsertRun(r *rosterdesk.Run) (int64, error) {
	counts, _ := json.Marshal(r.Counts)
	res, err := tx.exec(`INSERT INTO runs (scope, trigger, status, source, started_at, finished_at, errors, warnings, counts, message, admin_id,
		options, held_source, undoes, inputs, tripped)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		r.Scope, r.Trigger, r.Status, tx.db.scrub(r.Source), rosterdesk.Stamp(r.StartedAt), rosterdesk.Stamp(r.FinishedAt), r.Errors, r.Warnings, string(counts), tx.db.scrub(r.Message), nullID(r.AdminID),
		optionsJSON(r.Options), r.HeldSource, nullID(r.Undoes), inputsJSON(r.Inputs), tripsJSON(r.Tripped))
	if err != nil {
		return 0, err
	}
	return res.LastInsertId()
}

// FinishRun rewrites a run's outcome once apply has finished.
func (tx *Tx) FinishRun(r *rosterdesk.Run) error {
	counts, _ := json.Marshal(r.Counts)
	_, err := tx.exec(`UPDATE runs SET finished_at = ?, errors = ?, warnings = ?, counts = ?, message = ?, inputs = ?, tripped = ?, options = ? WHERE id = ?`,
		rosterdesk.Stamp(r.FinishedAt), r.Errors, r.Warnings, string(counts), tx.db.scrub(r.Message), inputsJSON(r.Inputs), tripsJSON(r.Tripped), optionsJSON(r.Options), r.ID)
	if err != nil {
		return err
	}
	// The status only when it changed: setting it rewrites the run's entry in
	// runs_scope_status, a page a long first sync has long since spilled to the
	// WAL, and a page written twice in a transaction makes COMMIT reread and
	// checksum the whole WAL again.
	_, err = tx.exec(`UPDATE runs SET status = ? WHERE id = ? AND status IS NOT ?`, r.Status, r.ID, r.Status)
	return err
}

// ResolveRun marks run id with a new status (approved, discarded, rolled-back) and the run that did it.
func (tx *Tx) ResolveRun(id int64, status rosterdesk.Status, by int64, message string) error {
	_, err := tx.exec(`UPDATE runs SET status = ?, resolved_by = ?, message = CASE WHEN ? = '' THEN message ELSE ? END WHERE id = ?`,
		status, nullID(by), message, tx.db.scrub(message), id)
	return err
}

// UpdateHeld records a held run's new numbers after it was planned again.
func (tx *Tx) UpdateHeld(id int64, counts rosterdesk.Counts, message string, tripped []rosterdesk.Trip) error {
	c, _ := json.Marshal(counts)
	_, err := tx.exec(`UPDATE runs SET counts = ?, message = ?, tripped = ? WHERE id = ?`, string(c), tx.db.scrub(message), tripsJSON(tripped), id)
	return err
}

// tripsJSON is how a run's tripped limits are stored: a JSON list, [] for none.
func tripsJSON(t []rosterdesk.Trip) string {
	if len(t) == 0 {
		return "[]"
	}
	b, _ := json.Marshal(t)
	return string(b)
}

// optionsJSON is how a run's options are stored: a JSON object, {} for none.
func optionsJSON(o rosterdesk.RunOptions) string {
	if o == (rosterdesk.RunOptions{}) {
		return "{}"
	}
	b, _ := json.Marshal(o)
	return string(b)
}

// inputsJSON is how the files a run read are stored: a JSON object by file name, {} for none.
func inputsJSON(in map[string]rosterdesk.Input) string {
	if len(in) == 0 {
		return "{}"
	}
	b, _ := json.Marshal(in)
	return string(b)
}

const runCols = `id, status, scope, trigger, source, started_at, finished_at, errors, warnings, counts, message, coalesce(admin_id, 0),
	options, held_source, coalesce(resolved_by, 0), coalesce(undoes, 0), inputs, tripped, held_sha256`

func scanRun(s interface{ Scan(...any) error }) (rosterdesk.Run, error) {
	var r rosterdesk.Run
	var counts, started, finished, tripped, options, inputs string
	err := s.Scan(&r.ID, &r.Status, &r.Scope, &r.Trigger, &r.Source, &started, &finished, &r.Errors, &r.Warnings, &counts, &r.Message, &r.AdminID,
		&options, &r.HeldSource, &r.ResolvedBy, &r.Undoes, &inputs, &tripped, &r.HeldSHA256)
	r.StartedAt, r.FinishedAt = ParseTime(started), ParseTime(finished)
	if err == nil {
		err = json.Unmarshal([]byte(counts), &r.Counts)
	}
	if err == nil { // what cannot be read back reads as not recorded
		json.Unmarshal([]byte(tripped), &r.Tripped)
		json.Unmarshal([]byte(options), &r.Options)
		if json.Unmarshal([]byte(inputs), &r.Inputs) != nil {
			r.Inputs = nil
		}
	}
	return r, err
}

// Runs lists runs newest first; limit <= 0 means all.
func (db *DB) Runs(ctx context.Context, limit, offset int) ([]rosterdesk.Run, error) {
	if limit <= 0 {
		limit = -1
	}
	rows, err := db.sql.QueryContext(ctx, `SELECT `+runCols+` FROM runs ORDER BY id DESC LIMIT ? OFFSET ?`, limit, offset)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []rosterdesk.Run{}
	for rows.Next() {
		r, err := scanRun(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// Run loads one run.
func (db *DB) Run(ctx context.Context, id int64) (rosterdesk.Run, error) {
	r, err := scanRun(db.sql.QueryRowContext(ctx, `SELECT `+runCols+` FROM runs WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return r, ErrNotFound
	}
	return r, err
}

// LastApplied returns the newest applied run of scope that is still in force (not rolled back).
func (db *DB) LastApplied(ctx context.Context, scope rosterdesk.Scope) (rosterdesk.Run, bool, error) {
	r, err := scanRun(db.sql.QueryRowContext(ctx, `SELECT `+runCols+` FROM runs WHERE scope = ? AND status = 'applied' AND undoes IS NULL ORDER BY id DESC LIMIT 1`, scope))
	if errors.Is(err, sql.ErrNoRows) {
		return r, false, nil
	}
	return r, err == nil, err
}

// HasAppliedRun tells whether a run of scope was ever applied.
func (db *DB) HasAppliedRun(ctx context.Context, scope rosterdesk.Scope) (bool, error) {
	var n int
	err := db.sql.QueryRowContext(ctx, `SELECT count(*) FROM runs WHERE scope = ? AND status = 'applied' AND undoes IS NULL`, scope).Scan(&n)
	return n > 0, err
}

// SetHeldSource records where a held run keeps its source and the copy's content hash.
func (tx *Tx) SetHeldSource(id int64, path, sha256 string) error {
	_, err := tx.exec(`UPDATE runs SET held_source = ?, held_sha256 = ? WHERE id = ?`, path, sha256, id)
	return err
}

// RunCount counts recorded runs.
func (db *DB) RunCount(ctx context.Context) (int, error) {
	var n int
	err := db.sql.QueryRowContext(ctx, `SELECT count(*) FROM runs`).Scan(&n)
	return n, err
}
