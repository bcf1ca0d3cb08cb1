package sync

import (
	"fmt"
	"hash/maphash"

	"rosterdesk"
	"rosterdesk/data"
)

func (p *planner) enrollmentRow(t *table) rowResult {
	id := t.get("sourcedId")
	class, ok1 := p.required(t, "classSourcedId")
	user, ok2 := p.required(t, "userSourcedId")
	school, ok3 := p.required(t, "schoolSourcedId")
	role, ok4 := p.enum(t, "role", enrollRoles, true, true)
	primary, ok5 := p.boolean(t, "primary", false)
	begin, ok6 := p.date(t, "beginDate", false)
	end, ok7 := p.date(t, "endDate", false)
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6 && ok7) {
		return rejected
	}
	switch p.res[rosterdesk.EntityClass].resolve(class) {
	case refOK:
	case refIgnored:
		return rowResult{outcome: refIgnored, reason: "class " + class + " ignored (school not aligned)"}
	case refRejected:
		p.log.errorf("validate", t.File, t.Line, t.colNo("classSourcedId"), id, "classSourcedId", "ref.rejected",
			"%s", p.rejectedRef(rosterdesk.EntityClass, "classes.csv", "class", class))
		return rejected
	case refGone:
		p.log.errorf("validate", t.File, t.Line, t.colNo("classSourcedId"), id, "classSourcedId", "ref.tobedeleted",
			"class %s is marked tobedeleted in classes.csv and is not in the roster; row skipped", class)
		return rejected
	default:
		p.log.errorf("validate", t.File, t.Line, t.colNo("classSourcedId"), id, "classSourcedId", "ref.missing",
			"%s", p.missingRef(rosterdesk.EntityClass, "classes.csv", "class", class))
		return rejected
	}
	switch p.res[rosterdesk.EntityUser].resolve(user) {
	case refOK:
	case refIgnored:
		return rowResult{outcome: refIgnored, reason: "user " + user + " ignored (school not aligned)"}
	case refSkipped:
		p.log.warnf("validate", t.File, t.Line, t.colNo("userSourcedId"), id, "userSourcedId", "ref.skipped_user",
			"user %s is a guardian or parent, who are not imported; enrollment ignored", user)
		return rowResult{outcome: refSkipped}
	case refRejected:
		p.log.errorf("validate", t.File, t.Line, t.colNo("userSourcedId"), id, "userSourcedId", "ref.rejected",
			"%s", p.rejectedRef(rosterdesk.EntityUser, "users.csv", "user", user))
		return rejected
	case refGone:
		p.log.errorf("validate", t.File, t.Line, t.colNo("userSourcedId"), id, "userSourcedId", "ref.tobedeleted",
			"user %s is marked tobedeleted in users.csv and is not in the roster; row skipped", user)
		return rejected
	default:
		p.log.errorf("validate", t.File, t.Line, t.colNo("userSourcedId"), id, "userSourcedId", "ref.missing",
			"%s", p.missingRef(rosterdesk.EntityUser, "users.csv", "user", user))
		return rejected
	}
	if _, known := p.org(school); !known {
		p.log.errorf("validate", t.File, t.Line, t.colNo("schoolSourcedId"), id, "schoolSourcedId", "ref.missing",
			"school %s does not exist (not in orgs.csv nor the roster); row skipped", school)
		return rejected
	}
	if ur, ok := p.userRole[data.KeyOf(user)]; ok && ur == "student" && role == "teacher" {
		p.log.warnOnce(t.File, t.Line, t.colNo("role"), id, "role", "role.mismatch",
			fmt.Sprintf("user %s is a student in users.csv but enrolled as teacher; the enrollment keeps teacher", user))
	}
	p.sameEnrollment(t, id, class, user, role)
	return kept(p.vals(class, user, school, role, primary, begin, end))
}

// sameEnrollment warns of a second enrollment of one user in one class with
// one role. Both are kept: per-term enrollments with their own dates are real.
func (p *planner) sameEnrollment(t *table, id, class, user, role string) {
	if p.enrolled == nil {
		p.enrolled = map[uint64]uint64{}
	}
	var h maphash.Hash
	h.SetSeed(enrollSeed)
	h.WriteString(class)
	h.WriteByte(0)
	h.WriteString(user)
	h.WriteByte(0)
	h.WriteString(role)
	k := h.Sum64()
	if at, dup := p.enrolled[k]; dup {
		off, n := at>>16, at&0xffff
		first := string(p.enrolledIDs[off : off+n])
		p.log.warnf("validate", t.File, t.Line, t.colNo("sourcedId"), id, "sourcedId", "enrollment.duplicate",
			"enrollments %s and %s both enroll user %s in class %s as %s; both are kept (the class lists the person once)", first, id, user, class, role)
		return
	}
	if len(id) <= 0xffff {
		p.enrolled[k] = uint64(len(p.enrolledIDs))<<16 | uint64(len(id))
		p.enrolledIDs = append(p.enrolledIDs, id...)
	}
}

var enrollSeed = maphash.MakeSeed()
