package ui

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"rosterdesk"
	rsync "rosterdesk/sync"
)

// historyPage is how many runs the History reads at a time.
const historyPage = 100

// noRunsText is shown instead of the table while nothing has run yet.
const noRunsText = "No synchronizations yet. Runs appear here once buildings or users have been synchronized, or a file uploaded."

// selectHint is the detail line before a run is selected.
const selectHint = "Select a run to see its source and message, open its full log or export it."

// historyColumns are the Recent Synchronizations columns, as on the product page.
var historyColumns = []pagedColumn{
	{"Date time\n(UTC)", "0000-00-00 00:00:00"},
	{"Sync type", "Users + Courses, Automated"},
	{"Status", "Held — needs review: deactivate 27.5% of"},
	{"Buildings\nadded / upd. / deact.", "planned 00 / 00 / 00"},
	{"Users\nadded / deact. / errors", "planned 00000 / 0000 / 000"},
	{"Courses\nadded / removed / errors", "planned 0000 / 000 / 00"},
	{"Course assignments\nadded / removed / errors", "planned 000000 / 00000 / 000"},
}

// historyRow is one run as the table shows it. A run that applied nothing
// (held, discarded, cancelled, failed, a preview) labels its numbers as
// planned; an undo run's numbers are what it reversed.
func historyRow(r rsync.Result) []string {
	c := r.Counts
	label := ""
	if r.CountsAre == rsync.CountsPlanned {
		label = "planned "
	}
	triple := func(a, b, e int) string {
		if r.CountsAre == rsync.CountsNone {
			return "—"
		}
		return label + num(a) + " / " + num(b) + " / " + num(e)
	}
	return []string{
		formatUTC(rosterdesk.Stamp(r.StartedAt)), syncType(r), runStatus(r),
		triple(c.Buildings.Added, c.Buildings.Updated, c.Buildings.Deactivated),
		triple(c.Users.Added, c.Users.Deactivated, c.Users.Errors),
		triple(c.Courses.Added, c.Courses.Removed, c.Courses.Errors),
		triple(c.Assignments.Added, c.Assignments.Removed, c.Assignments.Errors),
	}
}

// heldLabel is how the History names a run held for review.
const heldLabel = "Held — needs review"

// runStatus is a run's status as the History's Status column reads it: what
// happened, and what it was about (a held run's numbers, a failed run's
// cause, the run that undid or approved it).
func runStatus(r rsync.Result) string {
	id := func(n int64) string { return strconv.FormatInt(n, 10) }
	with := func(label, detail string) string {
		if detail == "" {
			return label
		}
		return label + ": " + detail
	}
	switch r.Status {
	case rosterdesk.StatusApplied:
		if r.Undoes != 0 {
			return "Applied: undoes run " + id(r.Undoes)
		}
		return "Applied"
	case rosterdesk.StatusDryRun:
		if len(r.Tripped) > 0 {
			return "Preview only: applying would be held (" + tripText(r.Tripped[0]) + ")"
		}
		return "Preview only, nothing applied"
	case rosterdesk.StatusRefused:
		return with("Refused", r.Cause())
	case rosterdesk.StatusFailed:
		return with("Failed", r.Cause())
	case rosterdesk.StatusHeld:
		if len(r.Tripped) == 0 {
			return with(heldLabel, r.Cause())
		}
		s := heldLabel + ": " + tripText(r.Tripped[0])
		if len(r.Tripped) > 1 {
			s += fmt.Sprintf(" (and %d more)", len(r.Tripped)-1)
		}
		return s
	case rosterdesk.StatusApproved:
		if r.ResolvedBy != 0 {
			return "Approved: applied by run " + id(r.ResolvedBy)
		}
		return "Approved"
	case rosterdesk.StatusDiscarded:
		return "Discarded: nothing applied"
	case rosterdesk.StatusRolledBack:
		if r.ResolvedBy != 0 {
			return "Rolled back by run " + id(r.ResolvedBy)
		}
		return "Rolled back"
	case rosterdesk.StatusCancelled, "canceled":
		return "Cancelled: nothing applied"
	case rosterdesk.StatusSkipped:
		return with("Skipped", r.Cause())
	case rosterdesk.StatusMissed:
		return with("Missed", r.Cause())
	}
	return with(string(r.Status), r.Cause())
}

