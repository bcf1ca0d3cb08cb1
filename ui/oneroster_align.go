package ui

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	rsync "rosterdesk/sync"
)

// alignmentArea is the OneRoster screen's Building alignment card: how the
// source's schools line up with the roster's buildings.
type alignmentArea struct {
	align         *rsync.Alignment
	alignTable    *pagedTable
	alignSummary  *widget.Label
	alignSentence *widget.Label
	addBuilding   *widget.Button
	alignNote     *widget.Label
	alignBox      *fillWidth // the table's height follows its rows, up to ten
	tableBox      *fyne.Container
}

// alignmentCard builds the Building alignment card.
func (s *oneRosterScreen) alignmentCard() fyne.CanvasObject {
	s.alignTable = newPagedTable(s.l, alignColumns, 1000, func(context.Context, int, int) (pageResult, error) {
		return pageResult{total: 0}, nil
	})
	s.alignTable.describe = func(int) string { return "" }
	s.alignTable.importance = func(r pagedRow, col int) widget.Importance {
		if col != 4 {
			return widget.MediumImportance
		}
		switch r.key.(rsync.AlignRow).Status {
		case rsync.AlignMatched:
			return widget.SuccessImportance
		case rsync.AlignNoSchool:
			return widget.WarningImportance
		}
		return widget.MediumImportance
	}
	s.alignTable.setAction("Correct SIS id…", -1, func(r pagedRow) { s.correctSIS(r.key.(rsync.AlignRow)) })
	s.alignTable.actionFor = func(r pagedRow) bool {
		return r.key.(rsync.AlignRow).BuildingID != 0 && s.state != nil && s.state.BuildingsEditable()
	}
	s.alignSummary = widget.NewLabel("")
	s.alignSummary.Wrapping = fyne.TextWrapWord
	s.alignSentence = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	s.alignSentence.Wrapping = fyne.TextWrapWord
	s.alignNote = widget.NewLabel("")
	s.alignNote.Wrapping = fyne.TextWrapWord
	s.alignNote.Hide()
	s.addBuilding = widget.NewButtonWithIcon("Add a local building…", theme.ContentAddIcon(), s.showAddBuilding)
	alignHelp := widget.NewLabel("Each OneRoster school is matched to the local building whose SIS id is the school's sourcedId. " +
		"Students and staff of a school with no aligned building are ignored by a users sync. " +
		"While OneRoster is off, correct a building's SIS id here to fix a mismatch.")
	alignHelp.Wrapping = fyne.TextWrapWord
	s.alignBox = &fillWidth{height: 240}
	s.tableBox = container.New(s.alignBox, s.alignTable.table)
	return widget.NewCard("Building alignment", "", container.NewVBox(alignHelp, s.alignSummary, s.alignSentence,
		s.tableBox, container.NewHBox(s.addBuilding), s.alignNote))
}

// alignColumns are the building alignment's columns.
var alignColumns = []pagedColumn{
	{"OneRoster school", "Washington Elementary School"},
	{"School\nsourcedId", "sch-0000"},
	{"Local building", "Washington Elementary School"},
	{"Building\nSIS id", "sch-0000"},
	{"Status", "local building with no school"},
	{"Students", "000,000"},
	{"Staff", "00,000"},
}

// fillWidth lays its objects out full width at a fixed height.
type fillWidth struct{ height float32 }

func (f *fillWidth) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(fyne.NewSize(size.Width, f.height))
	}
}

func (f *fillWidth) MinSize([]fyne.CanvasObject) fyne.Size { return fyne.NewSize(100, f.height) }

// showAlignment fills the alignment view (nil clears it).
func (s *oneRosterScreen) showAlignment(a *rsync.Alignment) <-chan struct{} {
	s.align = a
	var rows []pagedRow
	if a == nil {
		s.alignSummary.SetText("Choose a source to see how its schools line up with your buildings.")
		s.alignSentence.SetText("")
	} else {
		s.alignSummary.SetText(a.Summary())
		s.alignSentence.SetText(a.Sentence())
		if a.IgnoredUsers > 0 {
			s.alignSentence.Importance = widget.WarningImportance
		} else {
			s.alignSentence.Importance = widget.SuccessImportance
		}
		for _, r := range a.Rows {
			rows = append(rows, pagedRow{cells: alignCells(r), key: r})
		}
	}
	s.alignTable.fetch = func(context.Context, int, int) (pageResult, error) {
		return pageResult{rows: rows, total: len(rows)}, nil
	}
	rowH := widget.NewLabel("X").MinSize().Height + theme.Padding()
	s.alignBox.height = rowH*float32(2+min(max(len(rows), 3), 10)) + theme.Padding()
	return s.alignTable.reset()
}

