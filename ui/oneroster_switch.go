package ui

import (
	"context"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"rosterdesk"
	rsync "rosterdesk/sync"
)

// confirmSwitch warns that another provider's identifiers may not match,
// analyses the new bundle, and connects it only once the admin types the word.
func (s *oneRosterScreen) confirmSwitch(path, provider string) {
	from := s.state.Provider
	if from == "" {
		from = "the current provider"
	}
	msg := widget.NewLabel(fmt.Sprintf("This bundle comes from %q, not %s. Switching OneRoster providers after a successful sync "+
		"is not recommended: identifiers (sourcedIds) may not match, so users could be added twice and existing ones "+
		"deactivated. Contact support before switching if you can.\n\nAnalyze what the switch would do first; nothing is changed.",
		provider, from))
	msg.Wrapping = fyne.TextWrapWord
	d := dialog.NewCustomConfirm("Switch OneRoster provider?", "Analyze", "Cancel", msg, func(ok bool) {
		if ok {
			s.analyzeSwitch(path, provider)
		}
	}, s.win())
	d.Resize(fyne.NewSize(560, 300))
	d.Show()
}

// analyzeSwitch runs the dry-run analysis with progress, then asks for the word.
func (s *oneRosterScreen) analyzeSwitch(path, provider string) <-chan struct{} {
	return startJob(s.checkJob, s.l, "Analyzing the provider switch", func(ctx context.Context, progress func(rsync.Progress)) (*rsync.SwitchAnalysis, error) {
		return s.eng.AnalyzeSwitch(ctx, path, progress)
	}, func(a *rsync.SwitchAnalysis, err error) {
		if err != nil {
			if !cancelled(err) {
				s.say(s.checkNote, errorText("The switch analysis", err), widget.DangerImportance)
			}
			return
		}
		s.showSwitchAnalysis(path, provider, a)
	})
}

// switchSummary says what the analysis found.
func switchSummary(a *rsync.SwitchAnalysis) string {
	text := fmt.Sprintf("%s of the %s incoming users match a user already in the roster by sourcedId; "+
		"%s of %s schools match a building.\nA sync from it would add %s and deactivate %s.",
		num(a.MatchedUsers), num(a.IncomingUsers), num(a.MatchedSchools), num(a.IncomingSchools),
		plural(a.Counts.Users.Added, "user", "users"), plural(a.Counts.Users.Deactivated, "user", "users"))
	if a.Scope == rosterdesk.ScopeUsersCourses {
		text += fmt.Sprintf(" Courses: %s added, %s removed. Course assignments: %s added, %s removed.",
			num(a.Counts.Courses.Added), num(a.Counts.Courses.Removed), num(a.Counts.Assignments.Added), num(a.Counts.Assignments.Removed))
	}
	if a.Mismatch() {
		text += "\nWarning: many identifiers do not match. Expect duplicates and deactivations."
	}
	return text
}

func (s *oneRosterScreen) showSwitchAnalysis(path, provider string, a *rsync.SwitchAnalysis) dialog.Dialog {
	summary := widget.NewLabel(switchSummary(a))
	summary.Wrapping = fyne.TextWrapWord
	if a.Mismatch() {
		summary.Importance = widget.DangerImportance
	}
	entry := widget.NewEntry()
	entry.SetPlaceHolder(switchWord)
	ask := widget.NewLabel("To connect the new provider anyway, type " + switchWord + " below.")
	content := container.NewVBox(summary, ask, entry)
	var d *dialog.ConfirmDialog
	d = dialog.NewCustomConfirm("Provider switch analysis", "Switch provider", "Cancel", content, func(ok bool) {
		if ok && strings.TrimSpace(entry.Text) == switchWord {
			s.connect(path, provider, true)
		}
	}, s.win())
	d.SetConfirmImportance(widget.DangerImportance)
	s.switchDialog, s.switchEntry = d, entry
	entry.OnChanged = func(t string) {
		if strings.TrimSpace(t) == switchWord {
			d.SetConfirmText("Switch provider")
		}
	}
	d.Resize(fyne.NewSize(600, 340))
	d.Show()
	return d
}
