package sync

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"rosterdesk"
	"rosterdesk/data"
)

// The public third-party bundles in ../shared/oneroster/samples, read in place.
// Each test asserts what the sample's SOURCE.md says an importer should do.

func sample(t *testing.T, rel string) string {
	t.Helper()
	shared := filepath.Join("..", "..", "shared")
	if d := os.Getenv("ROSTERDESK_SHARED"); d != "" { // a worktree away from the main checkout
		shared = d
	}
	p := filepath.Join(shared, "oneroster", "samples", rel)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("sample %s not available (../shared is absent): %v", rel, err)
	}
	return p
}

func TestSampleLepoHappyPath(t *testing.T) {
	for _, lang := range []string{"en", "ja"} {
		t.Run(lang, func(t *testing.T) {
			src := sample(t, "lepo-roster-hub/"+lang+"/oneroster.zip")
			e := newEngine(t)
			b := mustSync(t, e, src, rosterdesk.ScopeBuildings)
			if b.Counts.Buildings.Added != 1 {
				t.Fatalf("buildings %+v", b.Counts.Buildings)
			}
			res := mustSync(t, e, src, rosterdesk.ScopeUsersCourses)
			k := res.Counts
			if res.Errors != 0 || k.Users.Added != 20 || k.Courses.Added != 2 || k.Classes.Added != 5 || k.Assignments.Added != 30 {
				t.Fatalf("errors %d counts %+v", res.Errors, k)
			}
			// The manifest typo "fiel.demographics" is a warning, not a crash.
			if l := findLog(b.Log, SevWarning, "manifest.csv", "manifest.unknown_property"); l == nil || !says(l.Message, "fiel.demographics") {
				t.Fatalf("no warning for fiel.demographics: %+v", b.Log)
			}
			// Students enrolled as teachers: kept, with a warning.
			if findLog(res.Log, SevWarning, "enrollments.csv", "role.mismatch") == nil {
				t.Fatal("no role mismatch warning")
			}
			if rc := roster(t, e); rc.Assignments.ByRole["teacher"] != 5 {
				t.Fatalf("teacher assignments %+v", rc.Assignments.ByRole)
			}
			if lang == "ja" {
				if u := record(t, e, data.Users, "us0001"); u.Fields["given_name"] != "名01" || u.Fields["family_name"] != "姓01" {
					t.Fatalf("Japanese names %+v", u.Fields)
				}
			}
			sessions, _ := e.db.Count(context.Background(), "academic_sessions", false)
			if sessions.Active != 4 {
				t.Fatalf("terms %+v", sessions)
			}
		})
	}
}

func TestSampleMoodleMinimal(t *testing.T) {
	for _, set := range []string{"Test_minimal_data_set.zip", "Test_full_data_set.zip"} {
		t.Run(set, func(t *testing.T) {
			rep, err := newEngine(t).Validate(context.Background(), sample(t, "moodle-enrol-oneroster/"+set))
			if err != nil {
				t.Fatal(err)
			}
			for _, rule := range []string{"bool.case", "enum.case"} {
				if findLog(rep.Log, SevWarning, "", rule) == nil {
					t.Errorf("no %s warning", rule)
				}
			}
			// CRLF is RFC 4180's own line break: noted, not warned.
			if findLog(rep.Log, SevInfo, "", "encoding.crlf") == nil || findLog(rep.Log, SevWarning, "", "encoding.crlf") != nil {
				t.Error("CRLF not an info line")
			}
			// Classes point at courses while file.courses is absent: each class is rejected by name.
			l := findLog(rep.Log, SevError, "classes.csv", "ref.missing")
			if l == nil || l.Field != "courseSourcedId" || l.Line != 2 || l.SourcedID != "cls-222-123456" {
				t.Fatalf("class → missing course error %+v", l)
			}
			if set == "Test_full_data_set.zip" {
				if findLog(rep.Log, SevWarning, "academicSessions.csv", "status.legacy") == nil {
					t.Error("status inactive not reported")
				}
				if findLog(rep.Log, SevWarning, "orgs.csv", "ref.missing") == nil {
					t.Error("dangling parentSourcedId not reported")
				}
			}
		})
	}
}

func TestSampleMoodle12Delta(t *testing.T) {
	e := newEngine(t)
	src := sample(t, "moodle-enrol-oneroster/oneroster_test_data.zip")
	mustSync(t, e, src, rosterdesk.ScopeBuildings)
	res := mustSync(t, e, src, rosterdesk.ScopeUsersCourses)
	if res.Errors != 0 || res.Counts.Users.Added != 1 || res.Counts.Assignments.Added != 1 {
		t.Fatalf("1.2 delta: errors %d %+v %+v", res.Errors, res.Counts, res.Log)
	}
	if u := record(t, e, data.Users, "USER_0"); u.Fields["role"] != "student" || u.Fields["org_ids"] != "ORG_1" {
		t.Fatalf("USER_0 from roles.csv %+v", u.Fields)
	}
}

