package sync

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"rosterdesk"
)

// SourceKind is where a run reads: the one rule "Sync now", the tray, the
// CLI and the schedule share (stored in sync.source for the schedule).
type SourceKind = rosterdesk.SourceKind

// Where a run reads (see rosterdesk.SourceKind).
const (
	SourceBundle   = rosterdesk.SourceBundle
	SourceFolder   = rosterdesk.SourceFolder
	SourceProvider = rosterdesk.SourceProvider
	SourcePath     = rosterdesk.SourcePath
)

// SourceKinds are the values sync.source accepts.
var SourceKinds = []SourceKind{SourceBundle, SourceFolder, SourceProvider}

// SyncSource is what one run reads.
type SyncSource struct {
	Kind SourceKind
	Path string // the bundle or the path; "" for the provider, and for a watched folder until a bundle is picked
}

// ErrNoSource refuses a run when nothing is connected to read.
var ErrNoSource = errors.New("no source")

// ScheduledSource is what the schedule reads: sync.source.
func (e *Engine) ScheduledSource(ctx context.Context) (SyncSource, error) {
	set, err := e.Settings(ctx)
	if err != nil {
		return SyncSource{}, err
	}
	switch set.Schedule.Source {
	case SourceProvider:
		return SyncSource{Kind: SourceProvider}, nil
	case SourceBundle:
		return SyncSource{Kind: SourceBundle, Path: set.OneRoster.Source}, nil
	}
	return SyncSource{Kind: SourceFolder, Path: set.Schedule.WatchFolder}, nil
}

// ManualSource is what "Sync now" reads (the window, the tray, `rosterdesk
// sync` with no SOURCE): the provider when the connection is one; else the
// connected bundle; else, with none, the watched folder.
func (e *Engine) ManualSource(ctx context.Context) (SyncSource, error) {
	s, err := e.ScheduledSource(ctx)
	if err != nil || s.Kind == SourceProvider {
		return s, err
	}
	set, err := e.Settings(ctx)
	if err != nil {
		return SyncSource{}, err
	}
	if b := set.OneRoster.Source; b != "" {
		return SyncSource{Kind: SourceBundle, Path: b}, nil
	}
	if f := set.Schedule.WatchFolder; f != "" {
		return SyncSource{Kind: SourceFolder, Path: f}, nil
	}
	return SyncSource{Kind: SourceBundle}, nil
}

// PathSource is the source a CLI argument names: the word "provider" is the
// REST provider (unless none is set up and a file of that name exists),
// anything else a file or folder.
func (e *Engine) PathSource(ctx context.Context, arg string) SyncSource {
	if arg == string(SourceProvider) {
		p, err := e.Provider(ctx)
		if _, serr := os.Stat(arg); err == nil && !p.Configured() && serr == nil {
			return SyncSource{Kind: SourcePath, Path: arg}
		}
		return SyncSource{Kind: SourceProvider}
	}
	return SyncSource{Kind: SourcePath, Path: arg}
}

// SyncNow runs a sync of what "Sync now" reads.
func (e *Engine) SyncNow(ctx context.Context, opt Options) (*Result, error) {
	src, err := e.ManualSource(ctx)
	if err != nil {
		return nil, err
	}
	return e.SyncFrom(ctx, src, opt)
}

// SyncFrom runs a sync of src: the provider is pulled, a bundle or path read,
// a watched folder's newest new bundle taken (and remembered as processed).
func (e *Engine) SyncFrom(ctx context.Context, src SyncSource, opt Options) (*Result, error) {
	switch src.Kind {
	case SourceProvider:
		return e.SyncProvider(ctx, opt)
	case SourceFolder:
		if src.Path == "" {
			return e.refused(opt, &RefusedError{Reason: "no watched folder is set (Preferences › Schedule)", Err: ErrNoSource})
		}
		bundle, sig, err := e.newestBundle(ctx, src.Path, e.db.Now())
		if err != nil {
			return e.refused(opt, &RefusedError{Reason: err.Error(), Err: ErrNoSource})
		}
		res, err := e.Sync(ctx, bundle, opt)
		if res != nil && res.ID > 0 {
			e.db.MarkBundleProcessed(ctx, sig, bundle, res.ID)
		}
		return res, err
	case SourceBundle:
		p, err := NewestExport(src.Path)
		if err != nil {
			return e.refused(opt, &RefusedError{Reason: err.Error(), Err: ErrNoSource})
		}
		return e.Sync(ctx, p, opt)
	}
	return e.Sync(ctx, src.Path, opt)
}

