package sync

import (
	"fmt"
	"strings"
)

// kept is an accepted row of an active record.
func kept(parts []string) rowResult {
	return rowResult{outcome: refOK, parts: parts, active: true}
}

// grades reads a grades list, mapped through the district's grade matrix.
// A grade the matrix does not name, written as a name ("Second grade") or
// without its leading zero ("9"), becomes its CEDS code with a warning.
func (p *planner) grades(t *table) string {
	gs := t.list("grades")
	for i, g := range gs {
		if l, ok := p.gradeMap[g]; ok {
			gs[i] = l
			continue
		}
		code, ok := cedsGrade(g)
		if !ok || code == g {
			continue
		}
		if l, ok := p.gradeMap[code]; ok {
			gs[i] = l
		} else {
			gs[i] = code
		}
		why := ""
		if isDigits(g) {
			why = " (a leading zero was dropped, as Excel does: the file looks edited in Excel; export it again from the SIS, or set the column's format to Text before saving)"
		}
		t.log.warnOnce(t.at("grades", "grade.ceds"),
			fmt.Sprintf("grade %q read as the CEDS code %s%s; if your district means something else by it, say so in Preferences › Grade level matrix", g, code, why))
	}
	return strings.Join(gs, ",")
}

// vals collects a row's values in a buffer the planner reuses row after row.
func (p *planner) vals(v ...string) []string {
	p.buf = append(p.buf[:0], v...)
	for i, x := range p.buf {
		p.buf[i] = clean(x)
	}
	return p.buf
}

var rejected = rowResult{outcome: refRejected}
