package gen

import (
	"archive/zip"
	"bufio"
	"compress/flate"
	"encoding/csv"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// WriteOptions change how a bundle is written. The zero value writes what the
// spec asks for: UTF-8 without BOM, LF line ends.
type WriteOptions struct {
	BOM        bool      // start every CSV file with a UTF-8 byte-order mark
	CRLF       bool      // end lines with CR LF
	Modified   time.Time // delta rows' dateLastModified; zero means next.AsOf
	SystemName string    // manifest source.systemName; default "RosterDesk gen"
}

// Files lists every data file of a OneRoster CSV version (without ".csv"), in
// the order the manifest names them.
func Files(version string) []string {
	if version == "1.2" {
		return []string{"academicSessions", "categories", "classes", "classResources", "courseResources", "courses",
			"demographics", "enrollments", "lineItemLearningObjectiveIds", "lineItems", "lineItemScoreScales", "orgs",
			"resources", "resultLearningObjectiveIds", "results", "resultScoreScales", "roles", "scoreScales",
			"userProfiles", "userResources", "users"}
	}
	return []string{"academicSessions", "categories", "classes", "classResources", "courses", "courseResources",
		"demographics", "enrollments", "lineItems", "orgs", "resources", "results", "users"}
}

var (
	headerOrgs        = []string{"sourcedId", "status", "dateLastModified", "name", "type", "identifier", "parentSourcedId"}
	headerSessions    = []string{"sourcedId", "status", "dateLastModified", "title", "type", "startDate", "endDate", "parentSourcedId", "schoolYear"}
	headerCourses     = []string{"sourcedId", "status", "dateLastModified", "schoolYearSourcedId", "title", "courseCode", "grades", "orgSourcedId", "subjects", "subjectCodes"}
	headerClasses     = []string{"sourcedId", "status", "dateLastModified", "title", "grades", "courseSourcedId", "classCode", "classType", "location", "schoolSourcedId", "termSourcedIds", "subjects", "subjectCodes", "periods"}
	headerUsers11     = []string{"sourcedId", "status", "dateLastModified", "enabledUser", "orgSourcedIds", "role", "username", "userIds", "givenName", "familyName", "middleName", "identifier", "email", "sms", "phone", "agentSourcedIds", "grades", "password"}
	headerUsers12     = []string{"sourcedId", "status", "dateLastModified", "enabledUser", "username", "userIds", "givenName", "familyName", "middleName", "identifier", "email", "sms", "phone", "agentSourcedIds", "grades", "password", "userMasterIdentifier", "preferredGivenName", "preferredMiddleName", "preferredFamilyName", "primaryOrgSourcedId", "pronouns"}
	headerEnrollments = []string{"sourcedId", "status", "dateLastModified", "classSourcedId", "schoolSourcedId", "userSourcedId", "role", "primary", "beginDate", "endDate"}
	headerRoles       = []string{"sourcedId", "status", "dateLastModified", "userSourcedId", "roleType", "role", "beginDate", "endDate", "orgSourcedId", "userProfileSourcedId"}
)

// Header returns the header row the generator writes for a file of a version
// (nil for files it never writes).
func Header(version, file string) []string {
	var h []string
	switch file {
	case "orgs":
		h = headerOrgs
	case "academicSessions":
		h = headerSessions
	case "courses":
		h = headerCourses
	case "classes":
		h = headerClasses
	case "users":
		h = headerUsers11
		if version == "1.2" {
			h = headerUsers12
		}
	case "enrollments":
		h = headerEnrollments
	case "roles":
		if version == "1.2" {
			h = headerRoles
		}
	}
	return append([]string(nil), h...)
}

// table is one data file: n rows, each with a sourcedId; fill sets the
// values after status and dateLastModified (rec[3:]).
type table struct {
	name   string
	header []string
	n      int
	id     func(i int) string
	fill   func(i int, rec []string)
}

func list(v []string) string { return strings.Join(v, ",") }

func boolStr(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

// roleRef is one roles.csv row (1.2): user u's k-th org.
type roleRef struct {
	u int32
	k int32
}

// role12 maps a 1.1 role at an org to a 1.2 role.
func role12(role, orgID string) string {
	if role == RoleAdministrator {
		if orgID == DistrictID {
			return "districtAdministrator"
		}
		return "siteAdministrator"
	}
	return role
}

func roleID(u *User, org string) string { return "rol-" + u.SourcedID + "-" + org }

func (d *District) tables() []table {
	ts := []table{
		{name: "academicSessions", header: headerSessions, n: len(d.Sessions),
			id: func(i int) string { return d.Sessions[i].SourcedID },
			fill: func(i int, r []string) {
				s := &d.Sessions[i]
				r[3], r[4], r[5], r[6], r[7], r[8] = s.Title, s.Type, s.StartDate, s.EndDate, s.ParentSourcedID, s.SchoolYear
			}},
		{name: "classes", header: headerClasses, n: len(d.Classes),
			id: func(i int) string { return d.Classes[i].SourcedID },
			fill: func(i int, r []string) {
				c := &d.Classes[i]
				r[3], r[4], r[5], r[6], r[7], r[8] = c.Title, list(c.Grades), c.CourseSourcedID, c.ClassCode, c.ClassType, c.Location
				r[9], r[10], r[11], r[12], r[13] = c.SchoolSourcedID, list(c.TermSourcedIDs), list(c.Subjects), list(c.SubjectCodes), list(c.Periods)
			}},
		{name: "courses", header: headerCourses, n: len(d.Courses),
			id: func(i int) string { return d.Courses[i].SourcedID },
			fill: func(i int, r []string) {
				c := &d.Courses[i]
				r[3], r[4], r[5], r[6], r[7], r[8], r[9] = c.SchoolYearSourcedID, c.Title, c.CourseCode, list(c.Grades), c.OrgSourcedID, list(c.Subjects), list(c.SubjectCodes)
			}},
		{name: "enrollments", header: headerEnrollments, n: len(d.Enrollments),
			id: func(i int) string { return d.Enrollments[i].SourcedID },
			fill: func(i int, r []string) {
				e := &d.Enrollments[i]
				r[3], r[4], r[5], r[6], r[7], r[8], r[9] = e.ClassSourcedID, e.SchoolSourcedID, e.UserSourcedID, e.Role, boolStr(e.Primary), "", ""
			}},
		{name: "orgs", header: headerOrgs, n: len(d.Orgs),
			id: func(i int) string { return d.Orgs[i].SourcedID },
			fill: func(i int, r []string) {
				o := &d.Orgs[i]
				r[3], r[4], r[5], r[6] = o.Name, o.Type, o.Identifier, o.ParentSourcedID
			}},
	}
	if d.Version == "1.2" {
		var refs []roleRef
		for ui := range d.Users {
			for k := range d.Users[ui].OrgSourcedIDs {
				refs = append(refs, roleRef{int32(ui), int32(k)})
			}
		}
		ts = append(ts,
			table{name: "roles", header: headerRoles, n: len(refs),
				id: func(i int) string {
					u := &d.Users[refs[i].u]
					return roleID(u, u.OrgSourcedIDs[refs[i].k])
				},
				fill: func(i int, r []string) {
					u := &d.Users[refs[i].u]
					org := u.OrgSourcedIDs[refs[i].k]
					typ := "primary"
					if refs[i].k > 0 {
						typ = "secondary"
					}
					r[3], r[4], r[5], r[6], r[7], r[8], r[9] = u.SourcedID, typ, role12(u.Role, org), "", "", org, ""
				}},
			table{name: "users", header: headerUsers12, n: len(d.Users),
				id: func(i int) string { return d.Users[i].SourcedID },
				fill: func(i int, r []string) {
					u := &d.Users[i]
					r[3], r[4], r[5], r[6], r[7], r[8], r[9] = boolStr(u.EnabledUser), u.Username, list(u.UserIDs), u.GivenName, u.FamilyName, u.MiddleName, u.Identifier
					r[10], r[11], r[12], r[13], r[14], r[15] = u.Email, u.SMS, u.Phone, list(u.AgentSourcedIDs), list(u.Grades), u.Password
					primary := ""
					if len(u.OrgSourcedIDs) > 0 {
						primary = u.OrgSourcedIDs[0]
					}
					r[16], r[17], r[18], r[19], r[20], r[21] = u.UserMasterIdentifier, u.PreferredGivenName, u.PreferredMiddleName, u.PreferredFamilyName, primary, u.Pronouns
				}})
	} else {
		ts = append(ts, table{name: "users", header: headerUsers11, n: len(d.Users),
			id: func(i int) string { return d.Users[i].SourcedID },
			fill: func(i int, r []string) {
				u := &d.Users[i]
				r[3], r[4], r[5], r[6], r[7], r[8], r[9] = boolStr(u.EnabledUser), list(u.OrgSourcedIDs), u.Role, u.Username, list(u.UserIDs), u.GivenName, u.FamilyName
				r[10], r[11], r[12], r[13], r[14], r[15], r[16], r[17] = u.MiddleName, u.Identifier, u.Email, u.SMS, u.Phone, list(u.AgentSourcedIDs), list(u.Grades), u.Password
			}})
	}
	return ts
}

// fileOut is one file to write: n rows, row(i, rec) fills the whole record.
type fileOut struct {
	name   string
	header []string
	n      int
	row    func(i int, rec []string)
}

// sink receives the files of a bundle, one after another.
type sink interface {
	create(name string) (io.Writer, error)
	finish() error // ends the current file
	close() error  // ends the bundle
}

type dirSink struct {
	dir string
	f   *os.File
	bw  *bufio.Writer
}

func newDirSink(dir string) (*dirSink, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	return &dirSink{dir: dir}, nil
}

func (s *dirSink) create(name string) (io.Writer, error) {
	f, err := os.Create(filepath.Join(s.dir, name))
	if err != nil {
		return nil, err
	}
	s.f = f
	if s.bw == nil {
		s.bw = bufio.NewWriterSize(f, 1<<20)
	} else {
		s.bw.Reset(f)
	}
	return s.bw, nil
}

func (s *dirSink) finish() error {
	err := s.bw.Flush()
	if cerr := s.f.Close(); err == nil {
		err = cerr
	}
	return err
}

func (s *dirSink) close() error { return nil }

type zipSink struct {
	f   *os.File
	bw  *bufio.Writer
	zw  *zip.Writer
	mod time.Time
}

func newZipSink(path string, mod time.Time) (*zipSink, error) {
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, err
		}
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	bw := bufio.NewWriterSize(f, 1<<20)
	zw := zip.NewWriter(bw)
	zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) {
		return flate.NewWriter(w, flate.BestSpeed)
	})
	return &zipSink{f: f, bw: bw, zw: zw, mod: mod}, nil
}

