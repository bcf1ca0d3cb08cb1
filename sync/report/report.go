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
	"reflect"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"rosterdesk/data"
	rsync "rosterdesk/sync"
)

// CSVHeader is the header of the CSV log, the columns `rosterdesk log --csv` has always written.
var CSVHeader = []string{"severity", "phase", "file", "line", "column", "sourcedId", "field", "rule", "message"}

// WriteCSV writes run runID's full log (every severity, in logged order) to w
// as CSV. An unknown run is data.ErrNotFound and nothing is written.
func WriteCSV(ctx context.Context, eng *rsync.Engine, runID int64, w io.Writer) error {
	if _, err := eng.DB.Run(ctx, runID); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(CSVHeader); err != nil {
		return err
	}
	rec := make([]string, len(CSVHeader))
	_, err := eng.RunLog(ctx, runID, func(e data.LogEntry) error {
		rec[0], rec[1], rec[2], rec[3], rec[4] = e.Severity, e.Phase, e.File, strconv.Itoa(e.Line), strconv.Itoa(e.Column)
		rec[5], rec[6], rec[7], rec[8] = e.SourcedID, e.Field, e.Rule, e.Message
		return cw.Write(rec)
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
)

// column is one column of a sheet: its header and width in characters.
type column struct {
	title string
	width float64
}

var (
	logColumns    = []column{{"File", 20}, {"Line", 8}, {"Column", 8}, {"sourcedId", 24}, {"Field", 20}, {"Rule", 28}, {"Message", 100}}
	changeColumns = []column{{"Entity", 16}, {"sourcedId", 24}, {"Action", 12}, {"Field", 20}, {"Old", 28}, {"New", 28},
		{"Reason", 44}, {"Admin", 28}, {"At (UTC)", 20}}
	summaryColumns = []column{{"Section", 12}, {"Item", 34}, {"Value", 60}}
)

// maxDataRows is how many rows fit under the header of one sheet.
var maxDataRows = excelize.TotalRows - 1

// workbook is an export under construction.
type workbook struct {
	f        *excelize.File
	header   int // style of header cells
	datetime int // style of date-time cells
	sheets   []string
}

// WriteXLSX writes run runID as an Excel workbook to w. Sheets:
//
//   - Summary: the run (id, status, scope, trigger, source, started and
//     finished as date-times, message, errors, warnings), what its log and
//     changes hold, and every count of data.Counts, one per row;
//   - Errors and Warnings: the run's log entries of that severity (file, line,
//     column, sourcedId, field, rule, message). An error means the record was
//     skipped; a warning means it was kept with something dropped or corrected;
//   - Changes: every change the run made with its reason (entity, sourcedId,
//     action, field, old, new, reason, admin, at);
//   - Info: the info entries of the log, which explain decisions (a user
//     ignored because its school is not aligned, say).
//
// Every sheet has its header row frozen and an autofilter over its rows;
// numbers are number cells and times date-time cells (UTC). Each sheet is
// written with excelize's stream writer, one row at a time. An unknown run
// is data.ErrNotFound and nothing is written.
func WriteXLSX(ctx context.Context, eng *rsync.Engine, runID int64, w io.Writer) error {
	run, err := eng.DB.Run(ctx, runID)
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
		err := eng.DB.LogOfSeverity(ctx, runID, sev.severity, func(e data.LogEntry) error {
			return t.add(logRow(e))
		})
		if err = t.close(err); err != nil {
			return err
		}
		counts[sev.severity], sheetsOf[sev.sheet] = t.total, t.names
	}
	t := wb.table(SheetChanges, changeColumns)
	err = eng.DB.RunChanges(ctx, runID, func(a data.Audit) error {
		return t.add([]any{string(a.Entity), a.SourcedID, a.Action, a.Field, deref(a.Old), deref(a.New), a.Reason, a.Admin, wb.timeCell(a.At)})
	})
	if err = t.close(err); err != nil {
		return err
	}
	changes := t.total
	sheetsOf[SheetChanges] = t.names
	t = wb.table(SheetInfo, logColumns)
	err = eng.DB.LogOfSeverity(ctx, runID, rsync.SevInfo, func(e data.LogEntry) error { return t.add(logRow(e)) })
	if err = t.close(err); err != nil {
		return err
	}
	counts[rsync.SevInfo], sheetsOf[SheetInfo] = t.total, t.names

	if err := wb.summary(run, counts, changes, sheetsOf); err != nil {
		return err
	}
	// Summary, the first sheet, is the active one. (SetActiveSheet would read
	// every finished stream back into memory.)
	return f.Write(w)
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
	wb.datetime, err = wb.f.NewStyle(&excelize.Style{CustomNumFmt: &format})
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

func logRow(e data.LogEntry) []any {
	return []any{e.File, number(e.Line), number(e.Column), e.SourcedID, e.Field, e.Rule, e.Message}
}

// number is a line or column: a number cell, or empty when there is none (0).
func number(n int) any {
	if n <= 0 {
		return nil
	}
	return n
}

func deref(s *string) any {
	if s == nil {
		return nil
	}
	return *s
}

// tableSheet writes rows under a frozen header, continuing on a new sheet
// when one is full.
type tableSheet struct {
	wb    *workbook
	base  string
	cols  []column
	names []string // the sheets written, base first
	sw    *excelize.StreamWriter
	row   int // last row written on the current sheet
	limit int // data rows a sheet takes before the next one starts
	total int
	err   error
}

func (wb *workbook) table(base string, cols []column) *tableSheet {
	t := &tableSheet{wb: wb, base: base, cols: cols, limit: maxDataRows}
	t.err = t.open()
	return t
}

// open starts the next sheet: widths, frozen header row, header.
func (t *tableSheet) open() error {
	name := t.base
	if len(t.names) > 0 {
		name = fmt.Sprintf("%s %d", t.base, len(t.names)+1)
	}
	f := t.wb.f
	if _, err := f.NewSheet(name); err != nil {
		return err
	}
	t.wb.sheets = append(t.wb.sheets, name)
	t.names = append(t.names, name)
	sw, err := f.NewStreamWriter(name)
	if err != nil {
		return err
	}
	t.sw, t.row = sw, 0
	return t.start(t.cols)
}

// start writes what precedes the rows of the current sheet: widths, panes, header.
func (t *tableSheet) start(cols []column) error {
	// excelize puts each new column before the others; Excel wants them in
	// order, so they are set from the last to the first.
	for i := len(cols) - 1; i >= 0; i-- {
		if err := t.sw.SetColWidth(i+1, i+1, cols[i].width); err != nil {
			return err
		}
	}
	if err := t.sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft",
		Selection: []excelize.Selection{{SQRef: "A2", ActiveCell: "A2", Pane: "bottomLeft"}}}); err != nil {
		return err
	}
	hdr := make([]any, len(cols))
	for i, c := range cols {
		hdr[i] = excelize.Cell{StyleID: t.wb.header, Value: c.title}
	}
	t.row = 1
	return t.sw.SetRow("A1", hdr)
}

