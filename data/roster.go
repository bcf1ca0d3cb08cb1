package data

import (
	"context"

	"rosterdesk"
)

// Count returns how many records of table are active and inactive; with
// byRole, active ones are also counted per role column value.
func (db *DB) Count(ctx context.Context, table string, byRole bool) (rosterdesk.ActiveCounts, error) {
	var c rosterdesk.ActiveCounts
	err := db.sql.QueryRowContext(ctx, `SELECT coalesce(sum(active = 1), 0), coalesce(sum(active = 0), 0) FROM `+table).Scan(&c.Active, &c.Inactive)
	if err != nil || !byRole {
		return c, err
	}
	c.ByRole = map[string]int{}
	rows, err := db.sql.QueryContext(ctx, `SELECT role, count(*) FROM `+table+` WHERE active = 1 GROUP BY role`)
	if err != nil {
		return c, err
	}
	defer rows.Close()
	for rows.Next() {
		var role string
		var n int
		if err := rows.Scan(&role, &n); err != nil {
			return c, err
		}
		c.ByRole[role] = n
	}
	return c, rows.Err()
}

// ActiveCount counts the active records of table (for assignments, from a partial index).
func (db *DB) ActiveCount(ctx context.Context, table string) (int, error) {
	var n int
	err := db.sql.QueryRowContext(ctx, `SELECT count(*) FROM `+table+` WHERE active = 1`).Scan(&n)
	return n, err
}

// ActiveSchools returns, for every active record of table, the value of its
// school column (a users' org_ids list, a class's school_sourced_id): the
// per-school safeguard compares what a run takes away with what each school has.
func (db *DB) ActiveSchools(ctx context.Context, table, col string) (map[int64]string, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT id, `+col+` FROM `+table+` WHERE active = 1`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]string{}
	for rows.Next() {
		var id int64
		var v string
		if err := rows.Scan(&id, &v); err != nil {
			return nil, err
		}
		out[id] = v
	}
	return out, rows.Err()
}
