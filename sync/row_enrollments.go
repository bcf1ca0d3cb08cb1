package sync

import (
	"fmt"
	"hash/maphash"
	"strings"

	"rosterdesk"
	"rosterdesk/data"
)

func (p *planner) enrollmentRow(t *table) rowResult {
	id := t.get("sourcedId")
	class, ok1 := t.required("classSourcedId")
	user, ok2 := t.required("userSourcedId")
	school, ok3 := t.required("schoolSourcedId")
	role, ok4 := t.enum("role", enrollRoles)
	primary, ok5 := t.boolean("primary", optional)
	begin, ok6 := t.date("beginDate", optional)
	end, ok7 := t.date("endDate", optional)
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6 && ok7) {
		return rejected
	}
	switch r := p.res[rosterdesk.EntityClass].resolveK(class, t.keyOf(1, class)); r {
	case refOK:
	case refIgnored:
		return rowResult{outcome: refIgnored, reason: "class " + class + " ignored (school not aligned)"}
	default:
		return p.badRef(t, "classSourcedId", rosterdesk.EntityClass, "classes.csv", "class", class, r)
	}
	uk := t.keyOf(2, user)
	switch r := p.res[rosterdesk.EntityUser].resolveK(user, uk); r {
	case refOK:
	case refIgnored:
		return rowResult{outcome: refIgnored, reason: "user " + user + " ignored (school not aligned)"}
	case refSkipped:
		t.warn("userSourcedId", "ref.skipped_user",
			"user %s is a guardian or parent, who are not imported; enrollment ignored", user)
		return rowResult{outcome: refSkipped}
	default:
		return p.badRef(t, "userSourcedId", rosterdesk.EntityUser, "users.csv", "user", user, r)
	}
	if _, known := p.org(school); !known {
		t.reject("schoolSourcedId", "ref.missing",
			"school %s does not exist (not in orgs.csv nor the roster); row skipped", school)
		return rejected
	}
	if role == "teacher" && p.isStudent(uk) {
		t.log.warnOnce(t.at("role", "role.mismatch"),
			fmt.Sprintf("user %s is a student in users.csv but enrolled as teacher; the enrollment keeps teacher", user))
	}
	p.sameEnrollment(t, id, class, user, role)
	return kept(p.vals(class, user, school, role, primary, begin, end))
}

// sameEnrollment warns of a second enrollment of one user in one class with
// one role. Both are kept: per-term enrollments with their own dates are real.
func (p *planner) sameEnrollment(t *table, id, class, user, role string) {
	k := enrollKey(class, user, role)
	if at, dup := p.enrolled.Get(k); dup {
		first := p.enrolledIDs.get(at)
		t.warn("sourcedId", "enrollment.duplicate",
			"enrollments %s and %s both enroll user %s in class %s as %s; both are kept (the class lists the person once)", first, id, user, class, role)
		return
	}
	if n, ok := p.enrolledIDs.add(id); ok && n <= data.MaxU64Value {
		p.enrolled.Put(k, n)
	}
}

var enrollSeed = maphash.MakeSeed()

// enrollKey is the duplicate-enrollment check's key of a class, user and role.
func enrollKey(class, user, role string) uint64 {
	var h maphash.Hash
	h.SetSeed(enrollSeed)
	h.WriteString(class)
	h.WriteByte(0)
	h.WriteString(user)
	h.WriteByte(0)
	h.WriteString(role)
	return h.Sum64()
}

// readAhead has a table's read-ahead goroutine make the Keys the planner
// looks up for each row (and, for enrollments, the duplicate check's key),
// and the planner load their slots a batch of rows at a time.
func (p *planner) readAhead(t *table, tbl *data.Table, r *resolver) {
	if tbl != data.Assignments {
		t.hashCols("sourcedId")
		if r.db != nil {
			t.prefetch = func(keys []data.Key, _ []uint64) {
				for _, k := range keys {
					r.db.Touch(k)
				}
			}
		}
		return
	}
	t.hashCols("sourcedId", "classSourcedId", "userSourcedId")
	ci, ui, ri := colIndex(t, "classSourcedId"), colIndex(t, "userSourcedId"), colIndex(t, "role")
	if ci >= 0 && ui >= 0 && ri >= 0 {
		t.rowHash = func(rec []string) uint64 {
			if max(ci, ui, ri) >= len(rec) {
				return 0
			}
			return enrollKey(strings.TrimSpace(rec[ci]), strings.TrimSpace(rec[ui]), strings.TrimSpace(rec[ri]))
		}
	}
	var dbs [3]*data.StateMap
	dbs[0] = r.db
	if c := p.res[rosterdesk.EntityClass]; c != nil {
		dbs[1] = c.db
	}
	if u := p.res[rosterdesk.EntityUser]; u != nil {
		dbs[2] = u.db
	}
	t.prefetch = func(keys []data.Key, hashes []uint64) {
		for i, k := range keys {
			if db := dbs[i%3]; db != nil {
				db.Touch(k)
			}
		}
		for _, h := range hashes {
			p.enrolled.Touch(h)
		}
	}
}

func colIndex(t *table, c string) int {
	if i, ok := t.col[c]; ok {
		return i
	}
	return -1
}
