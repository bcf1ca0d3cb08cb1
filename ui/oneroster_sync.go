package ui

import (
	"context"
	"fmt"
	"time"

	"fyne.io/fyne/v2/widget"

	"rosterdesk"
	rsync "rosterdesk/sync"
)

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
			if r != nil && r.RunID != 0 {
				text += fmt.Sprintf(" (run %d in History)", r.RunID)
			}
			result.SetText(text)
		default:
			result.Importance = widget.SuccessImportance
			what := scopeLabel(r.Scope)
			text := fmt.Sprintf("Done: %s synchronized in %s (run %d). %s, %s.\n%s", what,
				time.Since(started).Round(time.Second/10), r.RunID, plural(r.Errors, "error", "errors"),
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
