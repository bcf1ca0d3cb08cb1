package sync

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"rosterdesk"
	sampledistrict "rosterdesk/assets/sample"
)

// LoadSample loads RosterDesk's sample district (assets/sample, a small
// OneRoster bundle made by sync/gen) into an empty roster through the normal
// path: a building sync, then a users + courses sync, both recorded in the
// history like any manual run and credited to the credited admin.
//
// It is refused (a *RefusedError with a Result whose Status is "refused",
// nothing written) when no admin is credited with changes, or when the roster
// already holds buildings, users or courses: the sample is for exploring, and
// never mixes with a district's own data. progress receives both runs'
// progress (it may be nil). The returned Result is the users + courses run's,
// or the building run's when that one did not apply.
func (e *Engine) LoadSample(ctx context.Context, progress func(Progress)) (*Result, error) {
	refuse := func(err error) (*Result, error) {
		return e.refused(Options{Scope: rosterdesk.ScopeBuildings, Trigger: rosterdesk.TriggerManual}, err)
	}
	if _, err := e.CreditedAdmin(ctx); err != nil {
		return refuse(err)
	}
	rc, err := e.Roster(ctx)
	if err != nil {
		return nil, err
	}
	b, u, c := rc.Buildings.Active+rc.Buildings.Inactive, rc.Users.Active+rc.Users.Inactive, rc.Courses.Active+rc.Courses.Removed
	if !rc.Empty() {
		return refuse(&RefusedError{Err: ErrRosterNotEmpty, Reason: fmt.Sprintf(
			"the sample district loads only into an empty roster, and this one already holds data (%s, %s, %s): open a new roster file to explore the sample (rosterdesk --db FILE --create)",
			sampleCount(b, "building"), sampleCount(u, "user"), sampleCount(c, "course"))})
	}

	dir, err := e.TempDir("sample")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, sampledistrict.FileName)
	if err := os.WriteFile(path, sampledistrict.Bundle(), 0o600); err != nil {
		return nil, err
	}

	opt := Options{Trigger: rosterdesk.TriggerManual, Progress: progress}
	opt.Scope = rosterdesk.ScopeBuildings
	res, err := e.Sync(ctx, path, opt)
	if err != nil || res.Status != rosterdesk.StatusApplied {
		return res, err
	}
	opt.Scope = rosterdesk.ScopeUsersCourses
	return e.Sync(ctx, path, opt)
}

func sampleCount(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
