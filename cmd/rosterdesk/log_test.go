package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

func TestLogXLSX(t *testing.T) {
	db := filepath.Join(t.TempDir(), "roster.db")
	rd(t, db, "admin", "add", "it@example.org", "IT Admin")
	rd(t, db, "settings", "set", "credited_admin", "it@example.org")
	src := writeZip(t, bundle("u1,,,true,s1,student,ann,,Ann,Lee,,,,,,,05,\nu2,,,true,s1,wizard,bo,,Bo,Lee,,,,,,,,\n"))
	if code, _, errs := rd(t, db, "sync", src, "--scope", "buildings"); code != 0 {
		t.Fatalf("buildings: exit %d %s", code, errs)
	}
	code, out, _ := rd(t, db, "sync", src, "--scope", "users", "--json")
	var res struct {
		RunID int64 `json:"run_id"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil || code != 1 {
		t.Fatalf("users: exit %d %v %s", code, err, out)
	}
	run := strconv.FormatInt(res.RunID, 10)

	dir := t.TempDir()
	xlsx, csvPath := filepath.Join(dir, "run.xlsx"), filepath.Join(dir, "run.csv")
	if code, out, errs := rd(t, db, "log", run, "--xlsx", xlsx, "--csv", csvPath); code != 0 || out != "" {
		t.Fatalf("log --xlsx: exit %d %q %q", code, out, errs)
	}
	f, err := excelize.OpenFile(xlsx)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := strings.Join(f.GetSheetList(), ","); got != "Summary,Errors,Warnings,Changes,Info" {
		t.Fatalf("sheets %s", got)
	}
	errRows, _ := f.GetRows("Errors")
	if len(errRows) != 2 || errRows[1][0] != "users.csv" || errRows[1][1] != "3" || errRows[1][3] != "u2" || errRows[1][5] != "role" {
		t.Fatalf("errors sheet %q", errRows)
	}
	changes, _ := f.GetRows("Changes")
	if len(changes) != 2 || changes[1][0] != "user" || changes[1][1] != "u1" || changes[1][2] != "add" || changes[1][6] != "new in users.csv" {
		t.Fatalf("changes sheet %q", changes)
	}
	if b, err := os.ReadFile(csvPath); err != nil || !strings.HasPrefix(string(b), "severity,phase,file,line,column,sourcedId,field,rule,message,name,value,raw\n") ||
		!strings.Contains(string(b), "error,") {
		t.Fatalf("csv beside the xlsx: %v %.200s", err, b)
	}

	missing := filepath.Join(dir, "none.xlsx")
	if code, _, errs := rd(t, db, "log", "999", "--xlsx", missing); code != 2 || !strings.Contains(errs, "no run 999") {
		t.Fatalf("unknown run: exit %d %q", code, errs)
	}
	if _, err := os.Stat(missing); !os.IsNotExist(err) {
		t.Fatalf("an export of an unknown run left a file: %v", err)
	}
	if code, _, _ := rd(t, db, "log", run, "--xlsx", filepath.Join(dir, "no", "such", "dir.xlsx")); code != 2 {
		t.Fatalf("unwritable path: exit %d", code)
	}
}
