package sync

import (
	"archive/zip"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"rosterdesk"
	"rosterdesk/data"
)

// Issue 12: what real SIS exports contain.

// A class marked tobedeleted in a bulk classes.csv is not created, so an
// enrollment naming it is a row error, not a FOREIGN KEY failure in apply.
func TestTobedeletedClassInBulkIsRowError(t *testing.T) {
	e := newEngine(t)
	b := district()
	b["classes.csv"] = lines(hClasses,
		"k1,,,Math 5 - A,05,c1,M5A,scheduled,R1,sch1,t1,Math,,1",
		"k2,tobedeleted,2026-01-01,Biology - A,09,c2,BIOA,scheduled,R2,sch2,t1,Science,,2")
	src := b.zip(t, "")
	mustSync(t, e, src, rosterdesk.ScopeBuildings)
	res, err := e.Sync(context.Background(), src, Options{Scope: rosterdesk.ScopeUsersCourses})
	if err != nil || res.Status != rosterdesk.StatusApplied {
		t.Fatalf("status %s err %v", res.Status, err)
	}
	if l := findLog(res.Log, SevInfo, "classes.csv", "bulk.tobedeleted"); l == nil || l.Line != 3 || l.Message != "marked tobedeleted in a bulk file: not imported" {
		t.Fatalf("tobedeleted row not logged: %+v", l)
	}
	for _, id := range []string{"e4", "e5"} {
		found := false
		for _, l := range res.Log {
			if l.Severity == SevError && l.File == "enrollments.csv" && l.SourcedID == id && l.Rule == "ref.tobedeleted" &&
				says(l.Message, "class k2 is marked tobedeleted in classes.csv") && l.Line > 0 {
				found = true
			}
		}
		if !found {
			t.Errorf("no row error for %s: %+v", id, res.Log)
		}
	}
	if k := res.Counts.Assignments; k.Added != 3 || k.Errors != 2 {
		t.Fatalf("assignments %+v", k)
	}
}

func TestBooleanWords(t *testing.T) {
	e := newEngine(t)
	b := district()
	b["enrollments.csv"] = lines(hEnroll,
		"e1,,,k1,sch1,u1,student,no,,",
		"e2,,,k1,sch1,u2,student,N,,",
		"e3,,,k1,sch1,t1,teacher,yes,,",
		"e4,,,k2,sch2,u3,student,0,,",
		"e5,,,k2,sch2,t2,teacher,Y,,")
	b["users.csv"] = strings.Replace(b["users.csv"], "u1,,,true,", "u1,,,1,", 1)
	src := b.zip(t, "")
	mustSync(t, e, src, rosterdesk.ScopeBuildings)
	res := mustSync(t, e, src, rosterdesk.ScopeUsersCourses)
	if res.Errors != 0 || res.Counts.Assignments.Added != 5 {
		t.Fatalf("errors %d %+v", res.Errors, res.Counts.Assignments)
	}
	l := findLog(res.Log, SevWarning, "enrollments.csv", "bool.word")
	if l == nil || l.Message != `primary "no" read as false (OneRoster writes true or false) (5 rows like this; first shown)` || l.Line != 2 {
		t.Fatalf("primary warning %+v", l)
	}
	if l := findLog(res.Log, SevWarning, "users.csv", "bool.word"); l == nil || l.Message != `enabledUser "1" read as true (OneRoster writes true or false)` {
		t.Fatalf("enabledUser warning %+v", l)
	}
	if r := record(t, e, data.Assignments, "e3"); r.Fields["is_primary"] != "true" {
		t.Fatalf("e3 %+v", r.Fields)
	}
	if r := record(t, e, data.Assignments, "e5"); r.Fields["is_primary"] != "true" {
		t.Fatalf("e5 %+v", r.Fields)
	}
	if r := record(t, e, data.Assignments, "e4"); r.Fields["is_primary"] != "false" {
		t.Fatalf("e4 %+v", r.Fields)
	}
}

