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
	"math"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"rosterdesk/data"
	"rosterdesk/internal/appinfo"
	rsync "rosterdesk/sync"
)

// CSVHeader is the header of the CSV log: the columns `rosterdesk log --csv`
// has always written, then the record's name, the field's value and the row
// as the SIS sent it (for errors and warnings about one row).
var CSVHeader = []string{"severity", "phase", "file", "line", "column", "sourcedId", "field", "rule", "message", "name", "value", "raw"}

// WriteCSV writes run runID's full log (every severity, in logged order) to w
// as CSV; no value can run as a formula in a spreadsheet (see SafeCSV). An unknown run is data.ErrNotFound and nothing is written.
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
//     and every count of data.Counts;
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
			return t.add(wb.logRow(e))
		})
		if err = t.close(err); err != nil {
			return err
		}
		counts[sev.severity], sheetsOf[sev.sheet] = t.total, t.names
	}
	t := wb.table(SheetChanges, changeColumns)
	err = eng.DB.RunChanges(ctx, runID, func(a data.Audit) error {
		return t.add([]any{string(a.Entity), wb.text(a.SourcedID), a.Action, a.Field, wb.text(deref(a.Old)), wb.text(deref(a.New)),
			wb.text(a.Reason), wb.text(a.Admin), wb.timeCell(a.At)})
	})
	if err = t.close(err); err != nil {
		return err
	}
	changes := t.total
	sheetsOf[SheetChanges] = t.names
	t = wb.table(SheetInfo, logColumns)
	err = eng.DB.LogOfSeverity(ctx, runID, rsync.SevInfo, func(e data.LogEntry) error { return t.add(wb.logRow(e)) })
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
	page, err := eng.RunRecords(ctx, runID, rsync.RecordQuery{})
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

