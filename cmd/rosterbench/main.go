// Command rosterbench measures the rosterdesk CLI on a generated district
// against a floor: the sqlite3 shell importing the same CSV files.
//
//	go run ./cmd/rosterbench -out docs/PERFORMANCE.md
//
// It builds the CLI once, generates the district (full size by default:
// 100 schools, 150,000 students, 9,000 teachers, about 1.26 million
// enrollments), its next-day bulk bundle and the next-day delta, then runs
// each phase as a child process and records wall time, rows per second and
// peak RSS. A phase whose status is not "applied" fails the bench (exit 1);
// targets that are missed are reported, not fatal.
//
// Then it times `rosterdesk log RUN --xlsx` on a run whose log holds
// -export-log entries (a million by default) and on the full initial sync,
// and reads each workbook back. -export-only runs just the first of these.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"rosterdesk/sync/gen"
)

// Targets, as ratios to the floor and an RSS ceiling.
const (
	targetFull  = 1.5
	targetNext  = 1.0
	targetDelta = 0.2
	targetRSSMB = 400
)

type options struct {
	out                         string
	schools, students, teachers int
	seed                        int64
	version                     string
	format                      string
	work                        string
	keep                        bool
	cli                         string
	profile                     bool
	genInto                     string // internal: generate the bundles into this directory and exit
	exportLog                   int    // entries of the log exported to .xlsx (0: no such phase)
	exportOnly                  bool   // only the export phases
	xl                          bool   // the large-district bench (bench-xl) instead
	xlStudents                  int
	restServe, restPull         string // internal: the REST phase's children
	restHeaders, restOut        string
	restURLs, restFloor         string
	noREST                      bool
	restProfile                 string
}

func main() {
	var o options
	flag.StringVar(&o.out, "out", "", "write the Markdown report to this file too (e.g. docs/PERFORMANCE.md)")
	flag.IntVar(&o.students, "students", 150000, "students in the district")
	flag.IntVar(&o.schools, "schools", 0, "schools (0: one per 1,500 students, 100 at full size)")
	flag.IntVar(&o.teachers, "teachers", 0, "teachers (0: 6 per 100 students, 9,000 at full size)")
	flag.Int64Var(&o.seed, "seed", 1, "generator seed")
	flag.StringVar(&o.version, "version", "1.1", "OneRoster CSV version of the bundles: 1.1 or 1.2")
	flag.StringVar(&o.format, "format", "zip", "bundle format handed to the CLI: zip or dir")
	flag.StringVar(&o.work, "work", "", "work directory (default: a new temporary directory)")
	flag.BoolVar(&o.keep, "keep", false, "keep the work directory (bundles and databases)")
	flag.StringVar(&o.cli, "cli", "", "use this rosterdesk binary instead of building ./cmd/rosterdesk")
	flag.BoolVar(&o.profile, "profile", false, "pass --cpuprofile to each timed sync and add `go tool pprof -top` of each to the report")
	flag.StringVar(&o.genInto, "generate-into", "", "internal: generate the bundles into this directory, print what was written as JSON and exit")
	flag.IntVar(&o.exportLog, "export-log", 1000000, "time `log RUN --xlsx` on a run whose log has this many entries (0: skip)")
	flag.BoolVar(&o.exportOnly, "export-only", false, "run only the export of the -export-log run (no district, floor or syncs; not with -out)")
	flag.BoolVar(&o.xl, "xl", false, "the large-district bench (make bench-xl): a 150,000-student and an -xl-students district, full sync, no-change resync and next-day bulk; with -out, writes its section into that report")
	flag.IntVar(&o.xlStudents, "xl-students", 1000000, "students in the large district of -xl")
	flag.StringVar(&o.restServe, "rest-serve", "", "internal: serve this bundle folder from the in-repo OneRoster server")
	flag.StringVar(&o.restPull, "rest-pull", "", "internal: pull every collection from this OneRoster base URL")
	flag.StringVar(&o.restHeaders, "rest-headers", "", "internal: the folder whose CSV headers the pull writes")
	flag.StringVar(&o.restOut, "rest-out", "", "internal: the folder the pull writes")
	flag.StringVar(&o.restURLs, "rest-urls", "", "internal: where the pull lists the URLs it fetched")
	flag.StringVar(&o.restFloor, "rest-floor", "", "internal: fetch every URL listed in this file as plain HTTP")
	flag.StringVar(&o.restProfile, "rest-profile", "", "internal: write a CPU profile of the REST pull here")
	flag.BoolVar(&o.noREST, "no-rest", false, "skip the REST pull phase")
	flag.Parse()
	if err := restChild(o); err != errNotChild {
		if err != nil {
			fatalf("%v", err)
		}
		return
	}
	if o.exportOnly && o.out != "" {
		fatalf("-export-only writes a partial report; it cannot replace -out %s", o.out)
	}
	if o.format != "zip" && o.format != "dir" {
		fatalf("-format must be zip or dir")
	}
	if o.version != "1.1" && o.version != "1.2" {
		fatalf("-version must be 1.1 or 1.2")
	}
	if o.schools <= 0 {
		o.schools = max(1, (o.students+750)/1500)
	}
	if o.teachers <= 0 {
		o.teachers = max(o.schools, o.students*6/100)
	}
	if o.genInto != "" {
		if err := generateInto(o, o.genInto); err != nil {
			fatalf("%v", err)
		}
		return
	}
	run := run
	if o.xl {
		run = runXL
	}
	ok, err := run(o)
	if err != nil {
		fatalf("%v", err)
	}
	if !ok {
		os.Exit(1)
	}
}

