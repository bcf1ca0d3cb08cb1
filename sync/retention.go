package sync

import (
	"context"
	"time"
)

// afterRun runs after every applied run, once the run lock is about to be
// released: housekeeping such as log retention belongs here.
//
// It deletes the log entries of the runs older than the newest
// log.retention_runs; the runs, their counts and their audit stay. A run that
// was cancelled leaves the housekeeping to the next one.
func (e *Engine) afterRun(ctx context.Context) {
	if ctx.Err() != nil {
		return
	}
	keep := e.logRetention(ctx)
	start := time.Now()
	n, err := e.PruneLogs(ctx, keep)
	if err != nil {
		e.Log.Warn().Err(err).Int("keep_runs", keep).Msg("log retention failed; it is tried again after the next run")
		return
	}
	if n > 0 {
		e.Log.Info().Int64("entries", n).Int("keep_runs", keep).Dur("took", time.Since(start)).Msg("old run logs deleted")
	}
}

// logRetention is the log.retention_runs setting, or its default when the
// stored value cannot be read.
func (e *Engine) logRetention(ctx context.Context) int {
	s, err := e.Settings(ctx)
	if err != nil || s.Logs.RetentionRuns < 1 {
		return defaultLogRetention
	}
	return s.Logs.RetentionRuns
}
