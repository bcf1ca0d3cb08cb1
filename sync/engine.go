package sync

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	gosync "sync"
	"sync/atomic"
	"time"

	"github.com/rs/zerolog"

	"rosterdesk"
	"rosterdesk/data"
	"rosterdesk/sync/rest"
)

// Engine runs syncs against one local roster.
type Engine struct {
	db     *data.DB
	Log    zerolog.Logger
	Limits Limits

	// Holder names this process in the roster's run lock ("RosterDesk app", "rosterdesk serve").
	Holder string
	// WatchWait is how a scheduled run waits for a bundle still being written (zero: DefaultWatchWait).
	WatchWait WatchWait

	running gosync.RWMutex                     // one run that writes at a time in this process (dry runs share)
	holder  atomic.Pointer[rosterdesk.RunLock] // who holds it in this process

	scrubber *rest.Scrubber // the provider's credentials, kept out of everything stored
}

// Limits bound what a source may hold before it is refused as unusable, and
// what one run may write to its log. They are set from the largest real
// district (New York City: about 1 million students, 8 million enrollments)
// with room to spare; the README lists them.
type Limits struct {
	MaxUncompressed int64 // total bytes a zip may expand to
	MaxRatio        int64 // how many times its compressed size a zip entry may expand to
	MaxLine         int   // bytes in one physical line
	MaxRecord       int   // bytes in one row, line breaks inside quoted fields included
	MaxField        int   // bytes in one field
	MaxRows         int   // rows in one file
	MaxLogRows      int   // log entries one run keeps one by one; past it one summary per rule
}

// DefaultLimits: a NYC-sized export is about 3 GB of CSV with 8 million rows
// in its largest file; a real field is at most a few KB and real CSV
// compresses 5–20 times.
var DefaultLimits = Limits{
	MaxUncompressed: 8 << 30,
	MaxRatio:        100,
	MaxLine:         1 << 20,
	MaxRecord:       1 << 20,
	MaxField:        64 << 10,
	MaxRows:         20_000_000,
	MaxLogRows:      200_000,
}

// ratioFloor: entries smaller than this may compress as well as they like.
const ratioFloor = 1 << 20

// Open opens (creating if needed) the roster at path.
func Open(path string, log zerolog.Logger) (*Engine, error) {
	return OpenWith(path, log, OpenOptions{Create: true})
}

// OpenOptions say whether a missing roster may be created and whether it is only read.
type OpenOptions struct {
	Create   bool // a missing file becomes a new, empty roster (private to the OS user)
	ReadOnly bool // reading commands: nothing is written, a read-only file or folder is fine
	// Now is the roster's clock (nil: the system's); tests fix it.
	Now func() time.Time
}

// NoRosterError: the roster file does not exist and this command does not create one.
type NoRosterError struct{ Path string }

func (e *NoRosterError) Error() string {
	return fmt.Sprintf("there is no roster at %s; check the path, or add --create to start a new roster there", e.Path)
}

// OpenWith opens the roster at path as opts say.
func OpenWith(path string, log zerolog.Logger, opts OpenOptions) (*Engine, error) {
	st, err := os.Stat(path)
	switch {
	case err == nil && !st.Mode().IsRegular():
		return nil, fmt.Errorf("%s is not a roster file", path)
	case errors.Is(err, os.ErrNotExist) && (!opts.Create || opts.ReadOnly):
		return nil, &NoRosterError{Path: path}
	case errors.Is(err, os.ErrNotExist):
		if err := createRoster(path); err != nil {
			return nil, err
		}
	case err != nil:
		return nil, err
	}
	mode := data.OpenExisting
	if opts.ReadOnly {
		mode = data.OpenReadOnly
	}
	db, err := data.OpenWith(path, mode)
	if err != nil {
		return nil, err
	}
	e := &Engine{db: db, Log: log, Limits: DefaultLimits, scrubber: &rest.Scrubber{}}
	db.Scrub = e.scrubber.Scrub
	if opts.Now != nil {
		db.Now = opts.Now
	}
	if !opts.ReadOnly {
		e.sweepTemp()
	}
	return e, nil
}

