package sync

import (
	"archive/zip"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"rosterdesk"
	"rosterdesk/data"
)

// files is a OneRoster bundle under construction: file name → content.
type files map[string]string

func (f files) with(name, content string) files {
	out := files{}
	for k, v := range f {
		out[k] = v
	}
	if content == "" {
		delete(out, name)
	} else {
		out[name] = content
	}
	return out
}

// zip writes the bundle as a flat zip (or under prefix/ when prefix is set).
func (f files) zip(t *testing.T, prefix string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "OneRoster.zip")
	out, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(out)
	for name, body := range f {
		w, err := zw.Create(prefix + name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(body))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	out.Close()
	return p
}

// dir writes the bundle as a folder.
func (f files) dir(t *testing.T) string {
	t.Helper()
	d := t.TempDir()
	for name, body := range f {
		if err := os.WriteFile(filepath.Join(d, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return d
}

func lines(ls ...string) string { return strings.Join(ls, "\n") + "\n" }

const (
	hOrgs     = "sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId"
	hSessions = "sourcedId,status,dateLastModified,title,type,startDate,endDate,parentSourcedId,schoolYear"
	hCourses  = "sourcedId,status,dateLastModified,schoolYearSourcedId,title,courseCode,grades,orgSourcedId,subjects,subjectCodes"
	hClasses  = "sourcedId,status,dateLastModified,title,grades,courseSourcedId,classCode,classType,location,schoolSourcedId,termSourcedIds,subjects,subjectCodes,periods"
	hUsers    = "sourcedId,status,dateLastModified,enabledUser,orgSourcedIds,role,username,userIds,givenName,familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,password"
	hEnroll   = "sourcedId,status,dateLastModified,classSourcedId,schoolSourcedId,userSourcedId,role,primary,beginDate,endDate"
)

func manifest(modes map[string]string) string {
	ls := []string{"propertyName,value", "manifest.version,1.0", "oneroster.version,1.1"}
	for _, f := range []string{"academicSessions", "categories", "classes", "classResources", "courses", "courseResources", "demographics", "enrollments", "lineItems", "orgs", "resources", "results", "users"} {
		m := modes[f]
		if m == "" {
			m = "absent"
		}
		ls = append(ls, "file."+f+","+m)
	}
	return lines(ls...)
}

func user(id, org, role, given string) string {
	return id + ",,,true," + org + "," + role + "," + strings.ToLower(given) + ",," + given + ",Smith,,," + strings.ToLower(given) + "@example.org,,,,05,"
}

// district is a small, clean 1.1 bulk bundle: a district, two schools, one course, classes, users and enrollments.
func district() files {
	all := map[string]string{"orgs": "bulk", "academicSessions": "bulk", "courses": "bulk", "classes": "bulk", "users": "bulk", "enrollments": "bulk"}
	return files{
		"manifest.csv": manifest(all),
		"orgs.csv": lines(hOrgs,
			"dist1,,,Maple District,district,,",
			"sch1,,,Maple Elementary,school,,dist1",
			"sch2,,,Maple High,school,,dist1"),
		"academicSessions.csv": lines(hSessions,
			"y2026,,,2026-27,schoolYear,2026-08-01,2027-06-30,,2027",
			"t1,,,Fall,semester,2026-08-01,2026-12-20,y2026,2027"),
		"courses.csv": lines(hCourses,
			"c1,,,y2026,Math 5,M5,05,sch1,Math,",
			"c2,,,y2026,Biology,BIO,09,sch2,Science,"),
		"classes.csv": lines(hClasses,
			"k1,,,Math 5 - A,05,c1,M5A,scheduled,R1,sch1,t1,Math,,1",
			"k2,,,Biology - A,09,c2,BIOA,scheduled,R2,sch2,t1,Science,,2"),
		"users.csv": lines(hUsers,
			user("u1", "sch1", "student", "Ann"),
			user("u2", "sch1", "student", "Ben"),
			user("u3", "sch2", "student", "Cat"),
			user("t1", "sch1", "teacher", "Tom"),
			user("t2", "sch2", "teacher", "Tia"),
			user("a1", "dist1", "administrator", "Ada"),
			user("g1", "sch1", "guardian", "Gus")),
		"enrollments.csv": lines(hEnroll,
			"e1,,,k1,sch1,u1,student,false,,",
			"e2,,,k1,sch1,u2,student,false,,",
			"e3,,,k1,sch1,t1,teacher,true,,",
			"e4,,,k2,sch2,u3,student,false,,",
			"e5,,,k2,sch2,t2,teacher,true,,"),
	}
}

// newEngine opens a fresh roster file with a credited admin and a fixed clock.
func newEngine(t *testing.T) *Engine {
	t.Helper()
	e, err := Open(filepath.Join(t.TempDir(), "roster.db"), zerolog.Nop())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	now := time.Date(2026, 11, 23, 6, 0, 0, 0, time.UTC)
	e.db.Now = func() time.Time { now = now.Add(time.Second); return now }
	ctx := context.Background()
	if _, err := e.AddAdmin(ctx, "it@example.org", "IT Admin"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.SetSetting(ctx, KeyCreditedAdmin, "it@example.org"); err != nil {
		t.Fatal(err)
	}
	guardsOff(t, e)
	return e
}

// guardsOff lifts every threshold: most tests change a large share of a tiny
// roster on purpose. The guard tests put the defaults back.
func guardsOff(t *testing.T, e *Engine) {
	t.Helper()
	for _, f := range settingFields {
		if strings.HasPrefix(f.key, "guard.") {
			if _, err := e.SetSetting(context.Background(), f.key, "0"); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// guardsDefault puts every guard back to its default.
func guardsDefault(t *testing.T, e *Engine) {
	t.Helper()
	for _, f := range settingFields {
		if strings.HasPrefix(f.key, "guard.") {
			if _, err := e.SetSetting(context.Background(), f.key, f.def); err != nil {
				t.Fatal(err)
			}
		}
	}
}

func mustSync(t *testing.T, e *Engine, src string, scope rosterdesk.Scope) *Result {
	t.Helper()
	res, err := e.Sync(context.Background(), src, Options{Scope: scope})
	if err != nil {
		t.Fatalf("sync %s %s: %v", scope, src, err)
	}
	if res.Status != rosterdesk.StatusApplied {
		t.Fatalf("status %s", res.Status)
	}
	return res
}

func roster(t *testing.T, e *Engine) *RosterCounts {
	t.Helper()
	rc, err := e.Roster(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return rc
}

func record(t *testing.T, e *Engine, tbl *data.Table, id string) *rosterdesk.Record {
	t.Helper()
	r, err := e.db.Record(context.Background(), tbl, id)
	if err != nil {
		t.Fatalf("record %s %s: %v", tbl.Entity, id, err)
	}
	return r
}

// says tells whether a message holds text: a test may assert what a message
// tells the admin; the engine itself never branches on a message's text.
func says(message, text string) bool { return strings.Contains(message, text) }

// findLog returns the first log entry matching rule (and file when given).
func findLog(entries []rosterdesk.LogEntry, sev, file, rule string) *rosterdesk.LogEntry {
	for i, e := range entries {
		if e.Severity == sev && e.Rule == rule && (file == "" || e.File == file) {
			return &entries[i]
		}
	}
	return nil
}
