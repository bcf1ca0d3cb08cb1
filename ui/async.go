package ui

import (
	"context"
	"sync"

	"fyne.io/fyne/v2"
)

// loader runs engine calls for the screens of one window.
type loader struct {
	ctx      context.Context
	inflight sync.WaitGroup
}

// run calls fetch on its own goroutine, then show on the UI goroutine via
// fyne.Do. The returned channel closes after show has run.
func run[T any](l *loader, fetch func(context.Context) (T, error), show func(T, error)) <-chan struct{} {
	done := make(chan struct{})
	l.inflight.Add(1)
	go func() {
		v, err := fetch(l.ctx)
		fyne.Do(func() {
			defer l.inflight.Done()
			defer close(done)
			show(v, err)
		})
	}()
	return done
}