func (s *zipSink) create(name string) (io.Writer, error) {
	return s.zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: s.mod})
}

func (s *zipSink) finish() error { return nil }

func (s *zipSink) close() error {
	err := s.zw.Close()
	if err == nil {
		err = s.bw.Flush()
	}
	if cerr := s.f.Close(); err == nil {
		err = cerr
	}
	return err
}

// writeBundle writes manifest.csv and the files; every file of the version not
// in files is declared absent.
func writeBundle(s sink, version, mode string, files []fileOut, opt WriteOptions) (err error) {
	defer func() {
		if cerr := s.close(); err == nil {
			err = cerr
		}
	}()
	present := map[string]bool{}
	for _, f := range files {
		if f.n > 0 {
			present[f.name] = true
		}
	}
	sys := opt.SystemName
	if sys == "" {
		sys = "RosterDesk gen"
	}
	manifest := [][]string{{"manifest.version", "1.0"}, {"oneroster.version", version}}
	for _, name := range Files(version) {
		m := "absent"
		if present[name] {
			m = mode
		}
		manifest = append(manifest, []string{"file." + name, m})
	}
	manifest = append(manifest, []string{"source.systemName", sys}, []string{"source.systemCode", "rosterdesk-gen"})
	err = writeCSV(s, "manifest.csv", []string{"propertyName", "value"}, len(manifest),
		func(i int, rec []string) { copy(rec, manifest[i]) }, opt)
	if err != nil {
		return err
	}
	for _, f := range files {
		if f.n == 0 {
			continue
		}
		if err := writeCSV(s, f.name+".csv", f.header, f.n, f.row, opt); err != nil {
			return err
		}
	}
	return nil
}

