package data

import (
	"context"
	"database/sql"
	"errors"

	"rosterdesk"
)

// AddAdmin creates an admin account; an existing email is updated with the new name.
func (db *DB) AddAdmin(ctx context.Context, email, name string) (rosterdesk.Admin, error) {
	now := FormatTime(db.Now())
	_, err := db.sql.ExecContext(ctx, `INSERT INTO admins (email, name, created_at) VALUES (?, ?, ?)
		ON CONFLICT(email) DO UPDATE SET name = excluded.name`, email, name, now)
	if err != nil {
		return rosterdesk.Admin{}, err
	}
	return db.AdminByEmail(ctx, email)
}

// AdminByEmail finds an admin account by email (case-insensitive).
func (db *DB) AdminByEmail(ctx context.Context, email string) (rosterdesk.Admin, error) {
	var a rosterdesk.Admin
	var created string
	err := db.sql.QueryRowContext(ctx, `SELECT id, email, name, created_at FROM admins WHERE email = ?`, email).
		Scan(&a.ID, &a.Email, &a.Name, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return a, ErrNotFound
	}
	a.CreatedAt = ParseTime(created)
	return a, err
}

// Admins lists every admin account.
func (db *DB) Admins(ctx context.Context) ([]rosterdesk.Admin, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT id, email, name, created_at FROM admins ORDER BY name, email`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []rosterdesk.Admin
	for rows.Next() {
		var a rosterdesk.Admin
		var created string
		if err := rows.Scan(&a.ID, &a.Email, &a.Name, &created); err != nil {
			return nil, err
		}
		a.CreatedAt = ParseTime(created)
		out = append(out, a)
	}
	return out, rows.Err()
}