// tripText is one tripped safeguard in a few words, with its numbers:
// "deactivate 30.6% of users (100 of 327; limit 10%)", of the active ones. A safeguard
// without numbers (an incomplete input, a new provider) reads as the engine wrote it.
func tripText(t rosterdesk.Trip) string {
	switch t.Action {
	case "deactivate", "remove", "update":
		if t.Active > 0 {
			return fmt.Sprintf("%s %s%% of %s (%s of %s; limit %s)", t.Action, strconv.FormatFloat(t.Percent, 'f', 1, 64), t.Entity,
				num(t.Count), num(t.Active), t.Limit)
		}
		if t.Count > 0 {
			return fmt.Sprintf("%s %s %s (limit %s)", t.Action, num(t.Count), t.Entity, t.Limit)
		}
	}
	return t.Reason
}

// statusImportance colours a run's status: red when it did not run as
// asked, orange when it waits for the admin or was undone.
func statusImportance(r rsync.Result) widget.Importance {
	switch r.Status {
	case rosterdesk.StatusFailed, rosterdesk.StatusRefused:
		return widget.DangerImportance
	case rosterdesk.StatusHeld, rosterdesk.StatusMissed, rosterdesk.StatusRolledBack:
		return widget.WarningImportance
	}
	return widget.MediumImportance
}

// formatUTC shows a stored timestamp to the second; unparseable text is shown as is.
func formatUTC(s string) string {
	t, err := time.Parse(rosterdesk.TimeFormat, s)
	if err != nil {
		return s
	}
	return t.UTC().Format("2006-01-02 15:04:05")
}

// historyScreen lists every run, newest first, paging through thousands of
// them (eng.History), opens a run's full log, reviews a held run (approve
// once or discard) and undoes an applied one.
type historyScreen struct {
	l       *loader
	eng     *rsync.Engine
	win     func() fyne.Window
	bar     *refreshBar
	table   *pagedTable
	empty   *widget.Label
	detail  *widget.Label
	openLog *widget.Button
	xlsx    *widget.Button
	csv     *widget.Button
	review  *widget.Button // a held run: open its review
	approve *widget.Button
	discard *widget.Button
	undo    *widget.Button // an applied run: roll it back
	note    *widget.Label  // outcome of an export, approval, undo…

	selected *rsync.Result
	log      *logViewer
	held     *heldReview
	list     fyne.CanvasObject
	root     *fyne.Container
	// logFromReview: the log viewer was opened from the review, so Back returns there.
	logFromReview bool
}

func newHistoryScreen(l *loader, eng *rsync.Engine, win func() fyne.Window) *historyScreen {
	s := &historyScreen{l: l, eng: eng, win: win}
	s.bar = newRefreshBar("Recent Synchronizations", func() { s.refresh() })
	s.empty = widget.NewLabel(noRunsText)
	s.empty.Wrapping = fyne.TextWrapWord
	s.empty.Hide()
	s.detail = widget.NewLabel(selectHint)
	s.detail.Wrapping = fyne.TextWrapWord
	s.note = widget.NewLabel("")
	s.note.Wrapping = fyne.TextWrapWord
	s.note.Hide()

	s.table = newPagedTable(l, historyColumns, historyPage, func(ctx context.Context, offset, limit int) (pageResult, error) {
		runs, err := eng.History(ctx, limit, offset)
		if err != nil {
			return pageResult{}, err
		}
		res := pageResult{total: -1, rows: make([]pagedRow, len(runs))}
		for i, r := range runs {
			res.rows[i] = pagedRow{cells: historyRow(r), key: r}
		}
		if offset == 0 {
			if res.total, err = eng.RunCount(ctx); err != nil {
				return pageResult{}, err
			}
		}
		return res, nil
	})
	s.table.describe = func(n int) string {
		if n == 0 {
			s.empty.Show()
			s.table.table.Hide()
			return ""
		}
		s.empty.Hide()
		s.table.table.Show()
		return plural(n, "run", "runs") + ", newest first."
	}
	s.table.importance = func(r pagedRow, col int) widget.Importance {
		if col != 2 {
			return widget.MediumImportance
		}
		return statusImportance(r.key.(rsync.Result))
	}
	// A held run's log opens in its review, beside what tripped it.
	s.table.setAction("Full log", -1, func(r pagedRow) { s.open(r.key.(rsync.Result)) })
	s.table.onSelected = func(_ int, r pagedRow) {
		s.note.Hide() // what was said was about another run
		s.selectRun(r.key.(rsync.Result))
	}

	s.openLog = widget.NewButtonWithIcon("Full log", theme.ListIcon(), func() {
		if s.selected != nil {
			s.showLog(*s.selected)
		}
	})
	s.xlsx = widget.NewButtonWithIcon("Export .xlsx…", theme.DocumentSaveIcon(), func() { s.export(exportXLSX) })
	s.csv = widget.NewButtonWithIcon("Export CSV…", theme.DocumentSaveIcon(), func() { s.export(exportCSV) })
	s.review = widget.NewButtonWithIcon("Review…", theme.VisibilityIcon(), func() {
		if s.selected != nil {
			s.showReview(*s.selected)
		}
	})
	s.review.Importance = widget.HighImportance
	s.approve = widget.NewButtonWithIcon(approveText, theme.ConfirmIcon(), func() { s.approveHeld() })
	s.discard = widget.NewButtonWithIcon("Discard…", theme.DeleteIcon(), func() { s.discardHeld() })
	s.undo = widget.NewButtonWithIcon(undoText, theme.ContentUndoIcon(), func() { s.undoRun() })
	s.selectRun(rsync.Result{})

	actions := container.NewHBox(s.openLog, s.xlsx, s.csv, s.review, s.approve, s.discard, s.undo)
	bottom := container.NewVBox(widget.NewSeparator(), s.detail, actions, s.note)
	top := container.NewVBox(s.bar.content(), s.table.status)
	s.list = container.NewBorder(top, bottom, nil, nil, container.NewStack(s.table.table, s.empty))
	s.log = newLogViewer(l, eng, win, func() { s.logBack() })
	s.held = newHeldReview(l, eng, win, heldActions{
		back:    func() { s.showList() },
		openLog: func(r rsync.Result) { s.showLog(r); s.logFromReview = true },
		approve: func() { s.approveHeld() },
		discard: func() { s.discardHeld() },
	})
	s.root = container.NewStack(s.list, s.log.content(), s.held.content())
	s.log.content().Hide()
	s.held.content().Hide()
	return s
}

