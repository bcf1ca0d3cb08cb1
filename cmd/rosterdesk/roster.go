package main

import (
	"errors"
	"flag"
	"fmt"
	"strings"

	"rosterdesk/data"
)

func (c *cli) roster(args []string) int {
	fs := flag.NewFlagSet("roster", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "print as JSON")
	if _, ok := c.parse(fs, args, 0); !ok {
		return exitUnusable
	}
	rc, err := c.eng.Roster(c.ctx)
	if err != nil {
		return c.fail(err)
	}
	if *asJSON {
		c.printJSON(rc)
		return exitOK
	}
	fmt.Fprintf(c.out, "buildings    %d active, %d inactive\n", rc.Buildings.Active, rc.Buildings.Inactive)
	fmt.Fprintf(c.out, "users        %d active, %d inactive %s\n", rc.Users.Active, rc.Users.Inactive, byRole(rc.Users.ByRole))
	fmt.Fprintf(c.out, "courses      %d active, %d removed\n", rc.Courses.Active, rc.Courses.Removed)
	fmt.Fprintf(c.out, "classes      %d active, %d removed\n", rc.Classes.Active, rc.Classes.Removed)
	fmt.Fprintf(c.out, "assignments  %d active, %d removed %s\n", rc.Assignments.Active, rc.Assignments.Removed, byRole(rc.Assignments.ByRole))
	return exitOK
}

func byRole(m map[string]int) string {
	if len(m) == 0 {
		return ""
	}
	var parts []string
	for _, k := range sortedKeys(m) {
		parts = append(parts, fmt.Sprintf("%s %d", k, m[k]))
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

func (c *cli) show(args []string) int {
	fs := flag.NewFlagSet("show", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "print as JSON")
	pos, ok := c.parse(fs, args, 2)
	if !ok {
		return exitUnusable
	}
	rec, hist, err := c.eng.Show(c.ctx, pos[0], pos[1])
	if errors.Is(err, data.ErrNotFound) {
		fmt.Fprintf(c.errw, "rosterdesk show: no %s %s\n", pos[0], pos[1])
		return exitUnusable
	}
	if err != nil {
		return c.fail(err)
	}
	if *asJSON {
		c.printJSON(map[string]any{"record": rec, "history": hist})
		return exitOK
	}
	state := "active"
	if !rec.Active {
		state = "inactive since " + rec.OffAt
	}
	fmt.Fprintf(c.out, "%s %s (%s)\n", rec.Entity, rec.SourcedID, state)
	for _, k := range sortedKeys(rec.Fields) {
		fmt.Fprintf(c.out, "  %-24s %s\n", k, rec.Fields[k])
	}
	fmt.Fprintln(c.out, "history:")
	for _, a := range hist {
		ch := ""
		if a.Field != "" {
			ch = fmt.Sprintf(" %s: %s → %s", a.Field, deref(a.Old), deref(a.New))
		}
		fmt.Fprintf(c.out, "  %s run %d %s%s (%s) by %s\n", a.At, a.RunID, a.Action, ch, a.Reason, a.Admin)
	}
	return exitOK
}

func deref(s *string) string {
	if s == nil {
		return "∅"
	}
	return *s
}

func (c *cli) protect(args []string) int {
	fs := flag.NewFlagSet("protect", flag.ContinueOnError)
	off := fs.Bool("off", false, "remove the protection")
	pos, ok := c.parse(fs, args, 2)
	if !ok {
		return exitUnusable
	}
	err := c.eng.Protect(c.ctx, pos[0], pos[1], !*off)
	if errors.Is(err, data.ErrNotFound) {
		fmt.Fprintf(c.errw, "rosterdesk protect: no %s %s\n", pos[0], pos[1])
		return exitUnusable
	}
	if err != nil {
		fmt.Fprintln(c.errw, "rosterdesk protect:", err)
		return exitFor(err)
	}
	state := "protected: a sync will never deactivate it"
	if *off {
		state = "no longer protected"
	}
	fmt.Fprintf(c.out, "%s %s is %s\n", pos[0], pos[1], state)
	return exitOK
}
