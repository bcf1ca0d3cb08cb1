package gen

import (
	"slices"
	"strings"
	"testing"
)

// roster is a bundle indexed for checks: rows by sourcedId per file, plus
// the (user, org, role) triples from users.csv (1.1) or roles.csv (1.2).
type roster struct {
	byID  map[string]map[string]map[string]string
	roles [][3]string
}

func index(t *testing.T, b bundle, v string) roster {
	t.Helper()
	x := roster{byID: map[string]map[string]map[string]string{}}
	for name, f := range b {
		if name == "manifest" {
			continue
		}
		m := map[string]map[string]string{}
		for _, r := range f.rows {
			id := r["sourcedId"]
			if id == "" {
				t.Fatalf("%s: empty sourcedId", name)
			}
			if _, dup := m[id]; dup {
				t.Fatalf("%s: duplicate sourcedId %s", name, id)
			}
			m[id] = r
		}
		x.byID[name] = m
	}
	if v == "1.2" {
		for _, r := range b["roles"].rows {
			x.roles = append(x.roles, [3]string{r["userSourcedId"], r["orgSourcedId"], r["role"]})
		}
	} else {
		for _, r := range b["users"].rows {
			for _, o := range splitList(r["orgSourcedIds"]) {
				x.roles = append(x.roles, [3]string{r["sourcedId"], o, r["role"]})
			}
		}
	}
	return x
}

func TestRowCounts(t *testing.T) {
	for _, v := range versions() {
		t.Run(v, func(t *testing.T) {
			cfg := small(v)
			d := Generate(cfg)
			b := readDir(t, write(t, d))
			x := index(t, b, v)
			for name, n := range d.Rows() {
				if len(b[name].rows) != n {
					t.Errorf("%s: %d rows, Rows() says %d", name, len(b[name].rows), n)
				}
			}
			if n := len(b["orgs"].rows); n != cfg.Schools+1 {
				t.Errorf("%d orgs", n)
			}
			if n := len(b["academicSessions"].rows); n != 3 {
				t.Errorf("%d sessions", n)
			}
			perRole := map[string]int{}
			primary := map[string]string{}
			for _, r := range x.roles {
				if primary[r[0]] == "" {
					primary[r[0]] = r[2]
					perRole[r[2]]++
				}
			}
			admin := "administrator"
			if v == "1.2" {
				admin = "districtAdministrator"
			}
			want := map[string]int{"student": cfg.Students, "teacher": cfg.Teachers, admin: cfg.Admins, "aide": cfg.Aides}
			for role, n := range want {
				if perRole[role] != n {
					t.Errorf("%d users with role %s, want %d", perRole[role], role, n)
				}
			}
			if g := perRole["guardian"] + perRole["parent"] + perRole["relative"]; g != cfg.Guardians {
				t.Errorf("%d guardians, want %d", g, cfg.Guardians)
			}
			if n := len(b["users"].rows); n != cfg.Students+cfg.Teachers+cfg.Admins+cfg.Aides+cfg.Guardians {
				t.Errorf("%d users", n)
			}
			// Every student has ClassesPerStudent classes; every class one primary teacher.
			perStudent := map[string]int{}
			primaries := map[string]int{}
			for _, e := range b["enrollments"].rows {
				switch {
				case e["role"] == "student":
					perStudent[e["userSourcedId"]]++
				case e["role"] == "teacher" && e["primary"] == "true":
					primaries[e["classSourcedId"]]++
				}
			}
			for id := range x.byID["users"] {
				if strings.HasPrefix(id, "stu-") && perStudent[id] != cfg.ClassesPerStudent {
					t.Fatalf("student %s has %d classes, want %d", id, perStudent[id], cfg.ClassesPerStudent)
				}
			}
			for id := range x.byID["classes"] {
				if primaries[id] != 1 {
					t.Fatalf("class %s has %d primary teachers", id, primaries[id])
				}
			}
			nTeacherEnr := len(b["enrollments"].rows) - cfg.Students*cfg.ClassesPerStudent
			if nc := len(b["classes"].rows); nTeacherEnr < nc || nTeacherEnr > nc*12/10 {
				t.Errorf("%d teacher enrollments for %d classes", nTeacherEnr, nc)
			}
		})
	}
}