func fatalf(format string, a ...any) {
	fmt.Fprintf(os.Stderr, "rosterbench: "+format+"\n", a...)
	os.Exit(1)
}

func logf(format string, a ...any) {
	fmt.Fprintf(os.Stderr, "rosterbench: "+format+"\n", a...)
}

// measure is one child process run.
type measure struct {
	wall     time.Duration
	user     time.Duration
	sys      time.Duration
	maxRSSKB int64 // KiB
	writeMB  float64
	exit     int
	stdout   []byte
	stderr   []byte
}

func (m measure) rssMB() float64 { return float64(m.maxRSSKB) * 1024 / 1e6 }
func (m measure) cpuPct() float64 {
	if m.wall <= 0 {
		return 0
	}
	return 100 * float64(m.user+m.sys) / float64(m.wall)
}

// runChild runs a command and measures it. stdin may be nil.
func runChild(stdin io.Reader, name string, args ...string) (measure, error) {
	cmd := exec.Command(name, args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr, cmd.Stdin = &out, &errb, stdin
	start := time.Now()
	err := cmd.Run()
	m := measure{wall: time.Since(start), stdout: out.Bytes(), stderr: errb.Bytes()}
	if cmd.ProcessState == nil {
		return m, err
	}
	m.exit = cmd.ProcessState.ExitCode()
	m.user, m.sys = cmd.ProcessState.UserTime(), cmd.ProcessState.SystemTime()
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		m.maxRSSKB = ru.Maxrss // KiB on Linux
		m.writeMB = float64(ru.Oublock) * 512 / 1e6
	}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		err = nil // a non-zero exit is reported through m.exit
	}
	return m, err
}

func tail(b []byte, n int) string {
	s := strings.TrimSpace(string(b))
	if len(s) > n {
		s = "…" + s[len(s)-n:]
	}
	return s
}

// result is the part of `sync --json` the bench reads.
type result struct {
	RunID    int64  `json:"run_id"`
	Status   string `json:"status"`
	Errors   int    `json:"errors"`
	Warnings int    `json:"warnings"`
	Message  string `json:"message"`
	Counts   struct {
		Buildings   map[string]int `json:"buildings"`
		Users       map[string]int `json:"users"`
		Courses     map[string]int `json:"courses"`
		Classes     map[string]int `json:"classes"`
		Assignments map[string]int `json:"assignments"`
	} `json:"counts"`
}

func (r *result) summary() string {
	part := func(name string, m map[string]int, keys ...string) string {
		var b []string
		for _, k := range keys {
			if v := m[k]; v != 0 {
				b = append(b, k+" "+strconv.Itoa(v))
			}
		}
		if len(b) == 0 {
			return name + ": none"
		}
		return name + ": " + strings.Join(b, ", ")
	}
	return strings.Join([]string{
		part("buildings", r.Counts.Buildings, "added", "updated", "removed"),
		part("users", r.Counts.Users, "added", "updated", "deactivated", "reactivated", "ignored", "skipped", "errors"),
		part("courses", r.Counts.Courses, "added", "updated", "removed", "errors"),
		part("classes", r.Counts.Classes, "added", "updated", "removed", "errors"),
		part("assignments", r.Counts.Assignments, "added", "updated", "removed", "errors"),
	}, "; ")
}

// phase is one measured sync.
type phase struct {
	name    string
	bundle  string
	rows    int // data rows in the files read
	target  float64
	m       measure
	res     result
	dbMB    float64
	failure string
	profile string // CPU profile file, with -profile
	top     string // its `go tool pprof -top -cum`
}

func (p *phase) rowsPerSec() float64 {
	if p.m.wall <= 0 {
		return 0
	}
	return float64(p.rows) / p.m.wall.Seconds()
}

type bench struct {
	o          options
	work       string
	cli        string
	buildT     time.Duration
	genT       time.Duration
	writeT     time.Duration
	day1       map[string]int
	day2       map[string]int
	delta      map[string]int
	deltaAD    map[string][2]int
	sizes      map[string]int64 // bundle -> bytes
	floor      *measure
	floorMs    string // why the floor is unknown, if it is
	floorN     map[string]int
	setup      []phase
	phases     []phase
	same       string  // roster after bulk vs after delta
	selfRSS    float64 // the bench's own peak RSS, MB
	loadBefore string
	started    time.Time
	exports    []export
	rest       *restPhase
}

