package data

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"hash/maphash"
	"strings"

	"rosterdesk"
)

// Sep joins a record's field values into one string; it never appears in CSV text we keep.
const Sep = "\x1f"

// Table describes a OneRoster-keyed table whose records the engine diffs generically.
// Values travel as one Sep-joined string in Cols order, which keeps a million
// planned records small in memory.
type Table struct {
	Name   string
	Entity rosterdesk.Entity
	Cols   []string
	// OffCol is the timestamp set when the record leaves the roster.
	OffCol string
	// Extra are columns shown with a record that a sync does not diff.
	Extra []string
	// Protectable tables have a protected flag: such records are never deactivated by a sync.
	Protectable bool
}

var (
	Users = &Table{Name: "users", Entity: rosterdesk.EntityUser, OffCol: "deactivated_at", Protectable: true,
		Cols:  []string{"role", "username", "given_name", "family_name", "middle_name", "identifier", "email", "grades", "enabled", "org_ids"},
		Extra: []string{"protected"}}
	Sessions = &Table{Name: "academic_sessions", Entity: rosterdesk.EntitySession, OffCol: "removed_at",
		Cols: []string{"title", "type", "start_date", "end_date", "parent_sourced_id", "school_year"}}
	Courses = &Table{Name: "courses", Entity: rosterdesk.EntityCourse, OffCol: "removed_at", Protectable: true,
		Cols:  []string{"title", "course_code", "grades", "org_sourced_id", "school_year_sourced_id", "subjects"},
		Extra: []string{"teacher_permission", "protected"}}
	Classes = &Table{Name: "classes", Entity: rosterdesk.EntityClass, OffCol: "removed_at",
		Cols: []string{"title", "class_code", "class_type", "course_sourced_id", "school_sourced_id", "location", "grades", "subjects", "periods", "term_ids"}}
	Assignments = &Table{Name: "assignments", Entity: rosterdesk.EntityAssignment, OffCol: "removed_at",
		Cols: []string{"class_sourced_id", "user_sourced_id", "school_sourced_id", "role", "is_primary", "begin_date", "end_date"}}
)

// Tables lists the generic tables in the order apply must write them (referenced first).
var Tables = []*Table{Sessions, Courses, Classes, Users, Assignments}

// Col returns the index of column name, or -1.
func (t *Table) Col(name string) int {
	for i, c := range t.Cols {
		if c == name {
			return i
		}
	}
	return -1
}

// Hash fingerprints a Sep-joined value string (64-bit FNV-1a).
func Hash(vals string) uint64 {
	h := uint64(fnvOffset)
	for i := 0; i < len(vals); i++ {
		h = (h ^ uint64(vals[i])) * fnvPrime
	}
	return h
}

// HashParts is Hash(strings.Join(parts, Sep)) without building the string:
// a resync fingerprints a million unchanged rows and keeps none of them.
func HashParts(parts []string) uint64 {
	h := uint64(fnvOffset)
	for k, p := range parts {
		if k > 0 {
			h = (h ^ uint64(Sep[0])) * fnvPrime
		}
		for i := 0; i < len(p); i++ {
			h = (h ^ uint64(p[i])) * fnvPrime
		}
	}
	return h
}

const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

// State is what the planner needs to know about a stored record.
type State struct {
	ID        int64 // 0 when the record is not stored
	Hash      uint64
	Active    bool
	Protected bool  // never deactivated by a sync
	Line      int32 // the planner's mark: the line the record was read on, 0 if not yet
	Tag       uint8 // the planner's note on the record (at most MaxTag; kept by StateMap only)
}

// protectedExpr is the protected flag of t, or 0 where it has none.
func (t *Table) protectedExpr() string {
	if t.Protectable {
		return "protected"
	}
	return "0"
}

// Key stands for a sourcedId in the planner's maps: two independent 64-bit
// hashes (seeded per process). A map keyed by it holds no pointers, so a
// million-record state costs the garbage collector nothing to scan and no
// string is kept per record. Two ids share a Key with a chance of about
// n²/2¹²⁹ (1e-25 for 8 million ids); LoadState refuses a roster where two do.
type Key struct{ A, B uint64 }

var keySeedA, keySeedB = maphash.MakeSeed(), maphash.MakeSeed()

