package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"text/tabwriter"

	"rosterdesk"
	"rosterdesk/data"
	rsync "rosterdesk/sync"
	"rosterdesk/sync/report"
)

func (c *cli) history(args []string) int {
	fs := flag.NewFlagSet("history", flag.ContinueOnError)
	limit := fs.Int("limit", 20, "how many runs, newest first (0 = all)")
	asJSON := fs.Bool("json", false, "print as JSON")
	if _, ok := c.parse(fs, args, 0); !ok {
		return exitUnusable
	}
	runs, err := c.eng.History(c.ctx, *limit, 0)
	if err != nil {
		return c.fail(err)
	}
	if *asJSON {
		c.printJSON(runs)
		return exitOK
	}
	tw := tabwriter.NewWriter(c.out, 0, 2, 2, ' ', 0)
	fmt.Fprintln(tw, "RUN\tSTARTED (UTC)\tSCOPE\tTRIGGER\tSTATUS\tERR/WARN\tCOUNTS\tBUILDINGS +/~/-\tUSERS +/-/err\tCOURSES +/-/err\tASSIGNMENTS +/-/err\tMESSAGE")
	for _, r := range runs {
		k := r.Counts
		// A run that applied nothing says so; its numbers are what it planned.
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%d/%d\t%s\t%d/%d/%d\t%d/%d/%d\t%d/%d/%d\t%d/%d/%d\t%s\n", r.ID, rosterdesk.Stamp(r.StartedAt), r.Scope, r.Trigger, r.Status, r.Errors, r.Warnings, r.CountsAre,
			k.Buildings.Added, k.Buildings.Updated, k.Buildings.Deactivated,
			k.Users.Added, k.Users.Deactivated, k.Users.Errors, k.Courses.Added, k.Courses.Removed, k.Courses.Errors,
			k.Assignments.Added, k.Assignments.Removed, k.Assignments.Errors, r.Message)
	}
	tw.Flush()
	return exitOK
}

func (c *cli) log(args []string) int {
	fs := flag.NewFlagSet("log", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "print every entry as JSON")
	csvFile := fs.String("csv", "", "write the log to this CSV file")
	xlsxFile := fs.String("xlsx", "", "write an Excel report (Summary, Errors, Warnings, Changes, Info) to this file")
	pos, ok := c.parse(fs, args, 1)
	if !ok {
		return exitUnusable
	}
	id, err := strconv.ParseInt(pos[0], 10, 64)
	if err != nil {
		fmt.Fprintf(c.errw, "rosterdesk log: %q is not a run id\n", pos[0])
		return exitUnusable
	}
	if *csvFile != "" || *xlsxFile != "" {
		if _, err := c.eng.Run(c.ctx, id); errors.Is(err, data.ErrNotFound) {
			fmt.Fprintf(c.errw, "rosterdesk log: no run %d\n", id)
			return exitUnusable
		} else if err != nil {
			return c.fail(err)
		}
		for _, x := range []struct {
			path  string
			write func(context.Context, *rsync.Engine, int64, io.Writer) error
		}{{*csvFile, report.WriteCSV}, {*xlsxFile, report.WriteXLSX}} {
			if x.path == "" {
				continue
			}
			if err := writeExport(x.path, func(w io.Writer) error { return x.write(c.ctx, c.eng, id, w) }); err != nil {
				return c.fail(err)
			}
		}
		return exitOK
	}
	var entries []rosterdesk.LogEntry
	_, err = c.eng.RunLog(c.ctx, id, func(e rosterdesk.LogEntry) error {
		entries = append(entries, e)
		return nil
	})
	if errors.Is(err, data.ErrNotFound) {
		fmt.Fprintf(c.errw, "rosterdesk log: no run %d\n", id)
		return exitUnusable
	}
	if err != nil {
		return c.fail(err)
	}
	if *asJSON {
		if entries == nil {
			entries = []rosterdesk.LogEntry{}
		}
		c.printJSON(entries)
		return exitOK
	}
	tw := tabwriter.NewWriter(c.out, 0, 2, 2, ' ', 0)
	fmt.Fprintln(tw, "SEVERITY\tFILE\tLINE\tCOL\tSOURCEDID\tFIELD\tRULE\tMESSAGE")
	for _, e := range entries {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%s\t%s\t%s\t%s\n", e.Severity, e.File, e.Line, e.Column, e.SourcedID, e.Field, e.Rule, e.Message)
	}
	tw.Flush()
	return exitOK
}
