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

	"rosterdesk"
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

	state  *rsync.SyncState
	report *rsync.Report
	align  *rsync.Alignment

	banner *fyne.Container
	enable *widget.Check

	// The connection: a CSV bundle or a REST provider (state.Connection, as stored in sync.source).
	kind     *widget.RadioGroup
	kindNote *widget.Label
	csvBox   *fyne.Container
	provider *ProviderForm

	source       *widget.Label
	chooseFile   *widget.Button
	chooseFolder *widget.Button
	recheck      *widget.Button
	detected     *widget.Label
	checkNote    *widget.Label

	alignTable    *pagedTable
	alignSummary  *widget.Label
	alignSentence *widget.Label
	addBuilding   *widget.Button
	alignNote     *widget.Label
	alignBox      *fillWidth // the table's height follows its rows, up to ten
	tableBox      *fyne.Container

	syncBuildings   *widget.Button
	syncUsers       *widget.Button
	syncNow         *widget.Button
	usersWhy        *widget.Label
	nowWhy          *widget.Label
	buildingsResult *widget.Label
	usersResult     *widget.Label
	job             *jobView // syncs
	checkJob        *jobView // source checks and the switch analysis

	// onSettings, when set, is told after a setting the automated sync
	// depends on was saved here (OneRoster on or off, the connection's kind).
	onSettings func()

	// The open dialogs, for tests.
	switchDialog *dialog.ConfirmDialog
	switchEntry  *widget.Entry
	enableDialog dialog.Dialog

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

	// Connection.
	s.source = widget.NewLabel(noSourceText)
	s.source.Wrapping = fyne.TextWrapWord
	s.chooseFile = widget.NewButtonWithIcon("Choose OneRoster.zip…", theme.FileIcon(), s.pickFile)
	s.chooseFolder = widget.NewButtonWithIcon("Choose a folder…", theme.FolderOpenIcon(), s.pickFolder)
	s.recheck = widget.NewButtonWithIcon("Check again", theme.ViewRefreshIcon(), func() {
		if s.state != nil && s.state.Source != "" {
			s.checkSource(s.state.Source, false)
		}
	})
	s.detected = widget.NewLabel("")
	s.detected.Wrapping = fyne.TextWrapWord
	s.checkNote = widget.NewLabel("")
	s.checkNote.Wrapping = fyne.TextWrapWord
	s.checkNote.Hide()
	s.checkJob = newJobView()
	s.checkJob.onBusy = func(bool) { s.updateButtons() }
	s.csvBox = container.NewVBox(container.NewHBox(s.chooseFile, s.chooseFolder, s.recheck),
		newDropArea(connectDropHint), s.checkJob.content(), s.detected, s.checkNote)
	s.provider = newProviderFormCounted(l.ctx, eng, l.ui, &l.inflight)
	s.provider.OnSaved = func(rsync.ProviderSettings) { s.refresh() }
	s.provider.Content().Hide()
	s.kind = widget.NewRadioGroup([]string{kindCSV, kindREST}, s.kindChanged)
	s.kind.Horizontal = true
	s.kind.Required = true
	s.kindNote = widget.NewLabel("")
	s.kindNote.Wrapping = fyne.TextWrapWord
	s.kindNote.Hide()
	kindHelp := widget.NewLabel("Where syncs read your OneRoster data: the CSV bundle your SIS exports, or its REST API. " +
		"Scheduled syncs read the same kind (Preferences › Schedule).")
	kindHelp.Wrapping = fyne.TextWrapWord
	connection := widget.NewCard("Connection", "", container.NewVBox(
		kindHelp, s.kind, s.kindNote, s.source, s.csvBox, s.provider.Content()))

	// Building alignment.
	s.alignTable = newPagedTable(l, alignColumns, 1000, func(context.Context, int, int) (pageResult, error) {
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
	alignment := widget.NewCard("Building alignment", "", container.NewVBox(alignHelp, s.alignSummary, s.alignSentence,
		s.tableBox, container.NewHBox(s.addBuilding), s.alignNote))

	// Initial synchronization.
	s.job = newJobView()
	s.job.onBusy = func(bool) { s.updateButtons() }
	s.syncBuildings = widget.NewButtonWithIcon("1. Synchronize buildings", theme.StorageIcon(), func() { s.runSync(rosterdesk.ScopeBuildings) })
	s.syncUsers = widget.NewButtonWithIcon("2. Synchronize users", theme.AccountIcon(), func() { s.runSync("") })
	s.syncNow = widget.NewButtonWithIcon("Sync now", theme.ViewRefreshIcon(), func() { s.runSync("") })
	s.syncNow.Importance = widget.HighImportance
	s.usersWhy = widget.NewLabel("")
	s.usersWhy.Wrapping = fyne.TextWrapWord
	s.usersWhy.Importance = widget.WarningImportance
	s.nowWhy = widget.NewLabel(syncNowWhy)
	s.nowWhy.Importance = widget.LowImportance
	s.nowWhy.Wrapping = fyne.TextWrapWord
	s.buildingsResult = widget.NewLabel("")
	s.buildingsResult.Wrapping = fyne.TextWrapWord
	s.usersResult = widget.NewLabel("")
	s.usersResult.Wrapping = fyne.TextWrapWord
	s.buildingsResult.Hide()
	s.usersResult.Hide()
	steps := widget.NewLabel("A one-time building synchronization sets up the buildings every user import depends on. " +
		"Then synchronize users (and courses, as the Synchronization processes preference says). Large districts take a while: " +
		"the window stays usable, and Cancel rolls everything back.")
	steps.Wrapping = fyne.TextWrapWord
	initial := widget.NewCard("Initial synchronization", "", container.NewVBox(steps,
		container.NewHBox(s.syncBuildings), s.buildingsResult,
		container.NewHBox(s.syncUsers), s.usersWhy, s.usersResult,
		widget.NewSeparator(), container.NewBorder(nil, nil, s.syncNow, nil, s.nowWhy),
		s.job.content()))

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
