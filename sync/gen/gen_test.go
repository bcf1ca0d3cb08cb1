package gen

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// The header rows, typed in again from REFERENCE.md §2-3 rather than taken
// from the code under test.
var wantHeaders = map[string]string{
	"orgs":             "sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId",
	"academicSessions": "sourcedId,status,dateLastModified,title,type,startDate,endDate,parentSourcedId,schoolYear",
	"courses":          "sourcedId,status,dateLastModified,schoolYearSourcedId,title,courseCode,grades,orgSourcedId,subjects,subjectCodes",
	"classes":          "sourcedId,status,dateLastModified,title,grades,courseSourcedId,classCode,classType,location,schoolSourcedId,termSourcedIds,subjects,subjectCodes,periods",
	"enrollments":      "sourcedId,status,dateLastModified,classSourcedId,schoolSourcedId,userSourcedId,role,primary,beginDate,endDate",
	"users/1.1":        "sourcedId,status,dateLastModified,enabledUser,orgSourcedIds,role,username,userIds,givenName,familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,password",
	"users/1.2":        "sourcedId,status,dateLastModified,enabledUser,username,userIds,givenName,familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,password,userMasterIdentifier,preferredGivenName,preferredMiddleName,preferredFamilyName,primaryOrgSourcedId,pronouns",
	"roles/1.2":        "sourcedId,status,dateLastModified,userSourcedId,roleType,role,beginDate,endDate,orgSourcedId,userProfileSourcedId",
}

// csvFile is one parsed file: header and rows as maps by column name.
type csvFile struct {
	header []string
	rows   []map[string]string
}

type bundle map[string]*csvFile // by file name without .csv, manifest included

func parse(t *testing.T, name string, r io.Reader) *csvFile {
	t.Helper()
	cr := csv.NewReader(r)
	recs, err := cr.ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if len(recs) == 0 {
		t.Fatalf("%s: empty", name)
	}
	f := &csvFile{header: recs[0]}
	for _, rec := range recs[1:] {
		m := map[string]string{}
		for i, h := range f.header {
			m[h] = rec[i]
		}
		f.rows = append(f.rows, m)
	}
	return f
}

func readDir(t *testing.T, dir string) bundle {
	t.Helper()
	b := bundle{}
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if !utf8.Valid(data) {
			t.Errorf("%s is not valid UTF-8", e.Name())
		}
		b[strings.TrimSuffix(e.Name(), ".csv")] = parse(t, e.Name(), bytes.NewReader(data))
	}
	return b
}

func manifest(b bundle) map[string]string {
	m := map[string]string{}
	for _, r := range b["manifest"].rows {
		m[r["propertyName"]] = r["value"]
	}
	return m
}

