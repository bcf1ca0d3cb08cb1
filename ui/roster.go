package ui

import (
	"sort"
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	rsync "rosterdesk/sync"
)

// rosterScreen shows what the local roster holds now (eng.Roster).
type rosterScreen struct {
	l    *loader
	eng  *rsync.Engine
	bar  *refreshBar
	body *fyne.Container // one widget.Card per section, three to a row
	root fyne.CanvasObject
}

// Section titles on the Roster screen.
const (
	secBuildings   = "Buildings"
	secUsers       = "Users"
	secCourses     = "Courses"
	secClasses     = "Classes"
	secAssignments = "Course assignments"
)

type kv struct{ key, value string }

type rosterSection struct {
	title string
	rows  []kv
}

func newRosterScreen(l *loader, eng *rsync.Engine) *rosterScreen {
	s := &rosterScreen{l: l, eng: eng, body: container.NewGridWithColumns(3)}
	s.bar = newRefreshBar("Roster", func() { s.refresh() })
	s.root = container.NewBorder(s.bar.content(), nil, nil, nil, container.NewVScroll(container.NewVBox(s.body)))
	return s
}

func (s *rosterScreen) content() fyne.CanvasObject { return s.root }

func (s *rosterScreen) refresh() <-chan struct{} {
	s.bar.loading()
	return run(s.l, s.eng.Roster, func(rc *rsync.RosterCounts, err error) {
		s.bar.loaded("the roster", err)
		if err != nil {
			return
		}
		s.show(rosterSections(rc))
	})
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

// rosterSections lays the engine's counts out as the screen shows them.
func rosterSections(rc *rsync.RosterCounts) []rosterSection {
	n := strconv.Itoa
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
		out[i] = kv{"Active " + r, strconv.Itoa(m[r])}
	}
	return out
}
