package ui

import (
	"context"
	"os"
	"path/filepath"
	gosync "sync"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
)

// loader runs engine calls for the screens of one window.
type loader struct {
	ctx context.Context
	// inflight counts engine calls not yet shown.
	inflight atomic.Int64
	// fetching counts engine calls still running (waited for on quit).
	fetching gosync.WaitGroup
	// do runs a function on the UI goroutine: fyne.Do, unless a test
	// replaces it with a queue it runs itself (the test driver's fyne.Do
	// would run it on the calling goroutine, beside the test's own).
	do func(func())
	// folder and setFolder remember the folder a file was last chosen in
	// (the app's preferences); nil in tests.
	folder    func() string
	setFolder func(string)
}

// chosen remembers the folder of a file the admin chose.
func (l *loader) chosen(path string) {
	if l.setFolder == nil {
		return
	}
	if st, err := os.Stat(path); err == nil && !st.IsDir() {
		path = filepath.Dir(path)
	}
	l.setFolder(path)
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
	l.fetching.Add(1)
	go func() {
		v, err := fetch(l.ctx)
		l.fetching.Done()
		l.ui(func() {
			defer l.inflight.Add(-1)
			defer close(done)
			show(v, err)
		})
	}()
	return done
}

// wait waits, at most for limit, until no engine call is running; false if some still were.
func (l *loader) wait(limit time.Duration) bool {
	done := make(chan struct{})
	go func() { l.fetching.Wait(); close(done) }()
	select {
	case <-done:
		return true
	case <-time.After(limit):
		return false
	}
}