func run(o options) (bool, error) {
	b := &bench{o: o, started: time.Now(), sizes: map[string]int64{}, loadBefore: loadavg()}
	work := o.work
	if work == "" {
		var err error
		if work, err = os.MkdirTemp("", "rosterbench-"); err != nil {
			return false, err
		}
		if !o.keep {
			defer os.RemoveAll(work)
		}
	} else if err := os.MkdirAll(work, 0o755); err != nil {
		return false, err
	}
	b.work = work
	logf("work directory %s", work)

	if err := b.build(); err != nil {
		return false, err
	}
	if o.exportOnly {
		ok := b.runExports(nil)
		var w strings.Builder
		fmt.Fprintf(&w, "# RosterDesk export (go run ./cmd/rosterbench%s)\n\n## Machine\n\n", b.flagsUsed())
		for _, l := range machine() {
			fmt.Fprintf(&w, "- %s\n", l)
		}
		b.exportReport(&w)
		fmt.Print(w.String())
		return ok, nil
	}
	bundles, err := b.generate()
	if err != nil {
		return false, err
	}
	b.runFloor(filepath.Join(work, "day1"))
	b.selfRSS = selfMaxRSS()
	ok := b.runPhases(bundles)
	var p1 *phase
	if len(b.phases) > 0 {
		p1 = &b.phases[0]
	}
	if !o.noREST {
		b.rest = b.runREST(filepath.Join(work, "day1"))
		ok = ok && b.rest.failure == ""
	}
	ok = b.runExports(p1) && ok

	report := b.report()
	fmt.Print(report)
	if o.out != "" {
		if prev, err := os.ReadFile(o.out); err == nil {
			report = keepXL(keepNotes(report, string(prev)), string(prev))
		}
		if err := os.MkdirAll(filepath.Dir(o.out), 0o755); err != nil {
			return false, err
		}
		if err := os.WriteFile(o.out, []byte(report), 0o644); err != nil {
			return false, err
		}
		logf("report written to %s", o.out)
	}
	return ok, nil
}

func (b *bench) build() error {
	if b.o.cli != "" {
		b.cli = b.o.cli
		return nil
	}
	b.cli = filepath.Join(b.work, "rosterdesk")
	logf("building ./cmd/rosterdesk")
	start := time.Now()
	cmd := exec.Command("go", "build", "-o", b.cli, "./cmd/rosterdesk")
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("go build ./cmd/rosterdesk: %v (run from the repository root)", err)
	}
	b.buildT = time.Since(start)
	return nil
}

// bundles are the paths of the three bundles the phases read.
type bundles struct{ Day1, Day2, Delta string }

// generated is what the generating child reports back.
type generated struct {
	Bundles bundles
	Day1    map[string]int
	Day2    map[string]int
	Delta   map[string]int
	DeltaAD map[string][2]int
	Sizes   map[string]int64
	GenT    time.Duration
	WriteT  time.Duration
}

// generate runs the generator in a child process. Linux can carry a parent's
// peak RSS over into a child's ru_maxrss (the child is forked sharing the
// parent's memory until exec; seen here as every phase reporting the bench's
// own 679 MB), so the bench itself must stay small: the district, about
// 600 MB in memory at full size, never lives in this process.
func (b *bench) generate() (bundles, error) {
	o := b.o
	exe, err := os.Executable()
	if err != nil {
		return bundles{}, err
	}
	logf("generating %d schools, %d students, %d teachers (OneRoster %s)", o.schools, o.students, o.teachers, o.version)
	cmd := exec.Command(exe, "-generate-into", b.work, "-seed", strconv.FormatInt(o.seed, 10),
		"-schools", strconv.Itoa(o.schools), "-students", strconv.Itoa(o.students), "-teachers", strconv.Itoa(o.teachers),
		"-version", o.version, "-format", o.format)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		return bundles{}, fmt.Errorf("generating the district: %v", err)
	}
	var g generated
	if err := json.Unmarshal(out, &g); err != nil {
		return bundles{}, fmt.Errorf("generating the district: %v", err)
	}
	b.day1, b.day2, b.delta, b.deltaAD, b.sizes = g.Day1, g.Day2, g.Delta, g.DeltaAD, g.Sizes
	b.genT, b.writeT = g.GenT, g.WriteT
	logf("generated in %s, written in %s", b.genT.Round(time.Millisecond), b.writeT.Round(time.Millisecond))
	return g.Bundles, nil
}

