package gen

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"regexp"
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

// roster is a bundle indexed for checks: rows by sourcedId per file, plus
// the (user, org, role) triples from users.csv (1.1) or roles.csv (1.2).
type roster struct {
	byID  map[string]map[string]map[string]string
	roles [][3]string
}

func index(t *testing.T, b bundle, v string) roster {
	t.Helper()
	x := roster{byID: map[string]map[string]map[string]string{}}
	for name, f := range b {
		if name == "manifest" {
			continue
		}
		m := map[string]map[string]string{}
		for _, r := range f.rows {
			id := r["sourcedId"]
			if id == "" {
				t.Fatalf("%s: empty sourcedId", name)
			}
			if _, dup := m[id]; dup {
				t.Fatalf("%s: duplicate sourcedId %s", name, id)
			}
			m[id] = r
		}
		x.byID[name] = m
	}
	if v == "1.2" {
		for _, r := range b["roles"].rows {
			x.roles = append(x.roles, [3]string{r["userSourcedId"], r["orgSourcedId"], r["role"]})
		}
	} else {
		for _, r := range b["users"].rows {
			for _, o := range splitList(r["orgSourcedIds"]) {
				x.roles = append(x.roles, [3]string{r["sourcedId"], o, r["role"]})
			}
		}
	}
	return x
}

func TestRowCounts(t *testing.T) {
	for _, v := range versions() {
		t.Run(v, func(t *testing.T) {
			cfg := small(v)
			d := Generate(cfg)
			b := readDir(t, write(t, d))
			x := index(t, b, v)
			for name, n := range d.Rows() {
				if len(b[name].rows) != n {
					t.Errorf("%s: %d rows, Rows() says %d", name, len(b[name].rows), n)
				}
			}
			if n := len(b["orgs"].rows); n != cfg.Schools+1 {
				t.Errorf("%d orgs", n)
			}
			if n := len(b["academicSessions"].rows); n != 3 {
				t.Errorf("%d sessions", n)
			}
			perRole := map[string]int{}
			primary := map[string]string{}
			for _, r := range x.roles {
				if primary[r[0]] == "" {
					primary[r[0]] = r[2]
					perRole[r[2]]++
				}
			}
			admin := "administrator"
			if v == "1.2" {
				admin = "districtAdministrator"
			}
			want := map[string]int{"student": cfg.Students, "teacher": cfg.Teachers, admin: cfg.Admins, "aide": cfg.Aides}
			for role, n := range want {
				if perRole[role] != n {
					t.Errorf("%d users with role %s, want %d", perRole[role], role, n)
				}
			}
			if g := perRole["guardian"] + perRole["parent"] + perRole["relative"]; g != cfg.Guardians {
				t.Errorf("%d guardians, want %d", g, cfg.Guardians)
			}
			if n := len(b["users"].rows); n != cfg.Students+cfg.Teachers+cfg.Admins+cfg.Aides+cfg.Guardians {
				t.Errorf("%d users", n)
			}
			// Every student has ClassesPerStudent classes; every class one primary teacher.
			perStudent := map[string]int{}
			primaries := map[string]int{}
			for _, e := range b["enrollments"].rows {
				switch {
				case e["role"] == "student":
					perStudent[e["userSourcedId"]]++
				case e["role"] == "teacher" && e["primary"] == "true":
					primaries[e["classSourcedId"]]++
				}
			}
			for id := range x.byID["users"] {
				if strings.HasPrefix(id, "stu-") && perStudent[id] != cfg.ClassesPerStudent {
					t.Fatalf("student %s has %d classes, want %d", id, perStudent[id], cfg.ClassesPerStudent)
				}
			}
			for id := range x.byID["classes"] {
				if primaries[id] != 1 {
					t.Fatalf("class %s has %d primary teachers", id, primaries[id])
				}
			}
			nTeacherEnr := len(b["enrollments"].rows) - cfg.Students*cfg.ClassesPerStudent
			if nc := len(b["classes"].rows); nTeacherEnr < nc || nTeacherEnr > nc*12/10 {
				t.Errorf("%d teacher enrollments for %d classes", nTeacherEnr, nc)
			}
		})
	}
}

