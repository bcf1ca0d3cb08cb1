package report

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"rosterdesk/data"
	rsync "rosterdesk/sync"
)

// The roster as it is now, for people and other tools (LMS, device
// management, library): one table per kind of record, active and inactive
// ones marked. The same tables are written as a workbook or as CSV files.
const (
	SheetBuildings   = "Buildings"
	SheetUsers       = "Users"
	SheetCourses     = "Courses"
	SheetClasses     = "Classes"
	SheetAssignments = "Assignments"
)

// RosterFiles are the CSV files WriteRosterCSV writes, in order.
var RosterFiles = []string{"buildings.csv", "users.csv", "courses.csv", "classes.csv", "assignments.csv"}

// rosterSink receives the roster's tables one after the other.
type rosterSink interface {
	begin(name string, cols []column) error
	row(vals []string) error
	end() error
}

func status(active bool) string {
	if active {
		return "active"
	}
	return "inactive"
}

// named is "Name (id)", or the id alone when it has no name.
func named(names map[string]string, id string) string {
	if n := names[id]; n != "" && n != id {
		return n + " (" + id + ")"
	}
	return id
}

func namedList(names map[string]string, ids string) string {
	if ids == "" {
		return ""
	}
	parts := strings.Split(ids, ",")
	for i, p := range parts {
		parts[i] = named(names, p)
	}
	return strings.Join(parts, ", ")
}

// eachRosterTable streams the roster's five tables into s.
func eachRosterTable(ctx context.Context, eng *rsync.Engine, s rosterSink) error {
	db := eng
	orgs, err := db.Orgs(ctx)
	if err != nil {
		return err
	}
	orgNames := map[string]string{}
	for id, o := range orgs {
		orgNames[id] = o.Name
	}
	bs, err := db.Buildings(ctx)
	if err != nil {
		return err
	}
	if err := s.begin(SheetBuildings, []column{{"Name", 30}, {"SIS id", 20}, {"Status", 10}, {"Source", 12}, {"Aligned with OneRoster", 12}, {"Active users", 12}}); err != nil {
		return err
	}
	for _, b := range bs {
		aligned := "no"
		if b.Aligned {
			aligned = "yes"
		}
		if err := s.row([]string{b.Name, b.SISID, status(b.Active), b.Source, aligned, strconv.Itoa(b.Users)}); err != nil {
			return err
		}
	}
	if err := s.end(); err != nil {
		return err
	}

	sessions := map[string]string{}
	if err := db.EachRecord(ctx, data.Sessions, func(id string, v []string, _ bool) error {
		sessions[id] = v[0]
		return nil
	}); err != nil {
		return err
	}
	users := map[string]string{}
	if err := s.begin(SheetUsers, []column{{"sourcedId", 20}, {"Status", 10}, {"Role", 14}, {"Given name", 18}, {"Family name", 18}, {"Middle name", 14},
		{"Username", 20}, {"Identifier", 16}, {"Email", 30}, {"Grades", 10}, {"Enabled in the SIS", 10}, {"Schools", 40}}); err != nil {
		return err
	}
	// role, username, given_name, family_name, middle_name, identifier, email, grades, enabled, org_ids
	if err := db.EachRecord(ctx, data.Users, func(id string, v []string, active bool) error {
		users[id] = strings.TrimSpace(v[2] + " " + v[3])
		return s.row([]string{id, status(active), v[0], v[2], v[3], v[4], v[1], v[5], v[6], v[7], v[8], namedList(orgNames, v[9])})
	}); err != nil {
		return err
	}
	if err := s.end(); err != nil {
		return err
	}

	if err := s.begin(SheetCourses, []column{{"sourcedId", 20}, {"Status", 10}, {"Title", 30}, {"Course code", 14}, {"Grades", 10},
		{"School or org", 34}, {"School year", 24}, {"Subjects", 20}}); err != nil {
		return err
	}
	// title, course_code, grades, org_sourced_id, school_year_sourced_id, subjects
	if err := db.EachRecord(ctx, data.Courses, func(id string, v []string, active bool) error {
		return s.row([]string{id, status(active), v[0], v[1], v[2], named(orgNames, v[3]), named(sessions, v[4]), v[5]})
	}); err != nil {
		return err
	}
	if err := s.end(); err != nil {
		return err
	}

	classes := map[string]string{}
	if err := s.begin(SheetClasses, []column{{"sourcedId", 20}, {"Status", 10}, {"Title", 30}, {"Class code", 14}, {"Type", 12}, {"Course", 20},
		{"School", 34}, {"Location", 14}, {"Grades", 10}, {"Subjects", 20}, {"Periods", 10}, {"Terms", 30}}); err != nil {
		return err
	}
	// title, class_code, class_type, course_sourced_id, school_sourced_id, location, grades, subjects, periods, term_ids
	if err := db.EachRecord(ctx, data.Classes, func(id string, v []string, active bool) error {
		classes[id] = v[0]
		return s.row([]string{id, status(active), v[0], v[1], v[2], v[3], named(orgNames, v[4]), v[5], v[6], v[7], v[8], namedList(sessions, v[9])})
	}); err != nil {
		return err
	}
	if err := s.end(); err != nil {
		return err
	}

	if err := s.begin(SheetAssignments, []column{{"sourcedId", 20}, {"Status", 10}, {"Class", 36}, {"User", 36}, {"Role", 10},
		{"School", 34}, {"Primary", 8}, {"Begins", 12}, {"Ends", 12}}); err != nil {
		return err
	}
	// class_sourced_id, user_sourced_id, school_sourced_id, role, is_primary, begin_date, end_date
	if err := db.EachRecord(ctx, data.Assignments, func(id string, v []string, active bool) error {
		return s.row([]string{id, status(active), named(classes, v[0]), named(users, v[1]), v[3], named(orgNames, v[2]), v[4], v[5], v[6]})
	}); err != nil {
		return err
	}
	return s.end()
}

