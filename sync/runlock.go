package sync

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"rosterdesk"
	"rosterdesk/data"
)

// The run lock serialises everything that writes a roster, across processes
// (the app, `serve`, the CLI): an OS file lock on ROSTER.runs/run.lock, taken
// exclusively by writers and shared by dry runs. It lives outside SQLite, so a
// writer that meets a long run is refused at once, naming the holder, instead
// of waiting out SQLite's busy timeout into "database is locked"; the OS
// releases it when its process dies, so a kill -9 leaves no stale claim.

// BusyError refuses a write while another run holds the roster (exit 3).
type BusyError struct {
	Holder rosterdesk.RunLock
}

func (e *BusyError) Error() string {
	h := e.Holder
	who := h.Holder
	if who == "" {
		who = "another RosterDesk"
	}
	if h.PID > 0 {
		who += fmt.Sprintf(" (process %d on %s, since %s)", h.PID, h.Host, h.Since)
	}
	return fmt.Sprintf("another run is in progress in %s; nothing was changed; try again when it has finished", who)
}

// Unwrap makes a BusyError a refusal for everything that handles one.
func (e *BusyError) Unwrap() error { return &RefusedError{Reason: e.Error()} }

// IsBusy tells whether err is a refusal by the run lock.
func IsBusy(err error) bool {
	var b *BusyError
	return errors.As(err, &b)
}

func (e *Engine) lockPath() string { return filepath.Join(e.RunDir(), "run.lock") }

func (e *Engine) me(what string) rosterdesk.RunLock {
	host, _ := os.Hostname()
	h := e.Holder
	if h == "" {
		h = "rosterdesk"
	}
	if what != "" {
		h += " (" + what + ")"
	}
	return rosterdesk.RunLock{Holder: h, PID: os.Getpid(), Host: host, Since: data.FormatTime(time.Now())}
}

// lock takes the run lock for a run that writes, or refuses at once naming who holds it.
func (e *Engine) lock() (func(), error) { return e.takeLock(true, "") }

// TakeRunLock holds the roster as one run does, until unlock is called (for
// work of several steps); it is refused, naming the holder, when another has it.
func (e *Engine) TakeRunLock() (unlock func(), err error) { return e.takeLock(true, "") }

// readLock takes the run lock shared, for a dry run: it plans a roster no one is changing.
func (e *Engine) readLock() (func(), error) { return e.takeLock(false, "dry run") }

// writing runs a short write (a setting, an admin, a protection) under the run lock.
func (e *Engine) writing(fn func() error) error {
	unlock, err := e.takeLock(true, "")
	if err != nil {
		return err
	}
	defer unlock()
	return fn()
}

func (e *Engine) takeLock(exclusive bool, what string) (func(), error) {
	me := e.me(what)
	var ok bool
	if exclusive {
		ok = e.running.TryLock()
	} else {
		ok = e.running.TryRLock()
	}
	if !ok {
		return nil, &BusyError{Holder: e.holderNow(me)}
	}
	release := e.running.Unlock
	if !exclusive {
		release = e.running.RUnlock
	}
	if err := os.MkdirAll(e.RunDir(), 0o700); err != nil {
		release()
		return nil, err
	}
	f, err := os.OpenFile(e.lockPath(), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		release()
		return nil, err
	}
	got, err := lockFile(f, exclusive)
	if err != nil || !got {
		f.Close()
		release()
		if err != nil {
			return nil, err
		}
		return nil, &BusyError{Holder: readHolder(e.lockPath())}
	}
	drop := func() {
		unlockFile(f)
		f.Close()
		release()
	}
	// The claim in the roster itself covers a roster shared over the network,
	// where another machine's file lock may not reach.
	stale := func(l rosterdesk.RunLock) bool { return l.Host == me.Host && !processAlive(l.PID) }
	claimed := false
	if exclusive {
		cur, ok, err := e.db.AcquireRunLock(context.Background(), me, stale)
		if err != nil || !ok {
			drop()
			if err != nil {
				return nil, err
			}
			return nil, &BusyError{Holder: cur}
		}
		me, claimed = cur, true
	} else if cur, ok, err := e.db.CurrentRunLock(context.Background()); err == nil && ok &&
		!(cur.PID == me.PID && cur.Host == me.Host) && !stale(cur) {
		drop()
		return nil, &BusyError{Holder: cur}
	}
	// Say who holds it, for the next one refused.
	b, _ := json.Marshal(me)
	f.Truncate(0)
	f.WriteAt(b, 0)
	e.holder.Store(&me)
	return func() {
		e.holder.Store(nil)
		if claimed {
			e.db.ReleaseRunLock(context.Background(), me.PID, me.Host)
		}
		drop()
	}, nil
}

// holderNow says who holds the lock in this process, as far as it is known.
func (e *Engine) holderNow(fallback rosterdesk.RunLock) rosterdesk.RunLock {
	if h := e.holder.Load(); h != nil {
		return *h
	}
	if h := readHolder(e.lockPath()); h.Holder != "" {
		return h
	}
	return fallback
}

func readHolder(p string) rosterdesk.RunLock {
	var h rosterdesk.RunLock
	if b, err := os.ReadFile(p); err == nil {
		json.Unmarshal(b, &h)
	}
	return h
}

// LockHolder tells who holds the roster's run lock now, if anyone (for a refusal's words).
func (e *Engine) LockHolder(ctx context.Context) (rosterdesk.RunLock, bool) {
	unlock, err := e.takeLock(false, "")
	if err == nil {
		unlock()
		return rosterdesk.RunLock{}, false
	}
	var b *BusyError
	if errors.As(err, &b) {
		return b.Holder, true
	}
	return rosterdesk.RunLock{}, false
}
