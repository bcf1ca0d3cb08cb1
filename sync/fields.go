package sync

import (
	"regexp"
	"strings"
	"time"

	"rosterdesk/data"
)

// Field checks used while planning. Each logs its own error or warning with
// file, line, column, sourcedId and field, and says whether the row survives.

func (p *planner) required(t *table, field string) (string, bool) {
	v := t.get(field)
	if v == "" {
		p.log.errorf("validate", t.File, t.Line, t.colNo(field), t.get("sourcedId"), field, "required.missing", "%s is required but empty; row skipped", field)
		return "", false
	}
	return v, true
}

// status reads status: gone is true for tobedeleted (and the OneRoster 1.0 "inactive").
func (p *planner) status(t *table) (gone bool, ok bool) {
	v := t.get("status")
	switch v {
	case "", "active":
		if v == "active" && p.src.Bulk(t.Canon) && p.src.Version == "1.2" {
			p.log.warnOnce(t.File, t.Line, t.colNo("status"), t.get("sourcedId"), "status", "bulk.status_filled", "status should be blank in a bulk file; read as active")
		}
		return false, true
	case "tobedeleted":
		return true, true
	}
	switch strings.ToLower(v) {
	case "active":
		p.log.warnOnce(t.File, t.Line, t.colNo("status"), t.get("sourcedId"), "status", "enum.case", "status "+v+" read as active")
		return false, true
	case "tobedeleted":
		p.log.warnOnce(t.File, t.Line, t.colNo("status"), t.get("sourcedId"), "status", "enum.case", "status "+v+" read as tobedeleted")
		return true, true
	case "inactive", "deleted":
		p.log.warnOnce(t.File, t.Line, t.colNo("status"), t.get("sourcedId"), "status", "status.legacy",
			"status "+v+" is not OneRoster 1.1/1.2; read as tobedeleted")
		return true, true
	}
	p.log.errorf("validate", t.File, t.Line, t.colNo("status"), t.get("sourcedId"), "status", "enum.invalid", "status %q is not active or tobedeleted; row skipped", v)
	return false, false
}

var extToken = regexp.MustCompile(`^ext:[a-zA-Z0-9.\-_]+$`)

// enum checks a value against a list; case differences are corrected with a warning.
func (p *planner) enum(t *table, field string, list []string, required, open bool) (string, bool) {
	v := t.get(field)
	if v == "" {
		if required {
			return p.required(t, field)
		}
		return "", true
	}
	for _, x := range list {
		if v == x {
			return v, true
		}
	}
	for _, x := range list {
		if strings.EqualFold(v, x) {
			p.log.warnOnce(t.File, t.Line, t.colNo(field), t.get("sourcedId"), field, "enum.case", field+" "+v+" read as "+x)
			return x, true
		}
	}
	if open && extToken.MatchString(v) {
		return v, true
	}
	p.log.errorf("validate", t.File, t.Line, t.colNo(field), t.get("sourcedId"), field, "enum.invalid",
		"%s %q is not one of %s; row skipped", field, v, strings.Join(list, ", "))
	return "", false
}

// boolean reads true/false; TRUE and friends are corrected with a warning.
func (p *planner) boolean(t *table, field string, required bool) (string, bool) {
	v := t.get(field)
	switch v {
	case "true", "false":
		return v, true
	case "":
		if required {
			return p.required(t, field)
		}
		return "", true
	}
	if l := strings.ToLower(v); l == "true" || l == "false" {
		p.log.warnOnce(t.File, t.Line, t.colNo(field), t.get("sourcedId"), field, "bool.case", field+" "+v+" read as "+l)
		return l, true
	}
	p.log.errorf("validate", t.File, t.Line, t.colNo(field), t.get("sourcedId"), field, "bool.invalid", "%s %q is not true or false; row skipped", field, v)
	return "", false
}

// date reads a YYYY-MM-DD date; a full timestamp is cut to its date with a warning.
func (p *planner) date(t *table, field string, required bool) (string, bool) {
	v := t.get(field)
	if v == "" {
		if required {
			return p.required(t, field)
		}
		return "", true
	}
	if _, err := time.Parse("2006-01-02", v); err == nil {
		return v, true
	}
	if len(v) > 10 {
		if _, err := time.Parse("2006-01-02", v[:10]); err == nil && (v[10] == 'T' || v[10] == ' ') {
			p.log.warnOnce(t.File, t.Line, t.colNo(field), t.get("sourcedId"), field, "date.time_dropped", field+" "+v+" is a timestamp; its date is kept")
			return v[:10], true
		}
	}
	p.log.errorf("validate", t.File, t.Line, t.colNo(field), t.get("sourcedId"), field, "date.invalid", "%s %q is not a date (YYYY-MM-DD); row skipped", field, v)
	return "", false
}

var yearRE = regexp.MustCompile(`^\d{4}$`)

func (p *planner) year(t *table, field string) (string, bool) {
	v, ok := p.required(t, field)
	if !ok {
		return "", false
	}
	if !yearRE.MatchString(v) {
		p.log.errorf("validate", t.File, t.Line, t.colNo(field), t.get("sourcedId"), field, "year.invalid", "%s %q is not a year (YYYY); row skipped", field, v)
		return "", false
	}
	return v, true
}

// lastModified checks dateLastModified leniently: it is not stored, so a bad one is only a warning.
func (p *planner) lastModified(t *table) {
	v := t.get("dateLastModified")
	if v == "" {
		return
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.000Z", "2006-01-02", "2006-01-02 15:04:05", "2006-01-02T15:04:05"} {
		if _, err := time.Parse(layout, v); err == nil {
			return
		}
	}
	p.log.warnOnce(t.File, t.Line, t.colNo("dateLastModified"), t.get("sourcedId"), "dateLastModified", "date.invalid",
		"dateLastModified "+v+" is not a OneRoster date-time; ignored")
}

// list splits a comma-separated list field, trimming spaces and dropping empty items.
func (p *planner) list(t *table, field string) []string {
	v := t.get(field)
	if v == "" {
		return nil
	}
	parts := strings.Split(v, ",")
	out := parts[:0]
	for _, x := range parts {
		x = strings.TrimSpace(x)
		if x == "" {
			p.log.warnOnce(t.File, t.Line, t.colNo(field), t.get("sourcedId"), field, "list.empty_item", field+" has an empty item; dropped")
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