// createRoster makes an empty roster file private to the OS user (0600, in a
// 0700 folder when the folder is new); SQLite gives its -wal and -shm files
// the same mode.
func createRoster(path string) error {
	if dir := filepath.Dir(path); dir != "" {
		if _, err := os.Stat(dir); errors.Is(err, os.ErrNotExist) {
			if err := os.MkdirAll(dir, 0o700); err != nil {
				return err
			}
		}
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil && !errors.Is(err, os.ErrExist) {
		return err
	}
	if f != nil {
		return f.Close()
	}
	return nil
}

// Close closes the roster, and removes this process's temporary folder when it is empty.
func (e *Engine) Close() error {
	os.Remove(filepath.Join(e.tempRoot(), strconv.Itoa(os.Getpid())))
	return e.db.Close()
}

// RefusedError is a precondition that stops a run before anything is written (exit 3).
type RefusedError struct {
	Reason string
	Err    error // what kind of refusal, for errors.Is (ErrNoSource); may be nil
}

func (e *RefusedError) Error() string { return e.Reason }

func (e *RefusedError) Unwrap() error { return e.Err }

// SourceError means the whole source is unusable (exit 2); nothing of it was applied.
type SourceError struct {
	File    string
	Line    int
	Message string
}

func (e *SourceError) Error() string {
	switch {
	case e.File != "" && e.Line > 0:
		return fmt.Sprintf("%s line %d: %s", e.File, e.Line, e.Message)
	case e.File != "":
		return e.File + ": " + e.Message
	}
	return e.Message
}

// IsRefused tells whether err is a refused precondition.
func IsRefused(err error) bool {
	var r *RefusedError
	return errors.As(err, &r) || IsBusy(err)
}

// IsSourceError tells whether err means the source was unusable.
func IsSourceError(err error) bool {
	var s *SourceError
	return errors.As(err, &s)
}

// History returns recorded runs, newest first.
func (e *Engine) History(ctx context.Context, limit, offset int) ([]Result, error) {
	runs, err := e.db.Runs(ctx, limit, offset)
	if err != nil {
		return nil, err
	}
	out := make([]Result, len(runs))
	for i, r := range runs {
		out[i] = FromRun(r)
	}
	return out, nil
}

// RunLog streams one run's log.
func (e *Engine) RunLog(ctx context.Context, runID int64, fn func(rosterdesk.LogEntry) error) (Result, error) {
	r, err := e.db.Run(ctx, runID)
	if err != nil {
		return Result{}, err
	}
	return FromRun(r), e.db.Log(ctx, runID, fn)
}

// RosterCounts is what the roster holds now (`roster --json`).
type RosterCounts struct {
	Buildings   rosterdesk.ActiveCounts `json:"buildings"`
	Users       rosterdesk.ActiveCounts `json:"users"`
	Courses     RemovedCounts           `json:"courses"`
	Classes     RemovedCounts           `json:"classes"`
	Assignments RemovedCounts           `json:"assignments"`
}

// RemovedCounts counts records that can be removed (courses, classes, assignments).
type RemovedCounts struct {
	Active  int            `json:"active"`
	Removed int            `json:"removed"`
	ByRole  map[string]int `json:"active_by_role,omitempty"`
}

// Roster counts what the roster holds now.
func (e *Engine) Roster(ctx context.Context) (*RosterCounts, error) {
	var rc RosterCounts
	var err error
	if rc.Buildings, err = e.db.Count(ctx, "buildings", false); err != nil {
		return nil, err
	}
	if rc.Users, err = e.db.Count(ctx, "users", true); err != nil {
		return nil, err
	}
	for _, x := range []struct {
		table  string
		dst    *RemovedCounts
		byRole bool
	}{{"courses", &rc.Courses, false}, {"classes", &rc.Classes, false}, {"assignments", &rc.Assignments, true}} {
		c, err := e.db.Count(ctx, x.table, x.byRole)
		if err != nil {
			return nil, err
		}
		*x.dst = RemovedCounts{Active: c.Active, Removed: c.Inactive, ByRole: c.ByRole}
	}
	return &rc, nil
}