// add writes one row.
func (t *tableSheet) add(vals []any) error {
	if t.err != nil {
		return t.err
	}
	if t.row-1 >= t.limit {
		if t.err = t.finish(); t.err != nil {
			return t.err
		}
		if t.err = t.open(); t.err != nil {
			return t.err
		}
	}
	t.row++
	t.total++
	cell, _ := excelize.CoordinatesToCellName(1, t.row)
	t.err = t.sw.SetRow(cell, vals)
	return t.err
}

// finish puts the autofilter over the current sheet's rows and ends its stream.
func (t *tableSheet) finish() error {
	last, err := excelize.CoordinatesToCellName(len(t.cols), max(t.row, 1))
	if err != nil {
		return err
	}
	if err := t.wb.f.AutoFilter(t.sw.Sheet, "A1:"+last, nil); err != nil {
		return err
	}
	return t.sw.Flush()
}

// close ends the table; err is the error of the query that fed it.
func (t *tableSheet) close(err error) error {
	if t.err != nil {
		return t.err
	}
	if err != nil {
		return err
	}
	return t.finish()
}

// summary writes the Summary sheet: the run, what the other sheets hold, and its counts.
func (wb *workbook) summary(run data.Run, logN map[string]int, changes int, sheetsOf map[string][]string) error {
	sw, err := wb.f.NewStreamWriter(SheetSummary)
	if err != nil {
		return err
	}
	t := &tableSheet{wb: wb, base: SheetSummary, cols: summaryColumns, names: []string{SheetSummary}, sw: sw, limit: excelize.TotalRows - 1}
	if err := t.start(summaryColumns); err != nil {
		return err
	}
	rows := [][]any{
		{"Run", "Run id", run.ID},
		{"Run", "Status", run.Status},
		{"Run", "Scope", run.Scope},
		{"Run", "Trigger", run.Trigger},
		{"Run", "Source", run.Source},
		{"Run", "Started (UTC)", wb.timeCell(run.StartedAt)},
		{"Run", "Finished (UTC)", wb.timeCell(run.FinishedAt)},
		{"Run", "Message", run.Message},
		{"Run", "Errors (records skipped)", run.Errors},
		{"Run", "Warnings (records kept, with a correction)", run.Warnings},
	}
	for _, s := range []struct{ sheet, sev, what string }{
		{SheetErrors, rsync.SevError, "Error entries"}, {SheetWarnings, rsync.SevWarning, "Warning entries"}, {SheetInfo, rsync.SevInfo, "Info entries"},
	} {
		rows = append(rows, []any{"Log", s.what + " (sheet " + strings.Join(sheetsOf[s.sheet], ", ") + ")", logN[s.sev]})
	}
	if logN[rsync.SevError]+logN[rsync.SevWarning]+logN[rsync.SevInfo] == 0 && run.Errors+run.Warnings > 0 {
		rows = append(rows, []any{"Log", "Note", "The log of this run was deleted by the " + rsync.KeyLogRetention +
			" setting (only the newest runs keep theirs); its counts remain."})
	}
	rows = append(rows, []any{"Changes", "Changes (sheet " + strings.Join(sheetsOf[SheetChanges], ", ") + ")", changes})
	// A run that applied nothing labels its numbers as planned, like History.
	what := "Counts"
	if rsync.FromRun(run).CountsAre == rsync.CountsPlanned {
		what = "Planned counts (nothing applied)"
		if run.Status == rsync.StatusApproved {
			what = fmt.Sprintf("Planned counts (applied by run %d)", run.ResolvedBy)
		}
	}
	for _, c := range countRows(run.Counts) {
		rows = append(rows, []any{what, c.name, c.n})
	}
	for _, r := range rows {
		if err := t.add(r); err != nil {
			return err
		}
	}
	return t.finish()
}

type countRow struct {
	name string
	n    int
}

// countRows lists every number of data.Counts as "<entity> <count>", in the
// order the structs declare them, so a count added later is exported too.
func countRows(c data.Counts) []countRow {
	var out []countRow
	v := reflect.ValueOf(c)
	for i := 0; i < v.NumField(); i++ {
		ent := jsonName(v.Type().Field(i))
		fv := v.Field(i)
		if fv.Kind() != reflect.Struct {
			continue
		}
		for j := 0; j < fv.NumField(); j++ {
			if k := fv.Field(j).Kind(); k >= reflect.Int && k <= reflect.Int64 {
				out = append(out, countRow{ent + " " + jsonName(fv.Type().Field(j)), int(fv.Field(j).Int())})
			}
		}
	}
	return out
}

func jsonName(f reflect.StructField) string {
	if tag, _, _ := strings.Cut(f.Tag.Get("json"), ","); tag != "" && tag != "-" {
		return tag
	}
	return strings.ToLower(f.Name)
}
