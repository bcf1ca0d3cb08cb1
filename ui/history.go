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

	"rosterdesk/data"
	rsync "rosterdesk/sync"
)

// historyLimit is how many recent runs the History screen lists.
const historyLimit = 200

// noRunsText is shown instead of the table while nothing has run yet.
const noRunsText = "No runs yet. Runs appear here once a sync has been made, today with: rosterdesk sync SOURCE"

// selectHint is the detail line before a run is selected.
const selectHint = "Select a run to see its source and full message."

// historyColumns are the table's two-line headings, in order, each with the
// widest value it expects (for the column width); historyRow fills them.
var historyColumns = []struct{ heading, widest string }{
	{"Started\n(UTC)", "0000-00-00 00:00:00"},
	{"Scope", "users+courses"},
	{"Trigger", "automated"},
	{"Status", "refused"},
	{"Users\nadded", "000000"},
	{"Users\ndeactivated", "000000"},
	{"User\nerrors", "000000"},
	{"Courses\nadded", "000000"},
	{"Courses\nremoved", "000000"},
	{"Course\nerrors", "000000"},
	{"Assignments\nadded", "0000000"},
	{"Assignments\nremoved", "0000000"},
	{"Assignment\nerrors", "000000"},
	{"Message", strings.Repeat("m", 40)},
}

// historyRow is one run as the table shows it.
func historyRow(r rsync.Result) []string {
	n := strconv.Itoa
	c := r.Counts
	return []string{
		formatUTC(r.StartedAt), string(r.Scope), string(r.Trigger), r.Status,
		n(c.Users.Added), n(c.Users.Deactivated), n(c.Users.Errors),
		n(c.Courses.Added), n(c.Courses.Removed), n(c.Courses.Errors),
		n(c.Assignments.Added), n(c.Assignments.Removed), n(c.Assignments.Errors),
		r.Message,
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

// historyScreen lists recent runs (eng.History), newest first.
type historyScreen struct {
	l       *loader
	eng     *rsync.Engine
	bar     *refreshBar
	table   *widget.Table
	empty   *widget.Label
	summary *widget.Label
	detail  *widget.Label
	runs    []rsync.Result
	rows    [][]string
	root    fyne.CanvasObject
}

func newHistoryScreen(l *loader, eng *rsync.Engine) *historyScreen {
	s := &historyScreen{l: l, eng: eng}
	s.bar = newRefreshBar("History", func() { s.refresh() })
	s.empty = widget.NewLabel(noRunsText)
	s.empty.Wrapping = fyne.TextWrapWord
	s.empty.Hide()
	s.summary = widget.NewLabel("")
	s.detail = widget.NewLabel(selectHint)
	s.detail.Wrapping = fyne.TextWrapWord

	s.table = widget.NewTableWithHeaders(
		func() (int, int) { return len(s.rows), len(historyColumns) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		func(id widget.TableCellID, o fyne.CanvasObject) {
			l := o.(*widget.Label)
			if id.Row < 0 || id.Row >= len(s.rows) || id.Col < 0 || id.Col >= len(historyColumns) {
				l.SetText("")
				return
			}
			l.SetText(s.rows[id.Row][id.Col])
		},
	)
	s.table.ShowHeaderColumn = false
	s.table.CreateHeader = func() fyne.CanvasObject {
		return widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	}
	s.table.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		l := o.(*widget.Label)
		if id.Row == -1 && id.Col >= 0 && id.Col < len(historyColumns) {
			l.SetText(historyColumns[id.Col].heading)
		} else {
			l.SetText("")
		}
	}
	bold := fyne.TextStyle{Bold: true}
	// The heading row is two lines tall; data rows keep one line.
	s.table.SetRowHeight(-1, widget.NewLabelWithStyle("Users\nadded", fyne.TextAlignLeading, bold).MinSize().Height)
	for i, c := range historyColumns {
		w := widget.NewLabel(c.widest).MinSize().Width
		for _, line := range strings.Split(c.heading, "\n") {
			w = max(w, widget.NewLabelWithStyle(line, fyne.TextAlignLeading, bold).MinSize().Width)
		}
		s.table.SetColumnWidth(i, w+theme.Padding())
	}
	s.table.OnSelected = func(id widget.TableCellID) {
		if id.Row < 0 || id.Row >= len(s.runs) {
			return
		}
		r := s.runs[id.Row]
		text := fmt.Sprintf("Run %d · %s · %d errors, %d warnings", r.RunID, r.Status, r.Errors, r.Warnings)
		if r.Source != "" {
			text += " · source " + r.Source
		}
		if r.Message != "" {
			text += "\n" + r.Message
		}
		s.detail.SetText(text)
	}

	top := container.NewVBox(s.bar.content(), s.summary)
	s.root = container.NewBorder(top, s.detail, nil, nil, container.NewStack(s.table, s.empty))
	return s
}

func (s *historyScreen) content() fyne.CanvasObject { return s.root }

func (s *historyScreen) refresh() <-chan struct{} {
	s.bar.loading()
	fetch := func(ctx context.Context) ([]rsync.Result, error) { return s.eng.History(ctx, historyLimit, 0) }
	return run(s.l, fetch, func(runs []rsync.Result, err error) {
		s.bar.loaded("the run history", err)
		if err != nil {
			return
		}
		s.show(runs)
	})
}

func (s *historyScreen) show(runs []rsync.Result) {
	s.runs = runs
	s.rows = make([][]string, len(runs))
	for i, r := range runs {
		s.rows[i] = historyRow(r)
	}
	s.table.UnselectAll()
	s.detail.SetText(selectHint)
	s.table.Refresh()
	switch {
	case len(runs) == 0:
		s.table.Hide()
		s.detail.Hide()
		s.empty.Show()
		s.summary.SetText("")
	case len(runs) >= historyLimit:
		s.empty.Hide()
		s.table.Show()
		s.detail.Show()
		s.summary.SetText(fmt.Sprintf("The latest %d runs, newest first.", len(runs)))
	default:
		s.empty.Hide()
		s.table.Show()
		s.detail.Show()
		s.summary.SetText(fmt.Sprintf("%d runs, newest first.", len(runs)))
	}
}
