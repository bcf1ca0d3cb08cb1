package data

// A delta's writes and lookups bound in C. A next-day delta changes tens of
// thousands of records that already exist: each is a state lookup while
// planning, then a pre-image, an update and an audit entry while applying.
// Through database/sql every one of those statements costs several times
// SQLite's own work on it (boxing, conversion, a cgo call per value). Here a
// lookup is one cgo call, and a run's writes are queued and run in order by
// one cgo call per few thousand statements, with the same SQL text.

/*
#include <stdint.h>
#include <stdlib.h>

#include "sqlite_decl.h"

enum { RDX_ROW = 100, RDX_DONE = 101, RDX_MSG = 512 };

typedef struct {
	int code; // extended result code, 0 when all went well
	int op;   // the operation it failed on
	char msg[RDX_MSG];
} rdx_result;

static int rdx_fail(sqlite3 *db, sqlite3_stmt *st, int rc, int op, rdx_result *res) {
	res->code = sqlite3_extended_errcode(db);
	if (res->code == 0) res->code = rc;
	res->op = op;
	const char *m = sqlite3_errmsg(db);
	int i = 0;
	for (; m && m[i] && i < RDX_MSG - 1; i++) res->msg[i] = m[i];
	res->msg[i] = 0;
	if (st) { sqlite3_reset(st); sqlite3_clear_bindings(st); }
	return rc;
}

static int rdx_prepare(sqlite3 *db, const char *sql, sqlite3_stmt **st, rdx_result *res) {
	int rc = sqlite3_prepare_v3(db, sql, -1, 1, st, 0); // 1: SQLITE_PREPARE_PERSISTENT
	if (rc) rdx_fail(db, 0, rc, -1, res);
	return rc;
}

// rdx_state runs st (one text parameter; columns: three integers) and copies
// the first row's columns to out. It returns 1 for a row, 0 for none, -1 on
// an error (res set).
static int rdx_state(sqlite3 *db, sqlite3_stmt *st, const char *id, int n, int64_t *out, rdx_result *res) {
	res->code = 0;
	int rc = sqlite3_bind_text(st, 1, id, n, 0);
	if (rc) { rdx_fail(db, st, rc, 0, res); return -1; }
	rc = sqlite3_step(st);
	if (rc == RDX_ROW) {
		for (int c = 0; c < 3; c++) out[c] = sqlite3_column_int64(st, c);
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
		return 1;
	}
	if (rc == RDX_DONE) {
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
		return 0;
	}
	rdx_fail(db, st, rc, 0, res);
	return -1;
}

typedef struct {
	int32_t stmt;  // index into the statements
	int32_t nargs; // its parameters: args[arg .. arg+nargs)
	int32_t arg;
} rdx_op;

enum { RDX_NULL = 0, RDX_INT = 1, RDX_TEXT = 2 };

typedef struct {
	int64_t v;    // the integer, or the text's offset in buf
	int32_t kind;
	int32_t len;  // the text's length
} rdx_arg;

// rdx_exec binds and steps nops statements in order. It stops at the first
// failure and returns its code (res->op names the operation).
static int rdx_exec(sqlite3 *db, sqlite3_stmt **stmts, int nops, const rdx_op *ops, const rdx_arg *args,
		const char *buf, rdx_result *res) {
	res->code = 0;
	for (int i = 0; i < nops; i++) {
		sqlite3_stmt *st = stmts[ops[i].stmt];
		const rdx_arg *a = args + ops[i].arg;
		int rc = 0;
		for (int k = 0; k < ops[i].nargs && rc == 0; k++) {
			switch (a[k].kind) {
			case RDX_INT: rc = sqlite3_bind_int64(st, k + 1, a[k].v); break;
			case RDX_TEXT: rc = sqlite3_bind_text(st, k + 1, buf + a[k].v, a[k].len, 0); break;
			default: rc = sqlite3_bind_null(st, k + 1);
			}
		}
		if (rc) return rdx_fail(db, st, rc, i, res);
		rc = sqlite3_step(st);
		if (rc != RDX_DONE && rc != RDX_ROW) return rdx_fail(db, st, rc, i, res);
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
	}
	return 0;
}
*/
import "C"

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unsafe"

	"github.com/mattn/go-sqlite3"

	"rosterdesk"
)

func rdxErr(res *C.rdx_result) error {
	code := int(res.code)
	return &sqliteError{msg: C.GoString(&res.msg[0]),
		err: sqlite3.Error{Code: sqlite3.ErrNo(code & 0xff), ExtendedCode: sqlite3.ErrNoExtended(code)}}
}

