package sync

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"rosterdesk"
	"rosterdesk/sync/rest"
)

// Pulling a REST provider: the collections a scope needs, full or delta,
// written as a OneRoster CSV bundle and synced like any bundle.

// pullFiles are the collections a scope needs, in the order references need them.
func pullFiles(scope rosterdesk.Scope) []string {
	switch scope {
	case rosterdesk.ScopeBuildings:
		return []string{"orgs"}
	case rosterdesk.ScopeUsers:
		return []string{"orgs", "users"}
	}
	return []string{"orgs", "academicSessions", "courses", "classes", "users", "enrollments"}
}

// neededFiles are the files of which a sync needs at least one (users first).
func neededFiles(scope rosterdesk.Scope) []string {
	switch scope {
	case rosterdesk.ScopeBuildings:
		return []string{"orgs"}
	case rosterdesk.ScopeUsers:
		return []string{"users"}
	}
	return []string{"users", "academicSessions", "courses", "classes", "enrollments"}
}

// deltaOverlap re-reads a little before the last pull: clocks differ, and a
// record changed twice is simply applied again.
const deltaOverlap = 10 * time.Minute

// pullSince decides between a full pull (zero time) and a delta pull of the
// records changed since the returned time, and says why.
func (e *Engine) pullSince(ctx context.Context, p ProviderSettings, scope rosterdesk.Scope, now time.Time) (time.Time, string) {
	if scope == rosterdesk.ScopeBuildings {
		return time.Time{}, "a building sync reads every org"
	}
	if p.FullEveryDays == 0 {
		return time.Time{}, "every pull is full (" + KeyProviderFullEvery + " = 0)"
	}
	set, _ := e.Settings(ctx)
	lf, lp, fullScope := set.Provider.LastFullPull, set.Provider.LastPull, set.Provider.LastFullScope
	lastFull := lf.UTC().Format(time.RFC3339)
	switch {
	case lf.IsZero() || lp.IsZero():
		return time.Time{}, "no full pull has been applied yet"
	case now.Sub(lf) >= time.Duration(p.FullEveryDays)*24*time.Hour:
		return time.Time{}, fmt.Sprintf("the last full pull was %s (a full pull every %d days)", lastFull, p.FullEveryDays)
	case rosterdesk.Scope(fullScope) != scope && rosterdesk.Scope(fullScope) != rosterdesk.ScopeUsersCourses:
		return time.Time{}, fmt.Sprintf("the last full pull was for %s only", fullScope)
	}
	return lp.Add(-deltaOverlap), fmt.Sprintf("records changed since %s (the last pull, less %s)", lp.Add(-deltaOverlap).Format(time.RFC3339), deltaOverlap)
}

// pullError is a failed pull with the secret scrubbed from its words.
type pullError struct {
	msg string
	err error
}

func (e *pullError) Error() string { return e.msg }
func (e *pullError) Unwrap() error { return e.err }

// scrub takes every credential the engine knows of (the secret in all its
// forms, the tokens it was given) and anything like one out of s.
func (e *Engine) scrub(s string) string { return e.scrubber.Scrub(s) }

