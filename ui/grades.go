package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	rsync "rosterdesk/sync"
)

// gradeMatrix edits the grade level matrix: one line per incoming grade code
// with the district's label, lines added and removed freely.
type gradeMatrix struct {
	rows      []*gradeRow
	list      *fyne.Container
	add       *widget.Button
	empty     *widget.Label
	box       *fyne.Container
	onChanged func()
}

type gradeRow struct {
	code, label *widget.Entry
	remove      *widget.Button
	box         *fyne.Container
}

func newGradeMatrix() *gradeMatrix {
	g := &gradeMatrix{list: container.NewVBox()}
	g.empty = widget.NewLabel("No grades are mapped: incoming grade codes are kept as they come.")
	g.empty.Importance = widget.LowImportance
	g.add = widget.NewButtonWithIcon("Add a grade", theme.ContentAddIcon(), func() {
		r := g.addRow(rsync.GradePair{})
		g.changed()
		if c := fyne.CurrentApp(); c != nil {
			if w := c.Driver().CanvasForObject(r.code); w != nil {
				w.Focus(r.code)
			}
		}
	})
	head := container.New(layout.NewGridLayout(3), fieldLabel("Incoming code"), fieldLabel("District label"), layout.NewSpacer())
	g.box = container.NewVBox(head, g.list, g.empty, container.NewHBox(g.add))
	return g
}

func (g *gradeMatrix) content() fyne.CanvasObject { return g.box }

func (g *gradeMatrix) changed() {
	if len(g.rows) == 0 {
		g.empty.Show()
	} else {
		g.empty.Hide()
	}
	if g.onChanged != nil {
		g.onChanged()
	}
}

func (g *gradeMatrix) addRow(p rsync.GradePair) *gradeRow {
	r := &gradeRow{code: widget.NewEntry(), label: widget.NewEntry()}
	r.code.SetPlaceHolder("e.g. KG")
	r.label.SetPlaceHolder("e.g. Kindergarten")
	r.code.SetText(p.Code)
	r.label.SetText(p.Label)
	r.code.OnChanged = func(string) { g.changed() }
	r.label.OnChanged = func(string) { g.changed() }
	r.remove = widget.NewButtonWithIcon("", theme.DeleteIcon(), func() { g.removeRow(r) })
	r.box = container.New(layout.NewGridLayout(3), r.code, r.label, container.NewHBox(r.remove))
	g.rows = append(g.rows, r)
	g.list.Add(r.box)
	return r
}

func (g *gradeMatrix) removeRow(r *gradeRow) {
	for i, x := range g.rows {
		if x == r {
			g.rows = append(g.rows[:i], g.rows[i+1:]...)
			break
		}
	}
	g.list.Remove(r.box)
	g.changed()
}

// set replaces the lines (without telling onChanged).
func (g *gradeMatrix) set(pairs []rsync.GradePair) {
	cb := g.onChanged
	g.onChanged = nil
	g.rows = nil
	g.list.RemoveAll()
	for _, p := range pairs {
		g.addRow(p)
	}
	g.changed()
	g.onChanged = cb
}

func (g *gradeMatrix) pairs() []rsync.GradePair {
	out := make([]rsync.GradePair, len(g.rows))
	for i, r := range g.rows {
		out[i] = rsync.GradePair{Code: r.code.Text, Label: r.label.Text}
	}
	return out
}
