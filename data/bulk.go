package data

// Bulk inserts bound in C. A first sync inserts a million and a half records
// of 9–12 values each; through database/sql every value is boxed, converted,
// copied and bound by its own cgo call (10 M of them), which cost the writer
// as much CPU as SQLite's own work on the rows. Here one cgo call binds and
// steps a whole batch, reading the values where they lie.

/*
#include <stdint.h>
#include <string.h>
#include <stdio.h>
#include <stdlib.h>

#include "sqlite_decl.h"

enum { RD_SEP = 0x1f, RD_DONE = 101, RD_MSG = 512, RD_PERSISTENT = 1 }; // RD_PERSISTENT: SQLITE_PREPARE_PERSISTENT, kept for many steps

typedef struct {
	int code;     // extended result code, 0 when every row was written
	int row;      // the record it failed on
	char msg[RD_MSG];
} rd_result;

static int rd_fail(sqlite3 *db, sqlite3_stmt *st, int rc, int row, rd_result *res) {
	res->code = sqlite3_extended_errcode(db);
	if (res->code == 0) res->code = rc;
	res->row = row;
	snprintf(res->msg, RD_MSG, "%s", sqlite3_errmsg(db));
	if (st) { sqlite3_reset(st); sqlite3_clear_bindings(st); }
	return rc;
}

// rd_insert writes rows records with sql1 (one record) and sqlN (n records
// a statement; NULL when rows < n). The statements are prepared into *one and
// *many when those are NULL, and kept there for the next call: the caller
// finalizes them. buf holds each record as
// "sourcedId SEP v1 SEP ... SEP vcols", lens[r] bytes long (checked in Go to
// hold exactly cols+1 fields); ids (NULL: none bound) and hashes are per record.
static int rd_insert(sqlite3 *db, const char *sql1, const char *sqlN, sqlite3_stmt **pone, sqlite3_stmt **pmany,
		int n, int rows, int cols,
		const char *buf, const int32_t *lens, const int64_t *ids, const int64_t *hashes, rd_result *res) {
	int rc = 0, r = 0, p = 1;
	res->code = 0;
	if (sqlN && rows >= n && !*pmany && (rc = sqlite3_prepare_v3(db, sqlN, -1, RD_PERSISTENT, pmany, 0)) != 0)
		return rd_fail(db, 0, rc, 0, res);
	if (!*pone && (rc = sqlite3_prepare_v3(db, sql1, -1, RD_PERSISTENT, pone, 0)) != 0)
		return rd_fail(db, 0, rc, 0, res);
	sqlite3_stmt *one = *pone, *many = rows >= n ? *pmany : 0;
	int full = many ? rows - rows % n : 0;
	const char *q = buf;
	for (r = 0; r < rows; r++) {
		sqlite3_stmt *st = r < full ? many : one;
		if (ids && (rc = sqlite3_bind_int64(st, p++, ids[r])) != 0) goto fail;
		const char *end = q + lens[r], *f = q;
		for (int c = 0; c <= cols; c++) {
			const char *e = memchr(f, RD_SEP, (size_t)(end - f));
			if (!e) e = end;
			// SQLITE_STATIC: the buffer outlives the step; bindings are cleared before returning.
			if ((rc = sqlite3_bind_text(st, p++, f, (int)(e - f), 0)) != 0) goto fail;
			f = e + 1;
		}
		if ((rc = sqlite3_bind_int64(st, p++, hashes[r])) != 0) goto fail;
		q = end;
		if (st == one || (r + 1) % n == 0) {
			if ((rc = sqlite3_step(st)) != RD_DONE) goto fail;
			sqlite3_reset(st);
			p = 1;
		}
	}
	if (many) sqlite3_clear_bindings(many);
	sqlite3_clear_bindings(one);
	return 0;
fail:
	rd_fail(db, r < full ? many : one, rc, r < full ? r - r % n : r, res);
	if (many) sqlite3_clear_bindings(many);
	sqlite3_clear_bindings(one);
	return rc;
}

// rd_pairs writes rows pairs of integers (vals[2r], vals[2r+1]) with sql1
// (one pair) and sqlN (n pairs a statement; NULL when rows < n).
static int rd_pairs(sqlite3 *db, const char *sql1, const char *sqlN, int n, int rows,
		const int64_t *vals, rd_result *res) {
	sqlite3_stmt *one = 0, *many = 0;
	int rc = 0, r = 0, p = 1;
	res->code = 0;
	if (sqlN && rows >= n && (rc = sqlite3_prepare_v3(db, sqlN, -1, 0, &many, 0)) != 0)
		return rd_fail(db, 0, rc, 0, res);
	if ((rc = sqlite3_prepare_v3(db, sql1, -1, 0, &one, 0)) != 0) {
		sqlite3_finalize(many);
		return rd_fail(db, 0, rc, 0, res);
	}
	int full = many ? rows - rows % n : 0;
	for (r = 0; r < rows; r++) {
		sqlite3_stmt *st = r < full ? many : one;
		if ((rc = sqlite3_bind_int64(st, p++, vals[2 * r])) != 0) goto fail;
		if ((rc = sqlite3_bind_int64(st, p++, vals[2 * r + 1])) != 0) goto fail;
		if (st == one || (r + 1) % n == 0) {
			if ((rc = sqlite3_step(st)) != RD_DONE) goto fail;
			sqlite3_reset(st);
			p = 1;
		}
	}
	sqlite3_finalize(many);
	sqlite3_finalize(one);
	return 0;
fail:
	rd_fail(db, r < full ? many : one, rc, r < full ? r - r % n : r, res);
	sqlite3_finalize(many);
	sqlite3_finalize(one);
	return rc;
}

enum { RD_ROW = 100 };

// rd_scan reads up to max rows of st: column 0 (text) appended to buf (cap
// bytes), its length in lens[r]; columns 1..nint as integers in ints. A row
// stepped to but not copied (buf full) is kept in *held for the next call.
// It returns the rows copied, -1 on an error (res set); *done is 1 at the end.
static int rd_scan(sqlite3 *db, sqlite3_stmt *st, int max, int nint, char *buf, int cap,
		int32_t *lens, int64_t *ints, int *held, int *done, rd_result *res) {
	int r = 0, used = 0;
	res->code = 0;
	*done = 0;
	while (r < max) {
		if (!*held) {
			int rc = sqlite3_step(st);
			if (rc == RD_DONE) { *done = 1; break; }
			if (rc != RD_ROW) { rd_fail(db, 0, rc, r, res); return -1; }
			*held = 1;
		}
		const unsigned char *t = sqlite3_column_text(st, 0);
		int n = sqlite3_column_bytes(st, 0);
		if (used + n > cap) {
			if (r == 0) { lens[0] = n; return 0; } // buf too small for this one row: grow and call again
			break;
		}
		if (n > 0) memcpy(buf + used, t, (size_t)n);
		used += n;
		lens[r] = n;
		for (int c = 0; c < nint; c++) ints[r * nint + c] = sqlite3_column_int64(st, c + 1);
		*held = 0;
		r++;
	}
	return r;
}

static int rd_prepare(sqlite3 *db, const char *sql, sqlite3_stmt **st, rd_result *res) {
	int rc = sqlite3_prepare_v3(db, sql, -1, 0, st, 0);
	if (rc) rd_fail(db, 0, rc, 0, res);
	return rc;
}
*/
import "C"

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"unsafe"

	"github.com/mattn/go-sqlite3"
)

