package sync

import (
	"encoding/csv"
	"errors"
	"io"
	"sort"
	"strings"
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
	r := csv.NewReader(tr)
	r.FieldsPerRecord = -1
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
			s.log.warnf("open", name, line, 0, "", "", "manifest.bad_row", "row has no value; ignored")
			continue
		}
		k, v := strings.TrimSpace(rec[0]), strings.TrimSpace(rec[1])
		if _, dup := props[k]; dup {
			s.log.warnf("open", name, line, 1, "", k, "manifest.duplicate_property", "%s is given twice; the first is used", k)
			continue
		}
		props[k] = v
		lines[k] = line
	}
	switch v := props["oneroster.version"]; v {
	case "1.1", "1.2":
		s.Version = v
	case "":
		s.Version = s.detectVersion()
		s.log.warnf("open", name, 0, 0, "", "oneroster.version", "manifest.version_missing", "manifest.csv does not say oneroster.version; detected %s from the headers", s.Version)
	default:
		if strings.HasPrefix(v, "1.2") {
			s.Version = "1.2"
		} else {
			s.Version = "1.1"
		}
		s.log.warnf("open", name, lines["oneroster.version"], 2, "", "oneroster.version", "manifest.version", "oneroster.version %q is not 1.1 or 1.2; read as %s", v, s.Version)
	}
	s.SystemName = props["source.systemName"]
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
				s.log.warnf("open", name, lines[k], 1, "", k, "manifest.unknown_property", "%s names no OneRoster file; ignored", k)
				continue
			}
			declared[canon] = true
			mode := Mode(strings.ToLower(v))
			switch mode {
			case ModeBulk, ModeDelta, ModeAbsent:
				if string(mode) != v {
					s.log.warnf("open", name, lines[k], 2, "", k, "manifest.value_case", "%s is %q; read as %s", k, v, mode)
				}
			default:
				s.log.warnf("open", name, lines[k], 2, "", k, "manifest.bad_value", "%s is %q, not bulk, delta or absent; the file is treated as absent", k, v)
				mode = ModeAbsent
			}
			_, present := s.Files[canon]
			switch {
			case mode != ModeAbsent && !present:
				s.log.warnf("open", name, lines[k], 2, "", k, "manifest.file_missing", "%s.csv is declared %s but is not in the source; nothing in it is changed", canon, mode)
				mode = ModeAbsent
			case mode == ModeAbsent && present:
				s.log.warnf("open", name, lines[k], 2, "", k, "manifest.file_unexpected", "%s.csv is in the source but declared absent; it is ignored", canon)
			}
			s.Modes[canon] = mode
		default:
			s.log.warnf("open", name, lines[k], 1, "", k, "manifest.unknown_property", "unknown manifest property %q ignored", k)
		}
	}
	for canon := range s.Files {
		if canon != "manifest" && !declared[canon] {
			s.log.warnf("open", s.Files[canon], 0, 0, "", "file."+canon, "manifest.file_undeclared", "%s.csv is not declared in manifest.csv; it is ignored", canon)
			s.Modes[canon] = ModeAbsent
		}
	}
	return nil
}

func (s *Source) noManifest() error {
	for canon := range s.Files {
		s.Modes[canon] = ModeBulk
	}
	s.Version = s.detectVersion()
	if s.Kind != "file" {
		s.log.warnf("open", "manifest.csv", 0, 0, "", "", "manifest.missing",
			"no manifest.csv: OneRoster %s detected from the headers; every file is read as a complete (bulk) set", s.Version)
	} else {
		s.log.warnf("open", baseName(s.Files[firstKey(s.Files)]), 0, 0, "", "", "manifest.missing",
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

// detectVersion tells 1.1 from 1.2 by roles.csv and the users.csv header.
func (s *Source) detectVersion() string {
	if _, ok := s.Files["roles"]; ok {
		return "1.2"
	}
	if _, ok := s.Files["users"]; ok {
		rc, _, err := s.open("users")
		if err == nil {
			defer rc.Close()
			r := csv.NewReader(newTextReader(rc, s.limits.MaxLine))
			if hdr, err := r.Read(); err == nil {
				has := map[string]bool{}
				for _, h := range hdr {
					has[strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))] = true
				}
				if !has["role"] && !has["orgsourcedids"] && (has["primaryorgsourcedid"] || has["usermasteridentifier"]) {
					return "1.2"
				}
			}
		}
	}
	return "1.1"
}