func TestSampleMoodleBroken12(t *testing.T) {
	rep, err := newEngine(t).Validate(context.Background(), sample(t, "moodle-enrol-oneroster/v1p2_full_dataset.zip"))
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct{ sev, file, rule, contains string }{
		{SevWarning, "users.csv", "header.unknown", "prefferedGivenName"},
		{SevWarning, "roles.csv", "header.unknown", "dataLastModified"},
		{SevWarning, "roles.csv", "header.trailing_empty", ""},
		{SevWarning, "userprofiles.csv", "package.file_name_case", ""},
		{SevWarning, "manifest.csv", "manifest.bad_value", "file.scoreScales"},
		{SevWarning, "users.csv", "date.invalid", "1/05/2023"},
	}
	for _, c := range checks {
		l := findLog(rep.Log, c.sev, c.file, c.rule)
		if l == nil || !says(l.Message, c.contains) {
			t.Errorf("want %s %s in %s containing %q, got %+v", c.sev, c.rule, c.file, c.contains, l)
		}
	}
}

func TestSampleOATNonConformantRejected(t *testing.T) {
	e := newEngine(t)
	src := sample(t, "oat-oneroster-import/OneRosterv1p1BaseCSV")
	// Its orgs.csv is usable (extension columns warned); the building sync works.
	b := mustSync(t, e, src, rosterdesk.ScopeBuildings)
	if findLog(b.Log, SevWarning, "orgs.csv", "header.extension") == nil {
		t.Fatalf("no extension warning %+v", b.Log)
	}
	// academicSessions.csv lacks the required schoolYear column: the whole source is refused.
	res, err := e.Sync(context.Background(), src, Options{Scope: rosterdesk.ScopeUsersCourses})
	if !IsSourceError(err) || !strings.Contains(err.Error(), "academicSessions.csv") || !strings.Contains(err.Error(), "schoolYear") {
		t.Fatalf("want a refusal naming academicSessions.csv and schoolYear, got %v", err)
	}
	if res.Status != rosterdesk.StatusFailed {
		t.Fatalf("status %s", res.Status)
	}
	if rc := roster(t, e); rc.Users.Active+rc.Courses.Active+rc.Classes.Active != 0 {
		t.Fatalf("wrote %+v", rc)
	}
}

func TestSampleSDSLookalikeRejected(t *testing.T) {
	e := newEngine(t)
	res, err := e.Sync(context.Background(), sample(t, "ms-sds-v2.1-lookalike"), Options{Scope: rosterdesk.ScopeBuildings})
	if !IsSourceError(err) || !strings.Contains(err.Error(), "not a OneRoster file") || !strings.Contains(err.Error(), "School Data Sync") {
		t.Fatalf("want SDS rejection, got %v", err)
	}
	if res.Status != rosterdesk.StatusFailed || roster(t, e).Buildings.Active != 0 {
		t.Fatal("SDS files were imported")
	}
}

func TestSampleNicelion(t *testing.T) {
	e := newEngine(t)
	// Header-only templates declared bulk: nothing changes, each file is warned about.
	tpl := sample(t, "nicelion-oneroster-mocker/oneroster-example-csv")
	res, err := e.Sync(context.Background(), tpl, Options{Scope: rosterdesk.ScopeBuildings})
	if err != nil || res.Counts.Buildings.Added != 0 || findLog(res.Log, SevWarning, "orgs.csv", "file.header_only") == nil {
		t.Fatalf("templates %v %+v", err, res)
	}
	// The 4-user set with its orgs: the school aligns, students import, the parent is skipped, the 1.2-only role "principal" is rejected.
	dir := t.TempDir()
	for _, f := range []string{"users.csv", "orgs.csv"} {
		b, _ := os.ReadFile(filepath.Join(sample(t, "nicelion-oneroster-mocker/outputs"), f))
		os.WriteFile(filepath.Join(dir, f), b, 0o644)
	}
	mustSync(t, e, dir, rosterdesk.ScopeBuildings)
	res = mustSync(t, e, dir, rosterdesk.ScopeUsers)
	if u := res.Counts.Users; u.Added != 2 || u.Skipped != 1 || u.Errors != 1 {
		t.Fatalf("outputs set %+v", u)
	}
	// 1999 users that all point at an org that exists nowhere: every student/staff row is an error, none is written.
	vol := sample(t, "nicelion-oneroster-mocker/outputs/test-csv.csv")
	res, err = e.Sync(context.Background(), vol, Options{Scope: rosterdesk.ScopeUsers})
	if err != nil {
		t.Fatal(err)
	}
	u := res.Counts.Users
	if u.Added != 0 || u.Errors+u.Skipped != 1999 || u.Errors == 0 {
		t.Fatalf("volume set %+v", u)
	}
	if l := findLog(res.Log, SevError, "test-csv.csv", "ref.missing"); l == nil || !says(l.Message, "slksldkmlsk49303") {
		t.Fatalf("dangling org error %+v", l)
	}
	// The earlier students were absent from this bulk file but its rows were all rejected or skipped, so they stay.
	if rc := roster(t, e); rc.Users.Active != 2 {
		t.Fatalf("students deactivated by a file of rejected rows? %+v", rc.Users)
	}
}
