package ui

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"rosterdesk"
	rsync "rosterdesk/sync"
)

// logPage is how many log rows the viewer reads at a time.
const logPage = 200

// Severity filter choices, and what each means.
const (
	sevAll      = "All severities"
	sevErrors   = "Errors"
	sevWarnings = "Warnings"
	sevInfo     = "Info"
	sevChanges  = "Changes"
	allFiles    = "All files"
	allEntities = "All entities"
)

var severityOf = map[string]string{sevErrors: rsync.SevError, sevWarnings: rsync.SevWarning, sevInfo: rsync.SevInfo, sevChanges: severityChange}

// entityChoices are the entity filter's choices (rosterdesk.Entity values).
var entityChoices = []string{allEntities, "building", "user", "academicSession", "course", "class", "assignment"}

// logLegend keeps the distinction between errors and warnings in front of the admin.
const logLegend = "Error: the record was skipped. Warning: the record was kept, with something dropped or corrected. " +
	"Info: a decision explained. Change: what the run did to a record, with its reason."

var logColumns = []pagedColumn{
	{"Severity", "warning"},
	{"Entity", "academicSession"},
	{"File", "academicSessions.csv"},
	{"Line", "0000000"},
	{"sourcedId", "stu-0000000-0000"},
	{"Field", "orgSourcedIds"},
	{"Rule", "required.missing"},
	{"Message", strings.Repeat("m", 60)},
}

// logViewer shows one run's full log, filtered, page by page.
type logViewer struct {
	l   *loader
	eng *rsync.Engine
	win func() fyne.Window

	run      rsync.Result
	heading  *widget.Label
	counts   *widget.Label
	severity *widget.Select
	file     *widget.Select
	entity   *widget.Select
	text     *widget.Entry
	table    *pagedTable
	detail   *widget.Label
	note     *widget.Label
	debounce *time.Timer
	root     *fyne.Container
}

func newLogViewer(l *loader, eng *rsync.Engine, win func() fyne.Window, back func()) *logViewer {
	v := &logViewer{l: l, eng: eng, win: win}
	v.heading = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	v.heading.Wrapping = fyne.TextWrapWord
	v.counts = widget.NewLabel("")
	v.counts.Wrapping = fyne.TextWrapWord
	v.detail = widget.NewLabel("")
	v.detail.Wrapping = fyne.TextWrapWord
	v.note = widget.NewLabel("")
	v.note.Wrapping = fyne.TextWrapWord
	v.note.Hide()
	legend := widget.NewLabel(logLegend)
	legend.Wrapping = fyne.TextWrapWord

	v.table = newPagedTable(l, logColumns, logPage, v.fetch)
	v.table.onInfo = func(info any) { v.counts.SetText(severityCounts(info.(map[string]int))) }
	v.table.describe = func(n int) string { return plural(n, "row matches", "rows match") + " the filters." }
	v.table.importance = severityColumn
	v.table.onSelected = func(_ int, r pagedRow) {
		lr := r.key.(rosterdesk.LogRow)
		where := lr.File
		if lr.Line > 0 {
			where += " line " + strconv.Itoa(lr.Line)
		}
		parts := []string{strings.ToUpper(lr.Severity[:1]) + lr.Severity[1:]}
		for _, p := range []string{where, lr.SourcedID, lr.Field, lr.Rule} {
			if p != "" {
				parts = append(parts, p)
			}
		}
		text := strings.Join(parts, " · ") + "\n" + lr.Message
		if help := rsync.RuleHelp(lr.Rule); help != "" {
			text += "\n" + help
		}
		v.detail.SetText(text)
	}

	v.severity = widget.NewSelect([]string{sevAll, sevErrors, sevWarnings, sevInfo, sevChanges}, func(string) { v.apply() })
	v.file = widget.NewSelect([]string{allFiles}, func(string) { v.apply() })
	v.entity = widget.NewSelect(entityChoices, func(string) { v.apply() })
	v.text = widget.NewEntry()
	v.text.SetPlaceHolder("Search message, sourcedId, field or rule")
	v.text.OnChanged = func(string) {
		if v.debounce != nil {
			v.debounce.Stop()
		}
		v.debounce = time.AfterFunc(300*time.Millisecond, func() { v.l.ui(func() { v.apply() }) })
	}
	v.text.OnSubmitted = func(string) { v.apply() }

	backBtn := widget.NewButtonWithIcon("Recent Synchronizations", theme.NavigateBackIcon(), back)
	xlsx := widget.NewButtonWithIcon("Export .xlsx…", theme.DocumentSaveIcon(), func() {
		exportRunDialog(v.win(), v.l, v.eng, v.run.ID, exportXLSX, v.note)
	})
	csvB := widget.NewButtonWithIcon("Export CSV…", theme.DocumentSaveIcon(), func() {
		exportRunDialog(v.win(), v.l, v.eng, v.run.ID, exportCSV, v.note)
	})
	filters := container.NewBorder(nil, nil,
		container.NewHBox(v.severity, v.file, v.entity), nil, v.text)
	top := container.NewVBox(
		container.NewBorder(nil, nil, backBtn, container.NewHBox(xlsx, csvB), v.heading),
		v.counts, legend, filters, v.table.status)
	bottom := container.NewVBox(widget.NewSeparator(), v.detail, v.note)
	v.root = container.NewBorder(top, bottom, nil, nil, v.table.table)
	v.setFiltersQuietly(sevAll, allFiles, allEntities)
	return v
}

