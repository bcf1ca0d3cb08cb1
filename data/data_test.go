package data

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
)

func TestOpenMigratesOnceAndKeepsData(t *testing.T) {
	ctx := context.Background()
	p := filepath.Join(t.TempDir(), "r.db")
	db, err := Open(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.SetSetting(ctx, "k", "v"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.AddAdmin(ctx, "A@Example.org", "A"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	db, err = Open(p) // migrations already applied: must not run again
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if v, ok, _ := db.Setting(ctx, "k"); !ok || v != "v" {
		t.Fatalf("setting lost: %q %v", v, ok)
	}
	if a, err := db.AdminByEmail(ctx, "a@example.org"); err != nil || a.Name != "A" {
		t.Fatalf("admin lookup is case-insensitive: %+v %v", a, err)
	}
	if ok, err := db.IntegrityCheck(ctx); err != nil || ok != "ok" {
		t.Fatal(ok, err)
	}
	var fk int
	db.sql.QueryRow(`PRAGMA foreign_keys`).Scan(&fk)
	var mode string
	db.sql.QueryRow(`PRAGMA journal_mode`).Scan(&mode)
	if fk != 1 || mode != "wal" {
		t.Fatalf("foreign_keys %d journal_mode %s", fk, mode)
	}
}

func TestHashPartsMatchesHash(t *testing.T) {
	for _, parts := range [][]string{{""}, {"a"}, {"a", "", "b"}, {"José", "Zoë", "x,y"}} {
		if HashParts(parts) != Hash(strings.Join(parts, Sep)) {
			t.Fatalf("%q", parts)
		}
	}
	if Hash("a"+Sep+"b") == Hash("ab") {
		t.Fatal("separator ignored")
	}
}

func TestInsertManyAndTransactionRollback(t *testing.T) {
	ctx := context.Background()
	db, err := Open(filepath.Join(t.TempDir(), "r.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	tx, _ := db.Begin(ctx)
	var recs []NewRecord
	for i := 0; i < 130; i++ { // two full statements and a short one
		recs = append(recs, NewRecord{SourcedID: "c" + itoa(int64(i)), Vals: strings.Join([]string{"T", "", "05", "org", "", ""}, Sep), Active: true})
	}
	if err := tx.InsertMany(Courses, recs, 0); err != nil {
		t.Fatal(err)
	}
	tx.Rollback()
	if c, _ := db.Count(ctx, "courses", false); c.Active != 0 {
		t.Fatal("rolled back rows are visible")
	}
	tx, _ = db.Begin(ctx)
	if err := tx.InsertMany(Courses, recs, 0); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	st, err := db.LoadState(ctx, Courses)
	if err != nil || len(st) != 130 || st["c129"].Hash != Hash(recs[129].Vals) || !st["c0"].Active {
		t.Fatalf("%d states, %+v %v", len(st), st["c129"], err)
	}
	if one, ok, _ := db.StateOf(ctx, Courses, "c7"); !ok || one.ID != st["c7"].ID {
		t.Fatalf("StateOf %+v", one)
	}
}
