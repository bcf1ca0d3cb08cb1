package ui

import (
	"context"
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"rosterdesk"
	rsync "rosterdesk/sync"
)

// protectLabel is the toggle's text on a user, a course and a building.
const protectLabel = "Never deactivate"

// protectToggle is the "Never deactivate" switch of one user, course or
// building: it shows the stored state and sets it with eng.Protect.
type protectToggle struct {
	l     *loader
	eng   *rsync.Engine
	check *widget.Check
	help  *widget.Label
	note  *widget.Label
	box   *fyne.Container

	kind, key string
	// onSaved is told the state the engine stored.
	onSaved func(on bool)
}

func newProtectToggle(l *loader, eng *rsync.Engine) *protectToggle {
	p := &protectToggle{l: l, eng: eng}
	p.check = widget.NewCheck(protectLabel, nil)
	p.help = widget.NewLabel("")
	p.help.Wrapping = fyne.TextWrapWord
	p.help.TextStyle = fyne.TextStyle{Italic: true}
	p.note = widget.NewLabel("")
	p.note.Wrapping = fyne.TextWrapWord
	p.note.Hide()
	p.box = container.NewVBox(p.check, p.help, p.note)
	return p
}

func (p *protectToggle) content() fyne.CanvasObject { return p.box }

// show puts a record's stored state on the toggle without changing it.
// An empty key (a building without an SIS id) cannot be protected.
func (p *protectToggle) show(kind, key string, on bool) {
	p.kind, p.key = kind, key
	p.check.OnChanged = nil
	p.check.SetChecked(on)
	p.check.OnChanged = func(on bool) { p.set(on) }
	p.note.Hide()
	noun := map[string]string{"user": "this user", "course": "this course", "building": "this building"}[kind]
	switch {
	case key == "":
		p.check.Disable()
		p.help.SetText("A building without an SIS id is not synchronized from OneRoster, so no sync deactivates it.")
	default:
		p.check.Enable()
		p.help.SetText(fmt.Sprintf("On: no sync ever deactivates or removes %s, even when it is missing from the export; "+
			"the run's log says what it would have done.", noun))
	}
}

// set stores the toggle's new state; a refusal puts the stored state back.
func (p *protectToggle) set(on bool) <-chan struct{} {
	kind, key := p.kind, p.key
	p.check.Disable()
	return run(p.l, func(ctx context.Context) (struct{}, error) {
		return struct{}{}, p.eng.Protect(ctx, kind, key, on)
	}, func(_ struct{}, err error) {
		if kind != p.kind || key != p.key {
			return // another record is shown now
		}
		p.check.Enable()
		if err != nil {
			p.check.OnChanged = nil
			p.check.SetChecked(!on)
			p.check.OnChanged = func(on bool) { p.set(on) }
			showNote(p.note, errorText("Saving "+protectLabel, err), widget.DangerImportance)
			return
		}
		if on {
			showNote(p.note, "Saved: syncs never deactivate "+key+".", widget.SuccessImportance)
		} else {
			showNote(p.note, "Saved: syncs may deactivate "+key+" again.", widget.MediumImportance)
		}
		if p.onSaved != nil {
			p.onSaved(on)
		}
	})
}

// courseDetailView shows one course: its fields, "Never deactivate" and its change history.
type courseDetailView struct {
	l       *loader
	eng     *rsync.Engine
	title   *widget.Label
	fields  *widget.Label
	protect *protectToggle
	history *widget.Label
	shown   string
	body    *fyne.Container
	root    fyne.CanvasObject
}

const courseHint = "Select a course to see its details and change history, and to keep it from ever being removed by a sync."

func newCourseDetailView(l *loader, eng *rsync.Engine) *courseDetailView {
	v := &courseDetailView{l: l, eng: eng, protect: newProtectToggle(l, eng)}
	v.title = widget.NewLabelWithStyle(courseHint, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	v.title.Wrapping = fyne.TextWrapWord
	v.fields = widget.NewLabel("")
	v.fields.Wrapping = fyne.TextWrapWord
	v.history = widget.NewLabel("")
	v.history.Wrapping = fyne.TextWrapWord
	v.body = container.NewVBox(v.fields, v.protect.content(), fieldLabel("Change history"), v.history)
	v.body.Hide()
	v.root = container.NewVScroll(container.NewPadded(container.NewVBox(v.title, v.body)))
	return v
}

func (v *courseDetailView) content() fyne.CanvasObject { return v.root }

func (v *courseDetailView) open(sourcedID string) <-chan struct{} {
	v.shown = sourcedID
	v.title.SetText("Loading " + sourcedID + "…")
	return run(v.l, func(ctx context.Context) (*rosterdesk.UserDetail, error) {
		rec, hist, err := v.eng.Show(ctx, "course", sourcedID)
		if err != nil {
			return nil, err
		}
		return &rosterdesk.UserDetail{Record: rec, History: hist}, nil
	}, func(d *rosterdesk.UserDetail, err error) {
		if v.shown != sourcedID {
			return
		}
		if err != nil {
			v.body.Hide()
			v.title.SetText(errorText("Reading "+sourcedID, err))
			return
		}
		f := d.Record.Fields
		status := "active"
		if !d.Record.Active {
			status = "removed since " + formatUTC(d.Record.OffAt) + " UTC"
		}
		v.title.SetText(fmt.Sprintf("%s (%s)", f["title"], d.Record.SourcedID))
		v.fields.SetText(fmt.Sprintf("Code: %s\nStatus: %s\nSchool: %s\nSchool year: %s\nGrades: %s\nSubjects: %s\nTeacher permission: %s\nAdded %s UTC · updated %s UTC",
			f["course_code"], status, f["org_sourced_id"], f["school_year_sourced_id"], f["grades"], f["subjects"], f["teacher_permission"],
			formatUTC(d.Record.CreatedAt), formatUTC(d.Record.UpdatedAt)))
		v.protect.show("course", d.Record.SourcedID, f["protected"] == "1")
		v.history.SetText(historyLines(d.History))
		v.body.Show()
	})
}