func TestDuplicateEnrollmentsWarnedAndKept(t *testing.T) {
	e := newEngine(t)
	b := district()
	b["enrollments.csv"] = lines(hEnroll,
		"e1,,,k1,sch1,u1,student,false,2026-08-01,2026-12-20",
		"e2,,,k1,sch1,u2,student,false,,",
		"e3,,,k1,sch1,t1,teacher,true,,",
		"e1b,,,k1,sch1,u1,student,false,2027-01-05,2027-06-30",
		"e4,,,k1,sch1,u1,teacher,false,,")
	src := b.zip(t, "")
	mustSync(t, e, src, rosterdesk.ScopeBuildings)
	res := mustSync(t, e, src, rosterdesk.ScopeUsersCourses)
	if res.Counts.Assignments.Added != 5 {
		t.Fatalf("%+v", res.Counts.Assignments)
	}
	l := findLog(res.Log, SevWarning, "enrollments.csv", "enrollment.duplicate")
	if l == nil || l.Line != 5 || l.SourcedID != "e1b" ||
		l.Message != "enrollments e1 and e1b both enroll user u1 in class k1 as student; both are kept (the class lists the person once)" {
		t.Fatalf("duplicate warning %+v", l)
	}
	n := 0
	for _, x := range res.Log {
		if x.Rule == "enrollment.duplicate" {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("%d duplicate warnings (another role is not a duplicate)", n)
	}
	ms, err := e.ClassMembers(context.Background(), "k1")
	if err != nil {
		t.Fatal(err)
	}
	var u1 int
	for _, m := range ms {
		if m.UserSourcedID == "u1" && m.Role == "student" {
			u1++
		}
	}
	if u1 != 1 || len(ms) != 4 {
		t.Fatalf("members %+v", ms)
	}
	d, err := e.UserDetail(context.Background(), "u1")
	if err != nil || len(d.Classes) != 2 {
		t.Fatalf("u1 classes %+v %v", d, err)
	}
}

func TestGradeNamesMappedToCEDS(t *testing.T) {
	for _, c := range []struct{ in, out string }{
		{"Kindergarten", "KG"}, {"Second grade", "02"}, {"9", "09"}, {"kg", "KG"}, {"Grade 10", "10"},
		{"Twelfth grade", "12"}, {"Pre-Kindergarten", "PK"}, {"3rd", "03"}, {"Ungraded", "UG"}, {"other", "Other"},
		{"Grade K", "KG"}, {"1st Grade", "01"}, {"Preschool/Prekindergarten", "PK"}, {"Infant/toddler", "IT"}, {"Postsecondary", "PS"},
	} {
		if got, ok := cedsGrade(c.in); !ok || got != c.out {
			t.Errorf("cedsGrade(%q) = %q, %v; want %s", c.in, got, ok, c.out)
		}
	}
	for _, in := range []string{"09", "KG", "Other", "Freshman", "0", "99"} {
		if got, ok := cedsGrade(in); ok && got != in {
			t.Errorf("cedsGrade(%q) = %q", in, got)
		}
	}
	e := newEngine(t)
	ctx := context.Background()
	if _, err := e.SetSetting(ctx, KeyGradesMap, `{"Kindergarten":"K"}`); err != nil {
		t.Fatal(err)
	}
	b := district()
	b["users.csv"] = strings.Replace(strings.Replace(strings.Replace(b["users.csv"],
		"ann@example.org,,,,05,", "ann@example.org,,,,Second grade,", 1),
		"ben@example.org,,,,05,", "ben@example.org,,,,9,", 1),
		"cat@example.org,,,,05,", "cat@example.org,,,,Kindergarten,", 1)
	src := b.zip(t, "")
	mustSync(t, e, src, rosterdesk.ScopeBuildings)
	res := mustSync(t, e, src, rosterdesk.ScopeUsersCourses)
	want := map[string]string{"u1": "02", "u2": "09", "u3": "K"} // the matrix says what Kindergarten is
	for id, g := range want {
		if r := record(t, e, data.Users, id); r.Fields["grades"] != g {
			t.Errorf("%s grades %q, want %s", id, r.Fields["grades"], g)
		}
	}
	l := findLog(res.Log, SevWarning, "users.csv", "grade.ceds")
	if l == nil || l.SourcedID != "u1" || !strings.HasPrefix(l.Message, `grade "Second grade" read as the CEDS code 02; if your district means something else by it, say so in Preferences › Grade level matrix`) {
		t.Fatalf("grade warning %+v", l)
	}
	if !says(l.Message, "(2 rows like this") {
		t.Fatalf("the matrix's own Kindergarten should not be warned: %s", l.Message)
	}
}

func TestExcelDatesNamed(t *testing.T) {
	e := newEngine(t)
	b := district()
	b["enrollments.csv"] = strings.Replace(b["enrollments.csv"], "e1,,,k1,sch1,u1,student,false,,", "e1,,,k1,sch1,u1,student,false,8/15/2026,", 1)
	rep, err := e.Validate(context.Background(), b.zip(t, ""))
	if err != nil {
		t.Fatal(err)
	}
	l := findLog(rep.Log, SevError, "enrollments.csv", "date.invalid")
	if l == nil || l.SourcedID != "e1" || !says(l.Message, `beginDate "8/15/2026" is not a date (YYYY-MM-DD): it looks edited in Excel`) ||
		!says(l.Message, "yyyy-mm-dd") {
		t.Fatalf("excel date %+v", l)
	}
}

// utf16le encodes s as Excel's "Unicode Text": UTF-16 little-endian with a BOM.
func utf16le(s string) string {
	out := []byte{0xFF, 0xFE}
	for _, r := range s {
		if r > 0xFFFF {
			panic("test text is BMP only")
		}
		out = append(out, byte(r), byte(r>>8))
	}
	return string(out)
}

func TestExcelUnicodeTextAndDelimiters(t *testing.T) {
	e := newEngine(t)
	d := district()
	mustSync(t, e, d.zip(t, ""), rosterdesk.ScopeBuildings)
	// Excel's "Unicode Text": UTF-16 and tab-separated.
	tabbed := strings.NewReplacer(",", "\t").Replace(strings.Replace(d["users.csv"], "Ann,Smith", "Renée,Smith", 1))
	res := mustSync(t, e, d.with("users.csv", utf16le(tabbed)).zip(t, ""), rosterdesk.ScopeUsers)
	if res.Errors != 0 || res.Counts.Users.Added != 6 {
		t.Fatalf("UTF-16 tab file: errors %d %+v %+v", res.Errors, res.Counts.Users, res.Log)
	}
	if u := record(t, e, data.Users, "u1"); u.Fields["given_name"] != "Renée" {
		t.Fatalf("u1 %+v", u.Fields)
	}
	l := findLog(res.Log, SevWarning, "users.csv", "encoding.utf16")
	if l == nil || !says(l.Message, `is UTF-16 text (what Excel saves as "Unicode Text"), not UTF-8; decoded and read`) ||
		!says(l.Message, `"CSV UTF-8 (Comma delimited)"`) {
		t.Fatalf("utf16 warning %+v", l)
	}
	if l := findLog(res.Log, SevWarning, "users.csv", "csv.delimiter"); l == nil || !says(l.Message, "separates its columns with tabs, not commas") {
		t.Fatalf("delimiter warning %+v", l)
	}
	// Semicolons, as Excel saves CSV in many European locales; the manifest too.
	semi := d.with("users.csv", strings.ReplaceAll(d["users.csv"], ",", ";")).with("manifest.csv", strings.ReplaceAll(d["manifest.csv"], ",", ";"))
	res = mustSync(t, e, semi.zip(t, ""), rosterdesk.ScopeUsers)
	if res.Errors != 0 {
		t.Fatalf("semicolons %+v", res.Log)
	}
	if l := findLog(res.Log, SevWarning, "users.csv", "csv.delimiter"); l == nil || !strings.HasPrefix(l.Message, "separates its columns with semicolons (;), not commas") {
		t.Fatalf("delimiter warning %+v", l)
	}
	// A header that does not prove the delimiter is refused with how to save the file.
	bad := d.with("users.csv", "id;name;email\n1;Ann;ann@example.org\n")
	_, err := e.Sync(context.Background(), bad.zip(t, ""), Options{Scope: rosterdesk.ScopeUsers})
	if !IsSourceError(err) || !strings.Contains(err.Error(), "has semicolons (;) between its columns, not commas") ||
		!strings.Contains(err.Error(), `"CSV UTF-8 (Comma delimited)"`) || strings.Contains(err.Error(), "School Data Sync") {
		t.Fatalf("unproven delimiter: %v", err)
	}
}

func TestManifestVersionsWarned(t *testing.T) {
	d := district()
	d["manifest.csv"] = strings.Replace(strings.Replace(d["manifest.csv"], "manifest.version,1.0", "manifest.version,2.0", 1), "oneroster.version,1.1", "oneroster.version,1.3", 1)
	rep, err := newEngine(t).Validate(context.Background(), d.zip(t, ""))
	if err != nil {
		t.Fatal(err)
	}
	if l := findLog(rep.Log, SevWarning, "manifest.csv", "manifest.version"); l == nil || !says(l.Message, `manifest.version "2.0" is not 1.0`) {
		t.Fatalf("manifest.version %+v", rep.Log)
	}
	found := false
	for _, l := range rep.Log {
		if l.Severity == SevWarning && says(l.Message, `oneroster.version "1.3" is not 1.1 or 1.2`) {
			found = true
		}
	}
	if !found {
		t.Fatalf("oneroster.version not warned %+v", rep.Log)
	}
}

func TestDuplicateZipEntriesRefused(t *testing.T) {
	d := district()
	p := d.zip(t, "")
	// Append a second users.csv entry to the zip.
	zr, err := zip.OpenReader(p)
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "OneRoster.zip")
	f, _ := os.Create(out)
	zw := zip.NewWriter(f)
	for _, e := range zr.File {
		w, _ := zw.Create(e.Name)
		rc, _ := e.Open()
		io.Copy(w, rc)
		rc.Close()
	}
	w, _ := zw.Create("users.csv")
	w.Write([]byte(lines(hUsers, user("x1", "sch1", "student", "Xan"))))
	zw.Close()
	f.Close()
	zr.Close()
	e := newEngine(t)
	_, err = e.Sync(context.Background(), out, Options{Scope: rosterdesk.ScopeBuildings})
	if !IsSourceError(err) || !strings.Contains(err.Error(), "holds two entries named users.csv") {
		t.Fatalf("want refusal, got %v", err)
	}
}

