package report

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"
	"github.com/xuri/excelize/v2"

	"rosterdesk"
	"rosterdesk/data"
	rsync "rosterdesk/sync"
)

const (
	hOrgs    = "sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId"
	hCourses = "sourcedId,status,dateLastModified,schoolYearSourcedId,title,courseCode,grades,orgSourcedId,subjects,subjectCodes"
	hClasses = "sourcedId,status,dateLastModified,title,grades,courseSourcedId,classCode,classType,location,schoolSourcedId,termSourcedIds,subjects,subjectCodes,periods"
	hUsers   = "sourcedId,status,dateLastModified,enabledUser,orgSourcedIds,role,username,userIds,givenName,familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,password"
	hEnroll  = "sourcedId,status,dateLastModified,classSourcedId,schoolSourcedId,userSourcedId,role,primary,beginDate,endDate"
	hTerms   = "sourcedId,status,dateLastModified,title,type,startDate,endDate,parentSourcedId,schoolYear"
)

func lines(ls ...string) string { return strings.Join(ls, "\n") + "\n" }

func user(id, role, given string) string {
	return id + ",,,true,sch1," + role + "," + strings.ToLower(given) + ",," + given + ",Smith,,,,,,,05,"
}

// bundle is a small 1.1 district with no manifest (every file bulk).
func bundle(users ...string) map[string]string {
	return map[string]string{
		"orgs.csv":             lines(hOrgs, "dist1,,,Maple District,district,,", "sch1,,,Maple Elementary,school,,dist1"),
		"academicSessions.csv": lines(hTerms, "y2026,,,2026-27,schoolYear,2026-08-01,2027-06-30,,2027"),
		"courses.csv":          lines(hCourses, "c1,,,y2026,Math 5,M5,05,sch1,Math,"),
		"classes.csv":          lines(hClasses, "k1,,,Math 5 - A,05,c1,M5A,scheduled,R1,sch1,y2026,Math,,1"),
		"users.csv":            lines(append([]string{hUsers}, users...)...),
		"enrollments.csv":      lines(hEnroll, "e1,,,k1,sch1,u1,student,false,,", "e2,,,k1,sch1,t1,teacher,true,,"),
	}
}

func writeZip(t *testing.T, files map[string]string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "OneRoster.zip")
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for n, b := range files {
		w, err := zw.Create(n)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(b))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

var start = time.Date(2026, 11, 23, 6, 0, 0, 0, time.UTC)

