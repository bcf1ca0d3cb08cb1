package ui

import (
	"fyne.io/fyne/v2/widget"

	rsync "rosterdesk/sync"
)

// severityChange is the severity the full log gives a change the run made.
const severityChange = "change"

// severityImportance colours a log row's severity: errors red, warnings
// orange, changes a run made green, the rest plain.
func severityImportance(severity string) widget.Importance {
	switch severity {
	case rsync.SevError:
		return widget.DangerImportance
	case rsync.SevWarning:
		return widget.WarningImportance
	case severityChange:
		return widget.SuccessImportance
	}
	return widget.MediumImportance
}

// severityColumn is the colouring of a log table whose first column is the
// severity; the other columns stay plain.
func severityColumn(r pagedRow, col int) widget.Importance {
	if col != 0 {
		return widget.MediumImportance
	}
	return severityImportance(r.cells[0])
}
