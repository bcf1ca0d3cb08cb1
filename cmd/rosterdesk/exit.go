package main

import (
	"errors"

	"github.com/mattn/go-sqlite3"

	rsync "rosterdesk/sync"
)

// Exit codes, the contract scripts rely on.
const (
	exitOK       = 0
	exitRejected = 1 // applied, but some rows were rejected
	exitUnusable = 2 // unusable input or usage; nothing written
	exitRefused  = 3 // refused by a precondition; nothing written
)

// exitFor is a failure's exit code: 3 when the run lock (or, from an older
// RosterDesk that does not take it, SQLite's own lock) refused the write.
func exitFor(err error) int {
	var se sqlite3.Error
	if rsync.IsRefused(err) || (errors.As(err, &se) && (se.Code == sqlite3.ErrBusy || se.Code == sqlite3.ErrLocked)) {
		return exitRefused
	}
	return exitUnusable
}

// runExit is the exit code of a command that runs the engine (sync, approve,
// discard, rollback), and whether its result reports the outcome: a refusal,
// a hold for review or an unusable source is a recorded answer, any other
// error a failure of the command itself.
func runExit(res *rsync.Result, err error) (code int, reported bool) {
	switch {
	case rsync.IsRefused(err), rsync.IsHeld(err):
		return exitRefused, true
	case rsync.IsSourceError(err):
		return exitUnusable, true
	case err != nil:
		return exitFor(err), false
	case res.Errors > 0:
		return exitRejected, true
	}
	return exitOK, true
}
