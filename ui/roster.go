package ui

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"rosterdesk/data"
	rsync "rosterdesk/sync"
)

// rosterScreen is the roster browser: an overview of the counts, and
// buildings, users, courses and classes as tables that page through the
// roster, with search and filters, and a user's detail.
type rosterScreen struct {
	l   *loader
	eng *rsync.Engine
	bar *refreshBar
	// win is the window Export roster… opens its dialog in; exportNote says how the export went.
	win        func() fyne.Window
	exportBtn  *widget.Button
	exportNote *widget.Label
	tabs       *container.AppTabs
	body       *fyne.Container // overview: one widget.Card per section, three to a row

	buildings     []data.Building
	buildingTable *pagedTable
	users         *browsePanel
	courses       *browsePanel
	classes       *browsePanel
	detail        *userDetailView
	course        *courseDetailView
	building      *buildingDetailView
	usersSplit    *container.Split
	coursesSplit  *container.Split
	root          fyne.CanvasObject
}

// Section titles on the overview.
const (
	secBuildings   = "Buildings"
	secUsers       = "Users"
	secCourses     = "Courses"
	secClasses     = "Classes"
	secAssignments = "Course assignments"
)

// Roster tab labels.
const (
	tabOverview  = "Overview"
	tabBuildings = "Buildings"
	tabUsers     = "Users"
	tabCourses   = "Courses"
	tabClasses   = "Classes"
)

type kv struct{ key, value string }

type rosterSection struct {
	title string
	rows  []kv
}

var buildingColumns = []pagedColumn{
	{"Building", "Washington Elementary School"},
	{"SIS id", "sch-00000"},
	{"Source", "oneroster"},
	{"Aligned", "Aligned"},
	{"Status", "inactive"},
	{"Active users", "000,000"},
	{protectLabel, protectLabel},
}

func newRosterScreen(l *loader, eng *rsync.Engine) *rosterScreen {
	s := &rosterScreen{l: l, eng: eng, body: container.NewGridWithColumns(3)}
	s.bar = newRefreshBar("Roster", func() { s.refresh() })

	s.buildingTable = newPagedTable(l, buildingColumns, 1000, func(context.Context, int, int) (pageResult, error) {
		return pageResult{total: 0}, nil
	})
	s.buildingTable.describe = func(n int) string { return plural(n, "building", "buildings") + "." }
	s.building = newBuildingDetailView(l, eng)
	s.building.protect.onSaved = func(bool) { s.reloadBuildings() }
	s.buildingTable.onSelected = func(_ int, r pagedRow) { s.building.show(r.key.(data.Building)) }

	s.detail = newUserDetailView(l, eng)
	s.users = newBrowsePanel(l, eng, data.BrowseUsers, "Search name, email, username or sourcedId", func(r data.BrowseRow) {
		s.openUser(r.SourcedID)
	})
	s.course = newCourseDetailView(l, eng)
	s.courses = newBrowsePanel(l, eng, data.BrowseCourses, "Search title, code or sourcedId", func(r data.BrowseRow) {
		s.course.open(r.SourcedID)
	})
	s.classes = newBrowsePanel(l, eng, data.BrowseClasses, "Search title, code or sourcedId", nil)
	s.usersSplit = container.NewHSplit(s.users.content(), s.detail.content())
	s.usersSplit.Offset = 0.62
	s.coursesSplit = container.NewHSplit(s.courses.content(), s.course.content())
	s.coursesSplit.Offset = 0.62

	nav := newKeyTabs(
		container.NewTabItem(tabOverview, container.NewVScroll(container.NewVBox(s.body))),
		container.NewTabItem(tabBuildings, container.NewBorder(s.buildingTable.status, s.building.content(), nil, nil, s.buildingTable.table)),
		container.NewTabItem(tabUsers, s.usersSplit),
		container.NewTabItem(tabCourses, s.coursesSplit),
		container.NewTabItem(tabClasses, s.classes.content()),
	)
	s.tabs = nav.Tabs()
	s.tabs.OnSelected = func(item *container.TabItem) { s.loadTab(item.Text) }
	s.exportNote = widget.NewLabel("")
	s.exportNote.Wrapping = fyne.TextWrapWord
	s.exportNote.Hide()
	s.exportBtn = widget.NewButtonWithIcon("Export roster…", theme.DocumentSaveIcon(), s.exportRoster)
	top := container.NewVBox(container.NewBorder(nil, nil, nil, s.exportBtn, s.bar.content()), s.exportNote)
	s.root = container.NewBorder(top, nil, nil, nil, nav)
	return s
}

