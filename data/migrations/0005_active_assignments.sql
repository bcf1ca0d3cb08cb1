-- Guards count the active assignments of a million-row roster before every run that
-- removes some; a partial index answers that without reading the table.
CREATE INDEX assignments_active ON assignments(id) WHERE active = 1;