// alignCells is one alignment row as the table shows it.
func alignCells(r rsync.AlignRow) []string {
	building := r.BuildingName
	if r.Status == rsync.AlignAdded {
		building = "(added by the building sync)"
	} else if r.BuildingID != 0 && r.BuildingSource == "local" {
		building += " (local)"
	}
	status := string(r.Status)
	if r.Status == rsync.AlignMatched && !r.Aligned {
		status = "matched (not aligned yet)"
	}
	if r.Status == rsync.AlignNoSchool {
		status = "local building with no school"
	}
	school, students, staff := r.SchoolName, num(r.Students), num(r.Staff)
	if r.SchoolID == "" {
		school, students, staff = "—", "", ""
	}
	return []string{school, r.SchoolID, building, r.BuildingSISID, status, students, staff}
}

// correctSIS asks for a building's new SIS id.
func (s *oneRosterScreen) correctSIS(r rsync.AlignRow) {
	var unmatched []string
	if s.align != nil {
		for _, x := range s.align.Rows {
			if x.Status == rsync.AlignAdded {
				unmatched = append(unmatched, x.SchoolID)
			}
		}
	}
	entry := widget.NewSelectEntry(unmatched)
	entry.SetText(r.BuildingSISID)
	hint := widget.NewLabel("Set it to the sourcedId of the building's OneRoster school. The list offers the schools no building matches yet.")
	hint.Wrapping = fyne.TextWrapWord
	d := dialog.NewForm("Correct the SIS id of "+r.BuildingName, "Save", "Cancel",
		[]*widget.FormItem{widget.NewFormItem("SIS id", entry), widget.NewFormItem("", hint)}, func(ok bool) {
			if ok {
				s.setSIS(r.BuildingID, entry.Text)
			}
		}, s.win())
	submitOnEnter(d, &entry.Entry)
	d.Resize(fyne.NewSize(520, 240))
	d.Show()
}

func (s *oneRosterScreen) setSIS(buildingID int64, sis string) <-chan struct{} {
	return run(s.l, func(ctx context.Context) (struct{}, error) {
		return struct{}{}, s.eng.SetBuildingSISID(ctx, buildingID, sis)
	}, func(_ struct{}, err error) {
		if err != nil {
			s.say(s.alignNote, errorText("Correcting the SIS id", err), widget.DangerImportance)
			return
		}
		s.say(s.alignNote, "SIS id saved; the alignment below is up to date.", widget.SuccessImportance)
		s.refresh()
	})
}

func (s *oneRosterScreen) showAddBuilding() {
	name, sis := newDialogEntry(), newDialogEntry()
	d := dialog.NewForm("Add a local building", "Add", "Cancel",
		[]*widget.FormItem{widget.NewFormItem("Name", name), widget.NewFormItem("SIS id", sis)}, func(ok bool) {
			if ok {
				s.addLocalBuilding(name.Text, sis.Text)
			}
		}, s.win())
	submitOnEnter(d, &name.Entry, &sis.Entry)
	d.Resize(fyne.NewSize(460, 220))
	d.Show()
}

func (s *oneRosterScreen) addLocalBuilding(name, sis string) <-chan struct{} {
	return run(s.l, func(ctx context.Context) (int64, error) {
		return s.eng.AddLocalBuilding(ctx, name, sis)
	}, func(_ int64, err error) {
		if err != nil {
			s.say(s.alignNote, errorText("Adding the building", err), widget.DangerImportance)
			return
		}
		s.say(s.alignNote, "Building "+name+" added.", widget.SuccessImportance)
		s.refresh()
	})
}
