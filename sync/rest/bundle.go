package rest

import (
	"bufio"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// BundleSpec says what to pull and how to write it.
type BundleSpec struct {
	Dir     string   // an empty folder the bundle is written into
	Files   []string // CSV files to fill, in pull order: orgs, academicSessions, courses, classes, users, enrollments
	Version string   // "1.1" or "1.2" (1.2 users also fill roles.csv)
	// Header gives each file's columns in spec order (the engine's schema).
	Header func(file string) []string
	// Since: zero for a full pull (bulk files); else a delta pull of the
	// records changed after it (filter dateLastModified>'…', delta files).
	Since      time.Time
	SystemName string
	Progress   func(file string, rows, total int)
	// Needed: a delta pull in which none of these files has a changed record
	// still writes the first one, header only, so the engine records a run
	// with nothing to change instead of refusing an empty source.
	Needed []string
}

// FileStats describe one written file.
type FileStats struct {
	PullStats
	Mode    string // bulk, delta or absent
	Written int    // rows written (a full pull leaves out records marked tobedeleted)
}

// WriteBundle pulls every collection of spec into a OneRoster CSV bundle:
// manifest.csv, then one CSV file per collection, each streamed to disk page
// by page. A collection with nothing in it is declared absent. It fails
// (leaving a partial folder for the caller to remove) if any collection
// fails or comes back incomplete.
func (c *Client) WriteBundle(ctx context.Context, spec BundleSpec) ([]FileStats, error) {
	delta := !spec.Since.IsZero()
	filter := ""
	mode := "bulk"
	if delta {
		filter = DeltaFilter(spec.Since.UTC().Format("2006-01-02T15:04:05.000Z"))
		mode = "delta"
	}
	pulledAt := Modified(c.cfg.Now().UTC().Format(time.RFC3339Nano))
	var out []FileStats
	modes := map[string]string{}
	for _, file := range spec.Files {
		col, ok := Collections[file]
		if !ok {
			return out, fmt.Errorf("no REST collection fills %s.csv", file)
		}
		w, err := newCSVOut(spec.Dir, file, spec.Header(file))
		if err != nil {
			return out, err
		}
		var roles *csvOut
		if file == "users" && spec.Version == "1.2" {
			if roles, err = newCSVOut(spec.Dir, "roles", spec.Header("roles")); err != nil {
				w.close()
				return out, err
			}
		}
		fs := FileStats{Mode: mode}
		emit := func(r *Record) error {
			if !delta && r.deleted() {
				return nil // a complete set leaves out what is gone
			}
			rec := w.rec
			for i, col := range w.cols {
				switch {
				case col == "status" || col == "dateLastModified":
					if !delta {
						rec[i] = "" // bulk rows leave them blank
						continue
					}
					rec[i] = r.Value(col)
					if rec[i] == "" && col == "status" {
						rec[i] = "active"
					} else if rec[i] == "" {
						rec[i] = pulledAt
					}
				default:
					rec[i] = r.Value(col)
				}
			}
			fs.Written++
			if err := w.write(rec); err != nil {
				return err
			}
			if roles != nil {
				for _, rr := range r.RoleRows() {
					for i, col := range roles.cols {
						v := rr[col]
						if col == "status" || col == "dateLastModified" {
							v = rec[w.index(col)]
						}
						roles.rec[i] = v
					}
					if err := roles.write(roles.rec); err != nil {
						return err
					}
				}
			}
			return nil
		}
		var progress func(int, int)
		if spec.Progress != nil {
			progress = func(rows, total int) { spec.Progress(file, rows, total) }
		}
		fs.PullStats, err = c.PullAll(ctx, col, filter, emit, progress)
		cerr := w.close()
		if roles != nil {
			if rerr := roles.close(); cerr == nil {
				cerr = rerr
			}
		}
		out = append(out, fs)
		if err == nil {
			err = cerr
		}
		if err != nil {
			return out, err
		}
		modes[file] = mode
		if fs.Written == 0 {
			// Nothing to say: declared absent (a header-only file is not allowed), so nothing is deactivated for it.
			os.Remove(w.path)
			modes[file] = "absent"
			out[len(out)-1].Mode = "absent"
		}
		if roles != nil {
			modes["roles"] = modes[file]
			if roles.rows == 0 {
				os.Remove(roles.path)
				modes["roles"] = "absent"
			}
		}
	}
	if first := firstNeeded(spec.Needed); delta && first != "" && noneWritten(out, spec.Needed) {
		w, err := newCSVOut(spec.Dir, first, spec.Header(first))
		if err == nil {
			err = w.close()
		}
		if err != nil {
			return out, err
		}
		modes[first] = mode
	}
	return out, writeManifest(spec, modes)
}

func firstNeeded(files []string) string {
	if len(files) == 0 {
		return ""
	}
	return files[0]
}

// noneWritten tells whether no file of needed had rows.
func noneWritten(stats []FileStats, needed []string) bool {
	for _, st := range stats {
		for _, n := range needed {
			if st.Collection == n && st.Written > 0 {
				return false
			}
		}
	}
	return true
}

func writeManifest(spec BundleSpec, modes map[string]string) error {
	rows := [][]string{{"propertyName", "value"}, {"manifest.version", "1.0"}, {"oneroster.version", spec.Version}}
	files := []string{"academicSessions", "classes", "courses", "demographics", "enrollments", "orgs", "users"}
	if spec.Version == "1.2" {
		files = append(files, "roles")
	}
	for _, f := range files {
		m := modes[f]
		if m == "" {
			m = "absent"
		}
		rows = append(rows, []string{"file." + f, m})
	}
	if spec.SystemName != "" {
		rows = append(rows, []string{"source.systemName", spec.SystemName})
	}
	rows = append(rows, []string{"source.systemCode", "rosterdesk-rest"})
	f, err := os.Create(filepath.Join(spec.Dir, "manifest.csv"))
	if err != nil {
		return err
	}
	cw := csv.NewWriter(f)
	cw.WriteAll(rows)
	err = cw.Error()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// csvOut streams one CSV file, written as encoding/csv's Writer writes it
// (commas, LF line ends, the same fields quoted) without its per-field calls.
type csvOut struct {
	path string
	cols []string
	rec  []string
	f    *os.File
	bw   *bufio.Writer
	line []byte
	rows int
}

func newCSVOut(dir, file string, header []string) (*csvOut, error) {
	if len(header) == 0 {
		return nil, fmt.Errorf("no columns for %s.csv", file)
	}
	p := filepath.Join(dir, file+".csv")
	f, err := os.Create(p)
	if err != nil {
		return nil, err
	}
	bw := bufio.NewWriterSize(f, 256<<10)
	o := &csvOut{path: p, cols: header, rec: make([]string, len(header)), f: f, bw: bw}
	if err := o.writeLine(header, false); err != nil {
		f.Close()
		return nil, err
	}
	return o, nil
}

func (o *csvOut) index(col string) int {
	for i, c := range o.cols {
		if c == col {
			return i
		}
	}
	return -1
}

// write writes a row; a field with a line break becomes one line (OneRoster
// CSV allows no line break inside a field), in rec too.
func (o *csvOut) write(rec []string) error {
	o.rows++
	return o.writeLine(rec, true)
}

func (o *csvOut) writeLine(rec []string, oneLine bool) error {
	line := o.line[:0]
	for i, v := range rec {
		if i > 0 {
			line = append(line, ',')
		}
		k := scanCSV(v)
		if k == lineBreak && oneLine {
			v = strings.Join(strings.Fields(v), " ")
			rec[i], k = v, scanCSV(v)
		}
		line = appendCSVField(line, v, k)
	}
	line = append(line, '\n')
	o.line = line
	_, err := o.bw.Write(line)
	return err
}

const (
	plainCSV  = 0
	quoteCSV  = 1 // a comma or quote
	lineBreak = 2 // \r or \n (quoted too)
)

// scanCSV tells what field v holds that CSV must mind.
func scanCSV(v string) int {
	k := uint8(0)
	for i := 0; i < len(v); i++ {
		k |= csvClass[v[i]]
	}
	switch {
	case k&lineBreak != 0:
		return lineBreak
	case k != 0:
		return quoteCSV
	}
	return plainCSV
}

var csvClass = func() (t [256]uint8) {
	t[','], t['"'] = quoteCSV, quoteCSV
	t['\r'], t['\n'] = lineBreak, lineBreak
	return t
}()

// appendCSVField is one field as encoding/csv writes it: quoted (quotes
// doubled) when it holds a comma, quote or line break, begins with a space
// (Unicode's), or is \. ; else as it is. k is scanCSV(v).
func appendCSVField(b []byte, v string, k int) []byte {
	quote := v == `\.` || k != plainCSV
	if !quote && v != "" {
		r, _ := utf8.DecodeRuneInString(v)
		quote = unicode.IsSpace(r)
	}
	if !quote {
		return append(b, v...)
	}
	b = append(b, '"')
	for {
		i := strings.IndexByte(v, '"')
		if i < 0 {
			break
		}
		b = append(b, v[:i+1]...)
		b = append(b, '"')
		v = v[i+1:]
	}
	b = append(b, v...)
	return append(b, '"')
}

func (o *csvOut) close() error {
	err := o.bw.Flush()
	if cerr := o.f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return errors.Join(fmt.Errorf("writing %s", filepath.Base(o.path)), err)
	}
	return nil
}
