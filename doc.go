// Package rosterdesk holds the domain: what a roster is made of and what a
// sync run records (entities, runs and their counts, logs, audits, admins,
// buildings, the browse and review queries). It imports nothing of the
// project; data/ stores these types, sync/ (the engine) makes and reads them,
// and ui/ and cmd/ show them.
package rosterdesk