// xlsxRoster writes the tables as sheets.
type xlsxRoster struct {
	wb    *workbook
	t     *tableSheet
	first bool
	cells []any
}

func (x *xlsxRoster) begin(name string, cols []column) error {
	if x.first {
		// The workbook starts with Sheet1: it becomes the first table.
		if err := x.wb.f.SetSheetName("Sheet1", name); err != nil {
			return err
		}
		x.first = false
		x.wb.sheets = append(x.wb.sheets, name)
		sw, err := x.wb.f.NewStreamWriter(name)
		if err != nil {
			return err
		}
		x.t = &tableSheet{wb: x.wb, base: name, cols: cols, names: []string{name}, sw: sw, limit: maxDataRows}
		return x.t.start(cols)
	}
	x.t = x.wb.table(name, cols)
	return x.t.err
}

func (x *xlsxRoster) row(vals []string) error {
	x.cells = x.cells[:0]
	for _, v := range vals {
		x.cells = append(x.cells, x.wb.text(v))
	}
	return x.t.add(x.cells)
}

func (x *xlsxRoster) end() error { return x.t.close(nil) }

// WriteRosterXLSX writes the roster as it is now to w as a workbook: a sheet
// each for buildings, users, courses, classes and assignments, every record
// with its status (active or inactive), headers frozen, autofilters on. No
// value can run as a formula.
func WriteRosterXLSX(ctx context.Context, eng *rsync.Engine, w io.Writer) error {
	f := excelize.NewFile()
	defer f.Close()
	wb := &workbook{f: f}
	if err := wb.styles(); err != nil {
		return err
	}
	_ = f.SetDocProps(&excelize.DocProperties{Title: "RosterDesk roster", Creator: "RosterDesk"})
	if err := eachRosterTable(ctx, eng, &xlsxRoster{wb: wb, first: true}); err != nil {
		return err
	}
	return f.Write(w)
}

// csvRoster writes the tables as CSV files in a folder.
type csvRoster struct {
	dir string
	f   *os.File
	w   *csv.Writer
}

func (c *csvRoster) begin(name string, cols []column) error {
	f, err := os.Create(filepath.Join(c.dir, strings.ToLower(name)+".csv"))
	if err != nil {
		return err
	}
	c.f, c.w = f, csv.NewWriter(f)
	hdr := make([]string, len(cols))
	for i, col := range cols {
		hdr[i] = col.title
	}
	return c.w.Write(hdr)
}

func (c *csvRoster) row(vals []string) error { return c.w.Write(SafeCSVRecord(vals)) }

func (c *csvRoster) end() error {
	c.w.Flush()
	err := c.w.Error()
	if cerr := c.f.Close(); err == nil {
		err = cerr
	}
	c.f = nil
	return err
}

// WriteRosterCSV writes the roster as it is now into dir (created if needed;
// it must not already hold these files): RosterFiles, the same tables as
// WriteRosterXLSX. No value can run as a formula when a file is opened in a
// spreadsheet (see SafeCSV).
func WriteRosterCSV(ctx context.Context, eng *rsync.Engine, dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, n := range RosterFiles {
		if _, err := os.Stat(filepath.Join(dir, n)); err == nil {
			return fmt.Errorf("%s already holds %s: choose an empty folder", dir, n)
		} else if !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	c := &csvRoster{dir: dir}
	err := eachRosterTable(ctx, eng, c)
	if c.f != nil {
		c.f.Close()
	}
	return err
}