func (wb *workbook) logRow(e data.LogEntry) []any {
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

// summary writes the Summary sheet, the one an admin reads first: the run's
// context and what to do next, then its errors and warnings grouped by rule,
// the most frequent first, each with an example and what it means and how to
// fix it in the SIS; then what the other sheets hold and every count.
func (wb *workbook) summary(ctx context.Context, eng *rsync.Engine, run data.Run, logN map[string]int, changes int, sheetsOf map[string][]string) error {
	causes, err := eng.DB.LogByRule(ctx, run.ID)
	if err != nil {
		return err
	}
	admin := ""
	if admins, err := eng.DB.Admins(ctx); err == nil {
		for _, a := range admins {
			if a.ID == run.AdminID {
				admin = a.Email
				if a.Name != "" {
					admin = a.Name + " <" + a.Email + ">"
				}
			}
		}
	}
	// Printed (or saved as PDF) the sheet fits the page's width, in landscape.
	// (Set before the stream starts: the stream writes the sheet's settings first.)
	fit, one, auto, land := true, 1, 0, "landscape"
	if err := wb.f.SetSheetProps(SheetSummary, &excelize.SheetPropsOptions{FitToPage: &fit}); err != nil {
		return err
	}
	if err := wb.f.SetPageLayout(SheetSummary, &excelize.PageLayoutOptions{Orientation: &land, FitToWidth: &one, FitToHeight: &auto}); err != nil {
		return err
	}
	sw, err := wb.f.NewStreamWriter(SheetSummary)
	if err != nil {
		return err
	}
	for i := len(causeColumns) - 1; i >= 0; i-- {
		if err := sw.SetColWidth(i+1, i+1, causeColumns[i].width); err != nil {
			return err
		}
	}
	row := 0
	put := func(vals ...any) error {
		row++
		cell, _ := excelize.CoordinatesToCellName(1, row)
		return sw.SetRow(cell, vals)
	}
	// putLines writes a row tall enough for a wrapped text of n characters in
	// a column w characters wide (spreadsheets do not grow a written row).
	putLines := func(n int, w float64, vals ...any) error {
		row++
		cell, _ := excelize.CoordinatesToCellName(1, row)
		lines := int(math.Ceil(float64(n) / (w * 1.1)))
		if lines < 2 {
			return sw.SetRow(cell, vals)
		}
		return sw.SetRow(cell, vals, excelize.RowOpts{Height: 15 * float64(lines)})
	}
	heading := func(s string) error { return put(excelize.Cell{StyleID: wb.title, Value: s}) }

	src := rsync.RunSourceOf(run)
	source := src.Path
	switch {
	case src.REST && src.Provider != "":
		source = "REST provider " + src.Provider
	case src.Provider != "" && src.Provider != "absent":
		source = baseOf(src.Path) + " (from " + src.Provider + ")"
	default:
		source = baseOf(src.Path)
	}
	version := src.Version
	if version != "" {
		version = "OneRoster " + version
	}
	next := rsync.GuidanceErrors
	switch run.Status {
	case rsync.StatusFailed:
		next = rsync.GuidanceFailed
	case rsync.StatusHeld:
		next = rsync.GuidanceHeld
	}
	zone := time.Now().Format("MST, UTC-07:00")
	if err := heading(fmt.Sprintf("RosterDesk report of run %d", run.ID)); err != nil {
		return err
	}
	// A context row's value spans the causes table's width (B to J), so long
	// text and date-times show whole.
	contextRow := func(vals ...any) error {
		n := 0
		switch v := vals[1].(type) {
		case int, int64:
			vals[1] = excelize.Cell{StyleID: wb.left, Value: v}
		case excelize.Cell:
			if v.StyleID == wb.datetime {
				v.StyleID = wb.leftTime
				vals[1] = v
			}
			if s, ok := v.Value.(string); ok {
				n = len(s)
			}
		}
		width := 0.0
		for _, c := range causeColumns[1:] {
			width += c.width
		}
		if err := putLines(n, width, vals...); err != nil {
			return err
		}
		last, _ := excelize.CoordinatesToCellName(len(causeColumns), row)
		return sw.MergeCell(fmt.Sprintf("B%d", row), last)
	}
	for _, r := range [][]any{
		{"RosterDesk version", appinfo.Get().FullVersion()},
		{"Run", run.ID},
		{"Status", run.Status},
		{"Scope", run.Scope},
		{"Trigger", run.Trigger},
		{"Credited admin", wb.text(admin)},
		{"Source", wb.text(source)},
		{"Source path", wb.text(src.Path)},
		{"OneRoster version", version},
		{"Manifest", wb.text(src.Manifest)},
		{"Started (UTC)", wb.timeCell(run.StartedAt)},
		{"Started (local time, " + zone + ")", wb.localCell(run.StartedAt)},
		{"Finished (UTC)", wb.timeCell(run.FinishedAt)},
		{"Finished (local time, " + zone + ")", wb.localCell(run.FinishedAt)},
		{"Message", wb.text(run.Message)},
		{"Errors (records skipped)", run.Errors},
		{"Warnings (records kept, with a correction)", run.Warnings},
		{"What to do next", excelize.Cell{StyleID: wb.wrap, Value: next}},
		{"When to contact SIS support", excelize.Cell{StyleID: wb.wrap, Value: rsync.GuidanceSupport}},
	} {
		if err := contextRow(r...); err != nil {
			return err
		}
	}

	row++
	if err := heading("Errors and warnings by cause, the most frequent first"); err != nil {
		return err
	}
	hdr := make([]any, len(causeColumns))
	for i, c := range causeColumns {
		hdr[i] = excelize.Cell{StyleID: wb.header, Value: c.title}
	}
	if err := put(hdr...); err != nil {
		return err
	}
	first := row
	for _, c := range causes {
		ex := c.Example
		where := ex.File
		if ex.Line > 0 {
			where += ":" + strconv.Itoa(ex.Line)
		}
		help := rsync.RuleHelp(c.Rule)
		if err := putLines(len(help), causeColumns[len(causeColumns)-1].width, wb.text(c.Rule), c.Severity, c.Count, c.Rows, wb.text(strings.Join(c.Files, ", ")), wb.text(where),
			wb.text(ex.SourcedID), wb.text(ex.Value), wb.text(ex.Name), excelize.Cell{StyleID: wb.wrap, Value: help}); err != nil {
			return err
		}
	}
	if len(causes) == 0 {
		msg := "No errors or warnings."
		if run.Errors+run.Warnings > 0 {
			msg = "The log of this run was deleted by the " + rsync.KeyLogRetention + " setting (only the newest runs keep theirs); its counts remain above."
		}
		if err := put(msg); err != nil {
			return err
		}
	} else {
		last, _ := excelize.CoordinatesToCellName(len(causeColumns), row)
		if err := wb.f.AutoFilter(SheetSummary, fmt.Sprintf("A%d:%s", first, last), nil); err != nil {
			return err
		}
	}

	row++
	if err := heading("What the other sheets hold"); err != nil {
		return err
	}
	for _, s := range []struct{ sheet, sev, what string }{
		{SheetErrors, rsync.SevError, "Error entries"}, {SheetWarnings, rsync.SevWarning, "Warning entries"}, {SheetInfo, rsync.SevInfo, "Info entries"},
	} {
		if err := put(s.what+" (sheet "+strings.Join(sheetsOf[s.sheet], ", ")+")", logN[s.sev]); err != nil {
			return err
		}
	}
	if err := put("Changes (sheet "+strings.Join(sheetsOf[SheetChanges], ", ")+")", changes); err != nil {
		return err
	}
	row++
	// A run that applied nothing labels its numbers as planned, like History.
	what := "Counts"
	if rsync.FromRun(run).CountsAre == rsync.CountsPlanned {
		what = "Planned counts (nothing applied)"
		if run.Status == rsync.StatusApproved {
			what = fmt.Sprintf("Planned counts (applied by run %d)", run.ResolvedBy)
		}
	}
	if err := heading(what); err != nil {
		return err
	}
	for _, c := range countRows(run.Counts) {
		if err := put(c.name, c.n); err != nil {
			return err
		}
	}
	return sw.Flush()
}

// localCell is a stored timestamp in this computer's time zone, as a date-time cell.
func (wb *workbook) localCell(s string) any {
	t := data.ParseTime(s)
	if t.IsZero() {
		return wb.timeCell(s)
	}
	l := t.Local()
	return excelize.Cell{StyleID: wb.datetime, Value: time.Date(l.Year(), l.Month(), l.Day(), l.Hour(), l.Minute(), l.Second(), 0, time.UTC)}
}

func baseOf(p string) string {
	if i := strings.LastIndexAny(p, `/\`); i >= 0 {
		return p[i+1:]
	}
	return p
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
