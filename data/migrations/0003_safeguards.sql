-- Safeguards: held runs, rollback and protected records.

-- The first pre-image of every existing row a run changed, so the run can be undone
-- exactly; rows the run created carry created_run and are simply removed again.
CREATE TABLE snapshots (
	run_id INTEGER NOT NULL REFERENCES runs(id),
	tbl    TEXT NOT NULL,
	key    TEXT NOT NULL, -- the row id, or the sourcedId for orgs
	row    TEXT,          -- the row as JSON; NULL: the row did not exist
	PRIMARY KEY (run_id, tbl, key)
) WITHOUT ROWID;
CREATE INDEX snapshots_row ON snapshots(tbl, key);

ALTER TABLE runs ADD COLUMN options TEXT NOT NULL DEFAULT '{}';      -- how the run was asked for (scope, trigger)
ALTER TABLE runs ADD COLUMN held_source TEXT NOT NULL DEFAULT '';    -- a held run's copy of its source
ALTER TABLE runs ADD COLUMN resolved_by INTEGER REFERENCES runs(id); -- the run that approved or rolled this one back
ALTER TABLE runs ADD COLUMN undoes INTEGER REFERENCES runs(id);      -- a rollback run: the run it undid
ALTER TABLE runs ADD COLUMN inputs TEXT NOT NULL DEFAULT '{}';       -- files read: rows and header, for the completeness guard
ALTER TABLE runs ADD COLUMN tripped TEXT NOT NULL DEFAULT '[]';      -- a held run: the limits it tripped

ALTER TABLE users ADD COLUMN protected INTEGER NOT NULL DEFAULT 0;
ALTER TABLE courses ADD COLUMN protected INTEGER NOT NULL DEFAULT 0;
ALTER TABLE buildings ADD COLUMN protected INTEGER NOT NULL DEFAULT 0;
