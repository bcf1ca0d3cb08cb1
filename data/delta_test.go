package data

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"rosterdesk"
)

// The queued writes (bound in C, or through database/sql when the driver's
// handle cannot be reached) store exactly what the Tx methods one by one
// store: pre-images (the first one of a record only), values, flags, audit
// rows in order, and a user's buildings.
func TestWritesStoreWhatTxStores(t *testing.T) {
	ctx := context.Background()
	clock := time.Date(2026, 11, 24, 6, 0, 0, 0, time.UTC)
	setup := func(t *testing.T) (*DB, int64, []int64) {
		db, err := Open(filepath.Join(t.TempDir(), "r.db"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		db.Now = func() time.Time { return clock }
		tx, _ := db.Begin(ctx)
		defer tx.Rollback()
		var bs []int64
		for i := 1; i <= 3; i++ {
			b, err := tx.InsertBuilding(fmt.Sprintf("School %d", i), fmt.Sprintf("sch%d", i), 0)
			if err != nil {
				t.Fatal(err)
			}
			bs = append(bs, b)
		}
		var recs []NewRecord
		for i := int64(1); i <= 20; i++ {
			recs = append(recs, NewRecord{SourcedID: "u" + itoa(i), Vals: userVals(i, "Smith", "sch1"), Active: true, ID: i})
		}
		if err := tx.InsertMany(Users, recs, 0); err != nil {
			t.Fatal(err)
		}
		var links [][2]int64
		for i := int64(1); i <= 20; i++ {
			links = append(links, [2]int64{i, bs[0]})
			if i%2 == 0 {
				links = append(links, [2]int64{i, bs[1]})
			}
		}
		if err := tx.AddUserBuildings(links); err != nil {
			t.Fatal(err)
		}
		run, err := tx.InsertRun(&rosterdesk.Run{Scope: "users", Trigger: "manual", Status: "applied"})
		if err != nil {
			t.Fatal(err)
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
		return db, run, bs
	}
	audit := func(run, id int64, field, old, nw string) rosterdesk.Audit {
		return rosterdesk.Audit{RunID: run, Entity: rosterdesk.EntityUser, SourcedID: "u" + itoa(id), Action: "update", Field: field, Old: &old, New: &nw, Reason: "changed"}
	}
	links := func(i int64, bs []int64) []int64 {
		switch i % 3 {
		case 0:
			return []int64{bs[0]} // one link less for the even ones
		case 1:
			return []int64{bs[0], bs[2]}
		}
		return nil
	}
	dump := func(t *testing.T, db *DB) string {
		var b strings.Builder
		for _, q := range []string{
			`SELECT run_id, tbl, key, coalesce(row, 'NULL') FROM snapshots ORDER BY run_id, tbl, key`,
			`SELECT id, run_id, entity, sourced_id, action, field, coalesce(old, 'NULL'), coalesce(new, 'NULL'), reason, coalesce(admin_id, 0), at FROM audit ORDER BY id`,
			`SELECT id, ` + strings.Join(Users.Cols, ", ") + `, active, row_hash, updated_at, coalesce(deactivated_at, '') FROM users ORDER BY id`,
			`SELECT user_id, building_id FROM user_buildings ORDER BY 1, 2`,
		} {
			rows, err := db.sql.QueryContext(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			cols, _ := rows.Columns()
			for rows.Next() {
				v := make([]any, len(cols))
				p := make([]any, len(cols))
				for i := range v {
					p[i] = &v[i]
				}
				if err := rows.Scan(p...); err != nil {
					t.Fatal(err)
				}
				fmt.Fprintln(&b, v...)
			}
			rows.Close()
		}
		return b.String()
	}

	// One by one, with the Tx methods.
	db, run, bs := setup(t)
	clock = clock.Add(24 * time.Hour)
	tx, _ := db.Begin(ctx)
	for i := int64(1); i <= 12; i++ {
		if err := tx.Snapshot(run, "users", i); err != nil {
			t.Fatal(err)
		}
		if err := tx.Update(Users, i, userVals(i, "Smith-"+itoa(i%2), "sch1")); err != nil {
			t.Fatal(err)
		}
		if i%2 == 1 {
			if err := tx.AddAudit(audit(run, i, "family_name", "Smith", "Smith-1")); err != nil {
				t.Fatal(err)
			}
		}
		if err := tx.SnapshotLinks(run, i); err != nil {
			t.Fatal(err)
		}
		if err := tx.SetUserBuildings(i, links(i, bs), false); err != nil {
			t.Fatal(err)
		}
	}
	for i := int64(10); i <= 15; i++ { // 10-12 again: their first pre-image stays
		if err := tx.Snapshot(run, "users", i); err != nil {
			t.Fatal(err)
		}
		if err := tx.SetActive(Users, i, false); err != nil {
			t.Fatal(err)
		}
		if err := tx.AddAudit(audit(run, i, "active", "true", "false")); err != nil {
			t.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	want := dump(t, db)

	for _, raw := range []bool{true, false} {
		clock = clock.Add(-24 * time.Hour)
		db, run, bs := setup(t)
		clock = clock.Add(24 * time.Hour)
		tx, _ := db.Begin(ctx)
		conn := tx.conn
		if !raw {
			tx.conn = nil // through database/sql
		}
		// queue fills w with the same writes every time; flushAt > 0 flushes after that record.
		queue := func(w *Writes, flushAt int64) {
			for i := int64(1); i <= 12; i++ {
				if err := w.Snapshot(run, "users", i); err != nil {
					t.Fatal(err)
				}
				old, nw := userVals(i, "Smith", "sch1"), userVals(i, "Smith-"+itoa(i%2), "sch1")
				if err := w.Update(Users, i, nw, old); err != nil {
					t.Fatal(err)
				}
				if i%2 == 1 {
					w.AddAudit(audit(run, i, "family_name", "Smith", "Smith-1"))
				}
				w.SnapshotLinks(run, i)
				w.SetUserBuildings(i, links(i, bs), false, "user u"+itoa(i)+" buildings")
				if i == flushAt {
					if err := w.Flush(); err != nil { // a flush in between changes nothing
						t.Fatal(err)
					}
				}
			}
			for i := int64(10); i <= 15; i++ {
				if err := w.Snapshot(run, "users", i); err != nil {
					t.Fatal(err)
				}
				w.SetActive(Users, i, false)
				w.AddAudit(audit(run, i, "active", "true", "false"))
			}
		}
		w := tx.NewWrites()
		queue(w, 6)
		if err := w.Finish(); err != nil {
			t.Fatal(err)
		}
		// A link to a building that is not there fails, named as the writer names it.
		w.SetUserBuildings(1, []int64{bs[2] + 10}, false, "user u1 buildings")
		if err := w.Flush(); err == nil || !strings.HasPrefix(err.Error(), "user u1 buildings: ") || !strings.Contains(err.Error(), "FOREIGN KEY") {
			t.Fatalf("raw %v: a link to a missing building: %v", raw, err)
		}
		tx.conn = conn
		tx.Rollback()
		// Again without the failing link.
		tx, _ = db.Begin(ctx)
		if !raw {
			tx.conn = nil
		}
		w = tx.NewWrites()
		queue(w, 0)
		if err := w.Finish(); err != nil {
			t.Fatal(err)
		}
		var temp int
		tx.tx.QueryRowContext(ctx, `SELECT count(*) FROM temp.sqlite_schema WHERE name = 'rd_snapshots'`).Scan(&temp)
		if temp != 0 {
			t.Fatal("the pre-images' temporary table outlived the writes")
		}
		tx.conn = conn
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
		if got := dump(t, db); got != want {
			t.Fatalf("raw %v: stored differs from the Tx methods':\n%s\nwant:\n%s", raw, got, want)
		}
	}
}

func userVals(i int64, family, orgs string) string {
	v := make([]string, len(Users.Cols))
	v[Users.Col("role")] = "student"
	v[Users.Col("given_name")] = "Kid" + itoa(i)
	v[Users.Col("family_name")] = family
	v[Users.Col("org_ids")] = orgs
	return strings.Join(v, Sep)
}