func (v *logViewer) content() fyne.CanvasObject { return v.root }

// setFiltersQuietly sets the selects without reloading.
func (v *logViewer) setFiltersQuietly(sev, file, ent string) {
	for _, x := range []struct {
		s *widget.Select
		v string
	}{{v.severity, sev}, {v.file, file}, {v.entity, ent}} {
		cb := x.s.OnChanged
		x.s.OnChanged = nil
		x.s.SetSelected(x.v)
		x.s.OnChanged = cb
	}
}

// filter is what the widgets ask for.
func (v *logViewer) filter() rosterdesk.LogFilter {
	f := rosterdesk.LogFilter{Severity: severityOf[v.severity.Selected], Text: strings.TrimSpace(v.text.Text)}
	if v.file.Selected != allFiles {
		f.File = v.file.Selected
	}
	if v.entity.Selected != allEntities {
		f.Entity = v.entity.Selected
	}
	return f
}

func (v *logViewer) fetch(ctx context.Context, offset, limit int) (pageResult, error) {
	return fetchLogPage(ctx, v.eng, v.run.ID, v.filter(), offset, limit)
}

// fetchLogPage is one page of a run's log as table rows; info holds the counts per severity.
func fetchLogPage(ctx context.Context, eng *rsync.Engine, runID int64, f rosterdesk.LogFilter, offset, limit int) (pageResult, error) {
	rows, counts, err := eng.LogPage(ctx, runID, f, limit, offset)
	if err != nil {
		return pageResult{}, err
	}
	res := pageResult{total: -1, rows: make([]pagedRow, len(rows))}
	for i, r := range rows {
		line := ""
		if r.Line > 0 {
			line = strconv.Itoa(r.Line)
		}
		res.rows[i] = pagedRow{cells: []string{r.Severity, r.Entity, r.File, line, r.SourcedID, r.Field, r.Rule, r.Message}, key: r}
	}
	if counts != nil {
		res.total = 0
		for _, n := range counts {
			res.total += n
		}
		res.info = counts
	}
	return res, nil
}

// severityCounts says how many rows of each kind match, errors first.
func severityCounts(c map[string]int) string {
	return fmt.Sprintf("%s (records skipped) · %s (kept, corrected) · %s · %s",
		plural(c[rsync.SevError], "error", "errors"), plural(c[rsync.SevWarning], "warning", "warnings"),
		plural(c[rsync.SevInfo], "info", "info"), plural(c[severityChange], "change", "changes"))
}

// open shows run r's log with the filters cleared.
func (v *logViewer) open(r rsync.Result) <-chan struct{} {
	v.run = r
	v.heading.SetText(fmt.Sprintf("Full log of run %d · %s · %s · started %s UTC", r.ID, syncType(r), statusLabel(r.Status), formatUTC(rosterdesk.Stamp(r.StartedAt))))
	v.detail.SetText("Select a row to read it whole.")
	v.note.Hide()
	v.counts.SetText("")
	v.text.OnChanged, v.text.Text = nil, ""
	v.text.Refresh()
	v.text.OnChanged = func(string) {
		if v.debounce != nil {
			v.debounce.Stop()
		}
		v.debounce = time.AfterFunc(300*time.Millisecond, func() { v.l.ui(func() { v.apply() }) })
	}
	v.file.Options = []string{allFiles}
	v.setFiltersQuietly(sevAll, allFiles, allEntities)
	run(v.l, func(ctx context.Context) ([]string, error) { return v.eng.LogFiles(ctx, r.ID) }, func(files []string, err error) {
		if err == nil && v.run.ID == r.ID {
			v.file.Options = append([]string{allFiles}, files...)
			v.file.Refresh()
		}
	})
	return v.table.reset()
}

// apply reloads the table with the current filters.
func (v *logViewer) apply() <-chan struct{} {
	if v.debounce != nil {
		v.debounce.Stop()
	}
	if v.run.ID == 0 {
		return nil
	}
	v.counts.SetText("")
	return v.table.reset()
}
