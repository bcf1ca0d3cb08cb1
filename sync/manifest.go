package sync

import (
	"errors"
	"io"
	"sort"
	"strings"

	"rosterdesk"
)

// readManifest reads manifest.csv (version and bulk/delta per file); without
// one, the version is detected from the headers and every file counts as bulk.
func (s *Source) readManifest() error {
	if _, ok := s.Files["manifest"]; !ok {
		return s.noManifest()
	}
	s.HasManifest = true
	rc, name, err := s.open("manifest")
	if err != nil {
		return err
	}
	defer rc.Close()
	tr := newTextReader(rc, s.limits.MaxLine)
	r, _ := csvReader(tr)
	hdr, err := r.Read()
	if err != nil {
		return srcErr(name, 1, "cannot be read: %v", err)
	}
	if len(hdr) < 2 || !strings.EqualFold(strings.TrimSpace(hdr[0]), "propertyName") || !strings.EqualFold(strings.TrimSpace(hdr[1]), "value") {
		return srcErr(name, 1, "header must be propertyName,value (found %q)", strings.Join(hdr, ","))
	}
	props := map[string]string{}
	lines := map[string]int{}
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return srcErr(name, 0, "is not valid CSV: %v", err)
		}
		line, _ := r.FieldPos(0)
		if len(rec) < 2 {
			if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
				continue
			}
			s.log.warnf(rosterdesk.LogEntry{Phase: "open", File: name, Line: line, Rule: "manifest.bad_row"}, "row has no value; ignored")
			continue
		}
		k, v := strings.TrimSpace(rec[0]), strings.TrimSpace(rec[1])
		if _, dup := props[k]; dup {
			s.log.warnf(rosterdesk.LogEntry{Phase: "open", File: name, Line: line, Column: 1, Field: k, Rule: "manifest.duplicate_property"}, "%s is given twice; the first is used", k)
			continue
		}
		props[k] = v
		lines[k] = line
	}
	if v, ok := props["manifest.version"]; ok && v != "1.0" {
		s.log.warnf(rosterdesk.LogEntry{Phase: "open", File: name, Line: lines["manifest.version"], Column: 2, Field: "manifest.version", Rule: "manifest.version"},
			"manifest.version %q is not 1.0, the only manifest version OneRoster 1.1 and 1.2 define; read as 1.0", v)
	}
	switch v := props["oneroster.version"]; v {
	case "1.1", "1.2":
		s.Version = v
	case "1.0":
		s.Version = "1.0"
	case "":
		s.Version = s.detectVersion()
		s.log.warnf(rosterdesk.LogEntry{Phase: "open", File: name, Field: "oneroster.version", Rule: "manifest.version_missing"}, "manifest.csv does not say oneroster.version; detected %s from the headers", s.Version)
	default:
		if strings.HasPrefix(v, "1.2") {
			s.Version = "1.2"
		} else {
			s.Version = "1.1"
		}
		s.log.warnf(rosterdesk.LogEntry{Phase: "open", File: name, Line: lines["oneroster.version"], Column: 2, Field: "oneroster.version", Rule: "manifest.version"}, "oneroster.version %q is not 1.1 or 1.2; read as %s", v, s.Version)
	}
	s.SystemName = props["source.systemName"]
	s.announce10()
	declared := map[string]bool{}
	keys := make([]string, 0, len(props))
	for k := range props {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v := props[k]
		switch {
		case k == "manifest.version" || k == "oneroster.version" || strings.HasPrefix(k, "source."):
		case strings.HasPrefix(k, "file."):
			file := strings.TrimPrefix(k, "file.")
			canon, ok := canonicalFile(file)
			if !ok {
				s.log.warnf(rosterdesk.LogEntry{Phase: "open", File: name, Line: lines[k], Column: 1, Field: k, Rule: "manifest.unknown_property"}, "%s names no OneRoster file; ignored", k)
				continue
			}
			declared[canon] = true
			mode := rosterdesk.Mode(strings.ToLower(v))
			switch mode {
			case rosterdesk.ModeBulk, rosterdesk.ModeDelta, rosterdesk.ModeAbsent:
				if string(mode) != v {
					s.log.warnf(rosterdesk.LogEntry{Phase: "open", File: name, Line: lines[k], Column: 2, Field: k, Rule: "manifest.value_case"}, "%s is %q; read as %s", k, v, mode)
				}
			default:
				s.log.warnf(rosterdesk.LogEntry{Phase: "open", File: name, Line: lines[k], Column: 2, Field: k, Rule: "manifest.bad_value"}, "%s is %q, not bulk, delta or absent; the file is treated as absent", k, v)
				mode = rosterdesk.ModeAbsent
			}
			_, present := s.Files[canon]
			switch {
			case mode != rosterdesk.ModeAbsent && !present:
				s.log.warnf(rosterdesk.LogEntry{Phase: "open", File: name, Line: lines[k], Column: 2, Field: k, Rule: "manifest.file_missing"}, "%s.csv is declared %s but is not in the source; nothing in it is changed", canon, mode)
				mode = rosterdesk.ModeAbsent
			case mode == rosterdesk.ModeAbsent && present:
				s.log.warnf(rosterdesk.LogEntry{Phase: "open", File: name, Line: lines[k], Column: 2, Field: k, Rule: "manifest.file_unexpected"}, "%s.csv is in the source but declared absent; it is ignored", canon)
			}
			s.Modes[canon] = mode
		default:
			s.log.warnf(rosterdesk.LogEntry{Phase: "open", File: name, Line: lines[k], Column: 1, Field: k, Rule: "manifest.unknown_property"}, "unknown manifest property %q ignored", k)
		}
	}
	for canon := range s.Files {
		if canon != "manifest" && !declared[canon] {
			s.log.warnf(rosterdesk.LogEntry{Phase: "open", File: s.Files[canon], Field: "file." + canon, Rule: "manifest.file_undeclared"}, "%s.csv is not declared in manifest.csv; it is ignored", canon)
			s.Modes[canon] = rosterdesk.ModeAbsent
		}
	}
	return nil
}

