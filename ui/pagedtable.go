package ui

import (
	"context"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// pagedRow is one row of a paged table: its cells, and what the row stands
// for (a run, a user…) for selection and actions.
type pagedRow struct {
	cells []string
	key   any
}

// pageResult is one page fetched from the engine. total is the number of
// rows the query matches, or -1 when this page did not count them.
type pageResult struct {
	rows  []pagedRow
	total int
	info  any // anything else the fetch learnt, handed to onInfo
}

// pagedColumn is a column heading (two lines at most) and the widest value
// it expects, which sets its width.
type pagedColumn struct {
	heading string
	widest  string
}

// pagedTable is a table over any number of rows: it asks the engine for a
// page of rows only when the table draws one of its rows, keeps a few pages,
// and forgets the rest. Scrolling through 150,000 users reads a page of 100
// at a time, off the UI goroutine.
type pagedTable struct {
	l        *loader
	cols     []pagedColumn
	pageSize int
	fetch    func(ctx context.Context, offset, limit int) (pageResult, error)

	total   int
	pages   map[int][]pagedRow
	loading map[int]<-chan struct{}
	gen     int // bumped by reset: answers to an older query are dropped
	last    int // the page loaded last, to keep its neighbours when forgetting

	table  *widget.Table
	status *widget.Label
	// describe says how many rows match; nil says "N rows".
	describe func(total int) string
	// onSelected is told the row selected (loaded rows only).
	onSelected func(row int, r pagedRow)
	// action, when set, puts a button in the last column of every row.
	actionLabel string
	action      func(r pagedRow)
	// actionFor, when set, says which rows get the button.
	actionFor func(r pagedRow) bool
	// actionCol is where the button column sits (-1: last).
	actionCol int
	// onLoaded is told each time the first page of a query is shown.
	onLoaded func()
	// onInfo is handed a page's info when the page is shown.
	onInfo func(info any)
	// importance colours a cell; nil leaves every cell plain.
	importance func(r pagedRow, col int) widget.Importance
}

// maxPages is how many pages a paged table keeps.
const maxPages = 40

func newPagedTable(l *loader, cols []pagedColumn, pageSize int, fetch func(ctx context.Context, offset, limit int) (pageResult, error)) *pagedTable {
	t := &pagedTable{l: l, cols: cols, pageSize: pageSize, fetch: fetch, pages: map[int][]pagedRow{}, loading: map[int]<-chan struct{}{}, actionCol: -1}
	t.status = widget.NewLabel("")
	t.table = widget.NewTableWithHeaders(
		func() (int, int) { return t.total, t.columns() },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			b := widget.NewButton("", nil)
			b.Importance = widget.LowImportance
			b.Hide()
			return container.NewStack(l, b)
		},
		t.updateCell,
	)
	t.table.ShowHeaderColumn = false
	t.table.CreateHeader = func() fyne.CanvasObject {
		return widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	}
	t.table.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		l := o.(*widget.Label)
		c, action := t.dataCol(id.Col)
		switch {
		case id.Row != -1 || id.Col < 0 || action || c >= len(t.cols):
			l.SetText("")
		default:
			l.SetText(t.cols[c].heading)
		}
	}
	t.table.OnSelected = func(id widget.TableCellID) {
		if r, ok := t.row(id.Row); ok && t.onSelected != nil {
			t.onSelected(id.Row, r)
		}
	}
	t.sizeColumns()
	return t
}

// dataCol maps a table column to its data column, or tells it is the button column.
func (t *pagedTable) dataCol(col int) (int, bool) {
	if t.action == nil {
		return col, false
	}
	at := t.actionCol
	if at < 0 || at > len(t.cols) {
		at = len(t.cols)
	}
	switch {
	case col == at:
		return -1, true
	case col > at:
		return col - 1, false
	}
	return col, false
}

// tableCol is the table column of data column c.
func (t *pagedTable) tableCol(c int) int {
	if t.action != nil && t.actionCol >= 0 && c >= t.actionCol {
		return c + 1
	}
	return c
}

func (t *pagedTable) columns() int {
	if t.action != nil {
		return len(t.cols) + 1
	}
	return len(t.cols)
}

// setAction adds a button to every row, in a column headed "" at table
// column at (-1: last).
func (t *pagedTable) setAction(label string, at int, fn func(r pagedRow)) {
	t.actionLabel, t.action, t.actionCol = label, fn, at
	t.sizeColumns()
}