// lookups is a connection kept for a delta's state lookups, with one
// statement prepared per table. It is released by ReleaseLookups (the
// planner's end) or Close.
type lookups struct {
	conn  *sql.Conn
	stmts map[*Table]*C.sqlite3_stmt
	off   bool // the driver's handle cannot be reached: StateOf uses database/sql
}

func stateSQL(t *Table) string {
	return `SELECT id, active | (` + t.protectedExpr() + ` << 1), row_hash FROM ` + t.Name + ` WHERE sourced_id = ?`
}

// stateRaw looks sourcedID up with one cgo call; errNoRaw when it cannot.
// The caller holds db.mu.
func (db *DB) stateRaw(ctx context.Context, t *Table, sourcedID string) (State, bool, error) {
	if db.lk == nil {
		conn, err := db.sql.Conn(context.WithoutCancel(ctx))
		if err != nil {
			return State{}, false, err
		}
		db.lk = &lookups{conn: conn, stmts: map[*Table]*C.sqlite3_stmt{}}
	}
	lk := db.lk
	if lk.off {
		return State{}, false, errNoRaw
	}
	var st State
	found := false
	var out [3]C.int64_t
	err := withHandle(lk.conn, func(h *C.sqlite3) error {
		var res C.rdx_result
		s := lk.stmts[t]
		if s == nil {
			q := C.CString(stateSQL(t))
			defer C.free(unsafe.Pointer(q))
			if C.rdx_prepare(h, q, &s, &res) != 0 {
				return rdxErr(&res)
			}
			lk.stmts[t] = s
		}
		id := unsafe.StringData(sourcedID)
		if len(sourcedID) == 0 {
			id = unsafe.StringData("\x00")
		}
		switch C.rdx_state(h, s, (*C.char)(unsafe.Pointer(id)), C.int(len(sourcedID)), &out[0], &res) {
		case 1:
			found = true
		case -1:
			return rdxErr(&res)
		}
		return nil
	})
	if errors.Is(err, errNoRaw) {
		lk.off = true
	}
	if err != nil {
		return st, false, err
	}
	if found {
		st.ID, st.Active, st.Protected, st.Hash = int64(out[0]), out[1]&1 != 0, out[1]&2 != 0, uint64(out[2])
	}
	return st, found, nil
}

// ReleaseLookups gives back the connection StateOf kept; the next StateOf takes one again.
func (db *DB) ReleaseLookups() {
	db.mu.Lock()
	defer db.mu.Unlock()
	db.releaseLookups()
}

func (db *DB) releaseLookups() {
	lk := db.lk
	if lk == nil {
		return
	}
	db.lk = nil
	if len(lk.stmts) > 0 {
		lk.conn.Raw(func(any) error {
			for _, s := range lk.stmts {
				C.sqlite3_finalize(s)
			}
			return nil
		})
	}
	lk.conn.Close()
}

// Writes queues a run's writes to records that exist (pre-images, updates,
// deactivations, audit entries, a user's buildings) and runs them in the
// order queued, a few thousand statements a cgo call, on the transaction's
// connection. Nothing is written until Flush.
type Writes struct {
	tx    *Tx
	snaps map[string]string // snapshot statements by table
	pend  int               // pre-images queued or waiting in the temporary table
	made  bool              // the temporary table exists
	sqls  []string
	index map[string]int32
	ops   []C.rdx_op
	args  []C.rdx_arg
	buf   []byte
	wraps map[int]string // what an operation's error is prefixed with
	vals  []any          // scratch for the database/sql fallback
}

// NewWrites starts an empty queue of writes on tx.
func (tx *Tx) NewWrites() *Writes {
	return &Writes{tx: tx, index: map[string]int32{}, snaps: map[string]string{}}
}

// Len is the number of statements queued.
func (w *Writes) Len() int { return len(w.ops) }

func (w *Writes) op(q string, args ...any) {
	si, ok := w.index[q]
	if !ok {
		si = int32(len(w.sqls))
		w.sqls = append(w.sqls, q)
		w.index[q] = si
	}
	w.ops = append(w.ops, C.rdx_op{stmt: C.int32_t(si), nargs: C.int32_t(len(args)), arg: C.int32_t(len(w.args))})
	for _, a := range args {
		w.arg(a)
	}
}

func (w *Writes) arg(a any) {
	switch v := a.(type) {
	case nil:
		w.args = append(w.args, C.rdx_arg{kind: C.RDX_NULL})
	case int64:
		w.args = append(w.args, C.rdx_arg{kind: C.RDX_INT, v: C.int64_t(v)})
	case int:
		w.args = append(w.args, C.rdx_arg{kind: C.RDX_INT, v: C.int64_t(v)})
	case string:
		w.text(v)
	case rosterdesk.Entity:
		w.text(string(v))
	case *string:
		if v == nil {
			w.args = append(w.args, C.rdx_arg{kind: C.RDX_NULL})
		} else {
			w.text(*v)
		}
	default:
		panic(fmt.Sprintf("data.Writes: cannot bind %T", a))
	}
}