// SyncProvider pulls the configured REST provider and syncs what it sent,
// through the same validate → plan → guard → apply as a CSV bundle. A full
// pull writes bulk files; between full pulls (provider.full_every_days) a
// delta pull asks only for records changed since the last one. A pull that
// fails or comes back incomplete applies nothing: the run is recorded as
// failed, its log naming the collection and how many records were missing.
func (e *Engine) SyncProvider(ctx context.Context, opt Options) (*Result, error) {
	p, cfg, _, err := e.providerClient(ctx)
	if err != nil {
		return e.refused(opt, err)
	}
	opt, _, err = e.preconditions(ctx, opt)
	if err != nil {
		return e.refused(opt, err)
	}
	name := p.Name()
	opt.Collections, opt.Provider = true, name
	started := e.db.Now().UTC()
	since, why := e.pullSince(ctx, p, opt.Scope, started)
	client, err := rest.New(cfg)
	if err != nil {
		return e.refused(opt, &RefusedError{Reason: "the REST provider settings are not usable: " + e.scrub(err.Error())})
	}
	dir, err := e.TempDir(p.Type + "-pull")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	mode := "full"
	if !since.IsZero() {
		mode = "delta"
	}
	e.Log.Info().Str("provider", name).Str("mode", mode).Str("why", why).Str("scope", string(opt.Scope)).Msg("REST pull")
	progress := opt.Progress
	pull := func(dir string, since time.Time) ([]rest.FileStats, error) {
		return client.WriteBundle(ctx, rest.BundleSpec{Dir: dir, Version: cfg.Version, Files: pullFiles(opt.Scope), Since: since,
			SystemName: name, Needed: neededFiles(opt.Scope), Header: func(file string) []string {
				s, _ := specFor(cfg.Version, file)
				return s.cols
			},
			Progress: func(file string, rows, total int) {
				if progress != nil {
					progress(Progress{Phase: "pull " + file, Done: rows, Total: max(total, 0)})
				}
			}})
	}
	stats, err := pull(dir, since)
	var re *rest.Error
	if err != nil && !since.IsZero() && errors.As(err, &re) && re.Kind == rest.KindBadRequest {
		// The server does not take the dateLastModified filter: read everything instead.
		e.Log.Warn().Str("provider", name).Str("error", e.scrub(err.Error())).Msg("delta filter refused; pulling in full")
		since, mode = time.Time{}, "full"
		if err = os.RemoveAll(dir); err == nil {
			err = os.MkdirAll(dir, 0o700)
		}
		if err != nil {
			return nil, err
		}
		stats, err = pull(dir, since)
	}
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err() // cancelled: nothing is recorded
		}
		perr := &pullError{msg: e.scrub(err.Error()), err: err}
		entries := pullLog(stats, err, e.scrub, mode)
		res, rerr := e.RecordFailed(ctx, opt, name, perr, entries)
		if rerr == nil {
			rerr = perr
		}
		return res, rerr
	}
	for _, st := range stats {
		e.Log.Info().Str("collection", st.Collection).Int("records", st.Rows).Int("written", st.Written).Int("pages", st.Pages).
			Int("total", st.Total).Str("mode", st.Mode).Msg("pulled")
	}
	if since.IsZero() {
		// A full pull must be consistent before anything is taken away: what
		// its own enrollments name but it did not return was lost on the way.
		// Pull once more; a pull still inconsistent is held by the safeguards.
		gaps, err := scanPull(dir, func(string) bool { return true })
		if err != nil {
			return nil, err
		}
		if gaps.n() > 0 {
			first := gaps.summary()
			e.Log.Warn().Str("provider", name).Int("missing", gaps.n()).Msg("full pull not consistent; pulling again")
			if err = os.RemoveAll(dir); err == nil {
				err = os.MkdirAll(dir, 0o700)
			}
			if err != nil {
				return nil, err
			}
			if stats, err = pull(dir, since); err != nil {
				if ctx.Err() != nil {
					return nil, ctx.Err()
				}
				perr := &pullError{msg: e.scrub(err.Error()), err: err}
				res, rerr := e.RecordFailed(ctx, opt, name, perr, pullLog(stats, err, e.scrub, mode))
				if rerr == nil {
					rerr = perr
				}
				return res, rerr
			}
			if gaps, err = scanPull(dir, func(string) bool { return true }); err != nil {
				return nil, err
			}
			then := "the second pull is consistent and is the one applied"
			if gaps.n() > 0 {
				then = "the second pull is not consistent either (it lacks " + gaps.summary() + ")"
			}
			opt.notes = append(opt.notes, rosterdesk.LogEntry{Severity: SevWarning, Phase: "pull", Rule: "pull.repulled",
				Message: fmt.Sprintf("the first full pull was not consistent: its own enrollments or classes named %s that it did not return "+
					"(the data changed on the server while it was read, or a page was lost); it was pulled again once: %s", first, then)})
		}
	}
	res, err := e.Sync(ctx, dir, opt)
	if err == nil && res != nil && res.Status == rosterdesk.StatusApplied && !opt.DryRun {
		// Orgs alone say nothing about users' changes: a building sync is not remembered.
		if opt.Scope != rosterdesk.ScopeBuildings {
			at := started.Truncate(time.Second)
			if _, serr := e.UpdateSettings(ctx, func(s *rosterdesk.Settings) {
				s.Provider.LastPull = at
				if since.IsZero() {
					s.Provider.LastFullPull, s.Provider.LastFullScope = at, string(opt.Scope)
				}
			}); serr != nil {
				e.Log.Warn().Err(serr).Msg("remember the pull")
			}
		}
	}
	return res, err
}

// pullLog explains a failed pull: what was read, then what went wrong.
func pullLog(stats []rest.FileStats, err error, scrub func(string) string, mode string) []rosterdesk.LogEntry {
	var out []rosterdesk.LogEntry
	for _, st := range stats {
		total := ""
		if st.Total >= 0 {
			total = fmt.Sprintf(" of %d", st.Total)
		}
		out = append(out, rosterdesk.LogEntry{Severity: SevInfo, Phase: "pull", File: st.Collection, Rule: "rest.pulled",
			Message: fmt.Sprintf("%s pull: %d records%s in %d page(s)", mode, st.Rows, total, st.Pages)})
	}
	var inc *rest.IncompleteError
	var capErr *rest.PageCapError
	var re *rest.Error
	en := rosterdesk.LogEntry{Severity: SevError, Phase: "pull", Rule: "rest.failed", Message: scrub(err.Error())}
	switch {
	case errors.As(err, &inc):
		en.File, en.Rule = inc.Collection, "rest.incomplete"
		en.Message = fmt.Sprintf("%s came back incomplete: the server said %d records but sent %d, so %d rows are missing; nothing was applied and nobody was deactivated",
			inc.Collection, inc.Want, inc.Got, inc.Missing())
	case errors.As(err, &capErr):
		en.File, en.Rule = capErr.Collection, "rest.page_cap"
	case errors.As(err, &re):
		en.File, en.Rule = re.Op, "rest."+string(re.Kind)
		en.Message += "; nothing was applied"
	}
	return append(out, en)
}
