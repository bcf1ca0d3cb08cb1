package sync

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"rosterdesk"
	"rosterdesk/data"
	"rosterdesk/sync/gen"
	"rosterdesk/sync/rest/resttest"
)

// shown is every record as Show gives it (fields and state, without the
// timestamps and history of when it was written), by entity and sourcedId.
func shown(t *testing.T, e *Engine) map[string]string {
	t.Helper()
	ctx := context.Background()
	out := map[string]string{}
	kinds := map[*data.Table]string{data.Users: "user", data.Courses: "course", data.Classes: "class", data.Sessions: "session", data.Assignments: "assignment"}
	for tbl, kind := range kinds {
		if err := e.db.EachRecord(ctx, tbl, func(id string, _ []string, _ bool) error {
			rec, _, err := e.Show(ctx, kind, id)
			if err != nil {
				return err
			}
			b, _ := json.Marshal(struct {
				Active bool
				Fields map[string]string
			}{rec.Active, rec.Fields})
			out[kind+" "+id] = string(b)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	bs, err := e.db.Buildings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range bs {
		rec, _, err := e.Show(ctx, "building", b.SISID)
		if err != nil {
			t.Fatal(err)
		}
		j, _ := json.Marshal(struct {
			Active bool
			Fields map[string]string
		}{rec.Active, rec.Fields})
		out["building "+b.SISID] = string(j)
	}
	return out
}

// TestExportOneRosterRoundTrips syncs a generated district, exports it as a
// OneRoster bundle, validates the bundle with the engine's validator (no
// error, no warning) and imports it into a fresh roster: the counts and every
// record are identical.
func TestExportOneRosterRoundTrips(t *testing.T) {
	for _, version := range []string{"1.1", "1.2"} {
		t.Run(version, func(t *testing.T) {
			cfg := gen.Small()
			cfg.Seed, cfg.Version = 11, version
			d0 := gen.Generate(cfg)
			src := filepath.Join(t.TempDir(), "day0.zip")
			if err := d0.WriteZip(src, gen.WriteOptions{}); err != nil {
				t.Fatal(err)
			}
			a := newEngine(t)
			mustSync(t, a, src, rosterdesk.ScopeBuildings)
			if res := mustSync(t, a, src, rosterdesk.ScopeUsersCourses); res.Errors != 0 {
				t.Fatalf("sync: %d errors", res.Errors)
			}
			dir := filepath.Join(t.TempDir(), "export")
			x, err := a.ExportOneRoster(context.Background(), dir, version)
			if err != nil {
				t.Fatal(err)
			}
			if x.Validation == nil || !x.Validation.Usable || x.Validation.Errors != 0 || x.Validation.Warnings != 0 {
				t.Fatalf("validation %+v", x.Validation)
			}
			if x.Files["users.csv"] == 0 || x.Files["enrollments.csv"] == 0 || x.Files["orgs.csv"] == 0 {
				t.Fatalf("files %v", x.Files)
			}
			if version == "1.2" && x.Files["roles.csv"] == 0 {
				t.Fatalf("1.2 without roles.csv: %v", x.Files)
			}
			man, _ := os.ReadFile(filepath.Join(dir, "manifest.csv"))
			if !strings.Contains(string(man), "oneroster.version,"+version) || !strings.Contains(string(man), "file.users,bulk") {
				t.Fatalf("manifest:\n%s", man)
			}

			b := newEngine(t)
			mustSync(t, b, dir, rosterdesk.ScopeBuildings)
			if res := mustSync(t, b, dir, rosterdesk.ScopeUsersCourses); res.Errors != 0 || res.Warnings != 0 {
				t.Fatalf("re-import: %d errors, %d warnings: %+v", res.Errors, res.Warnings, res.Log)
			}
			ra, rb := roster(t, a), roster(t, b)
			ja, _ := json.Marshal(ra)
			jb, _ := json.Marshal(rb)
			if string(ja) != string(jb) {
				t.Fatalf("roster --json differs:\n%s\n%s", ja, jb)
			}
			sa, sb := shown(t, a), shown(t, b)
			if len(sa) != len(sb) || len(sa) < 100 {
				t.Fatalf("%d records vs %d", len(sa), len(sb))
			}
			n := 0
			for k, v := range sa {
				if sb[k] != v {
					if n++; n <= 5 {
						t.Errorf("%s:\n%s\n%s", k, v, sb[k])
					}
				}
			}
			diffStates(t, rosterState(t, a), rosterState(t, b))
		})
	}
}

// TestExportOneRosterLeavesOutWhatCannotImport: after a day with departures,
// the bundle holds the active records only, says how many it left out, and
// still validates and re-imports to the same active records.
func TestExportOneRosterLeavesOutWhatCannotImport(t *testing.T) {
	cfg := gen.Small()
	cfg.Seed, cfg.Version = 5, "1.1"
	d0 := gen.Generate(cfg)
	d1 := gen.NextDay(d0, 6)
	dir := t.TempDir()
	day0, day1 := filepath.Join(dir, "day0.zip"), filepath.Join(dir, "day1.zip")
	d0.WriteZip(day0, gen.WriteOptions{})
	d1.WriteZip(day1, gen.WriteOptions{})
	a := newEngine(t)
	mustSync(t, a, day0, rosterdesk.ScopeBuildings)
	mustSync(t, a, day0, rosterdesk.ScopeUsersCourses)
	if res := mustSync(t, a, day1, rosterdesk.ScopeUsersCourses); res.Counts.Users.Deactivated == 0 {
		t.Fatalf("day 1 deactivated nobody: %+v", res.Counts)
	}
	out := filepath.Join(dir, "export")
	x, err := a.ExportOneRoster(context.Background(), out, "")
	if err != nil {
		t.Fatal(err)
	}
	if x.Version != "1.1" || x.Left["inactive users"] == 0 || x.Validation.Errors != 0 {
		t.Fatalf("export %+v", x)
	}
	if _, err := a.ExportOneRoster(context.Background(), out, "1.1"); err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Fatalf("a folder with files in it: %v", err)
	}
	if _, err := a.ExportOneRoster(context.Background(), filepath.Join(dir, "x"), "2.0"); err == nil {
		t.Fatal("version 2.0 accepted")
	}
	b := newEngine(t)
	mustSync(t, b, out, rosterdesk.ScopeBuildings)
	mustSync(t, b, out, rosterdesk.ScopeUsersCourses)
	active := func(e *Engine) map[string]map[string]data.State {
		s := rosterState(t, e)
		for _, m := range s {
			for k, v := range m {
				if !v.Active {
					delete(m, k)
				}
			}
		}
		return s
	}
	diffStates(t, active(a), active(b))
}

// TestRESTErrorCarriesTheRecord: an error in a record pulled from a REST API
// carries the record's name and the record itself (JSON), not a CSV line.
func TestRESTErrorCarriesTheRecord(t *testing.T) {
	mockKeychain(t)
	fastREST(t)
	dir, d := smallDistrict(t, "1.1")
	p := filepath.Join(dir, "users.csv")
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	var victim gen.User
	for _, u := range d.Users {
		if u.Role == "student" {
			victim = u
			break
		}
	}
	recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	role := slices.Index(recs[0], "role")
	for _, r := range recs {
		if r[0] == victim.SourcedID {
			r[role] = "wizard"
		}
	}
	var out bytes.Buffer
	w := csv.NewWriter(&out)
	w.WriteAll(recs)
	if err := os.WriteFile(p, out.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	s := resttest.New(resttest.Generic11())
	defer s.Close()
	if err := s.Load(dir); err != nil {
		t.Fatal(err)
	}
	e := newEngine(t)
	setProvider(t, e, s, "oneroster11")
	mustProviderSync(t, e, rosterdesk.ScopeBuildings)
	res, err := e.SyncProvider(context.Background(), Options{Scope: rosterdesk.ScopeUsersCourses})
	if err != nil {
		t.Fatal(err)
	}
	en := findLog(res.Log, SevError, "", "enum.invalid")
	if en == nil || en.SourcedID != victim.SourcedID {
		t.Fatalf("no role error for %s: %+v", victim.SourcedID, res.Log)
	}
	var rec map[string]string
	if err := json.Unmarshal([]byte(en.Raw), &rec); err != nil || rec["sourcedId"] != victim.SourcedID || rec["role"] != "wizard" {
		t.Fatalf("raw %q: %v", en.Raw, err)
	}
	if en.Name != victim.GivenName+" "+victim.FamilyName+" (wizard)" || en.Value != "wizard" {
		t.Fatalf("name %q value %q", en.Name, en.Value)
	}
}
