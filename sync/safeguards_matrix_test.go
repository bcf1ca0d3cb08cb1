package sync

import (
	"context"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"rosterdesk"
	"rosterdesk/sync/gen"
)

// The safeguard matrix: generated districts of four sizes live through 30
// ordinary consecutive days (bulk and delta) under the default safeguards,
// which must hold none of them; then each unusual export must be held, in
// every size. docs/SAFEGUARDS.md records the results and the defaults chosen
// from them.
//
// `go test ./sync` runs the 300 and 3,000 student districts (300 only with
// -short); `make safeguards-matrix` (ROSTERDESK_MATRIX=all) runs all four,
// and MATRIX_OUT=FILE writes the results as a Markdown table.

type matrixSize struct {
	students, schools int
	big               bool // only with ROSTERDESK_MATRIX=all
}

var matrixSizes = []matrixSize{{300, 3, false}, {3000, 6, false}, {30000, 25, true}, {150000, 100, true}}

// matrixCase is one unusual export: it is built from an ordinary next day.
type matrixCase struct {
	name string
	hold bool
	// district changes the generated district; bundle changes the written folder.
	district func(d *gen.District, school string) *gen.District
	bundle   func(t *testing.T, dir string)
}

var matrixCases = []matrixCase{
	{name: "30% of students withdrawn", hold: true, district: func(d *gen.District, _ string) *gen.District {
		n := 0
		return dropUsers(d, func(u gen.User) bool {
			if u.Role != gen.RoleStudent {
				return false
			}
			n++
			return n%10 < 3
		})
	}},
	{name: "one school's users gone", hold: true, district: func(d *gen.District, school string) *gen.District {
		return dropUsers(d, func(u gen.User) bool {
			return len(u.OrgSourcedIDs) > 0 && u.OrgSourcedIDs[0] == school && u.Role != gen.RoleGuardian
		})
	}},
	{name: "enrollments.csv cut by 25%", hold: true, bundle: func(t *testing.T, dir string) {
		rewriteCSV(t, filepath.Join(dir, "enrollments.csv"), func(h []string, rows [][]string) ([]string, [][]string) {
			return h, rows[:len(rows)*3/4]
		})
	}},
	{name: "users.csv missing", hold: true, bundle: func(t *testing.T, dir string) {
		if err := os.Remove(filepath.Join(dir, "users.csv")); err != nil {
			t.Fatal(err)
		}
		rewriteCSV(t, filepath.Join(dir, "manifest.csv"), func(h []string, rows [][]string) ([]string, [][]string) {
			for _, r := range rows {
				if r[0] == "file.users" {
					r[1] = "absent"
				}
			}
			return h, rows
		})
	}},
	{name: "every class of one school removed", hold: true, district: func(d *gen.District, school string) *gen.District {
		out := *d
		gone := map[string]bool{}
		out.Classes = slices.DeleteFunc(slices.Clone(d.Classes), func(c gen.Class) bool {
			gone[c.SourcedID] = c.SchoolSourcedID == school
			return gone[c.SourcedID]
		})
		out.Enrollments = slices.DeleteFunc(slices.Clone(d.Enrollments), func(e gen.Enrollment) bool { return gone[e.ClassSourcedID] })
		return &out
	}},
	{name: "a school deactivated (absent from orgs.csv)", hold: true, district: func(d *gen.District, school string) *gen.District {
		out := *d
		out.Orgs = slices.DeleteFunc(slices.Clone(d.Orgs), func(o gen.Org) bool { return o.SourcedID == school })
		return &out
	}},
	{name: "users.csv lost its email column", hold: true, bundle: func(t *testing.T, dir string) {
		rewriteCSV(t, filepath.Join(dir, "users.csv"), func(h []string, rows [][]string) ([]string, [][]string) {
			i := slices.Index(h, "email")
			for k := range rows {
				rows[k] = slices.Delete(rows[k], i, i+1)
			}
			return slices.Delete(h, i, i+1), rows
		})
	}},
	{name: "headers in another case and order, with an extension column (not a change)", hold: false, bundle: func(t *testing.T, dir string) {
		for _, f := range []string{"users.csv", "enrollments.csv", "classes.csv"} {
			rewriteCSV(t, filepath.Join(dir, f), func(h []string, rows [][]string) ([]string, [][]string) {
				h = append(slices.Clone(h), "metadata.district.extra")
				for k := range h {
					h[k] = strings.ToUpper(h[k][:1]) + h[k][1:]
				}
				slices.Reverse(h)
				for k := range rows {
					rows[k] = append(rows[k], "x")
					slices.Reverse(rows[k])
				}
				return h, rows
			})
		}
	}},
}

