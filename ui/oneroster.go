package ui

import (
	"context"
	"fmt"
	"image/color"
	"path/filepath"
	"sort"
	"strings"
	"time"

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
	syncNowWhy   = "Sync now is available once the initial user synchronization has succeeded."

	// The connection's two kinds (setting sync.source: the automated sync reads the same kind).
	kindCSV           = "CSV bundle (file or folder)"
	kindREST          = "REST provider"
	modeFolder        = string(rsync.SourceFolder)
	modeBundle        = string(rsync.SourceBundle)
	modeProvider      = string(rsync.SourceProvider)
	noProviderText    = "No REST provider set up yet: choose the provider, fill in its address and credentials, Save, then Test connection."
	providerAlignText = "The building alignment is previewed for a CSV bundle. With a REST provider, the building synchronization " +
		"matches each school to the local building whose SIS id is the school's sourcedId and adds the others; its log in History lists them."
)

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

	// The connection: a CSV bundle or a REST provider (mode, as stored in sync.source).
	kind     *widget.RadioGroup
	kindNote *widget.Label
	csvBox   *fyne.Container
	provider *ProviderForm
	mode     string
	prov     rsync.ProviderSettings // as stored

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
		return r.key.(rsync.AlignRow).BuildingID != 0 && s.state != nil && !s.state.Enabled
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
	s.syncBuildings = widget.NewButtonWithIcon("1. Synchronize buildings", theme.StorageIcon(), func() { s.runSync(rsync.ScopeBuildings) })
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

// fillWidth lays its objects out full width at a fixed height.
type fillWidth struct{ height float32 }

func (f *fillWidth) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(fyne.NewSize(size.Width, f.height))
	}
}

func (f *fillWidth) MinSize([]fyne.CanvasObject) fyne.Size { return fyne.NewSize(100, f.height) }

