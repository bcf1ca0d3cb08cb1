package data

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// Undo support: before a run changes an existing row it keeps the row's first
// pre-image in snapshots; rows it creates carry created_run. Undoing the run
// writes the pre-images back and removes the created rows, which restores the
// roster exactly, timestamps included.

// snapshotTables are the tables a run may change, with their key column.
var snapshotTables = map[string]string{
	"users": "id", "academic_sessions": "id", "courses": "id", "classes": "id", "assignments": "id",
	"buildings": "id", "orgs": "sourced_id",
}

// columns lists a table's columns, read once from the schema.
func (db *DB) columns(ctx context.Context, table string) ([]string, error) {
	db.mu.Lock()
	defer db.mu.Unlock()
	if c, ok := db.cols[table]; ok {
		return c, nil
	}
	rows, err := db.sql.QueryContext(ctx, `SELECT name FROM pragma_table_info(?) ORDER BY cid`, table)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var cols []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return nil, err
		}
		cols = append(cols, c)
	}
	if db.cols == nil {
		db.cols = map[string][]string{}
	}
	db.cols[table] = cols
	return cols, rows.Err()
}

func jsonObjectExpr(cols []string) string {
	parts := make([]string, len(cols))
	for i, c := range cols {
		parts[i] = "'" + c + "', " + c
	}
	return "json_object(" + strings.Join(parts, ", ") + ")"
}

// Snapshot keeps the pre-image of row key of table before run runID changes it
// (only the first one: a run's later changes to the row do not replace it).
// A row that does not exist yet is kept as NULL: undoing removes it.
func (tx *Tx) Snapshot(runID int64, table string, key any) error {
	q, err := tx.snapshotSQL(table)
	if err != nil {
		return err
	}
	_, err = tx.exec(q, runID, table, fmt.Sprint(key), key)
	return err
}

// snapshotSQL keeps the pre-image of a row of table: parameters run, table, key as text, key.
func (tx *Tx) snapshotSQL(table string) (string, error) {
	keyCol, ok := snapshotTables[table]
	if !ok {
		return "", fmt.Errorf("no snapshots for %s", table)
	}
	cols, err := tx.db.columns(context.Background(), table)
	if err != nil {
		return "", err
	}
	return `INSERT OR IGNORE INTO snapshots (run_id, tbl, key, row)
		VALUES (?, ?, ?, (SELECT ` + jsonObjectExpr(cols) + ` FROM ` + table + ` WHERE ` + keyCol + ` = ?))`, nil
}

const snapshotLinksSQL = `INSERT OR IGNORE INTO snapshots (run_id, tbl, key, row)
		VALUES (?, 'user_buildings', ?, (SELECT json_group_array(building_id) FROM user_buildings WHERE user_id = ?))`

// SnapshotLinks keeps the buildings a user belongs to before run runID changes them.
func (tx *Tx) SnapshotLinks(runID, userID int64) error {
	_, err := tx.exec(snapshotLinksSQL, runID, fmt.Sprint(userID), userID)
	return err
}

// undoOrder is the order created rows are removed when a run is undone (referring rows first).
var undoOrder = []string{"assignments", "classes", "courses", "academic_sessions", "users", "buildings"}

