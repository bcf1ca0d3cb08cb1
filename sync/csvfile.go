package sync

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"strings"
	"unicode/utf8"
	"unsafe"

	"rosterdesk"
	"rosterdesk/data"
)

// table streams the rows of one OneRoster CSV file with their line numbers.
type table struct {
	File   string // name as the admin knows it, e.g. users.csv
	Canon  string
	rc     io.Closer
	tr     *textReader
	r      *csv.Reader
	Header []string
	col    map[string]int // spec column → index in the row
	idCols []idCol        // the columns of identifiers (checkIDs), made once
	width  int            // columns that have a name
	rec    []string
	Line   int
	log    *runLog
	Rows   int

	ra     *readAhead // reads the records on a goroutine of its own; nil until the first row
	offset int64      // the CSV reader's input offset after the current record

	// The read-ahead goroutine also makes the Keys of the (trimmed) values
	// of keyCols, and rowHash of each record when set; prefetch is handed
	// each batch's on the planner's goroutine before its first row, so the
	// planner can load the slots those rows will look up all at once (the
	// loads overlap) instead of missing the cache once per row and lookup.
	keyCols  []int
	rowHash  func(rec []string) uint64
	prefetch func(keys []data.Key, hashes []uint64)
	keys     []data.Key // the current record's Keys of keyCols

	colCache [64]colHit // see colOf

	lineOffset int // -1 for a REST collection: its first record is number 1

	src      *Source
	comma    rune
	restarts int
	badID    bool // this row was rejected for an identifier: get returns its ids cleaned
	// Damaged says why rows of the file could not be told apart (a quote that
	// swallowed lines, a row whose sourcedId cannot be read): nothing absent
	// from it may be taken away in this run. "" for a sound file.
	Damaged string
	// roleOf gives a user's role when users.csv has no role column (1.2: roles.csv has it).
	roleOf func(sourcedID string) string
}

// swallowed tells a record whose quoted field holds whole rows: a line in it
// with as many delimiters as half a row is not a line break in a name or an address.
func (t *table) swallowed(rec []string) bool {
	min := len(t.Header) / 2
	if min < 2 {
		min = 2
	}
	for _, f := range rec {
		parts := strings.Split(f, "\n")
		for _, l := range parts[1:] {
			if strings.Count(l, string(t.comma)) >= min {
				return true
			}
		}
	}
	return false
}

// maxRestarts bounds how often one file is read again past a broken quote.
const maxRestarts = 100

// damage records the first reason the file is damaged.
func (t *table) damage(line int, why string) {
	if t.Damaged == "" {
		t.Damaged = fmt.Sprintf("line %d: %s", line, why)
	}
}

// resume reads the file again from the line after line: a broken quote made
// the CSV reader swallow the lines after it, and they are rows of their own.
func (t *table) resume(line int) error {
	base := 0
	if t.src.Collections {
		base = -1
	}
	t.stopReadAhead()
	t.rc.Close()
	rc, _, err := t.src.open(t.Canon)
	if err != nil {
		return err
	}
	tr := newTextReader(rc, t.src.limits.MaxLine)
	tr.maxRecord = t.src.limits.MaxRecord
	tr.CRLF, tr.Decoded, tr.FirstBadAt = t.tr.CRLF, t.tr.Decoded, t.tr.FirstBadAt
	br := bufio.NewReaderSize(tr, 64<<10)
	for n := 0; n < line-base; {
		_, err := br.ReadSlice('\n')
		if err == nil {
			n++
			continue
		}
		if err != bufio.ErrBufferFull {
			rc.Close()
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return err
		}
	}
	t.rc, t.tr = rc, tr
	t.r = csv.NewReader(br)
	t.r.Comma = t.comma
	t.r.FieldsPerRecord = -1
	t.r.ReuseRecord = true
	t.lineOffset = line
	t.restarts++
	return nil
}