func (t *pagedTable) sizeColumns() {
	bold := fyne.TextStyle{Bold: true}
	lines := 1
	for i, c := range t.cols {
		w := widget.NewLabel(c.widest).MinSize().Width
		hl := strings.Split(c.heading, "\n")
		lines = max(lines, len(hl))
		for _, line := range hl {
			w = max(w, widget.NewLabelWithStyle(line, fyne.TextAlignLeading, bold).MinSize().Width)
		}
		t.table.SetColumnWidth(t.tableCol(i), w+theme.Padding())
	}
	if t.action != nil {
		at := t.actionCol
		if at < 0 || at > len(t.cols) {
			at = len(t.cols)
		}
		t.table.SetColumnWidth(at, widget.NewButton(t.actionLabel, nil).MinSize().Width+theme.Padding())
	}
	t.table.SetRowHeight(-1, widget.NewLabelWithStyle(strings.Repeat("X\n", lines-1)+"X", fyne.TextAlignLeading, bold).MinSize().Height)
}

// row returns row i if its page is loaded.
func (t *pagedTable) row(i int) (pagedRow, bool) {
	rows, ok := t.pages[i/t.pageSize]
	if !ok || i < 0 || i%t.pageSize >= len(rows) {
		return pagedRow{}, false
	}
	return rows[i%t.pageSize], true
}

func (t *pagedTable) updateCell(id widget.TableCellID, o fyne.CanvasObject) {
	st := o.(*fyne.Container)
	l, b := st.Objects[0].(*widget.Label), st.Objects[1].(*widget.Button)
	r, ok := t.row(id.Row)
	if !ok {
		b.Hide()
		l.Show()
		l.Importance = widget.MediumImportance
		if id.Col == 0 {
			l.SetText("…")
		} else {
			l.SetText("")
		}
		if id.Row >= 0 && id.Row < t.total {
			t.load(id.Row / t.pageSize)
		}
		return
	}
	col, action := t.dataCol(id.Col)
	if action {
		l.Hide()
		if t.actionFor != nil && !t.actionFor(r) {
			b.Hide()
			return
		}
		b.SetText(t.actionLabel)
		b.OnTapped = func() { t.action(r) }
		b.Show()
		return
	}
	b.Hide()
	l.Show()
	imp := widget.MediumImportance
	if t.importance != nil {
		imp = t.importance(r, col)
	}
	l.Importance = imp
	text := ""
	if col >= 0 && col < len(r.cells) {
		text = r.cells[col]
	}
	if l.Text != text {
		l.SetText(text)
	} else {
		l.Refresh()
	}
}

// load fetches page p unless it is loaded or on its way; the channel closes
// once the page is shown.
func (t *pagedTable) load(p int) <-chan struct{} {
	if _, ok := t.pages[p]; ok {
		done := make(chan struct{})
		close(done)
		return done
	}
	if ch, ok := t.loading[p]; ok {
		return ch
	}
	gen := t.gen
	ch := run(t.l, func(ctx context.Context) (pageResult, error) {
		return t.fetch(ctx, p*t.pageSize, t.pageSize)
	}, func(res pageResult, err error) {
		if gen != t.gen {
			return // the query changed meanwhile
		}
		delete(t.loading, p)
		if err != nil {
			t.status.Importance = widget.DangerImportance
			t.status.SetText("Could not read: " + err.Error())
			if p == 0 && t.onLoaded != nil {
				t.onLoaded()
			}
			return
		}
		t.pages[p] = res.rows
		t.last = p
		if res.total >= 0 {
			t.total = res.total
			t.status.Importance = widget.MediumImportance
			t.status.SetText(t.describeTotal())
		}
		if res.info != nil && t.onInfo != nil {
			t.onInfo(res.info)
		}
		if p == 0 && t.onLoaded != nil {
			t.onLoaded()
		}
		t.forget()
		t.table.Refresh()
	})
	t.loading[p] = ch
	return ch
}

func (t *pagedTable) describeTotal() string {
	if t.describe != nil {
		return t.describe(t.total)
	}
	return plural(t.total, "row", "rows")
}

// forget drops the pages farthest from the last one loaded.
func (t *pagedTable) forget() {
	for len(t.pages) > maxPages {
		far, dist := -1, -1
		for p := range t.pages {
			d := p - t.last
			if d < 0 {
				d = -d
			}
			if d > dist {
				far, dist = p, d
			}
		}
		delete(t.pages, far)
	}
}

// reset forgets every row and loads the first page of the (new) query; the
// channel closes once it is shown.
func (t *pagedTable) reset() <-chan struct{} {
	t.gen++
	t.pages = map[int][]pagedRow{}
	t.loading = map[int]<-chan struct{}{}
	t.total = 0
	t.table.UnselectAll()
	t.table.ScrollToTop()
	t.table.Refresh()
	t.status.Importance = widget.MediumImportance
	t.status.SetText("Loading…")
	return t.load(0)
}