// The 1.2 users.csv header, every spec column and the 2022 layout's resourceSourcedIds, is not warned about.
func TestHeaders12NotWarned(t *testing.T) {
	hdr := "sourcedId,status,dateLastModified,enabledUser,username,userIds,givenName,familyName,middleName,identifier,email,sms,phone," +
		"agentSourcedIds,grades,password,userMasterIdentifier,resourceSourcedIds,preferredGivenName,preferredMiddleName,preferredFamilyName,primaryOrgSourcedId,pronouns"
	rolesH := "sourcedId,status,dateLastModified,userSourcedId,roleType,role,beginDate,endDate,orgSourcedId,userProfileSourcedId"
	profH := "sourcedId,status,dateLastModified,userSourcedId,profileType,vendorId,applicationId,description,credentialType,username,password"
	demoH := "sourcedId,status,dateLastModified,birthDate,sex,americanIndianOrAlaskaNative,asian,blackOrAfricanAmerican,nativeHawaiianOrOtherPacificIslander,white,demographicRaceTwoOrMoreRaces,hispanicOrLatinoEthnicity,countryOfBirthCode,stateOfBirthAbbreviation,cityOfBirth,publicSchoolResidenceStatus"
	d := district()
	d["manifest.csv"] = strings.Replace(d["manifest.csv"], "oneroster.version,1.1", "oneroster.version,1.2", 1) +
		"file.roles,bulk\nfile.userProfiles,bulk\n"
	d["manifest.csv"] = strings.Replace(d["manifest.csv"], "file.demographics,absent", "file.demographics,bulk", 1)
	d["users.csv"] = lines(hdr, "u1,,,true,ann,,Ann,Smith,,,,,,,05,,,,,,,sch1,")
	d["roles.csv"] = lines(rolesH, "r1,,,u1,primary,student,,,sch1,")
	d["userProfiles.csv"] = lines(profH, "p1,,,u1,app,v1,,,,,")
	d["demographics.csv"] = lines(demoH, "u1,,,2015-01-01,female,,,,,,,,,,,")
	d["enrollments.csv"] = lines(hEnroll, "e1,,,k1,sch1,u1,student,false,,")
	rep, err := newEngine(t).Validate(context.Background(), d.zip(t, ""))
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range rep.Log {
		if strings.HasPrefix(l.Rule, "header.") {
			t.Errorf("header warning on spec columns: %+v", l)
		}
	}
	if rep.Errors != 0 {
		t.Fatalf("errors %+v", rep.Log)
	}
}

