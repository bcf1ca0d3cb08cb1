package ui

import (
	"context"
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"rosterdesk"
	rsync "rosterdesk/sync"
)

// initialSyncArea is the OneRoster screen's Initial synchronization card:
// buildings, then users, then Sync now, each with its outcome.
type initialSyncArea struct {
	syncBuildings   *widget.Button
	syncUsers       *widget.Button
	syncNow         *widget.Button
	usersWhy        *widget.Label
	nowWhy          *widget.Label
	buildingsResult *widget.Label
	usersResult     *widget.Label
	job             *jobView // syncs
}

// initialSyncCard builds the Initial synchronization card.
func (s *oneRosterScreen) initialSyncCard() fyne.CanvasObject {
	s.job = newJobView()
	s.job.onBusy = func(bool) { s.updateButtons() }
	s.syncBuildings = widget.NewButtonWithIcon("1. Synchronize buildings", theme.StorageIcon(), func() { s.runSync(rosterdesk.ScopeBuildings) })
	s.syncUsers = widget.NewButtonWithIcon("2. Synchronize users", theme.AccountIcon(), func() { s.runSync("") })
	s.syncNow = widget.NewButtonWithIcon("Sync now", theme.ViewRefreshIcon(), func() { s.runSync("") })
	s.syncNow.Importance = widget.HighImportance
	s.usersWhy = widget.NewLabel("")
	s.usersWhy.Wrapping = fyne.TextWrapWord
	s.usersWhy.Importance = widget.WarningImportance
	s.nowWhy = widget.NewLabel(syncNowWhy)
	s.nowWhy.Importance = widget.LowImportance
	s.nowWhy.Wrapping = fyne.TextWrapWord
	s.buildingsResult = widget.NewLabel("")
	s.buildingsResult.Wrapping = fyne.TextWrapWord
	s.usersResult = widget.NewLabel("")
	s.usersResult.Wrapping = fyne.TextWrapWord
	s.buildingsResult.Hide()
	s.usersResult.Hide()
	steps := widget.NewLabel("A one-time building synchronization sets up the buildings every user import depends on. " +
		"Then synchronize users (and courses, as the Synchronization processes preference says). Large districts take a while: " +
		"the window stays usable, and Cancel rolls everything back.")
	steps.Wrapping = fyne.TextWrapWord
	return widget.NewCard("Initial synchronization", "", container.NewVBox(steps,
		container.NewHBox(s.syncBuildings), s.buildingsResult,
		container.NewHBox(s.syncUsers), s.usersWhy, s.usersResult,
		widget.NewSeparator(), container.NewBorder(nil, nil, s.syncNow, nil, s.nowWhy),
		s.job.content()))
}

// runSync runs a sync of the connected source: buildings, or the scope of
// setting sync.process (""), with progress, Cancel and a completion message.
func (s *oneRosterScreen) runSync(scope rosterdesk.Scope) <-chan struct{} {
	if !s.hasSource() {
		return nil
	}
	title, result := "Synchronizing users", s.usersResult
	if scope == rosterdesk.ScopeBuildings {
		title, result = "Synchronizing buildings", s.buildingsResult
	}
	started := time.Now()
	result.SetText("")
	result.Hide()
	return startJob(s.job, s.l, title, func(ctx context.Context, progress func(rsync.Progress)) (*rsync.Result, error) {
		// What it reads is the engine's rule, shared with the tray, the CLI and the schedule.
		return s.eng.SyncNow(ctx, rsync.Options{Scope: scope, Trigger: rosterdesk.TriggerManual, Progress: progress})
	}, func(r *rsync.Result, err error) {
		result.Show()
		switch {
		case cancelled(err):
			result.Importance = widget.WarningImportance
			result.SetText("Cancelled: everything was rolled back, the roster is as it was.")
		case err != nil:
			result.Importance = widget.DangerImportance
			text := errorText(title, err)
			if r != nil && r.ID != 0 {
				text += fmt.Sprintf(" (run %d in History)", r.ID)
			}
			result.SetText(text)
		default:
			result.Importance = widget.SuccessImportance
			what := scopeLabel(r.Scope)
			text := fmt.Sprintf("Done: %s synchronized in %s (run %d). %s, %s.\n%s", what,
				time.Since(started).Round(time.Second/10), r.ID, plural(r.Errors, "error", "errors"),
				plural(r.Warnings, "warning", "warnings"), countsSummary(r.Counts, r.Scope))
			if r.Errors > 0 {
				result.Importance = widget.WarningImportance
				text += "\nRejected rows are listed in the run's Full log (History)."
			}
			result.SetText(text)
		}
		s.refresh()
	})
}
