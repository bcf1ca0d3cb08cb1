//go:build !windows

package sync

import (
	"archive/zip"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"rosterdesk"
)

// Failure 7: a FIFO as source (or in a source folder) is refused at once; an
// encrypted zip says so; what a killed run left in the private temp folder is swept at start.
func TestLeftoversAndHangs(t *testing.T) {
	ctx := context.Background()
	e := newEngine(t)
	d := district()
	mustSync(t, e, d.zip(t, ""), rosterdesk.ScopeBuildings)
	fifo := filepath.Join(t.TempDir(), "OneRoster.zip")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skip("no FIFOs here:", err)
	}
	folder := d.dir(t)
	os.Remove(filepath.Join(folder, "users.csv"))
	if err := syscall.Mkfifo(filepath.Join(folder, "users.csv"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, src := range []string{fifo, folder} {
		done := make(chan error, 1)
		go func() { _, err := e.Sync(ctx, src, Options{Scope: rosterdesk.ScopeUsers}); done <- err }()
		select {
		case err := <-done:
			if !IsSourceError(err) || !strings.Contains(err.Error(), "named pipe (FIFO)") {
				t.Fatalf("%s: %v", src, err)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("%s: a FIFO hangs the sync", src)
		}
	}
	// An encrypted zip: the flag is set as a password-protecting tool sets it.
	p := filepath.Join(t.TempDir(), "OneRoster.zip")
	f, _ := os.Create(p)
	zw := zip.NewWriter(f)
	for name, body := range d {
		w, _ := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Flags: 0x1})
		w.Write([]byte(body))
	}
	zw.Close()
	f.Close()
	if _, err := e.Sync(ctx, p, Options{Scope: rosterdesk.ScopeUsers}); !IsSourceError(err) || !strings.Contains(err.Error(), "is encrypted (password-protected)") {
		t.Fatalf("encrypted zip: %v", err)
	}
	// A killed process's temporary pull is swept when the roster is next opened.
	dead := filepath.Join(e.RunDir(), "tmp", "999999999", "oneroster12-pull-1")
	os.MkdirAll(dead, 0o700)
	os.WriteFile(filepath.Join(dead, "users.csv"), []byte("pulled students"), 0o600)
	again, err := OpenWith(e.db.Path, zerolog.Nop(), OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	again.Close()
	if _, err := os.Stat(filepath.Dir(dead)); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("a dead process's pull was not swept: %v", err)
	}
}