func dropUsers(d *gen.District, gone func(gen.User) bool) *gen.District {
	out := *d
	ids := map[string]bool{}
	out.Users = slices.DeleteFunc(slices.Clone(d.Users), func(u gen.User) bool {
		ids[u.SourcedID] = gone(u)
		return ids[u.SourcedID]
	})
	out.Enrollments = slices.DeleteFunc(slices.Clone(d.Enrollments), func(e gen.Enrollment) bool { return ids[e.UserSourcedID] })
	return &out
}

// rewriteCSV reads a CSV file, lets edit change it, and writes it back.
func rewriteCSV(t *testing.T, path string, edit func([]string, [][]string) ([]string, [][]string)) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(f).ReadAll()
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	h, rows := edit(recs[0], recs[1:])
	out, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := csv.NewWriter(out)
	w.Write(h)
	w.WriteAll(rows)
	if err := out.Close(); err != nil || w.Error() != nil {
		t.Fatal(err, w.Error())
	}
}

// matrixResult is one size's row of the matrix.
type matrixResult struct {
	size                       matrixSize
	users, assignments         int // after day 0
	heldBulk, heldDelta        int
	maxUsers, maxAssign, maxCl float64 // the largest share an ordinary day deactivated or removed, %
	maxSchool                  float64 // the largest share of one school's users or classes an ordinary day took, %
	cases                      []string
	took                       time.Duration
}

var matrixResults []matrixResult

func TestSafeguardMatrix(t *testing.T) {
	all := os.Getenv("ROSTERDESK_MATRIX") == "all"
	for _, sz := range matrixSizes {
		t.Run(fmt.Sprintf("%d_students", sz.students), func(t *testing.T) {
			switch {
			case sz.big && !all:
				t.Skip("a large district: run with `make safeguards-matrix` (ROSTERDESK_MATRIX=all)")
			case testing.Short() && sz.students > 300:
				t.Skip("-short runs the 300-student district only")
			}
			r := runMatrix(t, sz)
			t.Log("\n" + matrixMarkdown([]matrixResult{r})) // each size as soon as it is done
			matrixResults = append(matrixResults, r)
		})
	}
	if out := os.Getenv("MATRIX_OUT"); out != "" && len(matrixResults) > 0 {
		if err := os.WriteFile(out, []byte(matrixMarkdown(matrixResults)), 0o644); err != nil {
			t.Fatal(err)
		}
	} else if len(matrixResults) > 0 {
		t.Log("\n" + matrixMarkdown(matrixResults))
	}
}

