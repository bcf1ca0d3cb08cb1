package data

import (
	"context"
	"strings"
)

// EachRecord streams every record of t in sourcedId order: its values in
// t.Cols order and whether it is active. For the roster's exports.
func (db *DB) EachRecord(ctx context.Context, t *Table, fn func(sourcedID string, vals []string, active bool) error) error {
	rows, err := db.sql.QueryContext(ctx, `SELECT sourced_id, `+concatExpr(t.Cols)+`, active FROM `+t.Name+` ORDER BY sourced_id`)
	if err != nil {
		return err
	}
	defer rows.Close()
	var id, vals string
	var active bool
	for rows.Next() {
		if err := rows.Scan(&id, &vals, &active); err != nil {
			return err
		}
		if err := fn(id, strings.Split(vals, Sep), active); err != nil {
			return err
		}
	}
	return rows.Err()
}
