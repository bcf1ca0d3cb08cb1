package appinfo

import (
	"os"
	"path/filepath"
	"runtime"
)

// Paths are where RosterDesk keeps its files on this computer.
type Paths struct {
	// Roster is the roster database: RosterDesk/roster.db in the user's config
	// folder (os.UserConfigDir), unless $ROSTERDESK_DB or --db names another.
	// It holds the roster, its history and logs of runs, and the sync settings.
	Roster string
	// Data is the folder holding Roster; held runs keep a copy of their
	// source in its held/ folder.
	Data string
	// Logs is the folder `rosterdesk serve` writes rosterdesk.log to.
	Logs string
	// Preferences is Fyne's file for the window's own preferences (size,
	// last screen), keyed on AppID.
	Preferences string
}

// PathsFor returns this computer's folders for the roster at db (the one the
// app opened, e.g. Engine.Path()); "" means the default roster.
func PathsFor(db string) Paths {
	home, _ := os.UserHomeDir()
	config, err := os.UserConfigDir()
	if err != nil {
		config = ""
	}
	p := pathsFor(runtime.GOOS, home, config, os.Getenv)
	if db != "" {
		if abs, err := filepath.Abs(db); err == nil {
			db = abs
		}
		p.Roster, p.Data = db, filepath.Dir(db)
	}
	return p
}

// pathsFor computes Paths for an OS from its home and config folders.
func pathsFor(goos, home, config string, getenv func(string) string) Paths {
	var p Paths
	if config == "" {
		config = "."
	}
	p.Roster = filepath.Join(config, Name, "roster.db")
	if env := getenv("ROSTERDESK_DB"); env != "" {
		p.Roster = env
	}
	p.Data = filepath.Dir(p.Roster)
	p.Logs = logDir(goos, home, getenv)

	// Fyne's own root for app preferences (fyne.io/fyne/v2/internal/app).
	fyneRoot := filepath.Join(config, "fyne")
	switch goos {
	case "darwin":
		fyneRoot = filepath.Join(home, "Library", "Preferences", "fyne")
	case "windows":
		fyneRoot = filepath.Join(home, "AppData", "Roaming", "fyne")
	}
	p.Preferences = filepath.Join(fyneRoot, AppID, "preferences.json")
	return p
}

// logDir is the user's standard log folder for RosterDesk: ~/Library/Logs on
// macOS, %LOCALAPPDATA% on Windows, $XDG_STATE_HOME or ~/.local/state elsewhere.
func logDir(goos, home string, getenv func(string) string) string {
	switch goos {
	case "darwin":
		return filepath.Join(home, "Library", "Logs", Name)
	case "windows":
		if d := getenv("LOCALAPPDATA"); d != "" {
			return filepath.Join(d, Name, "Logs")
		}
	}
	if d := getenv("XDG_STATE_HOME"); d != "" {
		return filepath.Join(d, Name)
	}
	return filepath.Join(home, ".local", "state", Name)
}

// LogDir is this computer's log folder for RosterDesk.
func LogDir() string {
	home, _ := os.UserHomeDir()
	return logDir(runtime.GOOS, home, os.Getenv)
}
