// Package appinfo says which RosterDesk is running and where it keeps its
// files: the version (from the repository's FyneApp.toml, with the build number
// and commit a package build adds), the Go toolchain, the libraries it was
// built with, and the standard per-OS folders for the roster, logs and window
// preferences. The About screen and support reports show it.
//
// It never imports Fyne, so the CLI can print it too.
package appinfo

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"

	sqlite3 "github.com/mattn/go-sqlite3"
)

const (
	// Name is the app's display name (FyneApp.toml Details.Name).
	Name = "RosterDesk"
	// AppID is the app's unique ID (FyneApp.toml Details.ID). Fyne keys the
	// window preferences on it, macOS the bundle, Wayland the desktop entry.
	AppID = "com.rosterdesk.app"
	// Version is FyneApp.toml's Details.Version; TestVersionMatchesFyneApp
	// keeps the two equal. Bump both for a release.
	Version = "0.1.0"
)

// Set at link time by the package targets (scripts/package.sh), never by
// hand; empty in development builds:
//
//	-X rosterdesk/internal/appinfo.build=123 -X rosterdesk/internal/appinfo.commit=0ffbd81
var (
	build  string // the build number: commits on the branch (git rev-list --count HEAD)
	commit string // the abbreviated commit the package was built from
)

// Info describes the running build.
type Info struct {
	Name    string
	AppID   string
	Version string // "0.1.0"
	Build   int    // 0 in a development build
	Commit  string // "" in a development build
	Release bool   // built by a package target (-tags release)

	Go   string // the Go toolchain, "go1.26.8"
	OS   string // runtime.GOOS
	Arch string // runtime.GOARCH
}

// Get returns the running build's Info.
func Get() Info {
	n, _ := strconv.Atoi(build)
	return Info{Name: Name, AppID: AppID, Version: Version, Build: n, Commit: commit, Release: release,
		Go: runtime.Version(), OS: runtime.GOOS, Arch: runtime.GOARCH}
}

// FullVersion is the version as About shows it: "0.1.0 (build 123, 0ffbd81)",
// or "0.1.0 (development build)".
func (i Info) FullVersion() string {
	var extra []string
	if i.Build > 0 {
		extra = append(extra, "build "+strconv.Itoa(i.Build))
	}
	if i.Commit != "" {
		extra = append(extra, i.Commit)
	}
	if !i.Release && i.Build == 0 {
		extra = append(extra, "development build")
	}
	if len(extra) == 0 {
		return i.Version
	}
	return i.Version + " (" + strings.Join(extra, ", ") + ")"
}

// Module is a library the binary was built with.
type Module struct {
	Name    string // what About shows: "Fyne", "SQLite", ...
	Path    string // the Go module path; "" for the SQLite C library
	Version string
}

// notable are the libraries About names, in its order.
var notable = []struct{ name, path string }{
	{"Fyne", "fyne.io/fyne/v2"},
	{"go-sqlite3", "github.com/mattn/go-sqlite3"},
	{"excelize", "github.com/xuri/excelize/v2"},
	{"gocron", "github.com/go-co-op/gocron/v2"},
	{"zerolog", "github.com/rs/zerolog"},
	{"x/text", "golang.org/x/text"},
}

// Libraries lists the main libraries with the versions this binary was built
// with (from runtime/debug.ReadBuildInfo), then the SQLite C library's version.
// A library the binary does not contain is left out.
func Libraries() []Module { return libraries(Modules()) }

func libraries(mods []Module) []Module {
	deps := map[string]string{}
	for _, m := range mods {
		deps[m.Path] = m.Version
	}
	var out []Module
	for _, n := range notable {
		if v, ok := deps[n.path]; ok {
			out = append(out, Module{Name: n.name, Path: n.path, Version: v})
		}
	}
	v, _, _ := sqlite3.Version()
	return append(out, Module{Name: "SQLite", Version: v})
}

// Modules lists every Go module linked into the binary with its version (a
// replaced module shows its replacement's version), in the build's order.
// (A test binary carries no module list: it returns none there.)
func Modules() []Module {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return nil
	}
	return modules(bi)
}

func modules(bi *debug.BuildInfo) []Module {
	out := make([]Module, 0, len(bi.Deps))
	for _, d := range bi.Deps {
		v := d.Version
		if d.Replace != nil {
			v = d.Replace.Version
			if v == "" {
				v = "=> " + d.Replace.Path
			}
		}
		out = append(out, Module{Name: d.Path, Path: d.Path, Version: v})
	}
	return out
}

// Report is the plain text About copies for a support request: version,
// platform, libraries and folders.
func Report(p Paths) string {
	i := Get()
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s\n", i.Name, i.FullVersion())
	fmt.Fprintf(&b, "%s/%s, built with %s\n", i.OS, i.Arch, i.Go)
	for _, m := range Libraries() {
		fmt.Fprintf(&b, "%s %s\n", m.Name, m.Version)
	}
	fmt.Fprintf(&b, "Roster: %s\nLogs: %s\nWindow preferences: %s\n", p.Roster, p.Logs, p.Preferences)
	return b.String()
}
