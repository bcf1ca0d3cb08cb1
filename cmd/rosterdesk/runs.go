package main

import (
	"errors"
	"flag"
	"fmt"
	"strconv"
	"text/tabwriter"

	"rosterdesk"
	"rosterdesk/data"
	rsync "rosterdesk/sync"
)

// runCommand runs approve, discard or rollback on one run id.
func (c *cli) runCommand(name string, args []string, do func(int64) (*rsync.Result, error)) int {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "print the result as JSON")
	pos, ok := c.parse(fs, args, 1)
	if !ok {
		return exitUnusable
	}
	id, err := strconv.ParseInt(pos[0], 10, 64)
	if err != nil {
		fmt.Fprintf(c.errw, "rosterdesk %s: %q is not a run id\n", name, pos[0])
		return exitUnusable
	}
	res, err := do(id)
	code, reported := runExit(res, err)
	if !reported {
		fmt.Fprintf(c.errw, "rosterdesk %s: %v\n", name, err)
		return code
	}
	if res == nil {
		res = &rsync.Result{Run: rosterdesk.Run{Status: rosterdesk.StatusRefused, Message: err.Error()}}
	}
	if *asJSON {
		c.printJSON(res)
	} else {
		c.printResult(res)
	}
	if err != nil && (*asJSON || res.ID > 0) {
		fmt.Fprintf(c.errw, "rosterdesk %s: %v\n", name, err)
	}
	return code
}

// review lists the records a held run would change, with names, before an approval.
func (c *cli) review(args []string) int {
	fs := flag.NewFlagSet("review", flag.ContinueOnError)
	search := fs.String("search", "", "only records whose name, school, class or sourcedId holds this")
	kind := fs.String("kind", "", "only this kind of record: user, class, course, assignment, building")
	limit := fs.Int("limit", 50, "how many records (0 = all)")
	asJSON := fs.Bool("json", false, "print as JSON")
	pos, ok := c.parse(fs, args, 1)
	if !ok {
		return exitUnusable
	}
	id, err := strconv.ParseInt(pos[0], 10, 64)
	if err != nil {
		fmt.Fprintf(c.errw, "rosterdesk review: %q is not a run id\n", pos[0])
		return exitUnusable
	}
	run, err := c.eng.Run(c.ctx, id)
	if errors.Is(err, data.ErrNotFound) {
		fmt.Fprintf(c.errw, "rosterdesk review: no run %d\n", id)
		return exitUnusable
	} else if err != nil {
		return c.fail(err)
	}
	page, err := c.eng.RunRecords(c.ctx, id, rosterdesk.PlannedQuery{Search: *search, Entity: rosterdesk.Entity(*kind), Limit: *limit})
	if err != nil {
		return c.fail(err)
	}
	if *asJSON {
		c.printJSON(map[string]any{"run_id": id, "status": run.Status, "total": page.Total, "records": page.Records})
		return exitOK
	}
	if page.Total == 0 && *search == "" && *kind == "" {
		fmt.Fprintf(c.out, "run %d (%s) lists no records: only a held run or a dry run does (an applied run's changes: rosterdesk log %d --xlsx FILE)\n", id, run.Status, id)
		return exitOK
	}
	tw := tabwriter.NewWriter(c.out, 0, 2, 2, ' ', 0)
	fmt.Fprintln(tw, "CHANGE\tRECORD\tNAME\tDETAILS\tSOURCEDID\tREASON")
	for _, r := range page.Records {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", r.Action, r.Entity, r.Name, r.Detail, r.SourcedID, r.Reason)
	}
	tw.Flush()
	fmt.Fprintf(c.out, "%d of %d records shown\n", len(page.Records), page.Total)
	return exitOK
}

func (c *cli) approve(args []string) int {
	return c.runCommand("approve", args, func(id int64) (*rsync.Result, error) { return c.eng.Approve(c.ctx, id) })
}

func (c *cli) discard(args []string) int {
	return c.runCommand("discard", args, func(id int64) (*rsync.Result, error) { return c.eng.Discard(c.ctx, id) })
}

func (c *cli) rollback(args []string) int {
	return c.runCommand("rollback", args, func(id int64) (*rsync.Result, error) { return c.eng.Rollback(c.ctx, id) })
}