// generateInto is the generating child: it writes day 1 (always as a folder,
// for the floor, and as a zip with -format zip), the day-2 bulk bundle and
// the day-2 delta into work, and prints a generated as JSON.
func generateInto(o options, work string) error {
	cfg := gen.Config{Seed: o.seed, Schools: o.schools, Students: o.students, Teachers: o.teachers,
		ClassesPerTeacher: 6, ClassesPerStudent: 8, Version: o.version}
	start := time.Now()
	d1 := gen.Generate(cfg)
	d2 := gen.NextDay(d1, o.seed+1)
	delta := gen.Diff(d1, d2)
	g := generated{GenT: time.Since(start), Day1: d1.Rows(), Day2: d2.Rows(), Delta: delta.Rows(),
		DeltaAD: map[string][2]int{}, Sizes: map[string]int64{}}
	for f := range g.Delta {
		a, d := delta.Counts(f)
		g.DeltaAD[f] = [2]int{a, d}
	}

	start = time.Now()
	bs := bundles{Day1: filepath.Join(work, "day1"), Day2: filepath.Join(work, "day2"), Delta: filepath.Join(work, "day2-delta")}
	if err := d1.Write(bs.Day1, gen.WriteOptions{}); err != nil {
		return err
	}
	if o.format == "zip" {
		bs.Day1 += ".zip"
		bs.Day2 += ".zip"
		bs.Delta += ".zip"
		if err := d1.WriteZip(bs.Day1, gen.WriteOptions{}); err != nil {
			return err
		}
		if err := d2.WriteZip(bs.Day2, gen.WriteOptions{}); err != nil {
			return err
		}
		if err := delta.WriteZip(bs.Delta, gen.WriteOptions{}); err != nil {
			return err
		}
	} else {
		if err := d2.Write(bs.Day2, gen.WriteOptions{}); err != nil {
			return err
		}
		if err := delta.Write(bs.Delta, gen.WriteOptions{}); err != nil {
			return err
		}
	}
	g.WriteT = time.Since(start)
	g.Bundles = bs
	for _, p := range []string{bs.Day1, bs.Day2, bs.Delta} {
		g.Sizes[p] = pathSize(p)
	}
	return json.NewEncoder(os.Stdout).Encode(&g)
}

func selfMaxRSS() float64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return float64(ru.Maxrss) * 1024 / 1e6
}

func pathSize(p string) int64 {
	st, err := os.Stat(p)
	if err != nil {
		return 0
	}
	if !st.IsDir() {
		return st.Size()
	}
	var n int64
	ents, _ := os.ReadDir(p)
	for _, e := range ents {
		if fi, err := e.Info(); err == nil {
			n += fi.Size()
		}
	}
	return n
}

