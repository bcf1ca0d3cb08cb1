-- Scheduled automation.

-- Who is running a sync on this roster right now (the desktop app or `serve`, in any process).
CREATE TABLE run_lock (
	id     INTEGER PRIMARY KEY CHECK (id = 1),
	holder TEXT NOT NULL,
	pid    INTEGER NOT NULL,
	host   TEXT NOT NULL,
	since  TEXT NOT NULL
);

-- Bundles taken from the watched folder, so none is processed twice.
CREATE TABLE processed_bundles (
	signature TEXT PRIMARY KEY,
	path      TEXT NOT NULL,
	run_id    INTEGER REFERENCES runs(id),
	at        TEXT NOT NULL
);

-- The scheduled time an automated run (or a skipped or missed one) belongs to.
ALTER TABLE runs ADD COLUMN scheduled_for TEXT NOT NULL DEFAULT '';
