package resttest

import (
	"encoding/csv"
	"errors"
	"io"
	"os"
	"path/filepath"
	"sort"
)

// Load replaces the data with a OneRoster CSV bundle folder (bulk).
func (s *Server) Load(dir string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.data = map[string][]*record{}
	for _, file := range []string{"orgs", "academicSessions", "courses", "classes", "users", "enrollments"} {
		rows, err := readCSV(filepath.Join(dir, file+".csv"))
		if err != nil {
			return err
		}
		for _, r := range rows {
			s.data[file] = append(s.data[file], &record{id: r["sourcedId"], status: "active", modified: or(r["dateLastModified"], s.cfg.Modified), f: r})
		}
		sortRecords(s.data[file])
	}
	if s.cfg.Version == "1.2" {
		rows, err := readCSV(filepath.Join(dir, "roles.csv"))
		if err != nil {
			return err
		}
		byUser := map[string]*record{}
		for _, u := range s.data["users"] {
			byUser[u.id] = u
		}
		for _, r := range rows {
			if u := byUser[r["userSourcedId"]]; u != nil {
				u.roles = append(u.roles, r)
			}
		}
	}
	return nil
}

// ApplyDelta changes the data by a delta bundle folder: active rows are
// added or replaced with their dateLastModified; tobedeleted rows become
// tombstones (status tobedeleted) when tombstones is true, else they vanish
// (as many providers do). A 1.2 role change marks its user modified.
func (s *Server) ApplyDelta(dir string, tombstones bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, file := range []string{"orgs", "academicSessions", "courses", "classes", "users", "enrollments", "roles"} {
		rows, err := readCSV(filepath.Join(dir, file+".csv"))
		if err != nil {
			return err
		}
		if file == "roles" {
			s.applyRoles(rows)
			continue
		}
		idx := map[string]int{}
		for i, r := range s.data[file] {
			idx[r.id] = i
		}
		for _, r := range rows {
			id, st, mod := r["sourcedId"], r["status"], r["dateLastModified"]
			i, ok := idx[id]
			switch {
			case st == "tobedeleted" && ok && tombstones:
				s.data[file][i].status, s.data[file][i].modified = "tobedeleted", mod
			case st == "tobedeleted" && ok:
				s.data[file][i] = nil
			case st != "tobedeleted" && ok:
				old := s.data[file][i]
				s.data[file][i] = &record{id: id, status: "active", modified: mod, f: r, roles: old.roles}
			case st != "tobedeleted":
				s.data[file] = append(s.data[file], &record{id: id, status: "active", modified: mod, f: r})
				idx[id] = len(s.data[file]) - 1
			}
		}
		kept := s.data[file][:0]
		for _, r := range s.data[file] {
			if r != nil {
				kept = append(kept, r)
			}
		}
		s.data[file] = kept
		sortRecords(s.data[file])
	}
	return nil
}

func (s *Server) applyRoles(rows []map[string]string) {
	users := map[string]*record{}
	for _, u := range s.data["users"] {
		users[u.id] = u
	}
	for _, r := range rows {
		u := users[r["userSourcedId"]]
		if u == nil {
			continue
		}
		kept := u.roles[:0]
		for _, old := range u.roles {
			if old["sourcedId"] != r["sourcedId"] {
				kept = append(kept, old)
			}
		}
		u.roles = kept
		if r["status"] != "tobedeleted" {
			u.roles = append(u.roles, r)
		}
		if u.status == "active" && r["dateLastModified"] > u.modified {
			u.modified = r["dateLastModified"]
		}
	}
}

func sortRecords(rs []*record) { sort.Slice(rs, func(i, j int) bool { return rs[i].id < rs[j].id }) }

func or(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// readCSV reads a CSV file into maps by header name; a missing file is no rows.
func readCSV(p string) ([]map[string]string, error) {
	f, err := os.Open(p)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1
	hdr, err := r.Read()
	if err == io.EOF {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []map[string]string
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		m := make(map[string]string, len(hdr))
		for i, h := range hdr {
			if i < len(rec) {
				m[h] = rec[i]
			}
		}
		out = append(out, m)
	}
}
