package appinfo

import (
	"os"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"strings"
	"testing"
)

// The version, name and ID here are FyneApp.toml's: the packages take the
// version from FyneApp.toml, About takes it from here.
func TestVersionMatchesFyneApp(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "FyneApp.toml"))
	if err != nil {
		t.Fatal(err)
	}
	for key, want := range map[string]string{"Version": Version, "Name": Name, "ID": AppID} {
		m := regexp.MustCompile(`(?m)^\s*` + key + `\s*=\s*"([^"]*)"`).FindSubmatch(b)
		if m == nil || string(m[1]) != want {
			t.Errorf("FyneApp.toml %s = %q, appinfo says %q: keep them equal", key, m, want)
		}
	}
	// fyne package takes the icon relative to FyneApp.toml (the repository root).
	m := regexp.MustCompile(`(?m)^\s*Icon\s*=\s*"([^"]*)"`).FindSubmatch(b)
	if m == nil {
		t.Fatal("FyneApp.toml names no Icon")
	}
	if _, err := os.Stat(filepath.Join("..", "..", filepath.FromSlash(string(m[1])))); err != nil {
		t.Errorf("FyneApp.toml Icon: %v", err)
	}
}

func TestFullVersion(t *testing.T) {
	for _, c := range []struct {
		i    Info
		want string
	}{
		{Info{Version: "0.1.0"}, "0.1.0 (development build)"},
		{Info{Version: "0.1.0", Build: 42, Commit: "0ffbd81", Release: true}, "0.1.0 (build 42, 0ffbd81)"},
		{Info{Version: "0.1.0", Release: true}, "0.1.0"},
	} {
		if got := c.i.FullVersion(); got != c.want {
			t.Errorf("%+v: %q, want %q", c.i, got, c.want)
		}
	}
}

func TestLibraries(t *testing.T) {
	bi := &debug.BuildInfo{Deps: []*debug.Module{
		{Path: "github.com/mattn/go-sqlite3", Version: "v1.14.53"},
		{Path: "example.com/other", Version: "v0.1.0"},
		{Path: "fyne.io/fyne/v2", Version: "v2.8.1", Replace: &debug.Module{Path: "../fyne"}},
		{Path: "github.com/rs/zerolog", Version: "v1.35.1", Replace: &debug.Module{Path: "example.com/zerolog", Version: "v1.35.2"}},
	}}
	mods := modules(bi)
	if len(mods) != 4 || mods[2].Version != "=> ../fyne" || mods[3].Version != "v1.35.2" {
		t.Fatalf("modules %+v", mods)
	}
	libs := libraries(mods)
	var names []string
	for _, m := range libs {
		names = append(names, m.Name+" "+m.Version)
	}
	// Notable ones in About's order, the others left out, the SQLite C library last.
	if got := strings.Join(names[:3], ", "); got != "Fyne => ../fyne, go-sqlite3 v1.14.53, zerolog v1.35.2" || len(libs) != 4 {
		t.Fatalf("libraries %q", names)
	}
	if !regexp.MustCompile(`^SQLite 3\.\d+\.\d+$`).MatchString(names[3]) {
		t.Fatalf("SQLite version %q", names[3])
	}
}

func TestPathsPerOS(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	j := filepath.Join
	for _, c := range []struct {
		goos, home, config string
		env                map[string]string
		want               Paths
	}{
		{"windows", j("C:", "Users", "ann"), j("C:", "Users", "ann", "AppData", "Roaming"), map[string]string{"LOCALAPPDATA": j("C:", "Users", "ann", "AppData", "Local")}, Paths{
			Roster:      j("C:", "Users", "ann", "AppData", "Roaming", "RosterDesk", "roster.db"),
			Data:        j("C:", "Users", "ann", "AppData", "Roaming", "RosterDesk"),
			Logs:        j("C:", "Users", "ann", "AppData", "Local", "RosterDesk", "Logs"),
			Preferences: j("C:", "Users", "ann", "AppData", "Roaming", "fyne", "com.rosterdesk.app", "preferences.json"),
		}},
		{"darwin", "/Users/ann", "/Users/ann/Library/Application Support", nil, Paths{
			Roster:      "/Users/ann/Library/Application Support/RosterDesk/roster.db",
			Data:        "/Users/ann/Library/Application Support/RosterDesk",
			Logs:        "/Users/ann/Library/Logs/RosterDesk",
			Preferences: "/Users/ann/Library/Preferences/fyne/com.rosterdesk.app/preferences.json",
		}},
		{"linux", "/home/ann", "/home/ann/.config", nil, Paths{
			Roster:      "/home/ann/.config/RosterDesk/roster.db",
			Data:        "/home/ann/.config/RosterDesk",
			Logs:        "/home/ann/.local/state/RosterDesk",
			Preferences: "/home/ann/.config/fyne/com.rosterdesk.app/preferences.json",
		}},
		{"linux", "/home/ann", "/home/ann/.config", map[string]string{"XDG_STATE_HOME": "/st", "ROSTERDESK_DB": "/srv/r.db"}, Paths{
			Roster:      "/srv/r.db",
			Data:        "/srv",
			Logs:        "/st/RosterDesk",
			Preferences: "/home/ann/.config/fyne/com.rosterdesk.app/preferences.json",
		}},
	} {
		if got := pathsFor(c.goos, c.home, c.config, env(c.env)); got != c.want {
			t.Errorf("%s %v:\n got %+v\nwant %+v", c.goos, c.env, got, c.want)
		}
	}
}

func TestPathsForOpenedRoster(t *testing.T) {
	p := PathsFor("some/dir/r.db")
	if !filepath.IsAbs(p.Roster) || filepath.Base(p.Roster) != "r.db" || p.Data != filepath.Dir(p.Roster) {
		t.Fatalf("%+v", p)
	}
	if p.Logs != LogDir() || p.Preferences == "" {
		t.Fatalf("%+v", p)
	}
	if r := Report(p); !strings.Contains(r, "RosterDesk "+Version) || !strings.Contains(r, p.Roster) || !strings.Contains(r, "SQLite 3.") {
		t.Fatalf("report:\n%s", r)
	}
}