// exportRoster asks how and where to export the roster (workbook, CSV files or OneRoster bundle).
func (s *rosterScreen) exportRoster() {
	if s.win == nil {
		return
	}
	exportRosterDialog(s.win(), s.l, s.eng, s.exportNote)
}

func (s *rosterScreen) content() fyne.CanvasObject { return s.root }

// refresh reloads the counts and the buildings (for the filters), then the open tab.
func (s *rosterScreen) refresh() <-chan struct{} {
	type loaded struct {
		counts    *rsync.RosterCounts
		buildings []data.Building
		roles     []string
	}
	s.bar.loading()
	done := make(chan struct{})
	run(s.l, func(ctx context.Context) (loaded, error) {
		var r loaded
		var err error
		if r.counts, err = s.eng.Roster(ctx); err != nil {
			return r, err
		}
		if r.buildings, err = s.eng.Buildings(ctx); err != nil {
			return r, err
		}
		r.roles, err = s.eng.Roles(ctx)
		return r, err
	}, func(r loaded, err error) {
		s.bar.loaded("the roster", err)
		if err != nil {
			close(done)
			return
		}
		s.show(rosterSections(r.counts))
		s.buildings = r.buildings
		for _, p := range []*browsePanel{s.users, s.courses, s.classes} {
			p.setBuildings(r.buildings)
		}
		s.users.setRoles(r.roles)
		ch := s.loadTab(s.tabs.Selected().Text)
		go func() {
			if ch != nil {
				<-ch
			}
			close(done)
		}()
	})
	return done
}

// loadTab (re)loads the table of the tab labelled text.
func (s *rosterScreen) loadTab(text string) <-chan struct{} {
	switch text {
	case tabBuildings:
		rows := make([]pagedRow, len(s.buildings))
		for i, b := range s.buildings {
			aligned, status, protected := "", "active", ""
			if b.Aligned {
				aligned = "aligned"
			}
			if !b.Active {
				status = "inactive"
			}
			if b.Protected {
				protected = "yes"
			}
			rows[i] = pagedRow{cells: []string{b.Name, b.SISID, b.Source, aligned, status, num(b.Users), protected}, key: b}
		}
		s.buildingTable.fetch = func(context.Context, int, int) (pageResult, error) {
			return pageResult{rows: rows, total: len(rows)}, nil
		}
		s.building.clear()
		return s.buildingTable.reset()
	case tabUsers:
		return s.users.reload()
	case tabCourses:
		return s.courses.reload()
	case tabClasses:
		return s.classes.reload()
	}
	return nil
}

// reloadBuildings reads the buildings again (a building's protection
// changed) and shows them, keeping the building shown.
func (s *rosterScreen) reloadBuildings() <-chan struct{} {
	shown := s.building.shown
	done := make(chan struct{})
	run(s.l, s.eng.Buildings, func(bs []data.Building, err error) {
		if err != nil {
			close(done)
			return
		}
		s.buildings = bs
		ch := s.loadTab(tabBuildings)
		for _, b := range bs {
			if b.ID == shown && shown != 0 {
				s.building.show(b)
			}
		}
		go func() { <-ch; close(done) }()
	})
	return done
}

// showTab selects the tab labelled text (it loads when the screen is refreshed).
func (s *rosterScreen) showTab(text string) {
	for _, item := range s.tabs.Items {
		if item.Text == text {
			cb := s.tabs.OnSelected
			s.tabs.OnSelected = nil
			s.tabs.Select(item)
			s.tabs.OnSelected = cb
		}
	}
}

// openUser shows a user's detail beside the list.
func (s *rosterScreen) openUser(sourcedID string) <-chan struct{} {
	return s.detail.open(sourcedID)
}

func (s *rosterScreen) show(sections []rosterSection) {
	cards := make([]fyne.CanvasObject, 0, len(sections))
	for _, sec := range sections {
		grid := container.New(layout.NewFormLayout())
		for _, r := range sec.rows {
			v := widget.NewLabel(r.value)
			v.Alignment = fyne.TextAlignTrailing
			grid.Add(widget.NewLabel(r.key))
			grid.Add(v)
		}
		cards = append(cards, widget.NewCard(sec.title, "", grid))
	}
	s.body.Objects = cards
	s.body.Refresh()
}

