//go:build windows || darwin

package ui

import (
	"errors"
	"strings"

	"github.com/sqweek/dialog"
)

// The system's file dialogs: Explorer's (comdlg32, pure Go) on Windows and
// Finder's (NSOpenPanel/NSSavePanel) on macOS, with typed and pasted paths,
// recent places, network shares and cloud folders as the system offers them.
var nativePick = systemPick

func systemPick(req pickRequest) (string, error) {
	var p string
	var err error
	if req.kind == pickFolder {
		p, err = dialog.Directory().Title(req.title).SetStartDir(req.dir).Browse()
	} else {
		b := dialog.File().Title(req.title).SetStartDir(req.dir)
		if len(req.exts) > 0 {
			var exts []string
			for _, e := range req.exts {
				exts = append(exts, strings.TrimPrefix(e, "."))
			}
			b = b.Filter(strings.Join(req.exts, ", ")+" files", exts...)
		}
		if req.kind == pickSave {
			p, err = b.SetStartFile(req.name).Save()
		} else {
			p, err = b.Load()
		}
	}
	if errors.Is(err, dialog.ErrCancelled) {
		return "", errPickCancelled
	}
	return p, err
}
