// Package report exports one run for people who fix the SIS: an Excel
// workbook (Summary, Errors, Warnings, Changes and Info sheets) and the full
// log as CSV. Both are streamed: a run with a million log entries or a
// million changes is written row by row, never held in memory.
package report

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"

	"github.com/xuri/excelize/v2"

	"rosterdesk"
	"rosterdesk/data"
	rsync "rosterdesk/sync"
)

// CSVHeader is the header of the CSV log: the columns `rosterdesk log --csv`
// has always written, then the record's name, the field's value and the row
// as the SIS sent it (for errors and warnings about one row).
var CSVHeader = []string{"severity", "phase", "file", "line", "column", "sourcedId", "field", "rule", "message", "name", "value", "raw"}

// WriteCSV writes run runID's full log (every severity, in logged order) to w
// as CSV; no value can run as a formula in a spreadsheet (see SafeCSV). An unknown run is data.ErrNotFound and nothing is written.
func WriteCSV(ctx context.Context, eng *rsync.Engine, runID int64, w io.Writer) error {
	if _, err := eng.StoredRun(ctx, runID); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(CSVHeader); err != nil {
		return err
	}
	rec := make([]string, len(CSVHeader))
	_, err := eng.RunLog(ctx, runID, func(e rosterdesk.LogEntry) error {
		rec[0], rec[1], rec[2], rec[3], rec[4] = e.Severity, e.Phase, e.File, strconv.Itoa(e.Line), strconv.Itoa(e.Column)
		rec[5], rec[6], rec[7], rec[8] = e.SourcedID, e.Field, e.Rule, e.Message
		rec[9], rec[10], rec[11] = e.Name, e.Value, e.Raw
		return cw.Write(SafeCSVRecord(rec))
	})
	if err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}

// Sheet names, in the workbook's order. A sheet that would pass Excel's
// 1,048,576 rows continues on "Errors 2", "Errors 3", ...
const (
	SheetSummary  = "Summary"
	SheetErrors   = "Errors"
	SheetWarnings = "Warnings"
	SheetChanges  = "Changes"
	SheetInfo     = "Info"
	// SheetPlanned lists who a held run (or a dry run) would change, by name.
	SheetPlanned = "Who it changes"
)

// column is one column of a sheet: its header and width in characters.
type column struct {
	title string
	width float64
}

var (
	logColumns = []column{{"File", 20}, {"Line", 8}, {"Column", 8}, {"sourcedId", 24}, {"Name", 28}, {"Field", 18}, {"Value", 20},
		{"Rule", 24}, {"Message", 90}, {"Row as the SIS sent it", 80}}
	changeColumns = []column{{"Entity", 16}, {"sourcedId", 24}, {"Action", 12}, {"Field", 20}, {"Old", 28}, {"New", 28},
		{"Reason", 44}, {"Admin", 28}, {"At (UTC)", 20}}
	// The Summary sheet: the context in the first two columns, then the causes table.
	causeColumns = []column{{"Rule", 40}, {"Severity", 9}, {"Count", 7}, {"Rows", 7}, {"Files", 18}, {"Example (file:line)", 18},
		{"Example sourcedId", 16}, {"Example value", 16}, {"Example record", 22}, {"What it means and how to fix it in the SIS", 64}}
)

// maxDataRows is how many rows fit under the header of one sheet.
var maxDataRows = excelize.TotalRows - 1

// workbook is an export under construction.
type workbook struct {
	f        *excelize.File
	header   int // style of header cells
	datetime int // style of date-time cells
	textFmt  int // style of text cells a spreadsheet would take for formulas
	wrap     int // style of long text: wrapped
	left     int // a number on the Summary's context rows, left-aligned like the text
	leftTime int // a date-time there
	title    int // style of the Summary's title and headings
	sheets   []string
}