func (w *Writes) text(s string) {
	w.args = append(w.args, C.rdx_arg{kind: C.RDX_TEXT, v: C.int64_t(len(w.buf)), len: C.int32_t(len(s))})
	w.buf = append(w.buf, s...)
}

// Snapshot queues Tx.Snapshot of record id of table.
func (w *Writes) Snapshot(runID int64, table string, id int64) error {
	q, ok := w.snaps[table]
	if !ok {
		var err error
		if q, err = w.tx.snapshotSQL(table); err != nil {
			return err
		}
		q = pendingSQL(q)
		w.snaps[table] = q
	}
	w.pend++
	w.op(q, runID, table, strconv.FormatInt(id, 10), id)
	return nil
}

// Pre-images are first kept in a temporary table (memory) and moved into
// snapshots in key order, in one go: inserted one by one in the order a
// delta names its records, they filled the run's part of the snapshots
// b-tree at random, so its pages were split and written again after SQLite
// had spilled them to the WAL, and such a rewrite makes COMMIT reread and
// checksum the WAL from there. The rows are the same; only the first
// pre-image of a record is kept, as before.
const (
	pendingTable = `temp.rd_snapshots`
	makePending  = `CREATE TEMP TABLE IF NOT EXISTS rd_snapshots (run_id INTEGER NOT NULL, tbl TEXT NOT NULL, key TEXT NOT NULL, row TEXT,
		PRIMARY KEY (run_id, tbl, key)) WITHOUT ROWID`
	movePending = `INSERT OR IGNORE INTO snapshots (run_id, tbl, key, row)
		SELECT run_id, tbl, key, row FROM temp.rd_snapshots ORDER BY run_id, tbl, key`
	clearPending = `DELETE FROM temp.rd_snapshots`
	dropPending  = `DROP TABLE IF EXISTS temp.rd_snapshots`
)

// pendingMax is how many pre-images wait in memory before they are moved.
const pendingMax = 1 << 16

func pendingSQL(q string) string {
	return strings.Replace(q, `INSERT OR IGNORE INTO snapshots `, `INSERT OR IGNORE INTO `+pendingTable+` `, 1)
}

// SnapshotLinks queues Tx.SnapshotLinks.
func (w *Writes) SnapshotLinks(runID, userID int64) {
	w.pend++
	w.op(pendingSQL(snapshotLinksSQL), runID, strconv.FormatInt(userID, 10), userID)
}

// Update queues Tx.Update: record id of t takes vals. Given the values it
// replaces (old, "" when not known), only the columns that change are
// written, so the indexes on the others are not rewritten; the row is the same.
func (w *Writes) Update(t *Table, id int64, vals, old string) error {
	parts := strings.Split(vals, Sep)
	if len(parts) != len(t.Cols) {
		return fmt.Errorf("%s: %d values for %d columns", t.Name, len(parts), len(t.Cols))
	}
	was := strings.Split(old, Sep)
	var b strings.Builder
	b.WriteString(`UPDATE ` + t.Name + ` SET `)
	n := 0
	for i, c := range t.Cols {
		if len(was) == len(parts) && was[i] == parts[i] {
			continue
		}
		b.WriteString(c + ` = ?, `)
		n++
	}
	b.WriteString(`row_hash = ?, updated_at = ? WHERE id = ?`)
	args := make([]any, 0, n+3)
	for i := range t.Cols {
		if len(was) == len(parts) && was[i] == parts[i] {
			continue
		}
		args = append(args, parts[i])
	}
	args = append(args, int64(Hash(vals)), w.tx.nowS, id)
	w.op(b.String(), args...)
	return nil
}

// SetActive queues Tx.SetActive.
func (w *Writes) SetActive(t *Table, id int64, active bool) {
	var off any
	if !active {
		off = w.tx.nowS
	}
	w.op(`UPDATE `+t.Name+` SET active = ?, `+t.OffCol+` = ?, updated_at = ? WHERE id = ?`, boolInt(active), off, w.tx.nowS, id)
}

// AddAudit queues Tx.AddAudit.
func (w *Writes) AddAudit(a rosterdesk.Audit) {
	w.op(addAuditSQL, a.RunID, string(a.Entity), a.SourcedID, a.Action, a.Field, a.Old, a.New, a.Reason, nullID(a.AdminID), w.tx.nowS)
}

