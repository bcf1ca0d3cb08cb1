package data

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mattn/go-sqlite3"
)

// Bulk inserts and state loads go through C on the run's connection: what
// they write and read must be what the ordinary path would.
func TestBulkInsertAndStateScan(t *testing.T) {
	ctx := context.Background()
	db, err := Open(filepath.Join(t.TempDir(), "r.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	conn, _ := db.sql.Conn(ctx)
	if err := conn.Raw(func(dc any) error {
		if rawHandle(dc) == nil {
			t.Fatal("no sqlite3 handle under the connection: bulk inserts take the slow path")
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	conn.Close()
	long := strings.Repeat("x", 300<<10) // longer than one read buffer
	var recs []NewRecord
	for i := 0; i < 9000; i++ { // crosses read batches; full statements and a short tail
		id := "c" + itoa(int64(i))
		if i == 4097 {
			id = long
		}
		title := ""
		if i%2 == 0 {
			title = "T" + itoa(int64(i))
		}
		recs = append(recs, NewRecord{SourcedID: id, Vals: strings.Join([]string{title, "", "05", "org", "", "é"}, Sep), Active: true})
	}
	tx, _ := db.Begin(ctx)
	if err := tx.InsertMany(Courses, recs, 0); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	m, err := db.LoadStateMap(ctx, Courses)
	if err != nil || m.Len() != len(recs) {
		t.Fatalf("%v, %d states", err, m.Len())
	}
	for i, r := range recs {
		st, ok := m.Get(r.SourcedID)
		if !ok || st.ID != int64(i+1) || st.Hash != Hash(r.Vals) || !st.Active || st.Protected {
			t.Fatalf("record %d: %+v %v", i, st, ok)
		}
	}
	for _, i := range []int{0, 1, 4097, 8999} {
		v, err := db.Vals(ctx, Courses, int64(i+1))
		if err != nil || v != recs[i].Vals {
			t.Fatalf("record %d stored as %q (%v), want %q", i, v, err, recs[i].Vals)
		}
	}
	if _, err := db.sql.Exec(`UPDATE courses SET protected = 1 WHERE id = 8`); err != nil {
		t.Fatal(err)
	}
	for i, want := range map[int]State{7: {ID: 8, Hash: Hash(recs[7].Vals), Active: true, Protected: true}, 8: {ID: 9, Hash: Hash(recs[8].Vals), Active: true}} {
		if st, ok, err := db.StateOf(ctx, Courses, recs[i].SourcedID); !ok || err != nil || st != want {
			t.Fatalf("StateOf %s: %+v %v %v, want %+v", recs[i].SourcedID, st, ok, err, want)
		}
	}
	var typ string
	if err := db.sql.QueryRow(`SELECT typeof(title) || typeof(course_code) FROM courses WHERE id = 2`).Scan(&typ); err != nil || typ != "texttext" {
		t.Fatalf("empty values stored as %q (%v), want text", typ, err)
	}

	// A record that breaks a constraint fails the insert with SQLite's error,
	// also on statements an earlier batch of the transaction prepared; the
	// transaction is rolled back whole.
	tx, _ = db.Begin(ctx)
	var more []NewRecord
	for i := 0; i < 2*bulkRows+3; i++ {
		more = append(more, NewRecord{SourcedID: "m" + itoa(int64(i)), Vals: recs[1].Vals, Active: true})
	}
	if err := tx.InsertMany(Courses, more[:bulkRows+1], 0); err != nil {
		t.Fatal(err)
	}
	if err := tx.InsertMany(Courses, more[bulkRows+1:], 0); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := tx.tx.QueryRow(`SELECT count(*) FROM courses WHERE sourced_id LIKE 'm%' AND title = ?`, "").Scan(&n); err != nil || n != len(more) {
		t.Fatalf("%d of %d records in two batches (%v)", n, len(more), err)
	}
	dup := []NewRecord{{SourcedID: "new1", Vals: recs[0].Vals, Active: true}, {SourcedID: "c5", Vals: recs[0].Vals, Active: true}}
	err = tx.InsertMany(Courses, dup, 0)
	var se sqlite3.Error
	if err == nil || !errors.As(err, &se) || se.Code != sqlite3.ErrConstraint || !strings.Contains(err.Error(), "UNIQUE") || !strings.Contains(err.Error(), "c5") {
		t.Fatalf("duplicate sourcedId: %v", err)
	}
	tx.Rollback()
	for _, id := range []string{"new1", "m0"} {
		if _, ok, _ := db.StateOf(ctx, Courses, id); ok {
			t.Fatalf("%s of the failed transaction is stored", id)
		}
	}

	// A record with the wrong number of values is refused before anything is written.
	tx, _ = db.Begin(ctx)
	defer tx.Rollback()
	if err := tx.InsertMany(Courses, []NewRecord{{SourcedID: "bad", Vals: "a" + Sep + "b", Active: true}}, 0); err == nil || !strings.Contains(err.Error(), "2 values for 6 columns") {
		t.Fatalf("short record: %v", err)
	}
}

// New users' building links go in through C, 128 a statement: duplicates are
// ignored as INSERT OR IGNORE ignores them, and a link to a building that is
// not there fails and names it.
func TestAddUserBuildingsBulk(t *testing.T) {
	ctx := context.Background()
	db, err := Open(filepath.Join(t.TempDir(), "r.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	tx, _ := db.Begin(ctx)
	defer tx.Rollback()
	b1, err := tx.InsertBuilding("One", "sch1", 0)
	if err != nil {
		t.Fatal(err)
	}
	b2, err := tx.InsertBuilding("Two", "sch2", 0)
	if err != nil {
		t.Fatal(err)
	}
	var users []NewRecord
	var links [][2]int64
	for i := int64(1); i <= 300; i++ { // two full statements and a short tail
		users = append(users, NewRecord{SourcedID: "u" + itoa(i), Vals: "student" + strings.Repeat(Sep, len(Users.Cols)-1), Active: true, ID: i})
		links = append(links, [2]int64{i, b1})
		if i%3 == 0 {
			links = append(links, [2]int64{i, b2}, [2]int64{i, b1}) // one twice
		}
	}
	if err := tx.InsertMany(Users, users, 0); err != nil {
		t.Fatal(err)
	}
	if err := tx.AddUserBuildings(links); err != nil {
		t.Fatal(err)
	}
	var n, n2 int
	if err := tx.tx.QueryRow(`SELECT count(*), count(CASE WHEN building_id = ? THEN 1 END) FROM user_buildings`, b2).Scan(&n, &n2); err != nil {
		t.Fatal(err)
	}
	if n != 400 || n2 != 100 {
		t.Fatalf("%d links, %d to the second building; want 400 and 100", n, n2)
	}
	err = tx.AddUserBuildings([][2]int64{{1, b2 + 10}})
	if err == nil || !strings.Contains(err.Error(), "FOREIGN KEY") || !strings.Contains(err.Error(), "building "+itoa(b2+10)) {
		t.Fatalf("a link to a missing building: %v", err)
	}
}
