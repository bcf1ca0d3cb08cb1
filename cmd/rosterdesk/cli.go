package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"

	"github.com/mattn/go-sqlite3"

	rsync "rosterdesk/sync"
)

// parse reads flags placed anywhere among the positional arguments.
func (c *cli) parse(fs *flag.FlagSet, args []string, npos int) ([]string, bool) {
	fs.SetOutput(c.errw)
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, false
		}
		if fs.NArg() == 0 {
			break
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
	if npos >= 0 && len(pos) != npos {
		fmt.Fprintf(c.errw, "rosterdesk %s: expected %d argument(s), got %d\n\n%s", fs.Name(), npos, len(pos), usage)
		return nil, false
	}
	return pos, true
}

func (c *cli) fail(err error) int {
	fmt.Fprintln(c.errw, "rosterdesk:", err)
	return exitFor(err)
}

// exitFor is a failure's exit code: 3 when the run lock (or, from an older
// RosterDesk that does not take it, SQLite's own lock) refused the write.
func exitFor(err error) int {
	var se sqlite3.Error
	if rsync.IsRefused(err) || (errors.As(err, &se) && (se.Code == sqlite3.ErrBusy || se.Code == sqlite3.ErrLocked)) {
		return exitRefused
	}
	return exitUnusable
}

func (c *cli) printJSON(v any) {
	enc := json.NewEncoder(c.out)
	enc.SetIndent("", "  ")
	enc.Encode(v)
}
