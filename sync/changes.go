package sync

import (
	"context"

	"rosterdesk"
)

// RunChanges streams every change one run made, with its reason: the records
// it added and its audited updates, deactivations, removals and reactivations
// (see data.DB.RunChanges for the order). An unknown run is data.ErrNotFound.
func (e *Engine) RunChanges(ctx context.Context, runID int64, fn func(rosterdesk.Audit) error) (Result, error) {
	r, err := e.db.Run(ctx, runID)
	if err != nil {
		return Result{}, err
	}
	return FromRun(r), e.db.RunChanges(ctx, runID, fn)
}
