package sync

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"rosterdesk"
	"rosterdesk/data"
)

// roleRow is one accepted row of a 1.2 roles.csv.
type roleRow struct {
	role, roleType, org string
	gone                bool // tobedeleted
}

// rolesFor gives a 1.2 user's role and orgs. A complete (bulk) roles.csv is
// the whole truth; a delta one only changes what the roster already holds.
func (p *planner) rolesFor(t *table, id string, roles map[string][]roleRow) (string, []string, ref) {
	var role string
	var orgs []string
	stored := false
	if !p.src.Bulk("roles") || p.rolesDamaged {
		// A damaged roles.csv may have lost a user's rows: it adds roles and schools, never takes one away.
		if st, ok := p.res[rosterdesk.EntityUser].state(id); ok {
			stored = true
			if vals, err := p.e.db.Vals(p.ctx, data.Users, st.ID); err == nil {
				v := strings.Split(vals, Sep)
				role = v[data.Users.Col("role")]
				if o := v[data.Users.Col("org_ids")]; o != "" {
					orgs = strings.Split(o, ",")
				}
			}
		}
	}
	primary := ""
	for _, r := range roles[id] {
		if r.gone {
			orgs = slices.DeleteFunc(orgs, func(o string) bool { return o == r.org })
			continue
		}
		orgs = append(orgs, r.org)
		if primary == "" || r.roleType == "primary" {
			primary = r.role
		}
	}
	if primary != "" {
		role = primary
	}
	if len(roles[id]) == 0 && !stored && !p.src.Bulk("roles") {
		// A delta may carry a user whose roles did not change: most often a
		// guardian, whom the roster never stored. Without a role there is nothing to place.
		t.log.warnOnce(t.at("role", "role.unknown"),
			"user is not in the roster and this delta has no roles.csv row for them, so their role is unknown; skipped (guardians and parents are never imported)")
		return "", nil, refSkipped
	}
	if role == "" || len(orgs) == 0 {
		t.reject("role", "ref.missing", "user has no row in roles.csv, so no role or school; row skipped")
		return "", nil, refRejected
	}
	return role, orgs, refOK
}

// readRoles reads roles.csv (OneRoster 1.2), which carries users' roles and schools.
func (p *planner) readRoles() (map[string][]roleRow, error) {
	if p.src.Version != "1.2" || !p.src.Present("users") {
		return nil, nil
	}
	if !p.src.Present("roles") {
		if !p.src.Bulk("users") {
			return nil, nil // a delta without role changes: users keep their stored roles
		}
		return nil, srcErr("roles.csv", 0, "is needed with a OneRoster 1.2 users.csv (it holds each user's role and school) but is not in the source")
	}
	t, err := p.src.openTable("roles")
	if err != nil {
		return nil, err
	}
	defer t.Close()
	out := map[string][]roleRow{}
	seen := map[string]int{}
	for readable, err := range t.rows() {
		if err != nil {
			return nil, err
		}
		if !readable {
			p.plan.Counts.Users.Errors++
			continue
		}
		id, ok := t.required("sourcedId")
		if !ok {
			p.plan.Counts.Users.Errors++
			continue
		}
		if first, dup := seen[id]; dup {
			t.reject("sourcedId", "sourcedId.duplicate",
				"sourcedId %s appears again (first on line %d); this row is skipped", id, first)
			p.plan.Counts.Users.Errors++
			continue
		}
		seen[id] = t.Line
		gone, ok := t.status()
		user, ok1 := t.required("userSourcedId")
		rt, ok2 := t.enum("roleType", roleTypes)
		role, ok3 := t.enum("role", roles12)
		org, ok4 := t.required("orgSourcedId")
		_, ok5 := t.date("beginDate", optional)
		_, ok6 := t.date("endDate", optional)
		if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6) {
			p.plan.Counts.Users.Errors++
			continue
		}
		out[user] = append(out[user], roleRow{role: role, roleType: rt, org: org, gone: gone})
	}
	p.read(t)
	if t.Damaged != "" && p.src.Bulk("roles") {
		p.rolesDamaged = true
		p.log.warnf(rosterdesk.LogEntry{Phase: "plan", File: t.File, Rule: "file.damaged"},
			"is damaged (%s): its rows were read where they could be, but %s; fix the file and sync again", t.Damaged,
			p.would("no user loses a role or school for being absent from it in this run", "in a sync no user would lose a role or school for being absent from it"))
	}
	return out, nil
}

