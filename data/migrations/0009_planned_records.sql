-- The records a held run (or a dry run) would touch, listed with names for
-- the admin who reviews it: names come from the roster or the held input. A
-- held run's list is deleted once it is approved or discarded. A preview's
-- list is kept in memory, never here.
CREATE TABLE planned_records (
	run_id     INTEGER NOT NULL,
	seq        INTEGER NOT NULL,
	entity     TEXT NOT NULL,
	action     TEXT NOT NULL,
	sourced_id TEXT NOT NULL,
	line       INTEGER NOT NULL DEFAULT 0,
	reason     TEXT NOT NULL DEFAULT '',
	name       TEXT NOT NULL DEFAULT '',
	detail     TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (run_id, seq)
) WITHOUT ROWID;
