package sync

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"rosterdesk"
	"rosterdesk/data"
)

// TestRunChanges: a run's changes come entity by entity, its adds (with the
// file they were new in) before its audited changes, each with its reason.
func TestRunChanges(t *testing.T) {
	e := newEngine(t)
	ctx := context.Background()
	d := district()
	r1 := mustSync(t, e, d.zip(t, ""), rosterdesk.ScopeBuildings)
	r2 := mustSync(t, e, d.zip(t, ""), rosterdesk.ScopeUsersCourses)
	users := strings.Replace(d["users.csv"], user("u2", "sch1", "student", "Ben")+"\n", "", 1)
	users = strings.Replace(users, ",Tom,Smith,", ",Thomas,Smith,", 1)
	d3 := d.with("users.csv", users).with("enrollments.csv", strings.Replace(d["enrollments.csv"], "e2,,,k1,sch1,u2,student,false,,\n", "", 1))
	r3 := mustSync(t, e, d3.zip(t, ""), rosterdesk.ScopeUsersCourses)

	collect := func(id int64) []rosterdesk.Audit {
		var out []rosterdesk.Audit
		res, err := e.RunChanges(ctx, id, func(a rosterdesk.Audit) error { out = append(out, a); return nil })
		if err != nil || res.ID != id {
			t.Fatalf("run %d: %v %+v", id, err, res)
		}
		return out
	}
	order := []rosterdesk.Entity{rosterdesk.EntityBuilding, rosterdesk.EntitySession, rosterdesk.EntityCourse, rosterdesk.EntityClass, rosterdesk.EntityUser, rosterdesk.EntityAssignment}
	check := func(id int64, ch []rosterdesk.Audit) {
		prev, audited := -1, false
		for i, a := range ch {
			k := slices.Index(order, a.Entity)
			if k < prev {
				t.Fatalf("run %d change %d: %s after %s", id, i, a.Entity, order[prev])
			}
			if k > prev {
				prev, audited = k, false
			}
			if a.Action != "add" {
				audited = true
			} else if audited {
				t.Fatalf("run %d change %d: an add after the audited changes of %s", id, i, a.Entity)
			}
			if a.RunID != id || a.Admin != "it@example.org" || a.At == "" || a.Reason == "" {
				t.Fatalf("run %d change %+v", id, a)
			}
		}
	}
	c1 := collect(r1.ID)
	check(r1.ID, c1)
	if len(c1) != 2 || c1[0].Entity != rosterdesk.EntityBuilding || c1[0].SourcedID != "sch1" || c1[0].Reason != "new in orgs.csv" || c1[0].Old != nil {
		t.Fatalf("run 1 changes %+v", c1)
	}
	c2 := collect(r2.ID)
	check(r2.ID, c2)
	byEntity := map[rosterdesk.Entity]int{}
	for _, a := range c2 {
		byEntity[a.Entity]++
	}
	k := r2.Counts
	if byEntity[rosterdesk.EntityUser] != k.Users.Added || byEntity[rosterdesk.EntityCourse] != k.Courses.Added || byEntity[rosterdesk.EntityClass] != k.Classes.Added ||
		byEntity[rosterdesk.EntityAssignment] != k.Assignments.Added || byEntity[rosterdesk.EntitySession] != 2 || k.Users.Added != 6 {
		t.Fatalf("run 2 changes by entity %v, counts %+v", byEntity, k)
	}
	c3 := collect(r3.ID)
	check(r3.ID, c3)
	want := map[string]bool{"user u2 deactivate active absent from users.csv": false, "user t1 update given_name": false,
		"assignment e2 deactivate active absent from enrollments.csv": false}
	for _, a := range c3 {
		for _, key := range []string{string(a.Entity) + " " + a.SourcedID + " " + a.Action + " " + a.Field + " " + a.Reason,
			string(a.Entity) + " " + a.SourcedID + " " + a.Action + " " + a.Field} {
			if _, ok := want[key]; ok {
				want[key] = true
			}
		}
	}
	for key, seen := range want {
		if !seen {
			t.Errorf("run 3 lacks %q: %+v", key, c3)
		}
	}
	if _, err := e.RunChanges(ctx, 999, func(rosterdesk.Audit) error { return nil }); !errors.Is(err, data.ErrNotFound) {
		t.Fatalf("unknown run: %v", err)
	}
	stop := errors.New("stop")
	n := 0
	if _, err := e.RunChanges(ctx, r2.ID, func(rosterdesk.Audit) error { n++; return stop }); !errors.Is(err, stop) || n != 1 {
		t.Fatalf("fn's error must stop the stream: %v after %d", err, n)
	}
}
