package ui

import (
	"context"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"rosterdesk"
)

// recordColumns are the columns of the list of records a held run or a
// preview would touch: who or what, by name.
var recordColumns = []pagedColumn{
	{"Change", "deactivate"},
	{"Record", "assignment"},
	{"Name", strings.Repeat("m", 22)},
	{"Details", strings.Repeat("m", 32)},
	{"sourcedId", "stu-0000000-0000"},
	{"Reason", strings.Repeat("m", 24)},
}

// recordKinds are the list's kind filter: label → entity.
var recordKinds = []struct {
	label  string
	entity rosterdesk.Entity
}{
	{"All records", ""}, {"Users", rosterdesk.EntityUser}, {"Classes", rosterdesk.EntityClass}, {"Courses", rosterdesk.EntityCourse},
	{"Course assignments", rosterdesk.EntityAssignment}, {"Buildings", rosterdesk.EntityBuilding}, {"Academic sessions", rosterdesk.EntitySession},
}

// recordList is the paged, searchable list of the records a change would
// touch, with names: the held-run review and the upload preview show it.
type recordList struct {
	l        *loader
	fetch    func(ctx context.Context, q rosterdesk.PlannedQuery) (rosterdesk.RecordPage, error)
	search   *widget.Entry
	kind     *widget.Select
	table    *pagedTable
	root     fyne.CanvasObject
	debounce *time.Timer
	// seen is told the total once the first page of the unfiltered list is shown.
	seen func(total int)
	last rosterdesk.RecordPage
}

func newRecordList(l *loader) *recordList {
	v := &recordList{l: l}
	v.table = newPagedTable(l, recordColumns, 100, v.page)
	v.table.describe = func(n int) string {
		text := plural(n, "record", "records") + " match."
		if v.last.Truncated() {
			text += " The plan changes " + num(v.last.Changes) + " records; the first " + num(v.last.Listed) + " are listed."
		}
		return text
	}
	v.table.importance = func(r pagedRow, col int) widget.Importance {
		if col == 0 && (r.cells[0] == "deactivate" || r.cells[0] == "remove") {
			return widget.DangerImportance
		}
		return widget.MediumImportance
	}
	v.table.onLoaded = func() {
		if v.seen != nil && v.query().Search == "" && v.query().Entity == "" {
			v.seen(v.table.total)
		}
	}
	v.search = widget.NewEntry()
	v.search.SetPlaceHolder("Search a name, school, class or sourcedId")
	v.search.OnChanged = func(string) {
		if v.debounce != nil {
			v.debounce.Stop()
		}
		v.debounce = time.AfterFunc(300*time.Millisecond, func() { v.l.ui(func() { v.table.reset() }) })
	}
	v.search.OnSubmitted = func(string) { v.table.reset() }
	labels := make([]string, len(recordKinds))
	for i, k := range recordKinds {
		labels[i] = k.label
	}
	v.kind = widget.NewSelect(labels, func(string) {
		if v.fetch != nil {
			v.table.reset()
		}
	})
	v.kind.SetSelected(labels[0])
	top := container.NewBorder(nil, nil, nil, v.kind, v.search)
	v.root = container.NewBorder(container.NewVBox(top, v.table.status), nil, nil, nil, v.table.table)
	return v
}

func (v *recordList) query() rosterdesk.PlannedQuery {
	q := rosterdesk.PlannedQuery{Search: v.search.Text}
	for _, k := range recordKinds {
		if k.label == v.kind.Selected {
			q.Entity = k.entity
		}
	}
	return q
}

func (v *recordList) page(ctx context.Context, offset, limit int) (pageResult, error) {
	if v.fetch == nil {
		return pageResult{}, nil
	}
	q := v.query()
	q.Offset, q.Limit = offset, limit
	p, err := v.fetch(ctx, q)
	if err != nil {
		return pageResult{}, err
	}
	rows := make([]pagedRow, len(p.Records))
	for i, r := range p.Records {
		line := ""
		if r.Line > 0 {
			line = " (line " + strconv.Itoa(r.Line) + ")"
		}
		rows[i] = pagedRow{cells: []string{r.Action, entityWord(r.Entity), r.Name, r.Detail, r.SourcedID, r.Reason + line}, key: r}
	}
	v.last = p
	return pageResult{rows: rows, total: p.Total}, nil
}

// show lists what fetch returns, from the start, with no search.
func (v *recordList) show(fetch func(ctx context.Context, q rosterdesk.PlannedQuery) (rosterdesk.RecordPage, error)) <-chan struct{} {
	v.fetch = nil
	onChanged := v.search.OnChanged
	v.search.OnChanged = nil
	v.search.SetText("")
	v.search.OnChanged = onChanged
	v.kind.SetSelected(recordKinds[0].label)
	v.fetch = fetch
	v.last = rosterdesk.RecordPage{}
	return v.table.reset()
}

// entityWord names an entity as the admin does.
func entityWord(e rosterdesk.Entity) string {
	switch e {
	case rosterdesk.EntityAssignment:
		return "assignment"
	case rosterdesk.EntitySession:
		return "session"
	}
	return string(e)
}