// checkRefs checks every reference of a bulk bundle.
func checkRefs(t *testing.T, b bundle, v string) {
	t.Helper()
	x := index(t, b, v)
	orgs, sessions, courses, classes, users := x.byID["orgs"], x.byID["academicSessions"], x.byID["courses"], x.byID["classes"], x.byID["users"]
	isType := func(m map[string]map[string]string, id, typ string) bool {
		r, ok := m[id]
		return ok && r["type"] == typ
	}
	for id, o := range orgs {
		if p := o["parentSourcedId"]; p != "" && orgs[p] == nil {
			t.Errorf("org %s: parent %s missing", id, p)
		}
	}
	for id, s := range sessions {
		if p := s["parentSourcedId"]; p != "" && !isType(sessions, p, "schoolYear") {
			t.Errorf("session %s: parent %s is not a schoolYear", id, p)
		}
	}
	for id, c := range courses {
		if !isType(sessions, c["schoolYearSourcedId"], "schoolYear") || orgs[c["orgSourcedId"]] == nil {
			t.Errorf("course %s: bad references %v", id, c)
		}
	}
	for id, c := range classes {
		if courses[c["courseSourcedId"]] == nil || !isType(orgs, c["schoolSourcedId"], "school") {
			t.Errorf("class %s: bad references %v", id, c)
		}
		if courses[c["courseSourcedId"]]["orgSourcedId"] != c["schoolSourcedId"] {
			t.Errorf("class %s: course of another school", id)
		}
		terms := splitList(c["termSourcedIds"])
		if len(terms) == 0 {
			t.Errorf("class %s: no terms", id)
		}
		for _, s := range terms {
			if !isType(sessions, s, "semester") {
				t.Errorf("class %s: term %s", id, s)
			}
		}
		if c["classType"] != "homeroom" && c["classType"] != "scheduled" {
			t.Errorf("class %s: classType %q", id, c["classType"])
		}
	}
	hasRole := map[[2]string]bool{}
	for _, r := range x.roles {
		if users[r[0]] == nil || orgs[r[1]] == nil {
			t.Errorf("role %v: user or org missing", r)
		}
		hasRole[[2]string{r[0], r[1]}] = true
	}
	usernames := map[string]bool{}
	for id, u := range users {
		if usernames[u["username"]] {
			t.Errorf("duplicate username %s", u["username"])
		}
		usernames[u["username"]] = true
		if v == "1.1" && len(splitList(u["orgSourcedIds"])) == 0 {
			t.Errorf("user %s: no orgs", id)
		}
		if v == "1.2" && !hasRole[[2]string{id, u["primaryOrgSourcedId"]}] {
			t.Errorf("user %s: primaryOrgSourcedId %s has no role", id, u["primaryOrgSourcedId"])
		}
		for _, a := range splitList(u["agentSourcedIds"]) {
			if users[a] == nil || !slices.Contains(splitList(users[a]["agentSourcedIds"]), id) {
				t.Errorf("user %s: agent %s missing or not linked back", id, a)
			}
		}
	}
	for _, e := range b["enrollments"].rows {
		c := classes[e["classSourcedId"]]
		if c == nil || users[e["userSourcedId"]] == nil || !isType(orgs, e["schoolSourcedId"], "school") {
			t.Fatalf("enrollment %s: bad references", e["sourcedId"])
		}
		if c["schoolSourcedId"] != e["schoolSourcedId"] {
			t.Fatalf("enrollment %s: school differs from its class's", e["sourcedId"])
		}
		if !hasRole[[2]string{e["userSourcedId"], e["schoolSourcedId"]}] {
			t.Fatalf("enrollment %s: user has no role at the school", e["sourcedId"])
		}
	}
}

func TestReferencesResolve(t *testing.T) {
	for _, v := range versions() {
		t.Run(v, func(t *testing.T) {
			d := Generate(small(v))
			checkRefs(t, readDir(t, write(t, d)), v)
			n := NextDay(d, 3)
			checkRefs(t, readDir(t, write(t, n)), v)
			checkRefs(t, readDir(t, write(t, NextDay(n, 4))), v)
		})
	}
}

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
