package main

// The export phases: `rosterdesk log RUN --xlsx` on a run whose log holds
// about a million entries, and on the full initial sync (a million and a
// half changes), each timed as a child process against the RSS target.

import (
	"archive/zip"
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"
)

// export is one timed `log RUN --xlsx`.
type export struct {
	name     string
	what     string // what the run holds, for the report
	runID    int64
	want     map[string]int // rows each sheet family must hold (Errors, Changes, ...), from the run's result
	setup    time.Duration  // building the run (not timed against the target)
	m        measure
	xlsxSize int64
	sheets   []sheetRows
	failure  string
	kept     int // entries the run's log keeps one by one (0: not read)
}

type sheetRows struct {
	name string
	rows int // data rows, header excluded
}

// keptEntries counts the entries of run id's log by severity, read back from
// `rosterdesk log RUN --csv` (streamed: the bench itself stays small): what an
// export of the run must hold.
func (b *bench) keptEntries(db string, id int64) (map[string]int, error) {
	out := filepath.Join(b.work, "kept.csv")
	defer os.Remove(out)
	m, err := runChild(nil, b.cli, "--db", db, "log", fmt.Sprint(id), "--csv", out)
	if err != nil || m.exit != 0 {
		return nil, fmt.Errorf("exit %d %v %s", m.exit, err, tail(m.stderr, 300))
	}
	f, err := os.Open(out)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := csv.NewReader(bufio.NewReaderSize(f, 1<<20))
	r.FieldsPerRecord = -1
	r.ReuseRecord = true
	n := map[string]int{}
	for line := 0; ; line++ {
		rec, err := r.Read()
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return nil, err
		}
		if line > 0 && len(rec) > 0 { // column 0 is the severity
			n[rec[0]]++
		}
	}
}

// runExports times the exports: the generated log first, then the full
// initial sync of the district when the phases ran.
func (b *bench) runExports(p1 *phase) bool {
	ok := true
	if b.o.exportLog > 0 {
		x := b.logExport(b.o.exportLog)
		ok = ok && x.failure == ""
		b.exports = append(b.exports, x)
	}
	if p1 != nil && p1.failure == "" && p1.res.RunID > 0 {
		c := p1.res.Counts
		adds := c.Users["added"] + c.Courses["added"] + c.Classes["added"] + c.Assignments["added"]
		x := export{name: "6. export the full initial sync", runID: p1.res.RunID,
			what: fmt.Sprintf("run %d: %s changes (every record it added)", p1.res.RunID, grouped(adds)),
			want: map[string]int{"Errors": p1.res.Errors}}
		if kept, err := b.keptEntries(filepath.Join(b.work, "bench.db"), p1.res.RunID); err == nil {
			x.want["Errors"] = kept["error"]
		}
		b.timeExport(&x, filepath.Join(b.work, "bench.db"), filepath.Join(b.work, "initial-sync.xlsx"))
		if x.failure == "" {
			if n := x.rowsOf("Changes"); n < adds {
				x.failure = fmt.Sprintf("the Changes sheets hold %d rows, fewer than the %d records the run added", n, adds)
			}
		}
		ok = ok && x.failure == ""
		b.exports = append(b.exports, x)
	}
	return ok
}