// One pass: three files that cannot be used are all reported, each with
// every missing column, grouped by file, beside the row problems of the rest.
func TestValidateReportsEveryFileInOnePass(t *testing.T) {
	d := district()
	d["academicSessions.csv"] = lines("sourcedId,status,dateLastModified,title,type,startDate,endDate,parentSourcedId",
		"y2026,,,2026-27,schoolYear,2026-08-01,2027-06-30,")
	d["classes.csv"] = lines("sourcedId,status,dateLastModified,title,grades,courseSourcedId,classCode,location,schoolSourcedId,extra",
		"k1,,,Math 5 - A,05,c1,M5A,R1,sch1,x")
	d["users.csv"] = lines("sourcedId,status,dateLastModified,orgSourcedIds,role,username,givenName,familyName,Email",
		"u1,,,sch1,student,ann,Ann,Smith,a@example.org")
	d["courses.csv"] = lines(hCourses, "c1,,,y2026,Math 5,M5,05,sch1,Math,", "c2,,,y2026,,BIO,09,sch2,Science,")
	e := newEngine(t)
	rep, err := e.Validate(context.Background(), d.zip(t, ""))
	if err != nil {
		t.Fatalf("a bundle usable for buildings is not an error: %v", err)
	}
	if len(rep.UsableFor) != 1 || rep.UsableFor[0] != rosterdesk.ScopeBuildings || !rep.Usable {
		t.Fatalf("usable for %v", rep.UsableFor)
	}
	want := map[string]string{
		"academicSessions.csv": "required column schoolYear is missing",
		"classes.csv":          "required column classType, termSourcedIds is missing",
		"users.csv":            "required column enabledUser is missing",
	}
	for f, msg := range want {
		l := findLog(rep.Log, SevError, f, "file.unusable")
		if l == nil || !says(l.Message, msg) || says(l.Message, "imported") {
			t.Errorf("%s: want %q, got %+v", f, msg, l)
		}
		if !strings.Contains(rep.Unusable[f], msg) {
			t.Errorf("unusable %s: %q", f, rep.Unusable[f])
		}
	}
	// Beside them: a header warning in an unusable file, and a row error in a readable one.
	if l := findLog(rep.Log, SevWarning, "classes.csv", "header.unknown"); l == nil || !says(l.Message, "extra") {
		t.Errorf("classes.csv unknown column not reported %+v", l)
	}
	if l := findLog(rep.Log, SevError, "courses.csv", "required.missing"); l == nil || l.SourcedID != "c2" {
		t.Errorf("courses.csv row error not reported %+v", l)
	}
	// No cascade: enrollments naming the unreadable classes and users are not each an error.
	if l := findLog(rep.Log, SevError, "enrollments.csv", "ref.missing"); l != nil {
		t.Errorf("cascade from an unusable file: %+v", l)
	}
	if !strings.HasPrefix(rep.Message, "usable for a buildings sync; cannot be read: academicSessions.csv line 1: required column schoolYear") {
		t.Errorf("message %q", rep.Message)
	}
	// Grouped by file: once a file's lines start, no other file's come between them.
	seen, last := map[string]bool{}, "\x00"
	for _, l := range rep.Log {
		if l.File != last {
			if seen[l.File] {
				t.Fatalf("log not grouped by file: %s again after %s", l.File, last)
			}
			seen[l.File], last = true, l.File
		}
	}
	// The building sync works, and its log says what the rest of the bundle lacks.
	res := mustSync(t, e, d.zip(t, ""), rosterdesk.ScopeBuildings)
	for _, f := range []string{"users.csv", "classes.csv", "academicSessions.csv"} {
		if l := findLog(res.Log, SevWarning, f, "bundle.lacking"); l == nil || !says(l.Message, "sync of this bundle would be refused") {
			t.Errorf("building sync says nothing of %s: %+v", f, l)
		}
	}
}

