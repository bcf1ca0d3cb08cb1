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