// logExport builds a run with about n log entries (a bundle whose every
// enrollment has an invalid role, synced with --dry-run into its own roster)
// and times its export.
func (b *bench) logExport(n int) export {
	x := export{name: "5. export a " + grouped(n) + "-entry log"}
	start := time.Now()
	dir := filepath.Join(b.work, "export-log")
	db := filepath.Join(b.work, "export.db")
	for _, f := range []string{db, db + "-wal", db + "-shm"} {
		os.Remove(f)
	}
	fail := func(format string, a ...any) export {
		x.failure = fmt.Sprintf(format, a...)
		logf("%s FAILED: %s", x.name, x.failure)
		return x
	}
	logf("%s: writing enrollments.csv with %s rejected rows", x.name, grouped(n))
	if err := writeBadBundle(dir, n); err != nil {
		return fail("writing the bundle: %v", err)
	}
	for _, args := range [][]string{
		{"admin", "add", "bench@example.org", "Bench Admin"},
		{"settings", "set", "credited_admin", "bench@example.org"},
		{"sync", dir, "--scope", "buildings", "--json"},
	} {
		m, err := runChild(nil, b.cli, append([]string{"--db", db}, args...)...)
		if err != nil || m.exit != 0 {
			return fail("%s: exit %d %v %s", strings.Join(args[:2], " "), m.exit, err, tail(append(m.stdout, m.stderr...), 300))
		}
	}
	m, err := runChild(nil, b.cli, "--db", db, "sync", dir, "--scope", "users+courses", "--dry-run", "--json")
	var res result
	if err != nil || json.Unmarshal(m.stdout, &res) != nil || res.RunID == 0 {
		return fail("dry run: exit %d %v %s", m.exit, err, tail(append(m.stdout, m.stderr...), 300))
	}
	x.setup = time.Since(start)
	x.runID = res.RunID
	// The log keeps its first entries one by one (the engine's MaxLogRows) and
	// one summary per rule for the rest: the sheets must hold what it keeps.
	kept, err := b.keptEntries(db, res.RunID)
	if err != nil {
		return fail("reading the run's log: %v", err)
	}
	x.want = map[string]int{"Errors": kept["error"], "Warnings": kept["warning"]}
	x.kept = kept["error"] + kept["warning"] + kept["info"]
	x.what = fmt.Sprintf("run %d (a dry run): %s errors, %s warnings; its log keeps %s entries one by one (the engine's limit), the rest counted in one summary per rule",
		res.RunID, grouped(res.Errors), grouped(res.Warnings), grouped(x.kept))
	logf("%s: run %d recorded in %.1fs with %d errors, its log keeping %d entries", x.name, res.RunID, x.setup.Seconds(), res.Errors, x.kept)
	b.timeExport(&x, db, filepath.Join(b.work, "log.xlsx"))
	return x
}

// timeExport runs `log RUN --xlsx out` as a child and checks what it wrote.
func (b *bench) timeExport(x *export, db, out string) {
	os.Remove(out)
	logf("%s: rosterdesk log %d --xlsx %s", x.name, x.runID, filepath.Base(out))
	m, err := runChild(nil, b.cli, "--db", db, "log", fmt.Sprint(x.runID), "--xlsx", out)
	x.m = m
	if err != nil || m.exit != 0 {
		x.failure = fmt.Sprintf("exit %d: %v %s", m.exit, err, tail(m.stderr, 300))
		logf("%s FAILED: %s", x.name, x.failure)
		return
	}
	x.xlsxSize = pathSize(out)
	if x.sheets, err = countSheetRows(out); err != nil {
		x.failure = "reading the workbook back: " + err.Error()
	}
	for family, n := range x.want {
		if got := x.rowsOf(family); x.failure == "" && got != n {
			x.failure = fmt.Sprintf("the %s sheets hold %d rows, the run has %d", family, got, n)
		}
	}
	if x.failure != "" {
		logf("%s FAILED: %s", x.name, x.failure)
		return
	}
	logf("%s: %.2fs, %.0f MB peak RSS, %s", x.name, m.wall.Seconds(), m.rssMB(), mb(x.xlsxSize))
}

// rowsOf adds up the data rows of a sheet and its continuations ("Changes 2", ...).
func (x *export) rowsOf(family string) int {
	n := 0
	for _, s := range x.sheets {
		if s.name == family || strings.HasPrefix(s.name, family+" ") {
			n += s.rows
		}
	}
	return n
}

