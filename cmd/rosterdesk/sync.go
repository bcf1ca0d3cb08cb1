package main

import (
	"flag"
	"fmt"
	"strconv"
	"text/tabwriter"

	"rosterdesk"
	rsync "rosterdesk/sync"
)

func (c *cli) printLog(entries []rosterdesk.LogEntry, max int) {
	tw := tabwriter.NewWriter(c.out, 0, 2, 2, ' ', 0)
	n := 0
	for _, e := range entries {
		if e.Severity == "info" {
			continue
		}
		if n == max {
			fmt.Fprintf(tw, "… more in the full log (rosterdesk log RUN_ID)\n")
			break
		}
		n++
		loc := e.File
		if e.Line > 0 {
			loc += ":" + strconv.Itoa(e.Line)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", e.Severity, loc, e.SourcedID, e.Field, e.Message)
	}
	tw.Flush()
}

func (c *cli) sync(args []string) int {
	fs := flag.NewFlagSet("sync", flag.ContinueOnError)
	scope := fs.String("scope", "", "buildings, users or users+courses (default: the sync.process setting)")
	dry := fs.Bool("dry-run", false, "plan only: record the run and its log, change nothing")
	asJSON := fs.Bool("json", false, "print the result as JSON")
	trigger := fs.String("trigger", string(rosterdesk.TriggerManual), "manual, upload or automated (recorded in the history)")
	connected := fs.Bool("connected", false, "sync what Sync now reads: the connected bundle (its newest export), the watched folder or the provider")
	pos, ok := c.parse(fs, args, -1)
	if !ok {
		return exitUnusable
	}
	if len(pos) != 1 && !(*connected && len(pos) == 0) {
		want := 1
		if *connected {
			want = 0
		}
		fmt.Fprintf(c.errw, "rosterdesk sync: expected %d argument(s), got %d\n\n%s", want, len(pos), usage)
		return exitUnusable
	}
	opt := rsync.Options{DryRun: *dry, Trigger: rosterdesk.Trigger(*trigger)}
	if *scope != "" {
		s, ok := rosterdesk.ParseScope(*scope)
		if !ok {
			fmt.Fprintf(c.errw, "rosterdesk sync: --scope %q is not buildings, users or users+courses\n", *scope)
			return exitUnusable
		}
		opt.Scope = s
	}
	switch opt.Trigger {
	case rosterdesk.TriggerManual, rosterdesk.TriggerUpload, rosterdesk.TriggerAutomated:
	default:
		fmt.Fprintf(c.errw, "rosterdesk sync: --trigger %q is not manual, upload or automated\n", *trigger)
		return exitUnusable
	}
	var res *rsync.Result
	var err error
	if *connected {
		src, serr := c.eng.ManualSource(c.ctx)
		if serr != nil {
			return c.fail(serr)
		}
		res, err = c.syncFrom(src, opt)
	} else {
		res, err = c.syncFrom(c.eng.PathSource(c.ctx, pos[0]), opt)
	}
	code, reported := runExit(res, err)
	if !reported && res == nil {
		res = &rsync.Result{Run: rosterdesk.Run{Status: rosterdesk.StatusFailed, Scope: opt.Scope, Trigger: opt.Trigger, Message: err.Error()}}
	}
	if *asJSON {
		c.printJSON(res)
	} else {
		c.printResult(res)
	}
	if err != nil && (*asJSON || res.ID > 0) {
		fmt.Fprintln(c.errw, "rosterdesk:", err)
	}
	return code
}

func (c *cli) printResult(r *rsync.Result) {
	if r.ID > 0 {
		fmt.Fprintf(c.out, "run %d: %s %s (%s)\n", r.ID, r.Scope, r.Status, r.Trigger)
		if r.Message != "" {
			fmt.Fprintf(c.out, "  %s\n", r.Message)
		}
		for _, t := range r.Tripped {
			if t.Key != "" {
				fmt.Fprintf(c.out, "  held: %s (%s)\n", t.Reason, t.Key)
			} else {
				fmt.Fprintf(c.out, "  held: %s\n", t.Reason)
			}
		}
	} else {
		fmt.Fprintf(c.out, "%s: %s\n", r.Status, r.Message)
		return
	}
	k := r.Counts
	switch r.Scope {
	case rosterdesk.ScopeBuildings:
		fmt.Fprintf(c.out, "  buildings    added %d, updated %d, deactivated %d\n", k.Buildings.Added, k.Buildings.Updated, k.Buildings.Deactivated)
	default:
		u := k.Users
		fmt.Fprintf(c.out, "  users        added %d, updated %d, deactivated %d, reactivated %d, ignored %d, skipped %d, errors %d\n",
			u.Added, u.Updated, u.Deactivated, u.Reactivated, u.Ignored, u.Skipped, u.Errors)
		if r.Scope == rosterdesk.ScopeUsersCourses {
			for _, x := range []struct {
				n string
				c rosterdesk.CourseCounts
			}{{"courses", k.Courses}, {"classes", k.Classes}, {"assignments", k.Assignments}} {
				fmt.Fprintf(c.out, "  %-12s added %d, updated %d, removed %d, errors %d\n", x.n, x.c.Added, x.c.Updated, x.c.Removed, x.c.Errors)
			}
		}
	}
	c.printLog(r.Log, 20)
	fmt.Fprintf(c.out, "%d error(s), %d warning(s); full log: rosterdesk log %d\n", r.Errors, r.Warnings, r.ID)
}