// UndoRun restores every row run runID changed and removes every row it created.
// It returns how many rows were restored and removed.
func (tx *Tx) UndoRun(ctx context.Context, runID int64) (restored, removed int64, err error) {
	rows, err := tx.tx.QueryContext(ctx, `SELECT tbl, key, row FROM snapshots WHERE run_id = ? ORDER BY tbl, key`, runID)
	if err != nil {
		return 0, 0, err
	}
	type snap struct {
		tbl, key string
		row      sql.NullString
	}
	var snaps []snap
	for rows.Next() {
		var s snap
		if err := rows.Scan(&s.tbl, &s.key, &s.row); err != nil {
			rows.Close()
			return 0, 0, err
		}
		snaps = append(snaps, s)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, 0, err
	}
	// Links of users the run created go first, so those users can be removed.
	if _, err := tx.exec(`DELETE FROM user_buildings WHERE user_id IN (SELECT id FROM users WHERE created_run = ?)`, runID); err != nil {
		return 0, 0, err
	}
	for _, s := range snaps {
		switch {
		case s.tbl == "user_buildings":
			if _, err := tx.exec(`DELETE FROM user_buildings WHERE user_id = ?`, s.key); err != nil {
				return 0, 0, err
			}
			if _, err := tx.exec(`INSERT INTO user_buildings (user_id, building_id) SELECT ?, value FROM json_each(?)`, s.key, s.row.String); err != nil {
				return 0, 0, err
			}
		case !s.row.Valid:
			if _, err := tx.exec(`DELETE FROM `+s.tbl+` WHERE `+snapshotTables[s.tbl]+` = ?`, s.key); err != nil {
				return 0, 0, err
			}
			removed++
		default:
			cols, err := tx.db.columns(ctx, s.tbl)
			if err != nil {
				return 0, 0, err
			}
			keyCol := snapshotTables[s.tbl]
			sets := make([]string, 0, len(cols))
			for _, c := range cols {
				if c != keyCol {
					sets = append(sets, c+" = json_extract(?1, '$."+c+"')")
				}
			}
			if _, err := tx.exec(`UPDATE `+s.tbl+` SET `+strings.Join(sets, ", ")+` WHERE `+keyCol+` = ?2`, s.row.String, s.key); err != nil {
				return 0, 0, fmt.Errorf("restore %s %s: %w", s.tbl, s.key, err)
			}
			restored++
		}
	}
	for _, t := range undoOrder {
		res, err := tx.exec(`DELETE FROM `+t+` WHERE created_run = ?`, runID)
		if err != nil {
			return 0, 0, fmt.Errorf("remove the %s run %d created: %w", t, runID, err)
		}
		n, _ := res.RowsAffected()
		removed += n
	}
	return restored, removed, nil
}

// UndoConflicts lists the newer runs still in force that changed rows run runID
// changed or created, or that created rows referring to rows it created.
func (db *DB) UndoConflicts(ctx context.Context, runID int64) ([]int64, error) {
	rows, err := db.sql.QueryContext(ctx, `
		WITH mine(tbl, key) AS (
			SELECT tbl, key FROM snapshots WHERE run_id = ?1
			UNION SELECT 'users', CAST(id AS TEXT) FROM users WHERE created_run = ?1
			UNION SELECT 'courses', CAST(id AS TEXT) FROM courses WHERE created_run = ?1
			UNION SELECT 'classes', CAST(id AS TEXT) FROM classes WHERE created_run = ?1
			UNION SELECT 'assignments', CAST(id AS TEXT) FROM assignments WHERE created_run = ?1
			UNION SELECT 'academic_sessions', CAST(id AS TEXT) FROM academic_sessions WHERE created_run = ?1
			UNION SELECT 'buildings', CAST(id AS TEXT) FROM buildings WHERE created_run = ?1
			UNION SELECT 'user_buildings', CAST(id AS TEXT) FROM users WHERE created_run = ?1
		),
		later(id) AS (SELECT id FROM runs WHERE id > ?1 AND status = 'applied')
		SELECT DISTINCT s.run_id FROM snapshots s JOIN mine m ON m.tbl = s.tbl AND m.key = s.key WHERE s.run_id IN (SELECT id FROM later)
		UNION SELECT DISTINCT a.created_run FROM assignments a WHERE a.created_run IN (SELECT id FROM later)
			AND (a.user_sourced_id IN (SELECT sourced_id FROM users WHERE created_run = ?1)
			  OR a.class_sourced_id IN (SELECT sourced_id FROM classes WHERE created_run = ?1))
		UNION SELECT DISTINCT u.created_run FROM users u JOIN user_buildings ub ON ub.user_id = u.id
			WHERE u.created_run IN (SELECT id FROM later) AND ub.building_id IN (SELECT id FROM buildings WHERE created_run = ?1)
		ORDER BY 1`, runID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}