// bulkRows is how many records one statement of a bulk insert carries.
const bulkRows = 64

// rawHandle returns the sqlite3 handle under a connection of ours, or nil
// when the driver is not the one this was written for (then the ordinary
// path is used).
func rawHandle(dc any) *C.sqlite3 {
	sc, ok := dc.(*sqlite3.SQLiteConn)
	if !ok || sc == nil {
		return nil
	}
	f := reflect.ValueOf(sc).Elem().FieldByName("db")
	if !f.IsValid() || f.Kind() != reflect.Pointer {
		return nil
	}
	return (*C.sqlite3)(f.UnsafePointer())
}

// withHandle runs f with conn's SQLite handle. It is errNoRaw, f not run,
// when the driver's handle cannot be reached: the caller then goes through
// database/sql.
func withHandle(conn *sql.Conn, f func(h *C.sqlite3) error) error {
	used := false
	err := conn.Raw(func(dc any) error {
		h := rawHandle(dc)
		if h == nil {
			return nil
		}
		used = true
		return f(h)
	})
	if err == nil && !used {
		return errNoRaw
	}
	return err
}

// sqliteError is a failure reported by SQLite during a bulk insert. It
// unwraps to the driver's sqlite3.Error, so callers that look for one
// (busy, constraint) see the same codes as through database/sql.
type sqliteError struct {
	msg string
	err sqlite3.Error
}

