package ui

import (
	"context"
	"sort"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"rosterdesk"
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

	buildings     []rosterdesk.Building
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
	s.buildingTable.onSelected = func(_ int, r pagedRow) { s.building.show(r.key.(rosterdesk.Building)) }

	s.detail = newUserDetailView(l, eng)
	s.users = newBrowsePanel(l, eng, rosterdesk.BrowseUsers, "Search name, email, username or sourcedId", func(r rosterdesk.BrowseRow) {
		s.openUser(r.SourcedID)
	})
	s.course = newCourseDetailView(l, eng)
	s.courses = newBrowsePanel(l, eng, rosterdesk.BrowseCourses, "Search title, code or sourcedId", func(r rosterdesk.BrowseRow) {
		s.course.open(r.SourcedID)
	})
	s.classes = newBrowsePanel(l, eng, rosterdesk.BrowseClasses, "Search title, code or sourcedId", nil)
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
		buildings []rosterdesk.Building
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
	run(s.l, s.eng.Buildings, func(bs []rosterdesk.Building, err error) {
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
