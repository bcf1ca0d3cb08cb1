package ui

import (
	"context"
	"fmt"
	"path/filepath"
	"sort"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"rosterdesk"
	rsync "rosterdesk/sync"
)

// connectionArea is the OneRoster screen's Connection card: the kind of
// connection (state.Connection, as stored in sync.source), the bundle
// pickers and what checking a bundle detected, or the provider form; and
// the provider-switch dialog (oneroster_switch.go).
type connectionArea struct {
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
	checkJob     *jobView      // source checks and the switch analysis
	report       *rsync.Report // what the last check detected

	// The open switch dialog, for tests.
	switchDialog *dialog.ConfirmDialog
	switchEntry  *widget.Entry
}

// connectionCard builds the Connection card.
func (s *oneRosterScreen) connectionCard() fyne.CanvasObject {
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
	s.provider = newProviderFormCounted(s.l.ctx, s.eng, s.l.ui, &s.l.inflight)
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
	return widget.NewCard("Connection", "", container.NewVBox(
		kindHelp, s.kind, s.kindNote, s.source, s.csvBox, s.provider.Content()))
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
		provider := rep.Source.SystemName
		if s.state != nil && s.state.Switch(path, provider).Confirm {
			s.confirmSwitch(path, provider)
			return
		}
		s.connect(path, provider, false)
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
		if mode == rosterdesk.ModeAbsent {
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

// connect stores path as the connected source and reloads the alignment;
// confirmed says the admin confirmed a provider switch.
func (s *oneRosterScreen) connect(path, provider string, confirmed bool) <-chan struct{} {
	return run(s.l, func(ctx context.Context) (struct{}, error) {
		return struct{}{}, s.eng.Connect(ctx, path, provider, confirmed)
	}, func(_ struct{}, err error) {
		if err != nil {
			s.say(s.checkNote, errorText("Connecting the source", err), widget.DangerImportance)
			return
		}
		s.say(s.checkNote, "Connected. Syncs now read "+path+".", widget.SuccessImportance)
		s.refresh()
	})
}

// showKind shows the connection of the stored kind: the bundle pickers or the provider form.
func (s *oneRosterScreen) showKind() {
	label := kindCSV
	if s.viaProvider() {
		label = kindREST
	}
	if s.kind.Selected != label {
		cb := s.kind.OnChanged
		s.kind.OnChanged = nil
		s.kind.SetSelected(label)
		s.kind.OnChanged = cb
	}
	if s.viaProvider() {
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
	kind := rsync.SourceFolder
	if label == kindREST {
		kind = rsync.SourceProvider
	}
	if s.state == nil || label == "" || kind == s.state.Connection {
		return
	}
	s.setKind(kind)
}

func (s *oneRosterScreen) setKind(kind rsync.SourceKind) <-chan struct{} {
	s.kindNote.Hide()
	return run(s.l, func(ctx context.Context) (rosterdesk.Settings, error) {
		return s.eng.UpdateSettings(ctx, func(v *rosterdesk.Settings) { v.Schedule.Source = kind }, rsync.KeySyncSource)
	}, func(_ rosterdesk.Settings, err error) {
		if err != nil {
			s.say(s.kindNote, errorText("Saving the connection", err), widget.DangerImportance)
			s.showKind() // back to the stored kind
			return
		}
		s.state.Connection = kind // as saved; the refresh below reloads the rest
		s.showKind()
		s.showState(s.state)
		if s.onSettings != nil {
			s.onSettings()
		}
		s.refresh()
	})
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
