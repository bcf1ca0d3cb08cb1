// Command rosterdesk is RosterDesk: the desktop app by default, and a headless
// CLI whose subcommands drive the same engine.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/pprof"
	"strings"
	"syscall"

	"github.com/rs/zerolog"

	"rosterdesk/data"
	rsync "rosterdesk/sync"
)

const usage = `RosterDesk keeps a local roster in step with your SIS through OneRoster.

Usage:
  rosterdesk [--db FILE] [--create]                         open the desktop app
  rosterdesk [--db FILE] validate SOURCE [--json]
  rosterdesk [--db FILE] sync SOURCE [--scope buildings|users|users+courses] [--dry-run] [--json]
  rosterdesk [--db FILE] sync provider [...]                   pull the REST provider (provider set|test|show)
  rosterdesk [--db FILE] sync --connected [...]                what Sync now reads (connected bundle, watched folder or provider)
  rosterdesk [--db FILE] history [--limit N] [--json]
  rosterdesk [--db FILE] log RUN_ID [--json | --csv FILE | --xlsx FILE]
  rosterdesk [--db FILE] roster [--json]
  rosterdesk [--db FILE] export roster --xlsx FILE | --csv DIR | --oneroster DIR [--version 1.1|1.2] [--json]
  rosterdesk [--db FILE] show user|course|class|building SOURCED_ID [--json]
  rosterdesk [--db FILE] admin add EMAIL "Full Name"
  rosterdesk [--db FILE] admin list [--json]
  rosterdesk [--db FILE] settings [get KEY | set KEY VALUE | changes]
  rosterdesk [--db FILE] review RUN_ID [--search TEXT] [--kind user|class|course|assignment|building] [--limit N] [--json]
                                                              who a held run would change, by name
  rosterdesk [--db FILE] approve RUN_ID [--json]              apply a held run once
  rosterdesk [--db FILE] discard RUN_ID [--json]              close a held run without applying it
  rosterdesk [--db FILE] rollback RUN_ID [--json]             undo an applied run
  rosterdesk [--db FILE] protect user|course|building ID [--off]   never deactivate it in a sync
  rosterdesk [--db FILE] serve [--log FILE]                   run the automated sync without a window

--db names the roster file; one that does not exist is created only at the
default location, by admin add, or with --create.
SOURCE is OneRoster.zip, a folder of OneRoster CSV files, users.csv or courses.csv.
Exit codes: 0 success; 1 applied but some rows were rejected; 2 unusable input or
usage, nothing written; 3 refused by a precondition or held for review, nothing
written.
`

func defaultDB() string {
	if p := os.Getenv("ROSTERDESK_DB"); p != "" {
		return p
	}
	dir, err := os.UserConfigDir()
	if err != nil {
		dir = "."
	}
	return filepath.Join(dir, "RosterDesk", "roster.db")
}

func main() {
	if os.Getenv("GOMEMLIMIT") == "" {
		// A first sync of a large district plans a million records; collecting
		// garbage sooner keeps the process within a laptop's means.
		go softMemoryLimit(256 << 20)
	}
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

type cli struct {
	out, errw io.Writer
	eng       *rsync.Engine
	ctx       context.Context
}

func run(args []string, stdout, stderr io.Writer) int {
	global := flag.NewFlagSet("rosterdesk", flag.ContinueOnError)
	global.SetOutput(stderr)
	global.Usage = func() { fmt.Fprint(stderr, usage) }
	dbPath := global.String("db", defaultDB(), "roster database file")
	create := global.Bool("create", false, "start a new, empty roster if --db names a file that does not exist")
	verbose := global.Bool("verbose", false, "log engine details to stderr")
	cpuProfile := global.String("cpuprofile", "", "write a CPU profile of the command to this file (for benchmarks)")
	if err := global.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUnusable
	}
	level := zerolog.WarnLevel
	if *verbose {
		level = zerolog.InfoLevel
	}
	// Names and messages come from the SIS: none may drive the terminal.
	stdout, stderr = &termWriter{w: stdout}, &termWriter{w: stderr}
	log := zerolog.New(zerolog.ConsoleWriter{Out: stderr, NoColor: true}).Level(level).With().Timestamp().Logger()
	rest := global.Args()
	if len(rest) == 0 {
		log = zerolog.New(stderr).Level(zerolog.InfoLevel).With().Timestamp().Logger()
		if err := runGUI(*dbPath, log); err != nil {
			fmt.Fprintln(stderr, "rosterdesk:", err)
			return exitUnusable
		}
		return exitOK
	}
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			fmt.Fprintln(stderr, "rosterdesk:", err)
			return exitUnusable
		}
		defer f.Close()
		pprof.StartCPUProfile(f)
		defer pprof.StopCPUProfile()
	}
	cmd, rest := rest[0], rest[1:]
	if cmd == "help" || cmd == "-h" || cmd == "--help" {
		fmt.Fprint(stdout, usage)
		return exitOK
	}
	handlers := map[string]func(*cli, []string) int{
		"validate": (*cli).validate,
		"sync":     (*cli).sync,
		"history":  (*cli).history,
		"log":      (*cli).log,
		"roster":   (*cli).roster,
		"show":     (*cli).show,
		"admin":    (*cli).admin,
		"settings": (*cli).settings,
		"review":   (*cli).review,
		"approve":  (*cli).approve,
		"discard":  (*cli).discard,
		"rollback": (*cli).rollback,
		"protect":  (*cli).protect,
		"serve":    (*cli).serve,
		"provider": (*cli).provider,
		"export":   (*cli).export,
	}
	h, ok := handlers[cmd]
	if !ok {
		fmt.Fprintf(stderr, "rosterdesk: unknown command %q\n\n%s", cmd, usage)
		return exitUnusable
	}
	eng, err := openRoster(*dbPath, cmd, rest, *create, log)
	if err != nil {
		fmt.Fprintln(stderr, "rosterdesk:", err)
		return exitUnusable
	}
	defer eng.Close()
	// Ctrl-C and SIGTERM cancel the run: it rolls back and its temporary files are removed.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return h(&cli{out: stdout, errw: stderr, eng: eng, ctx: ctx}, rest)
}

// openRoster opens the roster for cmd. Reading commands open it read only (a
// read-only file or folder is fine, nothing is created); a missing roster is
// created only at the default location, by `admin add`, or with --create, so a
// mistyped --db never silently starts an empty roster.
func openRoster(path, cmd string, args []string, create bool, log zerolog.Logger) (*rsync.Engine, error) {
	var pos []string
	for _, a := range args {
		if !strings.HasPrefix(a, "-") {
			pos = append(pos, a)
		}
	}
	first := ""
	if len(pos) > 0 {
		first = pos[0]
	}
	reading := false
	switch cmd {
	case "roster", "history", "log", "show", "export":
		reading = true
	case "admin":
		reading = first == "list"
	case "settings":
		reading = first == "" || first == "get"
	case "provider":
		reading = first == "show"
	}
	creates := create || path == defaultDB() || (cmd == "admin" && first == "add")
	if reading {
		eng, err := rsync.OpenWith(path, log, rsync.OpenOptions{ReadOnly: true})
		var none *rsync.NoRosterError
		if !errors.Is(err, data.ErrNeedsUpgrade) && !(errors.As(err, &none) && creates) {
			return eng, err
		}
	}
	return rsync.OpenWith(path, log, rsync.OpenOptions{Create: creates})
}