// A OneRoster 1.0 bundle (no manifest, 1.0 column names) is called 1.0 and told what 1.1 needs.
func TestOneRoster10Recognised(t *testing.T) {
	b := files{
		"orgs.csv": lines("sourcedId,status,dateLastModified,name,type,identifier,metadata.classification,metadata.gender,metadata.boarding,parentSourcedId",
			"sch1,active,2015-01-01,Maple Elementary,school,,,,,"),
		"academicSessions.csv": lines("sourcedId,status,dateLastModified,title,type,startDate,endDate,parentSourcedId",
			"t1,active,2015-01-01,Fall,term,2015-08-01,2015-12-20,"),
		"courses.csv": lines("sourcedId,status,dateLastModified,schoolYearId,title,courseCode,grade,orgSourcedId,subjects",
			"c1,active,2015-01-01,,Math,M,5,sch1,Math"),
		"classes.csv": lines("sourcedId,status,dateLastModified,title,grade,courseSourcedId,classCode,classType,location,schoolSourcedId,termSourcedId,subjects",
			"k1,active,2015-01-01,Math A,5,c1,MA,scheduled,R1,sch1,t1,Math"),
		"users.csv": lines("sourcedId,status,dateLastModified,orgSourcedIds,role,username,userId,givenName,familyName,identifier,email,sms,phone,agents",
			"u1,active,2015-01-01,sch1,student,ann,,Ann,Smith,,,,,"),
		"enrollments.csv": lines("sourcedId,status,dateLastModified,classSourcedId,schoolSourcedId,userSourcedId,role,primary",
			"e1,active,2015-01-01,k1,sch1,u1,student,"),
	}
	e := newEngine(t)
	rep, err := e.Validate(context.Background(), b.zip(t, ""))
	if err != nil {
		t.Fatal(err)
	}
	if rep.Source.Version != "1.0" {
		t.Fatalf("version %s", rep.Source.Version)
	}
	l := findLog(rep.Log, SevWarning, "", "version.1_0")
	if l == nil {
		t.Fatalf("no 1.0 warning %+v", rep.Log)
	}
	for _, need := range []string{"this is a OneRoster 1.0 export", "a manifest.csv", "users.csv: add enabledUser, rename agents to agentSourcedIds, rename userId to userIds",
		"classes.csv: rename grade to grades, rename termSourcedId to termSourcedIds", "academicSessions.csv: add schoolYear", "courses.csv: rename grade to grades, rename schoolYearId to schoolYearSourcedId"} {
		if !says(l.Message, need) {
			t.Errorf("1.0 message lacks %q: %s", need, l.Message)
		}
	}
	if l := findLog(rep.Log, SevWarning, "manifest.csv", "manifest.missing"); l == nil || says(l.Message, "1.1 detected") {
		t.Errorf("manifest line %+v", l)
	}
	if l := findLog(rep.Log, SevWarning, "users.csv", "header.unknown"); l == nil || !says(l.Message, "userId (the OneRoster 1.0 name of userIds)") {
		t.Errorf("1.0 column not named %+v", l)
	}
	// Its orgs.csv has every 1.1 column: usable for buildings, and said so.
	if len(rep.UsableFor) != 1 || rep.UsableFor[0] != rosterdesk.ScopeBuildings {
		t.Fatalf("usable for %v (%s)", rep.UsableFor, rep.Message)
	}
}

