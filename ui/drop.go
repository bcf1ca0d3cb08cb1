package ui

import (
	"errors"
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	rsync "rosterdesk/sync"
)

// dropRoute is what a file dropped on the window is, and so where it goes.
type dropRoute struct {
	path   string
	upload rsync.Upload
}

// Messages for drops that are not one local file.
const (
	dropNothing  = "Nothing to upload was dropped: drop OneRoster.zip, users.csv or courses.csv."
	dropMany     = "Drop OneRoster.zip or one CSV file on its own, or the CSV files of one export together."
	dropNotLocal = "Only files on this computer can be uploaded: save it to a folder first, then drop it again."
)

// routeDrop decides what the files dropped on the window are: exactly one
// local file, recognized by detect (sync.DetectUpload) from its name and
// content. The error is written for the admin.
func routeDrop(uris []fyne.URI, detect func(string) (rsync.Upload, error)) (dropRoute, error) {
	switch {
	case len(uris) == 0:
		return dropRoute{}, errors.New(dropNothing)
	case len(uris) > 1:
		return dropRoute{}, errors.New(dropMany)
	case uris[0].Scheme() != "file":
		return dropRoute{}, errors.New(dropNotLocal)
	}
	p := uris[0].Path()
	up, err := detect(p)
	if err != nil {
		return dropRoute{}, err
	}
	return dropRoute{path: p, upload: up}, nil
}

// localPaths gives the paths of dropped files when every one is on this computer.
func localPaths(uris []fyne.URI) ([]string, bool) {
	out := make([]string, 0, len(uris))
	for _, u := range uris {
		if u.Scheme() != "file" {
			return nil, false
		}
		out = append(out, u.Path())
	}
	return out, true
}

// newDropArea is a visible place that says what can be dropped: a framed
// box with an icon (drops are taken anywhere on the window's screen).
func newDropArea(text string) fyne.CanvasObject {
	label := widget.NewLabel(text)
	label.Wrapping = fyne.TextWrapWord
	frame := canvas.NewRectangle(color.Transparent)
	frame.StrokeColor = theme.Color(theme.ColorNameInputBorder)
	frame.StrokeWidth = 2
	frame.CornerRadius = theme.InputRadiusSize()
	return container.NewStack(frame, container.NewPadded(
		container.NewBorder(nil, nil, widget.NewIcon(theme.DownloadIcon()), nil, label)))
}