func sum(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

// runFloor times the sqlite3 shell importing every CSV of dir into a fresh DB.
func (b *bench) runFloor(dir string) {
	sqlite, err := exec.LookPath("sqlite3")
	if err != nil {
		b.floorMs = "the sqlite3 command-line tool is not installed (Debian/Ubuntu: `sudo apt-get install sqlite3`)"
		logf("%s; the floor is unknown", b.floorMs)
		return
	}
	db := filepath.Join(b.work, "floor.db")
	os.Remove(db)
	var script strings.Builder
	script.WriteString(".bail on\n.mode csv\n")
	files := slices.Sorted(maps.Keys(b.day1))
	for _, f := range append([]string{"manifest"}, files...) {
		fmt.Fprintf(&script, ".import '%s' %s\n", filepath.Join(dir, f+".csv"), f)
	}
	logf("floor: sqlite3 importing %d CSV files", len(files)+1)
	m, err := runChild(strings.NewReader(script.String()), sqlite, db)
	if err != nil || m.exit != 0 {
		b.floorMs = fmt.Sprintf("sqlite3 failed (exit %d): %v %s", m.exit, err, tail(m.stderr, 300))
		logf("%s", b.floorMs)
		return
	}
	b.floor = &m
	// Check the import took every row (not timed).
	b.floorN = map[string]int{}
	for _, f := range files {
		out, err := exec.Command(sqlite, db, "SELECT count(*) FROM "+f).Output()
		if err == nil {
			b.floorN[f], _ = strconv.Atoi(strings.TrimSpace(string(out)))
		}
	}
	logf("floor: %.2fs", m.wall.Seconds())
}

func (b *bench) cliRun(args ...string) (measure, error) {
	db := filepath.Join(b.work, "bench.db")
	return runChild(nil, b.cli, append([]string{"--db", db}, args...)...)
}

func (b *bench) sync(name, bundle, scope string, rows int, target float64, db string) phase {
	p := phase{name: name, bundle: bundle, rows: rows, target: target}
	logf("%s: rosterdesk sync %s --scope %s", name, filepath.Base(bundle), scope)
	args := []string{"--db", db}
	if b.o.profile && !strings.HasPrefix(name, "setup") {
		p.profile = filepath.Join(b.work, fmt.Sprintf("phase%d.pprof", len(b.phases)+1))
		args = append(args, "--cpuprofile", p.profile)
	}
	m, err := runChild(nil, b.cli, append(args, "sync", bundle, "--scope", scope, "--json")...)
	p.m = m
	if p.profile != "" {
		out, perr := exec.Command("go", "tool", "pprof", "-top", "-cum", "-nodecount=25", b.cli, p.profile).Output()
		if perr != nil {
			p.top = "go tool pprof failed: " + perr.Error()
		} else {
			p.top = strings.TrimSpace(string(out))
		}
	}
	switch {
	case err != nil:
		p.failure = err.Error()
	case json.Unmarshal(m.stdout, &p.res) != nil:
		p.failure = fmt.Sprintf("exit %d, no JSON result: %s", m.exit, tail(append(m.stdout, m.stderr...), 400))
	case p.res.Status != "applied":
		p.failure = fmt.Sprintf("status %q (exit %d): %s %s", p.res.Status, m.exit, p.res.Message, tail(m.stderr, 300))
	}
	p.dbMB = float64(pathSize(db)+pathSize(db+"-wal")) / 1e6
	if p.failure != "" {
		logf("%s FAILED: %s", name, p.failure)
	} else {
		logf("%s: %.2fs, %.0f MB peak RSS, exit %d; %s", name, m.wall.Seconds(), m.rssMB(), m.exit, p.res.summary())
	}
	return p
}

func (b *bench) runPhases(bs bundles) bool {
	db := filepath.Join(b.work, "bench.db")
	for _, f := range []string{db, db + "-wal", db + "-shm"} {
		os.Remove(f)
	}
	ok := true
	for _, args := range [][]string{
		{"admin", "add", "bench@example.org", "Bench Admin"},
		{"settings", "set", "credited_admin", "bench@example.org"},
		// A next-day sync deactivates 750 users and removes 16,000 assignments,
		// above the safeguards' default counts: it would be held for review,
		// not applied. The bench times applying, so those limits are off.
		{"settings", "set", "guard.users.deactivate.count", "0"},
		{"settings", "set", "guard.assignments.remove.count", "0"},
	} {
		m, err := b.cliRun(args...)
		p := phase{name: "setup: " + strings.Join(args[:min(len(args), 3)], " "), m: m}
		if err != nil || m.exit != 0 {
			p.failure = fmt.Sprintf("exit %d: %v %s", m.exit, err, tail(append(m.stdout, m.stderr...), 300))
			logf("%s FAILED: %s", p.name, p.failure)
			ok = false
		}
		b.setup = append(b.setup, p)
	}
	sp := b.sync("setup: sync buildings", bs.Day1, "buildings", b.day1["orgs"], 0, db)
	b.setup = append(b.setup, sp)
	if sp.failure != "" || !ok {
		return false
	}

	all1, all2, allD := sum(b.day1), sum(b.day2), sum(b.delta)
	p1 := b.sync("1. full initial sync", bs.Day1, "users+courses", all1, targetFull, db)
	b.phases = append(b.phases, p1)
	p2 := b.sync("2. no-change resync", bs.Day1, "users+courses", all1, 0, db)
	b.phases = append(b.phases, p2)
	if p1.failure != "" || p2.failure != "" {
		return false
	}
	// The delta must start from day 1: keep a copy of the day-1 roster.
	db1 := filepath.Join(b.work, "day1-copy.db")
	for _, suf := range []string{"", "-wal", "-shm"} {
		os.Remove(db1 + suf)
		if err := copyFile(db+suf, db1+suf); err != nil && !errors.Is(err, os.ErrNotExist) {
			logf("copying the day-1 roster: %v", err)
			return false
		}
	}
	p3 := b.sync("3. next-day bulk", bs.Day2, "users+courses", all2, targetNext, db)
	b.phases = append(b.phases, p3)
	p4 := b.sync("4. next-day delta", bs.Delta, "users+courses", allD, targetDelta, db1)
	b.phases = append(b.phases, p4)
	if p3.failure != "" || p4.failure != "" {
		return false
	}
	// Both roads must lead to the same roster.
	r3, e3 := runChild(nil, b.cli, "--db", db, "roster", "--json")
	r4, e4 := runChild(nil, b.cli, "--db", db1, "roster", "--json")
	switch {
	case e3 != nil || e4 != nil || r3.exit != 0 || r4.exit != 0:
		b.same = "could not compare (`roster --json` failed)"
	case jsonEqual(r3.stdout, r4.stdout):
		b.same = "yes: `roster --json` is identical after the next-day bulk and after the delta"
	default:
		b.same = "NO: `roster --json` differs after the next-day bulk and after the delta:\n\n```\nbulk:  " +
			compact(r3.stdout) + "\ndelta: " + compact(r4.stdout) + "\n```"
	}
	return true
}

func jsonEqual(a, b []byte) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	xa, _ := json.Marshal(x)
	ya, _ := json.Marshal(y)
	return bytes.Equal(xa, ya)
}

