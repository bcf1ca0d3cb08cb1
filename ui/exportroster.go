package ui

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	rsync "rosterdesk/sync"
	"rosterdesk/sync/report"
)

// The roster's export formats, as the Export roster dialog offers them.
const (
	rosterXLSX      = "Workbook (.xlsx)"
	rosterCSV       = "CSV files"
	rosterOneRoster = "OneRoster CSV bundle"
)

var rosterFormatHelp = map[string]string{
	rosterXLSX: "One sheet each for buildings, users, courses, classes and assignments, every record marked active or inactive. " +
		"Safe to open: no value runs as a formula.",
	rosterCSV: "The same tables as CSV files (buildings.csv, users.csv, courses.csv, classes.csv, assignments.csv) " +
		"in a new folder inside the folder you choose.",
	rosterOneRoster: "The active roster as OneRoster CSV files with their manifest.csv, for an LMS, device management or library " +
		"system, in a new folder inside the folder you choose. RosterDesk validates it before saying it is done.",
}

// exportRosterDialog asks how to export the roster, then where; the export
// runs off the UI goroutine and says how it went in note.
func exportRosterDialog(win fyne.Window, l *loader, eng *rsync.Engine, note *widget.Label) dialog.Dialog {
	help := widget.NewLabel(rosterFormatHelp[rosterXLSX])
	help.Wrapping = fyne.TextWrapWord
	version := widget.NewRadioGroup([]string{"1.1", "1.2"}, nil)
	version.Horizontal = true
	version.SetSelected("1.1")
	versionRow := container.NewHBox(widget.NewLabel("OneRoster version"), version)
	versionRow.Hide()
	format := widget.NewRadioGroup([]string{rosterXLSX, rosterCSV, rosterOneRoster}, func(s string) {
		help.SetText(rosterFormatHelp[s])
		if s == rosterOneRoster {
			versionRow.Show()
		} else {
			versionRow.Hide()
		}
	})
	format.Required = true
	format.SetSelected(rosterXLSX)
	body := container.NewVBox(
		widget.NewLabel("The roster as it is now, for other tools."),
		format, versionRow, help)
	d := dialog.NewCustomConfirm("Export roster", "Choose where…", "Cancel", container.NewGridWrap(fyne.NewSize(540, 300), body), func(ok bool) {
		if !ok {
			return
		}
		kind, ver := format.Selected, version.Selected
		req := pickRequest{kind: pickFolder, title: "Export roster: choose a folder", dir: l.startDir("")}
		if kind == rosterXLSX {
			req = pickRequest{kind: pickSave, title: "Export roster", exts: []string{".xlsx"}, dir: l.startDir(""),
				name: "rosterdesk-roster-" + time.Now().Format("2006-01-02") + ".xlsx"}
		}
		l.pick(win, req, func(p string) { exportRosterTo(l, eng, kind, ver, p, note) })
	}, win)
	d.Show()
	return d
}

// newExportFolder is a new folder for an export inside dir: "name", or "name (2)"… if taken.
func newExportFolder(dir, name string) string {
	p := filepath.Join(dir, name)
	for i := 2; ; i++ {
		if _, err := os.Stat(p); os.IsNotExist(err) {
			return p
		}
		p = filepath.Join(dir, fmt.Sprintf("%s (%d)", name, i))
	}
}

// exportRosterTo writes the roster as kind to path (a file for the workbook,
// the folder to make a new folder in otherwise) off the UI goroutine.
func exportRosterTo(l *loader, eng *rsync.Engine, kind, version, path string, note *widget.Label) <-chan struct{} {
	day := time.Now().Format("2006-01-02")
	target := path
	switch kind {
	case rosterCSV:
		target = newExportFolder(path, "RosterDesk roster "+day)
	case rosterOneRoster:
		target = newExportFolder(path, "RosterDesk OneRoster "+version+" "+day)
	}
	showNote(note, "Exporting the roster to "+target+"…", widget.MediumImportance)
	return run(l, func(ctx context.Context) (string, error) {
		switch kind {
		case rosterXLSX:
			f, err := os.Create(target)
			if err != nil {
				return "", err
			}
			err = report.WriteRosterXLSX(ctx, eng, f)
			if cerr := f.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				os.Remove(target)
			}
			return "Roster exported to " + target + ".", err
		case rosterCSV:
			if err := report.WriteRosterCSV(ctx, eng, target); err != nil {
				return "", err
			}
			return "Roster exported to " + target + ": " + strings.Join(report.RosterFiles, ", ") + ".", nil
		}
		x, err := eng.ExportOneRoster(ctx, target, version)
		if err != nil {
			return "", err
		}
		return oneRosterExportText(x), nil
	}, func(text string, err error) {
		if err != nil {
			showNote(note, "Export of the roster failed: "+err.Error(), widget.DangerImportance)
			return
		}
		showNote(note, text, widget.SuccessImportance)
	})
}

// oneRosterExportText says what a OneRoster export wrote, what it left out and how it validated.
func oneRosterExportText(x *rsync.RosterExport) string {
	var files []string
	for f, n := range x.Files {
		files = append(files, fmt.Sprintf("%s %s", f, num(n)))
	}
	sort.Strings(files)
	text := fmt.Sprintf("OneRoster %s bundle written to %s: manifest.csv, %s.", x.Version, x.Dir, strings.Join(files, ", "))
	var left []string
	for why, n := range x.Left {
		left = append(left, fmt.Sprintf("%s %s", num(n), why))
	}
	sort.Strings(left)
	if len(left) > 0 {
		text += " Left out (only active records that can be imported are listed): " + strings.Join(left, ", ") + "."
	}
	if v := x.Validation; v != nil {
		text += fmt.Sprintf(" Validated: %s, %s.", plural(v.Errors, "error", "errors"), plural(v.Warnings, "warning", "warnings"))
	}
	return text
}
