package ui

import (
	"context"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"rosterdesk"
	rsync "rosterdesk/sync"
)

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
	return run(v.l, func(ctx context.Context) (*rosterdesk.UserDetail, error) {
		return v.eng.UserDetail(ctx, sourcedID)
	}, func(d *rosterdesk.UserDetail, err error) {
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

func (v *userDetailView) show(d *rosterdesk.UserDetail) {
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

func buildingLines(bs []rosterdesk.Building) string {
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

func classLines(cs []rosterdesk.UserClass) string {
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
func historyLines(hist []rosterdesk.Audit) string {
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

func (v *buildingDetailView) show(b rosterdesk.Building) {
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
