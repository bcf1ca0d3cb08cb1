package sync

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"

	"rosterdesk"
	"rosterdesk/data"
)

func TestUnusableSourcesWriteNothing(t *testing.T) {
	e := newEngine(t)
	mustSync(t, e, district().zip(t, ""), rosterdesk.ScopeBuildings)
	before := roster(t, e)
	small := district().with("users.csv", lines(hUsers, user("u1", "sch1", "student", "Ann")))
	cases := map[string]struct {
		src  func(t *testing.T) string
		want string
	}{
		"not a zip": {func(t *testing.T) string { return files{"x.zip": "hello"}.dir(t) + "/x.zip" }, "not a zip"},
		"binary":    {func(t *testing.T) string { return files{"users.bin": "\x00\x01\x02"}.dir(t) + "/users.bin" }, "binary"},
		"dot-dot": {func(t *testing.T) string {
			return district().with("../evil.csv", "x").zip(t, "")
		}, ".."},
		"nested": {func(t *testing.T) string { return district().zip(t, "a/b/") }, "nested"},
		"missing header": {func(t *testing.T) string {
			return district().with("users.csv", lines("sourcedId,status,dateLastModified,orgSourcedIds,role,username,givenName,familyName", "u1,,,sch1,student,a,A,B")).zip(t, "")
		}, "enabledUser"},
		"sds": {func(t *testing.T) string {
			return files{"users.csv": lines("sourcedId,username,givenName,familyName,password,activeDirectoryMatchId,email,phone,sms,enabledUser", "u1,a,A,B,,,,,,true")}.dir(t)
		}, "not a OneRoster file"},
		"long line": {func(t *testing.T) string {
			return small.with("users.csv", lines(hUsers, user("u1", "sch1", "student", strings.Repeat("A", 3000)))).zip(t, "")
		}, "longer than"},
	}
	e.Limits.MaxLine = 2048
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			res, err := e.Sync(context.Background(), c.src(t), Options{Scope: rosterdesk.ScopeUsersCourses})
			var se *SourceError
			if !errors.As(err, &se) || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("want a source error containing %q, got %v", c.want, err)
			}
			if res == nil || res.Status != rosterdesk.StatusFailed || res.ID == 0 || findLog(res.Log, SevError, "", "source.unusable") == nil {
				t.Fatalf("the failed run should be recorded with its cause: %+v", res)
			}
			if after := roster(t, e); !reflect.DeepEqual(after, before) {
				t.Fatalf("roster changed: %+v → %+v", before, after)
			}
		})
	}
}

func TestZipBombRefused(t *testing.T) {
	e := newEngine(t)
	mustSync(t, e, district().zip(t, ""), rosterdesk.ScopeBuildings)
	e.Limits.MaxUncompressed = 1000
	big := district().with("users.csv", lines(hUsers, strings.Repeat(user("u1", "sch1", "student", "Ann")+"\n", 50)))
	_, err := e.Sync(context.Background(), big.zip(t, ""), Options{Scope: rosterdesk.ScopeUsers})
	if !IsSourceError(err) || !strings.Contains(err.Error(), "zip bomb") {
		t.Fatalf("want zip bomb refusal, got %v", err)
	}
}

