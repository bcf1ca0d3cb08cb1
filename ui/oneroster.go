package ui

import (
	"context"
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	rsync "rosterdesk/sync"
)

// Texts of the OneRoster screen that tests look for.
const (
	bannerText = "OneRoster is enabled: it is the authoritative source. Buildings are added and updated from your OneRoster " +
		"data, so adding buildings, correcting SIS ids and editing users by hand are turned off here and refused by the engine, " +
		"and the plain (non-OneRoster) student and staff CSV import is disabled."
	noSourceText = "No OneRoster source chosen yet. Choose the OneRoster CSV bundle your SIS exports: OneRoster.zip or a folder of CSV files."
	switchWord   = "SWITCH"

	// The connection's two kinds (setting sync.source: the automated sync reads the same kind).
	kindCSV           = "CSV bundle (file or folder)"
	kindREST          = "REST provider"
	noProviderText    = "No REST provider set up yet: choose the provider, fill in its address and credentials, Save, then Test connection."
	providerAlignText = "The building alignment is previewed for a CSV bundle. With a REST provider, the building synchronization " +
		"matches each school to the local building whose SIS id is the school's sourcedId and adds the others; its log in History lists them."
)

// syncNowWhy is why Sync now waits on a roster not synchronized yet, in the engine's words.
var syncNowWhy = (&rsync.SyncState{}).SyncNowReady().Error()

// oneRosterScreen is the OneRoster tab: the Enable switch, the connection,
// the building alignment and the initial synchronization.
type oneRosterScreen struct {
	l   *loader
	eng *rsync.Engine
	win func() fyne.Window
	bar *refreshBar

	state *rsync.SyncState

	banner       *fyne.Container
	enable       *widget.Check
	enableDialog dialog.Dialog // open, for tests

	connectionArea  // oneroster_connect.go, oneroster_switch.go
	alignmentArea   // oneroster_align.go
	initialSyncArea // oneroster_sync.go

	// onSettings, when set, is told after a setting the automated sync
	// depends on was saved here (OneRoster on or off, the connection's kind).
	onSettings func()

	root fyne.CanvasObject
}

func newOneRosterScreen(l *loader, eng *rsync.Engine, win func() fyne.Window) *oneRosterScreen {
	s := &oneRosterScreen{l: l, eng: eng, win: win}
	s.bar = newRefreshBar("OneRoster", func() { s.refresh() })

	text := widget.NewLabel(bannerText)
	text.Wrapping = fyne.TextWrapWord
	text.Importance = widget.WarningImportance
	bg := canvas.NewRectangle(color.NRGBA{R: 0xff, G: 0x98, B: 0x00, A: 0x26})
	bg.CornerRadius = theme.InputRadiusSize()
	s.banner = container.NewStack(bg, container.NewBorder(nil, nil, widget.NewIcon(theme.WarningIcon()), nil, text))
	s.banner.Hide()
	s.enable = widget.NewCheck("Enable OneRoster: make OneRoster the authoritative source for buildings, students and staff", s.enableChanged)

	connection := s.connectionCard()
	alignment := s.alignmentCard()
	initial := s.initialSyncCard()

	// Setting up and synchronizing side by side; the alignment, which can be long, below.
	body := container.NewVBox(s.banner, s.enable, container.New(&twoColumns{}, connection, initial), alignment)
	s.root = container.NewBorder(s.bar.content(), nil, nil, nil, container.NewVScroll(container.NewPadded(body)))
	s.updateButtons()
	return s
}

func (s *oneRosterScreen) content() fyne.CanvasObject { return s.root }

// refresh reloads the sync state and, with a source, its building alignment.
func (s *oneRosterScreen) refresh() <-chan struct{} {
	type loaded struct {
		state *rsync.SyncState
		align *rsync.Alignment
		err   error // of the alignment
	}
	s.bar.loading()
	return run(s.l, func(ctx context.Context) (loaded, error) {
		st, err := s.eng.SyncState(ctx)
		if err != nil {
			return loaded{}, err
		}
		r := loaded{state: st}
		if st.Connection != rsync.SourceProvider && st.Source != "" {
			r.align, r.err = s.eng.Alignment(ctx, st.Source)
		}
		return r, nil
	}, func(r loaded, err error) {
		s.bar.loaded("the OneRoster state", err)
		if err != nil {
			return
		}
		s.state = r.state
		s.showKind()
		s.showState(r.state)
		switch {
		case s.viaProvider():
			s.showAlignment(nil)
			s.alignSummary.SetText(providerAlignText)
		case r.err != nil:
			s.showAlignment(nil)
			s.alignSentence.SetText(errorText("Reading the source", r.err))
		default:
			s.showAlignment(r.align)
		}
		if !s.viaProvider() && s.report == nil && r.state.Source != "" && !s.checkJob.running {
			s.checkSource(r.state.Source, false)
		}
	})
}

func (s *oneRosterScreen) showState(st *rsync.SyncState) {
	s.state = st
	cb := s.enable.OnChanged
	s.enable.OnChanged = nil
	s.enable.SetChecked(st.Enabled)
	s.enable.OnChanged = cb
	if st.Enabled {
		s.banner.Show()
	} else {
		s.banner.Hide()
	}
	if s.viaProvider() {
		if st.RESTProvider != "" {
			s.source.SetText("Source: " + st.RESTProvider + "\nEvery sync pulls what it needs from the provider; Test connection checks the settings.")
		} else {
			s.source.SetText(noProviderText)
		}
	} else if st.Source == "" {
		s.source.SetText(noSourceText)
	} else {
		text := "Source: " + st.Source
		if st.Provider != "" {
			text += "\nProvider: " + st.Provider
		}
		s.source.SetText(text)
	}
	if err := st.UsersReady(); err != nil {
		s.usersWhy.SetText(err.Error())
		s.usersWhy.Show()
	} else {
		s.usersWhy.SetText("")
		s.usersWhy.Hide()
	}
	s.updateButtons()
	s.alignTable.table.Refresh()
}

// updateButtons enables what can be done now.
func (s *oneRosterScreen) updateButtons() {
	busy := s.job.running || s.checkJob.running
	st := s.state
	hasSource := s.hasSource()
	set := func(b *widget.Button, on bool) {
		if on {
			b.Enable()
		} else {
			b.Disable()
		}
	}
	set(s.syncBuildings, hasSource && !busy)
	set(s.syncUsers, hasSource && !busy && st.UsersReady() == nil)
	set(s.syncNow, hasSource && !busy && st.SyncNowReady() == nil)
	set(s.chooseFile, !busy)
	set(s.chooseFolder, !busy)
	set(s.recheck, hasSource && !busy)
	if busy || st == nil {
		s.kind.Disable()
	} else {
		s.kind.Enable()
	}
	set(s.addBuilding, st != nil && st.BuildingsEditable() && !busy)
	if busy || st == nil {
		s.enable.Disable()
	} else {
		s.enable.Enable()
	}
	if st != nil && st.SyncNowReady() == nil {
		s.nowWhy.Hide()
	} else {
		s.nowWhy.Show()
	}
}

func (s *oneRosterScreen) say(l *widget.Label, text string, imp widget.Importance) {
	l.Importance = imp
	l.SetText(text)
	l.Show()
}

// hasSource tells whether syncs have something to read (the engine's rule).
func (s *oneRosterScreen) hasSource() bool { return s.state != nil && s.state.HasSource() }

// viaProvider tells whether the connection is the REST provider.
func (s *oneRosterScreen) viaProvider() bool {
	return s.state != nil && s.state.Connection == rsync.SourceProvider
}
