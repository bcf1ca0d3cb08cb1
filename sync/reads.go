package sync

import (
	"context"

	"rosterdesk"
	"rosterdesk/data"
)

// What the run report, the roster export (sync/report), the screens and the
// tests read from the roster: the engine keeps its storage to itself and
// answers for it.

// StoredRun is run runID as it was recorded; an unknown run is data.ErrNotFound.
func (e *Engine) StoredRun(ctx context.Context, runID int64) (rosterdesk.Run, error) {
	return e.db.Run(ctx, runID)
}

// LogOfSeverity streams the entries of one severity of run runID's log, in logged order.
func (e *Engine) LogOfSeverity(ctx context.Context, runID int64, severity string, fn func(rosterdesk.LogEntry) error) error {
	return e.db.LogOfSeverity(ctx, runID, severity, fn)
}

// LogByRule groups the errors and warnings of run runID's log by rule and severity, the most frequent first.
func (e *Engine) LogByRule(ctx context.Context, runID int64) ([]rosterdesk.RuleCount, error) {
	return e.db.LogByRule(ctx, runID)
}

// Orgs returns every org the building syncs recorded, by sourcedId.
func (e *Engine) Orgs(ctx context.Context) (map[string]rosterdesk.Org, error) { return e.db.Orgs(ctx) }

// EachRecord streams every record of t, active or not, in sourcedId order.
func (e *Engine) EachRecord(ctx context.Context, t *data.Table, fn func(sourcedID string, vals []string, active bool) error) error {
	return e.db.EachRecord(ctx, t, fn)
}

// BrowseColumns are the headings of a browse list of kind (rosterdesk.BrowseUsers, …).
func BrowseColumns(kind string) []string { return data.BrowseColumns(kind) }

// BuildingBySIS finds a building by its SIS id; none is data.ErrNotFound.
func (e *Engine) BuildingBySIS(ctx context.Context, sisID string) (rosterdesk.Building, error) {
	return e.db.BuildingBySIS(ctx, sisID)
}

// Dump renders the named tables of the roster (every table when none is
// named) as stable text, for telling whether anything changed.
func (e *Engine) Dump(ctx context.Context, tables ...string) (string, error) {
	if len(tables) == 0 {
		return e.db.Dump(ctx)
	}
	return e.db.DumpTables(ctx, tables...)
}

// AddRun records a finished run as given, with an empty log, and returns its
// id: for bringing in history recorded elsewhere (and for tests).
func (e *Engine) AddRun(ctx context.Context, r rosterdesk.Run) (int64, error) {
	tx, err := e.db.Begin(ctx)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	id, err := tx.InsertRun(&r)
	if err != nil {
		return 0, err
	}
	return id, tx.Commit()
}

// PruneLogs deletes the log entries of every run older than the newest keep;
// the runs, their counts and their audit stay. It returns how many went.
func (e *Engine) PruneLogs(ctx context.Context, keep int) (int64, error) {
	return e.db.PruneLogs(ctx, keep)
}
