package sync

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"rosterdesk"
)

// A full REST pull is read page by page, often from a server whose data
// changes while it is read (Ed-Fi rebuilds its views every 15 minutes): with
// offset paging a record that moves is skipped or sent twice. A pull is
// therefore checked for internal consistency before anything is taken away:
// what its own enrollments and classes name but it did not return was lost
// on the way, not removed from the SIS.

// pullGaps are the records a pull's own enrollments (users, classes) and
// classes (courses) name but the same pull did not return, by entity.
type pullGaps map[rosterdesk.Entity]map[string]bool

func (g pullGaps) n() int {
	n := 0
	for _, ids := range g {
		n += len(ids)
	}
	return n
}

func (g pullGaps) has(ent rosterdesk.Entity, id string) bool { return g[ent][id] }

// summary names what is missing: "2 users (u7, u9) and 1 class (k3)".
func (g pullGaps) summary() string {
	var parts []string
	for _, x := range []struct {
		ent       rosterdesk.Entity
		one, many string
	}{{rosterdesk.EntityUser, "user", "users"}, {rosterdesk.EntityClass, "class", "classes"}, {rosterdesk.EntityCourse, "course", "courses"}} {
		ids := make([]string, 0, len(g[x.ent]))
		for id := range g[x.ent] {
			ids = append(ids, id)
		}
		if len(ids) == 0 {
			continue
		}
		sort.Strings(ids)
		word := x.many
		if len(ids) == 1 {
			word = x.one
		}
		shown := ids
		if len(shown) > 5 {
			shown = append(shown[:5:5], fmt.Sprintf("and %d more", len(ids)-5))
		}
		parts = append(parts, fmt.Sprintf("%d %s (%s)", len(ids), word, strings.Join(shown, ", ")))
	}
	return strings.Join(parts, " and ")
}

// scanPull finds a pull's gaps. dir holds the pull's CSV files; only files
// pulled in full (bulk) take part: a delta names records it need not carry.
func scanPull(dir string, bulk func(file string) bool) (pullGaps, error) {
	ids := func(file string) (map[string]bool, error) {
		if !bulk(file) {
			return nil, nil
		}
		out := map[string]bool{}
		err := scanCSV(filepath.Join(dir, file+".csv"), []string{"sourcedId"}, func(v []string) { out[v[0]] = true })
		if errors.Is(err, os.ErrNotExist) {
			return nil, nil
		}
		return out, err
	}
	users, err := ids("users")
	if err != nil {
		return nil, err
	}
	classes, err := ids("classes")
	if err != nil {
		return nil, err
	}
	courses, err := ids("courses")
	if err != nil {
		return nil, err
	}
	gaps := pullGaps{}
	miss := func(ent rosterdesk.Entity, set map[string]bool, id string) {
		if set != nil && id != "" && !set[id] {
			if gaps[ent] == nil {
				gaps[ent] = map[string]bool{}
			}
			gaps[ent][id] = true
		}
	}
	if bulk("classes") && courses != nil {
		if err := scanCSV(filepath.Join(dir, "classes.csv"), []string{"courseSourcedId"}, func(v []string) {
			miss(rosterdesk.EntityCourse, courses, v[0])
		}); err != nil && !errors.Is(err, os.ErrNotExist) {
			return nil, err
		}
	}
	if bulk("enrollments") && (users != nil || classes != nil) {
		if err := scanCSV(filepath.Join(dir, "enrollments.csv"), []string{"classSourcedId", "userSourcedId"}, func(v []string) {
			miss(rosterdesk.EntityClass, classes, v[0])
			miss(rosterdesk.EntityUser, users, v[1])
		}); err != nil && !errors.Is(err, os.ErrNotExist) {
			return nil, err
		}
	}
	return gaps, nil
}

// scanCSV reads the named columns of every row of a CSV file the pull wrote.
func scanCSV(path string, cols []string, fn func([]string)) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord, r.ReuseRecord = -1, true
	hdr, err := r.Read()
	if err != nil {
		if err == io.EOF {
			return nil
		}
		return err
	}
	idx := make([]int, len(cols))
	for i, c := range cols {
		idx[i] = -1
		for j, h := range hdr {
			if strings.EqualFold(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")), c) {
				idx[i] = j
			}
		}
	}
	v := make([]string, len(cols))
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		for i, j := range idx {
			v[i] = ""
			if j >= 0 && j < len(rec) {
				v[i] = strings.TrimSpace(rec[j])
			}
		}
		fn(v)
	}
}