func (e *sqliteError) Error() string { return e.msg }
func (e *sqliteError) Unwrap() error { return e.err }

var errNoRaw = errors.New("no raw connection")

func resultErr(res *C.rd_result) error {
	code := int(res.code)
	return &sqliteError{msg: C.GoString(&res.msg[0]),
		err: sqlite3.Error{Code: sqlite3.ErrNo(code & 0xff), ExtendedCode: sqlite3.ErrNoExtended(code)}}
}

// scanRows runs query (a text column, then nint integer columns) on a
// connection of the pool and calls f with each row, read a few thousand rows a
// cgo call. The text is only valid during f. It returns errNoRaw, having
// called f for nothing, when it cannot reach the connection.
func (db *DB) scanRows(ctx context.Context, query string, nint int, f func(text []byte, ints []int64) error) error {
	conn, err := db.sql.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	// A scan reads each page once: a small cache for it, so the pages it
	// passes do not stay in memory (two scans run beside a bulk sync's planner).
	if _, err := conn.ExecContext(ctx, `PRAGMA cache_size=-2048`); err != nil {
		return err
	}
	defer conn.ExecContext(context.Background(), `PRAGMA cache_size=`+cacheSize)
	q := C.CString(query)
	defer C.free(unsafe.Pointer(q))
	const batch = 4096
	buf := make([]byte, 256<<10)
	lens := make([]int32, batch)
	ints := make([]int64, batch*nint)
	return withHandle(conn, func(h *C.sqlite3) error {
		var res C.rd_result
		var st *C.sqlite3_stmt
		if C.rd_prepare(h, q, &st, &res) != 0 {
			return resultErr(&res)
		}
		defer C.sqlite3_finalize(st)
		var held, done C.int
		for done == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
			n := int(C.rd_scan(h, st, batch, C.int(nint), (*C.char)(unsafe.Pointer(&buf[0])), C.int(len(buf)),
				(*C.int32_t)(unsafe.Pointer(&lens[0])), (*C.int64_t)(unsafe.Pointer(&ints[0])), &held, &done, &res))
			if n < 0 {
				return resultErr(&res)
			}
			if n == 0 && done == 0 {
				buf = make([]byte, 2*max(len(buf), int(lens[0])))
				continue
			}
			off := 0
			for r := 0; r < n; r++ {
				l := int(lens[r])
				if err := f(buf[off:off+l:off+l], ints[r*nint:(r+1)*nint]); err != nil {
					return err
				}
				off += l
			}
		}
		return nil
	})
}