// openTable opens a file, reads its header and checks it against the spec for version.
// A header that lacks a required column, or that is not OneRoster at all, is a *SourceError.
func (s *Source) openTable(canon string) (*table, error) {
	rc, name, err := s.open(canon)
	if err != nil {
		return nil, err
	}
	t := &table{File: name, Canon: canon, rc: rc, log: s.log, src: s}
	if s.Collections {
		t.File, t.lineOffset = canon, -1
	}
	t.tr = newTextReader(rc, s.limits.MaxLine)
	t.tr.maxRecord = s.limits.MaxRecord
	var comma rune
	t.r, comma = csvReader(t.tr)
	t.r.ReuseRecord = true
	t.comma = comma
	hdr, err := t.r.Read()
	if err == io.EOF {
		rc.Close()
		return nil, srcErr(name, 1, "is empty: it has no header row")
	}
	if err != nil {
		rc.Close()
		return nil, t.fatal(err)
	}
	t.Header = append([]string(nil), hdr...)
	if t.tr.BOM {
		s.log.infof(rosterdesk.LogEntry{Phase: "read", File: name, Line: 1, Rule: "encoding.bom"}, "starts with a UTF-8 byte-order mark; ignored")
	}
	if t.tr.UTF16 {
		s.log.warnf(rosterdesk.LogEntry{Phase: "read", File: name, Line: 1, Rule: "encoding.utf16"},
			"is UTF-16 text (what Excel saves as \"Unicode Text\"), not UTF-8; decoded and read. %s", saveAsCSV)
	}
	if comma != ',' {
		proven := false
		for _, h := range hdr {
			if strings.EqualFold(strings.TrimSpace(h), "sourcedId") {
				proven = true
			}
		}
		if !proven {
			rc.Close()
			return nil, srcErr(name, 1, "has %s between its columns, not commas, and its header (%s) is not that of a OneRoster file. %s",
				delimName(comma), shortHeader(hdr), saveAsCSV)
		}
		s.log.warnf(rosterdesk.LogEntry{Phase: "read", File: name, Line: 1, Rule: "csv.delimiter"},
			"separates its columns with %s, not commas (Excel saves CSV that way in many locales); read by its header. %s", delimName(comma), saveAsCSV)
	}
	spec, ok := specFor(s.Version, canon)
	if !ok {
		rc.Close()
		return nil, fmt.Errorf("no spec for %s", canon)
	}
	if err := t.mapHeader(spec); err != nil {
		rc.Close()
		return nil, err
	}
	return t, nil
}

// saveAsCSV tells an admin how to write a file the way OneRoster wants it.
const saveAsCSV = "Next time export it again from the SIS, or in Excel use File › Save As › \"CSV UTF-8 (Comma delimited)\""

func (t *table) fatal(err error) error {
	var lt *LineTooLongError
	if errors.As(err, &lt) {
		return srcErr(t.File, lt.Line, "is longer than %d bytes on one line: not a usable CSV file", lt.Limit)
	}
	var rt *RecordTooLongError
	if errors.As(err, &rt) {
		return srcErr(t.File, t.Line+1, "has a row longer than %d KB from this line on (line breaks inside quoted fields count too); no real OneRoster row is that long, so the file is refused and nothing was imported", rt.Limit>>10)
	}
	var se *SourceError
	if errors.As(err, &se) {
		return se
	}
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return srcErr(t.File, pe.StartLine, "is not valid CSV: %v", pe.Err)
	}
	return srcErr(t.File, t.Line, "cannot be read: %v", err)
}

