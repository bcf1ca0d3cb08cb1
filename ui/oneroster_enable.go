package ui

import (
	"context"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"rosterdesk"
	rsync "rosterdesk/sync"
)

// enableChanged turns OneRoster on or off with the engine. Turning it on for
// a roster that has buildings first shows their alignment.
func (s *oneRosterScreen) enableChanged(on bool) {
	if s.state == nil {
		return
	}
	if !on {
		s.setEnabled(false)
		return
	}
	if !s.state.EnableNeedsReview() {
		s.setEnabled(true)
		return
	}
	s.enable.OnChanged = nil
	s.enable.SetChecked(false)
	s.enable.OnChanged = s.enableChanged
	if s.viaProvider() {
		s.confirmEnableProvider()
		return
	}
	if s.align == nil {
		s.say(s.alignNote, fmt.Sprintf("Choose the OneRoster source first: the alignment of your %s with its schools is checked before OneRoster is enabled.",
			plural(s.state.Buildings, "building", "buildings")), widget.WarningImportance)
		return
	}
	s.confirmEnable()
}

// confirmEnable shows the building alignment and enables OneRoster on confirmation.
func (s *oneRosterScreen) confirmEnable() dialog.Dialog {
	a := s.align
	var lines []string
	for _, r := range a.Rows {
		c := alignCells(r)
		name := c[0]
		if r.SchoolID == "" {
			name = r.BuildingName
		}
		lines = append(lines, fmt.Sprintf("%s — %s", name, c[4]))
	}
	text := widget.NewLabel(a.Summary() + "\n" + a.Sentence() + "\n\n" + strings.Join(lines, "\n"))
	text.Wrapping = fyne.TextWrapWord
	d := dialog.NewCustomConfirm("Check the building alignment", "Enable OneRoster", "Cancel",
		container.NewVScroll(text), func(ok bool) {
			if ok {
				s.setEnabled(true)
			}
		}, s.win())
	d.Resize(fyne.NewSize(620, 420))
	d.Show()
	s.enableDialog = d
	return d
}

func (s *oneRosterScreen) setEnabled(on bool) <-chan struct{} {
	return run(s.l, func(ctx context.Context) (rosterdesk.Settings, error) {
		return s.eng.UpdateSettings(ctx, func(v *rosterdesk.Settings) { v.OneRoster.Enabled = on }, rsync.KeyOneRosterOn)
	}, func(_ rosterdesk.Settings, err error) {
		if err != nil {
			s.say(s.alignNote, errorText("Saving the OneRoster switch", err), widget.DangerImportance)
		} else if s.onSettings != nil {
			s.onSettings()
		}
		s.refresh()
	})
}

// confirmEnableProvider enables OneRoster over existing buildings with a REST
// provider, whose schools are not previewed here.
func (s *oneRosterScreen) confirmEnableProvider() dialog.Dialog {
	text := widget.NewLabel(fmt.Sprintf("Your roster has %s. %s\n\nOnce OneRoster is enabled, buildings are added and updated "+
		"from the provider only and can no longer be edited here.", plural(s.state.Buildings, "building", "buildings"), providerAlignText))
	text.Wrapping = fyne.TextWrapWord
	d := dialog.NewCustomConfirm("Enable OneRoster", "Enable OneRoster", "Cancel", text, func(ok bool) {
		if ok {
			s.setEnabled(true)
		}
	}, s.win())
	d.Resize(fyne.NewSize(560, 300))
	d.Show()
	s.enableDialog = d
	return d
}
