package ui

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"rosterdesk/data"
	rsync "rosterdesk/sync"
)

// historyPage is how many runs the History reads at a time.
const historyPage = 100

// noRunsText is shown instead of the table while nothing has run yet.
const noRunsText = "No synchronizations yet. Runs appear here once buildings or users have been synchronized, or a file uploaded."

// selectHint is the detail line before a run is selected.
const selectHint = "Select a run to see its source and message, open its full log or export it."

// historyColumns are the Recent Synchronizations columns, as on the product page.
var historyColumns = []pagedColumn{
	{"Date time\n(UTC)", "0000-00-00 00:00:00"},
	{"Sync type", "Users + Courses, Automated"},
	{"Status (a failed run: its cause)", "failed: users.csv line 1: required c"},
	{"Users\nadded / deact. / errors", "000000 / 000000 / 0000"},
	{"Courses\nadded / removed / errors", "00000 / 00000 / 0000"},
	{"Course assignments\nadded / removed / errors", "0000000 / 000000 / 0000"},
}

// historyRow is one run as the table shows it.
func historyRow(r rsync.Result) []string {
	c := r.Counts
	triple := func(a, b, e int) string { return num(a) + " / " + num(b) + " / " + num(e) }
	status := statusLabel(r.Status)
	switch r.Status {
	case rsync.StatusFailed, rsync.StatusRefused, rsync.StatusHeld:
		if cause := firstLine(r.Message); cause != "" {
			status += ": " + cause
		}
	}
	switch {
	case r.ResolvedBy != 0 && r.Status == rsync.StatusApproved:
		status += ", run " + strconv.FormatInt(r.ResolvedBy, 10)
	case r.ResolvedBy != 0 && r.Status == rsync.StatusRolledBack:
		status += " by run " + strconv.FormatInt(r.ResolvedBy, 10)
	case r.Undoes != 0:
		status += ", undoes run " + strconv.FormatInt(r.Undoes, 10)
	}
	return []string{
		formatUTC(r.StartedAt), syncType(r), status,
		triple(c.Users.Added, c.Users.Deactivated, c.Users.Errors),
		triple(c.Courses.Added, c.Courses.Removed, c.Courses.Errors),
		triple(c.Assignments.Added, c.Assignments.Removed, c.Assignments.Errors),
	}
}

// formatUTC shows a stored timestamp to the second; unparseable text is shown as is.
func formatUTC(s string) string {
	t, err := time.Parse(data.TimeFormat, s)
	if err != nil {
		return s
	}
	return t.UTC().Format("2006-01-02 15:04:05")
}

// historyScreen lists every run, newest first, paging through thousands of
// them (eng.History), and opens a run's full log.
type historyScreen struct {
	l       *loader
	eng     *rsync.Engine
	win     func() fyne.Window
	bar     *refreshBar
	table   *pagedTable
	empty   *widget.Label
	detail  *widget.Label
	openLog *widget.Button
	xlsx    *widget.Button
	csv     *widget.Button
	approve *widget.Button
	discard *widget.Button
	note    *widget.Label // outcome of an export, approval…

	selected *rsync.Result
	log      *logViewer
	list     fyne.CanvasObject
	root     *fyne.Container
}

func newHistoryScreen(l *loader, eng *rsync.Engine, win func() fyne.Window) *historyScreen {
	s := &historyScreen{l: l, eng: eng, win: win}
	s.bar = newRefreshBar("Recent Synchronizations", func() { s.refresh() })
	s.empty = widget.NewLabel(noRunsText)
	s.empty.Wrapping = fyne.TextWrapWord
	s.empty.Hide()
	s.detail = widget.NewLabel(selectHint)
	s.detail.Wrapping = fyne.TextWrapWord
	s.note = widget.NewLabel("")
	s.note.Wrapping = fyne.TextWrapWord
	s.note.Hide()

	s.table = newPagedTable(l, historyColumns, historyPage, func(ctx context.Context, offset, limit int) (pageResult, error) {
		runs, err := eng.History(ctx, limit, offset)
		if err != nil {
			return pageResult{}, err
		}
		res := pageResult{total: -1, rows: make([]pagedRow, len(runs))}
		for i, r := range runs {
			res.rows[i] = pagedRow{cells: historyRow(r), key: r}
		}
		if offset == 0 {
			if res.total, err = eng.RunCount(ctx); err != nil {
				return pageResult{}, err
			}
		}
		return res, nil
	})
	s.table.describe = func(n int) string {
		if n == 0 {
			s.empty.Show()
			s.table.table.Hide()
			return ""
		}
		s.empty.Hide()
		s.table.table.Show()
		return plural(n, "run", "runs") + ", newest first."
	}
	s.table.importance = func(r pagedRow, col int) widget.Importance {
		if col != 2 {
			return widget.MediumImportance
		}
		switch r.key.(rsync.Result).Status {
		case rsync.StatusFailed, rsync.StatusRefused:
			return widget.DangerImportance
		case rsync.StatusHeld:
			return widget.WarningImportance
		}
		return widget.MediumImportance
	}
	s.table.setAction("Full log", -1, func(r pagedRow) { s.showLog(r.key.(rsync.Result)) })
	s.table.onSelected = func(_ int, r pagedRow) { s.selectRun(r.key.(rsync.Result)) }

	s.openLog = widget.NewButtonWithIcon("Full log", theme.ListIcon(), func() {
		if s.selected != nil {
			s.showLog(*s.selected)
		}
	})
	s.xlsx = widget.NewButtonWithIcon("Export .xlsx…", theme.DocumentSaveIcon(), func() { s.export(exportXLSX) })
	s.csv = widget.NewButtonWithIcon("Export CSV…", theme.DocumentSaveIcon(), func() { s.export(exportCSV) })
	s.approve = widget.NewButtonWithIcon("Approve…", theme.ConfirmIcon(), s.approveHeld)
	s.discard = widget.NewButtonWithIcon("Discard…", theme.DeleteIcon(), s.discardHeld)
	s.selectRun(rsync.Result{})

	actions := container.NewHBox(s.openLog, s.xlsx, s.csv, s.approve, s.discard)
	bottom := container.NewVBox(widget.NewSeparator(), s.detail, actions, s.note)
	top := container.NewVBox(s.bar.content(), s.table.status)
	s.list = container.NewBorder(top, bottom, nil, nil, container.NewStack(s.table.table, s.empty))
	s.log = newLogViewer(l, eng, win, func() { s.showList() })
	s.root = container.NewStack(s.list, s.log.content())
	s.log.content().Hide()
	return s
}

