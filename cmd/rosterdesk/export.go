package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"rosterdesk/sync/report"
)

// export writes the roster as it is now for other tools: a workbook, CSV
// files, or a OneRoster CSV bundle that RosterDesk's own validator accepts.
func (c *cli) export(args []string) int {
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	xlsx := fs.String("xlsx", "", "write the roster as a workbook (buildings, users, courses, classes, assignments) to this file")
	csvDir := fs.String("csv", "", "write the roster as CSV files into this folder")
	orDir := fs.String("oneroster", "", "write the active roster as a OneRoster CSV bundle (with manifest.csv) into this empty folder")
	version := fs.String("version", "1.1", "OneRoster version of --oneroster: 1.1 or 1.2")
	asJSON := fs.Bool("json", false, "print what was written as JSON")
	pos, ok := c.parse(fs, args, 1)
	if !ok {
		return exitUnusable
	}
	if pos[0] != "roster" {
		fmt.Fprintf(c.errw, "rosterdesk export: %q: only the roster is exported (rosterdesk export roster ...); a run's report is rosterdesk log RUN_ID --xlsx FILE\n", pos[0])
		return exitUnusable
	}
	n := 0
	for _, v := range []string{*xlsx, *csvDir, *orDir} {
		if v != "" {
			n++
		}
	}
	if n != 1 {
		fmt.Fprintf(c.errw, "rosterdesk export roster: give one of --xlsx FILE, --csv DIR or --oneroster DIR\n\n%s", usage)
		return exitUnusable
	}
	switch {
	case *xlsx != "":
		if err := writeExport(*xlsx, func(w io.Writer) error { return report.WriteRosterXLSX(c.ctx, c.eng, w) }); err != nil {
			return c.fail(err)
		}
		c.say(*asJSON, map[string]any{"xlsx": *xlsx}, "roster written to %s\n", *xlsx)
	case *csvDir != "":
		if err := report.WriteRosterCSV(c.ctx, c.eng, *csvDir); err != nil {
			return c.fail(err)
		}
		c.say(*asJSON, map[string]any{"csv": *csvDir, "files": report.RosterFiles}, "roster written to %s: %s\n", *csvDir, strings.Join(report.RosterFiles, ", "))
	default:
		x, err := c.eng.ExportOneRoster(c.ctx, *orDir, *version)
		if err != nil {
			return c.fail(err)
		}
		if *asJSON {
			c.printJSON(x)
		} else {
			var files []string
			for f, n := range x.Files {
				files = append(files, fmt.Sprintf("%s %d", f, n))
			}
			sort.Strings(files)
			fmt.Fprintf(c.out, "OneRoster %s bundle written to %s: manifest.csv, %s\n", x.Version, x.Dir, strings.Join(files, ", "))
			var left []string
			for why, n := range x.Left {
				left = append(left, fmt.Sprintf("%d %s", n, why))
			}
			sort.Strings(left)
			if len(left) > 0 {
				fmt.Fprintf(c.out, "left out (a bulk bundle lists what is active and can be imported): %s\n", strings.Join(left, ", "))
			}
			if x.Translated > 0 {
				fmt.Fprintf(c.out, "%d roles written as their OneRoster %s equivalent\n", x.Translated, x.Version)
			}
			if v := x.Validation; v != nil {
				fmt.Fprintf(c.out, "validated: %d errors, %d warnings\n", v.Errors, v.Warnings)
			}
		}
		if v := x.Validation; v == nil || !v.Usable || v.Errors > 0 {
			return exitRejected
		}
	}
	return exitOK
}

func (c *cli) say(asJSON bool, v any, format string, a ...any) {
	if asJSON {
		c.printJSON(v)
		return
	}
	fmt.Fprintf(c.out, format, a...)
}

// writeExport writes a report to path through a buffer; a report that fails
// half-way is removed rather than left truncated.
func writeExport(path string, write func(io.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(f, 256<<10)
	err = write(bw)
	if err == nil {
		err = bw.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}
