package sync

import (
	"context"
	"errors"

	"rosterdesk"
	"rosterdesk/data"
)

// Browse returns one page of users, courses or classes matching q. The total
// is counted only for the first page (q.Offset 0); later pages of the same
// query reuse it.
func (e *Engine) Browse(ctx context.Context, q rosterdesk.BrowseQuery) (*rosterdesk.BrowsePage, error) {
	rows, err := e.db.Browse(ctx, q)
	if err != nil {
		return nil, err
	}
	p := &rosterdesk.BrowsePage{Columns: BrowseColumns(q.Kind), Rows: rows, Total: -1}
	if q.Offset == 0 {
		if len(rows) < q.Limit {
			p.Total = len(rows)
		} else if p.Total, err = e.db.BrowseCount(ctx, q); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// Roles lists the roles users hold, for the browser's role filter.
func (e *Engine) Roles(ctx context.Context) ([]string, error) { return e.db.Roles(ctx) }

// UserDetail loads a user with its buildings, classes and change history.
func (e *Engine) UserDetail(ctx context.Context, sourcedID string) (*rosterdesk.UserDetail, error) {
	rec, hist, err := e.Show(ctx, "user", sourcedID)
	if err != nil {
		if errors.Is(err, data.ErrNotFound) {
			return nil, &RefusedError{Reason: "no user " + sourcedID + " in the roster"}
		}
		return nil, err
	}
	d := &rosterdesk.UserDetail{Record: rec, History: hist}
	if d.Buildings, err = e.db.UserBuildings(ctx, sourcedID); err != nil {
		return nil, err
	}
	if d.Classes, err = e.db.UserClasses(ctx, sourcedID); err != nil {
		return nil, err
	}
	return d, nil
}

// LogPage returns one page of a run's full log (entries, then the changes it
// made with their reasons) matching f, and for the first page the counts by severity.
func (e *Engine) LogPage(ctx context.Context, runID int64, f rosterdesk.LogFilter, limit, offset int) ([]rosterdesk.LogRow, map[string]int, error) {
	rows, err := e.db.LogPage(ctx, runID, f, limit, offset)
	if err != nil || offset > 0 {
		return rows, nil, err
	}
	counts, err := e.db.LogCounts(ctx, runID, f)
	return rows, counts, err
}

// LogFiles lists the files named in a run's log, for the viewer's file filter.
func (e *Engine) LogFiles(ctx context.Context, runID int64) ([]string, error) {
	return e.db.LogFiles(ctx, runID)
}

// Run loads one recorded run.
func (e *Engine) Run(ctx context.Context, runID int64) (Result, error) {
	r, err := e.db.Run(ctx, runID)
	return FromRun(r), err
}

// RunCount counts recorded runs, for paging the history.
func (e *Engine) RunCount(ctx context.Context) (int, error) { return e.db.RunCount(ctx) }

// ClassMembers lists the people assigned to a class, each once per role.
func (e *Engine) ClassMembers(ctx context.Context, classSourcedID string) ([]rosterdesk.ClassMember, error) {
	return e.db.ClassMembers(ctx, classSourcedID)
}