func runMatrix(t *testing.T, sz matrixSize) matrixResult {
	ctx := context.Background()
	started := time.Now()
	res := matrixResult{size: sz}
	cfg := gen.Config{Seed: 21, Schools: sz.schools, Students: sz.students, Version: "1.1"}
	d := gen.Generate(cfg)
	dir := t.TempDir()
	bulk, delta := newEngine(t), newEngine(t)
	day0 := filepath.Join(dir, "day0.zip")
	if err := d.WriteZip(day0, gen.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, e := range []*Engine{bulk, delta} {
		if _, err := e.SetSetting(ctx, KeyOneRosterOn, "true"); err != nil {
			t.Fatal(err)
		}
		mustSync(t, e, day0, rosterdesk.ScopeBuildings)
		mustSync(t, e, day0, rosterdesk.ScopeUsersCourses)
		guardsDefault(t, e)
	}
	rc := roster(t, bulk)
	res.users, res.assignments = rc.Users.Active, rc.Assignments.Active
	os.Remove(day0)

	pct := func(n, of int) float64 {
		if of == 0 {
			return 0
		}
		return 100 * float64(n) / float64(of)
	}
	for day := 1; day <= 30; day++ {
		next := gen.NextDay(d, int64(1000+day))
		bz, dz := filepath.Join(dir, "bulk.zip"), filepath.Join(dir, "delta.zip")
		if err := next.WriteZip(bz, gen.WriteOptions{}); err != nil {
			t.Fatal(err)
		}
		if err := gen.WriteDeltaZip(d, next, dz, gen.WriteOptions{}); err != nil {
			t.Fatal(err)
		}
		for _, x := range []struct {
			e    *Engine
			src  string
			held *int
			bulk bool
		}{{bulk, bz, &res.heldBulk, true}, {delta, dz, &res.heldDelta, false}} {
			if x.bulk {
				before := roster(t, x.e)
				plan, err := x.e.PlanRun(ctx, x.src, Options{Scope: rosterdesk.ScopeUsersCourses})
				if err != nil {
					t.Fatalf("day %d: %v", day, err)
				}
				k := plan.Counts
				res.maxUsers = max(res.maxUsers, pct(k.Users.Deactivated, before.Users.Active))
				res.maxAssign = max(res.maxAssign, pct(k.Assignments.Removed, before.Assignments.Active))
				res.maxCl = max(res.maxCl, pct(k.Classes.Removed, before.Classes.Active))
				res.maxSchool = max(res.maxSchool, schoolShare(t, x.e, plan))
			}
			r, err := x.e.Sync(ctx, x.src, Options{Scope: rosterdesk.ScopeUsersCourses})
			if IsHeld(err) {
				*x.held++
				t.Errorf("ordinary day %d (bulk %v) held: %v", day, x.bulk, err)
				if r, err = x.e.Approve(ctx, r.ID); err != nil {
					t.Fatal(err)
				}
			} else if err != nil {
				t.Fatalf("day %d: %v", day, err)
			}
			if r.Errors != 0 {
				t.Fatalf("day %d (bulk %v): %d errors", day, x.bulk, r.Errors)
			}
		}
		os.Remove(bz)
		os.Remove(dz)
		d = next
	}
	// Bulk and delta days end in the same roster.
	if a, b := roster(t, bulk), roster(t, delta); a.Users.Active != b.Users.Active || a.Assignments.Active != b.Assignments.Active {
		t.Errorf("after 30 days bulk and delta rosters differ: %+v vs %+v", a, b)
	}

	// The unusual exports, each on an ordinary next day; planned, not applied.
	base := gen.NextDay(d, 4242)
	school := ""
	for _, o := range base.Orgs {
		if o.Type == "school" {
			school = o.SourcedID // the first school
			break
		}
	}
	for i, c := range matrixCases {
		dd := base
		if c.district != nil {
			dd = c.district(base, school)
		}
		src := filepath.Join(dir, fmt.Sprintf("case%d", i))
		if err := dd.Write(src, gen.WriteOptions{}); err != nil {
			t.Fatal(err)
		}
		if c.bundle != nil {
			c.bundle(t, src)
		}
		plan, err := bulk.PlanRun(ctx, src, Options{Scope: rosterdesk.ScopeUsersCourses})
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		got := "not held"
		if len(plan.Trips) > 0 {
			var rs []string
			for _, tr := range plan.Trips {
				rs = append(rs, tripSummary(tr))
			}
			got = "**held**: " + strings.Join(rs, "; ")
		}
		if (len(plan.Trips) > 0) != c.hold {
			t.Errorf("%d students, %s: want held=%v, got %s", sz.students, c.name, c.hold, got)
		}
		res.cases = append(res.cases, got)
		os.RemoveAll(src)
	}
	res.took = time.Since(started)
	return res
}

// schoolShare is the largest share of one school's active users or classes a plan takes away, %.
func schoolShare(t *testing.T, e *Engine, plan *Plan) float64 {
	t.Helper()
	best := 0.0
	for tbl, col := range map[string]string{"users": "org_ids", "classes": "school_sourced_id"} {
		var ids []int64
		for k, v := range plan.gone {
			if k.Name == tbl {
				ids = v
			}
		}
		if len(ids) == 0 {
			continue
		}
		schools, err := e.db.ActiveSchools(context.Background(), tbl, col)
		if err != nil {
			t.Fatal(err)
		}
		active, lost := map[string]int{}, map[string]int{}
		for _, v := range schools {
			for _, s := range strings.Split(v, ",") {
				active[s]++
			}
		}
		for _, id := range ids {
			for _, s := range strings.Split(schools[id], ",") {
				lost[s]++
			}
		}
		for s, n := range lost {
			if active[s] > 0 {
				best = max(best, 100*float64(n)/float64(active[s]))
			}
		}
	}
	return best
}

func tripSummary(t rosterdesk.Trip) string {
	switch {
	case t.Action == "input":
		return t.Entity + " " + map[string]string{"present": "missing", "rows": "empty", "header": "lost a column"}[t.Limit] +
			map[bool]string{true: fmt.Sprintf("%.1f%% fewer rows (limit %s)", t.Percent, t.Limit), false: ""}[t.Percent > 0]
	case t.Key == KeySchoolPercent && t.Active > 0:
		return fmt.Sprintf("one school: %s %d of %d %s (%.1f%%)", t.Action, t.Count, t.Active, t.Entity, t.Percent)
	case t.Key == KeySchoolPercent:
		return "one school: its building deactivated"
	case t.Active > 0:
		return fmt.Sprintf("%s %s %.1f%% (limit %s)", t.Entity, t.Action, t.Percent, t.Limit)
	}
	return fmt.Sprintf("%s %s %d (limit %s)", t.Entity, t.Action, t.Count, t.Limit)
}

func matrixMarkdown(rs []matrixResult) string {
	var b strings.Builder
	b.WriteString("| | " + strings.Join(mapSizes(rs, func(r matrixResult) string {
		return fmt.Sprintf("%d students, %d schools", r.size.students, r.size.schools)
	}), " | ") + " |\n|---|" + strings.Repeat("---|", len(rs)) + "\n")
	row := func(label string, f func(matrixResult) string) {
		b.WriteString("| " + label + " | " + strings.Join(mapSizes(rs, f), " | ") + " |\n")
	}
	row("active users / course assignments after day 0", func(r matrixResult) string { return fmt.Sprintf("%d / %d", r.users, r.assignments) })
	row("30 ordinary days, bulk: runs held", func(r matrixResult) string { return fmt.Sprint(r.heldBulk) })
	row("30 ordinary days, delta: runs held", func(r matrixResult) string { return fmt.Sprint(r.heldDelta) })
	row("ordinary days: most users deactivated in a day", func(r matrixResult) string { return fmt.Sprintf("%.2f%%", r.maxUsers) })
	row("ordinary days: most classes removed in a day", func(r matrixResult) string { return fmt.Sprintf("%.2f%%", r.maxCl) })
	row("ordinary days: most course assignments removed in a day", func(r matrixResult) string { return fmt.Sprintf("%.2f%%", r.maxAssign) })
	row("ordinary days: most of one school's users or classes taken in a day", func(r matrixResult) string { return fmt.Sprintf("%.2f%%", r.maxSchool) })
	for i, c := range matrixCases {
		want := "must hold"
		if !c.hold {
			want = "must not hold"
		}
		row(c.name+" ("+want+")", func(r matrixResult) string { return r.cases[i] })
	}
	row("time (generate, 1 + 60 syncs, the cases planned)", func(r matrixResult) string { return r.took.Round(time.Second).String() })
	return b.String()
}

func mapSizes(rs []matrixResult, f func(matrixResult) string) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = f(r)
	}
	return out
}