// writeBadBundle writes a 1.1 bundle without manifest into dir: a district
// and a school, one student, and n enrollments whose role is not a OneRoster
// role, each of which the engine rejects with one error. It streams: the
// bench itself must stay small.
func writeBadBundle(dir string, n int) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	files := map[string]string{
		"orgs.csv":  "sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId\nd1,,,Bench District,district,,\ns1,,,Bench School,school,,d1\n",
		"users.csv": "sourcedId,status,dateLastModified,enabledUser,orgSourcedIds,role,username,userIds,givenName,familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,password\nu1,,,true,s1,student,ann,,Ann,Lee,,,,,,,05,\n",
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			return err
		}
	}
	f, err := os.Create(filepath.Join(dir, "enrollments.csv"))
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	w.WriteString("sourcedId,status,dateLastModified,classSourcedId,schoolSourcedId,userSourcedId,role,primary,beginDate,endDate\n")
	for i := 1; i <= n; i++ {
		fmt.Fprintf(w, "e%07d,,,k1,s1,u1,wizard,false,,\n", i)
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

var sheetName = regexp.MustCompile(`<sheet [^>]*name="([^"]+)"`)

// countSheetRows counts the data rows of each sheet of an xlsx by streaming
// its XML (sheetN.xml is the N-th sheet, as excelize writes them).
func countSheetRows(path string) ([]sheetRows, error) {
	zr, err := zip.OpenReader(path)
	if err != nil {
		return nil, err
	}
	defer zr.Close()
	files := map[string]*zip.File{}
	for _, f := range zr.File {
		files[f.Name] = f
	}
	wb, ok := files["xl/workbook.xml"]
	if !ok {
		return nil, fmt.Errorf("no xl/workbook.xml")
	}
	body, err := readAll(wb)
	if err != nil {
		return nil, err
	}
	var out []sheetRows
	for i, m := range sheetName.FindAllSubmatch(body, -1) {
		f, ok := files[fmt.Sprintf("xl/worksheets/sheet%d.xml", i+1)]
		if !ok {
			return nil, fmt.Errorf("no worksheet for sheet %s", m[1])
		}
		rc, err := f.Open()
		if err != nil {
			return nil, err
		}
		n, err := countRows(rc)
		rc.Close()
		if err != nil {
			return nil, err
		}
		out = append(out, sheetRows{name: string(m[1]), rows: n - 1})
	}
	return out, nil
}

func readAll(f *zip.File) ([]byte, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return io.ReadAll(rc)
}

// countRows counts "<row " in a stream, across buffer boundaries.
func countRows(r io.Reader) (int, error) {
	tag := []byte("<row ")
	buf := make([]byte, 256<<10)
	n, carry := 0, 0
	for {
		k, err := r.Read(buf[carry:])
		chunk := buf[:carry+k]
		n += bytes.Count(chunk, tag)
		carry = min(len(tag)-1, len(chunk))
		copy(buf, chunk[len(chunk)-carry:])
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return n, err
		}
	}
}

// exportReport is the report's section on the exports.
func (b *bench) exportReport(w *strings.Builder) {
	if len(b.exports) == 0 {
		return
	}
	fmt.Fprintf(w, "\n## Excel export\n\n")
	fmt.Fprintf(w, "`rosterdesk log RUN --xlsx FILE` run as a child process on a finished run; the workbook is read back and its rows counted. "+
		"Target: peak RSS ≤ %d MB whatever the size of the run (the sheets are written with excelize's stream writer).\n\n", targetRSSMB)
	fmt.Fprintf(w, "| export | run | seconds | peak RSS MB | xlsx MB | rows per sheet | result |\n|---|---|--:|--:|--:|---|---|\n")
	for i := range b.exports {
		x := &b.exports[i]
		var rows []string
		for _, s := range x.sheets {
			rows = append(rows, fmt.Sprintf("%s %s", s.name, grouped(s.rows)))
		}
		verdict := "RSS PASS"
		switch {
		case x.failure != "":
			verdict = "**FAILED**: " + strings.ReplaceAll(x.failure, "|", "\\|")
		case x.m.rssMB() > targetRSSMB:
			verdict = "RSS **MISS**"
		}
		fmt.Fprintf(w, "| %s | %s | %.2f | %.0f | %.1f | %s | %s |\n", x.name, x.what, x.m.wall.Seconds(), x.m.rssMB(),
			float64(x.xlsxSize)/1e6, strings.Join(rows, ", "), verdict)
	}
	fmt.Fprintf(w, "\n")
	for i := range b.exports {
		x := &b.exports[i]
		if x.failure == "" {
			fmt.Fprintf(w, "- %s: %.2fs wall, %.2fs user + %.2fs sys (%.0f%% CPU); peak RSS %.0f MB, target ≤ %d MB — %s.",
				x.name, x.m.wall.Seconds(), x.m.user.Seconds(), x.m.sys.Seconds(), x.m.cpuPct(), x.m.rssMB(), targetRSSMB,
				map[bool]string{true: "PASS", false: "MISS"}[x.m.rssMB() <= targetRSSMB])
			if x.setup > 0 {
				fmt.Fprintf(w, " Building the run (write the bundle, sync buildings, the dry run) took %.1fs, not counted.", x.setup.Seconds())
			}
			fmt.Fprintf(w, "\n")
		}
	}
}