func compact(b []byte) string {
	var buf bytes.Buffer
	if json.Compact(&buf, b) != nil {
		return strings.TrimSpace(string(b))
	}
	return buf.String()
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// ---- report ----

func machine() []string {
	cpu, mem := "unknown", "unknown"
	if f, err := os.Open("/proc/cpuinfo"); err == nil {
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if k, v, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
				cpu = strings.TrimSpace(v)
				break
			}
		}
		f.Close()
	}
	if data, err := os.ReadFile("/proc/meminfo"); err == nil {
		for _, line := range strings.Split(string(data), "\n") {
			if f := strings.Fields(line); len(f) >= 2 && f[0] == "MemTotal:" {
				kb, _ := strconv.ParseFloat(f[1], 64)
				mem = fmt.Sprintf("%.1f GB", kb*1024/1e9)
			}
		}
	}
	nproc := strconv.Itoa(runtime.NumCPU())
	if out, err := exec.Command("nproc").Output(); err == nil {
		nproc = strings.TrimSpace(string(out))
	}
	goV := runtime.Version()
	if out, err := exec.Command("go", "version").Output(); err == nil {
		goV = strings.TrimPrefix(strings.TrimSpace(string(out)), "go version ")
	}
	sqliteV := "not installed"
	if out, err := exec.Command("sqlite3", "--version").Output(); err == nil {
		if f := strings.Fields(string(out)); len(f) > 0 {
			sqliteV = f[0]
		}
	}
	return []string{
		"CPU: " + cpu + " — `nproc` " + nproc + ", load average at the end of the run " + loadavg(),
		"Memory: " + mem,
		"Go: " + goV,
		"sqlite3 shell (floor): " + sqliteV,
		"Kernel: " + kernel(),
	}
}

func loadavg() string {
	data, err := os.ReadFile("/proc/loadavg")
	if f := strings.Fields(string(data)); err == nil && len(f) >= 3 {
		return strings.Join(f[:3], " ")
	}
	return "unknown"
}

func kernel() string {
	if data, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		return "Linux " + strings.TrimSpace(string(data))
	}
	return runtime.GOOS
}

func mb(bytes int64) string {
	if bytes < 1e6 {
		return fmt.Sprintf("%.0f kB", float64(bytes)/1e3)
	}
	return fmt.Sprintf("%.1f MB", float64(bytes)/1e6)
}

func grouped(n int) string {
	s := strconv.Itoa(n)
	var out []byte
	for i := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, s[i])
	}
	return string(out)
}

func (b *bench) ratio(p *phase) (float64, bool) {
	if b.floor == nil || b.floor.wall <= 0 || p.failure != "" {
		return 0, false
	}
	return p.m.wall.Seconds() / b.floor.wall.Seconds(), true
}

