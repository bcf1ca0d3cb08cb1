package main

import (
	"encoding/json"
	"flag"
	"fmt"
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

func (c *cli) printJSON(v any) {
	enc := json.NewEncoder(c.out)
	enc.SetIndent("", "  ")
	enc.Encode(v)
}
