package sync

import "context"

// afterRun runs after every applied run, once the run lock is about to be
// released: housekeeping such as log retention belongs here.
func (e *Engine) afterRun(ctx context.Context) {}