// KeyOf is the Key of a sourcedId.
// B is never 0: a StateMap slot whose B is 0 is empty.
func KeyOf(id string) Key {
	return Key{maphash.String(keySeedA, id), maphash.String(keySeedB, id) | 1}
}

func keyOfBytes(b []byte) Key {
	return Key{maphash.Bytes(keySeedA, b), maphash.Bytes(keySeedB, b) | 1}
}

// LoadState returns every record of t keyed by sourcedId.
func (db *DB) LoadState(ctx context.Context, t *Table) (map[string]State, error) {
	var n int
	if err := db.sql.QueryRowContext(ctx, `SELECT count(*) FROM `+t.Name).Scan(&n); err != nil {
		return nil, err
	}
	out := make(map[string]State, n)
	rows, err := db.sql.QueryContext(ctx, `SELECT sourced_id, id, active, row_hash, `+t.protectedExpr()+` FROM `+t.Name)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var st State
		var h int64
		if err := rows.Scan(&id, &st.ID, &st.Active, &h, &st.Protected); err != nil {
			return nil, err
		}
		st.Hash = uint64(h)
		out[id] = st
	}
	return out, rows.Err()
}

// LoadStateMap returns every record of t keyed by the Key of its sourcedId:
// what the planner holds for a bulk file.
func (db *DB) LoadStateMap(ctx context.Context, t *Table) (*StateMap, error) {
	var n int
	if err := db.sql.QueryRowContext(ctx, `SELECT count(*) FROM `+t.Name).Scan(&n); err != nil {
		return nil, err
	}
	out := NewStateMap(n)
	q := `SELECT sourced_id, id, active, row_hash, ` + t.protectedExpr() + ` FROM ` + t.Name
	// Rows are put in batches: the slots of a batch are loaded first, all at
	// once (Touch), so their cache misses overlap instead of coming one by one.
	var pend loadBatch
	put := func() error {
		for i := range pend.n {
			out.Touch(pend.keys[i])
		}
		for i := range pend.n {
			slot := out.Ref(pend.keys[i])
			if slot.State().ID != 0 {
				return fmt.Errorf("%s: two sourcedIds share a key (%s); cannot plan against this roster", t.Name, pend.id(i))
			}
			slot.Set(pend.st[i])
		}
		pend.n, pend.ids, pend.ends = 0, pend.ids[:0], pend.ends[:0]
		return nil
	}
	err := db.scanRows(ctx, q, 4, func(id []byte, v []int64) error {
		i := pend.n
		pend.keys[i] = keyOfBytes(id)
		pend.st[i] = State{ID: v[0], Active: v[1] != 0, Hash: uint64(v[2]), Protected: v[3] != 0}
		pend.ids = append(pend.ids, id...)
		pend.ends = append(pend.ends, len(pend.ids))
		if pend.n++; pend.n == len(pend.keys) {
			return put()
		}
		return nil
	})
	if err == nil {
		err = put()
	}
	if err != errNoRaw {
		if err != nil {
			return nil, err
		}
		return out, nil
	}
	rows, err := db.sql.QueryContext(ctx, q)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id sql.RawBytes // hashed, never kept: no string per record
		var st State
		var h int64
		if err := rows.Scan(&id, &st.ID, &st.Active, &h, &st.Protected); err != nil {
			return nil, err
		}
		st.Hash = uint64(h)
		slot := out.Ref(keyOfBytes(id))
		if slot.State().ID != 0 {
			return nil, fmt.Errorf("%s: two sourcedIds share a key (%s); cannot plan against this roster", t.Name, id)
		}
		slot.Set(st)
	}
	return out, rows.Err()
}

// loadBatch is rows LoadStateMap has read and not yet put in its map.
type loadBatch struct {
	n    int
	keys [128]Key
	st   [128]State
	ids  []byte // their sourcedIds back to back, for a message
	ends []int
}

func (b *loadBatch) id(i int) string {
	start := 0
	if i > 0 {
		start = b.ends[i-1]
	}
	return string(b.ids[start:b.ends[i]])
}

// SourcedIDs returns the sourcedIds of records ids of t, by id.
func (db *DB) SourcedIDs(ctx context.Context, t *Table, ids []int64) (map[int64]string, error) {
	return db.textByID(ctx, `SELECT id, sourced_id FROM `+t.Name+` WHERE id IN `, ids)
}

