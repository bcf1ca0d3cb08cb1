package sync

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"rosterdesk"
	"rosterdesk/data"
)

// Field checks are methods of the table being read: each reads a field of
// the current row, logs its own error or warning with file, line, column,
// sourcedId and field, and says whether the row survives.

// at is a log entry about field of the row being read, under rule.
func (t *table) at(field, rule string) rosterdesk.LogEntry {
	return rosterdesk.LogEntry{Phase: "validate", File: t.File, Line: t.Line, Column: t.colNo(field), SourcedID: t.get("sourcedId"), Field: field, Rule: rule}
}

// reject logs an error about field that rejects the row.
func (t *table) reject(field, rule, format string, a ...any) {
	t.log.errorf(t.at(field, rule), format, a...)
}

// warn logs a warning about field: the row is kept with something dropped or corrected.
func (t *table) warn(field, rule, format string, a ...any) {
	t.log.warnf(t.at(field, rule), format, a...)
}

// note logs why the plan treats the row as it does.
func (t *table) note(field, rule, format string, a ...any) {
	e := t.at(field, rule)
	e.Phase = "plan"
	t.log.infof(e, format, a...)
}

// presence says whether an empty field rejects the row.
type presence bool

const (
	optional  presence = false
	mandatory presence = true
)

// required reads a field that may not be empty.
func (t *table) required(field string) (string, bool) {
	v := t.get(field)
	if v == "" {
		t.reject(field, "required.missing", "%s is required but empty; row skipped", field)
		return "", false
	}
	return v, true
}

// status reads status: gone is true for tobedeleted (and the OneRoster 1.0 "inactive").
func (t *table) status() (gone bool, ok bool) {
	v := t.get("status")
	switch v {
	case "", "active":
		if v == "active" && t.src.Bulk(t.Canon) && t.src.Version == "1.2" {
			t.log.warnOnce(t.at("status", "bulk.status_filled"), "status should be blank in a bulk file; read as active")
		}
		return false, true
	case "tobedeleted":
		return true, true
	}
	switch strings.ToLower(v) {
	case "active":
		t.log.warnOnce(t.at("status", "enum.case"), "status "+v+" read as active")
		return false, true
	case "tobedeleted":
		t.log.warnOnce(t.at("status", "enum.case"), "status "+v+" read as tobedeleted")
		return true, true
	case "inactive", "deleted":
		t.log.warnOnce(t.at("status", "status.legacy"),
			"status "+v+" is not OneRoster 1.1/1.2; read as tobedeleted")
		return true, true
	}
	t.reject("status", "enum.invalid", "status %q is not active or tobedeleted; row skipped", v)
	return false, false
}

var extToken = regexp.MustCompile(`^ext:[a-zA-Z0-9.\-_]+$`)

// lookup finds v in the vocabulary: as written, in another case (corrected
// is true), or as an ext: token of an extensible one. An empty v is not found.
func (vo vocab) lookup(v string) (value string, corrected, ok bool) {
	if v == "" {
		return "", false, false
	}
	for _, x := range vo.values {
		if v == x {
			return v, false, true
		}
	}
	for _, x := range vo.values {
		if strings.EqualFold(v, x) {
			return x, true, true
		}
	}
	if vo.ext && extToken.MatchString(v) {
		return v, false, true
	}
	return "", false, false
}

// enum reads a required field of a vocabulary; a case difference is corrected with a warning.
func (t *table) enum(field string, vo vocab) (string, bool) {
	v := t.get(field)
	if v == "" {
		return t.required(field)
	}
	x, corrected, ok := vo.lookup(v)
	if !ok {
		t.reject(field, "enum.invalid",
			"%s %q is not one of %s; row skipped", field, v, strings.Join(vo.values, ", "))
		return "", false
	}
	if corrected {
		t.log.warnOnce(t.at(field, "enum.case"), field+" "+v+" read as "+x)
	}
	return x, true
}

// boolean reads true/false; TRUE and friends are corrected with a warning.
func (t *table) boolean(field string, need presence) (string, bool) {
	v := t.get(field)
	switch v {
	case "true", "false":
		return v, true
	case "":
		if need == mandatory {
			return t.required(field)
		}
		return "", true
	}
	switch l := strings.ToLower(v); l {
	case "true", "false":
		t.log.warnOnce(t.at(field, "bool.case"), field+" "+v+" read as "+l)
		return l, true
	case "yes", "y", "1", "t", "no", "n", "0", "f":
		b := "true"
		if l == "no" || l == "n" || l == "0" || l == "f" {
			b = "false"
		}
		t.log.warnOnce(t.at(field, "bool.word"),
			fmt.Sprintf("%s %q read as %s (OneRoster writes true or false)", field, v, b))
		return b, true
	}
	t.reject(field, "bool.invalid", "%s %q is not true or false; row skipped", field, v)
	return "", false
}

