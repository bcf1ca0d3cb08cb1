package ui

import (
	"context"
	"fmt"
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"rosterdesk"
	rsync "rosterdesk/sync"
)

// heldActions are what the review's buttons do; the History owns them.
type heldActions struct {
	back    func()
	openLog func(rsync.Result)
	approve func()
	discard func()
}

// heldReview is a held run's preview, before it is approved or discarded:
// the safeguards it tripped with their numbers, what it would change, and its log.
type heldReview struct {
	l   *loader
	eng *rsync.Engine
	win func() fyne.Window
	do  heldActions

	run     rsync.Result
	heading *widget.Label
	intro   *widget.Label
	trips   *fyne.Container // grid: one row per tripped safeguard
	reasons *widget.Label
	counts  *fyne.Container // grid: entity × add/update/deactivate/reactivate/errors
	approve *widget.Button
	discard *widget.Button
	note    *widget.Label
	log     *pagedTable
	records *recordList // who it would change, by name
	seen    int         // records listed when the list was first shown; -1 before
	tabs    *container.AppTabs
	root    fyne.CanvasObject
}

var tripColumns = []string{"Records", "Change", "Would change", "Active before", "Share", "Limit"}

func newHeldReview(l *loader, eng *rsync.Engine, win func() fyne.Window, do heldActions) *heldReview {
	v := &heldReview{l: l, eng: eng, win: win, do: do}
	v.heading = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	v.heading.Wrapping = fyne.TextWrapWord
	v.intro = widget.NewLabel("")
	v.intro.Wrapping = fyne.TextWrapWord
	v.reasons = widget.NewLabel("")
	v.reasons.Wrapping = fyne.TextWrapWord
	v.trips = container.New(layout.NewGridLayout(len(tripColumns)))
	v.counts = container.New(layout.NewGridLayout(6))
	v.note = widget.NewLabel("")
	v.note.Wrapping = fyne.TextWrapWord
	v.note.Hide()

	v.approve = widget.NewButtonWithIcon(approveText, theme.ConfirmIcon(), do.approve)
	v.approve.Importance = widget.HighImportance
	v.discard = widget.NewButtonWithIcon("Discard…", theme.DeleteIcon(), do.discard)
	fullLog := widget.NewButtonWithIcon("Full log", theme.ListIcon(), func() { do.openLog(v.run) })
	xlsx := widget.NewButtonWithIcon("Export .xlsx…", theme.DocumentSaveIcon(), func() {
		exportRunDialog(v.win(), v.l, v.eng, v.run.ID, exportXLSX, v.note)
	})
	back := widget.NewButtonWithIcon("Recent Synchronizations", theme.NavigateBackIcon(), do.back)

	v.log = newPagedTable(l, logColumns, logPage, v.fetch)
	v.log.describe = func(n int) string {
		return "Its log: " + plural(n, "entry", "entries") + ". Errors are rows the run would skip; warnings, rows it would keep corrected."
	}
	v.log.importance = severityColumn

	top := container.NewVBox(
		container.NewBorder(nil, nil, back, nil, v.heading),
		v.intro,
		container.NewHBox(v.approve, v.discard, fullLog, xlsx),
		v.note,
		widget.NewSeparator(),
		fieldLabel("Safeguards it trips"), v.trips, v.reasons,
		fieldLabel("What approving applies (kinds of records it leaves unchanged are not listed)"), v.counts,
	)
	v.records = newRecordList(l)
	v.records.seen = func(total int) {
		v.seen = total
		v.tabs.Items[0].Text = "Who it changes (" + num(total) + ")"
		v.tabs.Refresh()
		if v.run.AwaitsReview() {
			v.approve.Enable()
		}
	}
	logTab := container.NewBorder(v.log.status, nil, nil, nil, v.log.table)
	v.tabs = container.NewAppTabs(
		container.NewTabItem("Who it changes", v.records.root),
		container.NewTabItem("Its log", logTab))
	split := container.NewVSplit(container.NewVScroll(container.NewPadded(top)), v.tabs)
	split.Offset = 0.45
	v.root = split
	return v
}

func (v *heldReview) content() fyne.CanvasObject { return v.root }

