-- Each roster knows who it is, so a held run's kept copy can be checked to
-- belong to it; the copy's content hash is recorded when it is kept.
CREATE TABLE roster_identity (id INTEGER PRIMARY KEY CHECK (id = 1), uuid TEXT NOT NULL);
INSERT INTO roster_identity (id, uuid) VALUES (1, lower(hex(randomblob(16))));
ALTER TABLE runs ADD COLUMN held_sha256 TEXT NOT NULL DEFAULT '';