// textByID runs query (ending "IN ") on ids, 500 at a time, and maps each
// row's first column (an id) to its second.
func (db *DB) textByID(ctx context.Context, query string, ids []int64) (map[int64]string, error) {
	out := make(map[int64]string, len(ids))
	for len(ids) > 0 {
		n := min(len(ids), 500)
		args := make([]any, n)
		for i, id := range ids[:n] {
			args[i] = id
		}
		rows, err := db.sql.QueryContext(ctx, query+`(`+placeholders(n)+`)`, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var id int64
			var s string
			if err := rows.Scan(&id, &s); err != nil {
				rows.Close()
				return nil, err
			}
			out[id] = s
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
		ids = ids[n:]
	}
	return out, nil
}

// StateOf looks up one record of t; a delta needs only the records it names.
// It keeps a connection for the next lookups until ReleaseLookups.
func (db *DB) StateOf(ctx context.Context, t *Table, sourcedID string) (State, bool, error) {
	db.mu.Lock()
	st, ok, err := db.stateRaw(ctx, t, sourcedID)
	db.mu.Unlock()
	if err != errNoRaw {
		return st, ok, err
	}
	stmt, err := db.prepared(stateSQL(t))
	st = State{}
	if err != nil {
		return State{}, false, err
	}
	var flags, h int64
	// A delta looks up tens of thousands of records one by one: a point lookup
	// is not worth a cancellable query (the planner checks ctx between rows),
	// and two flags in one integer are one column fewer to read and convert.
	err = stmt.QueryRowContext(context.WithoutCancel(ctx), sourcedID).Scan(&st.ID, &flags, &h)
	if errors.Is(err, sql.ErrNoRows) {
		return st, false, nil
	}
	st.Active, st.Protected, st.Hash = flags&1 != 0, flags&2 != 0, uint64(h)
	return st, err == nil, err
}

// prepared returns a statement prepared once per DB.
func (db *DB) prepared(q string) (*sql.Stmt, error) {
	db.mu.Lock()
	defer db.mu.Unlock()
	if s, ok := db.stmts[q]; ok {
		return s, nil
	}
	s, err := db.sql.Prepare(q)
	if err != nil {
		return nil, err
	}
	if db.stmts == nil {
		db.stmts = map[string]*sql.Stmt{}
	}
	db.stmts[q] = s
	return s, nil
}

// Vals returns the stored Sep-joined values of one record.
func (db *DB) Vals(ctx context.Context, t *Table, id int64) (string, error) {
	var v string
	err := db.sql.QueryRowContext(ctx, `SELECT `+concatExpr(t.Cols)+` FROM `+t.Name+` WHERE id = ?`, id).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", ErrNotFound
	}
	return v, err
}

func concatExpr(cols []string) string {
	return strings.Join(cols, "||char(31)||")
}

// Record loads one record of t by sourcedId.
func (db *DB) Record(ctx context.Context, t *Table, sourcedID string) (*rosterdesk.Record, error) {
	var vals, created, updated string
	var active bool
	var off sql.NullString
	cols := append(append([]string{}, t.Cols...), t.Extra...)
	err := db.sql.QueryRowContext(ctx, `SELECT `+concatExpr(cols)+`, active, created_at, updated_at, `+t.OffCol+
		` FROM `+t.Name+` WHERE sourced_id = ?`, sourcedID).Scan(&vals, &active, &created, &updated, &off)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	r := &rosterdesk.Record{Entity: t.Entity, SourcedID: sourcedID, Active: active, Fields: map[string]string{},
		CreatedAt: created, UpdatedAt: updated, OffAt: off.String}
	for i, v := range strings.Split(vals, Sep) {
		r.Fields[cols[i]] = v
	}
	return r, nil
}

// SetTeacherPermission applies the teacher-permission preference to every course OneRoster created.
func (db *DB) SetTeacherPermission(ctx context.Context, value string) (int64, error) {
	res, err := db.sql.ExecContext(ctx, `UPDATE courses SET teacher_permission = ? WHERE created_run IS NOT NULL AND teacher_permission != ?`, value, value)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}
