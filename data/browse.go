package data

import (
	"context"
	"fmt"
	"strings"

	"rosterdesk"
)

// The roster browser's queries: pages of users, courses and classes with
// search and filters, a user's buildings and classes, a class's members.
// Every list query takes LIMIT/OFFSET so a screen never loads 150,000 rows
// at once (a run's log page by page is in log.go).

type browseSpec struct {
	cols   []string // headings
	from   string   // FROM … (alias t)
	sel    []string // one expression per heading
	search []string // columns a search looks in
	order  string
}

var browseSpecs = map[string]browseSpec{
	rosterdesk.BrowseUsers: {
		cols: []string{"Name", "Role", "Email", "Username", "Grades", "Buildings", "Status", "sourcedId"},
		from: `users t`,
		sel: []string{`t.family_name||', '||t.given_name`, `t.role`, `t.email`, `t.username`, `t.grades`,
			`coalesce((SELECT group_concat(b.name, ', ') FROM user_buildings ub JOIN buildings b ON b.id = ub.building_id WHERE ub.user_id = t.id), '')`,
			`CASE WHEN t.active THEN 'active' ELSE 'inactive' END`, `t.sourced_id`},
		search: []string{"t.given_name", "t.family_name", "t.given_name||' '||t.family_name", "t.email", "t.username", "t.sourced_id", "t.identifier"},
		order:  `t.family_name, t.given_name, t.id`,
	},
	rosterdesk.BrowseCourses: {
		cols: []string{"Title", "Code", "Grades", "School", "School year", "Subjects", "Teacher permission", "Status", "sourcedId"},
		from: `courses t LEFT JOIN buildings b ON b.sis_id = t.org_sourced_id`,
		sel: []string{`t.title`, `t.course_code`, `t.grades`, `coalesce(b.name, t.org_sourced_id)`, `t.school_year_sourced_id`, `t.subjects`,
			`t.teacher_permission`, `CASE WHEN t.active THEN 'active' ELSE 'removed' END`, `t.sourced_id`},
		search: []string{"t.title", "t.course_code", "t.sourced_id"},
		order:  `t.title, t.id`,
	},
	rosterdesk.BrowseClasses: {
		cols: []string{"Title", "Code", "Type", "Course", "School", "Periods", "Terms", "Status", "sourcedId"},
		from: `classes t LEFT JOIN buildings b ON b.sis_id = t.school_sourced_id LEFT JOIN courses c ON c.sourced_id = t.course_sourced_id`,
		sel: []string{`t.title`, `t.class_code`, `t.class_type`, `coalesce(c.title, t.course_sourced_id)`, `coalesce(b.name, t.school_sourced_id)`,
			`t.periods`, `t.term_ids`, `CASE WHEN t.active THEN 'active' ELSE 'removed' END`, `t.sourced_id`},
		search: []string{"t.title", "t.class_code", "t.sourced_id"},
		order:  `t.title, t.id`,
	},
}

// BrowseColumns are the headings of a browse list.
func BrowseColumns(kind string) []string { return browseSpecs[kind].cols }

// likeArg makes a LIKE pattern matching s anywhere, with % and _ taken literally.
func likeArg(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return "%" + r.Replace(s) + "%"
}

func browseWhere(q rosterdesk.BrowseQuery) (browseSpec, string, []any, error) {
	spec, ok := browseSpecs[q.Kind]
	if !ok {
		return spec, "", nil, fmt.Errorf("nothing to browse called %q", q.Kind)
	}
	var conds []string
	var args []any
	if s := strings.TrimSpace(q.Search); s != "" {
		var ors []string
		for _, c := range spec.search {
			ors = append(ors, c+` LIKE ? ESCAPE '\'`)
			args = append(args, likeArg(s))
		}
		conds = append(conds, "("+strings.Join(ors, " OR ")+")")
	}
	switch q.Status {
	case "active":
		conds = append(conds, "t.active = 1")
	case "inactive":
		conds = append(conds, "t.active = 0")
	}
	if q.Role != "" && q.Kind == rosterdesk.BrowseUsers {
		conds = append(conds, "t.role = ?")
		args = append(args, q.Role)
	}
	if q.BuildingID != 0 {
		switch q.Kind {
		case rosterdesk.BrowseUsers:
			conds = append(conds, "t.id IN (SELECT user_id FROM user_buildings WHERE building_id = ?)")
		case rosterdesk.BrowseCourses:
			conds = append(conds, "t.org_sourced_id = (SELECT sis_id FROM buildings WHERE id = ?)")
		case rosterdesk.BrowseClasses:
			conds = append(conds, "t.school_sourced_id = (SELECT sis_id FROM buildings WHERE id = ?)")
		}
		args = append(args, q.BuildingID)
	}
	w := ""
	if len(conds) > 0 {
		w = " WHERE " + strings.Join(conds, " AND ")
	}
	return spec, w, args, nil
}

