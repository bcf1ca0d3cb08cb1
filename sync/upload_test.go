package sync

import (
	"archive/zip"
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"rosterdesk"
	"rosterdesk/data"
)

const (
	hUsers12   = "sourcedId,status,dateLastModified,enabledUser,username,userIds,givenName,familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,password,userMasterIdentifier,preferredGivenName,preferredMiddleName,preferredFamilyName,primaryOrgSourcedId,pronouns"
	hSDSUsers  = "sourcedId,username,givenName,familyName,password,activeDirectoryMatchId,email,phone,sms"
	hSDSOrgs   = "sourcedId,name,type"
	hSDSv1Stud = "SIS ID,School SIS ID,Username,First Name,Last Name"
)

// put writes body to name in a new folder and returns its path.
func put(t *testing.T, name string, body []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, body, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func zipOf(t *testing.T, files map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for n, b := range files {
		w, err := zw.Create(n)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(b))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// workbook is a real .xlsx, as Excel would save a roster.
func workbook(t *testing.T) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	f.SetSheetRow("Sheet1", "A1", &[]any{"sourcedId", "status", "dateLastModified", "enabledUser", "username"})
	f.SetSheetRow("Sheet1", "A2", &[]any{"u1", "active", "", "true", "ann"})
	b, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestDetectUpload(t *testing.T) {
	d := district()
	usersCSV := []byte(d["users.csv"])
	coursesCSV := []byte(d["courses.csv"])
	type want struct {
		kind  string
		scope rosterdesk.Scope
		err   []string // substrings of the error; none: no error
	}
	ok := func(kind string, scope rosterdesk.Scope) want { return want{kind: kind, scope: scope} }
	fails := func(parts ...string) want { return want{err: parts} }
	for _, c := range []struct {
		name string
		file func(t *testing.T) string
		want want
	}{
		{"users.csv", func(t *testing.T) string { return put(t, "users.csv", usersCSV) }, ok(UploadUsers, rosterdesk.ScopeUsers)},
		{"Users.CSV with a BOM and CRLF", func(t *testing.T) string {
			return put(t, "Users.CSV", append([]byte("\ufeff"), bytes.ReplaceAll(usersCSV, []byte("\n"), []byte("\r\n"))...))
		}, ok(UploadUsers, rosterdesk.ScopeUsers)},
		{"courses.csv", func(t *testing.T) string { return put(t, "courses.csv", coursesCSV) }, ok(UploadCourses, rosterdesk.ScopeUsersCourses)},
		{"OneRoster.zip", func(t *testing.T) string { return d.zip(t, "") }, ok(UploadOneRoster, "")},
		{"a zip of a folder, named otherwise", func(t *testing.T) string {
			return put(t, "district export (2).zip", zipOf(t, map[string]string{"export/users.csv": d["users.csv"], "export/orgs.csv": d["orgs.csv"]}))
		}, ok(UploadOneRoster, "")},
		{"a zip named users.csv", func(t *testing.T) string { return put(t, "users.csv", zipOf(t, d)) }, ok(UploadOneRoster, "")},
		{"students export.csv: users by its header", func(t *testing.T) string { return put(t, "students export.csv", usersCSV) }, ok(UploadUsers, rosterdesk.ScopeUsers)},
		{"export.txt: courses by its header", func(t *testing.T) string { return put(t, "export.txt", coursesCSV) }, ok(UploadCourses, rosterdesk.ScopeUsersCourses)},

		{"an Excel workbook", func(t *testing.T) string { return put(t, "roster.xlsx", workbook(t)) }, fails("Excel workbook", "OneRoster.zip", "users.csv or courses.csv")},
		{"an Excel workbook named users.csv", func(t *testing.T) string { return put(t, "users.csv", workbook(t)) }, fails("users.csv", "Excel workbook")},
		{"a PDF", func(t *testing.T) string {
			return put(t, "users.pdf", []byte("%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"))
		}, fails("users.pdf", "PDF document", "OneRoster.zip")},
		{"an SDS users.csv", func(t *testing.T) string {
			return put(t, "users.csv", []byte(lines(hSDSUsers, "u1,ann,Ann,Lee,,,ann@example.org,,")))
		}, fails("neither status nor dateLastModified", "School Data Sync", "export OneRoster")},
		{"users.csv without status or dateLastModified", func(t *testing.T) string {
			return put(t, "users.csv", []byte(lines(strings.Replace(hUsers, "status,dateLastModified,", "", 1), "u1,true,sch1,student,ann,,Ann,Lee,,,,,,,05,")))
		}, fails("neither status nor dateLastModified")},
		{"an SDS v1 Student.csv", func(t *testing.T) string {
			return put(t, "Student.csv", []byte(lines(hSDSv1Stud, "1,100,ann,Ann,Lee")))
		}, fails("School Data Sync")},
		{"an SDS zip", func(t *testing.T) string {
			return put(t, "sds.zip", zipOf(t, map[string]string{"orgs.csv": lines(hSDSOrgs, "s1,School,school"), "users.csv": lines(hSDSUsers, "u1,ann,Ann,Lee,,,,,")}))
		}, fails("sds.zip", "School Data Sync")},
		{"an SDS v1 zip", func(t *testing.T) string {
			return put(t, "OneRoster.zip", zipOf(t, map[string]string{"School.csv": "SIS ID,Name\n1,A\n", "Student.csv": lines(hSDSv1Stud, "1,1,a,A,B")}))
		}, fails("School Data Sync")},
		{"users.csv of OneRoster 1.2 without its roles.csv", func(t *testing.T) string {
			return put(t, "users.csv", []byte(lines(hUsers12, "u1,active,,true,ann,,Ann,Lee,,,,,,,05,,,,,,sch1,")))
		}, fails("OneRoster 1.2", "roles.csv", "OneRoster.zip")},
		{"orgs.csv alone", func(t *testing.T) string { return put(t, "orgs.csv", []byte(d["orgs.csv"])) }, fails("orgs.csv", "on its own", "OneRoster.zip")},
		{"classes.csv alone", func(t *testing.T) string { return put(t, "classes.csv", []byte(d["classes.csv"])) }, fails("classes.csv", "on its own", "OneRoster.zip")},
		{"enrollments by their header", func(t *testing.T) string { return put(t, "export.csv", []byte(d["enrollments.csv"])) }, fails("on its own", "course assignments")},
		{"manifest.csv alone", func(t *testing.T) string { return put(t, "manifest.csv", []byte(d["manifest.csv"])) }, fails("manifest", "whole OneRoster.zip")},
		{"users.csv holding courses", func(t *testing.T) string { return put(t, "users.csv", coursesCSV) }, fails("holds courses, not users", "rename it courses.csv")},
		{"courses.csv holding users", func(t *testing.T) string { return put(t, "courses.csv", usersCSV) }, fails("holds users, not courses", "rename it users.csv")},
		{"courses.csv holding orgs", func(t *testing.T) string { return put(t, "courses.csv", []byte(d["orgs.csv"])) }, fails("holds orgs, not courses")},
		{"a CSV of something else", func(t *testing.T) string { return put(t, "grades.csv", []byte("student,grade\nann,A\n")) }, fails("not a OneRoster file", "student,grade", "OneRoster.zip")},
		{"an empty file", func(t *testing.T) string { return put(t, "users.csv", nil) }, fails("empty")},
		{"a folder", func(t *testing.T) string { return d.dir(t) }, fails("is a folder", "OneRoster.zip")},
		{"text named OneRoster.zip", func(t *testing.T) string { return put(t, "OneRoster.zip", usersCSV) }, fails("not a zip file")},
		{"a zip without CSV files", func(t *testing.T) string {
			return put(t, "OneRoster.zip", zipOf(t, map[string]string{"readme.txt": "hello"}))
		}, fails("holds no CSV files", "OneRoster.zip")},
		{"UTF-16 text (Excel's Unicode Text)", func(t *testing.T) string {
			return put(t, "users.csv", []byte(utf16le(strings.ReplaceAll(string(usersCSV), ",", "\t"))))
		}, ok(UploadUsers, rosterdesk.ScopeUsers)},
		{"tabs without a OneRoster header", func(t *testing.T) string {
			return put(t, "users.csv", []byte("id\tname\temail\n1\tAnn\tann@example.org\n"))
		}, fails("has tabs between its columns, not commas", `"CSV UTF-8 (Comma delimited)"`)},
		{"semicolons", func(t *testing.T) string {
			return put(t, "export.csv", []byte(strings.ReplaceAll(string(usersCSV), ",", ";")))
		}, ok(UploadUsers, rosterdesk.ScopeUsers)},
		{"a missing file", func(t *testing.T) string { return filepath.Join(t.TempDir(), "users.csv") }, fails("cannot be opened")},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := c.file(t)
			u, err := DetectUpload(p)
			if len(c.want.err) > 0 {
				if err == nil {
					t.Fatalf("accepted as %v", u)
				}
				if !IsSourceError(err) {
					t.Errorf("%T is not a *SourceError", err)
				}
				for _, part := range c.want.err {
					if !strings.Contains(err.Error(), part) {
						t.Errorf("message %q lacks %q", err, part)
					}
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if u.Kind != c.want.kind || u.Scope != c.want.scope {
				t.Fatalf("got %v, want %s %q", u, c.want.kind, c.want.scope)
			}
			// What is accepted, the engine can read.
			rep, err := newEngine(t).Validate(context.Background(), p)
			if err != nil || !rep.Usable {
				t.Fatalf("accepted as %v but the engine refuses it: %v %+v", u, err, rep)
			}
		})
	}
}

// TestUploadScopes: a lone users.csv changes users only; a lone courses.csv
// changes courses only, and the classes and assignments it does not carry stay.
func TestUploadScopes(t *testing.T) {
	e := newEngine(t)
	ctx := context.Background()
	d := district()
	mustSync(t, e, d.zip(t, ""), rosterdesk.ScopeBuildings)
	mustSync(t, e, d.zip(t, ""), rosterdesk.ScopeUsersCourses)
	before := roster(t, e)

	coursesCSV := put(t, "courses.csv", []byte(strings.Replace(d["courses.csv"], "Math 5", "Mathematics 5", 1)))
	u, err := DetectUpload(coursesCSV)
	if err != nil || u.Kind != UploadCourses {
		t.Fatal(u, err)
	}
	res, err := e.Sync(ctx, coursesCSV, Options{Scope: u.Scope, Trigger: rosterdesk.TriggerUpload})
	if err != nil || res.Status != rosterdesk.StatusApplied {
		t.Fatalf("courses upload: %v %+v", err, res)
	}
	k := res.Counts
	if k.Courses.Updated != 1 || k.Courses.Removed != 0 || k.Classes != (rosterdesk.CourseCounts{}) || k.Assignments != (rosterdesk.CourseCounts{}) || k.Users != (rosterdesk.UserCounts{}) {
		t.Fatalf("courses upload counts %+v", k)
	}
	if after := roster(t, e); after.Classes.Active != before.Classes.Active || after.Courses.Active != before.Courses.Active || after.Assignments.Active != before.Assignments.Active || after.Users.Active != before.Users.Active {
		t.Fatalf("a lone courses.csv changed more than courses: %+v → %+v", before, after)
	}
	if got := record(t, e, data.Courses, "c1").Fields["title"]; got != "Mathematics 5" {
		t.Fatalf("course title %q", got)
	}

	usersCSV := put(t, "users.csv", []byte(strings.Replace(d["users.csv"], ",Ann,Smith,", ",Anna,Smith,", 1)))
	if u, err = DetectUpload(usersCSV); err != nil || u.Kind != UploadUsers {
		t.Fatal(u, err)
	}
	res, err = e.Sync(ctx, usersCSV, Options{Scope: u.Scope, Trigger: rosterdesk.TriggerUpload})
	if err != nil || res.Status != rosterdesk.StatusApplied || res.Scope != rosterdesk.ScopeUsers {
		t.Fatalf("users upload: %v %+v", err, res)
	}
	k = res.Counts
	if k.Users.Updated != 1 || k.Users.Deactivated != 0 || k.Courses != (rosterdesk.CourseCounts{}) || k.Assignments != (rosterdesk.CourseCounts{}) {
		t.Fatalf("users upload counts %+v", k)
	}
	if got := record(t, e, data.Users, "u1").Fields["given_name"]; got != "Anna" {
		t.Fatalf("given name %q", got)
	}
}

// Files dropped together: users.csv with roles.csv upload users; the CSV files
// of an unzipped export are a folder bundle; the run reads them from a private copy.
func TestUploadFiles(t *testing.T) {
	e := newEngine(t)
	d := district()
	mustSync(t, e, d.zip(t, ""), rosterdesk.ScopeBuildings)
	h12 := "sourcedId,status,dateLastModified,enabledUser,username,userIds,givenName,familyName,middleName,identifier,email,sms,phone," +
		"agentSourcedIds,grades,password,userMasterIdentifier,preferredGivenName,preferredMiddleName,preferredFamilyName,primaryOrgSourcedId,pronouns"
	dir := t.TempDir()
	users := filepath.Join(dir, "users.csv")
	roles := filepath.Join(dir, "roles.csv")
	os.WriteFile(users, []byte(lines(h12, "n1,,,true,nia,,Nia,Lee,,,,,,,05,,,,,,sch1,")), 0o644)
	os.WriteFile(roles, []byte(lines("sourcedId,status,dateLastModified,userSourcedId,roleType,role,beginDate,endDate,orgSourcedId,userProfileSourcedId",
		"r1,,,n1,primary,student,,,sch1,")), 0o644)
	// Alone, the 1.2 users.csv says what it needs.
	if _, err := DetectUpload(users); err == nil || !strings.Contains(err.Error(), "drop users.csv and roles.csv together") {
		t.Fatalf("lone 1.2 users.csv: %v", err)
	}
	src, u, cleanup, err := e.UploadFiles([]string{users, roles})
	if err != nil || u.Kind != UploadUsers || u.Scope != rosterdesk.ScopeUsers {
		t.Fatalf("pair: %v %v", u, err)
	}
	if !strings.HasPrefix(src, e.RunDir()) {
		t.Fatalf("copied outside the roster's private folder: %s", src)
	}
	res, err := e.Sync(context.Background(), src, Options{Scope: u.Scope, Trigger: rosterdesk.TriggerUpload})
	if err != nil || res.Counts.Users.Added != 1 {
		t.Fatalf("pair sync %v %+v %+v", err, res.Counts.Users, res.Log)
	}
	cleanup()
	if _, err := os.Stat(src); !os.IsNotExist(err) {
		t.Fatalf("copy not removed: %v", err)
	}
	// An unzipped export dropped whole: a folder bundle, synced as the setting says; a file named otherwise is placed by its header.
	exp := t.TempDir()
	var paths []string
	for name, body := range d {
		if name == "courses.csv" {
			name = "Courses export (1).csv"
		}
		p := filepath.Join(exp, name)
		os.WriteFile(p, []byte(body), 0o644)
		paths = append(paths, p)
	}
	src, u, cleanup, err = e.UploadFiles(paths)
	if err != nil || u.Kind != UploadFiles || u.Scope != "" {
		t.Fatalf("bundle: %v %v", u, err)
	}
	defer cleanup()
	res, err = e.Sync(context.Background(), src, Options{Scope: rosterdesk.ScopeUsersCourses, Trigger: rosterdesk.TriggerUpload})
	if err != nil || res.Errors != 0 || res.Counts.Courses.Added != 2 || res.Counts.Assignments.Added != 5 {
		t.Fatalf("bundle sync %v %+v", err, res.Counts)
	}
	// Two files that are both users.csv, a zip among CSV files, an SDS file: refused with the reason.
	other := filepath.Join(t.TempDir(), "users.csv")
	os.WriteFile(other, []byte(d["users.csv"]), 0o644)
	for _, c := range []struct {
		paths []string
		want  string
	}{
		{[]string{users, other}, "are both users.csv"},
		{[]string{users, d.zip(t, "")}, "drop OneRoster.zip on its own"},
		{[]string{users, put(t, "orgs.csv", []byte("SIS ID,Name\n1,School\n"))}, "School Data Sync"},
	} {
		if _, _, _, err := e.UploadFiles(c.paths); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: want %q, got %v", c.paths, c.want, err)
		}
	}
}