func (b *bench) report() string {
	var w strings.Builder
	o := b.o
	fmt.Fprintf(&w, "# RosterDesk performance\n\n")
	fmt.Fprintf(&w, "Generated by `go run ./cmd/rosterbench%s` (`make bench`) on %s. Every number below is from that run;\n",
		b.flagsUsed(), b.started.UTC().Format("2006-01-02 15:04 MST"))
	fmt.Fprintf(&w, "each phase is the real `rosterdesk` CLI run as a child process, timed from start to exit.\n\n")

	fmt.Fprintf(&w, "## Machine\n\n")
	for _, l := range machine() {
		fmt.Fprintf(&w, "- %s\n", l)
	}
	fmt.Fprintf(&w, "- Load average before the run: %s (other work on the machine slows every phase, the floor included)\n", b.loadBefore)
	fmt.Fprintf(&w, "- Date: %s\n\n", b.started.UTC().Format(time.RFC3339))

	fmt.Fprintf(&w, "## District\n\n")
	fmt.Fprintf(&w, "Generated by `sync/gen` (seed %d, OneRoster %s): %s schools, %s students, %s teachers. "+
		"Bundles handed to the CLI as %s; generation took %.2fs, writing the bundles %.2fs.\n\n",
		o.seed, o.version, grouped(o.schools), grouped(o.students), grouped(o.teachers), map[string]string{"zip": "flat zips", "dir": "folders"}[o.format],
		b.genT.Seconds(), b.writeT.Seconds())
	fmt.Fprintf(&w, "| file | day 1 (bulk) | day 2 (bulk) | day 2 delta (active / tobedeleted) |\n|---|--:|--:|--:|\n")
	files := slices.Sorted(maps.Keys(b.day1))
	for f := range b.day2 {
		if !slices.Contains(files, f) {
			files = append(files, f)
		}
	}
	for _, f := range files {
		ad := b.deltaAD[f]
		fmt.Fprintf(&w, "| %s.csv | %s | %s | %s (%s / %s) |\n", f, grouped(b.day1[f]), grouped(b.day2[f]),
			grouped(b.delta[f]), grouped(ad[0]), grouped(ad[1]))
	}
	fmt.Fprintf(&w, "| **all rows** | **%s** | **%s** | **%s** |\n", grouped(sum(b.day1)), grouped(sum(b.day2)), grouped(sum(b.delta)))
	var sizes []string
	for _, p := range slices.Sorted(maps.Keys(b.sizes)) {
		sizes = append(sizes, fmt.Sprintf("`%s` %s", filepath.Base(p), mb(b.sizes[p])))
	}
	fmt.Fprintf(&w, "\nBundle sizes: %s.\n\n", strings.Join(sizes, ", "))

	fmt.Fprintf(&w, "## Floor\n\n")
	if b.floor != nil {
		fmt.Fprintf(&w, "The `sqlite3` shell importing the day-1 CSV files into a fresh database (`.mode csv`, one `.import FILE table` per file, "+
			"no indexes, no checks): **%.2f s**, %s rows/s, peak RSS %.0f MB.", b.floor.wall.Seconds(),
			grouped(int(float64(sum(b.day1))/b.floor.wall.Seconds())), b.floor.rssMB())
		var bad []string
		for f, n := range b.day1 {
			if b.floorN[f] != n {
				bad = append(bad, fmt.Sprintf("%s %d of %d", f, b.floorN[f], n))
			}
		}
		if len(bad) > 0 {
			slices.Sort(bad)
			fmt.Fprintf(&w, " Row count check FAILED: %s.", strings.Join(bad, ", "))
		} else {
			fmt.Fprintf(&w, " It imported every row.")
		}
		fmt.Fprintf(&w, "\n\n")
	} else {
		fmt.Fprintf(&w, "Unknown: %s. Ratios and time targets are unknown.\n\n", b.floorMs)
	}

	fmt.Fprintf(&w, "## Phases\n\n")
	fmt.Fprintf(&w, "Setup (not targeted): ")
	var sp []string
	for i := range b.setup {
		p := &b.setup[i]
		s := fmt.Sprintf("`%s` %.2fs", strings.TrimPrefix(p.name, "setup: "), p.m.wall.Seconds())
		if p.failure != "" {
			s += " FAILED: " + p.failure
		}
		sp = append(sp, s)
	}
	fmt.Fprintf(&w, "%s.\n\n", strings.Join(sp, ", "))
	fmt.Fprintf(&w, "| phase | rows read | seconds | rows/s | peak RSS MB | ratio to floor | target | result |\n|---|--:|--:|--:|--:|--:|--:|---|\n")
	for i := range b.phases {
		p := &b.phases[i]
		ratio, known := b.ratio(p)
		rs, tgt, verdict := "—", "—", ""
		if known {
			rs = fmt.Sprintf("%.2f×", ratio)
		}
		rssOK := p.m.rssMB() <= targetRSSMB
		switch {
		case p.failure != "":
			verdict = "**FAILED**"
		case p.target > 0 && !known:
			tgt = fmt.Sprintf("≤ %.1f×", p.target)
			verdict = "time unknown"
		case p.target > 0 && ratio <= p.target:
			tgt = fmt.Sprintf("≤ %.1f×", p.target)
			verdict = "PASS"
		case p.target > 0:
			tgt = fmt.Sprintf("≤ %.1f×", p.target)
			verdict = "**MISS**"
		default:
			verdict = "(no time target)"
		}
		if p.failure == "" {
			if rssOK {
				verdict += ", RSS PASS"
			} else {
				verdict += ", RSS **MISS**"
			}
		}
		fmt.Fprintf(&w, "| %s | %s | %.2f | %s | %.0f | %s | %s | %s |\n", p.name, grouped(p.rows), p.m.wall.Seconds(),
			grouped(int(p.rowsPerSec())), p.m.rssMB(), rs, tgt, verdict)
	}
	fmt.Fprintf(&w, "\nTargets: full sync ≤ %.1f× floor, next-day bulk ≤ %.1f× floor, delta ≤ %.1f× floor, peak RSS ≤ %d MB in every phase "+
		"(MB = 10⁶ bytes; RSS is the child's `ru_maxrss`. Linux can count the starting process's own peak into a child's `ru_maxrss`, "+
		"so the district is generated in a separate process and the bench itself stays small: its peak was %.0f MB). The delta is applied to a copy of the roster as it was after day 1, so it does "+
		"the same work as the next-day bulk.\n\n", targetFull, targetNext, targetDelta, targetRSSMB, b.selfRSS)
	fmt.Fprintf(&w, "### Targets\n\n")
	for _, l := range b.targetLines() {
		fmt.Fprintf(&w, "- %s\n", l)
	}
	if b.same != "" {
		fmt.Fprintf(&w, "\nSame roster by bulk and by delta: %s\n", b.same)
	}

	fmt.Fprintf(&w, "\n### What each run did\n\n")
	fmt.Fprintf(&w, "| phase | exit | run | counts | user s | sys s | CPU %% | disk written MB | DB after MB |\n|---|--:|--:|---|--:|--:|--:|--:|--:|\n")
	all := append(slices.Clone(b.setup[len(b.setup)-1:]), b.phases...)
	for i := range all {
		p := &all[i]
		counts := p.res.summary()
		if p.failure != "" {
			counts = "FAILED: " + strings.ReplaceAll(p.failure, "|", "\\|")
		}
		fmt.Fprintf(&w, "| %s | %d | %d | %s | %.2f | %.2f | %.0f | %.0f | %.0f |\n", p.name, p.m.exit, p.res.RunID, counts,
			p.m.user.Seconds(), p.m.sys.Seconds(), p.m.cpuPct(), p.m.writeMB, p.dbMB)
	}
	if b.floor != nil {
		fmt.Fprintf(&w, "| floor (sqlite3 .import) | %d | | | %.2f | %.2f | %.0f | %.0f | |\n", b.floor.exit,
			b.floor.user.Seconds(), b.floor.sys.Seconds(), b.floor.cpuPct(), b.floor.writeMB)
	}

	b.restReport(&w)
	b.exportReport(&w)

	fmt.Fprintf(&w, "\n## What limits it\n\n")
	fmt.Fprintf(&w, "Measured in this run (CPU %% = (user + sys) / wall; 100%% is one core busy the whole time):\n\n")
	for _, l := range b.observations() {
		fmt.Fprintf(&w, "- %s\n", l)
	}
	for i := range b.phases {
		if p := &b.phases[i]; p.top != "" {
			fmt.Fprintf(&w, "\n<details><summary>%s: CPU profile, top functions by cumulative time</summary>\n\n```\n%s\n```\n</details>\n", p.name, p.top)
		}
	}
	fmt.Fprintf(&w, "\n%s\n_Analysis to be written by the engine's author: where the time goes (parse, validate, plan, apply, commit) and what would make it faster._\n%s\n",
		notesBegin, notesEnd)
	return w.String()
}

