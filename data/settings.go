package data

import (
	"context"
	"database/sql"
	"errors"

	"rosterdesk"
)

// Setting returns the stored value of key and whether it was set.
func (db *DB) Setting(ctx context.Context, key string) (string, bool, error) {
	var v string
	err := db.sql.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = ?`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	return v, err == nil, err
}

// SetSetting stores value under key.
func (db *DB) SetSetting(ctx context.Context, key, value string) error {
	_, err := db.sql.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES (?, ?)
		ON CONFLICT(key) DO UPDATE SET value = excluded.value`, key, value)
	return err
}

// Settings returns every stored setting.
func (db *DB) Settings(ctx context.Context) (map[string]string, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT key, value FROM settings ORDER BY key`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return nil, err
		}
		out[k] = v
	}
	return out, rows.Err()
}

// AddSettingChange records a setting change stamped now.
func (db *DB) AddSettingChange(ctx context.Context, c rosterdesk.SettingChange) error {
	_, err := db.sql.ExecContext(ctx, `INSERT INTO setting_changes (key, old, new, admin_id, records, at) VALUES (?, ?, ?, ?, ?, ?)`,
		c.Key, c.Old, c.New, nullID(c.AdminID), c.Records, FormatTime(db.Now()))
	return err
}

// SettingChanges lists recorded setting changes newest first; key "" lists all, limit <= 0 all.
func (db *DB) SettingChanges(ctx context.Context, key string, limit int) ([]rosterdesk.SettingChange, error) {
	if limit <= 0 {
		limit = -1
	}
	rows, err := db.sql.QueryContext(ctx, `SELECT c.key, c.old, c.new, coalesce(c.admin_id, 0), coalesce(a.email, ''), c.records, c.at
		FROM setting_changes c LEFT JOIN admins a ON a.id = c.admin_id
		WHERE ? = '' OR c.key = ? ORDER BY c.id DESC LIMIT ?`, key, key, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []rosterdesk.SettingChange{}
	for rows.Next() {
		var c rosterdesk.SettingChange
		if err := rows.Scan(&c.Key, &c.Old, &c.New, &c.AdminID, &c.Admin, &c.Records, &c.At); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
