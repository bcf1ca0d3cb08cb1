package main

import (
	"flag"
	"fmt"
)

func (c *cli) settings(args []string) int {
	fs := flag.NewFlagSet("settings", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "print as JSON")
	pos, ok := c.parse(fs, args, -1)
	if !ok {
		return exitUnusable
	}
	switch {
	case len(pos) == 0:
		all, err := c.eng.AllSettings(c.ctx)
		if err != nil {
			return c.fail(err)
		}
		if *asJSON {
			c.printJSON(all)
			return exitOK
		}
		for _, k := range sortedKeys(all) {
			fmt.Fprintf(c.out, "%s = %s\n", k, all[k])
		}
		return exitOK
	case len(pos) == 2 && pos[0] == "get":
		v, err := c.eng.Setting(c.ctx, pos[1])
		if err != nil {
			fmt.Fprintln(c.errw, "rosterdesk settings:", err)
			return exitUnusable
		}
		fmt.Fprintln(c.out, v)
		return exitOK
	case len(pos) == 1 && pos[0] == "changes":
		ch, err := c.eng.SettingChanges(c.ctx, "", 0)
		if err != nil {
			return c.fail(err)
		}
		if *asJSON {
			c.printJSON(ch)
			return exitOK
		}
		for _, x := range ch {
			by := x.Admin
			if by == "" {
				by = "-"
			}
			line := fmt.Sprintf("%s  %s: %q → %q  by %s", x.At, x.Key, x.Old, x.New, by)
			if x.Records > 0 {
				line += fmt.Sprintf("  (%d records)", x.Records)
			}
			fmt.Fprintln(c.out, line)
		}
		return exitOK
	case len(pos) == 3 && pos[0] == "set":
		v, err := c.eng.SetSetting(c.ctx, pos[1], pos[2])
		if err != nil {
			fmt.Fprintln(c.errw, "rosterdesk settings:", err)
			return exitFor(err)
		}
		fmt.Fprintf(c.out, "%s = %s\n", pos[1], v)
		return exitOK
	}
	fmt.Fprint(c.errw, "usage: rosterdesk settings [get KEY | set KEY VALUE | changes]\n")
	return exitUnusable
}