func (t *table) mapHeader(spec fileSpec) (err error) {
	t.col = map[string]int{}
	var caseFixed, ext, unknown []string
	lastNamed := -1
	for i, h := range t.Header {
		if strings.TrimSpace(h) != "" {
			lastNamed = i
		}
	}
	t.width = lastNamed + 1
	if t.width < len(t.Header) {
		t.log.warnf(rosterdesk.LogEntry{Phase: "read", File: t.File, Line: 1, Column: t.width + 1, Rule: "header.trailing_empty"}, "header ends with %d empty column(s); ignored", len(t.Header)-t.width)
	}
	for i := 0; i < t.width; i++ {
		h := strings.TrimSpace(t.Header[i])
		matched := ""
		for _, c := range spec.all() {
			if h == c {
				matched = c
				break
			}
		}
		if matched == "" {
			for _, c := range spec.all() {
				if strings.EqualFold(h, c) {
					matched = c
					caseFixed = append(caseFixed, h)
					break
				}
			}
		}
		switch {
		case h == "":
			unknown = append(unknown, fmt.Sprintf("(empty, column %d)", i+1))
		case matched == "" && (strings.HasPrefix(h, "metadata.") || strings.HasPrefix(strings.ToLower(h), "ext_")):
			ext = append(ext, h)
		case matched == "":
			if now, ok := renamedTo(h); ok {
				h += " (the OneRoster 1.0 name of " + now + ")"
			}
			unknown = append(unknown, h)
		default:
			if _, dup := t.col[matched]; dup {
				t.log.warnf(rosterdesk.LogEntry{Phase: "read", File: t.File, Line: 1, Column: i + 1, Field: matched, Rule: "header.duplicate"}, "column %s appears twice; the first is used", matched)
				continue
			}
			t.col[matched] = i
		}
	}
	if _, s := t.col["status"]; !s {
		if _, d := t.col["dateLastModified"]; !d {
			hint := ""
			if _, ok := t.col["sourcedId"]; !ok || t.Canon == "orgs" || t.Canon == "users" {
				hint = " It looks like a Microsoft School Data Sync (SDS) or other non-OneRoster export; export OneRoster CSV from your SIS instead."
			}
			return srcErr(t.File, 1, "is not a OneRoster file: its header has neither status nor dateLastModified.%s", hint)
		}
	}
	var missing []string
	for _, r := range spec.required {
		if _, ok := t.col[r]; !ok {
			missing = append(missing, r)
		}
	}
	// Every header problem is told at once, the missing columns last.
	defer func() {
		if len(missing) > 0 {
			err = srcErr(t.File, 1, "required column %s is missing from the header, so the file cannot be used", strings.Join(missing, ", "))
		}
	}()
	if len(caseFixed) > 0 {
		t.log.warnf(rosterdesk.LogEntry{Phase: "read", File: t.File, Line: 1, Rule: "header.case"}, "header names differ in case from the spec (%s); read by name", strings.Join(caseFixed, ", "))
	}
	if len(ext) > 0 {
		t.log.warnf(rosterdesk.LogEntry{Phase: "read", File: t.File, Line: 1, Rule: "header.extension"}, "extension columns ignored: %s", strings.Join(ext, ", "))
	}
	if len(unknown) > 0 {
		t.log.warnf(rosterdesk.LogEntry{Phase: "read", File: t.File, Line: 1, Rule: "header.unknown"}, "columns not in the OneRoster spec ignored: %s", strings.Join(unknown, ", "))
	}
	prev := -1
	for _, c := range spec.cols {
		if i, ok := t.col[c]; ok {
			if i < prev {
				t.log.infof(rosterdesk.LogEntry{Phase: "read", File: t.File, Line: 1, Rule: "header.order"}, "columns are not in spec order; read by name")
				break
			}
			prev = i
		}
	}
	return nil
}

// errRowSkipped is returned by next for a row that could not be parsed; it is logged already.
var errRowSkipped = errors.New("row skipped")

// rows reads the table row by row, the one way a OneRoster file is read.
// Each step says whether the row can be used (false: it was rejected while it
// was read, and logged) or gives a fatal error for the source, after which
// the reading stops.
func (t *table) rows() iter.Seq2[bool, error] {
	return func(yield func(bool, error) bool) {
		for {
			switch err := t.next(); {
			case err == io.EOF:
				return
			case errors.Is(err, errRowSkipped):
				if !yield(false, nil) {
					return
				}
			case err != nil:
				yield(false, err)
				return
			default:
				if !yield(true, nil) {
					return
				}
			}
		}
	}
}

