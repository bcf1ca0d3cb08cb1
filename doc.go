// Package rosterdesk holds the domain: what a roster is made of and what a
// sync run records (entities and records, runs with their status, counts and
// trips, logs, audits, admins, buildings, the browse and review pages, the
// settings). It imports nothing of the project; data/ stores these types,
// sync/ (the engine) makes and reads them, and ui/ and cmd/ show them.
package rosterdesk