func (s *historyScreen) content() fyne.CanvasObject { return s.root }

func (s *historyScreen) refresh() <-chan struct{} {
	s.bar.loading()
	s.selectRun(rsync.Result{})
	s.table.onLoaded = func() { s.bar.loaded("the history", nil) }
	return s.table.reset()
}

// selectRun shows a run's details and what can be done with it; a zero Result clears the selection.
func (s *historyScreen) selectRun(r rsync.Result) {
	buttons := []*widget.Button{s.openLog, s.xlsx, s.csv}
	if r.RunID == 0 {
		s.selected = nil
		s.detail.SetText(selectHint)
		for _, b := range buttons {
			b.Disable()
		}
		s.approve.Hide()
		s.discard.Hide()
		return
	}
	s.selected = &r
	text := fmt.Sprintf("Run %d · %s · %s · %s, %s", r.RunID, syncType(r), statusLabel(r.Status),
		plural(r.Errors, "error", "errors"), plural(r.Warnings, "warning", "warnings"))
	if r.Source != "" {
		text += " · source " + r.Source
	}
	if r.Message != "" {
		text += "\n" + r.Message
	}
	for _, t := range r.Tripped {
		text += "\nHeld: " + t.Reason
	}
	s.detail.SetText(text)
	for _, b := range buttons {
		b.Enable()
	}
	if r.Status == rsync.StatusHeld {
		s.approve.Show()
		s.discard.Show()
	} else {
		s.approve.Hide()
		s.discard.Hide()
	}
}

func (s *historyScreen) showLog(r rsync.Result) <-chan struct{} {
	s.list.Hide()
	s.log.content().Show()
	return s.log.open(r)
}

func (s *historyScreen) showList() {
	s.log.content().Hide()
	s.list.Show()
}

func (s *historyScreen) export(format exportFormat) {
	if s.selected == nil {
		return
	}
	exportRunDialog(s.win(), s.l, s.eng, s.selected.RunID, format, s.note)
}

func (s *historyScreen) say(text string, imp widget.Importance) {
	s.note.Importance = imp
	s.note.SetText(text)
	s.note.Show()
}

// approveHeld applies a held run once, after the admin confirms.
func (s *historyScreen) approveHeld() {
	if s.selected == nil {
		return
	}
	id := s.selected.RunID
	dialog.ShowConfirm("Approve held run", fmt.Sprintf("Apply run %d once, although it trips the limits shown?", id), func(ok bool) {
		if ok {
			s.resolveHeld(id, "Approving", s.eng.Approve)
		}
	}, s.win())
}

func (s *historyScreen) discardHeld() {
	if s.selected == nil {
		return
	}
	id := s.selected.RunID
	dialog.ShowConfirm("Discard held run", fmt.Sprintf("Discard run %d? Nothing of it is applied.", id), func(ok bool) {
		if ok {
			s.resolveHeld(id, "Discarding", s.eng.Discard)
		}
	}, s.win())
}

func (s *historyScreen) resolveHeld(id int64, verb string, fn func(context.Context, int64) (*rsync.Result, error)) <-chan struct{} {
	s.say(fmt.Sprintf("%s run %d…", verb, id), widget.MediumImportance)
	return run(s.l, func(ctx context.Context) (*rsync.Result, error) { return fn(ctx, id) }, func(r *rsync.Result, err error) {
		if err != nil {
			s.say(errorText(verb+" run "+fmt.Sprint(id), err), widget.DangerImportance)
		} else {
			s.say(fmt.Sprintf("Run %d: %s.\n%s", r.RunID, statusLabel(r.Status), countsSummary(r.Counts, r.Scope)), widget.SuccessImportance)
		}
		s.refresh()
	})
}