const (
	notesBegin = "<!-- notes: kept across runs of rosterbench; edit between these markers -->"
	notesEnd   = "<!-- /notes -->"
)

// keepNotes carries the hand-written notes of the previous report over.
func keepNotes(report, prev string) string {
	i, j := strings.Index(prev, notesBegin), strings.Index(prev, notesEnd)
	k, l := strings.Index(report, notesBegin), strings.Index(report, notesEnd)
	if i < 0 || j < i || k < 0 || l < k {
		return report
	}
	return report[:k] + prev[i:j] + report[l:]
}

func (b *bench) flagsUsed() string {
	var s []string
	flag.Visit(func(f *flag.Flag) {
		if f.Name != "out" && f.Name != "work" && f.Name != "keep" && f.Name != "cli" {
			s = append(s, "-"+f.Name+" "+f.Value.String())
		}
	})
	if len(s) == 0 {
		return ""
	}
	return " " + strings.Join(s, " ")
}

func (b *bench) targetLines() []string {
	var out []string
	for i := range b.phases {
		p := &b.phases[i]
		if p.failure != "" {
			out = append(out, fmt.Sprintf("%s: FAILED (%s)", p.name, p.failure))
			continue
		}
		if p.target > 0 {
			if ratio, ok := b.ratio(p); ok {
				v := "PASS"
				if ratio > p.target {
					v = "MISS"
				}
				out = append(out, fmt.Sprintf("%s: %.2fs = %.2f× floor, target ≤ %.1f× — %s", p.name, p.m.wall.Seconds(), ratio, p.target, v))
			} else {
				out = append(out, fmt.Sprintf("%s: %.2fs, floor unknown, target ≤ %.1f× — UNKNOWN", p.name, p.m.wall.Seconds(), p.target))
			}
		}
		v := "PASS"
		if p.m.rssMB() > targetRSSMB {
			v = "MISS"
		}
		out = append(out, fmt.Sprintf("%s: peak RSS %.0f MB, target ≤ %d MB — %s", p.name, p.m.rssMB(), targetRSSMB, v))
	}
	return out
}

func (b *bench) observations() []string {
	var out []string
	for i := range b.phases {
		p := &b.phases[i]
		if p.failure != "" {
			continue
		}
		kind := "mostly waiting (I/O or fsync)"
		switch c := p.m.cpuPct(); {
		case c >= 150:
			kind = "using both cores"
		case c >= 85:
			kind = "CPU-bound on one core"
		case c >= 50:
			kind = "partly CPU-bound, partly waiting"
		}
		out = append(out, fmt.Sprintf("%s: %.2fs wall, %.2fs user + %.2fs sys (%.0f%% CPU, %s); wrote %.0f MB to disk; peak RSS %.0f MB.",
			p.name, p.m.wall.Seconds(), p.m.user.Seconds(), p.m.sys.Seconds(), p.m.cpuPct(), kind, p.m.writeMB, p.m.rssMB()))
	}
	if b.floor != nil {
		out = append(out, fmt.Sprintf("floor: %.2fs wall, %.2fs user + %.2fs sys (%.0f%% CPU); wrote %.0f MB.",
			b.floor.wall.Seconds(), b.floor.user.Seconds(), b.floor.sys.Seconds(), b.floor.cpuPct(), b.floor.writeMB))
	}
	return out
}
