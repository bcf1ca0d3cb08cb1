package report

import (
	"bytes"
	"context"
	"encoding/csv"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"rosterdesk"
	rsync "rosterdesk/sync"
)

// causeTable reads the by-cause table of the Summary sheet: its rows under
// the header that starts with "Rule", keyed by rule and severity.
func causeTable(t *testing.T, f *excelize.File) (header []string, byRule map[string][]string, order []string) {
	t.Helper()
	byRule = map[string][]string{}
	in := false
	for _, r := range rows(t, f, SheetSummary) {
		switch {
		case len(r) > 0 && r[0] == "Rule":
			header, in = r, true
		case in && len(r) < 4:
			return header, byRule, order
		case in:
			byRule[r[0]+" "+r[1]] = r
			order = append(order, r[0]+" "+r[1])
		}
	}
	return header, byRule, order
}

// TestSummaryByCause: the first sheet groups the errors and warnings by rule,
// most frequent first, with counts equal to the log's, an example with the
// record's name and value, and each rule's sentence; the context says the
// version, source, OneRoster version, manifest, admin and times.
func TestSummaryByCause(t *testing.T) {
	e := newEngine(t)
	var users []string
	for i := 10; i < 40; i++ {
		users = append(users, user("s"+strconv.Itoa(i), "student", "Kid"+strconv.Itoa(i)))
	}
	// Three users with an invalid role (errors), one with a bad enabledUser
	// (another error), and TRUE for true on two rows (one aggregated warning).
	users = append(users,
		"u7,,,true,sch1,wizard,a,,Ada,Lovelace,,,,,,,05,",
		"u8,,,true,sch1,wizard,b,,Bo,Diddley,,,,,,,05,s3cret", // a password is never kept
		"u9,,,true,sch1,wizard,c,,Cy,Young,,,,,,,05,",
		"u6,,,maybe,sch1,student,d,,Di,Prince,,,,,,,05,",
		"u5,,,TRUE,sch1,student,e,,Ed,Sheeran,,,,,,,05,",
		"u4,,,TRUE,sch1,student,f,,Flo,Rida,,,,,,,05,",
		user("u1", "student", "Ann"), user("t1", "teacher", "Tom"))
	src := writeZip(t, bundle(users...))
	mustSync(t, e, src, rosterdesk.ScopeBuildings)
	id := mustSync(t, e, src, rosterdesk.ScopeUsersCourses).ID

	f, _ := export(t, e, id)
	if f.GetSheetList()[0] != SheetSummary {
		t.Fatalf("first sheet %s", f.GetSheetList()[0])
	}
	// The log, grouped by hand.
	want := map[string]int{}
	wantRows := map[string]int{}
	var all []rosterdesk.LogEntry
	e.RunLog(context.Background(), id, func(le rosterdesk.LogEntry) error {
		if le.Severity != rsync.SevInfo {
			want[le.Rule+" "+le.Severity]++
			wantRows[le.Rule+" "+le.Severity] += max(le.Rows, 1)
			all = append(all, le)
		}
		return nil
	})
	hdr, got, order := causeTable(t, f)
	if strings.Join(hdr, "|") != "Rule|Severity|Count|Rows|Files|Example (file:line)|Example sourcedId|Example value|Example record|What it means and how to fix it in the SIS" {
		t.Fatalf("cause header %q", hdr)
	}
	if len(got) != len(want) {
		t.Fatalf("%d causes, want %d: %v vs %v", len(got), len(want), got, want)
	}
	for k, n := range want {
		r := got[k]
		if r == nil || r[2] != strconv.Itoa(n) || r[3] != strconv.Itoa(wantRows[k]) {
			t.Errorf("cause %s: row %q, want count %d rows %d", k, r, n, wantRows[k])
		}
		if r != nil && (len(r) < 10 || r[9] != rsync.RuleHelp(strings.Fields(k)[0]) || r[9] == "") {
			t.Errorf("cause %s has no sentence: %q", k, r)
		}
	}
	if order[0] != "enum.invalid error" {
		t.Fatalf("most frequent first: order %v", order)
	}
	ex := got["enum.invalid error"]
	if ex[4] != "users.csv" || !strings.HasPrefix(ex[5], "users.csv:") || ex[6] != "u7" || ex[7] != "wizard" || ex[8] != "Ada Lovelace (wizard)" {
		t.Fatalf("example of enum.invalid: %q", ex)
	}
	if w := got["bool.case warning"]; w == nil || w[2] != "1" || w[3] != "2" {
		t.Fatalf("an aggregated warning counts its rows: %q", w)
	}

	ctx := map[string]string{}
	for _, r := range rows(t, f, SheetSummary) {
		if len(r) == 2 {
			ctx[r[0]] = r[1]
		}
	}
	for k, v := range map[string]string{"Source": "OneRoster.zip", "OneRoster version": "OneRoster 1.1", "Manifest": "no manifest.csv",
		"Credited admin": "it@example.org", "Scope": "users+courses", "Trigger": "manual", "What to do next": rsync.GuidanceErrors,
		"When to contact SIS support": rsync.GuidanceSupport} {
		if !strings.Contains(ctx[k], v) {
			t.Errorf("summary %s = %q, want %q in it", k, ctx[k], v)
		}
	}
	if ctx["RosterDesk version"] == "" {
		t.Error("no RosterDesk version")
	}
	local := false
	for k := range ctx {
		if strings.HasPrefix(k, "Started (local time") {
			local = true
		}
	}
	if !local || ctx["Started (UTC)"] == "" {
		t.Errorf("times in UTC and local time: %v", ctx)
	}

	// The Errors sheet: the record's name and the row as the SIS wrote it.
	found := 0
	for _, r := range rows(t, f, SheetErrors)[1:] {
		if len(r) == 10 && r[3] == "u8" {
			found++
			if r[4] != "Bo Diddley (wizard)" || r[6] != "wizard" || r[9] != "u8,,,true,sch1,wizard,b,,Bo,Diddley,,,,,,,05,***" {
				t.Errorf("error row of u8: %q", r)
			}
		}
	}
	if found != 1 {
		t.Fatalf("u8's error rows: %d", found)
	}
	for _, le := range all {
		if le.SourcedID != "" && le.Line > 1 && le.Raw == "" {
			t.Errorf("entry about a row without it: %+v", le)
		}
	}
}