// open shows run r; the channel closes once its log's first page is shown.
func (v *heldReview) open(r rsync.Result) <-chan struct{} {
	v.run = r
	v.note.Hide()
	// Approve waits until the list of who it changes is shown: an admin
	// approves having seen it.
	v.seen = -1
	v.approve.Disable()
	v.discard.Enable()
	v.heading.SetText(fmt.Sprintf("Run %d · %s · %s · started %s UTC", r.ID, syncType(r), heldLabel, formatUTC(rosterdesk.Stamp(r.StartedAt))))
	intro := "This run applied nothing: it waits for you. If the change is expected (a new school year, a closed school), " +
		"approve it once: it is applied exactly as shown here. If it is not (a cut-off export, the wrong file), discard it, " +
		"fix the export in the SIS and sync again.\n" + rsync.GuidanceHeld + "\n" + rsync.GuidanceSupport
	if !r.AwaitsReview() {
		intro = "This run is no longer held: " + runStatus(r) + "."
		v.approve.Disable()
		v.discard.Disable()
	}
	v.intro.SetText(intro)

	bold := func(t string) fyne.CanvasObject {
		return widget.NewLabelWithStyle(t, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	}
	dash := func(n int, s string) string {
		if n == 0 {
			return "—"
		}
		return s
	}
	var objs []fyne.CanvasObject
	for _, c := range tripColumns {
		objs = append(objs, bold(c))
	}
	reasons := ""
	for _, t := range r.Tripped {
		pct, limit := "—", t.Limit
		if t.Percent > 0 {
			pct = strconv.FormatFloat(t.Percent, 'f', 1, 64) + "%"
		}
		if limit == "" {
			limit = "—"
		}
		objs = append(objs, widget.NewLabel(t.Entity), widget.NewLabel(t.Action),
			widget.NewLabel(dash(t.Count, num(t.Count))), widget.NewLabel(dash(t.Active, num(t.Active))),
			widget.NewLabel(pct), widget.NewLabel(limit))
		reasons += "• " + t.Reason + "\n"
	}
	if len(r.Tripped) == 0 {
		reasons = "None any more: " + firstLine(r.Message) + "\n"
	}
	v.trips.Objects = objs
	v.trips.Refresh()
	v.reasons.SetText(reasons[:len(reasons)-1])
	showCounts(v.counts, r.Counts, r.Scope, true)
	v.tabs.Items[0].Text = "Who it changes"
	v.tabs.SelectIndex(0)
	runID := r.ID
	listed := v.records.show(func(ctx context.Context, q rosterdesk.PlannedQuery) (rosterdesk.RecordPage, error) {
		return v.eng.RunRecords(ctx, runID, q)
	})
	logged := v.log.reset()
	done := make(chan struct{})
	go func() {
		<-listed
		<-logged
		close(done)
	}()
	return done
}

// seenList tells whether the admin has been shown the list of who the run changes.
func (v *heldReview) seenList() bool { return v.seen >= 0 }

// busy disables the buttons while an approval or discard runs.
func (v *heldReview) busy(text string) {
	v.approve.Disable()
	v.discard.Disable()
	v.say(text, widget.MediumImportance)
}

func (v *heldReview) say(text string, imp widget.Importance) {
	showNote(v.note, text, imp)
	if v.run.AwaitsReview() {
		if v.seenList() {
			v.approve.Enable()
		}
		v.discard.Enable()
	}
}

func (v *heldReview) fetch(ctx context.Context, offset, limit int) (pageResult, error) {
	return fetchLogPage(ctx, v.eng, v.run.ID, rosterdesk.LogFilter{}, offset, limit)
}

// showCounts fills a 6-column grid with what a plan or run adds, updates,
// deactivates or removes, and reactivates, per entity; changedOnly leaves out
// the entities it leaves as they are.
func showCounts(grid *fyne.Container, c rosterdesk.Counts, scope rosterdesk.Scope, changedOnly bool) {
	bold := func(t string) fyne.CanvasObject {
		return widget.NewLabelWithStyle(t, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	}
	plain := func(t string) fyne.CanvasObject { return widget.NewLabel(t) }
	objs := []fyne.CanvasObject{bold("Entity"), bold("Add"), bold("Update"), bold("Deactivate / remove"), bold("Reactivate"), bold("Errors")}
	for _, e := range planCounts(c, scope) {
		if changedOnly && e.add == "0" && e.update == "0" && e.deactivate == "0" && (e.reactivate == "0" || e.reactivate == "(in added)" || e.reactivate == "—") {
			continue
		}
		objs = append(objs, plain(e.name), plain(e.add), plain(e.update), plain(e.deactivate), plain(e.reactivate), plain(e.e))
	}
	grid.Objects = objs
	grid.Refresh()
}
