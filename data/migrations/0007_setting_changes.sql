-- Who changed which setting, when, from what to what (the teacher permission
-- among them, with how many courses it reached).
CREATE TABLE setting_changes (
	id       INTEGER PRIMARY KEY,
	key      TEXT NOT NULL,
	old      TEXT NOT NULL DEFAULT '',
	new      TEXT NOT NULL DEFAULT '',
	admin_id INTEGER REFERENCES admins(id),
	records  INTEGER NOT NULL DEFAULT 0,
	at       TEXT NOT NULL
);
CREATE INDEX setting_changes_key ON setting_changes(key, id);
