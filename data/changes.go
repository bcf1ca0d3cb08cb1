package data

import (
	"context"
	"database/sql"
	"errors"

	"rosterdesk"
)

// createdTable is a table whose records remember the run that added them
// (created_run), with the key shown for a record and the file it came from.
type createdTable struct {
	entity rosterdesk.Entity
	table  string
	key    string
	file   string
}

// createdTables are in the order a run writes them: buildings first, then
// what users and assignments refer to.
var createdTables = []createdTable{
	{rosterdesk.EntityBuilding, "buildings", "sis_id", "orgs.csv"},
	{rosterdesk.EntitySession, "academic_sessions", "sourced_id", "academicSessions.csv"},
	{rosterdesk.EntityCourse, "courses", "sourced_id", "courses.csv"},
	{rosterdesk.EntityClass, "classes", "sourced_id", "classes.csv"},
	{rosterdesk.EntityUser, "users", "sourced_id", "users.csv"},
	{rosterdesk.EntityAssignment, "assignments", "sourced_id", "enrollments.csv"},
}

// RunChanges streams every change one run made to fn, entity by entity
// (buildings, academic sessions, courses, classes, users, assignments): first
// the records the run added (action "add", reason "new in <file>.csv", kept on
// the record as created_run), then the run's audited changes of that entity,
// each group in the order it was written. Audit rows of any other entity come
// last. Nothing is collected: a first sync that added a million assignments
// is read row by row.
func (db *DB) RunChanges(ctx context.Context, runID int64, fn func(rosterdesk.Audit) error) error {
	var adminID int64
	var admin string
	err := db.sql.QueryRowContext(ctx, `SELECT coalesce(r.admin_id, 0), coalesce(ad.email, '')
		FROM runs r LEFT JOIN admins ad ON ad.id = r.admin_id WHERE r.id = ?`, runID).Scan(&adminID, &admin)
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	if err != nil {
		return err
	}
	known := make([]any, 0, len(createdTables)+1)
	known = append(known, runID)
	for _, ct := range createdTables {
		// created_run has no index (a first sync would pay for it on a million
		// rows): this reads the table once, in rowid order, with no sort.
		err := db.streamChanges(ctx, runID, ct.entity, fn, `SELECT coalesce(`+ct.key+`, ''), 'add', '', NULL, NULL, ?, ?, ?, created_at
			FROM `+ct.table+` WHERE created_run = ? ORDER BY id`, "new in "+ct.file, adminID, admin, runID)
		if err != nil {
			return err
		}
		if err := db.streamChanges(ctx, runID, ct.entity, fn, `SELECT a.sourced_id, a.action, a.field, a.old, a.new, a.reason,
			coalesce(a.admin_id, 0), coalesce(ad.email, ''), a.at
			FROM audit a LEFT JOIN admins ad ON ad.id = a.admin_id
			WHERE a.run_id = ? AND a.entity = ? ORDER BY a.id`, runID, ct.entity); err != nil {
			return err
		}
		known = append(known, ct.entity)
	}
	return db.streamChanges(ctx, runID, "", fn, `SELECT a.entity, a.sourced_id, a.action, a.field, a.old, a.new, a.reason,
		coalesce(a.admin_id, 0), coalesce(ad.email, ''), a.at
		FROM audit a LEFT JOIN admins ad ON ad.id = a.admin_id
		WHERE a.run_id = ? AND a.entity NOT IN (`+placeholders(len(createdTables))+`) ORDER BY a.id`, known...)
}

// streamChanges runs q and hands each row to fn as a change of entity in
// runID. The query selects sourced_id, action, field, old, new, reason,
// admin_id, admin email and at, preceded by the entity when entity is "".
func (db *DB) streamChanges(ctx context.Context, runID int64, entity rosterdesk.Entity, fn func(rosterdesk.Audit) error, q string, args ...any) error {
	rows, err := db.sql.QueryContext(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		a := rosterdesk.Audit{Entity: entity, RunID: runID}
		var old, nw sql.NullString
		dst := []any{&a.SourcedID, &a.Action, &a.Field, &old, &nw, &a.Reason, &a.AdminID, &a.Admin, &a.At}
		if entity == "" {
			dst = append([]any{&a.Entity}, dst...)
		}
		if err := rows.Scan(dst...); err != nil {
			return err
		}
		if old.Valid {
			a.Old = &old.String
		}
		if nw.Valid {
			a.New = &nw.String
		}
		if err := fn(a); err != nil {
			return err
		}
	}
	return rows.Err()
}
