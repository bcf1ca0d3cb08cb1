-- The roster browser pages users by name.
CREATE INDEX users_name ON users(family_name, given_name);
