-- The local roster. Nothing here is ever hard-deleted by a sync: records are
-- deactivated or removed with a timestamp so history and rollback stay possible.

CREATE TABLE settings (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
);

CREATE TABLE admins (
	id         INTEGER PRIMARY KEY,
	email      TEXT NOT NULL UNIQUE COLLATE NOCASE,
	name       TEXT NOT NULL,
	created_at TEXT NOT NULL
);

-- Every OneRoster org seen by a building sync (the district among them).
CREATE TABLE orgs (
	sourced_id        TEXT PRIMARY KEY,
	name              TEXT NOT NULL,
	type              TEXT NOT NULL,
	identifier        TEXT NOT NULL DEFAULT '',
	parent_sourced_id TEXT NOT NULL DEFAULT '',
	active            INTEGER NOT NULL DEFAULT 1,
	updated_at        TEXT NOT NULL
);

CREATE TABLE buildings (
	id             INTEGER PRIMARY KEY,
	name           TEXT NOT NULL,
	sis_id         TEXT UNIQUE,
	source         TEXT NOT NULL CHECK (source IN ('local', 'oneroster')),
	-- aligned: matched to or created from a OneRoster school
	aligned        INTEGER NOT NULL DEFAULT 0,
	active         INTEGER NOT NULL DEFAULT 1,
	created_at     TEXT NOT NULL,
	created_run INTEGER REFERENCES runs(id), -- the run that added it; NULL when made by hand
	updated_at     TEXT NOT NULL,
	deactivated_at TEXT
);

CREATE TABLE users (
	id             INTEGER PRIMARY KEY,
	sourced_id     TEXT NOT NULL UNIQUE,
	role           TEXT NOT NULL,
	username       TEXT NOT NULL DEFAULT '',
	given_name     TEXT NOT NULL DEFAULT '',
	family_name    TEXT NOT NULL DEFAULT '',
	middle_name    TEXT NOT NULL DEFAULT '',
	identifier     TEXT NOT NULL DEFAULT '',
	email          TEXT NOT NULL DEFAULT '',
	grades         TEXT NOT NULL DEFAULT '',
	enabled        TEXT NOT NULL DEFAULT 'true',
	org_ids        TEXT NOT NULL DEFAULT '',
	active         INTEGER NOT NULL DEFAULT 1,
	row_hash INTEGER NOT NULL DEFAULT 0, -- fingerprint of the synced fields, so a resync compares without reading them
	created_at     TEXT NOT NULL,
	created_run INTEGER REFERENCES runs(id), -- the run that added it; NULL when made by hand
	updated_at     TEXT NOT NULL,
	deactivated_at TEXT
);

CREATE TABLE user_buildings (
	user_id     INTEGER NOT NULL REFERENCES users(id),
	building_id INTEGER NOT NULL REFERENCES buildings(id),
	PRIMARY KEY (user_id, building_id)
) WITHOUT ROWID;
CREATE INDEX user_buildings_building ON user_buildings(building_id);

CREATE TABLE academic_sessions (
	id                INTEGER PRIMARY KEY,
	sourced_id        TEXT NOT NULL UNIQUE,
	title             TEXT NOT NULL DEFAULT '',
	type              TEXT NOT NULL DEFAULT '',
	start_date        TEXT NOT NULL DEFAULT '',
	end_date          TEXT NOT NULL DEFAULT '',
	parent_sourced_id TEXT NOT NULL DEFAULT '',
	school_year       TEXT NOT NULL DEFAULT '',
	active            INTEGER NOT NULL DEFAULT 1,
	row_hash INTEGER NOT NULL DEFAULT 0, -- fingerprint of the synced fields, so a resync compares without reading them
	created_at        TEXT NOT NULL,
	created_run INTEGER REFERENCES runs(id), -- the run that added it; NULL when made by hand
	updated_at        TEXT NOT NULL,
	removed_at        TEXT
);

CREATE TABLE courses (
	id                     INTEGER PRIMARY KEY,
	sourced_id             TEXT NOT NULL UNIQUE,
	title                  TEXT NOT NULL DEFAULT '',
	course_code            TEXT NOT NULL DEFAULT '',
	grades                 TEXT NOT NULL DEFAULT '',
	org_sourced_id         TEXT NOT NULL DEFAULT '',
	school_year_sourced_id TEXT NOT NULL DEFAULT '',
	subjects               TEXT NOT NULL DEFAULT '',
	active                 INTEGER NOT NULL DEFAULT 1,
	row_hash INTEGER NOT NULL DEFAULT 0, -- fingerprint of the synced fields, so a resync compares without reading them
	created_at             TEXT NOT NULL,
	created_run INTEGER REFERENCES runs(id), -- the run that added it; NULL when made by hand
	updated_at             TEXT NOT NULL,
	removed_at             TEXT
);

