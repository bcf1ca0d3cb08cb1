package data

import (
	"context"
	"fmt"

	"rosterdesk"
)

// SetProtected marks a user, course (by sourcedId) or building (by SIS id) as never to be deactivated by a sync.
func (db *DB) SetProtected(ctx context.Context, entity rosterdesk.Entity, key string, on bool) error {
	table, col := "", "sourced_id"
	switch entity {
	case rosterdesk.EntityUser:
		table = "users"
	case rosterdesk.EntityCourse:
		table = "courses"
	case rosterdesk.EntityBuilding:
		table, col = "buildings", "sis_id"
	default:
		return fmt.Errorf("only users, courses and buildings can be protected, not %s", entity)
	}
	res, err := db.sql.ExecContext(ctx, `UPDATE `+table+` SET protected = ? WHERE `+col+` = ?`, boolInt(on), key)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}
