package data

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
)

// Tx is one write transaction. It carries a fixed now, so every row written by
// one run has the same timestamp and tests control time.
type Tx struct {
	tx    *sql.Tx
	db    *DB
	now   time.Time
	nowS  string
	stmts map[string]*sql.Stmt
}

// Begin starts a write transaction stamped with db.Now().
func (db *DB) Begin(ctx context.Context) (*Tx, error) {
	tx, err := db.sql.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	now := db.Now().UTC()
	return &Tx{tx: tx, db: db, now: now, nowS: FormatTime(now), stmts: map[string]*sql.Stmt{}}, nil
}

// Now is the transaction's fixed time.
func (tx *Tx) Now() time.Time { return tx.now }

// Commit commits the transaction.
func (tx *Tx) Commit() error { return tx.tx.Commit() }

// Rollback abandons the transaction; it is safe after Commit.
func (tx *Tx) Rollback() error {
	err := tx.tx.Rollback()
	if err == sql.ErrTxDone {
		return nil
	}
	return err
}

func (tx *Tx) stmt(q string) (*sql.Stmt, error) {
	if s, ok := tx.stmts[q]; ok {
		return s, nil
	}
	s, err := tx.tx.Prepare(q)
	if err != nil {
		return nil, err
	}
	tx.stmts[q] = s
	return s, nil
}

func (tx *Tx) exec(q string, args ...any) (sql.Result, error) {
	s, err := tx.stmt(q)
	if err != nil {
		return nil, err
	}
	return s.Exec(args...)
}

func splitVals(t *Table, vals string) ([]any, error) {
	parts := strings.Split(vals, Sep)
	if len(parts) != len(t.Cols) {
		return nil, fmt.Errorf("%s: %d values for %d columns", t.Name, len(parts), len(t.Cols))
	}
	args := make([]any, len(parts))
	for i, p := range parts {
		args[i] = p
	}
	return args, nil
}

// Insert adds a record of t, created by run runID, and returns its id.
func (tx *Tx) Insert(t *Table, sourcedID, vals string, active bool, runID int64) (int64, error) {
	args, err := splitVals(t, vals)
	if err != nil {
		return 0, err
	}
	q := `INSERT INTO ` + t.Name + ` (sourced_id, ` + strings.Join(t.Cols, ", ") + `, active, row_hash, created_at, updated_at, created_run, ` + t.OffCol +
		`) VALUES (?, ` + placeholders(len(t.Cols)) + `, ?, ?, ?, ?, ?, ?)`
	var off any
	if !active {
		off = tx.nowS
	}
	args = append([]any{sourcedID}, args...)
	args = append(args, boolInt(active), int64(Hash(vals)), tx.nowS, tx.nowS, nullID(runID), off)
	res, err := tx.exec(q, args...)
	if err != nil {
		return 0, fmt.Errorf("insert %s %s: %w", t.Entity, sourcedID, err)
	}
	return res.LastInsertId()
}

// Update rewrites the values of record id.
func (tx *Tx) Update(t *Table, id int64, vals string) error {
	args, err := splitVals(t, vals)
	if err != nil {
		return err
	}
	q := `UPDATE ` + t.Name + ` SET ` + strings.Join(t.Cols, " = ?, ") + ` = ?, row_hash = ?, updated_at = ? WHERE id = ?`
	args = append(args, int64(Hash(vals)), tx.nowS, id)
	_, err = tx.exec(q, args...)
	return err
}

// SetActive activates or deactivates record id, stamping when it left.
func (tx *Tx) SetActive(t *Table, id int64, active bool) error {
	var off any
	if !active {
		off = tx.nowS
	}
	_, err := tx.exec(`UPDATE `+t.Name+` SET active = ?, `+t.OffCol+` = ?, updated_at = ? WHERE id = ?`,
		boolInt(active), off, tx.nowS, id)
	return err
}

// SetUserBuildings replaces the buildings user id belongs to.
func (tx *Tx) SetUserBuildings(userID int64, buildingIDs []int64) error {
	if _, err := tx.exec(`DELETE FROM user_buildings WHERE user_id = ?`, userID); err != nil {
		return err
	}
	for _, b := range buildingIDs {
		if _, err := tx.exec(`INSERT OR IGNORE INTO user_buildings (user_id, building_id) VALUES (?, ?)`, userID, b); err != nil {
			return err
		}
	}
	return nil
}

// Audit records one change to one record.
type Audit struct {
	RunID     int64   `json:"run_id"`
	Entity    Entity  `json:"entity"`
	SourcedID string  `json:"sourcedId"`
	Action    string  `json:"action"`
	Field     string  `json:"field,omitempty"`
	Old       *string `json:"old"`
	New       *string `json:"new"`
	Reason    string  `json:"reason,omitempty"`
	AdminID   int64   `json:"admin_id"`
	Admin     string  `json:"admin,omitempty"`
	At        string  `json:"at"`
}

// AddAudit writes one audit entry stamped with the transaction's time.
func (tx *Tx) AddAudit(a Audit) error {
	_, err := tx.exec(`INSERT INTO audit (run_id, entity, sourced_id, action, field, old, new, reason, admin_id, at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		a.RunID, a.Entity, a.SourcedID, a.Action, a.Field, a.Old, a.New, a.Reason, nullID(a.AdminID), tx.nowS)
	return err
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}
