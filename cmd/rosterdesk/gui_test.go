package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rs/zerolog"
)

// The app's log file takes the level of setting log.level, and a new level
// (saved in Preferences) applies to the next line.
func TestAppLogLevel(t *testing.T) {
	path := filepath.Join(t.TempDir(), "logs", appLogName)
	h := &levelHook{}
	h.set("warn")
	log := fileLogger(path, zerolog.DebugLevel, nil).Hook(h)
	log.Info().Msg("hidden at warn")
	log.Warn().Msg("shown at warn")
	h.set("debug")
	log.Debug().Msg("shown at debug")
	h.set("nonsense") // info
	log.Debug().Msg("hidden at info")
	log.Info().Int64("run_id", 7).Msg("shown at info")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	got := string(b)
	for _, want := range []string{"shown at warn", "shown at debug", `"run_id":7`} {
		if !strings.Contains(got, want) {
			t.Errorf("log lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "hidden") || strings.Count(got, "\n") != 3 {
		t.Errorf("log:\n%s", got)
	}
}
