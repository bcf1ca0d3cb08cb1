package data

import (
	"context"
	"database/sql"
	"errors"

	"rosterdesk"
)

const buildingCols = `b.id, b.name, coalesce(b.sis_id, ''), b.source, b.aligned, b.active, b.created_at, b.updated_at, coalesce(b.deactivated_at, ''),
	(SELECT count(*) FROM user_buildings ub JOIN users u ON u.id = ub.user_id WHERE ub.building_id = b.id AND u.active = 1), b.protected`

func scanBuilding(s interface{ Scan(...any) error }) (rosterdesk.Building, error) {
	var b rosterdesk.Building
	err := s.Scan(&b.ID, &b.Name, &b.SISID, &b.Source, &b.Aligned, &b.Active, &b.CreatedAt, &b.UpdatedAt, &b.DeactivatedAt, &b.Users, &b.Protected)
	return b, err
}

// Buildings lists every building, active or not.
func (db *DB) Buildings(ctx context.Context) ([]rosterdesk.Building, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT `+buildingCols+` FROM buildings b ORDER BY b.name, b.id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []rosterdesk.Building
	for rows.Next() {
		b, err := scanBuilding(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, rows.Err()
}

// BuildingBySIS finds a building by its SIS id.
func (db *DB) BuildingBySIS(ctx context.Context, sisID string) (rosterdesk.Building, error) {
	b, err := scanBuilding(db.sql.QueryRowContext(ctx, `SELECT `+buildingCols+` FROM buildings b WHERE b.sis_id = ?`, sisID))
	if errors.Is(err, sql.ErrNoRows) {
		return b, ErrNotFound
	}
	return b, err
}

// AddLocalBuilding creates a building by hand (outside OneRoster).
func (db *DB) AddLocalBuilding(ctx context.Context, name, sisID string) (int64, error) {
	now := FormatTime(db.Now())
	var sis any
	if sisID != "" {
		sis = sisID
	}
	res, err := db.sql.ExecContext(ctx, `INSERT INTO buildings (name, sis_id, source, created_at, updated_at) VALUES (?, ?, 'local', ?, ?)`,
		name, sis, now, now)
	if err != nil {
		return 0, err
	}
	return res.LastInsertId()
}

// InsertBuilding adds a building created from a OneRoster school.
func (tx *Tx) InsertBuilding(name, sisID string, runID int64) (int64, error) {
	res, err := tx.exec(`INSERT INTO buildings (name, sis_id, source, aligned, active, created_at, updated_at, created_run) VALUES (?, ?, 'oneroster', 1, 1, ?, ?, ?)`,
		name, sisID, tx.nowS, tx.nowS, nullID(runID))
	if err != nil {
		return 0, err
	}
	return res.LastInsertId()
}

// UpdateBuilding sets a building's name, alignment and active flag.
func (tx *Tx) UpdateBuilding(id int64, name string, aligned, active bool) error {
	var off any
	if !active {
		off = tx.nowS
	}
	_, err := tx.exec(`UPDATE buildings SET name = ?, aligned = ?, active = ?, deactivated_at = CASE WHEN ? THEN NULL ELSE coalesce(deactivated_at, ?) END, updated_at = ? WHERE id = ?`,
		name, boolInt(aligned), boolInt(active), active, off, tx.nowS, id)
	return err
}

// Orgs returns every org recorded by building syncs.
func (db *DB) Orgs(ctx context.Context) (map[string]rosterdesk.Org, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT sourced_id, name, type, identifier, parent_sourced_id, active FROM orgs`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]rosterdesk.Org{}
	for rows.Next() {
		var o rosterdesk.Org
		if err := rows.Scan(&o.SourcedID, &o.Name, &o.Type, &o.Identifier, &o.Parent, &o.Active); err != nil {
			return nil, err
		}
		out[o.SourcedID] = o
	}
	return out, rows.Err()
}

// PutOrg records an org as seen now.
func (tx *Tx) PutOrg(o rosterdesk.Org) error {
	_, err := tx.exec(`INSERT INTO orgs (sourced_id, name, type, identifier, parent_sourced_id, active, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT(sourced_id) DO UPDATE SET name = excluded.name, type = excluded.type, identifier = excluded.identifier,
		parent_sourced_id = excluded.parent_sourced_id, active = excluded.active, updated_at = excluded.updated_at`,
		o.SourcedID, o.Name, o.Type, o.Identifier, o.Parent, boolInt(o.Active), tx.nowS)
	return err
}

// SetOrgActive marks a recorded org active or not.
func (tx *Tx) SetOrgActive(sourcedID string, active bool) error {
	_, err := tx.exec(`UPDATE orgs SET active = ?, updated_at = ? WHERE sourced_id = ?`, boolInt(active), tx.nowS, sourcedID)
	return err
}

// SetBuildingSISID changes a building's SIS id. A building whose SIS id
// changes is no longer aligned to the school it matched.
func (db *DB) SetBuildingSISID(ctx context.Context, id int64, sisID string) error {
	var sis any
	if sisID != "" {
		sis = sisID
	}
	res, err := db.sql.ExecContext(ctx, `UPDATE buildings SET aligned = CASE WHEN coalesce(sis_id, '') = ? THEN aligned ELSE 0 END,
		sis_id = ?, updated_at = ? WHERE id = ?`, sisID, sis, FormatTime(db.Now()), id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}
