package ui

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	rsync "rosterdesk/sync"
)

// The safeguard settings: per entity and action a limit as a share of the
// active records and as a number (guard.<entity>.<action>.percent / .count),
// and the input-drop limit. The engine validates and stores them
// (eng.SaveSettings); this file only lays them out.

// guardEntities are the entities with limits, in the order shown, with their labels.
var guardEntities = []struct{ name, label string }{
	{"buildings", "Buildings"}, {"users", "Users"}, {"courses", "Courses"}, {"classes", "Classes"}, {"assignments", "Course assignments"},
}

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

// guardKeys finds, among the engine's settings, the keys of an entity's
// limits: the word it uses for taking a record away (deactivate or remove)
// comes from the engine.
func guardKeys(entity string) (gone, update string) {
	prefix := "guard." + entity + "."
	for _, k := range rsync.SettingKeys() {
		if !strings.HasPrefix(k, prefix) || !strings.HasSuffix(k, ".percent") {
			continue
		}
		action := strings.TrimSuffix(strings.TrimPrefix(k, prefix), ".percent")
		if action == "update" {
			update = prefix + action
		} else {
			gone = prefix + action
		}
	}
	return gone, update
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
	for _, ent := range guardEntities {
		gone, update := guardKeys(ent.name)
		if gone == "" || update == "" {
			continue // not a setting of this engine
		}
		row := container.New(layout.NewGridLayout(5), widget.NewLabel(ent.label))
		for _, k := range []string{gone + ".percent", gone + ".count", update + ".percent", update + ".count"} {
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

// fill shows stored values.
func (g *guardSettings) fill(values map[string]string) {
	for k, e := range g.entries {
		e.SetText(values[k])
	}
}

// collect reads the fields as typed; the engine judges them.
func (g *guardSettings) collect() (map[string]string, map[string]string) {
	out := make(map[string]string, len(g.entries))
	for k, e := range g.entries {
		out[k] = strings.TrimSpace(e.Text)
	}
	return out, nil
}

// guardSection adds the Safeguards section to the Preferences screen: the
// editor with the section's Save, unsaved-changes mark and validation
// messages. newPreferencesScreen calls it once, with the other sections.
func (p *preferencesScreen) guardSection() *prefSection {
	g := newGuardSettings(nil)
	s := p.section(guardSectionTitle, guardIntro, g.errs, g.content())
	g.onChanged = s.edited
	s.fill = g.fill
	s.collect = g.collect
	return s
}