// Button labels of the run actions.
const (
	approveText = "Approve this run once…"
	undoText    = "Undo this run…"
)

func (s *historyScreen) content() fyne.CanvasObject { return s.root }

func (s *historyScreen) refresh() <-chan struct{} {
	s.bar.loading()
	s.selectRun(rsync.Result{})
	s.table.onLoaded = func() { s.bar.loaded("the history", nil) }
	return s.table.reset()
}

// selectRun shows a run's details and what can be done with it; a zero Result clears the selection.
func (s *historyScreen) selectRun(r rsync.Result) {
	buttons := []*widget.Button{s.openLog, s.xlsx, s.csv}
	for _, b := range []*widget.Button{s.review, s.approve, s.discard, s.undo} {
		b.Hide()
	}
	if r.ID == 0 {
		s.selected = nil
		s.detail.SetText(selectHint)
		for _, b := range buttons {
			b.Disable()
		}
		return
	}
	s.selected = &r
	s.detail.SetText(runDetail(r))
	for _, b := range buttons {
		b.Enable()
	}
	switch {
	case r.AwaitsReview():
		s.review.Show()
		s.approve.Show()
		s.discard.Show()
	case r.CanUndo().OK(): // newer runs that block the undo are named when it is asked for
		s.undo.Show()
	}
}

// runDetail is the selected run in a few lines: what, its status, its source
// and message, and for a held run every safeguard it tripped.
func runDetail(r rsync.Result) string {
	text := fmt.Sprintf("Run %d · %s · %s · %s, %s", r.ID, syncType(r), runStatus(r),
		plural(r.Errors, "error", "errors"), plural(r.Warnings, "warning", "warnings"))
	if r.Source != "" {
		text += " · source " + r.Source
	}
	if r.Message != "" && r.Status != rosterdesk.StatusHeld {
		text += "\n" + r.Message
	}
	switch r.Status {
	case rosterdesk.StatusHeld:
		text += "\nNothing of it is applied. It waits for you: review it, then approve it once or discard it."
		for _, t := range r.Tripped {
			text += "\nHeld: " + t.Reason
		}
	case rosterdesk.StatusRolledBack:
		text += fmt.Sprintf("\nUndone by run %d: every record it changed is back to its state before it.", r.ResolvedBy)
	case rosterdesk.StatusFailed:
		text += "\nWhat to do next: " + rsync.GuidanceFailed + "\n" + rsync.GuidanceSupport
	case rosterdesk.StatusApplied, rosterdesk.StatusDryRun:
		if r.Errors > 0 {
			text += "\nWhat to do next: " + rsync.GuidanceErrors + "\n" + rsync.GuidanceSupport
		}
	}
	switch {
	case r.Undoes != 0 && r.CountsAre != rsync.CountsNone:
		text += fmt.Sprintf("\nWhat undoing run %d reversed:\n", r.Undoes) + countsSummary(r.Counts, r.Scope)
	case r.CountsAre == rsync.CountsPlanned && r.Status == rosterdesk.StatusApproved:
		text += fmt.Sprintf("\nPlanned (applied by run %d):\n", r.ResolvedBy) + countsSummary(r.Counts, r.Scope)
	case r.CountsAre == rsync.CountsPlanned && r.Status == rosterdesk.StatusHeld:
		text += "\nPlanned:\n" + countsSummary(r.Counts, r.Scope)
	case r.CountsAre == rsync.CountsPlanned:
		text += "\nNothing of it was applied. Planned:\n" + countsSummary(r.Counts, r.Scope)
	}
	return text
}