CREATE TABLE classes (
	id                INTEGER PRIMARY KEY,
	sourced_id        TEXT NOT NULL UNIQUE,
	title             TEXT NOT NULL DEFAULT '',
	class_code        TEXT NOT NULL DEFAULT '',
	class_type        TEXT NOT NULL DEFAULT '',
	course_sourced_id TEXT NOT NULL DEFAULT '',
	school_sourced_id TEXT NOT NULL DEFAULT '',
	location          TEXT NOT NULL DEFAULT '',
	grades            TEXT NOT NULL DEFAULT '',
	subjects          TEXT NOT NULL DEFAULT '',
	periods           TEXT NOT NULL DEFAULT '',
	term_ids          TEXT NOT NULL DEFAULT '',
	active            INTEGER NOT NULL DEFAULT 1,
	row_hash INTEGER NOT NULL DEFAULT 0, -- fingerprint of the synced fields, so a resync compares without reading them
	created_at        TEXT NOT NULL,
	created_run INTEGER REFERENCES runs(id), -- the run that added it; NULL when made by hand
	updated_at        TEXT NOT NULL,
	removed_at        TEXT
);

-- Course assignments: a user enrolled in a class.
CREATE TABLE assignments (
	id                INTEGER PRIMARY KEY,
	sourced_id        TEXT NOT NULL UNIQUE,
	class_sourced_id  TEXT NOT NULL REFERENCES classes(sourced_id),
	user_sourced_id   TEXT NOT NULL REFERENCES users(sourced_id),
	school_sourced_id TEXT NOT NULL DEFAULT '',
	role              TEXT NOT NULL,
	is_primary        TEXT NOT NULL DEFAULT '',
	begin_date        TEXT NOT NULL DEFAULT '',
	end_date          TEXT NOT NULL DEFAULT '',
	active            INTEGER NOT NULL DEFAULT 1,
	row_hash INTEGER NOT NULL DEFAULT 0, -- fingerprint of the synced fields, so a resync compares without reading them
	created_at        TEXT NOT NULL,
	created_run INTEGER REFERENCES runs(id), -- the run that added it; NULL when made by hand
	updated_at        TEXT NOT NULL,
	removed_at        TEXT
);
-- No indexes on class or user yet: a million-row first sync pays for each one,
-- and nothing queries assignments by class or user so far.

CREATE TABLE runs (
	id             INTEGER PRIMARY KEY,
	scope          TEXT NOT NULL,
	trigger        TEXT NOT NULL,
	status         TEXT NOT NULL,
	source         TEXT NOT NULL DEFAULT '',
	started_at     TEXT NOT NULL,
	finished_at    TEXT NOT NULL,
	errors         INTEGER NOT NULL DEFAULT 0,
	warnings       INTEGER NOT NULL DEFAULT 0,
	counts         TEXT NOT NULL DEFAULT '{}',
	message        TEXT NOT NULL DEFAULT '',
	admin_id       INTEGER REFERENCES admins(id)
);
CREATE INDEX runs_scope_status ON runs(scope, status);

CREATE TABLE run_log (
	id         INTEGER PRIMARY KEY,
	run_id     INTEGER NOT NULL REFERENCES runs(id),
	severity   TEXT NOT NULL,
	phase      TEXT NOT NULL,
	file       TEXT NOT NULL DEFAULT '',
	line       INTEGER NOT NULL DEFAULT 0,
	col        INTEGER NOT NULL DEFAULT 0,
	sourced_id TEXT NOT NULL DEFAULT '',
	field      TEXT NOT NULL DEFAULT '',
	rule       TEXT NOT NULL DEFAULT '',
	message    TEXT NOT NULL
);
CREATE INDEX run_log_run ON run_log(run_id);

CREATE TABLE audit (
	id         INTEGER PRIMARY KEY,
	run_id     INTEGER NOT NULL REFERENCES runs(id),
	entity     TEXT NOT NULL,
	sourced_id TEXT NOT NULL,
	action     TEXT NOT NULL,
	field      TEXT NOT NULL DEFAULT '',
	old        TEXT,
	new        TEXT,
	reason     TEXT NOT NULL DEFAULT '',
	admin_id   INTEGER REFERENCES admins(id),
	at         TEXT NOT NULL
);
CREATE INDEX audit_record ON audit(entity, sourced_id);
CREATE INDEX audit_run ON audit(run_id);