// next reads the next row. io.EOF ends the file; errRowSkipped means this row
// was rejected and logged; any other error is fatal for the source.
func (t *table) next() error {
	rec, first, last, err := t.read()
	if err == io.EOF {
		t.finish()
		return io.EOF
	}
	t.log.cur = t
	if err != nil {
		t.rec = nil // not a row: nothing to show as written
		var pe *csv.ParseError
		if errors.As(err, &pe) && !errors.Is(err, csv.ErrFieldCount) {
			if pe.Err == csv.ErrQuote || pe.Err == csv.ErrBareQuote {
				t.rec = nil // the row's sourcedId cannot be read
				start, end := pe.StartLine+t.lineOffset, pe.Line+t.lineOffset
				t.Line = start
				t.damage(start, "malformed quotes")
				if end > start {
					// An unclosed quote swallowed the lines after it: read them again as rows.
					t.log.errorf(rosterdesk.LogEntry{Phase: "validate", File: t.File, Line: start, Column: pe.Column, Rule: "csv.quote"},
						"malformed quotes: a quote opened on this line is not closed, so lines %d to %d read as one field; this row is skipped and reading resumes on line %d", start, end, start+1)
					if t.restarts < maxRestarts {
						if err := t.resume(start); err != nil {
							return t.fatal(err)
						}
					}
					return errRowSkipped
				}
				t.log.errorf(rosterdesk.LogEntry{Phase: "validate", File: t.File, Line: start, Column: pe.Column, Rule: "csv.quote"}, "malformed quotes: %v; row skipped", pe.Err)
				return errRowSkipped
			}
		}
		return t.fatal(err)
	}
	t.rec = rec
	t.Line = first + t.lineOffset
	t.Rows++
	if err := t.bounded(rec); err != nil {
		return err
	}
	if last+t.lineOffset != t.Line {
		if (len(rec) != len(t.Header) || t.swallowed(rec)) && t.restarts < maxRestarts {
			// A record over several lines with the wrong number of fields: a stray
			// quote paired with one lines later and swallowed the rows between.
			end := last + t.lineOffset
			t.log.errorf(rosterdesk.LogEntry{Phase: "validate", File: t.File, Line: t.Line, Rule: "csv.quote"},
				"malformed quotes: a quote on this line pairs with one on line %d, so lines %d to %d read as one row of %d fields; this row is skipped and reading resumes on line %d",
				end, t.Line, end, len(rec), t.Line+1)
			t.damage(t.Line, "malformed quotes")
			line := t.Line
			t.rec = nil
			t.Rows--
			if err := t.resume(line); err != nil {
				return t.fatal(err)
			}
			return errRowSkipped
		}
		t.log.warnOnce(t.at("", "csv.line_break"),
			"a quoted field holds a line break (OneRoster does not allow one); kept as written")
	}
	if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
		t.Rows--
		return errRowSkipped // a blank line
	}
	if len(rec) < t.width {
		// Trailing empty cells are often trimmed by editors; only the named columns matter.
		for _, i := range t.col {
			if i >= len(rec) {
				t.log.errorf(rosterdesk.LogEntry{Phase: "validate", File: t.File, Line: t.Line, Column: len(rec) + 1, SourcedID: t.get("sourcedId"), Rule: "csv.field_count"},
					"row has %d fields but the header has %d; row skipped", len(rec), t.width)
				return errRowSkipped
			}
		}
	} else if len(rec) > len(t.Header) {
		t.log.warnOnce(rosterdesk.LogEntry{Phase: "validate", File: t.File, Line: t.Line, Column: len(t.Header) + 1, SourcedID: t.get("sourcedId"), Rule: "csv.extra_fields"},
			fmt.Sprintf("row has %d fields but the header has %d; extra fields ignored", len(rec), len(t.Header)))
	}
	if !t.checkIDs(rec) {
		return errRowSkipped
	}
	return nil
}

// bounded refuses the whole file at a row past the size limits (see Limits).
func (t *table) bounded(rec []string) error {
	lim := t.src.limits
	if lim.MaxRows > 0 && t.Rows > lim.MaxRows {
		return srcErr(t.File, t.Line, "holds more than %d rows, the most one OneRoster file may hold; refused, nothing was imported", lim.MaxRows)
	}
	for i, f := range rec {
		if lim.MaxField > 0 && len(f) > lim.MaxField {
			col := fmt.Sprintf("column %d", i+1)
			if i < len(t.Header) && strings.TrimSpace(t.Header[i]) != "" {
				col = strings.TrimSpace(t.Header[i])
			}
			id := ""
			if i != t.col["sourcedId"] {
				if v := t.get("sourcedId"); v != "" && len(v) <= lim.MaxField {
					id = " of sourcedId " + v
				}
			}
			return srcErr(t.File, t.Line, "field %s%s is %d KB long; no real OneRoster field is longer than %d KB, so the file is refused and nothing was imported",
				col, id, len(f)>>10, lim.MaxField>>10)
		}
	}
	return nil
}

