package report

import (
	"bytes"
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"rosterdesk"
)

// TestRosterExports: after two syncs (one user gone, one renamed to a
// formula), the workbook and the CSV files hold every record with its status,
// and nothing in them can run as a formula.
func TestRosterExports(t *testing.T) {
	e := newEngine(t)
	hyper := `=HYPERLINK("http://x","y")`
	base := []string{user("u1", "student", "Ann"), user("u2", "student", "Ben"), user("t1", "teacher", "Tom")}
	for i := 10; i < 30; i++ {
		base = append(base, user("s"+strconv.Itoa(i), "student", "Kid"+strconv.Itoa(i)))
	}
	first := bundle(base...)
	second := bundle(append([]string{`u1,,,true,sch1,student,ann,,"` + strings.ReplaceAll(hyper, `"`, `""`) + `",@SUM(1),,,,,,,05,`,
		user("t1", "teacher", "Tom")}, base[3:]...)...)
	mustSync(t, e, writeZip(t, first), rosterdesk.ScopeBuildings)
	mustSync(t, e, writeZip(t, first), rosterdesk.ScopeUsersCourses)
	mustSync(t, e, writeZip(t, second), rosterdesk.ScopeUsersCourses)
	rc, err := e.Roster(context.Background())
	if err != nil {
		t.Fatal(err)
	}

	var buf bytes.Buffer
	if err := WriteRosterXLSX(context.Background(), e, &buf); err != nil {
		t.Fatal(err)
	}
	raw := buf.Bytes()
	f, err := excelize.OpenReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := strings.Join(f.GetSheetList(), ","); got != "Buildings,Users,Courses,Classes,Assignments" {
		t.Fatalf("sheets %s", got)
	}
	count := func(sheet string) map[string]int {
		n := map[string]int{}
		for _, r := range rows(t, f, sheet)[1:] {
			col := 1
			if sheet == SheetBuildings {
				col = 2
			}
			n[r[col]]++
		}
		return n
	}
	if u := count(SheetUsers); u["active"] != rc.Users.Active || u["inactive"] != rc.Users.Inactive || rc.Users.Inactive != 1 {
		t.Fatalf("users %v, roster %+v", u, rc.Users)
	}
	if b := count(SheetBuildings); b["active"] != rc.Buildings.Active {
		t.Fatalf("buildings %v, roster %+v", b, rc.Buildings)
	}
	if a := count(SheetAssignments); a["active"] != rc.Assignments.Active || a["inactive"] != rc.Assignments.Removed {
		t.Fatalf("assignments %v, roster %+v", a, rc.Assignments)
	}
	var u1 []string
	for i, r := range rows(t, f, SheetUsers) {
		if r[0] == "u1" {
			u1 = r
			for _, col := range []string{"D", "E"} {
				cell := col + strconv.Itoa(i+1)
				typ, _ := f.GetCellType(SheetUsers, cell)
				st, _ := f.GetCellStyle(SheetUsers, cell)
				s, _ := f.GetStyle(st)
				if typ != excelize.CellTypeInlineString || s == nil || s.NumFmt != 49 {
					t.Errorf("%s: type %v, format %+v", cell, typ, s)
				}
			}
		}
	}
	if u1 == nil || u1[3] != hyper || u1[4] != "@SUM(1)" || u1[1] != "active" || !strings.Contains(u1[11], "Maple Elementary (sch1)") {
		t.Fatalf("u1 row %q", u1)
	}
	for _, sheet := range f.GetSheetList() {
		if x := sheetXML(t, raw, f, sheet); strings.Contains(x, "<f>") || strings.Contains(x, "<f ") {
			t.Errorf("sheet %s has a formula", sheet)
		}
	}

	dir := filepath.Join(t.TempDir(), "roster")
	if err := WriteRosterCSV(context.Background(), e, dir); err != nil {
		t.Fatal(err)
	}
	for _, name := range RosterFiles {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		sheet := strings.ToUpper(name[:1]) + strings.TrimSuffix(name[1:], ".csv")
		if len(recs) != len(rows(t, f, sheet)) {
			t.Errorf("%s: %d rows, the sheet %d", name, len(recs), len(rows(t, f, sheet)))
		}
		for _, r := range recs {
			for _, v := range r {
				if formulaLike(v) {
					t.Errorf("%s: %q would run as a formula", name, v)
				}
			}
			if name == "users.csv" && r[0] == "u1" && (r[3] != "'"+hyper || r[4] != "'@SUM(1)") {
				t.Errorf("u1 in users.csv %q", r)
			}
		}
	}
	if err := WriteRosterCSV(context.Background(), e, dir); err == nil {
		t.Fatal("wrote over an earlier export")
	}
}