// rosterSections lays the engine's counts out as the overview shows them.
func rosterSections(rc *rsync.RosterCounts) []rosterSection {
	n := num
	users := []kv{{"Active", n(rc.Users.Active)}, {"Inactive", n(rc.Users.Inactive)}}
	users = append(users, byRole(rc.Users.ByRole)...)
	assignments := []kv{{"Active", n(rc.Assignments.Active)}, {"Removed", n(rc.Assignments.Removed)}}
	assignments = append(assignments, byRole(rc.Assignments.ByRole)...)
	return []rosterSection{
		{secBuildings, []kv{{"Active", n(rc.Buildings.Active)}, {"Inactive", n(rc.Buildings.Inactive)}}},
		{secUsers, users},
		{secCourses, []kv{{"Active", n(rc.Courses.Active)}, {"Removed", n(rc.Courses.Removed)}}},
		{secClasses, []kv{{"Active", n(rc.Classes.Active)}, {"Removed", n(rc.Classes.Removed)}}},
		{secAssignments, assignments},
	}
}

// byRole lists active counts per role, roles sorted; "none" when there are none.
func byRole(m map[string]int) []kv {
	if len(m) == 0 {
		return []kv{{"Active by role", "none"}}
	}
	roles := make([]string, 0, len(m))
	for r := range m {
		roles = append(roles, r)
	}
	sort.Strings(roles)
	out := make([]kv, len(roles))
	for i, r := range roles {
		out[i] = kv{"Active " + r, num(m[r])}
	}
	return out
}

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