// open shows a run: a held run's review, any other run's full log.
func (s *historyScreen) open(r rsync.Result) <-chan struct{} {
	if r.AwaitsReview() {
		return s.showReview(r)
	}
	return s.showLog(r)
}

func (s *historyScreen) showLog(r rsync.Result) <-chan struct{} {
	s.logFromReview = false
	s.list.Hide()
	s.held.content().Hide()
	s.log.content().Show()
	return s.log.open(r)
}

// logBack leaves the log viewer for where it was opened from.
func (s *historyScreen) logBack() {
	if s.logFromReview {
		s.log.content().Hide()
		s.held.content().Show()
		return
	}
	s.showList()
}

// showReview shows a held run's review: what tripped it, what it would change, its log.
func (s *historyScreen) showReview(r rsync.Result) <-chan struct{} {
	s.selected = &r
	s.list.Hide()
	s.log.content().Hide()
	s.held.content().Show()
	return s.held.open(r)
}

func (s *historyScreen) showList() {
	s.log.content().Hide()
	s.held.content().Hide()
	s.list.Show()
}

func (s *historyScreen) export(format exportFormat) {
	if s.selected == nil {
		return
	}
	exportRunDialog(s.win(), s.l, s.eng, s.selected.ID, format, s.note)
}

func (s *historyScreen) say(text string, imp widget.Importance) {
	showNote(s.note, text, imp)
}

// confirm asks before an action that changes the roster or a run.
func (s *historyScreen) confirm(title, text, yes string, fn func()) dialog.Dialog {
	l := widget.NewLabel(text)
	l.Wrapping = fyne.TextWrapWord
	d := dialog.NewCustomConfirm(title, yes, "Cancel", l, func(ok bool) {
		if ok {
			fn()
		}
	}, s.win())
	d.Resize(fyne.NewSize(560, 0))
	d.Show()
	return d
}

// approveHeld applies the selected held run once, after the admin confirms.
func (s *historyScreen) approveHeld() {
	if s.selected == nil || !s.selected.AwaitsReview() {
		return
	}
	r := *s.selected
	if !s.held.content().Visible() || s.held.run.ID != r.ID || !s.held.seenList() {
		// An admin approves having seen who it changes: the review shows the list first.
		s.showReview(r)
		s.held.say("Look at who it changes (the list below, searchable), then approve it here.", widget.MediumImportance)
		return
	}
	text := fmt.Sprintf("Apply run %d once, exactly as held, although it trips the safeguards shown?\n\nYou have been shown the %s it changes, by name.\n\n%s",
		r.ID, plural(s.held.seen, "record", "records"), countsSummary(r.Counts, r.Scope))
	if len(r.Tripped) > 0 {
		text += "\n\nIt trips:"
		for _, t := range r.Tripped {
			text += "\n• " + tripText(t)
		}
	}
	text += "\n\nIf the roster changed since it was held, nothing is applied: it is planned again and shows you the new numbers."
	s.confirm("Approve held run", text, fmt.Sprintf("Approve run %d", r.ID), func() { s.resolveHeld(r.ID, "Approving", s.eng.Approve) })
}

func (s *historyScreen) discardHeld() {
	if s.selected == nil || !s.selected.AwaitsReview() {
		return
	}
	id := s.selected.ID
	s.confirm("Discard held run", fmt.Sprintf("Discard run %d? Nothing of it is applied, and its kept copy of the export is deleted. "+
		"Fix the export in the SIS, then sync again.", id), fmt.Sprintf("Discard run %d", id),
		func() { s.resolveHeld(id, "Discarding", s.eng.Discard) })
}

