package sync

import (
	"context"
	"strings"
	"testing"

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
	mustSync(t, e, src, ScopeBuildings)
	res, err := e.Sync(context.Background(), src, Options{Scope: ScopeUsersCourses})
	if err != nil || res.Status != StatusApplied {
		t.Fatalf("status %s err %v", res.Status, err)
	}
	if l := findLog(res.Log, SevInfo, "classes.csv", "bulk.tobedeleted"); l == nil || l.Line != 3 || l.Message != "marked tobedeleted in a bulk file: not imported" {
		t.Fatalf("tobedeleted row not logged: %+v", l)
	}
	for _, id := range []string{"e4", "e5"} {
		found := false
		for _, l := range res.Log {
			if l.Severity == SevError && l.File == "enrollments.csv" && l.SourcedID == id && l.Rule == "ref.tobedeleted" &&
				strings.Contains(l.Message, "class k2 is marked tobedeleted in classes.csv") && l.Line > 0 {
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
	mustSync(t, e, src, ScopeBuildings)
	res := mustSync(t, e, src, ScopeUsersCourses)
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
	mustSync(t, e, src, ScopeBuildings)
	res := mustSync(t, e, src, ScopeUsersCourses)
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
	mustSync(t, e, src, ScopeBuildings)
	res := mustSync(t, e, src, ScopeUsersCourses)
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
	if !strings.Contains(l.Message, "(2 rows like this") {
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
	if l == nil || l.SourcedID != "e1" || !strings.Contains(l.Message, `beginDate "8/15/2026" is not a date (YYYY-MM-DD): it looks edited in Excel`) ||
		!strings.Contains(l.Message, "yyyy-mm-dd") {
		t.Fatalf("excel date %+v", l)
	}
}
