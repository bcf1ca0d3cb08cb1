package ui

import (
	"archive/zip"
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/rs/zerolog"

	rsync "rosterdesk/sync"
	"rosterdesk/sync/gen"
)

// TestScreenshotBundles writes the sample district scripts/screenshots.sh
// loads through the CLI, when RD_SAMPLE_DIR names a folder (otherwise it
// skips): a mid-sized generated district (day0.zip), the next day
// (day1.zip), the day after (day2.zip), a bundle that cannot be used
// (bad.zip), and alignment.db, a roster with two buildings made by hand
// before any sync (one matching a school by SIS id, one matching none),
// connected to day0.zip, for the building alignment.
func TestScreenshotBundles(t *testing.T) {
	dir := os.Getenv("RD_SAMPLE_DIR")
	if dir == "" {
		t.Skip("RD_SAMPLE_DIR not set")
	}
	cfg := gen.Medium()
	cfg.Schools, cfg.Students, cfg.Teachers, cfg.Aides, cfg.Guardians = 6, 6000, 360, 24, 1200
	d0 := gen.Generate(cfg)
	d1 := gen.NextDay(d0, 2)
	d2 := gen.NextDay(d1, 3)
	opt := gen.WriteOptions{SystemName: "Infinite Campus"}
	for name, d := range map[string]*gen.District{"day0.zip": d0, "day1.zip": d1} {
		if err := d.WriteZip(filepath.Join(dir, name), opt); err != nil {
			t.Fatal(err)
		}
	}
	// The day after, as exported by a SIS with quirks: byte-order marks, a
	// role in capitals (kept, corrected: warnings) and three rows that cannot
	// be used (errors).
	folder := t.TempDir()
	opt.BOM = true
	if err := d2.Write(folder, opt); err != nil {
		t.Fatal(err)
	}
	users, err := os.OpenFile(filepath.Join(folder, "users.csv"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	school := d2.Orgs[1].SourcedID
	for _, row := range []string{
		"stu-9000001,active,2026-11-24,true," + school + ",Student,mgarcia01,,Maria,Garcia,,9000001,mgarcia01@students.example.org,,,,05,",
		"stu-9000002,active,2026-11-24,true," + school + ",student,,,Jon,Park,,9000002,,,,,03,",
		"stu-9000003,active,2026-11-24,true,sch-0999,student,lkim03,,Lee,Kim,,9000003,,,,,04,",
		"stu-9000004,active,2026-11-24,maybe," + school + ",student,aruiz04,,Ana,Ruiz,,9000004,,,,,02,",
	} {
		users.WriteString(row + "\n")
	}
	users.Close()
	zipFolder(t, folder, filepath.Join(dir, "day2.zip"))
	// A users.csv whose header lacks a required column: the whole file is refused.
	if err := os.WriteFile(filepath.Join(dir, "users.csv"), []byte("sourcedId,status,dateLastModified,enabledUser,orgSourcedIds,role,givenName,familyName\nstu-1,active,2026-11-20,true,sch-0001,student,Ann,Lee\n"), 0o644); err != nil {
		t.Fatal(err)
	}

	// A district of 150,000 students, for a users sync long enough to show its progress.
	if os.Getenv("RD_SAMPLE_LARGE") != "" {
		if err := gen.Generate(gen.Large()).WriteZip(filepath.Join(dir, "large.zip"), gen.WriteOptions{SystemName: "Infinite Campus"}); err != nil {
			t.Fatal(err)
		}
	}

	ctx := context.Background()
	for _, f := range []string{"alignment.db", "alignment.db-wal", "alignment.db-shm"} {
		os.Remove(filepath.Join(dir, f))
	}
	eng, err := rsync.Open(filepath.Join(dir, "alignment.db"), zerolog.Nop())
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	if _, err := eng.AddAdmin(ctx, "it@district.org", "District IT"); err != nil {
		t.Fatal(err)
	}
	var schools []gen.Org
	for _, o := range d0.Orgs {
		if o.Type == "school" {
			schools = append(schools, o)
		}
	}
	for _, b := range []struct{ name, sis string }{{schools[0].Name + " (main campus)", schools[0].SourcedID}, {"District Office Annex", "0042"}} {
		if _, err := eng.AddLocalBuilding(ctx, b.name, b.sis); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := eng.SetSettings(ctx, map[string]string{rsync.KeyCreditedAdmin: "it@district.org",
		rsync.KeySource: filepath.Join(dir, "day0.zip"), rsync.KeyProvider: "Infinite Campus"}); err != nil {
		t.Fatal(err)
	}
}

// zipFolder writes the files of dir into a flat zip.
func zipFolder(t *testing.T, dir, path string) {
	t.Helper()
	out, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	zw := zip.NewWriter(out)
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		w, err := zw.Create(e.Name())
		if err != nil {
			t.Fatal(err)
		}
		f, err := os.Open(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.Copy(w, f); err != nil {
			t.Fatal(err)
		}
		f.Close()
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
}
