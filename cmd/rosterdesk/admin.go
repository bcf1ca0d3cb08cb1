package main

import (
	"flag"
	"fmt"

	"rosterdesk"
)

func (c *cli) admin(args []string) int {
	fs := flag.NewFlagSet("admin", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "print as JSON")
	pos, ok := c.parse(fs, args, -1)
	if !ok {
		return exitUnusable
	}
	switch {
	case len(pos) == 3 && pos[0] == "add":
		a, err := c.eng.AddAdmin(c.ctx, pos[1], pos[2])
		if err != nil {
			fmt.Fprintln(c.errw, "rosterdesk admin add:", err)
			return exitFor(err)
		}
		if *asJSON {
			c.printJSON(a)
		} else {
			fmt.Fprintf(c.out, "admin %s <%s> saved\n", a.Name, a.Email)
		}
		return exitOK
	case len(pos) == 1 && pos[0] == "list":
		as, err := c.eng.Admins(c.ctx)
		if err != nil {
			return c.fail(err)
		}
		if *asJSON {
			if as == nil {
				as = []rosterdesk.Admin{}
			}
			c.printJSON(as)
			return exitOK
		}
		for _, a := range as {
			fmt.Fprintf(c.out, "%s <%s>\n", a.Name, a.Email)
		}
		return exitOK
	}
	fmt.Fprint(c.errw, "usage: rosterdesk admin add EMAIL \"Full Name\" | rosterdesk admin list\n")
	return exitUnusable
}
