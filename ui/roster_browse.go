package ui

import (
	"context"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"rosterdesk"
	rsync "rosterdesk/sync"
)

// Filter choices.
const (
	allRoles     = "All roles"
	allBuildings = "All buildings"
	statusAll    = "All statuses"
	statusActive = "Active"
	statusOff    = "Inactive"
)

// browseWidest are sample values that size the browse columns.
var browseWidest = map[string]string{
	"Name": "Featherstonehaugh, Alexandria", "Role": "administrator", "Email": "alexandria.featherstone@district.org",
	"Username": "afeatherstone00", "Grades": "09,10", "Buildings": "Washington Elementary School", "Status": "inactive",
	"sourcedId": "stu-0000000", "Title": "Advanced Placement Biology - 01", "Code": "BIO-AP-01", "School": "Washington Elementary School",
	"School year": "ay-2027", "Subjects": "Mathematics", "Teacher permission": "units_lessons", "Type": "scheduled",
	"Course": "Advanced Placement Biology", "Periods": "1,2", "Terms": "sem-2027-1",
}

// browsePanel is one browse list: search, filters and a paged table.
type browsePanel struct {
	l        *loader
	eng      *rsync.Engine
	kind     string
	search   *widget.Entry
	role     *widget.Select
	building *widget.Select
	status   *widget.Select
	table    *pagedTable
	bIDs     map[string]int64
	debounce *time.Timer
	root     fyne.CanvasObject
}

func newBrowsePanel(l *loader, eng *rsync.Engine, kind, placeholder string, onOpen func(rosterdesk.BrowseRow)) *browsePanel {
	p := &browsePanel{l: l, eng: eng, kind: kind, bIDs: map[string]int64{}}
	var cols []pagedColumn
	for _, c := range rsync.BrowseColumns(kind) {
		cols = append(cols, pagedColumn{heading: c, widest: browseWidest[c]})
	}
	p.table = newPagedTable(l, cols, 100, p.fetch)
	noun := map[string][2]string{rosterdesk.BrowseUsers: {"user", "users"}, rosterdesk.BrowseCourses: {"course", "courses"}, rosterdesk.BrowseClasses: {"class", "classes"}}[kind]
	p.table.describe = func(n int) string { return plural(n, noun[0], noun[1]) + " match." }
	p.table.importance = func(r pagedRow, col int) widget.Importance {
		if !r.key.(rosterdesk.BrowseRow).Active {
			return widget.LowImportance
		}
		return widget.MediumImportance
	}
	if onOpen != nil {
		p.table.onSelected = func(_ int, r pagedRow) { onOpen(r.key.(rosterdesk.BrowseRow)) }
	}
	p.search = widget.NewEntry()
	p.search.SetPlaceHolder(placeholder)
	p.search.OnChanged = func(string) {
		if p.debounce != nil {
			p.debounce.Stop()
		}
		p.debounce = time.AfterFunc(300*time.Millisecond, func() { p.l.ui(func() { p.reload() }) })
	}
	p.search.OnSubmitted = func(string) { p.reload() }
	p.role = widget.NewSelect([]string{allRoles}, func(string) { p.reload() })
	p.building = widget.NewSelect([]string{allBuildings}, func(string) { p.reload() })
	p.status = widget.NewSelect([]string{statusAll, statusActive, statusOff}, func(string) { p.reload() })
	p.quietly(func() {
		p.role.SetSelected(allRoles)
		p.building.SetSelected(allBuildings)
		p.status.SetSelected(statusAll)
	})
	filters := container.NewHBox(p.building, p.status)
	if kind == rosterdesk.BrowseUsers {
		filters = container.NewHBox(p.role, p.building, p.status)
	}
	top := container.NewVBox(container.NewBorder(nil, nil, nil, filters, p.search), p.table.status)
	p.root = container.NewBorder(top, nil, nil, nil, p.table.table)
	return p
}

func (p *browsePanel) content() fyne.CanvasObject { return p.root }

// quietly changes the filters without reloading.
func (p *browsePanel) quietly(fn func()) {
	cbs := []func(string){p.role.OnChanged, p.building.OnChanged, p.status.OnChanged}
	p.role.OnChanged, p.building.OnChanged, p.status.OnChanged = nil, nil, nil
	fn()
	p.role.OnChanged, p.building.OnChanged, p.status.OnChanged = cbs[0], cbs[1], cbs[2]
}

func (p *browsePanel) setBuildings(bs []rosterdesk.Building) {
	opts := []string{allBuildings}
	p.bIDs = map[string]int64{}
	for _, b := range bs {
		label := b.Name
		if b.SISID != "" {
			label += " (" + b.SISID + ")"
		}
		opts = append(opts, label)
		p.bIDs[label] = b.ID
	}
	p.quietly(func() {
		sel := p.building.Selected
		p.building.Options = opts
		if _, ok := p.bIDs[sel]; !ok {
			sel = allBuildings
		}
		p.building.SetSelected(sel)
	})
}

func (p *browsePanel) setRoles(roles []string) {
	p.quietly(func() {
		sel := p.role.Selected
		p.role.Options = append([]string{allRoles}, roles...)
		found := false
		for _, r := range roles {
			found = found || r == sel
		}
		if !found {
			sel = allRoles
		}
		p.role.SetSelected(sel)
	})
}

// query is what the widgets ask for.
func (p *browsePanel) query() rosterdesk.BrowseQuery {
	q := rosterdesk.BrowseQuery{Kind: p.kind, Search: strings.TrimSpace(p.search.Text), BuildingID: p.bIDs[p.building.Selected]}
	if p.role.Selected != allRoles {
		q.Role = p.role.Selected
	}
	switch p.status.Selected {
	case statusActive:
		q.Status = "active"
	case statusOff:
		q.Status = "inactive"
	}
	return q
}

func (p *browsePanel) fetch(ctx context.Context, offset, limit int) (pageResult, error) {
	q := p.query()
	q.Offset, q.Limit = offset, limit
	page, err := p.eng.Browse(ctx, q)
	if err != nil {
		return pageResult{}, err
	}
	res := pageResult{total: page.Total, rows: make([]pagedRow, len(page.Rows))}
	for i, r := range page.Rows {
		res.rows[i] = pagedRow{cells: r.Cells, key: r}
	}
	return res, nil
}

// reload starts the list again from its first page with the current filters.
func (p *browsePanel) reload() <-chan struct{} {
	if p.debounce != nil {
		p.debounce.Stop()
	}
	return p.table.reset()
}
