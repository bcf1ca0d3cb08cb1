package data

import "rosterdesk"

// Settings are saved in one transaction: their rows, what each change
// reaches (the teacher permission of existing courses) and its audit row.

// SetSetting stores value under key.
func (tx *Tx) SetSetting(key, value string) error {
	_, err := tx.exec(`INSERT INTO settings (key, value) VALUES (?, ?)
		ON CONFLICT(key) DO UPDATE SET value = excluded.value`, key, value)
	return err
}

// AddSettingChange records a setting change stamped with the transaction's time.
func (tx *Tx) AddSettingChange(c rosterdesk.SettingChange) error {
	_, err := tx.exec(`INSERT INTO setting_changes (key, old, new, admin_id, records, at) VALUES (?, ?, ?, ?, ?, ?)`,
		c.Key, c.Old, c.New, nullID(c.AdminID), c.Records, tx.nowS)
	return err
}

// SetTeacherPermission applies the teacher-permission preference to every course OneRoster created.
func (tx *Tx) SetTeacherPermission(value string) (int64, error) {
	res, err := tx.exec(`UPDATE courses SET teacher_permission = ? WHERE created_run IS NOT NULL AND teacher_permission != ?`, value, value)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}
