package data

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"rosterdesk"
)

// Tx is one write transaction. It carries a fixed now, so every row written by
// one run has the same timestamp and tests control time.
type Tx struct {
	tx    *sql.Tx
	conn  *sql.Conn // the transaction's connection: bulk inserts bind on it directly
	db    *DB
	now   time.Time
	nowS  string
	stmts map[string]*sql.Stmt
	sqls  map[insertKey]string
	bulk  bulkBufs // insertBulk's buffers
	// wb is the background writeback a bulk insert started (see writeback).
	wb *writeback
}

type insertKey struct {
	t      *Table
	n      int
	active bool
	runID  int64
	withID bool
}

// Begin starts a write transaction stamped with db.Now().
func (db *DB) Begin(ctx context.Context) (*Tx, error) {
	conn, err := db.sql.Conn(ctx)
	if err != nil {
		return nil, err
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		conn.Close()
		return nil, err
	}
	now := db.Now().UTC()
	return &Tx{tx: tx, conn: conn, db: db, now: now, nowS: FormatTime(now), stmts: map[string]*sql.Stmt{}}, nil
}

// Now is the transaction's fixed time.
func (tx *Tx) Now() time.Time { return tx.now }

// Commit commits the transaction.
func (tx *Tx) Commit() error {
	if tx.wb != nil {
		tx.wb.commit()
	}
	err := tx.tx.Commit() // and the checkpoint that follows it, on this connection
	tx.end()
	return err
}

// end returns the connection to the pool (the transaction is over either
// way), as it was before Begin.
func (tx *Tx) end() {
	tx.endWriteback()
	if tx.conn == nil {
		return
	}
	tx.finalizeBulk()
	tx.conn.Close()
	tx.conn = nil
}

// Rollback abandons the transaction; it is safe after Commit.
func (tx *Tx) Rollback() error {
	err := tx.tx.Rollback()
	tx.end()
	if err == sql.ErrTxDone {
		return nil
	}
	return err
}

func (tx *Tx) endWriteback() {
	if tx.wb != nil {
		tx.wb.stop()
		tx.wb = nil
	}
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

// NewRecord is a record to insert.
type NewRecord struct {
	SourcedID string
	Vals      string
	Active    bool
	ID        int64 // the id to give it (see NextID); 0: SQLite picks
	// Hash is Hash(Vals) when HasHash: worked out by the caller on a
	// goroutine less busy than the one inserting.
	Hash    uint64
	HasHash bool
}

// insertSQL inserts n records of t. What every record of one run shares (its
// timestamps and run) is written into the statement, so fewer values are bound.
func (tx *Tx) insertSQL(t *Table, n int, active bool, runID int64, withID bool) string {
	k := insertKey{t, n, active, runID, withID}
	if q, ok := tx.sqls[k]; ok {
		return q
	}
	var b strings.Builder
	b.WriteString(`INSERT INTO ` + t.Name + ` (`)
	id := ""
	if withID {
		b.WriteString(`id, `)
		id = `?, `
	}
	b.WriteString(`sourced_id, ` + strings.Join(t.Cols, ", ") + `, row_hash, active, created_at, updated_at, created_run, ` + t.OffCol + `) VALUES `)
	off, run := "NULL", "NULL"
	if !active {
		off = "'" + tx.nowS + "'"
	}
	if runID != 0 {
		run = itoa(runID)
	}
	row := `(` + id + `?, ` + placeholders(len(t.Cols)) + `, ?, ` + itoa(int64(boolInt(active))) + `, '` + tx.nowS + `', '` + tx.nowS + `', ` + run + `, ` + off + `)`
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(row)
	}
	if tx.sqls == nil {
		tx.sqls = map[insertKey]string{}
	}
	tx.sqls[k] = b.String()
	return tx.sqls[k]
}

func appendRecord(args []any, t *Table, r NewRecord) ([]any, error) {
	vals, err := splitVals(t, r.Vals)
	if err != nil {
		return nil, err
	}
	if r.ID != 0 {
		args = append(args, r.ID)
	}
	args = append(args, r.SourcedID)
	args = append(args, vals...)
	return append(args, int64(Hash(r.Vals))), nil
}