func (s *Source) noManifest() error {
	for canon := range s.Files {
		s.Modes[canon] = rosterdesk.ModeBulk
	}
	s.Version = s.detectVersion()
	defer s.announce10()
	if s.Kind != "file" {
		s.log.warnf(rosterdesk.LogEntry{Phase: "open", File: "manifest.csv", Rule: "manifest.missing"},
			"no manifest.csv: OneRoster %s detected from the headers; every file is read as a complete (bulk) set", s.Version)
	} else {
		s.log.warnf(rosterdesk.LogEntry{Phase: "open", File: baseName(s.Files[firstKey(s.Files)]), Rule: "manifest.missing"},
			"a lone file without manifest.csv: OneRoster %s detected from its header; read as a complete (bulk) set", s.Version)
	}
	return nil
}

func firstKey(m map[string]string) string {
	for k := range m {
		return k
	}
	return ""
}

// detectVersion tells 1.1 from 1.2 by roles.csv and the users.csv header,
// and 1.0 by its column names.
func (s *Source) detectVersion() string {
	if _, ok := s.Files["roles"]; ok {
		return "1.2"
	}
	if has := s.header("users"); has != nil {
		if !has["role"] && !has["orgsourcedids"] && (has["primaryorgsourcedid"] || has["usermasteridentifier"]) {
			return "1.2"
		}
	}
	if s.looks10() {
		return "1.0"
	}
	return "1.1"
}

// looks10 tells a OneRoster 1.0 bundle: some headers use 1.0 names and none a 1.1 one.
func (s *Source) looks10() bool {
	old, newer := 0, 0
	for canon, m11 := range markers11 {
		has := s.header(canon)
		if has == nil {
			continue
		}
		for _, c := range m11 {
			if has[c] {
				newer++
			}
		}
		for _, c := range markers10[canon] {
			if has[c] {
				old++
			}
		}
		if canon == "academicSessions" && has["startdate"] && !has["schoolyear"] {
			old++
		}
	}
	return old > 0 && newer == 0
}

// header reads the header of a file as a set of lower-case names (nil when it cannot).
func (s *Source) header(canon string) map[string]bool {
	if _, ok := s.Files[canon]; !ok {
		return nil
	}
	rc, _, err := s.open(canon)
	if err != nil {
		return nil
	}
	defer rc.Close()
	r, _ := csvReader(newTextReader(rc, s.limits.MaxLine))
	hdr, err := r.Read()
	if err != nil {
		return nil
	}
	has := map[string]bool{}
	for _, h := range hdr {
		has[strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))] = true
	}
	return has
}

// announce10 tells the admin a 1.0 bundle was found and, file by file, what
// its 1.1 form needs. Files that already carry every required 1.1 column are read.
func (s *Source) announce10() {
	if s.Version != "1.0" {
		return
	}
	var needs []string
	if !s.HasManifest {
		needs = append(needs, "a manifest.csv (manifest.version 1.0, oneroster.version 1.1, file.<name> bulk for each file)")
	}
	for _, canon := range []string{"orgs", "academicSessions", "courses", "classes", "users", "enrollments"} {
		has := s.header(canon)
		if has == nil {
			continue
		}
		spec := specs11[canon]
		var fix []string
		for old, now := range renamed10 {
			if has[strings.ToLower(old)] && !has[strings.ToLower(now)] {
				fix = append(fix, "rename "+old+" to "+now)
			}
		}
		for _, r := range spec.required {
			if !has[strings.ToLower(r)] && !renamedFrom10(has, r) {
				fix = append(fix, "add "+r)
			}
		}
		if len(fix) > 0 {
			sort.Strings(fix)
			needs = append(needs, canon+".csv: "+strings.Join(fix, ", "))
		}
	}
	needs = append(needs, "status inactive written as tobedeleted")
	s.log.warnf(rosterdesk.LogEntry{Phase: "open", Field: "oneroster.version", Rule: "version.1_0"},
		"this is a OneRoster 1.0 export; RosterDesk reads OneRoster 1.1 and 1.2. Export OneRoster 1.1 from your SIS; a 1.1 bundle needs %s. Files that already have every required 1.1 column are read",
		strings.Join(needs, "; "))
}

func renamedFrom10(has map[string]bool, col string) bool {
	for old, now := range renamed10 {
		if now == col && has[strings.ToLower(old)] {
			return true
		}
	}
	return false
}