// insertBulk inserts recs (all active, all naming their id or none) with one
// cgo call on the transaction's connection. It returns errNoRaw when it cannot
// reach the connection; nothing was written then.
func (tx *Tx) insertBulk(t *Table, recs []NewRecord, runID int64, withID bool) error {
	if tx.conn == nil || len(recs) == 0 {
		return errNoRaw
	}
	if tx.wb == nil && tx.db.Path != "" {
		tx.wb = startWriteback(tx.db.Path)
	}
	size := 0
	for i := range recs {
		size += len(recs[i].SourcedID) + 1 + len(recs[i].Vals)
	}
	// The buffers are the transaction's, reused batch after batch: a first
	// sync would otherwise leave 200 MB of them to the garbage collector.
	b := &tx.bulk
	buf := growBuf(b.buf, size)[:0]
	lens := growBuf(b.lens, len(recs))
	hashes := growBuf(b.hashes, len(recs))
	var ids []int64
	if withID {
		ids = growBuf(b.ids, len(recs))
		b.ids = ids
	}
	defer func() { b.buf = buf[:0] }()
	b.lens, b.hashes = lens, hashes
	for i := range recs {
		r := &recs[i]
		if n := strings.Count(r.Vals, Sep) + 1; n != len(t.Cols) || strings.Contains(r.SourcedID, Sep) {
			if _, err := splitVals(t, r.Vals); err != nil {
				return err
			}
			return fmt.Errorf("%s: a sourcedId holds the value separator: %q", t.Name, r.SourcedID)
		}
		start := len(buf)
		buf = append(buf, r.SourcedID...)
		buf = append(buf, Sep...)
		buf = append(buf, r.Vals...)
		lens[i] = int32(len(buf) - start)
		if r.HasHash {
			hashes[i] = int64(r.Hash)
		} else {
			hashes[i] = int64(Hash(r.Vals))
		}
		if withID {
			ids[i] = r.ID
		}
	}
	if len(buf) == 0 {
		buf = append(buf, 0) // a valid pointer for the C side
	}
	// The statements are prepared once a transaction (finalizeBulk ends them).
	q1, qN := tx.insertSQL(t, 1, true, runID, withID), tx.insertSQL(t, bulkRows, true, runID, withID)
	if b.stmts == nil {
		b.stmts = map[string]*C.sqlite3_stmt{}
	}
	one, many := b.stmts[q1], b.stmts[qN]
	var sql1, sqlN *C.char
	if one == nil {
		sql1 = C.CString(q1)
		defer C.free(unsafe.Pointer(sql1))
	}
	if many == nil && len(recs) >= bulkRows {
		sqlN = C.CString(qN)
		defer C.free(unsafe.Pointer(sqlN))
	}
	var res C.rd_result
	err := withHandle(tx.conn, func(h *C.sqlite3) error {
		var idp *C.int64_t
		if withID {
			idp = (*C.int64_t)(unsafe.Pointer(&ids[0]))
		}
		C.rd_insert(h, sql1, sqlN, &one, &many, C.int(bulkRows), C.int(len(recs)), C.int(len(t.Cols)),
			(*C.char)(unsafe.Pointer(&buf[0])), (*C.int32_t)(unsafe.Pointer(&lens[0])), idp,
			(*C.int64_t)(unsafe.Pointer(&hashes[0])), &res)
		return nil
	})
	if one != nil {
		b.stmts[q1] = one
	}
	if many != nil {
		b.stmts[qN] = many
	}
	if err != nil {
		return err
	}
	if res.code != 0 {
		e := resultErr(&res)
		row, n := int(res.row), 1
		if len(recs) >= bulkRows && row < len(recs)-len(recs)%bulkRows {
			n = bulkRows
		}
		return fmt.Errorf("insert %d %s records from %s: %w", n, t.Entity, recs[row].SourcedID, e)
	}
	return nil
}

// linkRows is how many user-building links one statement of addLinks carries.
const linkRows = 128

// addLinks inserts links (user id, building id; duplicates ignored) with one
// cgo call on the transaction's connection. It returns errNoRaw when it
// cannot reach the connection; nothing was written then.
func (tx *Tx) addLinks(links [][2]int64) error {
	if tx.conn == nil || len(links) == 0 {
		return errNoRaw
	}
	q := func(n int) *C.char {
		return C.CString(`INSERT OR IGNORE INTO user_buildings (user_id, building_id) VALUES ` + strings.TrimSuffix(strings.Repeat("(?, ?),", n), ","))
	}
	sql1 := q(1)
	defer C.free(unsafe.Pointer(sql1))
	var sqlN *C.char
	if len(links) >= linkRows {
		sqlN = q(linkRows)
		defer C.free(unsafe.Pointer(sqlN))
	}
	var res C.rd_result
	if err := withHandle(tx.conn, func(h *C.sqlite3) error {
		C.rd_pairs(h, sql1, sqlN, C.int(linkRows), C.int(len(links)), (*C.int64_t)(unsafe.Pointer(&links[0][0])), &res)
		return nil
	}); err != nil {
		return err
	}
	if res.code != 0 {
		l := links[int(res.row)]
		return fmt.Errorf("link user %d to building %d: %w", l[0], l[1], resultErr(&res))
	}
	return nil
}

// bulkBufs are the buffers insertBulk fills and the statements it prepared,
// kept by the transaction.
type bulkBufs struct {
	buf    []byte
	lens   []int32
	hashes []int64
	ids    []int64
	stmts  map[string]*C.sqlite3_stmt
}

// finalizeBulk ends the statements insertBulk prepared, before the
// transaction's connection goes back to the pool.
func (tx *Tx) finalizeBulk() {
	for q, st := range tx.bulk.stmts {
		C.sqlite3_finalize(st)
		delete(tx.bulk.stmts, q)
	}
}

// growBuf returns s with length n, reallocated only when it is too short.
func growBuf[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n, n+n/4)
	}
	return s[:n]
}