// TestFormulaLikeValuesStayText syncs names a spreadsheet would run as
// formulas and reads both exports back: in the xlsx no cell has a formula
// and each is a string cell; in the CSV each starts with an apostrophe.
func TestFormulaLikeValuesStayText(t *testing.T) {
	e := newEngine(t)
	hyper := `=HYPERLINK("http://x","y")`
	q := func(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
	base := []string{user("u1", "student", "Ann"), user("t1", "teacher", "Tom")}
	for i := 10; i < 30; i++ {
		base = append(base, user("s"+strconv.Itoa(i), "student", "Kid"+strconv.Itoa(i)))
	}
	first := bundle(base...)
	// Run 2: u1 renamed to a formula (a change), a rejected row full of formulas (an error).
	second := bundle(append([]string{"u1,,,true,sch1,student,ann,," + q(hyper) + ",Smith,,,,,,,05,", user("t1", "teacher", "Tom"),
		"u9,,,true,sch1,wizard,zed,,@SUM(1),+1-1,,,,,,,05,", "-u10,,,true,sch1,wizard,x,,\tTab,CR,,,,,,,05,"}, base[2:]...)...)
	mustSync(t, e, writeZip(t, first), rosterdesk.ScopeBuildings)
	mustSync(t, e, writeZip(t, first), rosterdesk.ScopeUsersCourses)
	id := mustSync(t, e, writeZip(t, second), rosterdesk.ScopeUsersCourses).ID

	f, raw := export(t, e, id)
	seen := map[string]bool{}
	for _, sheet := range f.GetSheetList() {
		if x := sheetXML(t, raw, f, sheet); strings.Contains(x, "<f>") || strings.Contains(x, "<f ") {
			t.Errorf("sheet %s has a formula element", sheet)
		}
		rs := rows(t, f, sheet)
		for i, r := range rs {
			for j, v := range r {
				if !formulaLike(v) && !strings.Contains(v, hyper) {
					continue
				}
				cell, _ := excelize.CoordinatesToCellName(j+1, i+1)
				typ, _ := f.GetCellType(sheet, cell)
				if typ != excelize.CellTypeInlineString && typ != excelize.CellTypeSharedString {
					t.Errorf("%s!%s %q is cell type %v, want a string", sheet, cell, v, typ)
				}
				if formulaLike(v) {
					st, _ := f.GetCellStyle(sheet, cell)
					if s, err := f.GetStyle(st); err != nil || s.NumFmt != 49 {
						t.Errorf("%s!%s %q is not in the Text format", sheet, cell, v)
					}
				}
				seen[v] = true
			}
		}
	}
	for _, v := range []string{hyper, "@SUM(1) +1-1 (wizard)", "-u10"} {
		if !seen[v] {
			t.Errorf("%q is not in the workbook as written (seen %v)", v, seen)
		}
	}

	var buf bytes.Buffer
	if err := WriteCSV(context.Background(), e, id, &buf); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, r := range recs {
		for _, v := range r {
			if formulaLike(v) {
				t.Errorf("CSV cell %q would run as a formula", v)
			}
			if v == "'@SUM(1) +1-1 (wizard)" || v == "'-u10" || v == "'"+hyper {
				n++
			}
		}
	}
	if n < 2 {
		t.Fatalf("the CSV lacks the escaped names (%d): %q", n, recs)
	}
}