// date reads a YYYY-MM-DD date; a full timestamp is cut to its date with a warning.
func (t *table) date(field string, need presence) (string, bool) {
	v := t.get(field)
	if v == "" {
		if need == mandatory {
			return t.required(field)
		}
		return "", true
	}
	if _, err := time.Parse("2006-01-02", v); err == nil {
		return v, true
	}
	if len(v) > 10 {
		if _, err := time.Parse("2006-01-02", v[:10]); err == nil && (v[10] == 'T' || v[10] == ' ') {
			t.log.warnOnce(t.at(field, "date.time_dropped"), field+" "+v+" is a timestamp; its date is kept")
			return v[:10], true
		}
	}
	if excelDate.MatchString(v) {
		t.reject(field, "date.invalid",
			"%s %q is not a date (YYYY-MM-DD): %s; row skipped", field, v, excelDateHint)
		return "", false
	}
	t.reject(field, "date.invalid", "%s %q is not a date (YYYY-MM-DD); row skipped", field, v)
	return "", false
}

var yearRE = regexp.MustCompile(`^\d{4}$`)

// year reads a required YYYY year.
func (t *table) year(field string) (string, bool) {
	v, ok := t.required(field)
	if !ok {
		return "", false
	}
	if !yearRE.MatchString(v) {
		t.reject(field, "year.invalid", "%s %q is not a year (YYYY); row skipped", field, v)
		return "", false
	}
	return v, true
}

// lastModified checks dateLastModified leniently: it is not stored, so a bad one is only a warning.
func (t *table) lastModified() {
	v := t.get("dateLastModified")
	if v == "" {
		return
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.000Z", "2006-01-02", "2006-01-02 15:04:05", "2006-01-02T15:04:05"} {
		if _, err := time.Parse(layout, v); err == nil {
			return
		}
	}
	if excelDate.MatchString(v) {
		t.log.warnOnce(t.at("dateLastModified", "date.invalid"),
			"dateLastModified "+v+" is not a OneRoster date-time ("+excelDateHint+"); ignored")
		return
	}
	t.log.warnOnce(t.at("dateLastModified", "date.invalid"),
		"dateLastModified "+v+" is not a OneRoster date-time; ignored")
}

// list splits a comma-separated list field, trimming spaces and dropping empty items.
func (t *table) list(field string) []string {
	v := t.get(field)
	if v == "" {
		return nil
	}
	parts := strings.Split(v, ",")
	out := parts[:0]
	for _, x := range parts {
		x = strings.TrimSpace(x)
		if x == "" {
			t.log.warnOnce(t.at(field, "list.empty_item"), field+" has an empty item; dropped")
			continue
		}
		out = append(out, x)
	}
	return out
}

// clean keeps a value safe to store in a Sep-joined record.
func clean(v string) string {
	if strings.Contains(v, Sep) {
		return strings.ReplaceAll(v, Sep, " ")
	}
	return v
}

// Sep is the value separator of planned records.
const Sep = data.Sep

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// cedsCodes are the CEDS entry-grade codes OneRoster grades use.
var cedsCodes = []string{"IT", "PR", "PK", "TK", "KG", "01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12", "13", "PS", "UG", "Other"}

var gradeOrdinals = []string{"first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth", "eleventh", "twelfth", "thirteenth"}

var gradeNames = map[string]string{
	"infant": "IT", "toddler": "IT", "infant toddler": "IT", "infant/toddler": "IT",
	"preschool": "PR", "pre school": "PR", "preschool/prekindergarten": "PK",
	"prekindergarten": "PK", "pre kindergarten": "PK", "pre k": "PK", "prek": "PK",
	"transitional kindergarten": "TK",
	"kindergarten":              "KG", "k": "KG", "kg": "KG",
	"postsecondary": "PS", "post secondary": "PS",
	"ungraded": "UG", "other": "Other",
}

