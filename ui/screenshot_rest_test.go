package ui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"rosterdesk/sync/gen"
	"rosterdesk/sync/rest/resttest"
)

// TestScreenshotRESTServer serves a generated district as a OneRoster 1.2
// REST provider for scripts/screenshots.sh, when RD_REST_SERVE names a file
// (otherwise it skips): it writes the base URL, the token URL, the client id
// and the secret to that file, one a line, and serves until the file is
// removed (15 minutes at most).
func TestScreenshotRESTServer(t *testing.T) {
	out := os.Getenv("RD_REST_SERVE")
	if out == "" {
		t.Skip("RD_REST_SERVE not set")
	}
	dir := filepath.Join(t.TempDir(), "district")
	cfg := gen.Small()
	cfg.Version = "1.2"
	if err := gen.Generate(cfg).Write(dir, gen.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	s := resttest.New(resttest.Generic12())
	defer s.Close()
	if err := s.Load(dir); err != nil {
		t.Fatal(err)
	}
	lines := strings.Join([]string{s.BaseURL(), s.TokenURL(), resttest.ClientID, resttest.ClientSecret}, "\n") + "\n"
	if err := os.WriteFile(out+".tmp", []byte(lines), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(out+".tmp", out); err != nil {
		t.Fatal(err)
	}
	for end := time.Now().Add(15 * time.Minute); time.Now().Before(end); time.Sleep(200 * time.Millisecond) {
		if _, err := os.Stat(out); err != nil {
			return
		}
	}
}
