package ui

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"
)

// pickKind is what a file dialog chooses.
type pickKind int

const (
	pickFile   pickKind = iota // an existing file to open
	pickFolder                 // an existing folder
	pickSave                   // a file to write
)

// pickRequest is one file dialog.
type pickRequest struct {
	kind  pickKind
	title string
	exts  []string // allowed extensions, ".zip"; none: any
	dir   string   // the folder it opens in
	name  string   // pickSave: the file name proposed
}

// errPickCancelled is a native dialog's Cancel.
var errPickCancelled = errors.New("cancelled")

// startDir is the folder a file dialog opens in: the folder a file was last
// chosen in, else fallback's (a folder or a file in it), else none.
func (l *loader) startDir(fallback string) string {
	if l.folder != nil {
		if dir := l.folder(); dir != "" {
			return dir
		}
	}
	if fallback == "" {
		return ""
	}
	if st, err := os.Stat(fallback); err == nil && !st.IsDir() {
		return filepath.Dir(fallback)
	}
	return fallback
}

// pick asks for a path with the system's dialog where there is one, else
// with RosterDesk's (a typed or pasted path, or Browse… for Fyne's), then
// remembers its folder and calls done on the UI goroutine. Cancel calls nothing.
func (l *loader) pick(win fyne.Window, req pickRequest, done func(path string)) {
	if nativePick != nil {
		go func() {
			p, err := nativePick(req)
			l.ui(func() {
				switch {
				case err == nil && p != "":
					l.chosen(p)
					done(p)
				case errors.Is(err, errPickCancelled) || err == nil:
				default: // the system dialog failed: ours still works
					l.pathDialog(win, req, done)
				}
			})
		}()
		return
	}
	l.pathDialog(win, req, done)
}

// resolvePath turns what was typed or pasted into an absolute path: quotes
// (Explorer's "Copy as path") and spaces trimmed, ~ expanded, a relative
// path taken from dir. A full path stays as typed.
func resolvePath(typed, dir string) string {
	p := strings.TrimSpace(typed)
	if len(p) >= 2 && (p[0] == '"' && p[len(p)-1] == '"' || p[0] == '\'' && p[len(p)-1] == '\'') {
		p = strings.TrimSpace(p[1 : len(p)-1])
	}
	if strings.HasPrefix(p, "file://") {
		if u, err := storage.ParseURI(p); err == nil {
			p = u.Path()
		}
	}
	if p == "~" || strings.HasPrefix(p, "~/") || strings.HasPrefix(p, `~\`) {
		if home, err := os.UserHomeDir(); err == nil {
			p = filepath.Join(home, p[1:])
		}
	}
	if p != "" && !filepath.IsAbs(p) && dir != "" {
		p = filepath.Join(dir, p)
	}
	return filepath.Clean(p)
}

// checkPicked says why path cannot be used for req ("" when it can).
func checkPicked(req pickRequest, path string) string {
	if strings.TrimSpace(path) == "" || path == "." {
		return "Type or paste a path, or choose Browse…"
	}
	st, err := os.Stat(path)
	switch req.kind {
	case pickFolder:
		if err != nil || !st.IsDir() {
			return fmt.Sprintf("There is no folder %s.", path)
		}
	case pickFile:
		if err != nil {
			return fmt.Sprintf("There is no file or folder %s.", path)
		}
	case pickSave:
		if err == nil && st.IsDir() {
			return fmt.Sprintf("%s is a folder: add the file name.", path)
		}
		if d, err := os.Stat(filepath.Dir(path)); err != nil || !d.IsDir() {
			return fmt.Sprintf("There is no folder %s to save in.", filepath.Dir(path))
		}
	}
	return ""
}

// pathDialog is RosterDesk's file dialog where the system has none: a path
// field that takes typed and pasted paths (Enter opens, Escape cancels) and
// Browse… for Fyne's file browser (a double-click there opens).
func (l *loader) pathDialog(win fyne.Window, req pickRequest, done func(path string)) {
	dir := req.dir
	path := newDialogEntry()
	switch {
	case req.kind == pickSave && dir != "":
		path.SetText(filepath.Join(dir, req.name))
	case req.kind == pickSave:
		path.SetText(req.name)
	case dir != "":
		path.SetText(dir + string(filepath.Separator))
	}
	path.SetPlaceHolder("Type or paste a path")
	where := widget.NewLabel("")
	if dir != "" {
		where.SetText("In " + dir)
	}
	where.Wrapping = fyne.TextWrapBreak
	problem := widget.NewLabel("")
	problem.Importance = widget.DangerImportance
	problem.Wrapping = fyne.TextWrapWord
	problem.Hide()
	hint := "A full path, or a name in the folder above."
	if len(req.exts) > 0 {
		hint = "A " + strings.Join(req.exts, " or ") + " file: " + strings.ToLower(hint[:1]) + hint[1:]
	}
	var d *dialog.ConfirmDialog
	submit := func() {
		p := resolvePath(path.Text, dir)
		if why := checkPicked(req, p); why != "" {
			problem.SetText(why)
			problem.Show()
			return
		}
		d.Hide()
		l.chosen(p)
		done(p)
	}
	browse := widget.NewButton("Browse…", func() { l.browse(win, req, path, submit) })
	content := container.NewVBox(widget.NewLabel(hint),
		container.NewBorder(nil, nil, nil, browse, path), where, problem)
	confirm := map[pickKind]string{pickFile: "Open", pickFolder: "Choose", pickSave: "Save"}[req.kind]
	d = dialog.NewCustomConfirm(req.title, confirm, "Cancel", content, nil, win)
	path.OnSubmitted = func(string) { submit() }
	d.Show()
	overrideConfirm(win, confirm, submit)
	d.Resize(fyne.NewSize(640, 240))
	win.Canvas().Focus(path)
}

// overrideConfirm makes the shown dialog's confirm button run submit (which
// closes it only when the path is usable) instead of closing at once.
func overrideConfirm(win fyne.Window, label string, submit func()) {
	box := dialogBox(win.Canvas().Overlays().Top())
	if box == nil {
		return
	}
	for _, b := range dialogButtons(box) {
		if b.Text == label {
			b.OnTapped = submit
		}
	}
}

// browse opens Fyne's file browser in the folder of what the path field
// says; its choice fills the field and is submitted.
func (l *loader) browse(win fyne.Window, req pickRequest, path *dialogEntry, submit func()) {
	typed := resolvePath(path.Text, req.dir)
	dir := typed
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		dir = filepath.Dir(typed)
	}
	set := func(p string) {
		path.SetText(p)
		submit()
	}
	var fd *dialog.FileDialog
	switch req.kind {
	case pickFile:
		fd = dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
			if err == nil && r != nil {
				r.Close()
				set(r.URI().Path())
			}
		}, win)
		if len(req.exts) > 0 {
			fd.SetFilter(storage.NewExtensionFileFilter(req.exts))
		}
	default: // a folder, or the folder to save in
		fd = dialog.NewFolderOpen(func(u fyne.ListableURI, err error) {
			if err != nil || u == nil {
				return
			}
			if req.kind == pickSave {
				set(filepath.Join(u.Path(), filepath.Base(typed)))
				return
			}
			set(u.Path())
		}, win)
	}
	if lister, err := storage.ListerForURI(storage.NewFileURI(dir)); err == nil && dir != "" && dir != "." {
		fd.SetLocation(lister)
	}
	fd.Show()
	fd.Resize(fyne.NewSize(800, 560)) // after Show: a file dialog builds its content in Show
}