func (p *planner) userRow(t *table, roles map[string][]roleRow) rowResult {
	id := t.get("sourcedId")
	enabled, ok1 := t.boolean("enabledUser", mandatory)
	username, ok2 := t.required("username")
	given, ok3 := t.required("givenName")
	family, ok4 := t.required("familyName")
	if !(ok1 && ok2 && ok3 && ok4) {
		return rejected
	}
	var role string
	var orgs []string
	if p.src.Version == "1.2" && p.unusable["roles"] != "" {
		// roles.csv could not be read: the validator checks the rest of the row.
		return kept(p.vals("", username, given, family, t.get("middleName"), t.get("identifier"), t.get("email"), p.grades(t), enabled, ""))
	} else if p.src.Version == "1.2" {
		var out ref
		switch role, orgs, out = p.rolesFor(t, id, roles); out {
		case refRejected:
			return rejected
		case refSkipped:
			p.plan.Counts.Users.Skipped++
			return rowResult{outcome: refSkipped}
		}
	} else {
		var okR bool
		if role, okR = t.enum("role", roles11); !okR {
			return rejected
		}
		if orgs = t.list("orgSourcedIds"); len(orgs) == 0 {
			t.required("orgSourcedIds")
			return rejected
		}
	}
	if skippedRoles[role] {
		p.plan.Counts.Users.Skipped++
		return rowResult{outcome: refSkipped}
	}
	orgField := "orgSourcedIds"
	if p.src.Version == "1.2" {
		orgField = "orgSourcedId"
	}
	var linked, unaligned, unknown []string
	nonSchool := false
	for _, o := range dedupe(orgs) {
		typ, known := p.org(o)
		switch {
		case !known:
			unknown = append(unknown, o)
		case p.buildings[o] != 0 || p.unusable["orgs"] != "":
			linked = append(linked, o)
		case typ == "school":
			unaligned = append(unaligned, o)
		default:
			nonSchool = true
		}
	}
	if len(linked) == 0 && len(unaligned) == 0 && !nonSchool {
		t.reject(orgField, "ref.missing",
			"org %s does not exist (not in orgs.csv nor the roster); row skipped", strings.Join(unknown, ", "))
		return rejected
	}
	if len(unknown) > 0 {
		t.warn(orgField, "ref.missing", "org %s does not exist; dropped from the user", strings.Join(unknown, ", "))
	}
	if len(linked) == 0 {
		switch {
		case len(unaligned) > 0:
			schools := strings.Join(unaligned, ", ")
			t.log.warnGroup(schools, t.at(orgField, "school.not_aligned"),
				fmt.Sprintf("school %s has no aligned building: user ignored (a user already in the roster keeps their state)", p.schoolNames(unaligned)))
			return rowResult{outcome: refIgnored, reason: "school " + schools + " not aligned"}
		case role == "student":
			t.note(orgField, "school.none", "student belongs to no school; user ignored")
			return rowResult{outcome: refIgnored, reason: "student in no school"}
		}
		// District-level staff are kept without a building.
	}
	sort.Strings(linked)
	p.setStudent(data.KeyOf(id), role)
	vals := p.vals(role, username, given, family, t.get("middleName"), t.get("identifier"), t.get("email"),
		p.grades(t), enabled, strings.Join(linked, ","))
	res := kept(vals)
	if enabled == "false" {
		res.active, res.reason = false, "enabledUser=false"
	}
	return res
}

// internRole returns role as a constant string where it is one of OneRoster's:
// the planner keeps a role per user, and a substring of the CSV line would
// keep the whole line alive.
func internRole(role string) string {
	for _, r := range internedRoles {
		if r == role {
			return r
		}
	}
	return strings.Clone(role)
}

var internedRoles = []string{"student", "teacher", "administrator", "aide", "proctor", "guardian", "parent", "relative"}

func dedupe(xs []string) []string {
	seen := map[string]bool{}
	out := xs[:0:0]
	for _, x := range xs {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}
