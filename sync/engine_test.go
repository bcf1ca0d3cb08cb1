package sync

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/rs/zerolog"

	"rosterdesk/data"
)

func TestRefusesWithoutCreditedAdmin(t *testing.T) {
	e, err := Open(filepath.Join(t.TempDir(), "r.db"), zerolog.Nop())
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	res, err := e.Sync(context.Background(), district().zip(t, ""), Options{Scope: ScopeBuildings})
	if !IsRefused(err) || res.Status != StatusRefused || !strings.Contains(res.Message, "admin") {
		t.Fatalf("want refusal naming the admin, got %v %+v", err, res)
	}
	runs, _ := e.History(context.Background(), 0, 0)
	if len(runs) != 0 {
		t.Fatalf("a refused run wrote %d runs", len(runs))
	}
}

func TestUsersRefusedBeforeBuildingSync(t *testing.T) {
	e := newEngine(t)
	_, err := e.Sync(context.Background(), district().zip(t, ""), Options{Scope: ScopeUsers})
	if !IsRefused(err) || !strings.Contains(err.Error(), "buildings") {
		t.Fatalf("want refusal until a building sync, got %v", err)
	}
	if rc := roster(t, e); rc.Users.Active != 0 {
		t.Fatal("users written")
	}
}

func TestBuildingSyncAlignsBySISID(t *testing.T) {
	e := newEngine(t)
	ctx := context.Background()
	// A local building already carries sch2's SIS id; another local one matches nothing.
	if _, err := e.DB.AddLocalBuilding(ctx, "Old High Name", "sch2"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.DB.AddLocalBuilding(ctx, "Bus Depot", "depot"); err != nil {
		t.Fatal(err)
	}
	res := mustSync(t, e, district().zip(t, ""), ScopeBuildings)
	if got := res.Counts.Buildings; got.Added != 1 || got.Updated != 1 || got.Deactivated != 0 {
		t.Fatalf("building counts %+v", got)
	}
	b, err := e.DB.BuildingBySIS(ctx, "sch2")
	if err != nil || b.Name != "Maple High" || !b.Aligned || b.Source != "local" {
		t.Fatalf("sch2 not aligned in place: %+v %v", b, err)
	}
	if b, _ := e.DB.BuildingBySIS(ctx, "depot"); !b.Active || b.Aligned {
		t.Fatalf("unmatched local building touched: %+v", b)
	}
	orgs, _ := e.DB.Orgs(ctx)
	if orgs["dist1"].Type != "district" {
		t.Fatalf("district not recorded: %+v", orgs)
	}
	// Resync without sch1: it is removed (deactivated), the local depot stays.
	src := district().with("orgs.csv", lines(hOrgs, "dist1,,,Maple District,district,,", "sch2,,,Maple High,school,,dist1"))
	res = mustSync(t, e, src.zip(t, ""), ScopeBuildings)
	if res.Counts.Buildings.Deactivated != 1 {
		t.Fatalf("want sch1 removed, got %+v", res.Counts.Buildings)
	}
	if b, _ := e.DB.BuildingBySIS(ctx, "sch1"); b.Active {
		t.Fatal("sch1 still active")
	}
	if rc := roster(t, e); rc.Buildings.Active != 2 || rc.Buildings.Inactive != 1 {
		t.Fatalf("buildings %+v", rc.Buildings)
	}
}

func TestUsersAndCoursesLifecycle(t *testing.T) {
	e := newEngine(t)
	mustSync(t, e, district().zip(t, ""), ScopeBuildings)
	res := mustSync(t, e, district().zip(t, ""), ScopeUsersCourses)
	u := res.Counts.Users
	if u.Added != 6 || u.Skipped != 1 || u.Errors != 0 || res.Errors != 0 {
		t.Fatalf("users %+v errors %d log %+v", u, res.Errors, res.Log)
	}
	if res.Counts.Courses.Added != 2 || res.Counts.Classes.Added != 2 || res.Counts.Assignments.Added != 5 {
		t.Fatalf("counts %+v", res.Counts)
	}
	rc := roster(t, e)
	if rc.Users.ByRole["student"] != 3 || rc.Users.ByRole["teacher"] != 2 || rc.Users.ByRole["administrator"] != 1 {
		t.Fatalf("by role %+v", rc.Users.ByRole)
	}
	if rc.Assignments.ByRole["teacher"] != 2 {
		t.Fatalf("assignment roles %+v", rc.Assignments.ByRole)
	}
	// District-level staff are kept without a building; students link to theirs.
	if r := record(t, e, data.Users, "a1"); r.Fields["org_ids"] != "" || !r.Active {
		t.Fatalf("admin %+v", r)
	}
	b, _ := e.DB.BuildingBySIS(context.Background(), "sch1")
	if b.Users != 3 {
		t.Fatalf("sch1 has %d active users, want 3 (u1, u2, t1)", b.Users)
	}

	// The same bundle again changes nothing.
	res = mustSync(t, e, district().zip(t, ""), ScopeUsersCourses)
	if res.Counts != (data.Counts{Users: data.UserCounts{Skipped: 1}}) {
		t.Fatalf("no-change resync changed %+v", res.Counts)
	}

	// Next day: u2 left, Cat renamed, Tom disabled, class k2 and its enrollments dropped.
	next := district().
		with("users.csv", lines(hUsers,
			user("u1", "sch1", "student", "Ann"),
			user("u3", "sch2", "student", "Kat"),
			strings.Replace(user("t1", "sch1", "teacher", "Tom"), ",true,", ",false,", 1),
			user("t2", "sch2", "teacher", "Tia"),
			user("a1", "dist1", "administrator", "Ada"))).
		with("classes.csv", lines(hClasses, "k1,,,Math 5 - A,05,c1,M5A,scheduled,R1,sch1,t1,Math,,1")).
		with("enrollments.csv", lines(hEnroll, "e1,,,k1,sch1,u1,student,false,,", "e3,,,k1,sch1,t1,teacher,true,,"))
	res = mustSync(t, e, next.zip(t, ""), ScopeUsersCourses)
	u = res.Counts.Users
	if u.Deactivated != 2 || u.Updated != 1 || u.Added != 0 {
		t.Fatalf("next day users %+v", u)
	}
	if res.Counts.Classes.Removed != 1 || res.Counts.Assignments.Removed != 3 {
		t.Fatalf("next day courses %+v", res.Counts)
	}
	if r := record(t, e, data.Users, "u2"); r.Active || r.OffAt == "" {
		t.Fatalf("u2 should be inactive with a timestamp: %+v", r)
	}
	if r := record(t, e, data.Users, "t1"); r.Active || r.Fields["enabled"] != "false" {
		t.Fatalf("t1 enabledUser=false should be inactive: %+v", r)
	}
	_, hist, err := e.Show(context.Background(), "user", "u2")
	if err != nil || len(hist) != 2 || hist[1].Reason != "absent from users.csv" || hist[1].Admin != "it@example.org" {
		t.Fatalf("u2 history %+v %v", hist, err)
	}
	_, hist, _ = e.Show(context.Background(), "user", "u3")
	renamed := false
	for _, a := range hist {
		if a.Action == "update" && a.Field == "given_name" && *a.Old == "Cat" && *a.New == "Kat" {
			renamed = true
		}
	}
	if !renamed {
		t.Fatalf("u3 history lacks the given_name change: %+v", hist)
	}

	// u2 returns: reactivated, never duplicated.
	res = mustSync(t, e, district().zip(t, ""), ScopeUsersCourses)
	if res.Counts.Users.Reactivated != 2 || res.Counts.Users.Added != 0 {
		t.Fatalf("return %+v", res.Counts.Users)
	}
	if rc := roster(t, e); rc.Users.Active+rc.Users.Inactive != 6 {
		t.Fatalf("users duplicated: %+v", rc.Users)
	}
}

func TestDeltaAndMarkMissingSetting(t *testing.T) {
	e := newEngine(t)
	mustSync(t, e, district().zip(t, ""), ScopeBuildings)
	mustSync(t, e, district().zip(t, ""), ScopeUsers)
	delta := files{
		"manifest.csv": manifest(map[string]string{"users": "delta"}),
		"users.csv": lines(hUsers,
			"u1,tobedeleted,2026-11-23T05:00:00.000Z,true,sch1,student,ann,,Ann,Smith,,,ann@example.org,,,,05,",
			"u9,active,2026-11-23T05:00:00.000Z,true,sch2,student,zoe,,Zoë,Smith,,,zoe@example.org,,,,05,"),
	}
	res := mustSync(t, e, delta.zip(t, ""), ScopeUsers)
	if u := res.Counts.Users; u.Deactivated != 1 || u.Added != 1 {
		t.Fatalf("delta %+v", u)
	}
	if rc := roster(t, e); rc.Users.Active != 6 {
		t.Fatalf("a delta must leave absent users alone: %+v", rc.Users)
	}
	if r := record(t, e, data.Users, "u9"); r.Fields["given_name"] != "Zoë" {
		t.Fatalf("UTF-8 name %q", r.Fields["given_name"])
	}
	// With "mark missing users inactive" off, a bulk file without u2 keeps u2.
	if _, err := e.SetSetting(context.Background(), KeyMarkMissingGone, "false"); err != nil {
		t.Fatal(err)
	}
	bulk := district().with("users.csv", lines(hUsers, user("u3", "sch2", "student", "Cat")))
	res = mustSync(t, e, bulk.zip(t, ""), ScopeUsers)
	if res.Counts.Users.Deactivated != 0 {
		t.Fatalf("deactivated with the setting off: %+v", res.Counts.Users)
	}
}

func TestUnalignedSchoolUsersIgnored(t *testing.T) {
	e := newEngine(t)
	onlySch1 := district().with("orgs.csv", lines(hOrgs, "dist1,,,Maple District,district,,", "sch1,,,Maple Elementary,school,,dist1"))
	mustSync(t, e, onlySch1.zip(t, ""), ScopeBuildings)
	res := mustSync(t, e, district().zip(t, ""), ScopeUsersCourses)
	if u := res.Counts.Users; u.Ignored != 2 || u.Added != 4 {
		t.Fatalf("users %+v", u)
	}
	if l := findLog(res.Log, SevWarning, "users.csv", "school.not_aligned"); l == nil || l.SourcedID != "u3" || !strings.Contains(l.Message, "Maple High (sch2)") {
		t.Fatalf("want an info naming u3 and sch2, got %+v", l)
	}
	// Classes of sch2 are ignored too, and so are their enrollments: no errors.
	if res.Errors != 0 || res.Counts.Classes.Added != 1 || res.Counts.Assignments.Added != 3 {
		t.Fatalf("errors %d counts %+v", res.Errors, res.Counts)
	}
}

func TestDryRunWritesOnlyTheRun(t *testing.T) {
	e := newEngine(t)
	mustSync(t, e, district().zip(t, ""), ScopeBuildings)
	res, err := e.Sync(context.Background(), district().zip(t, ""), Options{Scope: ScopeUsersCourses, DryRun: true})
	if err != nil || res.Status != StatusDryRun || res.Counts.Users.Added != 6 {
		t.Fatalf("dry run %+v %v", res, err)
	}
	if rc := roster(t, e); rc.Users.Active != 0 || rc.Assignments.Active != 0 {
		t.Fatalf("dry run changed the roster %+v", rc)
	}
	runs, _ := e.History(context.Background(), 0, 0)
	if len(runs) != 2 || runs[0].Status != StatusDryRun {
		t.Fatalf("history %+v", runs)
	}
}

func TestBadRowsRejectedGoodRowsKept(t *testing.T) {
	e := newEngine(t)
	mustSync(t, e, district().zip(t, ""), ScopeBuildings)
	bad := district().with("users.csv", lines(hUsers,
		user("u1", "sch1", "student", "Ann"),
		user("u1", "sch1", "student", "Dup"),             // line 3: duplicate
		"u2,,,true,sch1,student,,,Ben,Smith,,,,,,,,",     // line 4: username missing
		user("u3", "sch2", "wizard", "Cat"),              // line 5: bad role
		user("u4", "nowhere", "student", "Dan"),          // line 6: unknown org
		"u5,,,maybe,sch1,student,eve,,Eve,Smith,,,,,,,,", // line 7: bad boolean
		user("t1", "sch1", "teacher", "Tom"))).
		with("enrollments.csv", lines(hEnroll,
			"e1,,,k1,sch1,u1,student,false,,",
			"e2,,,k1,sch1,u2,student,false,,",          // user rejected
			"e3,,,k1,sch1,t1,teacher,true,2026-13-01,", // bad date
			"e4,,,kX,sch1,t1,teacher,true,,"))          // unknown class
	res, err := e.Sync(context.Background(), bad.zip(t, ""), Options{Scope: ScopeUsersCourses})
	if err != nil || res.Status != StatusApplied {
		t.Fatalf("%v %+v", err, res)
	}
	if res.Counts.Users.Added != 2 || res.Counts.Users.Errors != 5 {
		t.Fatalf("users %+v", res.Counts.Users)
	}
	if res.Counts.Assignments.Added != 1 || res.Counts.Assignments.Errors != 3 {
		t.Fatalf("assignments %+v", res.Counts.Assignments)
	}
	want := []struct {
		file, rule, id, field string
		line, col             int
	}{
		{"users.csv", "sourcedId.duplicate", "u1", "sourcedId", 3, 1},
		{"users.csv", "required.missing", "u2", "username", 4, 7},
		{"users.csv", "enum.invalid", "u3", "role", 5, 6},
		{"users.csv", "ref.missing", "u4", "orgSourcedIds", 6, 5},
		{"users.csv", "bool.invalid", "u5", "enabledUser", 7, 4},
		{"enrollments.csv", "ref.rejected", "e2", "userSourcedId", 3, 6},
		{"enrollments.csv", "date.invalid", "e3", "beginDate", 4, 9},
		{"enrollments.csv", "ref.missing", "e4", "classSourcedId", 5, 4},
	}
	for _, w := range want {
		found := false
		for _, l := range res.Log {
			if l.Severity == SevError && l.File == w.file && l.Rule == w.rule && l.SourcedID == w.id {
				found = true
				if l.Line != w.line || l.Column != w.col || l.Field != w.field {
					t.Errorf("%s %s: got line %d col %d field %s, want %d %d %s", w.file, w.rule, l.Line, l.Column, l.Field, w.line, w.col, w.field)
				}
			}
		}
		if !found {
			t.Errorf("no %s error for %s in %s", w.rule, w.id, w.file)
		}
	}
	// The first u1 row won.
	if r := record(t, e, data.Users, "u1"); r.Fields["given_name"] != "Ann" {
		t.Fatalf("duplicate overwrote the first row: %+v", r.Fields)
	}
}

func TestRejectedRowNeverDeactivates(t *testing.T) {
	e := newEngine(t)
	mustSync(t, e, district().zip(t, ""), ScopeBuildings)
	mustSync(t, e, district().zip(t, ""), ScopeUsers)
	// u1's row is broken today: it must be reported, not treated as absent.
	src := district().with("users.csv", lines(hUsers,
		"u1,,,true,sch1,student,,,Ann,Smith,,,,,,,,",
		user("u2", "sch1", "student", "Ben"), user("u3", "sch2", "student", "Cat"),
		user("t1", "sch1", "teacher", "Tom"), user("t2", "sch2", "teacher", "Tia"), user("a1", "dist1", "administrator", "Ada")))
	res := mustSync(t, e, src.zip(t, ""), ScopeUsers)
	if res.Counts.Users.Deactivated != 0 || res.Counts.Users.Errors != 1 {
		t.Fatalf("%+v", res.Counts.Users)
	}
	if r := record(t, e, data.Users, "u1"); !r.Active {
		t.Fatal("u1 deactivated because its row was bad")
	}
}

func TestUnusableSourcesWriteNothing(t *testing.T) {
	e := newEngine(t)
	mustSync(t, e, district().zip(t, ""), ScopeBuildings)
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
			res, err := e.Sync(context.Background(), c.src(t), Options{Scope: ScopeUsersCourses})
			var se *SourceError
			if !errors.As(err, &se) || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("want a source error containing %q, got %v", c.want, err)
			}
			if res == nil || res.Status != StatusFailed || res.RunID == 0 || findLog(res.Log, SevError, "", "source.unusable") == nil {
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
	mustSync(t, e, district().zip(t, ""), ScopeBuildings)
	e.Limits.MaxUncompressed = 1000
	big := district().with("users.csv", lines(hUsers, strings.Repeat(user("u1", "sch1", "student", "Ann")+"\n", 50)))
	_, err := e.Sync(context.Background(), big.zip(t, ""), Options{Scope: ScopeUsers})
	if !IsSourceError(err) || !strings.Contains(err.Error(), "zip bomb") {
		t.Fatalf("want zip bomb refusal, got %v", err)
	}
}

func TestTolerantReading(t *testing.T) {
	e := newEngine(t)
	mustSync(t, e, district().zip(t, ""), ScopeBuildings)
	// BOM, CRLF, header case, an extension column, trailing empty header cells,
	// TRUE, a capitalised role, Windows-1252 bytes and quoted commas/newlines.
	hdr := "\ufeffSourcedId,status,dateLastModified,EnabledUser,orgSourcedIds,role,username,userIds,givenName,familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,password,metadata.nick,,"
	body := hdr + "\r\n" +
		"u1,,,TRUE,\"sch1, sch2\",Student,ann,,Ren\xe9e,Smith,,,ann@example.org,,,,\"04,05\",,Nan,,\r\n" +
		"u2,,,true,sch1,student,ben,,\"Ben, Jr\",\"Multi\nLine\",,,,,,,,,,,\r\n"
	src := district().with("users.csv", body)
	res := mustSync(t, e, src.zip(t, "district-export/"), ScopeUsers)
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
	mustSync(t, e, d.dir(t), ScopeBuildings)
	// A lone users.csv is a complete users set without a manifest.
	lone := files{"users.csv": d["users.csv"]}.dir(t) + "/users.csv"
	res := mustSync(t, e, lone, ScopeUsersCourses)
	if res.Counts.Users.Added != 6 || res.Counts.Courses.Added != 0 || findLog(res.Log, SevWarning, "users.csv", "manifest.missing") == nil {
		t.Fatalf("lone users.csv %+v", res.Counts)
	}
	// A lone courses.csv touches courses only.
	courses := files{"courses.csv": d["courses.csv"]}.dir(t) + "/courses.csv"
	res = mustSync(t, e, courses, ScopeUsersCourses)
	if res.Counts.Courses.Added != 2 || res.Counts.Users != (data.UserCounts{}) {
		t.Fatalf("lone courses.csv %+v", res.Counts)
	}
	// A folder without manifest: warned, read as bulk.
	noManifest := d.with("manifest.csv", "")
	res = mustSync(t, e, noManifest.dir(t), ScopeUsersCourses)
	if findLog(res.Log, SevWarning, "manifest.csv", "manifest.missing") == nil || res.Counts.Assignments.Added != 5 {
		t.Fatalf("folder without manifest %+v %+v", res.Counts, res.Log)
	}
}

func TestMissingAndEmptyFilesNeverDeactivate(t *testing.T) {
	e := newEngine(t)
	mustSync(t, e, district().zip(t, ""), ScopeBuildings)
	mustSync(t, e, district().zip(t, ""), ScopeUsersCourses)
	// users.csv declared bulk but left out of the zip; enrollments.csv header only.
	src := district().with("users.csv", "").with("enrollments.csv", lines(hEnroll))
	res := mustSync(t, e, src.zip(t, ""), ScopeUsersCourses)
	if res.Counts.Users.Deactivated != 0 || res.Counts.Assignments.Removed != 0 {
		t.Fatalf("a missing or empty file deactivated records: %+v", res.Counts)
	}
	if findLog(res.Log, SevWarning, "manifest.csv", "manifest.file_missing") == nil || findLog(res.Log, SevWarning, "enrollments.csv", "file.header_only") == nil {
		t.Fatalf("warnings missing: %+v", res.Log)
	}
}

func TestOneRoster12Roles(t *testing.T) {
	e := newEngine(t)
	mustSync(t, e, district().zip(t, ""), ScopeBuildings)
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
	res := mustSync(t, e, src.zip(t, ""), ScopeUsers)
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
	mustSync(t, e, district().zip(t, ""), ScopeBuildings)
	h12 := "sourcedId,status,dateLastModified,enabledUser,username,userIds,givenName,familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,password,userMasterIdentifier,preferredGivenName,preferredMiddleName,preferredFamilyName,primaryOrgSourcedId,pronouns"
	m := func(modes map[string]string, roles string) string {
		return strings.Replace(manifest(modes), "oneroster.version,1.1", "oneroster.version,1.2", 1) + "file.roles," + roles + "\n"
	}
	bulk := files{
		"manifest.csv": m(map[string]string{"users": "bulk"}, "bulk"),
		"users.csv":    lines(h12, "u1,,,true,ann,,Ann,Smith,,,ann@example.org,,,,05,,,,,,sch1,"),
		"roles.csv":    lines("sourcedId,status,dateLastModified,userSourcedId,roleType,role,beginDate,endDate,orgSourcedId,userProfileSourcedId", "r1,,,u1,primary,student,,,sch1,"),
	}
	mustSync(t, e, bulk.zip(t, ""), ScopeUsers)
	// The next delta changes u1's email and names a guardian the roster never stored; no roles.csv at all.
	delta := files{
		"manifest.csv": m(map[string]string{"users": "delta"}, "absent"),
		"users.csv": lines(h12,
			"u1,active,2026-11-24T06:00:00.000Z,true,ann,,Ann,Smith,,,ann.smith@example.org,,,,05,,,,,,sch1,",
			"g1,active,2026-11-24T06:00:00.000Z,true,gus,,Gus,Smith,,,,,,u1,,,,,,,,"),
	}
	res := mustSync(t, e, delta.zip(t, ""), ScopeUsers)
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

func TestOneRunAtATime(t *testing.T) {
	e := newEngine(t)
	unlock, err := e.lock() // as if another run were writing
	if err != nil {
		t.Fatal(err)
	}
	res, err := e.Sync(context.Background(), district().zip(t, ""), Options{Scope: ScopeBuildings})
	if !IsRefused(err) || !strings.Contains(res.Message, "in progress") {
		t.Fatalf("want a refusal while another run writes, got %v", err)
	}
	unlock()
	mustSync(t, e, district().zip(t, ""), ScopeBuildings)
}

func TestTeacherPermissionAndGradeMatrix(t *testing.T) {
	e := newEngine(t)
	ctx := context.Background()
	if _, err := e.SetSetting(ctx, KeyTeacherPerm, "everything"); err == nil {
		t.Fatal("a bad permission was accepted")
	}
	if _, err := e.SetSetting(ctx, KeyTeacherPerm, PermLessonsOnly); err != nil {
		t.Fatal(err)
	}
	if _, err := e.SetSetting(ctx, KeyGradesMap, `{"05":"Grade 5","09":"Freshman"}`); err != nil {
		t.Fatal(err)
	}
	if _, err := e.SetSetting(ctx, KeyGradesMap, `{"05":""}`); err == nil {
		t.Fatal("an empty label was accepted")
	}
	mustSync(t, e, district().zip(t, ""), ScopeBuildings)
	mustSync(t, e, district().zip(t, ""), ScopeUsersCourses)
	if c := record(t, e, data.Courses, "c1"); c.Fields["teacher_permission"] != PermLessonsOnly || c.Fields["grades"] != "Grade 5" {
		t.Fatalf("c1 %+v", c.Fields)
	}
	if u := record(t, e, data.Users, "u1"); u.Fields["grades"] != "Grade 5" {
		t.Fatalf("u1 grades %q", u.Fields["grades"])
	}
	// Changing the preference reaches the existing courses at once.
	if _, err := e.SetSetting(ctx, KeyTeacherPerm, PermUnitsLessons); err != nil {
		t.Fatal(err)
	}
	if c := record(t, e, data.Courses, "c2"); c.Fields["teacher_permission"] != PermUnitsLessons || c.Fields["grades"] != "Freshman" {
		t.Fatalf("c2 %+v", c.Fields)
	}
}

func TestCollectionsAreLoggedByNameAndPosition(t *testing.T) {
	e := newEngine(t)
	mustSync(t, e, district().zip(t, ""), ScopeBuildings)
	src := district().with("users.csv", lines(hUsers, user("u1", "sch1", "student", "Ann"), user("u2", "sch1", "wizard", "Ben")))
	res, err := e.Sync(context.Background(), src.dir(t), Options{Scope: ScopeUsers, Collections: true})
	if err != nil {
		t.Fatal(err)
	}
	if l := findLog(res.Log, SevError, "users", "enum.invalid"); l == nil || l.Line != 2 || l.SourcedID != "u2" {
		t.Fatalf("want record 2 of the users collection, got %+v", l)
	}
	if l := findLog(res.Log, SevWarning, "users", "csv.line_break"); l != nil {
		t.Fatalf("a line-break warning on a one-line record: %+v", l)
	}
}

func TestRosterLockAcrossProcesses(t *testing.T) {
	ctx := context.Background()
	e := newEngine(t)
	host, _ := os.Hostname()
	// `serve` on another machine holds the roster: refused, naming it.
	other := data.RunLock{Holder: "rosterdesk serve", PID: 4242, Host: "sis-server"}
	if _, ok, err := e.DB.AcquireRunLock(ctx, other, func(data.RunLock) bool { return false }); !ok || err != nil {
		t.Fatal(ok, err)
	}
	_, err := e.Sync(ctx, district().zip(t, ""), Options{Scope: ScopeBuildings})
	if !IsRefused(err) || !strings.Contains(err.Error(), "rosterdesk serve") || !strings.Contains(err.Error(), "sis-server") {
		t.Fatalf("want a refusal naming the holder, got %v", err)
	}
	e.DB.ReleaseRunLock(ctx, 4242, "sis-server")
	// A holder on this machine whose process is gone left a stale claim: it is taken over.
	dead := data.RunLock{Holder: "RosterDesk app", PID: 1 << 22, Host: host}
	e.DB.AcquireRunLock(ctx, dead, func(data.RunLock) bool { return false })
	mustSync(t, e, district().zip(t, ""), ScopeBuildings)
}

func TestCancelRollsBackAndIsRecorded(t *testing.T) {
	e := newEngine(t)
	mustSync(t, e, district().zip(t, ""), ScopeBuildings)
	before := dumpRoster(t, e)
	ctx, cancel := context.WithCancel(context.Background())
	applyHook = func(done int) {
		if done == 3 {
			cancel()
		}
	}
	defer func() { applyHook = nil }()
	res, err := e.Sync(ctx, district().zip(t, ""), Options{Scope: ScopeUsersCourses})
	if !errors.Is(err, context.Canceled) || res == nil || res.Status != StatusCancelled {
		t.Fatalf("want a cancelled run, got %v %+v", err, res)
	}
	if dumpRoster(t, e) != before {
		t.Fatal("a cancelled run changed the roster")
	}
	if h, _ := e.History(context.Background(), 1, 0); h[0].Status != StatusCancelled {
		t.Fatalf("history %+v", h[0])
	}
}

func TestPreviewSaysItWouldBeHeld(t *testing.T) {
	e := newEngine(t)
	mustSync(t, e, district().zip(t, ""), ScopeBuildings)
	mustSync(t, e, district().zip(t, ""), ScopeUsers)
	guardsDefault(t, e)
	small := district().with("users.csv", lines(hUsers, user("u1", "sch1", "student", "Ann")))
	plan, err := e.PlanRun(context.Background(), small.zip(t, ""), Options{Scope: ScopeUsers})
	if err != nil || len(plan.Trips) == 0 || plan.Trips[0].Entity != "users" {
		t.Fatalf("preview trips %v %+v", err, plan.Trips)
	}
	res, err := e.Sync(context.Background(), small.zip(t, ""), Options{Scope: ScopeUsers, DryRun: true})
	if err != nil || len(res.Tripped) == 0 {
		t.Fatalf("dry run %v %+v", err, res)
	}
}
