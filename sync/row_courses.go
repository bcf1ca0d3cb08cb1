package sync

import (
	"strings"

	"rosterdesk"
)

func (p *planner) sessionRow(t *table) rowResult {
	title, ok1 := p.required(t, "title")
	typ, ok2 := p.enum(t, "type", sessionTypes, true, true)
	start, ok3 := p.date(t, "startDate", true)
	end, ok4 := p.date(t, "endDate", true)
	year, ok5 := p.year(t, "schoolYear")
	if !(ok1 && ok2 && ok3 && ok4 && ok5) {
		return rejected
	}
	return kept(p.vals(title, typ, start, end, t.get("parentSourcedId"), year))
}

func (p *planner) courseRow(t *table) rowResult {
	id := t.get("sourcedId")
	title, ok1 := p.required(t, "title")
	org, ok2 := p.required(t, "orgSourcedId")
	if !(ok1 && ok2) {
		return rejected
	}
	if _, known := p.org(org); !known {
		p.log.errorf("validate", t.File, t.Line, t.colNo("orgSourcedId"), id, "orgSourcedId", "ref.missing",
			"org %s does not exist (not in orgs.csv nor the roster); row skipped", org)
		return rejected
	}
	year := t.get("schoolYearSourcedId")
	var keep []int
	switch r := p.res[rosterdesk.EntitySession].resolve(year); {
	case year == "" || r == refOK:
	case r == refRejected:
		p.log.warnf("validate", t.File, t.Line, t.colNo("schoolYearSourcedId"), id, "schoolYearSourcedId", "ref.rejected",
			"%s; the course keeps the school year it has", strings.TrimSuffix(p.rejectedRef(rosterdesk.EntitySession, "academicSessions.csv", "school year", year), "; row skipped"))
		year, keep = "", []int{courseYearPart}
	default:
		p.log.warnf("validate", t.File, t.Line, t.colNo("schoolYearSourcedId"), id, "schoolYearSourcedId", "ref.missing",
			"school year %s does not exist; the course is kept without it", year)
		year = ""
	}
	vals := p.vals(title, t.get("courseCode"), p.grades(t), org, year, strings.Join(p.list(t, "subjects"), ","))
	res := kept(vals)
	res.keep = keep
	return res
}

func (p *planner) classRow(t *table) rowResult {
	id := t.get("sourcedId")
	title, ok1 := p.required(t, "title")
	course, ok2 := p.required(t, "courseSourcedId")
	typ, ok3 := p.enum(t, "classType", classTypes, true, true)
	school, ok4 := p.required(t, "schoolSourcedId")
	if !(ok1 && ok2 && ok3 && ok4) {
		return rejected
	}
	switch p.res[rosterdesk.EntityCourse].resolve(course) {
	case refOK:
	case refRejected:
		p.log.errorf("validate", t.File, t.Line, t.colNo("courseSourcedId"), id, "courseSourcedId", "ref.rejected",
			"%s", p.rejectedRef(rosterdesk.EntityCourse, "courses.csv", "course", course))
		return rejected
	case refGone:
		p.log.errorf("validate", t.File, t.Line, t.colNo("courseSourcedId"), id, "courseSourcedId", "ref.tobedeleted",
			"course %s is marked tobedeleted in courses.csv and is not in the roster; row skipped", course)
		return rejected
	default:
		p.log.errorf("validate", t.File, t.Line, t.colNo("courseSourcedId"), id, "courseSourcedId", "ref.missing",
			"%s", p.missingRef(rosterdesk.EntityCourse, "courses.csv", "course", course))
		return rejected
	}
	typOrg, known := p.org(school)
	if !known {
		p.log.errorf("validate", t.File, t.Line, t.colNo("schoolSourcedId"), id, "schoolSourcedId", "ref.missing",
			"school %s does not exist (not in orgs.csv nor the roster); row skipped", school)
		return rejected
	}
	if typOrg != "school" {
		p.log.errorf("validate", t.File, t.Line, t.colNo("schoolSourcedId"), id, "schoolSourcedId", "ref.not_school",
			"schoolSourcedId %s is a %s, not a school; row skipped", school, typOrg)
		return rejected
	}
	var terms []string
	var keep []int
	for _, term := range p.list(t, "termSourcedIds") {
		if p.res[rosterdesk.EntitySession].resolve(term) == refRejected {
			// A term whose row was rejected: the class keeps the terms it has.
			p.log.warnf("validate", t.File, t.Line, t.colNo("termSourcedIds"), id, "termSourcedIds", "ref.rejected",
				"%s; the class keeps the terms it has", strings.TrimSuffix(p.rejectedRef(rosterdesk.EntitySession, "academicSessions.csv", "term", term), "; row skipped"))
			keep = []int{classTermsPart}
			terms = append(terms, term)
			continue
		}
		if p.res[rosterdesk.EntitySession].resolve(term) == refOK {
			terms = append(terms, term)
		} else {
			p.log.warnf("validate", t.File, t.Line, t.colNo("termSourcedIds"), id, "termSourcedIds", "ref.missing",
				"term %s does not exist; dropped from the class", term)
		}
	}
	if len(terms) == 0 {
		p.log.errorf("validate", t.File, t.Line, t.colNo("termSourcedIds"), id, "termSourcedIds", "ref.missing",
			"the class has no existing term; row skipped")
		return rejected
	}
	vals := p.vals(title, t.get("classCode"), typ, course, school, t.get("location"),
		p.grades(t), strings.Join(p.list(t, "subjects"), ","), strings.Join(p.list(t, "periods"), ","), strings.Join(terms, ","))
	if _, aligned := p.buildings[school]; !aligned {
		p.log.infof("plan", t.File, t.Line, t.colNo("schoolSourcedId"), id, "schoolSourcedId", "school.not_aligned",
			"school %s not aligned to a building; class ignored", school)
		return rowResult{outcome: refIgnored, reason: "school " + school + " not aligned"}
	}
	res := kept(vals)
	res.keep = keep
	return res
}

// The parts of a course's and a class's values that name sessions (see courseRow, classRow).
const (
	courseYearPart = 4
	classTermsPart = 9
)