// SetUserBuildings queues Tx.SetUserBuildings; an error in it is prefixed with wrap.
// Links the user keeps are left alone (not deleted and written again), so
// their pages stay clean; the links after it are the same.
func (w *Writes) SetUserBuildings(userID int64, buildingIDs []int64, isNew bool, wrap string) {
	if w.wraps == nil {
		w.wraps = map[int]string{}
	}
	if !isNew {
		keep := make([]string, len(buildingIDs))
		for i, b := range buildingIDs {
			keep[i] = strconv.FormatInt(b, 10)
		}
		w.wraps[len(w.ops)] = wrap
		w.op(`DELETE FROM user_buildings WHERE user_id = ? AND building_id NOT IN (SELECT value FROM json_each(?))`,
			userID, "["+strings.Join(keep, ",")+"]")
	}
	for _, b := range buildingIDs {
		w.wraps[len(w.ops)] = wrap
		w.op(insertLinkSQL, userID, b)
	}
}

// Flush runs the queued writes in order and empties the queue.
// Pre-images wait in memory until Finish, or until there are many.
func (w *Writes) Flush() error {
	if len(w.ops) == 0 {
		return nil
	}
	if w.pend > 0 && !w.made {
		if _, err := w.tx.exec(makePending); err != nil {
			return err
		}
		w.made = true
	}
	err := w.run()
	w.ops, w.args, w.buf, w.sqls = w.ops[:0], w.args[:0], w.buf[:0], w.sqls[:0]
	clear(w.wraps)
	clear(w.index) // the next batch prepares only the statements it uses
	if err == nil && w.pend >= pendingMax {
		err = w.movePending()
	}
	return err
}

// Finish runs what is queued and moves every pre-image into snapshots; the
// queue is empty and can be used again.
func (w *Writes) Finish() error {
	if err := w.Flush(); err != nil {
		return err
	}
	if !w.made {
		return nil
	}
	if err := w.movePending(); err != nil {
		return err
	}
	w.made = false
	_, err := w.tx.exec(dropPending)
	return err
}

func (w *Writes) movePending() error {
	w.pend = 0
	if _, err := w.tx.exec(movePending); err != nil {
		return err
	}
	_, err := w.tx.exec(clearPending)
	return err
}

func (w *Writes) fail(i int, err error) error {
	if wrap := w.wraps[i]; wrap != "" {
		return fmt.Errorf("%s: %w", wrap, err)
	}
	return err
}

func (w *Writes) run() error {
	err := w.runRaw()
	if err != errNoRaw {
		return err
	}
	// The driver's handle cannot be reached: the same statements through database/sql.
	for i, o := range w.ops {
		w.vals = w.vals[:0]
		for _, a := range w.args[o.arg : o.arg+o.nargs] {
			switch a.kind {
			case C.RDX_INT:
				w.vals = append(w.vals, int64(a.v))
			case C.RDX_TEXT:
				w.vals = append(w.vals, string(w.buf[a.v:int(a.v)+int(a.len)]))
			default:
				w.vals = append(w.vals, nil)
			}
		}
		if _, err := w.tx.exec(w.sqls[o.stmt], w.vals...); err != nil {
			return w.fail(i, err)
		}
	}
	return nil
}

func (w *Writes) runRaw() error {
	if w.tx.conn == nil {
		return errNoRaw
	}
	if len(w.args) == 0 {
		w.args = append(w.args, C.rdx_arg{}) // a valid pointer for the C side
	}
	var res C.rdx_result
	failed := false
	err := withHandle(w.tx.conn, func(h *C.sqlite3) error {
		stmts := make([]*C.sqlite3_stmt, len(w.sqls))
		defer func() {
			for _, s := range stmts {
				if s != nil {
					C.sqlite3_finalize(s)
				}
			}
		}()
		for i, q := range w.sqls {
			cq := C.CString(q)
			rc := C.rdx_prepare(h, cq, &stmts[i], &res)
			C.free(unsafe.Pointer(cq))
			if rc != 0 {
				return rdxErr(&res)
			}
		}
		buf := w.buf
		if len(buf) == 0 {
			buf = []byte{0}
		}
		// The statements live in C memory; ops, args and buf are Go memory
		// without pointers, pinned for the call.
		cs := (**C.sqlite3_stmt)(C.malloc(C.size_t(len(stmts)) * C.size_t(unsafe.Sizeof(uintptr(0)))))
		defer C.free(unsafe.Pointer(cs))
		copy(unsafe.Slice(cs, len(stmts)), stmts)
		if C.rdx_exec(h, cs, C.int(len(w.ops)), &w.ops[0], &w.args[0], (*C.char)(unsafe.Pointer(&buf[0])), &res) != 0 {
			failed = true
		}
		return nil
	})
	if err != nil {
		return err
	}
	if failed {
		return w.fail(int(res.op), rdxErr(&res))
	}
	return nil
}