// An unclosed quote swallows the lines after it: they are read again as
// rows, and a bulk run on the damaged file deactivates no one.
func TestBrokenQuoteTakesNothingAway(t *testing.T) {
	e := newEngine(t)
	d := district()
	mustSync(t, e, d.zip(t, ""), rosterdesk.ScopeBuildings)
	mustSync(t, e, d.zip(t, ""), rosterdesk.ScopeUsersCourses)
	// u1's given name opens a quote that never closes; u2 (and the rest) follow.
	broken := lines(hUsers,
		strings.Replace(user("u1", "sch1", "student", "Ann"), ",Ann,", `,"Ann,`, 1),
		user("u2", "sch1", "student", "Ben"),
		user("t1", "sch1", "teacher", "Tom"))
	res := mustSync(t, e, d.with("users.csv", broken).zip(t, ""), rosterdesk.ScopeUsers)
	l := findLog(res.Log, SevError, "users.csv", "csv.quote")
	if l == nil || l.Line != 2 || !says(l.Message, "lines 2 to 4 read as one field; this row is skipped and reading resumes on line 3") {
		t.Fatalf("quote error %+v", res.Log)
	}
	if w := findLog(res.Log, SevWarning, "users.csv", "file.damaged"); w == nil ||
		!says(w.Message, "is damaged (line 2: malformed quotes): its rows were read where they could be, but nothing absent from it is deactivated or removed in this run") {
		t.Fatalf("damaged warning %+v", res.Log)
	}
	if res.Counts.Users.Deactivated != 0 || res.Counts.Users.Errors != 1 {
		t.Fatalf("counts %+v", res.Counts.Users)
	}
	for _, id := range []string{"u1", "u2", "u3", "t1", "t2", "a1"} {
		if r := record(t, e, data.Users, id); !r.Active {
			t.Errorf("%s deactivated by a damaged file", id)
		}
	}
	// A stray quote that pairs with one lines later: the rows between are read again too.
	paired := lines(hUsers,
		strings.Replace(user("u1", "sch1", "student", "Ann"), ",Ann,", `,"Ann,`, 1),
		user("u2", "sch1", "student", "Ben"),
		strings.Replace(user("t1", "sch1", "teacher", "Tom"), ",Tom,", `,Tom",`, 1))
	rep, err := e.Validate(context.Background(), d.with("users.csv", paired).zip(t, ""))
	if err != nil {
		t.Fatal(err)
	}
	if l := findLog(rep.Log, SevError, "users.csv", "csv.quote"); l == nil || l.Line != 2 {
		t.Fatalf("paired quote %+v", rep.Log)
	}
	if rep.Rows["users.csv"] != 1 || findLog(rep.Log, SevError, "enrollments.csv", "ref.missing").SourcedID == "e2" { // u2 read
		t.Fatalf("rows after the broken one not read: %v %+v", rep.Rows, rep.Log)
	}
}

