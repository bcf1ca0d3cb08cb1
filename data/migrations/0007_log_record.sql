-- The record a log entry is about, for the error report: its display name
-- (a person's name and role, a class's title...) and the row as the SIS sent
-- it. Filled only for errors and warnings about one row.
ALTER TABLE run_log ADD COLUMN name TEXT NOT NULL DEFAULT '';
ALTER TABLE run_log ADD COLUMN raw TEXT NOT NULL DEFAULT '';
-- The value of the entry's field in that row, as written.
ALTER TABLE run_log ADD COLUMN value TEXT NOT NULL DEFAULT '';
-- How many rows one entry stands for: a correction repeated on many rows is
-- logged once with its count (0 means one).
ALTER TABLE run_log ADD COLUMN rows INTEGER NOT NULL DEFAULT 0;
