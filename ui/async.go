package ui

import (
	"context"
	"sync/atomic"

	"fyne.io/fyne/v2"
)

// loader runs engine calls for the screens of one window.
type loader struct {
	ctx context.Context
	// inflight counts engine calls not yet shown.
	inflight atomic.Int64
	// do runs a function on the UI goroutine: fyne.Do, unless a test
	// replaces it with a queue it runs itself (the test driver's fyne.Do
	// would run it on the calling goroutine, beside the test's own).
	do func(func())
}

// ui runs f on the UI goroutine.
func (l *loader) ui(f func()) {
	if l.do != nil {
		l.do(f)
		return
	}
	fyne.Do(f)
}

// run calls fetch on its own goroutine, then show on the UI goroutine. The
// returned channel closes after show has run.
func run[T any](l *loader, fetch func(context.Context) (T, error), show func(T, error)) <-chan struct{} {
	done := make(chan struct{})
	l.inflight.Add(1)
	go func() {
		v, err := fetch(l.ctx)
		l.ui(func() {
			defer l.inflight.Add(-1)
			defer close(done)
			show(v, err)
		})
	}()
	return done
}