func TestExcelStrippedZerosNamed(t *testing.T) {
	d := district()
	d["users.csv"] = strings.NewReplacer(
		"u1,,,true,sch1,student,ann,,Ann,Smith,,,", "u1,,,true,sch1,student,ann,,Ann,Smith,,00123,",
		"u2,,,true,sch1,student,ben,,Ben,Smith,,,", "u2,,,true,sch1,student,ben,,Ben,Smith,,456,",
		"u3,,,true,sch2,student,cat,,Cat,Smith,,,", "u3,,,true,sch2,student,cat,,Cat,Smith,,00789,").Replace(d["users.csv"])
	rep, err := newEngine(t).Validate(context.Background(), d.zip(t, ""))
	if err != nil {
		t.Fatal(err)
	}
	l := findLog(rep.Log, SevWarning, "users.csv", "excel.zeros")
	if l == nil || l.SourcedID != "u2" || l.Field != "identifier" ||
		!strings.HasPrefix(l.Message, "identifier 456 looks like 00456 without its leading zeros (00123 has them; 1 value(s) like this): the file looks edited in Excel") {
		t.Fatalf("stripped zeros %+v", rep.Log)
	}
	// Identifiers that were never padded are not flagged.
	if rep, _ := newEngine(t).Validate(context.Background(), district().zip(t, "")); findLog(rep.Log, SevWarning, "", "excel.zeros") != nil {
		t.Fatal("false alarm")
	}
}

func TestExcelScientificNumbersNamed(t *testing.T) {
	d := district()
	d["users.csv"] = strings.Replace(d["users.csv"], "u1,,,true,sch1,student,ann,,Ann,Smith,,,", "u1,,,true,sch1,student,ann,,Ann,Smith,,1.23457E+11,", 1)
	d["enrollments.csv"] = strings.Replace(d["enrollments.csv"], "e2,,,k1,sch1,u2,student,false,,", "e2,,,k1,sch1,u2,student,false,15-Aug-26,", 1)
	rep, err := newEngine(t).Validate(context.Background(), d.zip(t, ""))
	if err != nil {
		t.Fatal(err)
	}
	if l := findLog(rep.Log, SevWarning, "users.csv", "excel.number"); l == nil || l.SourcedID != "u1" ||
		!strings.HasPrefix(l.Message, "identifier 1.23457E+11 is a long number in Excel's scientific notation, so its digits are lost: the file looks edited in Excel") {
		t.Fatalf("scientific notation %+v", rep.Log)
	}
	if l := findLog(rep.Log, SevError, "enrollments.csv", "date.invalid"); l == nil || !says(l.Message, "it looks edited in Excel") {
		t.Fatalf("15-Aug-26 %+v", l)
	}
}