func TestTolerantReading(t *testing.T) {
	e := newEngine(t)
	mustSync(t, e, district().zip(t, ""), rosterdesk.ScopeBuildings)
	// BOM, CRLF, header case, an extension column, trailing empty header cells,
	// TRUE, a capitalised role, Windows-1252 bytes and quoted commas/newlines.
	hdr := "\ufeffSourcedId,status,dateLastModified,EnabledUser,orgSourcedIds,role,username,userIds,givenName,familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,password,metadata.nick,,"
	body := hdr + "\r\n" +
		"u1,,,TRUE,\"sch1, sch2\",Student,ann,,Ren\xe9e,Smith,,,ann@example.org,,,,\"04,05\",,Nan,,\r\n" +
		"u2,,,true,sch1,student,ben,,\"Ben, Jr\",\"Multi\nLine\",,,,,,,,,,,\r\n"
	src := district().with("users.csv", body)
	res := mustSync(t, e, src.zip(t, "district-export/"), rosterdesk.ScopeUsers)
	if res.Errors != 0 || res.Counts.Users.Added != 2 {
		t.Fatalf("errors %d %+v log %+v", res.Errors, res.Counts.Users, res.Log)
	}
	for _, rule := range []string{"encoding.bom", "encoding.crlf", "package.folder"} {
		if findLog(res.Log, SevInfo, "", rule) == nil {
			t.Errorf("no %s info", rule)
		}
	}
	for _, rule := range []string{"csv.line_break", "header.case", "header.extension", "header.trailing_empty", "bool.case", "enum.case", "encoding.windows1252"} {
		if findLog(res.Log, SevWarning, "users.csv", rule) == nil {
			t.Errorf("no %s warning", rule)
		}
	}
	u1 := record(t, e, data.Users, "u1")
	if u1.Fields["given_name"] != "Renée" || u1.Fields["role"] != "student" || u1.Fields["org_ids"] != "sch1,sch2" || u1.Fields["grades"] != "04,05" {
		t.Fatalf("u1 %+v", u1.Fields)
	}
	if u2 := record(t, e, data.Users, "u2"); u2.Fields["given_name"] != "Ben, Jr" || u2.Fields["family_name"] != "Multi\nLine" {
		t.Fatalf("u2 %+v", u2.Fields)
	}
}

func TestLoneFilesAndFolders(t *testing.T) {
	e := newEngine(t)
	d := district()
	mustSync(t, e, d.dir(t), rosterdesk.ScopeBuildings)
	// A lone users.csv is a complete users set without a manifest.
	lone := files{"users.csv": d["users.csv"]}.dir(t) + "/users.csv"
	res := mustSync(t, e, lone, rosterdesk.ScopeUsersCourses)
	if res.Counts.Users.Added != 6 || res.Counts.Courses.Added != 0 || findLog(res.Log, SevWarning, "users.csv", "manifest.missing") == nil {
		t.Fatalf("lone users.csv %+v", res.Counts)
	}
	// A lone courses.csv touches courses only.
	courses := files{"courses.csv": d["courses.csv"]}.dir(t) + "/courses.csv"
	res = mustSync(t, e, courses, rosterdesk.ScopeUsersCourses)
	if res.Counts.Courses.Added != 2 || res.Counts.Users != (rosterdesk.UserCounts{}) {
		t.Fatalf("lone courses.csv %+v", res.Counts)
	}
	// A folder without manifest: warned, read as bulk.
	noManifest := d.with("manifest.csv", "")
	res = mustSync(t, e, noManifest.dir(t), rosterdesk.ScopeUsersCourses)
	if findLog(res.Log, SevWarning, "manifest.csv", "manifest.missing") == nil || res.Counts.Assignments.Added != 5 {
		t.Fatalf("folder without manifest %+v %+v", res.Counts, res.Log)
	}
}

func TestMissingAndEmptyFilesNeverDeactivate(t *testing.T) {
	e := newEngine(t)
	mustSync(t, e, district().zip(t, ""), rosterdesk.ScopeBuildings)
	mustSync(t, e, district().zip(t, ""), rosterdesk.ScopeUsersCourses)
	// users.csv declared bulk but left out of the zip; enrollments.csv header only.
	src := district().with("users.csv", "").with("enrollments.csv", lines(hEnroll))
	res := mustSync(t, e, src.zip(t, ""), rosterdesk.ScopeUsersCourses)
	if res.Counts.Users.Deactivated != 0 || res.Counts.Assignments.Removed != 0 {
		t.Fatalf("a missing or empty file deactivated records: %+v", res.Counts)
	}
	if findLog(res.Log, SevWarning, "manifest.csv", "manifest.file_missing") == nil || findLog(res.Log, SevWarning, "enrollments.csv", "file.header_only") == nil {
		t.Fatalf("warnings missing: %+v", res.Log)
	}
}