// BrowseCount counts the rows a query matches.
func (db *DB) BrowseCount(ctx context.Context, q rosterdesk.BrowseQuery) (int, error) {
	spec, where, args, err := browseWhere(q)
	if err != nil {
		return 0, err
	}
	from := spec.from
	if q.Kind != rosterdesk.BrowseUsers {
		from = strings.SplitN(from, " LEFT JOIN", 2)[0] // the joins only name things
	}
	var n int
	err = db.sql.QueryRowContext(ctx, `SELECT count(*) FROM `+from+where, args...).Scan(&n)
	return n, err
}

// Browse returns one page of the rows a query matches, in name order.
func (db *DB) Browse(ctx context.Context, q rosterdesk.BrowseQuery) ([]rosterdesk.BrowseRow, error) {
	spec, where, args, err := browseWhere(q)
	if err != nil {
		return nil, err
	}
	if q.Limit <= 0 {
		q.Limit = 100
	}
	args = append(args, q.Limit, q.Offset)
	rows, err := db.sql.QueryContext(ctx, `SELECT t.id, t.sourced_id, t.active, `+strings.Join(spec.sel, ", ")+
		` FROM `+spec.from+where+` ORDER BY `+spec.order+` LIMIT ? OFFSET ?`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []rosterdesk.BrowseRow{}
	for rows.Next() {
		r := rosterdesk.BrowseRow{Cells: make([]string, len(spec.sel))}
		dst := []any{&r.ID, &r.SourcedID, &r.Active}
		for i := range r.Cells {
			dst = append(dst, &r.Cells[i])
		}
		if err := rows.Scan(dst...); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// Roles lists the roles users hold, for a role filter.
func (db *DB) Roles(ctx context.Context) ([]string, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT DISTINCT role FROM users ORDER BY role`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var r string
		if err := rows.Scan(&r); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// UserBuildings lists the buildings a user is linked to.
func (db *DB) UserBuildings(ctx context.Context, userSourcedID string) ([]rosterdesk.Building, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT `+buildingCols+` FROM buildings b
		JOIN user_buildings ub ON ub.building_id = b.id JOIN users u ON u.id = ub.user_id
		WHERE u.sourced_id = ? ORDER BY b.name`, userSourcedID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []rosterdesk.Building
	for rows.Next() {
		b, err := scanBuilding(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, rows.Err()
}

// UserClasses lists the classes a user has course assignments in, active
// first; two enrollments with one role in one class (per-term ones) are one line.
func (db *DB) UserClasses(ctx context.Context, userSourcedID string) ([]rosterdesk.UserClass, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT a.class_sourced_id, coalesce(c.title, ''), coalesce(c.class_code, ''),
		coalesce(co.title, coalesce(c.course_sourced_id, '')), coalesce(b.name, a.school_sourced_id), a.role, a.active AND coalesce(c.active, 0)
		FROM (SELECT class_sourced_id, role, max(school_sourced_id) AS school_sourced_id, max(active) AS active
			FROM assignments WHERE user_sourced_id = ? GROUP BY class_sourced_id, role) a
		LEFT JOIN classes c ON c.sourced_id = a.class_sourced_id
		LEFT JOIN courses co ON co.sourced_id = c.course_sourced_id
		LEFT JOIN buildings b ON b.sis_id = a.school_sourced_id
		ORDER BY a.active DESC, c.title`, userSourcedID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []rosterdesk.UserClass{}
	for rows.Next() {
		var c rosterdesk.UserClass
		if err := rows.Scan(&c.ClassSourcedID, &c.Title, &c.Code, &c.Course, &c.School, &c.Role, &c.Active); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// ClassMembers lists the people assigned to a class, each role of a person
// once however many enrollments carry it, active first, by name.
func (db *DB) ClassMembers(ctx context.Context, classSourcedID string) ([]rosterdesk.ClassMember, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT a.user_sourced_id, coalesce(u.given_name, ''), coalesce(u.family_name, ''), a.role,
		a.active AND coalesce(u.active, 0)
		FROM (SELECT user_sourced_id, role, max(active) AS active FROM assignments WHERE class_sourced_id = ?
			GROUP BY user_sourced_id, role) a
		LEFT JOIN users u ON u.sourced_id = a.user_sourced_id
		ORDER BY 5 DESC, u.family_name, u.given_name, a.user_sourced_id`, classSourcedID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []rosterdesk.ClassMember{}
	for rows.Next() {
		var m rosterdesk.ClassMember
		if err := rows.Scan(&m.UserSourcedID, &m.GivenName, &m.FamilyName, &m.Role, &m.Active); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}