// WriteXLSX writes run runID as an Excel workbook to w. Sheets:
//
//   - Summary, the first: the context (RosterDesk version, source with its
//     OneRoster version and manifest, scope, trigger, credited admin, times in
//     UTC and local time), what to do next and when to contact SIS support;
//     then the errors and warnings grouped by rule, the most frequent first
//     (count, rows, files, an example, and the rule's sentence on what it
//     means and how to fix it in the SIS); then what the other sheets hold
//     and every count of rosterdesk.Counts;
//   - Errors and Warnings: the run's log entries of that severity (file, line,
//     column, sourcedId, the record's name, field, value, rule, message, the
//     row as the SIS sent it). An error means the record was skipped; a
//     warning means it was kept with something dropped or corrected;
//   - Changes: every change the run made with its reason (entity, sourcedId,
//     action, field, old, new, reason, admin, at);
//   - Info: the info entries of the log, which explain decisions (a user
//     ignored because its school is not aligned, say).
//
// Every table sheet has its header row frozen and an autofilter over its
// rows; numbers are number cells and times date-time cells. No text from the
// SIS can run as a formula (see safe.go). Each sheet is written with
// excelize's stream writer, one row at a time. An unknown run is
// data.ErrNotFound and nothing is written.
func WriteXLSX(ctx context.Context, eng *rsync.Engine, runID int64, w io.Writer) error {
	run, err := eng.StoredRun(ctx, runID)
	if err != nil {
		return err
	}
	f := excelize.NewFile()
	defer f.Close()
	wb := &workbook{f: f}
	if err := wb.styles(); err != nil {
		return err
	}
	if err := f.SetSheetName("Sheet1", SheetSummary); err != nil {
		return err
	}
	wb.sheets = []string{SheetSummary}
	_ = f.SetDocProps(&excelize.DocProperties{Title: fmt.Sprintf("RosterDesk run %d", run.ID), Creator: "RosterDesk"})

	counts := map[string]int{}
	sheetsOf := map[string][]string{}
	for _, sev := range []struct{ sheet, severity string }{{SheetErrors, rsync.SevError}, {SheetWarnings, rsync.SevWarning}} {
		t := wb.table(sev.sheet, logColumns)
		err := eng.LogOfSeverity(ctx, runID, sev.severity, func(e rosterdesk.LogEntry) error {
			return t.add(wb.logRow(e))
		})
		if err = t.close(err); err != nil {
			return err
		}
		counts[sev.severity], sheetsOf[sev.sheet] = t.total, t.names
	}
	t := wb.table(SheetChanges, changeColumns)
	_, err = eng.RunChanges(ctx, runID, func(a rosterdesk.Audit) error {
		return t.add([]any{string(a.Entity), wb.text(a.SourcedID), a.Action, a.Field, wb.text(deref(a.Old)), wb.text(deref(a.New)),
			wb.text(a.Reason), wb.text(a.Admin), wb.timeCell(a.At)})
	})
	if err = t.close(err); err != nil {
		return err
	}
	changes := t.total
	sheetsOf[SheetChanges] = t.names
	t = wb.table(SheetInfo, logColumns)
	err = eng.LogOfSeverity(ctx, runID, rsync.SevInfo, func(e rosterdesk.LogEntry) error { return t.add(wb.logRow(e)) })
	if err = t.close(err); err != nil {
		return err
	}
	counts[rsync.SevInfo], sheetsOf[SheetInfo] = t.total, t.names
	if err := wb.planned(ctx, eng, runID); err != nil {
		return err
	}

	if err := wb.summary(ctx, eng, run, counts, changes, sheetsOf); err != nil {
		return err
	}
	// Summary, the first sheet, is the active one. (SetActiveSheet would read
	// every finished stream back into memory.)
	return f.Write(w)
}

var plannedColumns = []column{{"Change", 12}, {"Record", 14}, {"Name", 28}, {"Details", 48}, {"sourcedId", 24}, {"Line", 8}, {"Reason", 44}}

// planned writes the records a held run or a dry run would touch, with
// names, when it lists any (an applied run's are on Changes).
func (wb *workbook) planned(ctx context.Context, eng *rsync.Engine, runID int64) error {
	page, err := eng.RunRecords(ctx, runID, rosterdesk.PlannedQuery{})
	if err != nil || page.Total == 0 {
		return err
	}
	t := wb.table(SheetPlanned, plannedColumns)
	for _, r := range page.Records {
		if err := t.add([]any{r.Action, string(r.Entity), wb.text(r.Name), wb.text(r.Detail), wb.text(r.SourcedID), number(r.Line), wb.text(r.Reason)}); err != nil {
			return t.close(err)
		}
	}
	return t.close(nil)
}

func (wb *workbook) styles() error {
	var err error
	wb.header, err = wb.f.NewStyle(&excelize.Style{
		Font:   &excelize.Font{Bold: true},
		Fill:   excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDE4EE"}},
		Border: []excelize.Border{{Type: "bottom", Color: "7F8FA6", Style: 1}},
	})
	if err != nil {
		return err
	}
	format := "yyyy-mm-dd hh:mm:ss"
	if wb.datetime, err = wb.f.NewStyle(&excelize.Style{CustomNumFmt: &format}); err != nil {
		return err
	}
	if wb.title, err = wb.f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 13}}); err != nil {
		return err
	}
	if wb.wrap, err = wb.f.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{WrapText: true}}); err != nil {
		return err
	}
	if wb.left, err = wb.f.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{Horizontal: "left"}}); err != nil {
		return err
	}
	if wb.leftTime, err = wb.f.NewStyle(&excelize.Style{CustomNumFmt: &format, Alignment: &excelize.Alignment{Horizontal: "left"}}); err != nil {
		return err
	}
	wb.textFmt, err = newTextStyle(wb.f)
	return err
}

// timeCell is a stored timestamp as a date-time cell (nil when empty; the
// text itself when it cannot be read as a time).
func (wb *workbook) timeCell(s string) any {
	if s == "" {
		return nil
	}
	t := data.ParseTime(s)
	if t.IsZero() {
		return s
	}
	return excelize.Cell{StyleID: wb.datetime, Value: t.UTC()}
}

func (wb *workbook) logRow(e rosterdesk.LogEntry) []any {
	return []any{wb.text(e.File), number(e.Line), number(e.Column), wb.text(e.SourcedID), wb.text(e.Name), wb.text(e.Field),
		wb.text(e.Value), wb.text(e.Rule), wb.text(e.Message), wb.text(e.Raw)}
}

// number is a line or column: a number cell, or empty when there is none (0).
func number(n int) any {
	if n <= 0 {
		return nil
	}
	return n
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
