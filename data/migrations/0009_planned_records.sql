-- The records a held run or a preview would touch, listed with names for the
-- admin who reviews it. Names come from the roster or the held input; a held
-- run's list is deleted once it is approved or discarded. run_id < 0 marks a
-- preview's list, deleted when the next preview starts or the app reopens.
CREATE TABLE planned_records (
	run_id     INTEGER NOT NULL,
	seq        INTEGER NOT NULL,
	entity     TEXT NOT NULL,
	action     TEXT NOT NULL,
	sourced_id TEXT NOT NULL,
	line       INTEGER NOT NULL DEFAULT 0,
	reason     TEXT NOT NULL DEFAULT '',
	name       TEXT NOT NULL DEFAULT '',
	role       TEXT NOT NULL DEFAULT '',
	user_ref   TEXT NOT NULL DEFAULT '',
	class_ref  TEXT NOT NULL DEFAULT '',
	course_ref TEXT NOT NULL DEFAULT '',
	school_ref TEXT NOT NULL DEFAULT '',
	detail     TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (run_id, seq)
) WITHOUT ROWID;
CREATE INDEX planned_records_id ON planned_records(run_id, entity, sourced_id);