func newEngine(t *testing.T) *rsync.Engine {
	t.Helper()
	now := start
	e, err := rsync.OpenWith(filepath.Join(t.TempDir(), "roster.db"), zerolog.Nop(), rsync.OpenOptions{Create: true,
		Now: func() time.Time { now = now.Add(time.Second); return now }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	ctx := context.Background()
	if _, err := e.AddAdmin(ctx, "it@example.org", "IT Admin"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.SetSetting(ctx, rsync.KeyCreditedAdmin, "it@example.org"); err != nil {
		t.Fatal(err)
	}
	return e
}

func mustSync(t *testing.T, e *rsync.Engine, src string, scope rosterdesk.Scope) *rsync.Result {
	t.Helper()
	res, err := e.Sync(context.Background(), src, rsync.Options{Scope: scope, Trigger: rosterdesk.TriggerManual})
	if err != nil {
		t.Fatalf("sync %s: %v", scope, err)
	}
	return res
}

// history syncs buildings, then a first users+courses bundle (one bad role,
// one corrected value), then a second one where a user is gone and another
// renamed. It returns the engine and the three run ids. Twenty more students
// keep the second run under the engine's safeguards against mass deactivation.
func history(t *testing.T) (*rsync.Engine, [3]int64) {
	e := newEngine(t)
	var class []string
	for i := 10; i < 30; i++ {
		class = append(class, user("s"+strconv.Itoa(i), "student", "Kid"+strconv.Itoa(i)))
	}
	first := bundle(append([]string{user("u1", "student", "Ann"), user("u2", "student", "Ben"), user("t1", "teacher", "Tom"),
		"u9,,,true,sch1,wizard,zed,,Zed,Smith,,,,,,,05,",                 // error: role
		"u3,,,TRUE,sch1,student,cat,,Cat,Smith,,,,,,,05,"}, class...)...) // warning: TRUE
	second := bundle(append([]string{user("u1", "student", "Ann"), user("t1", "teacher", "Thomas"), user("u3", "student", "Cat"),
		"u9,,,true,sch1,wizard,zed,,Zed,Smith,,,,,,,05,"}, class...)...)
	var ids [3]int64
	ids[0] = mustSync(t, e, writeZip(t, first), rosterdesk.ScopeBuildings).ID
	ids[1] = mustSync(t, e, writeZip(t, first), rosterdesk.ScopeUsersCourses).ID
	ids[2] = mustSync(t, e, writeZip(t, second), rosterdesk.ScopeUsersCourses).ID
	return e, ids
}

func export(t *testing.T, e *rsync.Engine, id int64) (*excelize.File, []byte) {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteXLSX(context.Background(), e, id, &buf); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f, buf.Bytes()
}

func rows(t *testing.T, f *excelize.File, sheet string) [][]string {
	t.Helper()
	r, err := f.GetRows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// logCounts counts a run's log by severity through the engine.
func logCounts(t *testing.T, e *rsync.Engine, id int64) map[string]int {
	n := map[string]int{}
	if _, err := e.RunLog(context.Background(), id, func(le rosterdesk.LogEntry) error { n[le.Severity]++; return nil }); err != nil {
		t.Fatal(err)
	}
	return n
}

func changes(t *testing.T, e *rsync.Engine, id int64) []rosterdesk.Audit {
	var out []rosterdesk.Audit
	if _, err := e.RunChanges(context.Background(), id, func(a rosterdesk.Audit) error { out = append(out, a); return nil }); err != nil {
		t.Fatal(err)
	}
	return out
}

// sheetXML returns the XML of one worksheet of an xlsx.
func sheetXML(t *testing.T, xlsx []byte, f *excelize.File, sheet string) string {
	t.Helper()
	idx, err := f.GetSheetIndex(sheet)
	if err != nil || idx < 0 {
		t.Fatalf("sheet %s: %v", sheet, err)
	}
	zr, err := zip.NewReader(bytes.NewReader(xlsx), int64(len(xlsx)))
	if err != nil {
		t.Fatal(err)
	}
	want := "xl/worksheets/sheet" + strconv.Itoa(idx+1) + ".xml"
	for _, zf := range zr.File {
		if zf.Name == want {
			rc, _ := zf.Open()
			b, _ := io.ReadAll(rc)
			rc.Close()
			return string(b)
		}
	}
	t.Fatalf("no %s in the xlsx", want)
	return ""
}

// isNumber tells whether a cell holds a number (a cell with no type attribute, or t="n").
func isNumber(t *testing.T, f *excelize.File, sheet, cell string) bool {
	t.Helper()
	typ, err := f.GetCellType(sheet, cell)
	if err != nil || (typ != excelize.CellTypeUnset && typ != excelize.CellTypeNumber) {
		return false
	}
	raw, _ := f.GetCellValue(sheet, cell, excelize.Options{RawCellValue: true})
	_, err = strconv.ParseFloat(raw, 64)
	return err == nil
}

// TestWriteXLSXSheetsRowsAndTypes reads exports back with excelize: the
// sheets in order, as many rows as the log and the changes hold, frozen
// headers, autofilters over every row, widths and typed cells.
func TestWriteXLSXSheetsRowsAndTypes(t *testing.T) {
	e, ids := history(t)
	for _, id := range ids[1:] {
		f, raw := export(t, e, id)
		if got := strings.Join(f.GetSheetList(), ","); got != "Summary,Errors,Warnings,Changes,Info" {
			t.Fatalf("run %d sheets %s", id, got)
		}
		n := logCounts(t, e, id)
		ch := changes(t, e, id)
		for _, s := range []struct {
			sheet string
			want  int
		}{{SheetErrors, n["error"]}, {SheetWarnings, n["warning"]}, {SheetInfo, n["info"]}, {SheetChanges, len(ch)}} {
			if got := len(rows(t, f, s.sheet)) - 1; got != s.want {
				t.Errorf("run %d sheet %s: %d rows, want %d", id, s.sheet, got, s.want)
			}
		}
		if n["error"] == 0 || n["warning"] == 0 || len(ch) == 0 {
			t.Fatalf("run %d: the fixture must have errors (%d), warnings (%d) and changes (%d)", id, n["error"], n["warning"], len(ch))
		}
		for _, sheet := range f.GetSheetList() {
			if sheet == SheetSummary {
				continue // not a table: see TestSummaryByCause
			}
			p, err := f.GetPanes(sheet)
			if err != nil || !p.Freeze || p.YSplit != 1 || p.TopLeftCell != "A2" {
				t.Errorf("run %d sheet %s panes %+v %v", id, sheet, p, err)
			}
			last := len(rows(t, f, sheet))
			cols := map[string]string{SheetChanges: "I"}[sheet]
			if cols == "" {
				cols = "J"
			}
			// excelize writes the range with absolute references.
			want := `<autoFilter ref="A1:` + cols + strconv.Itoa(last) + `"`
			if x := strings.ReplaceAll(sheetXML(t, raw, f, sheet), "$", ""); !strings.Contains(x, want) {
				t.Errorf("run %d sheet %s: no %s in %.300s", id, sheet, want, x[strings.Index(x, "</sheetData>"):])
			}
		}
		if x := sheetXML(t, raw, f, SheetChanges); !(strings.Index(x, `<col min="1"`) < strings.Index(x, `<col min="9"`)) {
			t.Errorf("run %d: column widths are not in column order (Excel repairs such a file)", id)
		}
		if w, _ := f.GetColWidth(SheetErrors, "I"); w < 60 {
			t.Errorf("message column width %v", w)
		}
		if w, _ := f.GetColWidth(SheetChanges, "G"); w < 30 {
			t.Errorf("reason column width %v", w)
		}
	}

	// Run 2: the rejected row with its line as a number, the correction, the adds.
	f, _ := export(t, e, ids[1])
	errs := rows(t, f, SheetErrors)
	if strings.Join(errs[0], ",") != "File,Line,Column,sourcedId,Name,Field,Value,Rule,Message,Row as the SIS sent it" {
		t.Fatalf("errors header %q", errs[0])
	}
	found := false
	for i, r := range errs[1:] {
		if len(r) >= 10 && r[0] == "users.csv" && r[3] == "u9" && r[5] == "role" {
			found = true
			cell := "B" + strconv.Itoa(i+2)
			if !isNumber(t, f, SheetErrors, cell) || r[1] != "5" {
				t.Errorf("line cell %s = %q; want the number 5", cell, r[1])
			}
			if !isNumber(t, f, SheetErrors, "C"+strconv.Itoa(i+2)) {
				t.Errorf("column cell C%d is not a number", i+2)
			}
		}
	}
	if !found {
		t.Fatalf("no error row for u9's role: %q", errs)
	}
	adds := map[string]string{}
	for _, r := range rows(t, f, SheetChanges)[1:] {
		if r[2] == "add" {
			adds[r[0]+" "+r[1]] = r[6]
		}
		if r[7] != "it@example.org" {
			t.Errorf("change credited to %q: %q", r[7], r)
		}
	}
	for k, reason := range map[string]string{"user u1": "new in users.csv", "user u3": "new in users.csv", "course c1": "new in courses.csv",
		"class k1": "new in classes.csv", "assignment e1": "new in enrollments.csv", "academicSession y2026": "new in academicSessions.csv"} {
		if adds[k] != reason {
			t.Errorf("add %s: reason %q, want %q (adds %v)", k, adds[k], reason, adds)
		}
	}
	if _, ok := adds["user u9"]; ok {
		t.Error("the rejected user was exported as added")
	}

	// Run 3: a deactivation and an update, with their reasons and a real date-time.
	f, _ = export(t, e, ids[2])
	var deact, rename []string
	var deactRow int
	for i, r := range rows(t, f, SheetChanges)[1:] {
		switch {
		case r[1] == "u2" && r[2] == "deactivate":
			deact, deactRow = r, i+2
		case r[1] == "t1" && r[3] == "given_name":
			rename = r
		}
	}
	if deact == nil || deact[6] != "absent from users.csv" || deact[3] != "active" || deact[4] != "true" || deact[5] != "false" {
		t.Fatalf("deactivation row %q", deact)
	}
	if rename == nil || rename[4] != "Tom" || rename[5] != "Thomas" {
		t.Fatalf("rename row %q", rename)
	}
	at := "I" + strconv.Itoa(deactRow)
	raw, _ := f.GetCellValue(SheetChanges, at, excelize.Options{RawCellValue: true})
	if serial, err := strconv.ParseFloat(raw, 64); err != nil || serial < 46000 {
		t.Fatalf("at cell %s is %q, want an Excel date serial", at, raw)
	}
	shown, _ := f.GetCellValue(SheetChanges, at)
	if !regexp.MustCompile(`^2026-11-23 06:00:\d\d$`).MatchString(shown) {
		t.Fatalf("at cell shows %q", shown)
	}
	run, _ := e.StoredRun(context.Background(), ids[2])
	if run.FinishedAt.IsZero() {
		t.Fatal("run has no finish time")
	}

	// Summary: the run and every count, typed.
	sum := map[string]string{}
	sumRow := map[string]int{}
	for i, r := range rows(t, f, SheetSummary) {
		if len(r) == 2 {
			sum[r[0]] = r[1]
			sumRow[r[0]] = i + 1
		}
	}
	if sum["Run"] != strconv.FormatInt(ids[2], 10) || sum["Status"] != "applied" || sum["Scope"] != "users+courses" ||
		sum["Trigger"] != "manual" || !strings.HasSuffix(sum["Source"], "OneRoster.zip") {
		t.Fatalf("summary %v", sum)
	}
	if sum["users deactivated"] != "1" || sum["users updated"] != "1" || sum["assignments added"] != "0" {
		t.Fatalf("summary counts %v", sum)
	}
	for _, k := range []string{"buildings added", "users added", "users reactivated", "users ignored", "users skipped", "users errors",
		"courses removed", "classes errors", "assignments removed"} {
		if _, ok := sum[k]; !ok {
			t.Errorf("summary lacks the count %q", k)
		}
	}
	for _, k := range []string{"Run", "users deactivated", "Errors (records skipped)"} {
		if !isNumber(t, f, SheetSummary, "B"+strconv.Itoa(sumRow[k])) {
			t.Errorf("summary %s is not a number cell", k)
		}
	}
	for _, k := range []string{"Started (UTC)", "Finished (UTC)"} {
		raw, _ := f.GetCellValue(SheetSummary, "B"+strconv.Itoa(sumRow[k]), excelize.Options{RawCellValue: true})
		if _, err := strconv.ParseFloat(raw, 64); err != nil || !regexp.MustCompile(`^2026-11-23 06:`).MatchString(sum[k]) {
			t.Errorf("summary %s = %q (raw %q), want a date-time", k, sum[k], raw)
		}
	}
}

func TestWriteXLSXContinuesOnANewSheetWhenOneIsFull(t *testing.T) {
	e, ids := history(t)
	defer func(n int) { maxDataRows = n }(maxDataRows)
	maxDataRows = 2
	f, raw := export(t, e, ids[1])
	ch := changes(t, e, ids[1])
	var want []string
	want = append(want, "Summary")
	for _, s := range []struct {
		name string
		n    int
	}{{"Errors", logCounts(t, e, ids[1])["error"]}, {"Warnings", logCounts(t, e, ids[1])["warning"]},
		{"Changes", len(ch)}, {"Info", logCounts(t, e, ids[1])["info"]}} {
		for k := 0; k == 0 || k*2 < s.n; k++ {
			if k == 0 {
				want = append(want, s.name)
			} else {
				want = append(want, s.name+" "+strconv.Itoa(k+1))
			}
		}
	}
	if got := strings.Join(f.GetSheetList(), ","); got != strings.Join(want, ",") {
		t.Fatalf("sheets %s, want %s", got, strings.Join(want, ","))
	}
	total := 0
	for _, s := range f.GetSheetList() {
		if strings.HasPrefix(s, "Changes") {
			r := rows(t, f, s)
			if len(r) > 3 || r[0][0] != "Entity" {
				t.Fatalf("sheet %s has %d rows, header %q", s, len(r), r[0])
			}
			if x := sheetXML(t, raw, f, s); !strings.Contains(x, `state="frozen"`) || !strings.Contains(x, `ySplit="1"`) {
				t.Errorf("sheet %s header not frozen", s)
			}
			total += len(r) - 1
		}
	}
	if total != len(ch) {
		t.Fatalf("changes over the sheets: %d, want %d", total, len(ch))
	}
}

func TestWriteCSVIsTheFullLog(t *testing.T) {
	e, ids := history(t)
	var buf bytes.Buffer
	if err := WriteCSV(context.Background(), e, ids[1], &buf); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var all []rosterdesk.LogEntry
	e.RunLog(context.Background(), ids[1], func(le rosterdesk.LogEntry) error { all = append(all, le); return nil })
	if len(recs) != len(all)+1 || strings.Join(recs[0], ",") != "severity,phase,file,line,column,sourcedId,field,rule,message,name,value,raw" {
		t.Fatalf("%d records for %d entries, header %q", len(recs), len(all), recs[0])
	}
	for i, le := range all {
		r := recs[i+1]
		if r[0] != le.Severity || r[2] != le.File || r[3] != strconv.Itoa(le.Line) || r[5] != le.SourcedID || r[8] != le.Message {
			t.Fatalf("record %d %q for %+v", i+1, r, le)
		}
	}
}

func TestUnknownRunWritesNothing(t *testing.T) {
	e := newEngine(t)
	var buf bytes.Buffer
	if err := WriteXLSX(context.Background(), e, 42, &buf); !errors.Is(err, data.ErrNotFound) || buf.Len() != 0 {
		t.Fatalf("xlsx: %v, %d bytes", err, buf.Len())
	}
	if err := WriteCSV(context.Background(), e, 42, &buf); !errors.Is(err, data.ErrNotFound) || buf.Len() != 0 {
		t.Fatalf("csv: %v, %d bytes", err, buf.Len())
	}
}

func TestSummaryNotesAPrunedLog(t *testing.T) {
	e, ids := history(t)
	ctx := context.Background()
	if _, err := e.PruneLogs(ctx, 1); err != nil {
		t.Fatal(err)
	}
	f, _ := export(t, e, ids[1])
	if n := len(rows(t, f, SheetErrors)); n != 1 {
		t.Fatalf("a pruned log still exported %d error rows", n-1)
	}
	note := ""
	for _, r := range rows(t, f, SheetSummary) {
		if len(r) == 1 && strings.Contains(r[0], "deleted") {
			note = r[0]
		}
	}
	if !strings.Contains(note, rsync.KeyLogRetention) {
		t.Fatalf("summary note %q", note)
	}
	if len(rows(t, f, SheetChanges)) < 2 {
		t.Fatal("the changes of a run outlive its log")
	}
}

// A held run's export lists who it would change, by name, on its own sheet,
// and labels its counts as planned.
func TestHeldRunExportListsWhoItChanges(t *testing.T) {
	e, _ := history(t)
	ctx := context.Background()
	if _, err := e.SetSetting(ctx, "guard.users.deactivate.count", "1"); err != nil {
		t.Fatal(err)
	}
	// A name a spreadsheet would run as a formula stays text on the sheet.
	third := bundle(user("u1", "student", "Ann"), user("t1", "teacher", "Thomas"), "u7,,,true,sch1,student,new,,@SUM(1),-Smith,,,,,,,05,")
	res, err := e.Sync(ctx, writeZip(t, third), rsync.Options{Scope: rosterdesk.ScopeUsersCourses, Trigger: rosterdesk.TriggerManual})
	if !rsync.IsHeld(err) {
		t.Fatalf("not held: %v", err)
	}
	f, _ := export(t, e, res.ID)
	got := rows(t, f, "Who it changes")
	if len(got) != res.Counts.Changes()+1 || strings.Join(got[0], ",") != "Change,Record,Name,Details,sourcedId,Line,Reason" {
		t.Fatalf("%d rows for %d changes: %q", len(got), res.Counts.Changes(), got[:min(3, len(got))])
	}
	found := false
	for _, r := range got[1:] {
		if r[1] == "user" && r[4] == "s10" {
			found = r[0] == "deactivate" && r[2] == "Kid10 Smith" && r[3] == "student · Maple Elementary"
		}
	}
	if !found {
		t.Fatalf("s10 not listed by name: %q", got)
	}
	formula, seen := false, false
	for i, r := range got {
		if len(r) > 2 && strings.HasPrefix(r[2], "@SUM(1)") {
			seen = true
			st, _ := f.GetCellStyle("Who it changes", "C"+strconv.Itoa(i+1))
			s, _ := f.GetStyle(st)
			typ, _ := f.GetCellType("Who it changes", "C"+strconv.Itoa(i+1))
			formula = s == nil || s.NumFmt != 49 || typ != excelize.CellTypeInlineString
		}
	}
	if formula || !seen {
		t.Errorf("a formula-like name on Who it changes is not kept as text (listed: %v)", seen)
	}
	planned := false
	for _, r := range rows(t, f, "Summary") {
		if len(r) > 0 && r[0] == "Planned counts (nothing applied)" {
			planned = true
		}
	}
	if !planned {
		t.Error("the summary does not label a held run's counts as planned")
	}
}
