package ui

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"rosterdesk/assets"
	"rosterdesk/internal/appinfo"
	rsync "rosterdesk/sync"
)

// aboutScreen says which RosterDesk this is (version, platform, libraries)
// and where it keeps its files, and copies that as a support report.
type aboutScreen struct {
	eng     *rsync.Engine
	win     func() fyne.Window
	version *widget.Label
	system  *widget.Label
	libs    *fyne.Container // grid: library, version
	paths   *fyne.Container // form: what, where
	copy    *widget.Button
	note    *widget.Label
	root    fyne.CanvasObject
}

func newAboutScreen(_ *loader, eng *rsync.Engine, win func() fyne.Window) *aboutScreen {
	s := &aboutScreen{eng: eng, win: win}
	icon := canvas.NewImageFromResource(assets.Icon)
	icon.FillMode = canvas.ImageFillContain
	icon.SetMinSize(fyne.NewSize(72, 72))
	name := widget.NewRichTextFromMarkdown("# " + appinfo.Name)
	s.version = widget.NewLabel("")
	s.version.Selectable = true
	s.system = widget.NewLabel("")
	blurb := widget.NewLabel("Keeps your district's local roster in step with your SIS through OneRoster.")
	blurb.Wrapping = fyne.TextWrapWord
	head := container.NewBorder(nil, nil, icon, nil, container.NewVBox(name, s.version, s.system))

	s.libs = container.New(layout.NewFormLayout())
	s.paths = container.New(layout.NewFormLayout())
	s.note = widget.NewLabel("")
	s.note.Wrapping = fyne.TextWrapWord
	s.note.Hide()
	s.copy = widget.NewButtonWithIcon("Copy support report", theme.ContentCopyIcon(), func() { s.copyReport() })
	s.copy.Importance = widget.HighImportance
	reportHelp := widget.NewLabel("The report lists the version, platform, libraries and folders above (no roster data). " +
		"Paste it into an error report, with the run's export from History.")
	reportHelp.Wrapping = fyne.TextWrapWord

	body := container.NewVBox(head, blurb, widget.NewSeparator(),
		fieldLabel("Where RosterDesk keeps its files"), s.paths, widget.NewSeparator(),
		fieldLabel("Libraries"), s.libs, widget.NewSeparator(),
		container.NewHBox(s.copy), reportHelp, s.note)
	s.root = container.NewVScroll(container.New(&columnLayout{width: 900}, container.NewPadded(body)))
	s.refresh()
	return s
}

func (s *aboutScreen) content() fyne.CanvasObject { return s.root }

// paths are the folders of the roster this window opened.
func (s *aboutScreen) pathsInUse() appinfo.Paths { return appinfo.PathsFor(s.eng.Path()) }

// refresh shows the build and the folders; nothing here needs the engine's goroutine.
func (s *aboutScreen) refresh() <-chan struct{} {
	info := appinfo.Get()
	s.version.SetText("Version " + info.FullVersion())
	s.system.SetText(fmt.Sprintf("%s/%s, built with %s", info.OS, info.Arch, info.Go))

	value := func(t string) *widget.Label {
		l := widget.NewLabel(t)
		l.Selectable = true
		l.Wrapping = fyne.TextWrapBreak
		return l
	}
	p := s.pathsInUse()
	s.paths.Objects = nil
	for _, row := range []struct{ what, where string }{
		{"Roster, history and sync settings", p.Roster},
		{"Held runs' kept exports, temporary pulls", s.eng.RunDir()},
		{"Logs (rosterdesk serve)", p.Logs},
		{"Window preferences", p.Preferences},
	} {
		s.paths.Add(widget.NewLabel(row.what))
		s.paths.Add(value(row.where))
	}
	s.paths.Refresh()
	s.libs.Objects = nil
	for _, m := range appinfo.Libraries() {
		name := m.Name
		if m.Path != "" && m.Path != m.Name {
			name += " (" + m.Path + ")"
		}
		s.libs.Add(widget.NewLabel(name))
		s.libs.Add(value(m.Version))
	}
	s.libs.Refresh()
	done := make(chan struct{})
	close(done)
	return done
}

// report is the support report for the roster in use.
func (s *aboutScreen) report() string { return appinfo.Report(s.pathsInUse()) }

// copyReport puts the support report on the clipboard.
func (s *aboutScreen) copyReport() {
	fyne.CurrentApp().Clipboard().SetContent(s.report())
	showNote(s.note, "Copied to the clipboard.", widget.SuccessImportance)
}
