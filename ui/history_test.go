package ui

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"
	"github.com/xuri/excelize/v2"

	"rosterdesk"
	rsync "rosterdesk/sync"
	"rosterdesk/sync/gen"
)

func TestHistoryEmpty(t *testing.T) {
	m, w := newTestUI(t, openEngine(t))
	m.tabs.SelectIndex(3)
	idle(t, m)
	if !m.history.empty.Visible() || m.history.table.table.Visible() {
		t.Fatalf("empty label visible=%v, table visible=%v; want the label only", m.history.empty.Visible(), m.history.table.table.Visible())
	}
	if texts := visibleTexts(w.Content()); !contains(texts, noRunsText) {
		t.Errorf("%q not on screen; visible: %q", noRunsText, texts)
	}
}

// The History pages through thousands of runs, newest first, exactly as the engine lists them.
func TestHistoryPagesThroughRuns(t *testing.T) {
	eng := openEngine(t)
	m, w := newTestUI(t, eng)
	const n = 2500
	for i := 0; i < n; i++ {
		r := rosterdesk.Run{Scope: "users+courses", Trigger: "automated", Status: "applied",
			StartedAt: time.Date(2026, time.Month(1+i/28%12), 1+i%28, 6, 0, 0, 0, time.UTC), FinishedAt: time.Date(2026, 1, 1, 6, 1, 0, 0, time.UTC)}
		r.Counts.Users = rosterdesk.UserCounts{Added: i, Deactivated: i % 7, Errors: i % 3}
		switch i % 500 {
		case 17:
			r.Status, r.Message = "failed", "users.csv line 1: required column username is missing from the header; nothing was imported\nmore detail"
		case 42:
			r.Scope, r.Trigger = "buildings", "manual"
		}
		addRun(t, eng, r)
	}
	m.tabs.SelectIndex(3)
	idle(t, m)
	h := m.history
	if rows, cols := h.table.table.Length(); rows != n || cols != len(historyColumns)+1 {
		t.Fatalf("table is %dx%d, want %dx%d", rows, cols, n, len(historyColumns)+1)
	}
	if h.table.status.Text != "2,500 runs, newest first." {
		t.Errorf("status = %q", h.table.status.Text)
	}
	if len(h.table.pages) > 2 {
		t.Errorf("%d pages loaded for the first screen", len(h.table.pages))
	}
	ctx := context.Background()
	for _, row := range []int{0, 1, 99, 100, 1234, n - 1} {
		want, err := eng.History(ctx, 1, row)
		if err != nil || len(want) != 1 {
			t.Fatal(err)
		}
		if got := cells(t, h.table, row); !reflect.DeepEqual(got, historyRow(want[0])) {
			t.Errorf("row %d = %q, engine has %q", row, got, historyRow(want[0]))
		}
	}
	// A failed run's one-line cause; buildings and automated runs named as on the product page.
	failed := cells(t, h.table, n-1-17)
	if failed[2] != "Failed: users.csv line 1: required column username is missing from the header; nothing was imported" {
		t.Errorf("failed run row %q", failed)
	}
	if got := cells(t, h.table, n-1-42)[1]; got != "Buildings, Manual" {
		t.Errorf("sync type %q", got)
	}
	if got := cells(t, h.table, 0)[1]; got != "Users + Courses, Automated" {
		t.Errorf("sync type %q", got)
	}
	if len(h.table.pages) > maxPages {
		t.Errorf("%d pages kept, at most %d", len(h.table.pages), maxPages)
	}
	// The headings are drawn, with the Full log action.
	texts := drawnTexts(w.Content())
	for _, s := range []string{"Date time", "(UTC)", "Sync type", "added / deact. / errors", "Full log"} {
		if !contains(texts, s) {
			t.Errorf("%q not drawn; drawn: %q", s, texts)
		}
	}
}

