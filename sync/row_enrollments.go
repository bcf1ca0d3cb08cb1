package sync

import (
	"encoding/binary"
	"fmt"
	"hash/maphash"

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
	switch r := p.res[rosterdesk.EntityClass].resolve(class); r {
	case refOK:
	case refIgnored:
		return rowResult{outcome: refIgnored, reason: "class " + class + " ignored (school not aligned)"}
	default:
		return p.badRef(t, "classSourcedId", rosterdesk.EntityClass, "classes.csv", "class", class, r)
	}
	switch r := p.res[rosterdesk.EntityUser].resolve(user); r {
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
	if role == "teacher" && p.isStudent(data.KeyOf(user)) {
		t.log.warnOnce(t.at("role", "role.mismatch"),
			fmt.Sprintf("user %s is a student in users.csv but enrolled as teacher; the enrollment keeps teacher", user))
	}
	p.sameEnrollment(t, id, class, user, role)
	return kept(p.vals(class, user, school, role, primary, begin, end))
}

// sameEnrollment warns of a second enrollment of one user in one class with
// one role. Both are kept: per-term enrollments with their own dates are real.
func (p *planner) sameEnrollment(t *table, id, class, user, role string) {
	var h maphash.Hash
	h.SetSeed(enrollSeed)
	h.WriteString(class)
	h.WriteByte(0)
	h.WriteString(user)
	h.WriteByte(0)
	h.WriteString(role)
	k := h.Sum64()
	if at, dup := p.enrolled.Get(k); dup {
		n, w := binary.Uvarint(p.enrolledIDs[at:])
		first := string(p.enrolledIDs[int(at)+w : int(at)+w+int(n)])
		t.warn("sourcedId", "enrollment.duplicate",
			"enrollments %s and %s both enroll user %s in class %s as %s; both are kept (the class lists the person once)", first, id, user, class, role)
		return
	}
	if len(p.enrolledIDs) <= data.MaxU64Value {
		p.enrolled.Put(k, uint32(len(p.enrolledIDs)))
		p.enrolledIDs = binary.AppendUvarint(p.enrolledIDs, uint64(len(id)))
		p.enrolledIDs = append(p.enrolledIDs, id...)
	}
}

var enrollSeed = maphash.MakeSeed()
