package sync

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"rosterdesk/data"
)

// RosterExport says what ExportOneRoster wrote.
type RosterExport struct {
	Dir     string         `json:"dir"`
	Version string         `json:"version"`
	Files   map[string]int `json:"files"` // rows written per file (manifest.csv aside)
	// Left counts the records not written, by why: inactive records (a bulk
	// file lists only what is active) and active ones whose school, course,
	// class, user or term is not written (the bundle would not validate).
	Left       map[string]int `json:"left_out,omitempty"`
	Translated int            `json:"roles_translated,omitempty"` // roles of the other OneRoster version, mapped
	Validation *Report        `json:"validation"`
}

// ExportOneRoster writes the roster's active records as a clean OneRoster CSV
// bundle of version ("1.1" or "1.2") into dir, which must be empty or not
// exist: manifest.csv and one bulk file per kind of record that has any.
// Only what a fresh roster can import is written (a reference to something
// not written drops the record, and Left says so), so the bundle validates
// and a fresh roster importing it holds the same records. It is validated
// with the engine's own validator before it returns.
func (e *Engine) ExportOneRoster(ctx context.Context, dir, version string) (*RosterExport, error) {
	if version == "" {
		version = "1.1"
	}
	if version != "1.1" && version != "1.2" {
		return nil, fmt.Errorf("OneRoster version %q: use 1.1 or 1.2", version)
	}
	if ents, err := os.ReadDir(dir); err == nil && len(ents) > 0 {
		return nil, fmt.Errorf("%s is not empty: choose an empty folder for the OneRoster files", dir)
	} else if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	x := &rosterExporter{e: e, ctx: ctx, dir: dir, version: version,
		out: &RosterExport{Dir: dir, Version: version, Files: map[string]int{}, Left: map[string]int{}}}
	if err := x.run(); err != nil {
		x.closeAll()
		return nil, err
	}
	rep, err := e.Validate(ctx, dir)
	if err != nil && rep == nil {
		return nil, err
	}
	x.out.Validation = rep
	return x.out, nil
}

type rosterExporter struct {
	e       *Engine
	ctx     context.Context
	dir     string
	version string
	out     *RosterExport
	files   map[string]*exportFile
	// What is written, for the references of what follows.
	orgs, sessions, courses, classes, users map[string]bool
	orgType                                 map[string]string
	district                                string
}

type exportFile struct {
	f    *os.File
	w    *csv.Writer
	cols []string
	rec  []string
}

func (x *rosterExporter) file(name string) (*exportFile, error) {
	if f, ok := x.files[name]; ok {
		return f, nil
	}
	spec, _ := specFor(x.version, name)
	f, err := os.Create(filepath.Join(x.dir, name+".csv"))
	if err != nil {
		return nil, err
	}
	ef := &exportFile{f: f, w: csv.NewWriter(f), cols: spec.cols, rec: make([]string, len(spec.cols))}
	if err := ef.w.Write(spec.cols); err != nil {
		return nil, err
	}
	x.files[name] = ef
	return ef, nil
}

// write adds one row to file name: its values by OneRoster column.
func (x *rosterExporter) write(name string, vals map[string]string) error {
	ef, err := x.file(name)
	if err != nil {
		return err
	}
	for i, c := range ef.cols {
		ef.rec[i] = vals[c]
	}
	x.out.Files[name+".csv"]++
	return ef.w.Write(ef.rec)
}

func (x *rosterExporter) closeAll() error {
	var first error
	for _, ef := range x.files {
		ef.w.Flush()
		if err := ef.w.Error(); err != nil && first == nil {
			first = err
		}
		if err := ef.f.Close(); err != nil && first == nil {
			first = err
		}
	}
	x.files = map[string]*exportFile{}
	return first
}

func (x *rosterExporter) leave(why string) { x.out.Left[why]++ }

