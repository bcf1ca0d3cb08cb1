// Command rosterdesk is RosterDesk: the desktop app by default, and a headless
// CLI whose subcommands drive the same engine.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"runtime/metrics"
	"runtime/pprof"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/mattn/go-sqlite3"
	"github.com/rs/zerolog"

	"rosterdesk/data"
	rsync "rosterdesk/sync"
	"rosterdesk/sync/report"
)

// Exit codes, the contract scripts rely on.
const (
	exitOK       = 0
	exitRejected = 1 // applied, but some rows were rejected
	exitUnusable = 2 // unusable input or usage; nothing written
	exitRefused  = 3 // refused by a precondition; nothing written
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

// softMemoryLimit keeps Go's soft memory limit at floor, or a quarter above
// the live heap when that is larger. A fixed limit below what a very large
// district must hold (its stored state) would make the collector run back to
// back for the whole sync.
func softMemoryLimit(floor int64) {
	debug.SetMemoryLimit(floor)
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	limit := floor
	for range time.Tick(100 * time.Millisecond) {
		metrics.Read(sample)
		if sample[0].Value.Kind() != metrics.KindUint64 {
			return
		}
		want := max(floor, int64(sample[0].Value.Uint64())*9/8)
		if want > limit+limit/20 || want < limit-limit/5 {
			limit = want
			debug.SetMemoryLimit(limit)
		}
	}
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

// parse reads flags placed anywhere among the positional arguments.
func (c *cli) parse(fs *flag.FlagSet, args []string, npos int) ([]string, bool) {
	fs.SetOutput(c.errw)
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, false
		}
		if fs.NArg() == 0 {
			break
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
	if npos >= 0 && len(pos) != npos {
		fmt.Fprintf(c.errw, "rosterdesk %s: expected %d argument(s), got %d\n\n%s", fs.Name(), npos, len(pos), usage)
		return nil, false
	}
	return pos, true
}

func (c *cli) fail(err error) int {
	fmt.Fprintln(c.errw, "rosterdesk:", err)
	return exitFor(err)
}

// exitFor is a failure's exit code: 3 when the run lock (or, from an older
// RosterDesk that does not take it, SQLite's own lock) refused the write.
func exitFor(err error) int {
	var se sqlite3.Error
	if rsync.IsRefused(err) || (errors.As(err, &se) && (se.Code == sqlite3.ErrBusy || se.Code == sqlite3.ErrLocked)) {
		return exitRefused
	}
	return exitUnusable
}

func (c *cli) printJSON(v any) {
	enc := json.NewEncoder(c.out)
	enc.SetIndent("", "  ")
	enc.Encode(v)
}

func (c *cli) validate(args []string) int {
	fs := flag.NewFlagSet("validate", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "print the report as JSON")
	pos, ok := c.parse(fs, args, 1)
	if !ok {
		return exitUnusable
	}
	rep, err := c.eng.Validate(c.ctx, pos[0])
	if rep == nil {
		return c.fail(err)
	}
	if *asJSON {
		c.printJSON(rep)
	} else {
		if rep.Source != nil {
			mode := "bulk/delta per manifest.csv"
			if !rep.Source.HasManifest {
				mode = "no manifest.csv (all bulk)"
			}
			fmt.Fprintf(c.out, "%s: OneRoster %s %s, %s\n", rep.Source.Path, rep.Source.Version, rep.Source.Kind, mode)
			files := make([]string, 0, len(rep.Rows))
			for f := range rep.Rows {
				files = append(files, f)
			}
			sort.Strings(files)
			for _, f := range files {
				fmt.Fprintf(c.out, "  %-22s %8d rows\n", f, rep.Rows[f])
			}
		}
		if rep.Message != "" {
			fmt.Fprintf(c.out, "%s\n", strings.ToUpper(rep.Message[:1])+rep.Message[1:])
		}
		c.printLogByFile(rep.Log, 200)
		fmt.Fprintf(c.out, "%d error(s), %d warning(s)\n", rep.Errors, rep.Warnings)
	}
	switch {
	case !rep.Usable:
		if !*asJSON {
			fmt.Fprintln(c.errw, "rosterdesk: unusable source:", rep.Message)
		}
		return exitUnusable
	case rep.Errors > 0:
		return exitRejected
	}
	return exitOK
}

// printLogByFile prints a validation log under a heading per file.
func (c *cli) printLogByFile(entries []data.LogEntry, max int) {
	tw := tabwriter.NewWriter(c.out, 0, 2, 2, ' ', 0)
	n, file := 0, "\x00"
	for _, e := range entries {
		if e.Severity == "info" {
			continue
		}
		if n == max {
			fmt.Fprintf(tw, "… more with --json\n")
			break
		}
		n++
		if e.File != file {
			file = e.File
			name := file
			if name == "" {
				name = "the bundle"
			}
			fmt.Fprintf(tw, "%s:\n", name)
		}
		loc := ""
		if e.Line > 0 {
			loc = "line " + strconv.Itoa(e.Line)
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\n", e.Severity, loc, e.SourcedID, e.Field, e.Message)
	}
	tw.Flush()
}

func (c *cli) printLog(entries []data.LogEntry, max int) {
	tw := tabwriter.NewWriter(c.out, 0, 2, 2, ' ', 0)
	n := 0
	for _, e := range entries {
		if e.Severity == "info" {
			continue
		}
		if n == max {
			fmt.Fprintf(tw, "… more in the full log (rosterdesk log RUN_ID)\n")
			break
		}
		n++
		loc := e.File
		if e.Line > 0 {
			loc += ":" + strconv.Itoa(e.Line)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", e.Severity, loc, e.SourcedID, e.Field, e.Message)
	}
	tw.Flush()
}

func (c *cli) sync(args []string) int {
	fs := flag.NewFlagSet("sync", flag.ContinueOnError)
	scope := fs.String("scope", "", "buildings, users or users+courses (default: the sync.process setting)")
	dry := fs.Bool("dry-run", false, "plan only: record the run and its log, change nothing")
	asJSON := fs.Bool("json", false, "print the result as JSON")
	trigger := fs.String("trigger", string(rsync.TriggerManual), "manual, upload or automated (recorded in the history)")
	connected := fs.Bool("connected", false, "sync what Sync now reads: the connected bundle (its newest export), the watched folder or the provider")
	pos, ok := c.parse(fs, args, -1)
	if !ok {
		return exitUnusable
	}
	if len(pos) != 1 && !(*connected && len(pos) == 0) {
		want := 1
		if *connected {
			want = 0
		}
		fmt.Fprintf(c.errw, "rosterdesk sync: expected %d argument(s), got %d\n\n%s", want, len(pos), usage)
		return exitUnusable
	}
	opt := rsync.Options{DryRun: *dry, Trigger: rsync.Trigger(*trigger)}
	if *scope != "" {
		s, ok := rsync.ParseScope(*scope)
		if !ok {
			fmt.Fprintf(c.errw, "rosterdesk sync: --scope %q is not buildings, users or users+courses\n", *scope)
			return exitUnusable
		}
		opt.Scope = s
	}
	switch opt.Trigger {
	case rsync.TriggerManual, rsync.TriggerUpload, rsync.TriggerAutomated:
	default:
		fmt.Fprintf(c.errw, "rosterdesk sync: --trigger %q is not manual, upload or automated\n", *trigger)
		return exitUnusable
	}
	var res *rsync.Result
	var err error
	if *connected {
		src, serr := c.eng.ManualSource(c.ctx)
		if serr != nil {
			return c.fail(serr)
		}
		res, err = c.syncFrom(src, opt)
	} else {
		res, err = c.syncFrom(c.eng.PathSource(c.ctx, pos[0]), opt)
	}
	code := exitOK
	switch {
	case rsync.IsRefused(err), rsync.IsHeld(err):
		code = exitRefused
	case rsync.IsSourceError(err):
		code = exitUnusable
	case err != nil:
		if res == nil {
			res = &rsync.Result{Status: rsync.StatusFailed, Scope: opt.Scope, Trigger: opt.Trigger, Message: err.Error()}
		}
		code = exitFor(err)
	case res.Errors > 0:
		code = exitRejected
	}
	if *asJSON {
		c.printJSON(res)
	} else {
		c.printResult(res)
	}
	if err != nil && (*asJSON || res.RunID > 0) {
		fmt.Fprintln(c.errw, "rosterdesk:", err)
	}
	return code
}

// runCommand runs approve, discard or rollback on one run id.
func (c *cli) runCommand(name string, args []string, do func(int64) (*rsync.Result, error)) int {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "print the result as JSON")
	pos, ok := c.parse(fs, args, 1)
	if !ok {
		return exitUnusable
	}
	id, err := strconv.ParseInt(pos[0], 10, 64)
	if err != nil {
		fmt.Fprintf(c.errw, "rosterdesk %s: %q is not a run id\n", name, pos[0])
		return exitUnusable
	}
	res, err := do(id)
	code := exitOK
	switch {
	case rsync.IsRefused(err), rsync.IsHeld(err):
		code = exitRefused
	case rsync.IsSourceError(err):
		code = exitUnusable
	case err != nil:
		fmt.Fprintf(c.errw, "rosterdesk %s: %v\n", name, err)
		return exitFor(err)
	case res.Errors > 0:
		code = exitRejected
	}
	if res == nil {
		res = &rsync.Result{Status: rsync.StatusRefused, Message: err.Error()}
	}
	if *asJSON {
		c.printJSON(res)
	} else {
		c.printResult(res)
	}
	if err != nil && (*asJSON || res.RunID > 0) {
		fmt.Fprintf(c.errw, "rosterdesk %s: %v\n", name, err)
	}
	return code
}

// review lists the records a held run would change, with names, before an approval.
func (c *cli) review(args []string) int {
	fs := flag.NewFlagSet("review", flag.ContinueOnError)
	search := fs.String("search", "", "only records whose name, school, class or sourcedId holds this")
	kind := fs.String("kind", "", "only this kind of record: user, class, course, assignment, building")
	limit := fs.Int("limit", 50, "how many records (0 = all)")
	asJSON := fs.Bool("json", false, "print as JSON")
	pos, ok := c.parse(fs, args, 1)
	if !ok {
		return exitUnusable
	}
	id, err := strconv.ParseInt(pos[0], 10, 64)
	if err != nil {
		fmt.Fprintf(c.errw, "rosterdesk review: %q is not a run id\n", pos[0])
		return exitUnusable
	}
	run, err := c.eng.DB.Run(c.ctx, id)
	if errors.Is(err, data.ErrNotFound) {
		fmt.Fprintf(c.errw, "rosterdesk review: no run %d\n", id)
		return exitUnusable
	} else if err != nil {
		return c.fail(err)
	}
	page, err := c.eng.RunRecords(c.ctx, id, rsync.RecordQuery{Search: *search, Entity: data.Entity(*kind), Limit: *limit})
	if err != nil {
		return c.fail(err)
	}
	if *asJSON {
		c.printJSON(map[string]any{"run_id": id, "status": run.Status, "total": page.Total, "records": page.Records})
		return exitOK
	}
	if page.Total == 0 && *search == "" && *kind == "" {
		fmt.Fprintf(c.out, "run %d (%s) lists no records: only a held run or a dry run does (an applied run's changes: rosterdesk log %d --xlsx FILE)\n", id, run.Status, id)
		return exitOK
	}
	tw := tabwriter.NewWriter(c.out, 0, 2, 2, ' ', 0)
	fmt.Fprintln(tw, "CHANGE\tRECORD\tNAME\tDETAILS\tSOURCEDID\tREASON")
	for _, r := range page.Records {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", r.Action, r.Entity, r.Name, r.Detail, r.SourcedID, r.Reason)
	}
	tw.Flush()
	fmt.Fprintf(c.out, "%d of %d records shown\n", len(page.Records), page.Total)
	return exitOK
}

func (c *cli) approve(args []string) int {
	return c.runCommand("approve", args, func(id int64) (*rsync.Result, error) { return c.eng.Approve(c.ctx, id) })
}

func (c *cli) discard(args []string) int {
	return c.runCommand("discard", args, func(id int64) (*rsync.Result, error) { return c.eng.Discard(c.ctx, id) })
}

func (c *cli) rollback(args []string) int {
	return c.runCommand("rollback", args, func(id int64) (*rsync.Result, error) { return c.eng.Rollback(c.ctx, id) })
}

func (c *cli) protect(args []string) int {
	fs := flag.NewFlagSet("protect", flag.ContinueOnError)
	off := fs.Bool("off", false, "remove the protection")
	pos, ok := c.parse(fs, args, 2)
	if !ok {
		return exitUnusable
	}
	err := c.eng.Protect(c.ctx, pos[0], pos[1], !*off)
	if errors.Is(err, data.ErrNotFound) {
		fmt.Fprintf(c.errw, "rosterdesk protect: no %s %s\n", pos[0], pos[1])
		return exitUnusable
	}
	if err != nil {
		fmt.Fprintln(c.errw, "rosterdesk protect:", err)
		return exitFor(err)
	}
	state := "protected: a sync will never deactivate it"
	if *off {
		state = "no longer protected"
	}
	fmt.Fprintf(c.out, "%s %s is %s\n", pos[0], pos[1], state)
	return exitOK
}

func (c *cli) printResult(r *rsync.Result) {
	if r.RunID > 0 {
		fmt.Fprintf(c.out, "run %d: %s %s (%s)\n", r.RunID, r.Scope, r.Status, r.Trigger)
		if r.Message != "" {
			fmt.Fprintf(c.out, "  %s\n", r.Message)
		}
		for _, t := range r.Tripped {
			if t.Key != "" {
				fmt.Fprintf(c.out, "  held: %s (%s)\n", t.Reason, t.Key)
			} else {
				fmt.Fprintf(c.out, "  held: %s\n", t.Reason)
			}
		}
	} else {
		fmt.Fprintf(c.out, "%s: %s\n", r.Status, r.Message)
		return
	}
	k := r.Counts
	switch r.Scope {
	case rsync.ScopeBuildings:
		fmt.Fprintf(c.out, "  buildings    added %d, updated %d, deactivated %d\n", k.Buildings.Added, k.Buildings.Updated, k.Buildings.Deactivated)
	default:
		u := k.Users
		fmt.Fprintf(c.out, "  users        added %d, updated %d, deactivated %d, reactivated %d, ignored %d, skipped %d, errors %d\n",
			u.Added, u.Updated, u.Deactivated, u.Reactivated, u.Ignored, u.Skipped, u.Errors)
		if r.Scope == rsync.ScopeUsersCourses {
			for _, x := range []struct {
				n string
				c data.CourseCounts
			}{{"courses", k.Courses}, {"classes", k.Classes}, {"assignments", k.Assignments}} {
				fmt.Fprintf(c.out, "  %-12s added %d, updated %d, removed %d, errors %d\n", x.n, x.c.Added, x.c.Updated, x.c.Removed, x.c.Errors)
			}
		}
	}
	c.printLog(r.Log, 20)
	fmt.Fprintf(c.out, "%d error(s), %d warning(s); full log: rosterdesk log %d\n", r.Errors, r.Warnings, r.RunID)
}

func (c *cli) history(args []string) int {
	fs := flag.NewFlagSet("history", flag.ContinueOnError)
	limit := fs.Int("limit", 20, "how many runs, newest first (0 = all)")
	asJSON := fs.Bool("json", false, "print as JSON")
	if _, ok := c.parse(fs, args, 0); !ok {
		return exitUnusable
	}
	runs, err := c.eng.History(c.ctx, *limit, 0)
	if err != nil {
		return c.fail(err)
	}
	if *asJSON {
		c.printJSON(runs)
		return exitOK
	}
	tw := tabwriter.NewWriter(c.out, 0, 2, 2, ' ', 0)
	fmt.Fprintln(tw, "RUN\tSTARTED (UTC)\tSCOPE\tTRIGGER\tSTATUS\tERR/WARN\tCOUNTS\tBUILDINGS +/~/-\tUSERS +/-/err\tCOURSES +/-/err\tASSIGNMENTS +/-/err\tMESSAGE")
	for _, r := range runs {
		k := r.Counts
		// A run that applied nothing says so; its numbers are what it planned.
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%d/%d\t%s\t%d/%d/%d\t%d/%d/%d\t%d/%d/%d\t%d/%d/%d\t%s\n", r.RunID, r.StartedAt, r.Scope, r.Trigger, r.Status, r.Errors, r.Warnings, r.CountsAre,
			k.Buildings.Added, k.Buildings.Updated, k.Buildings.Deactivated,
			k.Users.Added, k.Users.Deactivated, k.Users.Errors, k.Courses.Added, k.Courses.Removed, k.Courses.Errors,
			k.Assignments.Added, k.Assignments.Removed, k.Assignments.Errors, r.Message)
	}
	tw.Flush()
	return exitOK
}

func (c *cli) log(args []string) int {
	fs := flag.NewFlagSet("log", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "print every entry as JSON")
	csvFile := fs.String("csv", "", "write the log to this CSV file")
	xlsxFile := fs.String("xlsx", "", "write an Excel report (Summary, Errors, Warnings, Changes, Info) to this file")
	pos, ok := c.parse(fs, args, 1)
	if !ok {
		return exitUnusable
	}
	id, err := strconv.ParseInt(pos[0], 10, 64)
	if err != nil {
		fmt.Fprintf(c.errw, "rosterdesk log: %q is not a run id\n", pos[0])
		return exitUnusable
	}
	if *csvFile != "" || *xlsxFile != "" {
		if _, err := c.eng.DB.Run(c.ctx, id); errors.Is(err, data.ErrNotFound) {
			fmt.Fprintf(c.errw, "rosterdesk log: no run %d\n", id)
			return exitUnusable
		} else if err != nil {
			return c.fail(err)
		}
		for _, x := range []struct {
			path  string
			write func(context.Context, *rsync.Engine, int64, io.Writer) error
		}{{*csvFile, report.WriteCSV}, {*xlsxFile, report.WriteXLSX}} {
			if x.path == "" {
				continue
			}
			if err := writeExport(x.path, func(w io.Writer) error { return x.write(c.ctx, c.eng, id, w) }); err != nil {
				return c.fail(err)
			}
		}
		return exitOK
	}
	var entries []data.LogEntry
	_, err = c.eng.RunLog(c.ctx, id, func(e data.LogEntry) error {
		entries = append(entries, e)
		return nil
	})
	if errors.Is(err, data.ErrNotFound) {
		fmt.Fprintf(c.errw, "rosterdesk log: no run %d\n", id)
		return exitUnusable
	}
	if err != nil {
		return c.fail(err)
	}
	if *asJSON {
		if entries == nil {
			entries = []data.LogEntry{}
		}
		c.printJSON(entries)
		return exitOK
	}
	tw := tabwriter.NewWriter(c.out, 0, 2, 2, ' ', 0)
	fmt.Fprintln(tw, "SEVERITY\tFILE\tLINE\tCOL\tSOURCEDID\tFIELD\tRULE\tMESSAGE")
	for _, e := range entries {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%s\t%s\t%s\t%s\n", e.Severity, e.File, e.Line, e.Column, e.SourcedID, e.Field, e.Rule, e.Message)
	}
	tw.Flush()
	return exitOK
}

// writeExport writes a report to path through a buffer; a report that fails
// half-way is removed rather than left truncated.
func writeExport(path string, write func(io.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(f, 256<<10)
	err = write(bw)
	if err == nil {
		err = bw.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

func (c *cli) roster(args []string) int {
	fs := flag.NewFlagSet("roster", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "print as JSON")
	if _, ok := c.parse(fs, args, 0); !ok {
		return exitUnusable
	}
	rc, err := c.eng.Roster(c.ctx)
	if err != nil {
		return c.fail(err)
	}
	if *asJSON {
		c.printJSON(rc)
		return exitOK
	}
	fmt.Fprintf(c.out, "buildings    %d active, %d inactive\n", rc.Buildings.Active, rc.Buildings.Inactive)
	fmt.Fprintf(c.out, "users        %d active, %d inactive %s\n", rc.Users.Active, rc.Users.Inactive, byRole(rc.Users.ByRole))
	fmt.Fprintf(c.out, "courses      %d active, %d removed\n", rc.Courses.Active, rc.Courses.Removed)
	fmt.Fprintf(c.out, "classes      %d active, %d removed\n", rc.Classes.Active, rc.Classes.Removed)
	fmt.Fprintf(c.out, "assignments  %d active, %d removed %s\n", rc.Assignments.Active, rc.Assignments.Removed, byRole(rc.Assignments.ByRole))
	return exitOK
}

func byRole(m map[string]int) string {
	if len(m) == 0 {
		return ""
	}
	var parts []string
	for _, k := range sortedKeys(m) {
		parts = append(parts, fmt.Sprintf("%s %d", k, m[k]))
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

func (c *cli) show(args []string) int {
	fs := flag.NewFlagSet("show", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "print as JSON")
	pos, ok := c.parse(fs, args, 2)
	if !ok {
		return exitUnusable
	}
	rec, hist, err := c.eng.Show(c.ctx, pos[0], pos[1])
	if errors.Is(err, data.ErrNotFound) {
		fmt.Fprintf(c.errw, "rosterdesk show: no %s %s\n", pos[0], pos[1])
		return exitUnusable
	}
	if err != nil {
		return c.fail(err)
	}
	if *asJSON {
		c.printJSON(map[string]any{"record": rec, "history": hist})
		return exitOK
	}
	state := "active"
	if !rec.Active {
		state = "inactive since " + rec.OffAt
	}
	fmt.Fprintf(c.out, "%s %s (%s)\n", rec.Entity, rec.SourcedID, state)
	for _, k := range sortedKeys(rec.Fields) {
		fmt.Fprintf(c.out, "  %-24s %s\n", k, rec.Fields[k])
	}
	fmt.Fprintln(c.out, "history:")
	for _, a := range hist {
		ch := ""
		if a.Field != "" {
			ch = fmt.Sprintf(" %s: %s → %s", a.Field, deref(a.Old), deref(a.New))
		}
		fmt.Fprintf(c.out, "  %s run %d %s%s (%s) by %s\n", a.At, a.RunID, a.Action, ch, a.Reason, a.Admin)
	}
	return exitOK
}

func deref(s *string) string {
	if s == nil {
		return "∅"
	}
	return *s
}

func (c *cli) admin(args []string) int {
	fs := flag.NewFlagSet("admin", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "print as JSON")
	pos, ok := c.parse(fs, args, -1)
	if !ok {
		return exitUnusable
	}
	switch {
	case len(pos) == 3 && pos[0] == "add":
		a, err := c.eng.AddAdmin(c.ctx, pos[1], pos[2])
		if err != nil {
			fmt.Fprintln(c.errw, "rosterdesk admin add:", err)
			return exitFor(err)
		}
		if *asJSON {
			c.printJSON(a)
		} else {
			fmt.Fprintf(c.out, "admin %s <%s> saved\n", a.Name, a.Email)
		}
		return exitOK
	case len(pos) == 1 && pos[0] == "list":
		as, err := c.eng.DB.Admins(c.ctx)
		if err != nil {
			return c.fail(err)
		}
		if *asJSON {
			if as == nil {
				as = []data.Admin{}
			}
			c.printJSON(as)
			return exitOK
		}
		for _, a := range as {
			fmt.Fprintf(c.out, "%s <%s>\n", a.Name, a.Email)
		}
		return exitOK
	}
	fmt.Fprint(c.errw, "usage: rosterdesk admin add EMAIL \"Full Name\" | rosterdesk admin list\n")
	return exitUnusable
}

func (c *cli) settings(args []string) int {
	fs := flag.NewFlagSet("settings", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "print as JSON")
	pos, ok := c.parse(fs, args, -1)
	if !ok {
		return exitUnusable
	}
	switch {
	case len(pos) == 0:
		all, err := c.eng.AllSettings(c.ctx)
		if err != nil {
			return c.fail(err)
		}
		if *asJSON {
			c.printJSON(all)
			return exitOK
		}
		for _, k := range sortedKeys(all) {
			fmt.Fprintf(c.out, "%s = %s\n", k, all[k])
		}
		return exitOK
	case len(pos) == 2 && pos[0] == "get":
		v, err := c.eng.Setting(c.ctx, pos[1])
		if err != nil {
			fmt.Fprintln(c.errw, "rosterdesk settings:", err)
			return exitUnusable
		}
		fmt.Fprintln(c.out, v)
		return exitOK
	case len(pos) == 1 && pos[0] == "changes":
		ch, err := c.eng.SettingChanges(c.ctx, "", 0)
		if err != nil {
			return c.fail(err)
		}
		if *asJSON {
			c.printJSON(ch)
			return exitOK
		}
		for _, x := range ch {
			by := x.Admin
			if by == "" {
				by = "-"
			}
			line := fmt.Sprintf("%s  %s: %q → %q  by %s", x.At, x.Key, x.Old, x.New, by)
			if x.Records > 0 {
				line += fmt.Sprintf("  (%d records)", x.Records)
			}
			fmt.Fprintln(c.out, line)
		}
		return exitOK
	case len(pos) == 3 && pos[0] == "set":
		v, err := c.eng.SetSetting(c.ctx, pos[1], pos[2])
		if err != nil {
			fmt.Fprintln(c.errw, "rosterdesk settings:", err)
			return exitFor(err)
		}
		fmt.Fprintf(c.out, "%s = %s\n", pos[1], v)
		return exitOK
	}
	fmt.Fprint(c.errw, "usage: rosterdesk settings [get KEY | set KEY VALUE | changes]\n")
	return exitUnusable
}