// brokenFolder writes a generated district (the day after day 0 when next > 0)
// as a folder whose users.csv ends with a row that cannot be read.
func brokenFolder(t *testing.T, next int64) string {
	t.Helper()
	d := gen.Generate(gen.Small())
	if next > 0 {
		d = gen.NextDay(d, next)
	}
	dir := t.TempDir()
	if err := d.Write(dir, gen.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(filepath.Join(dir, "users.csv"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("bad-0001,,,true\n")
	f.Close()
	return dir
}

// syncWithErrors syncs a generated district with a broken user row and returns the users run.
func syncWithErrors(t *testing.T, eng *rsync.Engine) *rsync.Result {
	t.Helper()
	src := brokenFolder(t, 0)
	syncs(t, eng, src, rosterdesk.ScopeBuildings)
	res := syncs(t, eng, src, rosterdesk.ScopeUsersCourses)
	if res.Errors == 0 {
		t.Fatal("the broken row was not rejected")
	}
	return res
}

// The log viewer shows what the engine logged, filtered the way the engine filters.
func TestLogViewerShowsEngineLog(t *testing.T) {
	eng := adminEngine(t)
	ctx := context.Background()
	src, _ := district(t, 0, "")
	syncs(t, eng, src, rosterdesk.ScopeBuildings)
	syncs(t, eng, src, rosterdesk.ScopeUsersCourses)
	// The next day, with a broken users.csv row.
	res := syncs(t, eng, brokenFolder(t, 3), rosterdesk.ScopeUsersCourses)
	if res.Errors == 0 || res.Counts.Users.Deactivated == 0 {
		t.Fatalf("day 2: %+v", res)
	}

	m, w := newTestUI(t, eng)
	m.tabs.SelectIndex(3)
	idle(t, m)
	h := m.history
	if row := cells(t, h.table, 0); row[4] != fmt.Sprintf("%s / %s / %s", num(res.Counts.Users.Added), num(res.Counts.Users.Deactivated), num(res.Counts.Users.Errors)) {
		t.Fatalf("history row %q for counts %+v", row, res.Counts.Users)
	}
	// "Full log" on the row opens the viewer.
	r, _ := h.table.row(0)
	h.table.action(r)
	idle(t, m)
	v := h.log
	if h.list.Visible() || !v.content().Visible() || v.run.ID != res.ID {
		t.Fatalf("log viewer not shown for run %d", res.ID)
	}
	_, counts, err := eng.LogPage(ctx, res.ID, rosterdesk.LogFilter{}, 1, 0)
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, n := range counts {
		total += n
	}
	if v.table.total != total || total == 0 || counts["change"] == 0 {
		t.Fatalf("viewer shows %d rows, engine %d (%v)", v.table.total, total, counts)
	}
	if v.counts.Text != severityCounts(counts) {
		t.Errorf("counts line %q", v.counts.Text)
	}
	if !strings.Contains(strings.Join(visibleTexts(w.Content()), "\n"), "Error: the record was skipped. Warning: the record was kept") {
		t.Error("the error/warning legend is not shown")
	}

	check := func(name string, f rosterdesk.LogFilter) {
		t.Helper()
		idle(t, m)
		want, _, err := eng.LogPage(ctx, res.ID, f, 100000, 0)
		if err != nil {
			t.Fatal(err)
		}
		if v.table.total != len(want) {
			t.Fatalf("%s: viewer %d rows, engine %d", name, v.table.total, len(want))
		}
		for _, i := range []int{0, len(want) / 2, len(want) - 1} {
			if i < 0 {
				continue
			}
			got := cells(t, v.table, i)
			wr := want[i]
			if got[0] != wr.Severity || got[4] != wr.SourcedID || got[7] != wr.Message || got[2] != wr.File {
				t.Errorf("%s row %d: %q, engine %+v", name, i, got, wr)
			}
		}
	}
	v.severity.SetSelected(sevErrors)
	check("errors", rosterdesk.LogFilter{Severity: "error"})
	// A selected entry shows its rule's sentence: what it means, how to fix it in the SIS.
	first, _ := v.table.row(0)
	v.table.onSelected(0, first)
	if lr := first.key.(rosterdesk.LogRow); rsync.RuleHelp(lr.Rule) == "" || !strings.Contains(v.detail.Text, rsync.RuleHelp(lr.Rule)) {
		t.Errorf("selected %s: detail %q", lr.Rule, v.detail.Text)
	}
	if row := cells(t, v.table, 0); row[4] != "bad-0001" || row[2] != "users.csv" || row[1] != "user" {
		t.Errorf("error row %q", row)
	}
	v.severity.SetSelected(sevChanges)
	check("changes", rosterdesk.LogFilter{Severity: "change"})
	v.entity.SetSelected("user")
	check("user changes", rosterdesk.LogFilter{Severity: "change", Entity: "user"})
	// Deactivations carry their reason.
	v.text.SetText("absent from")
	wait(t, v.apply())
	check("absent users", rosterdesk.LogFilter{Severity: "change", Entity: "user", Text: "absent from"})
	if v.table.total != res.Counts.Users.Deactivated {
		t.Errorf("%d users absent, %d deactivations shown", res.Counts.Users.Deactivated, v.table.total)
	}
	v.severity.SetSelected(sevAll)
	v.entity.SetSelected(allEntities)
	v.text.SetText("")
	wait(t, v.apply())
	if !contains(v.file.Options, "users.csv") && !contains(v.file.Options, "enrollments.csv") {
		t.Errorf("file filter options %q", v.file.Options)
	}
	v.file.SetSelected(v.file.Options[len(v.file.Options)-1])
	check("one file", rosterdesk.LogFilter{File: v.file.Selected})

	// Back to the list.
	h.showList()
	if !h.list.Visible() || v.content().Visible() {
		t.Error("Back did not return to the list")
	}
}

// A run's export is the report package's, written through the save dialog's writer.
func TestExportRun(t *testing.T) {
	eng := adminEngine(t)
	res := syncWithErrors(t, eng)
	m, _ := newTestUI(t, eng)
	ctx := context.Background()
	dir := t.TempDir()

	note := widget.NewLabel("")
	for _, f := range []exportFormat{exportXLSX, exportCSV} {
		p := filepath.Join(dir, exportFileName(res.ID, f))
		wc, err := storage.Writer(storage.NewFileURI(p))
		if err != nil {
			t.Fatal(err)
		}
		wait(t, exportTo(m.load, eng, res.ID, f, wc, note))
		if note.Importance != widget.SuccessImportance || !strings.Contains(note.Text, p) {
			t.Fatalf("%s: note %q", f, note.Text)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if f == exportCSV {
			recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			if _, err := eng.RunLog(ctx, res.ID, func(rosterdesk.LogEntry) error { n++; return nil }); err != nil {
				t.Fatal(err)
			}
			if len(recs) != n+1 {
				t.Errorf("CSV has %d records for %d log entries", len(recs), n)
			}
			continue
		}
		x, err := excelize.OpenReader(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		sheets := x.GetSheetList()
		for _, s := range []string{"Summary", "Errors", "Warnings", "Changes"} {
			if !contains(sheets, s) {
				t.Errorf("sheet %s missing from %q", s, sheets)
			}
		}
		x.Close()
	}
	if exportFileName(7, exportXLSX) != "rosterdesk-run-7.xlsx" {
		t.Error(exportFileName(7, exportXLSX))
	}
}

// Every status reads as a sentence in the History.
func TestHistoryStatuses(t *testing.T) {
	for _, c := range []struct {
		r    rsync.Result
		want string
	}{
		{rsync.Result{Run: rosterdesk.Run{Status: rosterdesk.StatusApplied}}, "Applied"},
		{rsync.Result{Run: rosterdesk.Run{Status: rosterdesk.StatusApplied, Undoes: 7}}, "Applied: undoes run 7"},
		{rsync.Result{Run: rosterdesk.Run{Status: rosterdesk.StatusRolledBack, ResolvedBy: 9}}, "Rolled back by run 9"},
		{rsync.Result{Run: rosterdesk.Run{Status: rosterdesk.StatusApproved, ResolvedBy: 9}}, "Approved: applied by run 9"},
		{rsync.Result{Run: rosterdesk.Run{Status: rosterdesk.StatusDiscarded}}, "Discarded: nothing applied"},
		{rsync.Result{Run: rosterdesk.Run{Status: rosterdesk.StatusCancelled, Message: "cancelled; nothing was applied"}}, "Cancelled: nothing applied"},
		{rsync.Result{Run: rosterdesk.Run{Status: rosterdesk.StatusSkipped, Message: "skipped: paused from 2026-06-10 until 2026-08-20"}}, "Skipped: paused from 2026-06-10 until 2026-08-20"},
		{rsync.Result{Run: rosterdesk.Run{Status: rosterdesk.StatusMissed, Message: "missed: RosterDesk was not running at 06:00 UTC"}}, "Missed: RosterDesk was not running at 06:00 UTC"},
		{rsync.Result{Run: rosterdesk.Run{Status: rosterdesk.StatusRefused, Message: "another run is in progress"}}, "Refused: another run is in progress"},
		{rsync.Result{Run: rosterdesk.Run{Status: rosterdesk.StatusDryRun}}, "Preview only, nothing applied"},
		{rsync.Result{Run: rosterdesk.Run{Status: rosterdesk.StatusDryRun, Tripped: []rosterdesk.Trip{{Entity: "users", Action: "deactivate", Count: 100, Active: 327, Percent: 30.6, Limit: "10%"}}}},
			"Preview only: applying would be held (deactivate 30.6% of users (100 of 327; limit 10%))"},
		{rsync.Result{Run: rosterdesk.Run{Status: rosterdesk.StatusHeld, Tripped: []rosterdesk.Trip{
			{Entity: "users", Action: "deactivate", Count: 100, Active: 327, Percent: 30.6, Limit: "10%"},
			{Entity: "users.csv", Action: "input", Reason: "users.csv is empty now; it had 387 rows in run 2"}}}},
			"Held — needs review: deactivate 30.6% of users (100 of 327; limit 10%) (and 1 more)"},
		{rsync.Result{Run: rosterdesk.Run{Status: rosterdesk.StatusHeld, Tripped: []rosterdesk.Trip{{Entity: "users.csv", Action: "input", Reason: "users.csv is empty now; it had 387 rows in run 2"}}}},
			"Held — needs review: users.csv is empty now; it had 387 rows in run 2"},
	} {
		if got := runStatus(c.r); got != c.want {
			t.Errorf("%s: %q, want %q", c.r.Status, got, c.want)
		}
	}
	// Recorded runs read the same in the table.
	eng := openEngine(t)
	addRun(t, eng, rosterdesk.Run{Scope: "users+courses", Trigger: "automated", Status: rosterdesk.StatusSkipped, StartedAt: time.Date(2026, 6, 12, 6, 0, 0, 0, time.UTC),
		FinishedAt: time.Date(2026, 6, 12, 6, 0, 0, 0, time.UTC), Message: "skipped: paused from 2026-06-10 until 2026-08-20"})
	m, _ := newTestUI(t, eng)
	m.selectTab(NavHistory)
	idle(t, m)
	if row := cells(t, m.history.table, 0); row[2] != "Skipped: paused from 2026-06-10 until 2026-08-20" {
		t.Errorf("skipped row %q", row)
	}
}

// A run that applied nothing labels its numbers as planned; Buildings has its column.
func TestHistoryRowLabelsPlannedNumbers(t *testing.T) {
	c := rosterdesk.Counts{Buildings: rosterdesk.BuildingCounts{Added: 2, Updated: 1, Deactivated: 3}, Users: rosterdesk.UserCounts{Deactivated: 895}}
	held := historyRow(rsync.Result{Run: rosterdesk.Run{Status: rosterdesk.StatusHeld, Counts: c}, CountsAre: rsync.CountsPlanned})
	applied := historyRow(rsync.Result{Run: rosterdesk.Run{Status: rosterdesk.StatusApplied, Counts: c}, CountsAre: rsync.CountsApplied})
	if held[3] != "planned 2 / 1 / 3" || held[4] != "planned 0 / 895 / 0" {
		t.Errorf("held row %q", held)
	}
	if applied[3] != "2 / 1 / 3" || applied[4] != "0 / 895 / 0" {
		t.Errorf("applied row %q", applied)
	}
	if none := historyRow(rsync.Result{Run: rosterdesk.Run{Status: rosterdesk.StatusSkipped}, CountsAre: rsync.CountsNone}); none[4] != "—" {
		t.Errorf("skipped row %q", none)
	}
	if d := runDetail(rsync.Result{Run: rosterdesk.Run{ID: 9, Status: rosterdesk.StatusDiscarded, Counts: c}, CountsAre: rsync.CountsPlanned}); !strings.Contains(d, "Nothing of it was applied. Planned:\nBuildings: 2 added") {
		t.Errorf("detail %q", d)
	}
}
