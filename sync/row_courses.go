package sync

import (
	"strings"

	"rosterdesk"
)

func (p *planner) sessionRow(t *table) rowResult {
	title, ok1 := t.required("title")
	typ, ok2 := t.enum("type", sessionTypes)
	start, ok3 := t.date("startDate", mandatory)
	end, ok4 := t.date("endDate", mandatory)
	year, ok5 := t.year("schoolYear")
	if !(ok1 && ok2 && ok3 && ok4 && ok5) {
		return rejected
	}
	return kept(p.vals(title, typ, start, end, t.get("parentSourcedId"), year))
}

func (p *planner) courseRow(t *table) rowResult {
	title, ok1 := t.required("title")
	org, ok2 := t.required("orgSourcedId")
	if !(ok1 && ok2) {
		return rejected
	}
	if _, known := p.org(org); !known {
		t.reject("orgSourcedId", "ref.missing",
			"org %s does not exist (not in orgs.csv nor the roster); row skipped", org)
		return rejected
	}
	year := t.get("schoolYearSourcedId")
	var keep []int
	switch r := p.res[rosterdesk.EntitySession].resolve(year); {
	case year == "" || r == refOK:
	case r == refRejected:
		t.warn("schoolYearSourcedId", "ref.rejected",
			"%s; the course keeps the school year it has", strings.TrimSuffix(p.rejectedRef(rosterdesk.EntitySession, "academicSessions.csv", "school year", year), "; row skipped"))
		year, keep = "", []int{courseYearPart}
	default:
		t.warn("schoolYearSourcedId", "ref.missing",
			"school year %s does not exist; the course is kept without it", year)
		year = ""
	}
	vals := p.vals(title, t.get("courseCode"), p.grades(t), org, year, strings.Join(t.list("subjects"), ","))
	res := kept(vals)
	res.keep = keep
	return res
}

func (p *planner) classRow(t *table) rowResult {
	title, ok1 := t.required("title")
	course, ok2 := t.required("courseSourcedId")
	typ, ok3 := t.enum("classType", classTypes)
	school, ok4 := t.required("schoolSourcedId")
	if !(ok1 && ok2 && ok3 && ok4) {
		return rejected
	}
	switch r := p.res[rosterdesk.EntityCourse].resolve(course); r {
	case refOK:
	default:
		return p.badRef(t, "courseSourcedId", rosterdesk.EntityCourse, "courses.csv", "course", course, r)
	}
	typOrg, known := p.org(school)
	if !known {
		t.reject("schoolSourcedId", "ref.missing",
			"school %s does not exist (not in orgs.csv nor the roster); row skipped", school)
		return rejected
	}
	if typOrg != "school" {
		t.reject("schoolSourcedId", "ref.not_school",
			"schoolSourcedId %s is a %s, not a school; row skipped", school, typOrg)
		return rejected
	}
	var terms []string
	var keep []int
	for _, term := range t.list("termSourcedIds") {
		if p.res[rosterdesk.EntitySession].resolve(term) == refRejected {
			// A term whose row was rejected: the class keeps the terms it has.
			t.warn("termSourcedIds", "ref.rejected",
				"%s; the class keeps the terms it has", strings.TrimSuffix(p.rejectedRef(rosterdesk.EntitySession, "academicSessions.csv", "term", term), "; row skipped"))
			keep = []int{classTermsPart}
			terms = append(terms, term)
			continue
		}
		if p.res[rosterdesk.EntitySession].resolve(term) == refOK {
			terms = append(terms, term)
		} else {
			t.warn("termSourcedIds", "ref.missing",
				"term %s does not exist; dropped from the class", term)
		}
	}
	if len(terms) == 0 {
		t.reject("termSourcedIds", "ref.missing",
			"the class has no existing term; row skipped")
		return rejected
	}
	vals := p.vals(title, t.get("classCode"), typ, course, school, t.get("location"),
		p.grades(t), strings.Join(t.list("subjects"), ","), strings.Join(t.list("periods"), ","), strings.Join(terms, ","))
	if _, aligned := p.buildings[school]; !aligned {
		t.note("schoolSourcedId", "school.not_aligned",
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