func splitList(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

func write(t *testing.T, d *District) string {
	t.Helper()
	dir := t.TempDir()
	if err := d.Write(dir, WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	return dir
}

func dirBytes(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		out[e.Name()] = data
	}
	return out
}

func versions() []string { return []string{"1.1", "1.2"} }

func small(version string) Config {
	c := Small()
	c.Version = version
	return c
}

func TestDeterministic(t *testing.T) {
	for _, v := range versions() {
		t.Run(v, func(t *testing.T) {
			a, b := Generate(small(v)), Generate(small(v))
			da, db := dirBytes(t, write(t, a)), dirBytes(t, write(t, b))
			if !maps.EqualFunc(da, db, bytes.Equal) {
				t.Fatal("same seed, different bundles")
			}
			za, zb := filepath.Join(t.TempDir(), "a.zip"), filepath.Join(t.TempDir(), "b.zip")
			if err := a.WriteZip(za, WriteOptions{}); err != nil {
				t.Fatal(err)
			}
			if err := b.WriteZip(zb, WriteOptions{}); err != nil {
				t.Fatal(err)
			}
			ba, _ := os.ReadFile(za)
			bb, _ := os.ReadFile(zb)
			if !bytes.Equal(ba, bb) {
				t.Fatal("same seed, different zips")
			}
			na, nb := NextDay(a, 7), NextDay(b, 7)
			xa, xb := t.TempDir(), t.TempDir()
			if err := WriteDelta(a, na, xa, WriteOptions{}); err != nil {
				t.Fatal(err)
			}
			if err := WriteDelta(b, nb, xb, WriteOptions{}); err != nil {
				t.Fatal(err)
			}
			if !maps.EqualFunc(dirBytes(t, xa), dirBytes(t, xb), bytes.Equal) {
				t.Fatal("same seeds, different deltas")
			}
			c := small(v)
			c.Seed = 2
			if maps.EqualFunc(da, dirBytes(t, write(t, Generate(c))), bytes.Equal) {
				t.Fatal("different seeds, same bundle")
			}
		})
	}
}

func TestHeadersAndManifest(t *testing.T) {
	for _, v := range versions() {
		t.Run(v, func(t *testing.T) {
			b := readDir(t, write(t, Generate(small(v))))
			want := []string{"manifest", "orgs", "academicSessions", "courses", "classes", "enrollments", "users"}
			if v == "1.2" {
				want = append(want, "roles")
			}
			if got := slices.Sorted(maps.Keys(b)); !slices.Equal(got, slices.Sorted(slices.Values(want))) {
				t.Fatalf("files %v, want %v", got, want)
			}
			for name, f := range b {
				h := strings.Join(f.header, ",")
				if name == "manifest" {
					if h != "propertyName,value" {
						t.Errorf("manifest header %q", h)
					}
					continue
				}
				w, ok := wantHeaders[name+"/"+v]
				if !ok {
					w = wantHeaders[name]
				}
				if h != w {
					t.Errorf("%s header\n got %s\nwant %s", name, h, w)
				}
				if got := strings.Join(Header(v, name), ","); got != w {
					t.Errorf("Header(%s, %s) = %s", v, name, got)
				}
				for i, r := range f.rows {
					if r["status"] != "" || r["dateLastModified"] != "" {
						t.Fatalf("%s row %d: bulk row with status/dateLastModified", name, i+1)
					}
				}
			}
			m := manifest(b)
			if m["manifest.version"] != "1.0" || m["oneroster.version"] != v {
				t.Errorf("manifest versions %v", m)
			}
			for _, f := range Files(v) {
				mode, ok := m["file."+f]
				if !ok {
					t.Errorf("manifest lacks file.%s", f)
				}
				if _, present := b[f]; present != (mode == "bulk") || (!present && mode != "absent") {
					t.Errorf("file.%s = %q, present %v", f, mode, present)
				}
			}
			if len(Files(v)) != map[string]int{"1.1": 13, "1.2": 21}[v] {
				t.Errorf("%d files for %s", len(Files(v)), v)
			}
		})
	}
}

func TestDefaults(t *testing.T) {
	c := Config{}.Normalized()
	if c.Schools != 3 || c.Students != 300 || c.Version != "1.1" || c.ClassesPerStudent != 8 {
		t.Errorf("zero config normalized to %+v", c)
	}
	if c := (Config{Schools: 5, Teachers: 1}).Normalized(); c.Teachers != 5 {
		t.Errorf("teachers %d, want one per school", c.Teachers)
	}
	if c := (Config{Guardians: -1}).Normalized(); c.Guardians != 0 {
		t.Errorf("negative guardians gave %d", c.Guardians)
	}
	for _, s := range []string{"small", "medium", "large"} {
		if _, ok := Default(s); !ok {
			t.Errorf("Default(%q) missing", s)
		}
	}
	// Odd sizes still make consistent bundles.
	for _, c := range []Config{{Schools: 1, Students: 40, Teachers: 2}, {Schools: 7, Students: 5}, {Schools: 2, Students: -1}} {
		t.Run(fmt.Sprintf("%d-%d", c.Schools, c.Students), func(t *testing.T) {
			d := Generate(c)
			checkRefs(t, readDir(t, write(t, d)), "1.1")
			checkRefs(t, readDir(t, write(t, NextDay(d, 1))), "1.1")
		})
	}
}

func BenchmarkGenerateLarge(b *testing.B) {
	for range b.N {
		Generate(Large())
	}
}

func BenchmarkWriteLarge(b *testing.B) {
	d := Generate(Large())
	dir := b.TempDir()
	b.ResetTimer()
	for range b.N {
		if err := d.Write(dir, WriteOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}
