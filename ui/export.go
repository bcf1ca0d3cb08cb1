package ui

import (
	"context"
	"fmt"
	"io"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"

	rsync "rosterdesk/sync"
	"rosterdesk/sync/report"
)

// exportFormat is what "Export" writes.
type exportFormat string

const (
	exportXLSX exportFormat = ".xlsx"
	exportCSV  exportFormat = ".csv"
)

// exportFileName is the name the save dialog proposes.
func exportFileName(runID int64, f exportFormat) string {
	return fmt.Sprintf("rosterdesk-run-%d%s", runID, f)
}

// writeExport writes run runID as f to w with the report package.
func writeExport(ctx context.Context, eng *rsync.Engine, runID int64, f exportFormat, w io.Writer) error {
	if f == exportCSV {
		return report.WriteCSV(ctx, eng, runID, w)
	}
	return report.WriteXLSX(ctx, eng, runID, w)
}

// exportRunDialog asks where to save run runID, then writes it off the UI
// goroutine and says how it went in note.
func exportRunDialog(win fyne.Window, l *loader, eng *rsync.Engine, runID int64, f exportFormat, note *widget.Label) {
	l.pick(win, pickRequest{kind: pickSave, title: fmt.Sprintf("Export run %d", runID), exts: []string{string(f)},
		dir: l.startDir(""), name: exportFileName(runID, f)}, func(p string) {
		w, err := storage.Writer(storage.NewFileURI(p))
		if err != nil {
			showNote(note, "Could not open the file: "+err.Error(), widget.DangerImportance)
			return
		}
		exportTo(l, eng, runID, f, w, note)
	})
}

// exportTo writes run runID to w (closing it) off the UI goroutine.
func exportTo(l *loader, eng *rsync.Engine, runID int64, f exportFormat, w fyne.URIWriteCloser, note *widget.Label) <-chan struct{} {
	where := w.URI().Path()
	showNote(note, fmt.Sprintf("Exporting run %d to %s…", runID, where), widget.MediumImportance)
	return run(l, func(ctx context.Context) (struct{}, error) {
		err := writeExport(ctx, eng, runID, f, w)
		if cerr := w.Close(); err == nil {
			err = cerr
		}
		return struct{}{}, err
	}, func(_ struct{}, err error) {
		if err != nil {
			showNote(note, fmt.Sprintf("Export of run %d failed: %v", runID, err), widget.DangerImportance)
			return
		}
		showNote(note, fmt.Sprintf("Run %d exported to %s", runID, where), widget.SuccessImportance)
	})
}

func showNote(note *widget.Label, text string, imp widget.Importance) {
	note.Importance = imp
	note.SetText(text)
	note.Show()
}