// Insert adds a record of t, created by run runID, and returns its id.
func (tx *Tx) Insert(t *Table, sourcedID, vals string, active bool, runID int64) (int64, error) {
	args, err := appendRecord(nil, t, NewRecord{SourcedID: sourcedID, Vals: vals, Active: active})
	if err != nil {
		return 0, err
	}
	res, err := tx.exec(tx.insertSQL(t, 1, active, runID, false), args...)
	if err != nil {
		return 0, fmt.Errorf("insert %s %s: %w", t.Entity, sourcedID, err)
	}
	return res.LastInsertId()
}

// InsertMany adds active records of t in statements of up to 64 rows: a first
// sync inserts a million assignments, and one statement per row costs twice as much.
// Either every record names its id or none does.
func (tx *Tx) InsertMany(t *Table, recs []NewRecord, runID int64) error {
	if len(recs) == 0 {
		return nil
	}
	withID := recs[0].ID != 0
	for _, r := range recs {
		if !r.Active {
			return fmt.Errorf("insert %s %s: InsertMany takes active records only", t.Entity, r.SourcedID)
		}
		if (r.ID != 0) != withID {
			return fmt.Errorf("insert %s %s: InsertMany takes records that all name their id, or none", t.Entity, r.SourcedID)
		}
	}
	if err := tx.insertBulk(t, recs, runID, withID); err != errNoRaw {
		return err
	}
	for len(recs) > 0 {
		n := min(len(recs), 64)
		args := make([]any, 0, n*(len(t.Cols)+3))
		withID := recs[0].ID != 0
		var err error
		for _, r := range recs[:n] {
			if !r.Active {
				return fmt.Errorf("insert %s %s: InsertMany takes active records only", t.Entity, r.SourcedID)
			}
			if (r.ID != 0) != withID {
				return fmt.Errorf("insert %s %s: InsertMany takes records that all name their id, or none", t.Entity, r.SourcedID)
			}
			if args, err = appendRecord(args, t, r); err != nil {
				return err
			}
		}
		if _, err := tx.exec(tx.insertSQL(t, n, true, runID, withID), args...); err != nil {
			return fmt.Errorf("insert %d %s records from %s: %w", n, t.Entity, recs[0].SourcedID, err)
		}
		recs = recs[n:]
	}
	return nil
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

// NextID is the id SQLite would give the next record of t (one more than the
// largest): a writer that inserts records in batches names their ids itself,
// the same ones, so it can link them without reading them back.
func (tx *Tx) NextID(t *Table) (int64, error) {
	var id int64
	err := tx.tx.QueryRow(`SELECT coalesce(max(id), 0) + 1 FROM ` + t.Name).Scan(&id)
	return id, err
}

// AddUserBuildings links new users to buildings: bound in C, 128 links a
// statement (data/bulk.go), or through database/sql, 200 a statement.
func (tx *Tx) AddUserBuildings(links [][2]int64) error {
	if err := tx.addLinks(links); err != errNoRaw {
		return err
	}
	for len(links) > 0 {
		n := min(len(links), 200)
		args := make([]any, 0, 2*n)
		for _, l := range links[:n] {
			args = append(args, l[0], l[1])
		}
		q := `INSERT OR IGNORE INTO user_buildings (user_id, building_id) VALUES ` + strings.TrimSuffix(strings.Repeat("(?, ?),", n), ",")
		if _, err := tx.exec(q, args...); err != nil {
			return err
		}
		links = links[n:]
	}
	return nil
}

// SetUserBuildings replaces the buildings user id belongs to; a new user has none to delete.
func (tx *Tx) SetUserBuildings(userID int64, buildingIDs []int64, isNew bool) error {
	if !isNew {
		if _, err := tx.exec(`DELETE FROM user_buildings WHERE user_id = ?`, userID); err != nil {
			return err
		}
	}
	for _, b := range buildingIDs {
		if _, err := tx.exec(insertLinkSQL, userID, b); err != nil {
			return err
		}
	}
	return nil
}

const insertLinkSQL = `INSERT OR IGNORE INTO user_buildings (user_id, building_id) VALUES (?, ?)`

const addAuditSQL = `INSERT INTO audit (run_id, entity, sourced_id, action, field, old, new, reason, admin_id, at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`

// AddAudit writes one audit entry stamped with the transaction's time.
func (tx *Tx) AddAudit(a rosterdesk.Audit) error {
	_, err := tx.exec(addAuditSQL, a.RunID, a.Entity, a.SourcedID, a.Action, a.Field, a.Old, a.New, a.Reason, nullID(a.AdminID), tx.nowS)
	return err
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}