func (x *rosterExporter) run() error {
	x.files = map[string]*exportFile{}
	x.orgs, x.sessions, x.courses, x.classes, x.users = map[string]bool{}, map[string]bool{}, map[string]bool{}, map[string]bool{}, map[string]bool{}
	x.orgType = map[string]string{}
	db := x.e.db

	// orgs: the active ones, parents first so a parent is always written.
	orgs, err := db.Orgs(x.ctx)
	if err != nil {
		return err
	}
	var ids []string
	for id, o := range orgs {
		if o.Active {
			ids = append(ids, id)
		} else {
			x.leave("inactive orgs")
		}
	}
	sort.Strings(ids)
	for _, id := range ids {
		x.orgs[id], x.orgType[id] = true, orgs[id].Type
		if orgs[id].Type == "district" && x.district == "" {
			x.district = id
		}
	}
	for _, id := range ids {
		o := orgs[id]
		parent := o.Parent
		if !x.orgs[parent] {
			parent = ""
		}
		if err := x.write("orgs", map[string]string{"sourcedId": id, "name": o.Name, "type": o.Type, "identifier": o.Identifier, "parentSourcedId": parent}); err != nil {
			return err
		}
	}

	// academicSessions: title, type, start_date, end_date, parent_sourced_id, school_year.
	var sess [][]string
	if err := db.EachRecord(x.ctx, data.Sessions, func(id string, v []string, active bool) error {
		if !active {
			x.leave("inactive academic sessions")
			return nil
		}
		x.sessions[id] = true
		sess = append(sess, append([]string{id}, v...))
		return nil
	}); err != nil {
		return err
	}
	for _, s := range sess {
		parent := s[5]
		if !x.sessions[parent] {
			parent = ""
		}
		if err := x.write("academicSessions", map[string]string{"sourcedId": s[0], "title": s[1], "type": s[2], "startDate": s[3], "endDate": s[4],
			"parentSourcedId": parent, "schoolYear": s[6]}); err != nil {
			return err
		}
	}

	// courses: title, course_code, grades, org_sourced_id, school_year_sourced_id, subjects.
	if err := db.EachRecord(x.ctx, data.Courses, func(id string, v []string, active bool) error {
		switch {
		case !active:
			x.leave("inactive courses")
			return nil
		case !x.orgs[v[3]]:
			x.leave("courses of an org not written")
			return nil
		}
		year := v[4]
		if !x.sessions[year] {
			year = ""
		}
		x.courses[id] = true
		return x.write("courses", map[string]string{"sourcedId": id, "title": v[0], "courseCode": v[1], "grades": v[2], "orgSourcedId": v[3],
			"schoolYearSourcedId": year, "subjects": v[5]})
	}); err != nil {
		return err
	}

	// classes: title, class_code, class_type, course_sourced_id, school_sourced_id, location, grades, subjects, periods, term_ids.
	if err := db.EachRecord(x.ctx, data.Classes, func(id string, v []string, active bool) error {
		var terms []string
		for _, t := range splitList(v[9]) {
			if x.sessions[t] {
				terms = append(terms, t)
			}
		}
		switch {
		case !active:
			x.leave("inactive classes")
			return nil
		case !x.courses[v[3]]:
			x.leave("classes of a course not written")
			return nil
		case x.orgType[v[4]] != "school":
			x.leave("classes of a school not written")
			return nil
		case len(terms) == 0:
			x.leave("classes with no term written")
			return nil
		}
		x.classes[id] = true
		return x.write("classes", map[string]string{"sourcedId": id, "title": v[0], "classCode": v[1], "classType": v[2], "courseSourcedId": v[3],
			"schoolSourcedId": v[4], "location": v[5], "grades": v[6], "subjects": v[7], "periods": v[8], "termSourcedIds": strings.Join(terms, ",")})
	}); err != nil {
		return err
	}

	// users: role, username, given_name, family_name, middle_name, identifier, email, grades, enabled, org_ids.
	if err := db.EachRecord(x.ctx, data.Users, func(id string, v []string, active bool) error {
		if !active && v[8] != "false" {
			// A user disabled in the SIS (enabledUser=false) is inactive but listed; others left.
			x.leave("inactive users")
			return nil
		}
		var orgIDs []string
		for _, o := range splitList(v[9]) {
			if x.orgs[o] {
				orgIDs = append(orgIDs, o)
			}
		}
		if len(orgIDs) == 0 {
			// District staff are kept without a building: their org is the district.
			if x.district == "" || v[0] == "student" {
				x.leave("users with no org written")
				return nil
			}
			orgIDs = []string{x.district}
		}
		role := x.role(v[0], orgIDs)
		x.users[id] = true
		row := map[string]string{"sourcedId": id, "enabledUser": v[8], "username": v[1], "givenName": v[2], "familyName": v[3],
			"middleName": v[4], "identifier": v[5], "email": v[6], "grades": v[7]}
		if x.version == "1.1" {
			row["orgSourcedIds"], row["role"] = strings.Join(orgIDs, ","), role
			return x.write("users", row)
		}
		row["primaryOrgSourcedId"] = orgIDs[0]
		if err := x.write("users", row); err != nil {
			return err
		}
		for i, o := range orgIDs {
			typ := "secondary"
			if i == 0 {
				typ = "primary"
			}
			if err := x.write("roles", map[string]string{"sourcedId": id + "-" + o, "userSourcedId": id, "roleType": typ, "role": role, "orgSourcedId": o}); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		return err
	}

	// enrollments: class_sourced_id, user_sourced_id, school_sourced_id, role, is_primary, begin_date, end_date.
	if err := db.EachRecord(x.ctx, data.Assignments, func(id string, v []string, active bool) error {
		switch {
		case !active:
			x.leave("inactive assignments")
			return nil
		case !x.classes[v[0]] || !x.users[v[1]] || !x.orgs[v[2]]:
			x.leave("assignments of a class, user or school not written")
			return nil
		}
		return x.write("enrollments", map[string]string{"sourcedId": id, "classSourcedId": v[0], "userSourcedId": v[1], "schoolSourcedId": v[2],
			"role": v[3], "primary": v[4], "beginDate": v[5], "endDate": v[6]})
	}); err != nil {
		return err
	}
	if err := x.closeAll(); err != nil {
		return err
	}
	return x.manifest()
}

// role is a stored role in the export's OneRoster version: the other
// version's administrator roles are mapped (and counted).
func (x *rosterExporter) role(r string, orgIDs []string) string {
	if x.version == "1.1" {
		if slices.Contains(roles11.values, r) {
			return r
		}
		x.out.Translated++
		return "administrator"
	}
	if slices.Contains(roles12.values, r) {
		return r
	}
	x.out.Translated++
	if r == "administrator" && x.orgType[orgIDs[0]] == "school" {
		return "siteAdministrator"
	}
	return "districtAdministrator"
}

// manifest declares every file of the version: bulk when written, else absent.
func (x *rosterExporter) manifest() error {
	f, err := os.Create(filepath.Join(x.dir, "manifest.csv"))
	if err != nil {
		return err
	}
	w := csv.NewWriter(f)
	w.Write([]string{"propertyName", "value"})
	w.Write([]string{"manifest.version", "1.0"})
	w.Write([]string{"oneroster.version", x.version})
	for _, name := range knownFiles {
		if x.version == "1.1" && (name == "roles" || name == "userProfiles") {
			continue
		}
		mode := "absent"
		if x.out.Files[name+".csv"] > 0 {
			mode = "bulk"
		}
		w.Write([]string{"file." + name, mode})
	}
	w.Write([]string{"source.systemName", "RosterDesk"})
	w.Write([]string{"source.systemCode", "rosterdesk-export"})
	w.Flush()
	if err := w.Error(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func splitList(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}