func newBrowsePanel(l *loader, eng *rsync.Engine, kind, placeholder string, onOpen func(data.BrowseRow)) *browsePanel {
	p := &browsePanel{l: l, eng: eng, kind: kind, bIDs: map[string]int64{}}
	var cols []pagedColumn
	for _, c := range data.BrowseColumns(kind) {
		cols = append(cols, pagedColumn{heading: c, widest: browseWidest[c]})
	}
	p.table = newPagedTable(l, cols, 100, p.fetch)
	noun := map[string][2]string{data.BrowseUsers: {"user", "users"}, data.BrowseCourses: {"course", "courses"}, data.BrowseClasses: {"class", "classes"}}[kind]
	p.table.describe = func(n int) string { return plural(n, noun[0], noun[1]) + " match." }
	p.table.importance = func(r pagedRow, col int) widget.Importance {
		if !r.key.(data.BrowseRow).Active {
			return widget.LowImportance
		}
		return widget.MediumImportance
	}
	if onOpen != nil {
		p.table.onSelected = func(_ int, r pagedRow) { onOpen(r.key.(data.BrowseRow)) }
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
	if kind == data.BrowseUsers {
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

func (p *browsePanel) setBuildings(bs []data.Building) {
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
func (p *browsePanel) query() data.BrowseQuery {
	q := data.BrowseQuery{Kind: p.kind, Search: strings.TrimSpace(p.search.Text), BuildingID: p.bIDs[p.building.Selected]}
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

// userDetailView shows one user: details, buildings, classes and change history.
type userDetailView struct {
	l       *loader
	eng     *rsync.Engine
	title   *widget.Label
	fields  *widget.Label
	blds    *widget.Label
	classes *widget.Label
	history *widget.Label
	protect *protectToggle
	shown   string
	body    *fyne.Container
	root    fyne.CanvasObject
}

const detailHint = "Select a user to see their details, buildings, classes and change history."

func newUserDetailView(l *loader, eng *rsync.Engine) *userDetailView {
	v := &userDetailView{l: l, eng: eng, protect: newProtectToggle(l, eng)}
	v.title = widget.NewLabelWithStyle(detailHint, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	v.title.Wrapping = fyne.TextWrapWord
	mk := func() *widget.Label {
		l := widget.NewLabel("")
		l.Wrapping = fyne.TextWrapWord
		return l
	}
	v.fields, v.blds, v.classes, v.history = mk(), mk(), mk(), mk()
	v.body = container.NewVBox(v.fields, v.protect.content(), fieldLabel("Buildings"), v.blds, fieldLabel("Classes"), v.classes, fieldLabel("Change history"), v.history)
	v.body.Hide()
	v.root = container.NewVScroll(container.NewPadded(container.NewVBox(v.title, v.body)))
	return v
}

func (v *userDetailView) content() fyne.CanvasObject { return v.root }

func (v *userDetailView) open(sourcedID string) <-chan struct{} {
	v.shown = sourcedID
	v.title.SetText("Loading " + sourcedID + "…")
	return run(v.l, func(ctx context.Context) (*rsync.UserDetail, error) {
		return v.eng.UserDetail(ctx, sourcedID)
	}, func(d *rsync.UserDetail, err error) {
		if v.shown != sourcedID {
			return
		}
		if err != nil {
			v.body.Hide()
			v.title.SetText(errorText("Reading "+sourcedID, err))
			return
		}
		v.show(d)
		v.body.Show()
	})
}

func (v *userDetailView) show(d *rsync.UserDetail) {
	f := d.Record.Fields
	status := "active"
	if !d.Record.Active {
		status = "inactive since " + formatUTC(d.Record.OffAt) + " UTC"
	}
	v.title.SetText(fmt.Sprintf("%s %s (%s)", f["given_name"], f["family_name"], d.Record.SourcedID))
	v.fields.SetText(fmt.Sprintf("Role: %s\nStatus: %s\nEmail: %s\nUsername: %s\nIdentifier: %s\nGrades: %s\nAdded %s UTC · updated %s UTC",
		f["role"], status, f["email"], f["username"], f["identifier"], f["grades"], formatUTC(d.Record.CreatedAt), formatUTC(d.Record.UpdatedAt)))
	v.protect.show("user", d.Record.SourcedID, f["protected"] == "1")
	v.blds.SetText(buildingLines(d.Buildings))
	v.classes.SetText(classLines(d.Classes))
	v.history.SetText(historyLines(d.History))
}

func buildingLines(bs []data.Building) string {
	if len(bs) == 0 {
		return "None (district-level staff have no building)."
	}
	lines := make([]string, len(bs))
	for i, b := range bs {
		lines[i] = "• " + b.Name
		if b.SISID != "" {
			lines[i] += " (SIS id " + b.SISID + ")"
		}
	}
	return strings.Join(lines, "\n")
}

func classLines(cs []data.UserClass) string {
	if len(cs) == 0 {
		return "No course assignments."
	}
	lines := make([]string, len(cs))
	for i, c := range cs {
		title := c.Title
		if title == "" {
			title = c.ClassSourcedID
		}
		line := fmt.Sprintf("• %s — %s, %s, as %s", title, c.Course, c.School, c.Role)
		if !c.Active {
			line += " (removed)"
		}
		lines[i] = line
	}
	return strings.Join(lines, "\n")
}

// verbs turns an audit action into what happened to the record.
var verbs = map[string]string{"add": "added", "update": "updated", "deactivate": "deactivated", "reactivate": "reactivated"}

// historyLines writes every change to a record as a sentence, oldest first:
// "2026-11-23 06:00:00 UTC · deactivated by run 42: absent from users.csv".
func historyLines(hist []data.Audit) string {
	if len(hist) == 0 {
		return "No recorded changes."
	}
	lines := make([]string, len(hist))
	for i, a := range hist {
		verb := verbs[a.Action]
		if verb == "" {
			verb = a.Action
		}
		what := verb
		if a.Field != "" && a.Field != "active" {
			what = fmt.Sprintf("%s %s from %q to %q", verb, a.Field, deref(a.Old), deref(a.New))
		}
		line := fmt.Sprintf("• %s UTC · %s by run %d", formatUTC(a.At), what, a.RunID)
		if a.Reason != "" {
			line += ": " + a.Reason
		}
		if a.Admin != "" {
			line += " (credited to " + a.Admin + ")"
		}
		lines[i] = line
	}
	return strings.Join(lines, "\n")
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// buildingDetailView shows the building selected in the Buildings tab, with
// its "Never deactivate" toggle.
type buildingDetailView struct {
	title   *widget.Label
	fields  *widget.Label
	protect *protectToggle
	shown   int64 // the building's id; 0 when none is shown
	body    *fyne.Container
	root    fyne.CanvasObject
}

const buildingHint = "Select a building to see it, and to keep it from ever being deactivated by a sync."

func newBuildingDetailView(l *loader, eng *rsync.Engine) *buildingDetailView {
	v := &buildingDetailView{protect: newProtectToggle(l, eng)}
	v.title = widget.NewLabelWithStyle(buildingHint, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	v.title.Wrapping = fyne.TextWrapWord
	v.fields = widget.NewLabel("")
	v.fields.Wrapping = fyne.TextWrapWord
	v.body = container.NewVBox(v.fields, v.protect.content())
	v.body.Hide()
	v.root = container.NewVBox(widget.NewSeparator(), v.title, v.body)
	return v
}

func (v *buildingDetailView) content() fyne.CanvasObject { return v.root }

func (v *buildingDetailView) clear() {
	v.shown = 0
	v.title.SetText(buildingHint)
	v.body.Hide()
}

func (v *buildingDetailView) show(b data.Building) {
	v.shown = b.ID
	status := "active"
	if !b.Active {
		status = "inactive since " + formatUTC(b.DeactivatedAt) + " UTC"
	}
	sis := b.SISID
	if sis == "" {
		sis = "none"
	}
	v.title.SetText(b.Name)
	v.fields.SetText(fmt.Sprintf("SIS id: %s · source: %s · status: %s · %s", sis, b.Source, status, plural(b.Users, "active user", "active users")))
	v.protect.show("building", b.SISID, b.Protected)
	v.body.Show()
}