// resolveHeld approves or discards a held run. An approval the engine
// refuses because the run was planned again shows the new numbers in the
// review, to be approved again.
func (s *historyScreen) resolveHeld(id int64, verb string, fn func(context.Context, int64) (*rsync.Result, error)) <-chan struct{} {
	s.say(fmt.Sprintf("%s run %d…", verb, id), widget.MediumImportance)
	s.held.busy(fmt.Sprintf("%s run %d…", verb, id))
	done := make(chan struct{})
	run(s.l, func(ctx context.Context) (*rsync.Result, error) { return fn(ctx, id) }, func(r *rsync.Result, err error) {
		switch {
		case errors.Is(err, rsync.ErrReplanned) && r != nil:
			// Planned again: the review shows the new numbers.
			text := fmt.Sprintf("Nothing was applied: the roster or its source changed since run %d was held, so it was planned again. "+
				"Review the new numbers, then approve it again.", id)
			s.say(text, widget.WarningImportance)
			ch := s.showReview(*r)
			s.held.say(text, widget.WarningImportance)
			go func() { <-ch; close(done) }()
			return
		case err != nil:
			s.say(errorText(verb+" run "+fmt.Sprint(id), err), widget.DangerImportance)
			s.held.say(s.note.Text, widget.DangerImportance)
		case r.Status == rosterdesk.StatusDiscarded:
			s.say(fmt.Sprintf("Run %d discarded: nothing of it was applied.", id), widget.SuccessImportance)
			s.showList()
		default:
			s.say(fmt.Sprintf("Run %d approved and applied as run %d: %s, %s.\n%s", id, r.ID,
				plural(r.Errors, "error", "errors"), plural(r.Warnings, "warning", "warnings"), countsSummary(r.Counts, r.Scope)), widget.SuccessImportance)
			s.showList()
		}
		ch := s.refresh()
		go func() { <-ch; close(done) }()
	})
	return done
}

// undoRun rolls the selected applied run back, after the admin confirms.
func (s *historyScreen) undoRun() {
	if s.selected == nil {
		return
	}
	id := s.selected.ID
	s.confirm("Undo run", fmt.Sprintf("Undo run %d?\n\nEvery record it changed goes back to exactly its state before run %d, "+
		"and every record it added is removed. The undo is recorded as a new run, with its own log.\n\n"+
		"Runs are undone newest first: if newer runs changed the same records, you are told which to undo first.", id, id),
		fmt.Sprintf("Undo run %d", id), func() { s.rollback(id) })
}

// rollback undoes run id; a refusal (newer runs changed the same records) says which runs to undo first.
func (s *historyScreen) rollback(id int64) <-chan struct{} {
	s.say(fmt.Sprintf("Undoing run %d…", id), widget.MediumImportance)
	s.undo.Disable()
	done := make(chan struct{})
	run(s.l, func(ctx context.Context) (*rsync.Result, error) { return s.eng.Rollback(ctx, id) }, func(r *rsync.Result, err error) {
		s.undo.Enable()
		if err != nil {
			text := errorText(fmt.Sprintf("Undoing run %d", id), err)
			s.say(text, widget.DangerImportance)
			var re *rsync.RefusedError
			if errors.As(err, &re) && s.win() != nil {
				dialog.ShowInformation(fmt.Sprintf("Run %d cannot be undone now", id), wrapText(capitalize(re.Reason)), s.win())
			}
			close(done)
			return
		}
		text := fmt.Sprintf("Run %d undone by run %d", id, r.ID)
		if r.Undone != nil {
			text += ": " + r.Undone.String()
		}
		text += "."
		s.say(text, widget.SuccessImportance)
		ch := s.refresh()
		go func() { <-ch; close(done) }()
	})
	return done
}

// capitalize starts s with a capital letter.
func capitalize(s string) string {
	if s == "" {
		return s
	}
	r := []rune(s)
	return strings.ToUpper(string(r[0])) + string(r[1:])
}

// wrapText breaks a long sentence into lines of about 70 characters, for dialogs that do not wrap.
func wrapText(s string) string {
	var b strings.Builder
	n := 0
	for i, w := range strings.Fields(s) {
		if i > 0 {
			if n+1+len(w) > 70 {
				b.WriteByte('\n')
				n = 0
			} else {
				b.WriteByte(' ')
				n++
			}
		}
		b.WriteString(w)
		n += len(w)
	}
	return b.String()
}