func (t *table) finish() {
	if t.tr.CRLF {
		t.log.infof(rosterdesk.LogEntry{Phase: "read", File: t.File, Rule: "encoding.crlf"}, "uses Windows (CRLF) line endings; read normally")
	}
	if t.tr.Decoded > 0 {
		t.log.warnf(rosterdesk.LogEntry{Phase: "read", File: t.File, Line: t.tr.FirstBadAt, Rule: "encoding.windows1252"},
			"is not valid UTF-8: %d byte(s) decoded as Windows-1252 (first on line %d); check accented names", t.tr.Decoded, t.tr.FirstBadAt)
	}
}

// has tells whether the header has column c.
func (t *table) has(c string) bool {
	_, ok := t.col[c]
	return ok
}

// get returns column c of the current row, trimmed ("" when the column is absent).
func (t *table) get(c string) string {
	i, ok := t.colOf(c)
	if !ok || i >= len(t.rec) {
		return ""
	}
	if t.badID && isIDColumn(c) {
		return strings.TrimSpace(cleanID(t.rec[i]))
	}
	return trimSpace(t.rec[i])
}

// trimSpace is strings.TrimSpace, quicker for the common value that has no
// space at either end.
func trimSpace(v string) string {
	if n := len(v); n == 0 || v[0] > ' ' && v[0] < utf8.RuneSelf && v[n-1] > ' ' && v[n-1] < utf8.RuneSelf {
		return v
	}
	return strings.TrimSpace(v)
}

// colOf is t.col[c] through a small cache: get is called a dozen times a
// row, nearly always with the same few constant names, whose bytes compare
// equal at once when they are the same string.
func (t *table) colOf(c string) (int, bool) {
	h := uint64(uintptr(unsafe.Pointer(unsafe.StringData(c)))) ^ uint64(len(c))
	e := &t.colCache[(h*0x9e3779b97f4a7c15)>>58] // the top 6 bits: one of 64
	if e.set && e.name == c {
		return e.i, e.ok
	}
	i, ok := t.col[c]
	*e = colHit{name: c, i: i, ok: ok, set: true}
	return i, ok
}

type colHit struct {
	name    string
	i       int
	ok, set bool
}

// colNo is the 1-based column number of c, for the log.
func (t *table) colNo(c string) int {
	if i, ok := t.col[c]; ok {
		return i + 1
	}
	return 0
}

func (t *table) Close() error {
	t.stopReadAhead()
	if t.log.cur == t {
		t.log.cur = nil
	}
	return t.rc.Close()
}

// displayName names the current row's record the way an admin knows it:
// a person by given and family name and role, a class, course or session by
// title, an org by name. Empty when the row has none.
func (t *table) displayName() string {
	switch t.Canon {
	case "users":
		name := strings.TrimSpace(t.get("givenName") + " " + t.get("familyName"))
		role := t.get("role")
		if role == "" && t.roleOf != nil {
			role = t.roleOf(t.get("sourcedId"))
		}
		if name != "" && role != "" {
			return name + " (" + role + ")"
		}
		return name
	case "classes", "courses", "academicSessions":
		return t.get("title")
	case "orgs":
		return t.get("name")
	}
	return ""
}

// raw is the current row as the SIS sent it: the CSV line (its fields as
// read, quoted again where CSV needs it) or, for a REST collection, the
// record's fields as a JSON object. A password is never kept: its value is
// replaced by "***".
func (t *table) raw() string {
	pw := -1
	if i, ok := t.col["password"]; ok && i < len(t.rec) && t.rec[i] != "" {
		pw = i
	}
	if t.lineOffset < 0 {
		m := make(map[string]string, len(t.rec))
		for i, v := range t.rec {
			if i < len(t.Header) && v != "" {
				if i == pw {
					v = "***"
				}
				m[t.Header[i]] = v
			}
		}
		j, _ := json.Marshal(m)
		return string(j)
	}
	rec := t.rec
	if pw >= 0 {
		rec = append([]string(nil), t.rec...)
		rec[pw] = "***"
	}
	var b strings.Builder
	w := csv.NewWriter(&b)
	w.Write(rec)
	w.Flush()
	return strings.TrimRight(b.String(), "\n")
}
