package ui

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"rosterdesk"
	rsync "rosterdesk/sync"
)

// The safeguard settings: per entity and action a limit as a share of the
// active records and as a number (guard.<entity>.<action>.percent / .count),
// and the input-drop limit, bound to the typed settings. The engine names
// them (rsync.GuardLimits), reads the fields (rsync.ReadSetting), validates
// and stores them (eng.SaveFields); this file only lays them out.

// guardSectionTitle is the Preferences section the editor is shown in.
const guardSectionTitle = "Safeguards"

const guardIntro = "A sync that would change more than these limits is held for review: it applies nothing until you approve it " +
	"once in History (or discard it). Each limit is a share of the active records of that kind, or a number of records; " +
	"exceeding either holds the run. 0 turns a limit off."

// guardSettings is the safeguard editor: one row per entity with the
// deactivate-or-remove and update limits, as a percentage and as a count,
// then the input-drop limit. Each field has its own validation message.
type guardSettings struct {
	entries map[string]*widget.Entry // setting key → its field
	errs    map[string]*widget.Label // setting key → its validation message
	box     *fyne.Container
	// onChanged is told every edit.
	onChanged func()
}

func newGuardSettings(onChanged func()) *guardSettings {
	g := &guardSettings{entries: map[string]*widget.Entry{}, errs: map[string]*widget.Label{}, onChanged: onChanged}
	entry := func(key string) *widget.Entry {
		e := widget.NewEntry()
		e.OnChanged = func(string) {
			if g.onChanged != nil {
				g.onChanged()
			}
		}
		g.entries[key] = e
		g.errs[key] = errLabel()
		return e
	}
	field := func(key string) fyne.CanvasObject {
		e := entry(key)
		return container.NewVBox(e, g.errs[key])
	}
	bold := func(t string) fyne.CanvasObject {
		return widget.NewLabelWithStyle(t, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	}
	// One grid per row, so a validation message makes only its own row taller.
	rows := container.NewVBox(container.New(layout.NewGridLayout(5),
		bold("Hold a run that would"), bold("deactivate or remove\nmore than % of active"), bold("deactivate or remove\nmore than this many"),
		bold("update\nmore than % of active"), bold("update\nmore than this many")))
	for _, lim := range rsync.GuardLimits() {
		row := container.New(layout.NewGridLayout(5), widget.NewLabel(lim.Label))
		for _, k := range []string{lim.GonePercent, lim.GoneCount, lim.UpdatePercent, lim.UpdateCount} {
			row.Add(field(k))
		}
		rows.Add(row)
	}
	schoolHelp := widget.NewLabel("Also hold a run that would take more than this share of one school's active users or classes, " +
		"when that is more than this many of them, or deactivate a school's building: in a large district one school is too small " +
		"a share for the limits above; the number spares a small school's few leavers.")
	schoolHelp.Wrapping = fyne.TextWrapWord
	rows.Add(widget.NewSeparator())
	rows.Add(schoolHelp)
	rows.Add(container.New(layout.NewGridLayout(5), bold(""), bold("more than % of one\nschool's users\nor classes"), bold("when more than\nthis many"),
		layout.NewSpacer(), layout.NewSpacer()))
	rows.Add(container.New(layout.NewGridLayout(5), widget.NewLabel("One school"), field(rsync.KeySchoolPercent), field(rsync.KeySchoolCount),
		layout.NewSpacer(), layout.NewSpacer()))
	drop := entry(rsync.KeyInputDrop)
	dropHelp := widget.NewLabel("Also hold a run that would deactivate or remove anything when a complete (bulk) file lost more than " +
		"this share of its rows since the last applied run (or is missing, empty, or has a different header).")
	dropHelp.Wrapping = fyne.TextWrapWord
	g.box = container.NewVBox(rows, widget.NewSeparator(),
		fieldLabel("Incomplete export"), dropHelp,
		container.NewHBox(container.NewGridWrap(fyne.NewSize(120, drop.MinSize().Height), drop), widget.NewLabel("% of its rows")),
		g.errs[rsync.KeyInputDrop])
	return g
}

func (g *guardSettings) content() fyne.CanvasObject { return g.box }

// fill shows the stored limits.
func (g *guardSettings) fill(v rosterdesk.Settings) {
	for k, e := range g.entries {
		e.SetText(rsync.SettingText(v, k))
	}
}

// apply reads the fields as typed, with the engine's message for each it cannot read.
func (g *guardSettings) apply(v *rosterdesk.Settings) map[string]string {
	bad := map[string]string{}
	for k, e := range g.entries {
		if err := rsync.ReadSetting(v, k, strings.TrimSpace(e.Text)); err != nil {
			bad[k] = err.Error()
		}
	}
	return bad
}

// guardSection adds the Safeguards section to the Preferences screen: the
// editor with the section's Save, unsaved-changes mark and validation
// messages. newPreferencesScreen calls it once, with the other sections.
func (p *preferencesScreen) guardSection() *prefSection {
	g := newGuardSettings(nil)
	s := p.section(guardSectionTitle, guardIntro, g.errs, g.content())
	g.onChanged = s.edited
	s.fill = g.fill
	s.apply = g.apply
	return s
}
