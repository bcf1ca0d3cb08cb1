package report

import (
	"context"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"rosterdesk"
	"rosterdesk/data"
	"rosterdesk/internal/appinfo"
	rsync "rosterdesk/sync"
)

// summary writes the Summary sheet, the one an admin reads first: the run's
// context and what to do next, then its errors and warnings grouped by rule,
// the most frequent first, each with an example and what it means and how to
// fix it in the SIS; then what the other sheets hold and every count.
func (wb *workbook) summary(ctx context.Context, eng *rsync.Engine, run rosterdesk.Run, logN map[string]int, changes int, sheetsOf map[string][]string) error {
	causes, err := eng.LogByRule(ctx, run.ID)
	if err != nil {
		return err
	}
	admin := ""
	if admins, err := eng.Admins(ctx); err == nil {
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
	case rosterdesk.StatusFailed:
		next = rsync.GuidanceFailed
	case rosterdesk.StatusHeld:
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
		{"Started (UTC)", wb.timeCell(rosterdesk.Stamp(run.StartedAt))},
		{"Started (local time, " + zone + ")", wb.localCell(rosterdesk.Stamp(run.StartedAt))},
		{"Finished (UTC)", wb.timeCell(rosterdesk.Stamp(run.FinishedAt))},
		{"Finished (local time, " + zone + ")", wb.localCell(rosterdesk.Stamp(run.FinishedAt))},
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
		if run.Status == rosterdesk.StatusApproved {
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

// countRows lists every number of rosterdesk.Counts as "<entity> <count>", in the
// order the structs declare them, so a count added later is exported too.
func countRows(c rosterdesk.Counts) []countRow {
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
