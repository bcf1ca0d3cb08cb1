package data

import (
	"context"
	"strings"
)

// PlannedRecord is one record a held run or a preview would touch, with what
// names it for the admin: a user's name, role and school; a class's title,
// course and school; who an assignment puts in which class.
type PlannedRecord struct {
	Entity    Entity `json:"entity"`
	Action    string `json:"action"`
	SourcedID string `json:"sourcedId"`
	Line      int    `json:"line,omitempty"`
	Reason    string `json:"reason,omitempty"`
	Name      string `json:"name"`
	Detail    string `json:"detail"`

	// What the planner read for an added record (the roster has nothing yet);
	// the names are resolved from these when the list is stored.
	Role, UserRef, ClassRef, CourseRef, SchoolRef string `json:"-"`
}

// AddPlanned stores list under runID (replacing what it held), then fills
// in the names of every record the roster already has, and the schools,
// courses, users and classes they refer to, from the roster or the list itself.
func (tx *Tx) AddPlanned(runID int64, list []PlannedRecord) error {
	if _, err := tx.exec(`DELETE FROM planned_records WHERE run_id = ?`, runID); err != nil {
		return err
	}
	for i, r := range list {
		if _, err := tx.exec(`INSERT INTO planned_records (run_id, seq, entity, action, sourced_id, line, reason, name, role, user_ref, class_ref, course_ref, school_ref)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			runID, i, r.Entity, r.Action, r.SourcedID, r.Line, r.Reason, r.Name, r.Role, r.UserRef, r.ClassRef, r.CourseRef, r.SchoolRef); err != nil {
			return err
		}
	}
	for _, q := range resolvePlanned {
		if _, err := tx.exec(q, runID); err != nil {
			return err
		}
	}
	return nil
}

// resolvePlanned fills a stored list's names, in order: records the roster
// has (their stored values), then what they refer to, then the shown detail.
var resolvePlanned = []string{
	`UPDATE planned_records SET name = trim(u.given_name || ' ' || u.family_name), role = u.role,
		school_ref = CASE WHEN instr(u.org_ids, ',') > 0 THEN substr(u.org_ids, 1, instr(u.org_ids, ',') - 1) ELSE u.org_ids END
		FROM users u WHERE planned_records.run_id = ?1 AND planned_records.entity = 'user' AND planned_records.action != 'add'
		AND u.sourced_id = planned_records.sourced_id`,
	`UPDATE planned_records SET name = c.title, course_ref = c.course_sourced_id, school_ref = c.school_sourced_id
		FROM classes c WHERE planned_records.run_id = ?1 AND planned_records.entity = 'class' AND planned_records.action != 'add'
		AND c.sourced_id = planned_records.sourced_id`,
	`UPDATE planned_records SET name = c.title, school_ref = c.org_sourced_id
		FROM courses c WHERE planned_records.run_id = ?1 AND planned_records.entity = 'course' AND planned_records.action != 'add'
		AND c.sourced_id = planned_records.sourced_id`,
	`UPDATE planned_records SET name = s.title
		FROM academic_sessions s WHERE planned_records.run_id = ?1 AND planned_records.entity = 'academicSession' AND planned_records.action != 'add'
		AND s.sourced_id = planned_records.sourced_id`,
	`UPDATE planned_records SET user_ref = a.user_sourced_id, class_ref = a.class_sourced_id, role = a.role, school_ref = a.school_sourced_id
		FROM assignments a WHERE planned_records.run_id = ?1 AND planned_records.entity = 'assignment' AND planned_records.action != 'add'
		AND a.sourced_id = planned_records.sourced_id`,
	`UPDATE planned_records SET name = b.name
		FROM buildings b WHERE planned_records.run_id = ?1 AND planned_records.entity = 'building' AND planned_records.name = ''
		AND b.sis_id = planned_records.sourced_id`,
	// An assignment names its user and class: from the roster, else from the list.
	`UPDATE planned_records SET name = coalesce(
			(SELECT trim(u.given_name || ' ' || u.family_name) FROM users u WHERE u.sourced_id = planned_records.user_ref),
			(SELECT p.name FROM planned_records p WHERE p.run_id = ?1 AND p.entity = 'user' AND p.sourced_id = planned_records.user_ref LIMIT 1),
			planned_records.user_ref),
		course_ref = coalesce(
			(SELECT c.title FROM classes c WHERE c.sourced_id = planned_records.class_ref),
			(SELECT p.name FROM planned_records p WHERE p.run_id = ?1 AND p.entity = 'class' AND p.sourced_id = planned_records.class_ref LIMIT 1),
			planned_records.class_ref)
		WHERE run_id = ?1 AND entity = 'assignment'`,
	// A class names its course.
	`UPDATE planned_records SET course_ref = coalesce(
			(SELECT c.title FROM courses c WHERE c.sourced_id = planned_records.course_ref),
			(SELECT p.name FROM planned_records p WHERE p.run_id = ?1 AND p.entity = 'course' AND p.sourced_id = planned_records.course_ref LIMIT 1),
			planned_records.course_ref)
		WHERE run_id = ?1 AND entity = 'class' AND course_ref != ''`,
	// Schools by name: an aligned building, else the org the roster knows.
	`UPDATE planned_records SET school_ref = coalesce(
			(SELECT b.name FROM buildings b WHERE b.sis_id = planned_records.school_ref),
			(SELECT o.name FROM orgs o WHERE o.sourced_id = planned_records.school_ref),
			planned_records.school_ref)
		WHERE run_id = ?1 AND school_ref != ''`,
	`UPDATE planned_records SET detail = CASE entity
			WHEN 'user' THEN trim(role || CASE WHEN school_ref != '' THEN ' · ' || school_ref ELSE '' END, ' ·')
			WHEN 'class' THEN trim(course_ref || CASE WHEN school_ref != '' THEN ' · ' || school_ref ELSE '' END, ' ·')
			WHEN 'course' THEN school_ref
			WHEN 'assignment' THEN trim(role || ' in ' || course_ref || CASE WHEN school_ref != '' THEN ' · ' || school_ref ELSE '' END)
			ELSE '' END
		WHERE run_id = ?1`,
}

// PlannedQuery pages and searches a stored list. Search matches a name,
// detail or sourcedId (case-insensitive, anywhere in it); Entity and Action
// narrow it when set.
type PlannedQuery struct {
	Search string
	Entity Entity
	Action string
	Offset int
	Limit  int // <= 0: all
}

// plannedOrder lists what takes records away first: that is what a review is for.
const plannedOrder = `CASE action WHEN 'deactivate' THEN 0 WHEN 'reactivate' THEN 1 WHEN 'update' THEN 2 ELSE 3 END, seq`

// Planned returns one page of run runID's list and how many records match.
func (db *DB) Planned(ctx context.Context, runID int64, q PlannedQuery) ([]PlannedRecord, int, error) {
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
	out := []PlannedRecord{}
	for rows.Next() {
		var r PlannedRecord
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

// DeletePreviewLists drops every preview's list (run_id < 0).
func (db *DB) DeletePreviewLists(ctx context.Context) error {
	_, err := db.sql.ExecContext(ctx, `DELETE FROM planned_records WHERE run_id < 0`)
	return err
}

// SavePlanned stores a preview's list in its own transaction.
func (db *DB) SavePlanned(ctx context.Context, listID int64, list []PlannedRecord) error {
	tx, err := db.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := tx.AddPlanned(listID, list); err != nil {
		return err
	}
	return tx.Commit()
}

// Changes is how many records the counts change in all.
func (c Counts) Changes() int {
	b, u := c.Buildings, c.Users
	n := b.Added + b.Updated + b.Deactivated + u.Added + u.Updated + u.Deactivated + u.Reactivated
	for _, x := range []CourseCounts{c.Courses, c.Classes, c.Assignments} {
		n += x.Added + x.Updated + x.Removed
	}
	return n
}
