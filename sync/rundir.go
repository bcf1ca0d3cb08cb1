package sync

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// RunDir is the folder where runs of this roster keep files beside it: held
// copies (held/RUN_ID) and temporary pulls (tmp/). It is named after the roster
// file, so two rosters in one folder never share it, and private to the OS user.
func (e *Engine) RunDir() string {
	return e.db.Path + ".runs"
}

// heldDir is where a held run keeps a copy of its source until approved or discarded.
func (e *Engine) heldDir(runID int64) string {
	return filepath.Join(e.RunDir(), "held", strconv.FormatInt(runID, 10))
}

// tempRoot holds this roster's temporary files: one folder per process, named
// after its process id, so a start can sweep what a killed process left.
func (e *Engine) tempRoot() string { return filepath.Join(e.RunDir(), "tmp") }

// TempDir makes a private (0700) temporary folder for one run; the caller
// removes it. What a killed process leaves is swept at the next start.
func (e *Engine) TempDir(kind string) (string, error) {
	root := filepath.Join(e.tempRoot(), strconv.Itoa(os.Getpid()))
	if err := os.MkdirAll(root, 0o700); err != nil {
		return "", err
	}
	os.Chmod(e.RunDir(), 0o700)
	return os.MkdirTemp(root, kind+"-") // MkdirTemp makes it 0700
}

// sweepTemp removes temporary folders of processes that are gone (a kill -9, a power cut).
func (e *Engine) sweepTemp() {
	ents, err := os.ReadDir(e.tempRoot())
	if err != nil {
		return
	}
	for _, ent := range ents {
		pid, err := strconv.Atoi(ent.Name())
		if err != nil || (pid != os.Getpid() && !processAlive(pid)) {
			if err := os.RemoveAll(filepath.Join(e.tempRoot(), ent.Name())); err == nil {
				e.Log.Info().Str("folder", ent.Name()).Msg("swept temporary files a stopped run left behind")
			}
		}
	}
}

// heldStamp is written beside a held copy: which roster and run it belongs to.
type heldStamp struct {
	Roster string `json:"roster"`
	Run    int64  `json:"run"`
	SHA256 string `json:"sha256"`
}

const heldStampName = "held.json"

// keepHeld copies source into the run's held folder, stamps it with the
// roster's identity and returns the copy's path and content hash. A copy that
// fails half-way (a full disk) is removed.
func (e *Engine) keepHeld(ctx context.Context, runID int64, source string) (string, string, error) {
	rid, err := e.db.RosterID(ctx)
	if err != nil {
		return "", "", err
	}
	dir := e.heldDir(runID)
	os.RemoveAll(dir) // a leftover of an earlier roster with this run id
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", "", err
	}
	os.Chmod(e.RunDir(), 0o700)
	kept, err := copySource(source, dir)
	if err == nil {
		var sum string
		if sum, err = contentHash(kept); err == nil {
			b, _ := json.Marshal(heldStamp{Roster: rid, Run: runID, SHA256: sum})
			if err = writeFileSync(filepath.Join(dir, heldStampName), b); err == nil {
				return kept, sum, nil
			}
		}
	}
	os.RemoveAll(dir)
	return "", "", err
}

// verifyHeld checks a held run's copy before approve uses it: it must be in
// this roster's held folder, stamped with this roster and run, and hash as it did when kept.
func (e *Engine) verifyHeld(ctx context.Context, run *runRef) error {
	refuse := func(why string) error {
		return &RefusedError{Reason: fmt.Sprintf("run %d cannot be approved: %s; nothing was applied. Discard it and sync again", run.ID, why)}
	}
	if run.SHA256 == "" {
		return refuse("its kept copy of the source was made by an older RosterDesk that could not check it belongs to this roster")
	}
	dir := e.heldDir(run.ID)
	if rel, err := filepath.Rel(dir, run.Path); err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) || filepath.IsAbs(rel) {
		return refuse("its kept copy is not in this roster's held folder")
	}
	rid, err := e.db.RosterID(ctx)
	if err != nil {
		return err
	}
	b, err := os.ReadFile(filepath.Join(dir, heldStampName))
	var st heldStamp
	if err != nil || json.Unmarshal(b, &st) != nil {
		return refuse("its kept copy of the source is missing or unreadable")
	}
	if st.Roster != rid || st.Run != run.ID {
		return refuse("its kept copy of the source belongs to another roster")
	}
	sum, err := contentHash(run.Path)
	if err != nil {
		return refuse("its kept copy of the source cannot be read (" + err.Error() + ")")
	}
	if sum != run.SHA256 {
		return refuse("its kept copy of the source changed since the run was held")
	}
	return nil
}

type runRef struct {
	ID           int64
	Path, SHA256 string
}

// contentHash hashes a file, or a folder's regular files by name and content.
func contentHash(p string) (string, error) {
	h := sha256.New()
	st, err := os.Stat(p)
	if err != nil {
		return "", err
	}
	if !st.IsDir() {
		if err := hashFile(h, p); err != nil {
			return "", err
		}
		return hex.EncodeToString(h.Sum(nil)), nil
	}
	ents, err := os.ReadDir(p)
	if err != nil {
		return "", err
	}
	sort.Slice(ents, func(i, j int) bool { return ents[i].Name() < ents[j].Name() })
	for _, ent := range ents {
		if !ent.Type().IsRegular() {
			continue
		}
		fmt.Fprintf(h, "%s\x00", ent.Name())
		if err := hashFile(h, filepath.Join(p, ent.Name())); err != nil {
			return "", err
		}
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

func hashFile(h hash.Hash, p string) error {
	f, err := os.Open(p)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = io.Copy(h, f)
	return err
}

// createFile makes a file for a held copy; tests replace it to fill the disk.
var createFile = func(p string) (io.WriteCloser, error) {
	return os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
}

func writeFileSync(p string, b []byte) error {
	f, err := createFile(p)
	if err != nil {
		return err
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
