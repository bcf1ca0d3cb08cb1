package ui

import (
	"sort"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	rsync "rosterdesk/sync"
)

// cliToday tells users how to do a screen's job before the screen exists.
const cliToday = "Until then, the command line does it: rosterdesk sync SOURCE"

// placeholderScreen stands in for a feature that has not landed yet.
type placeholderScreen struct {
	heading *widget.Label
	text    *widget.Label
	cli     *widget.Label
	root    fyne.CanvasObject
}

func newPlaceholderScreen(title, comingHere string) *placeholderScreen {
	s := &placeholderScreen{
		heading: widget.NewLabelWithStyle(title, fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		text:    widget.NewLabel(comingHere),
		cli:     widget.NewLabel(cliToday),
	}
	s.text.Wrapping = fyne.TextWrapWord
	s.cli.Wrapping = fyne.TextWrapWord
	s.root = container.NewVBox(s.heading, s.text, s.cli)
	return s
}

func (s *placeholderScreen) content() fyne.CanvasObject { return s.root }

func (s *placeholderScreen) refresh() <-chan struct{} {
	done := make(chan struct{})
	close(done)
	return done
}

// preferencesScreen is a placeholder that already lists the roster's
// settings, read-only (eng.AllSettings).
type preferencesScreen struct {
	*placeholderScreen
	l        *loader
	eng      *rsync.Engine
	bar      *refreshBar
	settings *fyne.Container // form layout: key label, value label, …
}

// notSet is shown for a setting whose value is empty.
const notSet = "(not set)"

func newPreferencesScreen(l *loader, eng *rsync.Engine) *preferencesScreen {
	s := &preferencesScreen{
		placeholderScreen: newPlaceholderScreen("Preferences",
			"Editing these settings (the admin credited with changes, the sync process, marking missing users inactive) lands here with the Preferences feature."),
		l:        l,
		eng:      eng,
		settings: container.New(layout.NewFormLayout()),
	}
	s.cli.SetText("Until then, the command line does it: rosterdesk settings set KEY VALUE. Syncs run with rosterdesk sync SOURCE.")
	s.bar = newRefreshBar("Current settings (read-only)", func() { s.refresh() })
	s.root = container.NewBorder(
		container.NewVBox(s.heading, s.text, s.cli, widget.NewSeparator(), s.bar.content()),
		nil, nil, nil, container.NewVScroll(s.settings))
	return s
}

func (s *preferencesScreen) refresh() <-chan struct{} {
	s.bar.loading()
	return run(s.l, s.eng.AllSettings, func(values map[string]string, err error) {
		s.bar.loaded("the settings", err)
		if err != nil {
			return
		}
		keys := make([]string, 0, len(values))
		for k := range values {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		objs := make([]fyne.CanvasObject, 0, 2*len(keys))
		for _, k := range keys {
			v := values[k]
			if v == "" {
				v = notSet
			}
			objs = append(objs, widget.NewLabelWithStyle(k, fyne.TextAlignLeading, fyne.TextStyle{Monospace: true}), widget.NewLabel(v))
		}
		s.settings.Objects = objs
		s.settings.Refresh()
	})
}
