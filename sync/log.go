package sync

import (
	"fmt"
	"sort"

	"rosterdesk"
)

// Severities. An error means the record was skipped; a warning means it was
// kept with something dropped or corrected; info explains a decision.
const (
	SevError   = "error"
	SevWarning = "warning"
	SevInfo    = "info"
)

// runLog collects a run's log. Repeated corrections of the same kind in one
// file and field (TRUE for true, say) become one warning with a count, so a
// district-wide quirk does not bury the real problems.
type runLog struct {
	entries  []rosterdesk.LogEntry
	errors   int
	warnings int
	agg      map[aggKey]int // index into entries
	aggN     map[aggKey]int
	// max bounds the entries kept one by one (Limits.MaxLogRows); past it each
	// (severity, file, rule) is only counted, and finish adds one summary of it.
	max  int
	over map[overKey]int
	// cur is the row being read: an error or warning about it carries its
	// display name and the row as written (only those rows: memory).
	cur *table
}

type aggKey struct{ file, field, rule, group string }

type overKey struct{ sev, phase, file, rule string }

func newRunLog() *runLog {
	return &runLog{agg: map[aggKey]int{}, aggN: map[aggKey]int{}, max: DefaultLimits.MaxLogRows, over: map[overKey]int{}}
}

func (l *runLog) add(e rosterdesk.LogEntry) {
	switch e.Severity {
	case SevError:
		l.errors++
	case SevWarning:
		l.warnings++
	}
	if t := l.cur; t != nil && e.Severity != SevInfo && e.Line > 0 && t.rec != nil && e.File == t.File && e.Line == t.Line {
		e.Name, e.Raw = t.displayName(), t.raw()
		if e.Field != "" && e.Field != "password" && t.has(e.Field) {
			e.Value = t.get(e.Field)
		}
	}
	if l.max > 0 && len(l.entries) >= l.max {
		l.over[overKey{e.Severity, e.Phase, e.File, e.Rule}]++
		return
	}
	l.entries = append(l.entries, e)
}

// The log's entries are written as one rosterdesk.LogEntry saying where
// (phase, file, line, column, sourcedId, field) and under which rule; the
// methods below add the severity and the message. A table's at, reject, warn
// and note fill in the row being read.

// errorf logs e as an error: the record is rejected.
func (l *runLog) errorf(e rosterdesk.LogEntry, format string, a ...any) {
	l.log(SevError, e, format, a...)
}

// warnf logs e as a warning: something kept with a correction.
func (l *runLog) warnf(e rosterdesk.LogEntry, format string, a ...any) {
	l.log(SevWarning, e, format, a...)
}

// infof logs e as a note explaining a decision.
func (l *runLog) infof(e rosterdesk.LogEntry, format string, a ...any) {
	l.log(SevInfo, e, format, a...)
}

func (l *runLog) log(sev string, e rosterdesk.LogEntry, format string, a ...any) {
	e.Severity, e.Message = sev, fmt.Sprintf(format, a...)
	l.add(e)
}

// warnOnce records a correction that may repeat on many rows: the first
// occurrence is logged with its line and sourcedId, later ones only counted.
func (l *runLog) warnOnce(e rosterdesk.LogEntry, msg string) {
	l.warnGroup("", e, msg)
}

// warnGroup is warnOnce per group (a school, say): each group's first row is
// logged, later ones only counted.
func (l *runLog) warnGroup(group string, e rosterdesk.LogEntry, msg string) {
	k := aggKey{e.File, e.Field, e.Rule, group}
	l.aggN[k]++
	if _, ok := l.agg[k]; ok {
		return
	}
	l.agg[k] = len(l.entries)
	l.warnf(e, "%s", msg)
}

// finish folds the repeat counts into the aggregated warnings, and adds one
// summary per rule of the entries past the log's limit.
func (l *runLog) finish() {
	for k, i := range l.agg {
		if i >= len(l.entries) {
			continue // past the limit: counted in its summary
		}
		if n := l.aggN[k]; n > 1 {
			l.entries[i].Message += fmt.Sprintf(" (%d rows like this; first shown)", n)
			l.entries[i].Rows = n
		}
	}
	l.agg = map[aggKey]int{}
	l.aggN = map[aggKey]int{}
	l.summarizeOver()
}

// summarizeOver adds one entry per rule whose entries were past the log's limit.
func (l *runLog) summarizeOver() {
	keys := make([]overKey, 0, len(l.over))
	for k := range l.over {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		a, b := keys[i], keys[j]
		return a.sev+a.file+a.rule < b.sev+b.file+b.rule
	})
	for _, k := range keys {
		n := l.over[k]
		what := map[string]string{SevError: "errors", SevWarning: "warnings", SevInfo: "notes"}[k.sev]
		l.entries = append(l.entries, rosterdesk.LogEntry{Severity: k.sev, Phase: k.phase, File: k.file, Rule: k.rule, Rows: n,
			Message: fmt.Sprintf("%d more %s of this kind (%s) are not listed one by one: a run's log keeps at most %d entries; they are counted in the run's totals",
				n, what, k.rule, l.max)})
	}
	l.over = map[overKey]int{}
}
