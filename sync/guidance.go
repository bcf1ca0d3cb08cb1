package sync

import "strings"

// What to do next, worded for a district admin. The window, the CLI and the
// error report show these same sentences; the cases when to contact SIS
// support follow the Atlas OneRoster page's.
const (
	// GuidanceErrors goes with a run's errors and warnings (the error report, the log).
	GuidanceErrors = "Fix the most frequent cause first, in the SIS rather than in the file, since one fix there often clears many rows; then run the sync again and check History."
	// GuidanceFailed goes with a run that failed: nothing was changed.
	GuidanceFailed = "Nothing in the roster was changed: read the first error, fix the export or the connection it names, and run the sync again; if the same error comes back after a fix, contact SIS support with the error report."
	// GuidanceHeld goes with a held run's review.
	GuidanceHeld = "Compare these numbers with what you expect from the SIS before approving: if they are not what you expect, discard the run, check the export in the SIS, and contact SIS support before approving anything."
	// GuidanceSupport says when to contact SIS support.
	GuidanceSupport = "Contact SIS support when errors persist across several syncs, when a run would deactivate many users or remove many courses you expect to stay, or when results look wrong after a change in the SIS (a new school year, a new export or provider)."
)

// SummerReasons are the reasons to turn the automated sync off over the summer break.
var SummerReasons = []string{
	"Prevent unintended deactivations while users, courses or enrollments are temporarily removed from the SIS, or not yet final for the new school year.",
	"Avoid creating courses too early from incomplete or rolling schedules.",
	"Protect the roster's history and teachers' work from being overwritten by early or test updates in the SIS.",
	"Reduce sync errors from end-of-year transitions, archiving and ID changes.",
	"Let the SIS be cleaned up and rolled over safely without affecting access or enrollments.",
	"Give schools time to review and validate the roster data before the automated sync is turned back on.",
}

// SummerAdvice is the summer best practice as one text: the six reasons as a
// bulleted list, then when to turn the sync back on.
func SummerAdvice() string {
	var b strings.Builder
	b.WriteString("Best practice: turn the automated sync off during the summer break, to:")
	for _, r := range SummerReasons {
		b.WriteString("\n• " + r)
	}
	b.WriteString("\nTurn it back on once the new school year's data in the SIS is complete, verified and ready.")
	return b.String()
}
