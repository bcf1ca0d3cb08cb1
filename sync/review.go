package sync

import (
	"errors"

	"rosterdesk"
)

// Why approving or discarding a run is refused, for errors.Is on the
// *RefusedError (ErrNoSuchRun too).
var (
	// ErrNotHeld: the run does not wait for review.
	ErrNotHeld = errors.New("not held for review")
	// ErrReplanned: the roster or the source changed since the run was held,
	// so nothing was applied and the run was planned again; its Result shows
	// the new numbers, to be reviewed and approved again.
	ErrReplanned = errors.New("planned again")
)

// AwaitsReview tells whether the run is held for review: the only runs that
// can be approved once or discarded.
func (r Result) AwaitsReview() bool { return r.Status == rosterdesk.StatusHeld }

// Replanned tells whether an applied preview was planned again before it
// was applied, because the roster or the file changed since the preview
// (Apply): the result's numbers are the new plan's, not the preview's.
func (r Result) Replanned() bool {
	for _, e := range r.Log {
		if e.Rule == "plan.changed" {
			return true
		}
	}
	return false
}
