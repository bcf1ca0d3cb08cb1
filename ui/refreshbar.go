package ui

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// refreshBar is a screen's heading: title, status line and a Refresh button.
type refreshBar struct {
	title  *widget.Label
	status *widget.Label
	button *widget.Button
	// now is the clock shown in "Updated …"; tests may replace it.
	now func() time.Time
}

func newRefreshBar(title string, onRefresh func()) *refreshBar {
	b := &refreshBar{
		title:  widget.NewLabelWithStyle(title, fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		status: widget.NewLabel(""),
		button: widget.NewButtonWithIcon("Refresh", theme.ViewRefreshIcon(), onRefresh),
		now:    time.Now,
	}
	b.status.Truncation = fyne.TextTruncateEllipsis
	return b
}

func (b *refreshBar) content() fyne.CanvasObject {
	return container.NewBorder(nil, nil, b.title, b.button, b.status)
}

// loading marks the start of an engine call (UI goroutine only).
func (b *refreshBar) loading() {
	b.button.Disable()
	b.status.Importance = widget.MediumImportance
	b.status.SetText("Loading…")
}

// loaded shows the outcome of an engine call (UI goroutine only).
func (b *refreshBar) loaded(what string, err error) {
	b.button.Enable()
	if err != nil {
		b.status.Importance = widget.DangerImportance
		b.status.SetText("Could not read " + what + ": " + err.Error())
		return
	}
	b.status.Importance = widget.MediumImportance
	b.status.SetText("Updated " + b.now().UTC().Format("15:04:05") + " UTC")
}