// A building sync of a 1.2 bundle without roles.csv says a users sync would be refused.
func TestBuildingSyncSaysRolesLacking(t *testing.T) {
	d := district()
	d["manifest.csv"] = strings.Replace(d["manifest.csv"], "oneroster.version,1.1", "oneroster.version,1.2", 1)
	d["users.csv"] = lines("sourcedId,status,dateLastModified,enabledUser,username,userIds,givenName,familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,password,userMasterIdentifier,preferredGivenName,preferredMiddleName,preferredFamilyName,primaryOrgSourcedId,pronouns",
		"u1,,,true,ann,,Ann,Smith,,,,,,,05,,,,,,sch1,")
	res := mustSync(t, newEngine(t), d.zip(t, ""), rosterdesk.ScopeBuildings)
	if l := findLog(res.Log, SevWarning, "roles.csv", "bundle.lacking"); l == nil || !says(l.Message, "a users sync of this bundle would be refused") {
		t.Fatalf("%+v", res.Log)
	}
}

// A damaged bulk roles.csv (1.2) takes no school or role away from anyone.
func TestDamagedRolesTakeNothingAway(t *testing.T) {
	h12 := "sourcedId,status,dateLastModified,enabledUser,username,userIds,givenName,familyName,middleName,identifier,email,sms,phone," +
		"agentSourcedIds,grades,password,userMasterIdentifier,preferredGivenName,preferredMiddleName,preferredFamilyName,primaryOrgSourcedId,pronouns"
	rolesH := "sourcedId,status,dateLastModified,userSourcedId,roleType,role,beginDate,endDate,orgSourcedId,userProfileSourcedId"
	d := district()
	d["manifest.csv"] = strings.Replace(d["manifest.csv"], "oneroster.version,1.1", "oneroster.version,1.2", 1) + "file.roles,bulk\n"
	d["users.csv"] = lines(h12, "u1,,,true,ann,,Ann,Smith,,,,,,,05,,,,,,sch1,", "t1,,,true,tom,,Tom,Lee,,,,,,,,,,,,,sch1,")
	d["roles.csv"] = lines(rolesH, "r1,,,u1,primary,student,,,sch1,", "r2,,,t1,primary,teacher,,,sch1,", "r3,,,t1,secondary,teacher,,,sch2,")
	d["enrollments.csv"] = lines(hEnroll, "e1,,,k1,sch1,u1,student,false,,")
	e := newEngine(t)
	mustSync(t, e, d.zip(t, ""), rosterdesk.ScopeBuildings)
	mustSync(t, e, d.zip(t, ""), rosterdesk.ScopeUsers)
	if r := record(t, e, data.Users, "t1"); r.Fields["org_ids"] != "sch1,sch2" {
		t.Fatalf("t1 %+v", r.Fields)
	}
	// r2's quote never closes and swallows r3, t1's role at sch2.
	d["roles.csv"] = lines(rolesH, "r1,,,u1,primary,student,,,sch1,", `r2,,,t1,primary,"teacher,,,sch1,`, "r3,,,t1,secondary,teacher,,,sch2,")
	res := mustSync(t, e, d.zip(t, ""), rosterdesk.ScopeUsers)
	if findLog(res.Log, SevWarning, "roles.csv", "file.damaged") == nil {
		t.Fatalf("no damaged warning %+v", res.Log)
	}
	if r := record(t, e, data.Users, "t1"); r.Fields["org_ids"] != "sch1,sch2" || r.Fields["role"] != "teacher" || !r.Active {
		t.Fatalf("t1 lost something to a damaged roles.csv: %+v", r.Fields)
	}
}

// The validator speaks of what a sync would do: it changes nothing itself.
func TestValidatorWords(t *testing.T) {
	d := district()
	d["courses.csv"] = lines(hCourses)
	rep, err := newEngine(t).Validate(context.Background(), d.zip(t, ""))
	if err != nil {
		t.Fatal(err)
	}
	if l := findLog(rep.Log, SevWarning, "courses.csv", "file.header_only"); l == nil || !strings.HasSuffix(l.Message, "a sync would change nothing in it") {
		t.Fatalf("%+v", l)
	}
	for _, l := range rep.Log {
		if says(l.Message, "nothing was imported") || says(l.Message, "is changed") {
			t.Errorf("importer's words in the validator: %+v", l)
		}
	}
}