// checkRefs checks every reference of a bulk bundle.
func checkRefs(t *testing.T, b bundle, v string) {
	t.Helper()
	x := index(t, b, v)
	orgs, sessions, courses, classes, users := x.byID["orgs"], x.byID["academicSessions"], x.byID["courses"], x.byID["classes"], x.byID["users"]
	isType := func(m map[string]map[string]string, id, typ string) bool {
		r, ok := m[id]
		return ok && r["type"] == typ
	}
	for id, o := range orgs {
		if p := o["parentSourcedId"]; p != "" && orgs[p] == nil {
			t.Errorf("org %s: parent %s missing", id, p)
		}
	}
	for id, s := range sessions {
		if p := s["parentSourcedId"]; p != "" && !isType(sessions, p, "schoolYear") {
			t.Errorf("session %s: parent %s is not a schoolYear", id, p)
		}
	}
	for id, c := range courses {
		if !isType(sessions, c["schoolYearSourcedId"], "schoolYear") || orgs[c["orgSourcedId"]] == nil {
			t.Errorf("course %s: bad references %v", id, c)
		}
	}
	for id, c := range classes {
		if courses[c["courseSourcedId"]] == nil || !isType(orgs, c["schoolSourcedId"], "school") {
			t.Errorf("class %s: bad references %v", id, c)
		}
		if courses[c["courseSourcedId"]]["orgSourcedId"] != c["schoolSourcedId"] {
			t.Errorf("class %s: course of another school", id)
		}
		terms := splitList(c["termSourcedIds"])
		if len(terms) == 0 {
			t.Errorf("class %s: no terms", id)
		}
		for _, s := range terms {
			if !isType(sessions, s, "semester") {
				t.Errorf("class %s: term %s", id, s)
			}
		}
		if c["classType"] != "homeroom" && c["classType"] != "scheduled" {
			t.Errorf("class %s: classType %q", id, c["classType"])
		}
	}
	hasRole := map[[2]string]bool{}
	for _, r := range x.roles {
		if users[r[0]] == nil || orgs[r[1]] == nil {
			t.Errorf("role %v: user or org missing", r)
		}
		hasRole[[2]string{r[0], r[1]}] = true
	}
	usernames := map[string]bool{}
	for id, u := range users {
		if usernames[u["username"]] {
			t.Errorf("duplicate username %s", u["username"])
		}
		usernames[u["username"]] = true
		if v == "1.1" && len(splitList(u["orgSourcedIds"])) == 0 {
			t.Errorf("user %s: no orgs", id)
		}
		if v == "1.2" && !hasRole[[2]string{id, u["primaryOrgSourcedId"]}] {
			t.Errorf("user %s: primaryOrgSourcedId %s has no role", id, u["primaryOrgSourcedId"])
		}
		for _, a := range splitList(u["agentSourcedIds"]) {
			if users[a] == nil || !slices.Contains(splitList(users[a]["agentSourcedIds"]), id) {
				t.Errorf("user %s: agent %s missing or not linked back", id, a)
			}
		}
	}
	for _, e := range b["enrollments"].rows {
		c := classes[e["classSourcedId"]]
		if c == nil || users[e["userSourcedId"]] == nil || !isType(orgs, e["schoolSourcedId"], "school") {
			t.Fatalf("enrollment %s: bad references", e["sourcedId"])
		}
		if c["schoolSourcedId"] != e["schoolSourcedId"] {
			t.Fatalf("enrollment %s: school differs from its class's", e["sourcedId"])
		}
		if !hasRole[[2]string{e["userSourcedId"], e["schoolSourcedId"]}] {
			t.Fatalf("enrollment %s: user has no role at the school", e["sourcedId"])
		}
	}
}

func TestReferencesResolve(t *testing.T) {
	for _, v := range versions() {
		t.Run(v, func(t *testing.T) {
			d := Generate(small(v))
			checkRefs(t, readDir(t, write(t, d)), v)
			n := NextDay(d, 3)
			checkRefs(t, readDir(t, write(t, n)), v)
			checkRefs(t, readDir(t, write(t, NextDay(n, 4))), v)
		})
	}
}
