package gen

import (
	"archive/zip"
	"bytes"
	"io"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

func TestUTF8AndQuoting(t *testing.T) {
	dir := write(t, Generate(Small()))
	users, _ := os.ReadFile(filepath.Join(dir, "users.csv"))
	if !bytes.ContainsAny(users, "éëøüñ") {
		t.Error("no accented names in users.csv")
	}
	orgs, _ := os.ReadFile(filepath.Join(dir, "orgs.csv"))
	if !bytes.Contains(orgs, []byte(`, North Campus"`)) {
		t.Error("no quoted org name with a comma")
	}
	if bytes.Contains(users, []byte("\r")) {
		t.Error("CR in output")
	}
	// BOM and CRLF options still give valid CSV.
	opt := t.TempDir()
	if err := Generate(Small()).Write(opt, WriteOptions{BOM: true, CRLF: true}); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(filepath.Join(opt, "users.csv"))
	if !bytes.HasPrefix(data, []byte("\ufeffsourcedId,")) || !bytes.Contains(data, []byte("\r\n")) {
		t.Error("BOM/CRLF not applied")
	}
	f := parse(t, "users.csv", bytes.NewReader(bytes.TrimPrefix(data, []byte("\ufeff"))))
	if len(f.rows) != 387 {
		t.Errorf("%d rows with BOM/CRLF", len(f.rows))
	}
}

func readZip(t *testing.T, path string) map[string][]byte {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	out := map[string][]byte{}
	for _, f := range zr.File {
		if strings.ContainsAny(f.Name, `/\`) || f.FileInfo().IsDir() {
			t.Errorf("zip entry %q is not flat", f.Name)
		}
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		out[f.Name] = data
	}
	return out
}

func TestZipFlatAndSameAsFolder(t *testing.T) {
	for _, v := range versions() {
		t.Run(v, func(t *testing.T) {
			d := Generate(small(v))
			zpath := filepath.Join(t.TempDir(), "OneRoster.zip")
			if err := d.WriteZip(zpath, WriteOptions{}); err != nil {
				t.Fatal(err)
			}
			if !maps.EqualFunc(readZip(t, zpath), dirBytes(t, write(t, d)), bytes.Equal) {
				t.Error("zip and folder differ")
			}
			n := NextDay(d, 1)
			dz := filepath.Join(t.TempDir(), "delta.zip")
			dd := t.TempDir()
			if err := WriteDeltaZip(d, n, dz, WriteOptions{}); err != nil {
				t.Fatal(err)
			}
			if err := WriteDelta(d, n, dd, WriteOptions{}); err != nil {
				t.Fatal(err)
			}
			if !maps.EqualFunc(readZip(t, dz), dirBytes(t, dd), bytes.Equal) {
				t.Error("delta zip and folder differ")
			}
		})
	}
}

var stampRE = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$`)

// TestDeltaIsExactDifference applies the delta to the previous bulk bundle
// and expects the next bulk bundle, row for row.
func TestDeltaIsExactDifference(t *testing.T) {
	for _, v := range versions() {
		t.Run(v, func(t *testing.T) {
			prev := Generate(small(v))
			next := NextDay(prev, 11)
			pb, nb := readDir(t, write(t, prev)), readDir(t, write(t, next))
			dd := t.TempDir()
			x := Diff(prev, next)
			if err := x.Write(dd, WriteOptions{}); err != nil {
				t.Fatal(err)
			}
			db := readDir(t, dd)
			m := manifest(db)
			for _, f := range Files(v) {
				_, present := db[f]
				if want := map[bool]string{true: "delta", false: "absent"}[present]; m["file."+f] != want {
					t.Errorf("file.%s = %q, want %q", f, m["file."+f], want)
				}
				if present && len(db[f].rows) == 0 {
					t.Errorf("%s written without rows", f)
				}
			}
			for _, name := range []string{"users", "enrollments", "classes", "courses"} {
				if db[name] == nil {
					t.Errorf("delta has no %s changes", name)
				}
			}
			for _, name := range slices.Sorted(maps.Keys(nb)) {
				if name == "manifest" {
					continue
				}
				state := map[string]string{}
				key := func(r map[string]string) string {
					var vals []string
					for _, h := range nb[name].header[3:] {
						vals = append(vals, r[h])
					}
					return strings.Join(vals, "\x1f")
				}
				for _, r := range pb[name].rows {
					state[r["sourcedId"]] = key(r)
				}
				var active, deleted int
				if f := db[name]; f != nil {
					if !slices.Equal(f.header, nb[name].header) {
						t.Errorf("%s: delta header differs", name)
					}
					for _, r := range f.rows {
						if !stampRE.MatchString(r["dateLastModified"]) || !strings.HasPrefix(r["dateLastModified"], "2026-") {
							t.Fatalf("%s: dateLastModified %q", name, r["dateLastModified"])
						}
						switch r["status"] {
						case "active":
							if state[r["sourcedId"]] == key(r) {
								t.Errorf("%s %s: unchanged row in delta", name, r["sourcedId"])
							}
							state[r["sourcedId"]] = key(r)
							active++
						case "tobedeleted":
							if _, ok := state[r["sourcedId"]]; !ok {
								t.Errorf("%s %s: deleting an unknown row", name, r["sourcedId"])
							}
							delete(state, r["sourcedId"])
							deleted++
						default:
							t.Fatalf("%s: status %q", name, r["status"])
						}
					}
				}
				want := map[string]string{}
				for _, r := range nb[name].rows {
					want[r["sourcedId"]] = key(r)
				}
				if !maps.Equal(state, want) {
					t.Errorf("%s: prev + delta != next (%d vs %d rows)", name, len(state), len(want))
				}
				if a, d := x.Counts(name); a != active || d != deleted {
					t.Errorf("%s: Counts() = %d/%d, file has %d/%d", name, a, d, active, deleted)
				}
			}
		})
	}
}

func TestNextDayKeepsPrevAndRates(t *testing.T) {
	cfg := Config{Seed: 5, Schools: 8, Students: 6000, Teachers: 360, Guardians: 1500}
	d := Generate(cfg)
	before := dirBytes(t, write(t, d))
	n := NextDay(d, 9)
	if !maps.EqualFunc(before, dirBytes(t, write(t, d)), bytes.Equal) {
		t.Fatal("NextDay changed the previous district")
	}
	if !n.AsOf.After(d.AsOf) {
		t.Error("AsOf did not advance")
	}
	x := Diff(d, n)
	ua, ud := x.Counts("users")
	ea, ed := x.Counts("enrollments")
	ca, cd := x.Counts("classes")
	co, _ := x.Counts("courses")
	t.Logf("users +~%d -%d, enrollments +~%d -%d, classes +~%d -%d, courses +%d", ua, ud, ea, ed, ca, cd, co)
	students := 6000
	in := func(what string, got, lo, hi int) {
		if got < lo || got > hi {
			t.Errorf("%s = %d, want %d..%d", what, got, lo, hi)
		}
	}
	in("users deleted", ud, students/200, students/200+students/400)       // leavers (+ guardians left alone)
	in("users active", ua, len(d.Users)/100, len(d.Users)/100+students/50) // ~1% changed + new students and guardians
	in("enrollments deleted", ed, len(d.Enrollments)/200, len(d.Enrollments)*3/100)
	in("enrollments active", ea, len(d.Enrollments)/200, len(d.Enrollments)*3/100)
	in("classes deleted", cd, 1, 2)
	in("classes active", ca, 1, 1)
	in("courses active", co, 1, 1)
	// The same delta again is empty.
	if rows := Diff(n, n).Rows(); len(rows) != 0 {
		t.Errorf("Diff(n, n) = %v", rows)
	}
}