// cedsGrade reads a grade written as a CEDS code in another case, a number
// without its leading zero or a name ("Second grade", "Grade 2", "2nd").
func cedsGrade(g string) (string, bool) {
	for _, c := range cedsCodes {
		if strings.EqualFold(g, c) {
			return c, true
		}
	}
	if isDigits(g) {
		if n := strings.TrimLeft(g, "0"); len(n) == 1 && n != "0" {
			return "0" + n, true
		}
		return "", false
	}
	l := strings.ToLower(strings.Join(strings.FieldsFunc(g, func(r rune) bool { return r == ' ' || r == '-' || r == '_' }), " "))
	if c, ok := gradeNames[l]; ok {
		return c, true
	}
	l = strings.TrimSpace(strings.TrimSuffix(strings.TrimPrefix(l, "grade "), " grade"))
	if c, ok := gradeNames[l]; ok { // "Grade K"
		return c, true
	}
	for i, o := range gradeOrdinals {
		n := fmt.Sprintf("%02d", i+1)
		num := strings.TrimLeft(n, "0")
		if l == o || l == num || l == n || l == num+ordSuffix(i+1) {
			return n, true
		}
	}
	return "", false
}

func ordSuffix(n int) string {
	switch {
	case n >= 11 && n <= 13:
		return "th"
	case n%10 == 1:
		return "st"
	case n%10 == 2:
		return "nd"
	case n%10 == 3:
		return "rd"
	}
	return "th"
}

// excelDate recognises the local date forms Excel rewrites ISO dates into
// (8/15/2026, 15.08.2026, 15-08-2026, 8/15/26).
var excelDate = regexp.MustCompile(`^(\d{1,2}[/.\-]\d{1,2}[/.\-](\d{2}|\d{4})|\d{1,2}[ \-][A-Za-z]{3}[ \-](\d{2}|\d{4}))( \d{1,2}:\d{2}(:\d{2})?( ?[AaPp][Mm])?)?$`)

// excelNumber is how Excel shows a long number it took for a quantity: 1.23457E+11.
var excelNumber = regexp.MustCompile(`^\d(\.\d+)?[Ee]\+\d+$`)

// excelHint is the fix for a value Excel rewrote.
const excelDateHint = "it looks edited in Excel, which rewrites dates in its local form; export the file again from the SIS, or format the column as yyyy-mm-dd (Format Cells › Custom) before saving it as CSV UTF-8"

// zeros notices, in one column, numbers that lost their leading zeros (123
// beside 00456): Excel drops them when it opens a CSV file and saves it again.
type zeros struct {
	col    string
	padLen int     // the length of the first zero-led number
	padEx  string  // that number
	plain  [12]int // numbers without a leading zero, by length
	ex     string  // the shortest such number, its row's sourcedId and line
	exID   string
	exLine int
}

func (z *zeros) see(t *table) {
	v := t.get(z.col)
	// What excelNumber matches starts with a digit and holds a +: most values need no regexp.
	if v != "" && v[0] >= '0' && v[0] <= '9' && strings.IndexByte(v, '+') > 0 && excelNumber.MatchString(v) {
		t.log.warnOnce(t.at(z.col, "excel.number"),
			z.col+" "+v+" is a long number in Excel's scientific notation, so its digits are lost: the file looks edited in Excel; export it again from the SIS, or in Excel import the column as Text before saving it as CSV UTF-8")
		return
	}
	if len(v) < 2 || len(v) > 11 || !isDigits(v) {
		return
	}
	if v[0] == '0' {
		if z.padLen == 0 {
			z.padLen, z.padEx = len(v), strings.Clone(v)
		}
		return
	}
	z.plain[len(v)]++
	if z.ex == "" || len(v) < len(z.ex) {
		z.ex, z.exID, z.exLine = strings.Clone(v), strings.Clone(t.get("sourcedId")), t.Line
	}
}

func (z *zeros) report(log *runLog, t *table) {
	if z.padLen == 0 || z.ex == "" || len(z.ex) >= z.padLen {
		return
	}
	n := 0
	for l := 0; l < z.padLen && l < len(z.plain); l++ {
		n += z.plain[l]
	}
	log.warnf(rosterdesk.LogEntry{Phase: "validate", File: t.File, Line: z.exLine, Column: t.colNo(z.col), SourcedID: z.exID, Field: z.col, Rule: "excel.zeros"},
		"%s %s looks like %s without its leading zeros (%s has them; %d value(s) like this): the file looks edited in Excel, which drops leading zeros; export it again from the SIS, or in Excel import the column as Text before saving it as CSV UTF-8",
		z.col, z.ex, strings.Repeat("0", z.padLen-len(z.ex))+z.ex, z.padEx, n)
}
