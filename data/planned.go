package data

import (
	"context"
	"sort"
	"strings"

	"rosterdesk"
)

// AddPlanned stores run runID's list (replacing what it held), names resolved.
func (tx *Tx) AddPlanned(runID int64, list []rosterdesk.PlannedRecord) error {
	if _, err := tx.exec(`DELETE FROM planned_records WHERE run_id = ?`, runID); err != nil {
		return err
	}
	for i, r := range list {
		if _, err := tx.exec(`INSERT INTO planned_records (run_id, seq, entity, action, sourced_id, line, reason, name, detail)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, runID, i, r.Entity, r.Action, r.SourcedID, r.Line, r.Reason, r.Name, r.Detail); err != nil {
			return err
		}
	}
	return nil
}

// NamePlanned fills in the names and details of a list: records the roster
// has are named from it; added ones keep what the planner read from the
// input; what they refer to (a school, a course, a class, a user) is named
// from the roster, else from the list itself. It only reads.
func (db *DB) NamePlanned(ctx context.Context, list []rosterdesk.PlannedRecord) error {
	type keyed map[string][]string
	stored := map[rosterdesk.Entity]keyed{}
	ask := map[rosterdesk.Entity][]string{}
	for _, r := range list {
		if r.Action != "add" {
			ask[r.Entity] = append(ask[r.Entity], r.SourcedID)
		}
	}
	lookups := []struct {
		ent        rosterdesk.Entity
		table, key string
		cols       []string
	}{
		{rosterdesk.EntityUser, "users", "sourced_id", []string{"given_name", "family_name", "role", "org_ids"}},
		{rosterdesk.EntityClass, "classes", "sourced_id", []string{"title", "course_sourced_id", "school_sourced_id"}},
		{rosterdesk.EntityCourse, "courses", "sourced_id", []string{"title", "org_sourced_id"}},
		{rosterdesk.EntitySession, "academic_sessions", "sourced_id", []string{"title"}},
		{rosterdesk.EntityAssignment, "assignments", "sourced_id", []string{"user_sourced_id", "class_sourced_id", "role", "school_sourced_id"}},
		{rosterdesk.EntityBuilding, "buildings", "sis_id", []string{"name"}},
	}
	for _, l := range lookups {
		m, err := db.lookup(ctx, l.table, l.key, l.cols, ask[l.ent])
		if err != nil {
			return err
		}
		stored[l.ent] = m
	}
	first := func(s string) string { s, _, _ = strings.Cut(s, ","); return s }
	for i := range list {
		r := &list[i]
		v, ok := stored[r.Entity][r.SourcedID]
		if !ok {
			continue
		}
		switch r.Entity {
		case rosterdesk.EntityUser:
			r.Name, r.Role, r.SchoolRef = strings.TrimSpace(v[0]+" "+v[1]), v[2], first(v[3])
		case rosterdesk.EntityClass:
			r.Name, r.CourseRef, r.SchoolRef = v[0], v[1], v[2]
		case rosterdesk.EntityCourse:
			r.Name, r.SchoolRef = v[0], v[1]
		case rosterdesk.EntitySession, rosterdesk.EntityBuilding:
			r.Name = v[0]
		case rosterdesk.EntityAssignment:
			r.UserRef, r.ClassRef, r.Role, r.SchoolRef = v[0], v[1], v[2], v[3]
		}
	}
	// What they refer to: from the list first (an added user, class or course), then the roster.
	inList := map[rosterdesk.Entity]map[string]string{rosterdesk.EntityUser: {}, rosterdesk.EntityClass: {}, rosterdesk.EntityCourse: {}}
	for _, r := range list {
		if m, ok := inList[r.Entity]; ok && r.Name != "" {
			m[r.SourcedID] = r.Name
		}
	}
	need := map[string][]string{}
	for _, r := range list {
		if r.UserRef != "" && inList[rosterdesk.EntityUser][r.UserRef] == "" {
			need["users"] = append(need["users"], r.UserRef)
		}
		if r.ClassRef != "" && inList[rosterdesk.EntityClass][r.ClassRef] == "" {
			need["classes"] = append(need["classes"], r.ClassRef)
		}
		if r.CourseRef != "" && inList[rosterdesk.EntityCourse][r.CourseRef] == "" {
			need["courses"] = append(need["courses"], r.CourseRef)
		}
		if r.SchoolRef != "" {
			need["schools"] = append(need["schools"], r.SchoolRef)
		}
	}
	users, err := db.lookup(ctx, "users", "sourced_id", []string{"given_name", "family_name"}, need["users"])
	if err != nil {
		return err
	}
	classes, err := db.lookup(ctx, "classes", "sourced_id", []string{"title"}, need["classes"])
	if err != nil {
		return err
	}
	courses, err := db.lookup(ctx, "courses", "sourced_id", []string{"title"}, need["courses"])
	if err != nil {
		return err
	}
	buildings, err := db.lookup(ctx, "buildings", "sis_id", []string{"name"}, need["schools"])
	if err != nil {
		return err
	}
	orgs, err := db.lookup(ctx, "orgs", "sourced_id", []string{"name"}, need["schools"])
	if err != nil {
		return err
	}
	name := func(ent rosterdesk.Entity, id string, stored map[string][]string, join func([]string) string) string {
		if n := inList[ent][id]; n != "" {
			return n
		}
		if v, ok := stored[id]; ok {
			return join(v)
		}
		return id
	}
	title := func(v []string) string { return v[0] }
	school := func(id string) string {
		if v, ok := buildings[id]; ok {
			return v[0]
		}
		if v, ok := orgs[id]; ok {
			return v[0]
		}
		return id
	}
	join := func(parts ...string) string {
		var out []string
		for _, p := range parts {
			if p != "" {
				out = append(out, p)
			}
		}
		return strings.Join(out, " · ")
	}
	for i := range list {
		r := &list[i]
		sch := ""
		if r.SchoolRef != "" {
			sch = school(r.SchoolRef)
		}
		switch r.Entity {
		case rosterdesk.EntityUser:
			r.Detail = join(r.Role, sch)
		case rosterdesk.EntityClass:
			course := ""
			if r.CourseRef != "" {
				course = name(rosterdesk.EntityCourse, r.CourseRef, courses, title)
			}
			r.Detail = join(course, sch)
		case rosterdesk.EntityCourse:
			r.Detail = sch
		case rosterdesk.EntityAssignment:
			r.Name = name(rosterdesk.EntityUser, r.UserRef, users, func(v []string) string { return strings.TrimSpace(v[0] + " " + v[1]) })
			r.Detail = join(strings.TrimSpace(r.Role+" in "+name(rosterdesk.EntityClass, r.ClassRef, classes, title)), sch)
		}
	}
	return nil
}

// lookup reads cols of the rows of table whose key is in keys, by key.
func (db *DB) lookup(ctx context.Context, table, key string, cols []string, keys []string) (map[string][]string, error) {
	out := map[string][]string{}
	const chunk = 500
	for len(keys) > 0 {
		n := min(chunk, len(keys))
		part := keys[:n]
		keys = keys[n:]
		args := make([]any, len(part))
		for i, k := range part {
			args[i] = k
		}
		rows, err := db.sql.QueryContext(ctx, `SELECT `+key+`, `+strings.Join(cols, ", ")+` FROM `+table+` WHERE `+key+` IN (`+placeholders(n)+`)`, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var k string
			v := make([]string, len(cols))
			dst := []any{&k}
			for i := range v {
				dst = append(dst, &v[i])
			}
			if err := rows.Scan(dst...); err != nil {
				rows.Close()
				return nil, err
			}
			out[k] = v
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// plannedOrder lists what takes records away first: that is what a review is for.
const plannedOrder = `CASE action WHEN 'deactivate' THEN 0 WHEN 'remove' THEN 0 WHEN 'reactivate' THEN 1 WHEN 'update' THEN 2 ELSE 3 END, seq`

// Planned returns one page of run runID's list and how many records match.
func (db *DB) Planned(ctx context.Context, runID int64, q rosterdesk.PlannedQuery) ([]rosterdesk.PlannedRecord, int, error) {
	where := `run_id = ?`
	args := []any{runID}
	if s := strings.TrimSpace(q.Search); s != "" {
		like := "%" + strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s) + "%"
		where += ` AND (name LIKE ? ESCAPE '\' OR detail LIKE ? ESCAPE '\' OR sourced_id LIKE ? ESCAPE '\')`
		args = append(args, like, like, like)
	}
	if q.Entity != "" {
		where += ` AND entity = ?`
		args = append(args, q.Entity)
	}
	if q.Action != "" {
		where += ` AND action = ?`
		args = append(args, q.Action)
	}
	var total int
	if err := db.sql.QueryRowContext(ctx, `SELECT count(*) FROM planned_records WHERE `+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	limit := q.Limit
	if limit <= 0 {
		limit = -1
	}
	rows, err := db.sql.QueryContext(ctx, `SELECT entity, action, sourced_id, line, reason, name, detail FROM planned_records
		WHERE `+where+` ORDER BY `+plannedOrder+` LIMIT ? OFFSET ?`, append(args, limit, q.Offset)...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	out := []rosterdesk.PlannedRecord{}
	for rows.Next() {
		var r rosterdesk.PlannedRecord
		if err := rows.Scan(&r.Entity, &r.Action, &r.SourcedID, &r.Line, &r.Reason, &r.Name, &r.Detail); err != nil {
			return nil, 0, err
		}
		out = append(out, r)
	}
	return out, total, rows.Err()
}

// DeletePlanned drops run runID's list (a held run approved or discarded).
func (tx *Tx) DeletePlanned(runID int64) error {
	_, err := tx.exec(`DELETE FROM planned_records WHERE run_id = ?`, runID)
	return err
}

// FilterPlanned pages and searches a list held in memory (a preview's) the
// way Planned does a stored one.
func FilterPlanned(list []rosterdesk.PlannedRecord, q rosterdesk.PlannedQuery) ([]rosterdesk.PlannedRecord, int) {
	s := strings.ToLower(strings.TrimSpace(q.Search))
	rank := map[string]int{"deactivate": 0, "remove": 0, "reactivate": 1, "update": 2}
	var match []rosterdesk.PlannedRecord
	for _, r := range list {
		if (q.Entity != "" && r.Entity != q.Entity) || (q.Action != "" && r.Action != q.Action) {
			continue
		}
		if s != "" && !strings.Contains(strings.ToLower(r.Name), s) && !strings.Contains(strings.ToLower(r.Detail), s) &&
			!strings.Contains(strings.ToLower(r.SourcedID), s) {
			continue
		}
		match = append(match, r)
	}
	sort.SliceStable(match, func(i, j int) bool {
		ri, ok := rank[match[i].Action]
		if !ok {
			ri = 3
		}
		rj, ok := rank[match[j].Action]
		if !ok {
			rj = 3
		}
		return ri < rj
	})
	total := len(match)
	from := min(q.Offset, total)
	to := total
	if q.Limit > 0 {
		to = min(from+q.Limit, total)
	}
	return match[from:to], total
}