// NewestExport resolves a connected bundle: a file, or a folder of CSV files
// (with users.csv or manifest.csv), is itself; a folder of exports (zips, or
// folders of CSV files) gives its newest one.
func NewestExport(p string) (string, error) {
	if p == "" {
		return "", errors.New("no OneRoster bundle is connected: choose one on the OneRoster screen")
	}
	st, err := os.Stat(p)
	if err != nil {
		return "", fmt.Errorf("the connected bundle %s cannot be opened: %v", p, errors.Unwrap(err))
	}
	if !st.IsDir() || isCSVBundle(p) {
		return p, nil
	}
	ents, err := os.ReadDir(p)
	if err != nil {
		return "", fmt.Errorf("the connected folder %s cannot be read: %v", p, err)
	}
	type cand struct {
		path string
		mod  time.Time
	}
	var cands []cand
	for _, ent := range ents {
		full := filepath.Join(p, ent.Name())
		info, err := ent.Info()
		if err != nil {
			continue
		}
		switch {
		case info.Mode().IsRegular() && strings.HasSuffix(strings.ToLower(ent.Name()), ".zip") && zipComplete(full):
			cands = append(cands, cand{full, info.ModTime()})
		case info.IsDir() && isCSVBundle(full):
			cands = append(cands, cand{full, info.ModTime()})
		}
	}
	if len(cands) == 0 {
		return "", fmt.Errorf("the connected folder %s holds no OneRoster export (users.csv, manifest.csv, or a .zip)", p)
	}
	sort.Slice(cands, func(i, j int) bool {
		if !cands[i].mod.Equal(cands[j].mod) {
			return cands[i].mod.After(cands[j].mod)
		}
		return cands[i].path > cands[j].path
	})
	return cands[0].path, nil
}

func isCSVBundle(dir string) bool {
	for _, n := range []string{"users.csv", "manifest.csv"} {
		if _, err := os.Stat(filepath.Join(dir, n)); err == nil {
			return true
		}
	}
	return false
}

// WatchWait is how an automated run waits for a bundle still being written
// in the watched folder: it looks again every Every, for up to Patience.
type WatchWait struct {
	Every    time.Duration
	Patience time.Duration
}

// DefaultWatchWait looks again every 30 s for up to 30 minutes.
var DefaultWatchWait = WatchWait{Every: 30 * time.Second, Patience: 30 * time.Minute}

// errStillWriting is newestBundle's answer while a bundle is being written.
var errStillWriting = errors.New("a bundle in the watched folder is still being written")

// waitForBundle takes the newest new bundle of folder, waiting while one is
// still being written.
func (e *Engine) waitForBundle(ctx context.Context, folder string, at time.Time) (string, string, error) {
	w := e.WatchWait
	if w.Every <= 0 {
		w = DefaultWatchWait
	}
	start := time.Now()
	for {
		now := at.Add(time.Since(start))
		bundle, sig, err := e.newestBundle(ctx, folder, now)
		if !errors.Is(err, errStillWriting) || time.Since(start)+w.Every > w.Patience {
			if errors.Is(err, errStillWriting) {
				err = fmt.Errorf("%w; waited %s for it", err, w.Patience.Round(time.Second))
			}
			return bundle, sig, err
		}
		e.Log.Info().Str("folder", folder).Dur("every", w.Every).Msg("a bundle is still being written; looking again")
		select {
		case <-ctx.Done():
			return "", "", ctx.Err()
		case <-time.After(w.Every):
		}
	}
}

// exportOf is a path as a run reads it: a folder of exports gives its newest
// export; anything else (a file, a folder of CSV files, a path that does not
// open, told by the reader) is itself.
func exportOf(p string) string {
	if st, err := os.Stat(p); err != nil || !st.IsDir() || isCSVBundle(p) {
		return p
	}
	if newest, err := NewestExport(p); err == nil {
		return newest
	}
	return p
}