func writeCSV(s sink, name string, header []string, n int, row func(int, []string), opt WriteOptions) error {
	w, err := s.create(name)
	if err != nil {
		return err
	}
	if opt.BOM {
		if _, err := io.WriteString(w, "\ufeff"); err != nil {
			return err
		}
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = opt.CRLF
	if err := cw.Write(header); err != nil {
		return err
	}
	rec := make([]string, len(header))
	for i := 0; i < n; i++ {
		clear(rec)
		row(i, rec)
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	return s.finish()
}

func (d *District) bulkFiles() []fileOut {
	var out []fileOut
	for _, t := range d.tables() {
		out = append(out, fileOut{name: t.name, header: t.header, n: t.n, row: func(i int, rec []string) {
			rec[0] = t.id(i)
			t.fill(i, rec)
		}})
	}
	return out
}

// Write writes d as a bulk OneRoster bundle of CSV files into dir (created if
// needed). Stale CSV files of other OneRoster tables in dir are removed, so
// the folder always matches its manifest.
func (d *District) Write(dir string, opt WriteOptions) error {
	s, err := newDirSink(dir)
	if err != nil {
		return err
	}
	if err := removeStale(dir, d.Rows()); err != nil {
		return err
	}
	return writeBundle(s, d.Version, "bulk", d.bulkFiles(), opt)
}

// WriteZip writes d as a flat bulk OneRoster zip (no folder inside).
func (d *District) WriteZip(path string, opt WriteOptions) error {
	s, err := newZipSink(path, d.AsOf)
	if err != nil {
		return err
	}
	return writeBundle(s, d.Version, "bulk", d.bulkFiles(), opt)
}

func removeStale(dir string, keep map[string]int) error {
	for _, v := range []string{"1.1", "1.2"} {
		for _, name := range Files(v) {
			if keep[name] > 0 {
				continue
			}
			if err := os.Remove(filepath.Join(dir, name+".csv")); err != nil && !errors.Is(err, os.ErrNotExist) {
				return err
			}
		}
	}
	return nil
}