func TestOneRoster12Roles(t *testing.T) {
	e := newEngine(t)
	mustSync(t, e, district().zip(t, ""), rosterdesk.ScopeBuildings)
	m := strings.Replace(manifest(map[string]string{"users": "bulk", "orgs": "bulk"}), "oneroster.version,1.1", "oneroster.version,1.2", 1) + "file.roles,bulk\n"
	src := files{
		"manifest.csv": m,
		"orgs.csv":     district()["orgs.csv"],
		"users.csv": lines("sourcedId,status,dateLastModified,enabledUser,username,userIds,givenName,familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,password,userMasterIdentifier,preferredGivenName,preferredMiddleName,preferredFamilyName,primaryOrgSourcedId,pronouns",
			"u1,,,true,ann,,Ann,Smith,,,,,,,05,,,,,,sch1,",
			"p1,,,true,pat,,Pat,Smith,,,,,,,,,,,,,sch1,",
			"s1,,,true,sam,,Sam,Smith,,,,,,,,,,,,,,"),
		"roles.csv": lines("sourcedId,status,dateLastModified,userSourcedId,roleType,role,beginDate,endDate,orgSourcedId,userProfileSourcedId",
			"r1,,,u1,primary,student,,,sch1,",
			"r2,,,p1,primary,principal,,,sch1,",
			"r3,,,p1,secondary,teacher,,,sch2,",
			"r4,,,s1,primary,student,15/06/2023,,sch1,"),
	}
	res := mustSync(t, e, src.zip(t, ""), rosterdesk.ScopeUsers)
	if res.Counts.Users.Added != 2 || res.Counts.Users.Errors != 2 {
		t.Fatalf("%+v %+v", res.Counts.Users, res.Log)
	}
	if p := record(t, e, data.Users, "p1"); p.Fields["role"] != "principal" || p.Fields["org_ids"] != "sch1,sch2" {
		t.Fatalf("p1 %+v", p.Fields)
	}
	if l := findLog(res.Log, SevError, "roles.csv", "date.invalid"); l == nil || l.Line != 5 || l.Field != "beginDate" {
		t.Fatalf("roles date error %+v", l)
	}
}

func TestOneRoster12DeltaWithoutRoles(t *testing.T) {
	e := newEngine(t)
	mustSync(t, e, district().zip(t, ""), rosterdesk.ScopeBuildings)
	h12 := "sourcedId,status,dateLastModified,enabledUser,username,userIds,givenName,familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,password,userMasterIdentifier,preferredGivenName,preferredMiddleName,preferredFamilyName,primaryOrgSourcedId,pronouns"
	m := func(modes map[string]string, roles string) string {
		return strings.Replace(manifest(modes), "oneroster.version,1.1", "oneroster.version,1.2", 1) + "file.roles," + roles + "\n"
	}
	bulk := files{
		"manifest.csv": m(map[string]string{"users": "bulk"}, "bulk"),
		"users.csv":    lines(h12, "u1,,,true,ann,,Ann,Smith,,,ann@example.org,,,,05,,,,,,sch1,"),
		"roles.csv":    lines("sourcedId,status,dateLastModified,userSourcedId,roleType,role,beginDate,endDate,orgSourcedId,userProfileSourcedId", "r1,,,u1,primary,student,,,sch1,"),
	}
	mustSync(t, e, bulk.zip(t, ""), rosterdesk.ScopeUsers)
	// The next delta changes u1's email and names a guardian the roster never stored; no roles.csv at all.
	delta := files{
		"manifest.csv": m(map[string]string{"users": "delta"}, "absent"),
		"users.csv": lines(h12,
			"u1,active,2026-11-24T06:00:00.000Z,true,ann,,Ann,Smith,,,ann.smith@example.org,,,,05,,,,,,sch1,",
			"g1,active,2026-11-24T06:00:00.000Z,true,gus,,Gus,Smith,,,,,,u1,,,,,,,,"),
	}
	res := mustSync(t, e, delta.zip(t, ""), rosterdesk.ScopeUsers)
	if res.Errors != 0 || res.Counts.Users.Updated != 1 || res.Counts.Users.Skipped != 1 {
		t.Fatalf("%+v %+v", res.Counts.Users, res.Log)
	}
	if u := record(t, e, data.Users, "u1"); u.Fields["email"] != "ann.smith@example.org" || u.Fields["role"] != "student" || u.Fields["org_ids"] != "sch1" {
		t.Fatalf("u1 %+v", u.Fields)
	}
	if findLog(res.Log, SevWarning, "users.csv", "role.unknown") == nil {
		t.Fatal("no warning for the guardian without a role")
	}
}
