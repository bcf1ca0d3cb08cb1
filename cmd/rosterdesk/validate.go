package main

import (
	"flag"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"

	"rosterdesk"
)

func (c *cli) validate(args []string) int {
	fs := flag.NewFlagSet("validate", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "print the report as JSON")
	pos, ok := c.parse(fs, args, 1)
	if !ok {
		return exitUnusable
	}
	rep, err := c.eng.Validate(c.ctx, pos[0])
	if rep == nil {
		return c.fail(err)
	}
	if *asJSON {
		c.printJSON(rep)
	} else {
		if rep.Source != nil {
			mode := "bulk/delta per manifest.csv"
			if !rep.Source.HasManifest {
				mode = "no manifest.csv (all bulk)"
			}
			fmt.Fprintf(c.out, "%s: OneRoster %s %s, %s\n", rep.Source.Path, rep.Source.Version, rep.Source.Kind, mode)
			files := make([]string, 0, len(rep.Rows))
			for f := range rep.Rows {
				files = append(files, f)
			}
			sort.Strings(files)
			for _, f := range files {
				fmt.Fprintf(c.out, "  %-22s %8d rows\n", f, rep.Rows[f])
			}
		}
		if rep.Message != "" {
			fmt.Fprintf(c.out, "%s\n", strings.ToUpper(rep.Message[:1])+rep.Message[1:])
		}
		c.printLogByFile(rep.Log, 200)
		fmt.Fprintf(c.out, "%d error(s), %d warning(s)\n", rep.Errors, rep.Warnings)
	}
	switch {
	case !rep.Usable:
		if !*asJSON {
			fmt.Fprintln(c.errw, "rosterdesk: unusable source:", rep.Message)
		}
		return exitUnusable
	case rep.Errors > 0:
		return exitRejected
	}
	return exitOK
}

// printLogByFile prints a validation log under a heading per file.
func (c *cli) printLogByFile(entries []rosterdesk.LogEntry, max int) {
	tw := tabwriter.NewWriter(c.out, 0, 2, 2, ' ', 0)
	n, file := 0, "\x00"
	for _, e := range entries {
		if e.Severity == "info" {
			continue
		}
		if n == max {
			fmt.Fprintf(tw, "… more with --json\n")
			break
		}
		n++
		if e.File != file {
			file = e.File
			name := file
			if name == "" {
				name = "the bundle"
			}
			fmt.Fprintf(tw, "%s:\n", name)
		}
		loc := ""
		if e.Line > 0 {
			loc = "line " + strconv.Itoa(e.Line)
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\n", e.Severity, loc, e.SourcedID, e.Field, e.Message)
	}
	tw.Flush()
}
