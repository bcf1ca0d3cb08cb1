package data

import (
	"context"
	"database/sql"
	"fmt"

	"rosterdesk"
)

// entityTables maps an entity to its table and key column, for its creation event.
var entityTables = map[rosterdesk.Entity][2]string{
	rosterdesk.EntityBuilding: {"buildings", "sis_id"}, rosterdesk.EntityUser: {"users", "sourced_id"}, rosterdesk.EntitySession: {"academic_sessions", "sourced_id"},
	rosterdesk.EntityCourse: {"courses", "sourced_id"}, rosterdesk.EntityClass: {"classes", "sourced_id"}, rosterdesk.EntityAssignment: {"assignments", "sourced_id"},
}

// History returns the changes of one record, oldest first: its creation
// (kept on the record as created_run) and every audited change after it.
func (db *DB) History(ctx context.Context, entity rosterdesk.Entity, sourcedID string) ([]rosterdesk.Audit, error) {
	tk, ok := entityTables[entity]
	if !ok {
		return nil, fmt.Errorf("unknown entity %q", entity)
	}
	rows, err := db.sql.QueryContext(ctx, `SELECT run_id, action, field, old, new, reason, admin_id, email, at FROM (
		SELECT 0 AS ord, r.id AS run_id, 'add' AS action, '' AS field, NULL AS old, NULL AS new, 'new in the '||r.trigger||' '||r.scope||' sync' AS reason,
			coalesce(r.admin_id, 0) AS admin_id, coalesce(ad.email, '') AS email, t.created_at AS at
		FROM `+tk[0]+` t JOIN runs r ON r.id = t.created_run LEFT JOIN admins ad ON ad.id = r.admin_id WHERE t.`+tk[1]+` = ?
		UNION ALL
		SELECT a.id, a.run_id, a.action, a.field, a.old, a.new, a.reason, coalesce(a.admin_id, 0), coalesce(ad.email, ''), a.at
		FROM audit a LEFT JOIN admins ad ON ad.id = a.admin_id WHERE a.entity = ? AND a.sourced_id = ?
	) ORDER BY ord`, sourcedID, entity, sourcedID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []rosterdesk.Audit{}
	for rows.Next() {
		a := rosterdesk.Audit{Entity: entity, SourcedID: sourcedID}
		var old, nw sql.NullString
		if err := rows.Scan(&a.RunID, &a.Action, &a.Field, &old, &nw, &a.Reason, &a.AdminID, &a.Admin, &a.At); err != nil {
			return nil, err
		}
		if old.Valid {
			a.Old = &old.String
		}
		if nw.Valid {
			a.New = &nw.String
		}
		out = append(out, a)
	}
	return out, rows.Err()
}