// refresh reloads the sync state and, with a source, its building alignment.
func (s *oneRosterScreen) refresh() <-chan struct{} {
	type loaded struct {
		state *rsync.SyncState
		mode  string
		prov  rsync.ProviderSettings
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
		if r.mode, err = s.eng.Setting(ctx, rsync.KeySyncSource); err != nil {
			return r, err
		}
		if r.prov, err = s.eng.Provider(ctx); err != nil {
			return r, err
		}
		if r.mode != modeProvider && st.Source != "" {
			r.align, r.err = s.eng.Alignment(ctx, st.Source)
		}
		return r, nil
	}, func(r loaded, err error) {
		s.bar.loaded("the OneRoster state", err)
		if err != nil {
			return
		}
		s.mode, s.prov = r.mode, r.prov
		s.showKind()
		s.showState(r.state)
		switch {
		case s.mode == modeProvider:
			s.showAlignment(nil)
			s.alignSummary.SetText(providerAlignText)
		case r.err != nil:
			s.showAlignment(nil)
			s.alignSentence.SetText(errorText("Reading the source", r.err))
		default:
			s.showAlignment(r.align)
		}
		if s.mode != modeProvider && s.report == nil && r.state.Source != "" && !s.checkJob.running {
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
	if s.mode == modeProvider {
		if s.prov.Configured() {
			s.source.SetText("Source: " + s.prov.Name() + "\nEvery sync pulls what it needs from the provider; Test connection checks the settings.")
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
	s.usersWhy.SetText(st.UsersBlocked())
	if st.UsersBlocked() == "" {
		s.usersWhy.Hide()
	} else {
		s.usersWhy.Show()
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
	set(s.syncUsers, hasSource && !busy && st.BuildingsSynced)
	set(s.syncNow, hasSource && !busy && st.UsersSynced)
	set(s.chooseFile, !busy)
	set(s.chooseFolder, !busy)
	set(s.recheck, hasSource && !busy)
	if busy || st == nil {
		s.kind.Disable()
	} else {
		s.kind.Enable()
	}
	set(s.addBuilding, st != nil && !st.Enabled && !busy)
	if busy || st == nil {
		s.enable.Disable()
	} else {
		s.enable.Enable()
	}
	if st != nil && st.UsersSynced {
		s.nowWhy.Hide()
	} else {
		s.nowWhy.Show()
	}
}

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

// pickFile chooses a OneRoster.zip (or a lone CSV) as the source.
func (s *oneRosterScreen) pickFile() {
	s.l.pick(s.win(), pickRequest{kind: pickFile, title: "Choose the OneRoster export", exts: []string{".zip", ".csv"},
		dir: s.l.startDir(s.sourcePath())}, func(p string) { s.checkSource(p, true) })
}

func (s *oneRosterScreen) pickFolder() {
	s.l.pick(s.win(), pickRequest{kind: pickFolder, title: "Choose the folder of the OneRoster export",
		dir: s.l.startDir(s.sourcePath())}, func(p string) { s.checkSource(p, true) })
}

// sourcePath is the connected source, if any.
func (s *oneRosterScreen) sourcePath() string {
	if s.state == nil {
		return ""
	}
	return s.state.Source
}

// checkSource validates path and shows what was detected. With connect, a
// usable source becomes the connected one, after the provider-switch
// analysis when it comes from another provider.
func (s *oneRosterScreen) checkSource(path string, connect bool) <-chan struct{} {
	s.checkNote.Hide()
	return startJob(s.checkJob, s.l, "Checking "+path, func(ctx context.Context, progress func(rsync.Progress)) (*rsync.Report, error) {
		progress(rsync.Progress{Phase: "Reading and checking every file"})
		return s.eng.Validate(ctx, path)
	}, func(rep *rsync.Report, err error) {
		if rep != nil {
			s.showReport(path, rep)
		}
		if err != nil {
			if rep == nil || rep.Source == nil {
				s.detected.SetText("") // not the previous file's: this one was refused
			}
			text := errorText("Checking "+filepath.Base(path), err)
			if st := s.state; connect && st != nil && st.Source != "" && st.Source != path {
				text += "\nIt was not connected: the source is still " + st.Source + "."
			}
			s.say(s.checkNote, text, widget.DangerImportance)
			return
		}
		if !connect {
			return
		}
		st := s.state
		provider := rep.Source.SystemName
		if st != nil && st.UsersSynced && st.Source != "" && path != st.Source && provider != st.Provider {
			s.confirmSwitch(path, provider)
			return
		}
		s.connect(path, provider)
	})
}

// showReport lists what Validate detected in the source.
func (s *oneRosterScreen) showReport(path string, rep *rsync.Report) {
	s.report = rep
	if rep.Source == nil {
		s.detected.SetText(path + ": " + rep.Message)
		return
	}
	src := rep.Source
	manifest := "with manifest.csv"
	if !src.HasManifest {
		manifest = "without manifest.csv"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Detected: OneRoster %s %s, %s", src.Version, src.Kind, manifest)
	if src.SystemName != "" {
		fmt.Fprintf(&b, ", provider %q", src.SystemName)
	}
	b.WriteString(".\n")
	names := make([]string, 0, len(src.Modes))
	for n := range src.Modes {
		names = append(names, n)
	}
	sort.Strings(names)
	var files []string
	for _, n := range names {
		mode := src.Modes[n]
		if mode == rsync.ModeAbsent {
			continue
		}
		line := n + ".csv " + string(mode)
		if rows, ok := rep.Rows[n+".csv"]; ok {
			line += ", " + plural(rows, "row", "rows")
		}
		files = append(files, line)
	}
	if len(files) == 0 {
		b.WriteString("No OneRoster data files.")
	} else {
		b.WriteString("Files: " + strings.Join(files, " · ") + ".")
	}
	if rep.Message != "" { // what the bundle is usable for, and which files cannot be read
		fmt.Fprintf(&b, "\n%s.", strings.ToUpper(rep.Message[:1])+strings.TrimSuffix(rep.Message[1:], "."))
	}
	fmt.Fprintf(&b, "\n%s (records that would be skipped), %s (kept, corrected).",
		plural(rep.Errors, "error", "errors"), plural(rep.Warnings, "warning", "warnings"))
	shown := 0
	for _, e := range rep.Log {
		if e.Severity != rsync.SevWarning && e.Severity != rsync.SevError {
			continue
		}
		if shown == 5 {
			b.WriteString("\n… the Full log of a sync lists them all.")
			break
		}
		where := e.File
		if e.Line > 0 {
			where += fmt.Sprintf(" line %d", e.Line)
		}
		fmt.Fprintf(&b, "\n• %s %s: %s", e.Severity, where, e.Message)
		shown++
	}
	s.detected.SetText(b.String())
}

// connect stores path as the connected source and reloads the alignment.
func (s *oneRosterScreen) connect(path, provider string) <-chan struct{} {
	return run(s.l, func(ctx context.Context) (map[string]string, error) {
		return s.eng.SaveSettings(ctx, map[string]string{rsync.KeySource: path, rsync.KeyProvider: provider})
	}, func(_ map[string]string, err error) {
		if err != nil {
			s.say(s.checkNote, errorText("Connecting the source", err), widget.DangerImportance)
			return
		}
		s.say(s.checkNote, "Connected. Syncs now read "+path+".", widget.SuccessImportance)
		s.refresh()
	})
}

// confirmSwitch warns that another provider's identifiers may not match,
// analyses the new bundle, and connects it only once the admin types the word.
func (s *oneRosterScreen) confirmSwitch(path, provider string) {
	from := s.state.Provider
	if from == "" {
		from = "the current provider"
	}
	msg := widget.NewLabel(fmt.Sprintf("This bundle comes from %q, not %s. Switching OneRoster providers after a successful sync "+
		"is not recommended: identifiers (sourcedIds) may not match, so users could be added twice and existing ones "+
		"deactivated. Contact support before switching if you can.\n\nAnalyze what the switch would do first; nothing is changed.",
		provider, from))
	msg.Wrapping = fyne.TextWrapWord
	d := dialog.NewCustomConfirm("Switch OneRoster provider?", "Analyze", "Cancel", msg, func(ok bool) {
		if ok {
			s.analyzeSwitch(path, provider)
		}
	}, s.win())
	d.Resize(fyne.NewSize(560, 300))
	d.Show()
}

// analyzeSwitch runs the dry-run analysis with progress, then asks for the word.
func (s *oneRosterScreen) analyzeSwitch(path, provider string) <-chan struct{} {
	return startJob(s.checkJob, s.l, "Analyzing the provider switch", func(ctx context.Context, progress func(rsync.Progress)) (*rsync.SwitchAnalysis, error) {
		return s.eng.AnalyzeSwitch(ctx, path, progress)
	}, func(a *rsync.SwitchAnalysis, err error) {
		if err != nil {
			if !cancelled(err) {
				s.say(s.checkNote, errorText("The switch analysis", err), widget.DangerImportance)
			}
			return
		}
		s.showSwitchAnalysis(path, provider, a)
	})
}

// switchSummary says what the analysis found.
func switchSummary(a *rsync.SwitchAnalysis) string {
	text := fmt.Sprintf("%s of the %s incoming users match a user already in the roster by sourcedId; "+
		"%s of %s schools match a building.\nA sync from it would add %s and deactivate %s.",
		num(a.MatchedUsers), num(a.IncomingUsers), num(a.MatchedSchools), num(a.IncomingSchools),
		plural(a.Counts.Users.Added, "user", "users"), plural(a.Counts.Users.Deactivated, "user", "users"))
	if a.Scope == rsync.ScopeUsersCourses {
		text += fmt.Sprintf(" Courses: %s added, %s removed. Course assignments: %s added, %s removed.",
			num(a.Counts.Courses.Added), num(a.Counts.Courses.Removed), num(a.Counts.Assignments.Added), num(a.Counts.Assignments.Removed))
	}
	if a.Mismatch() {
		text += "\nWarning: many identifiers do not match. Expect duplicates and deactivations."
	}
	return text
}

func (s *oneRosterScreen) showSwitchAnalysis(path, provider string, a *rsync.SwitchAnalysis) dialog.Dialog {
	summary := widget.NewLabel(switchSummary(a))
	summary.Wrapping = fyne.TextWrapWord
	if a.Mismatch() {
		summary.Importance = widget.DangerImportance
	}
	entry := widget.NewEntry()
	entry.SetPlaceHolder(switchWord)
	ask := widget.NewLabel("To connect the new provider anyway, type " + switchWord + " below.")
	content := container.NewVBox(summary, ask, entry)
	var d *dialog.ConfirmDialog
	d = dialog.NewCustomConfirm("Provider switch analysis", "Switch provider", "Cancel", content, func(ok bool) {
		if ok && strings.TrimSpace(entry.Text) == switchWord {
			s.connect(path, provider)
		}
	}, s.win())
	d.SetConfirmImportance(widget.DangerImportance)
	s.switchDialog, s.switchEntry = d, entry
	entry.OnChanged = func(t string) {
		if strings.TrimSpace(t) == switchWord {
			d.SetConfirmText("Switch provider")
		}
	}
	d.Resize(fyne.NewSize(600, 340))
	d.Show()
	return d
}

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
	if s.state.Buildings == 0 {
		s.setEnabled(true)
		return
	}
	s.enable.OnChanged = nil
	s.enable.SetChecked(false)
	s.enable.OnChanged = s.enableChanged
	if s.mode == modeProvider {
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
	return run(s.l, func(ctx context.Context) (map[string]string, error) {
		return s.eng.SaveSettings(ctx, map[string]string{rsync.KeyOneRosterOn: fmt.Sprint(on)})
	}, func(_ map[string]string, err error) {
		if err != nil {
			s.say(s.alignNote, errorText("Saving the OneRoster switch", err), widget.DangerImportance)
		} else if s.onSettings != nil {
			s.onSettings()
		}
		s.refresh()
	})
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

// runSync runs a sync of the connected source: buildings, or the scope of
// setting sync.process (""), with progress, Cancel and a completion message.
func (s *oneRosterScreen) runSync(scope rsync.Scope) <-chan struct{} {
	if !s.hasSource() {
		return nil
	}
	title, result := "Synchronizing users", s.usersResult
	if scope == rsync.ScopeBuildings {
		title, result = "Synchronizing buildings", s.buildingsResult
	}
	started := time.Now()
	result.SetText("")
	result.Hide()
	return startJob(s.job, s.l, title, func(ctx context.Context, progress func(rsync.Progress)) (*rsync.Result, error) {
		// What it reads is the engine's rule, shared with the tray, the CLI and the schedule.
		return s.eng.SyncNow(ctx, rsync.Options{Scope: scope, Trigger: rsync.TriggerManual, Progress: progress})
	}, func(r *rsync.Result, err error) {
		result.Show()
		switch {
		case cancelled(err):
			result.Importance = widget.WarningImportance
			result.SetText("Cancelled: everything was rolled back, the roster is as it was.")
		case err != nil:
			result.Importance = widget.DangerImportance
			text := errorText(title, err)
			if r != nil && r.RunID != 0 {
				text += fmt.Sprintf(" (run %d in History)", r.RunID)
			}
			result.SetText(text)
		default:
			result.Importance = widget.SuccessImportance
			what := scopeLabel(r.Scope)
			text := fmt.Sprintf("Done: %s synchronized in %s (run %d). %s, %s.\n%s", what,
				time.Since(started).Round(time.Second/10), r.RunID, plural(r.Errors, "error", "errors"),
				plural(r.Warnings, "warning", "warnings"), countsSummary(r.Counts, r.Scope))
			if r.Errors > 0 {
				result.Importance = widget.WarningImportance
				text += "\nRejected rows are listed in the run's Full log (History)."
			}
			result.SetText(text)
		}
		s.refresh()
	})
}

func (s *oneRosterScreen) say(l *widget.Label, text string, imp widget.Importance) {
	l.Importance = imp
	l.SetText(text)
	l.Show()
}

// hasSource tells whether syncs have something to read: the connected
// bundle, or a REST provider that is set up.
func (s *oneRosterScreen) hasSource() bool {
	if s.state == nil {
		return false
	}
	if s.mode == modeProvider {
		return s.prov.Configured()
	}
	return s.state.Source != ""
}

// showKind shows the connection of the stored kind: the bundle pickers or the provider form.
func (s *oneRosterScreen) showKind() {
	label := kindCSV
	if s.mode == modeProvider {
		label = kindREST
	}
	if s.kind.Selected != label {
		cb := s.kind.OnChanged
		s.kind.OnChanged = nil
		s.kind.SetSelected(label)
		s.kind.OnChanged = cb
	}
	if s.mode == modeProvider {
		s.csvBox.Hide()
		s.tableBox.Hide()
		s.provider.Content().Show()
	} else {
		s.provider.Content().Hide()
		s.csvBox.Show()
		s.tableBox.Show()
	}
}

// kindChanged stores the connection's kind (sync.source), then shows it.
func (s *oneRosterScreen) kindChanged(label string) {
	mode := modeFolder
	if label == kindREST {
		mode = modeProvider
	}
	if s.state == nil || label == "" || mode == s.mode {
		return
	}
	s.setKind(mode)
}

func (s *oneRosterScreen) setKind(mode string) <-chan struct{} {
	s.kindNote.Hide()
	return run(s.l, func(ctx context.Context) (map[string]string, error) {
		return s.eng.SaveSettings(ctx, map[string]string{rsync.KeySyncSource: mode})
	}, func(_ map[string]string, err error) {
		if err != nil {
			s.say(s.kindNote, errorText("Saving the connection", err), widget.DangerImportance)
			s.showKind() // back to the stored kind
			return
		}
		s.mode = mode
		s.showKind()
		s.showState(s.state)
		if s.onSettings != nil {
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

// syncNowBlocked says why Sync now cannot start here, "" when it can (the
// engine still refuses what it must).
func (s *oneRosterScreen) syncNowBlocked() string {
	switch {
	case s.job.running || s.checkJob.running:
		return "A synchronization or check is already running in the RosterDesk window."
	case !s.hasSource() && s.mode == modeProvider:
		return noProviderText
	case !s.hasSource():
		return noSourceText
	case !s.state.UsersSynced:
		return syncNowWhy
	}
	return ""
}

// connectDropHint is the OneRoster screen's drop area.
const connectDropHint = "Or drop OneRoster.zip, the folder of an unzipped export, or its CSV files together here: " +
	"that source is checked and connected."

// dropped connects (and checks) what was dropped on the OneRoster screen:
// one zip, CSV file or folder, or the CSV files of one export (their folder).
func (s *oneRosterScreen) dropped(uris []fyne.URI) <-chan struct{} {
	note := s.checkNote
	if s.kind.Selected == kindREST {
		note = s.kindNote // the CSV part is hidden
	}
	paths, ok := localPaths(uris)
	switch {
	case len(uris) == 0:
		s.say(note, dropNothing, widget.WarningImportance)
		return nil
	case !ok:
		s.say(note, dropNotLocal, widget.DangerImportance)
		return nil
	case s.kind.Selected == kindREST:
		s.say(note, "Syncs read the REST provider: choose "+kindCSV+" above first, then drop the export again.", widget.WarningImportance)
		return nil
	case s.job.running || s.checkJob.running:
		s.say(note, "Wait for the sync or check in progress to finish, then drop the export again.", widget.WarningImportance)
		return nil
	}
	src, err := rsync.ConnectSource(paths)
	if err != nil {
		s.say(note, errorText("Reading what was dropped", err), widget.DangerImportance)
		return nil
	}
	s.l.chosen(src)
	return s.checkSource(src, true)
}
