package sync

import (
	"fmt"

	"rosterdesk/data"
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
	entries  []data.LogEntry
	errors   int
	warnings int
	agg      map[aggKey]int // index into entries
	aggN     map[aggKey]int
	// cur is the row being read: an error or warning about it carries its
	// display name and the row as written (only those rows: memory).
	cur *table
}

type aggKey struct{ file, field, rule, group string }

func newRunLog() *runLog {
	return &runLog{agg: map[aggKey]int{}, aggN: map[aggKey]int{}}
}

func (l *runLog) add(e data.LogEntry) {
	switch e.Severity {
	case SevError:
		l.errors++
	case SevWarning:
		l.warnings++
	}
	if t := l.cur; t != nil && e.Severity != SevInfo && e.Line > 0 && t.rec != nil && e.File == t.File && e.Line == t.Line {
		e.Name, e.Raw = t.displayName(), t.raw()
		if e.Field != "" && t.has(e.Field) {
			e.Value = t.get(e.Field)
		}
	}
	l.entries = append(l.entries, e)
}

// errorf rejects a record.
func (l *runLog) errorf(phase, file string, line, col int, id, field, rule, format string, a ...any) {
	l.add(data.LogEntry{Severity: SevError, Phase: phase, File: file, Line: line, Column: col, SourcedID: id, Field: field, Rule: rule, Message: fmt.Sprintf(format, a...)})
}

// warnf reports something kept with a correction.
func (l *runLog) warnf(phase, file string, line, col int, id, field, rule, format string, a ...any) {
	l.add(data.LogEntry{Severity: SevWarning, Phase: phase, File: file, Line: line, Column: col, SourcedID: id, Field: field, Rule: rule, Message: fmt.Sprintf(format, a...)})
}

// infof explains a decision.
func (l *runLog) infof(phase, file string, line, col int, id, field, rule, format string, a ...any) {
	l.add(data.LogEntry{Severity: SevInfo, Phase: phase, File: file, Line: line, Column: col, SourcedID: id, Field: field, Rule: rule, Message: fmt.Sprintf(format, a...)})
}

// warnOnce records a correction that may repeat on many rows: the first
// occurrence is logged with its line and sourcedId, later ones only counted.
func (l *runLog) warnOnce(file string, line, col int, id, field, rule, msg string) {
	l.warnGroup("", file, line, col, id, field, rule, msg)
}

// warnGroup is warnOnce per group (a school, say): each group's first row is
// logged, later ones only counted.
func (l *runLog) warnGroup(group, file string, line, col int, id, field, rule, msg string) {
	k := aggKey{file, field, rule, group}
	l.aggN[k]++
	if _, ok := l.agg[k]; ok {
		return
	}
	l.agg[k] = len(l.entries)
	l.warnf("validate", file, line, col, id, field, rule, "%s", msg)
}

// finish folds the repeat counts into the aggregated warnings.
func (l *runLog) finish() {
	for k, i := range l.agg {
		if n := l.aggN[k]; n > 1 {
			l.entries[i].Message += fmt.Sprintf(" (%d rows like this; first shown)", n)
			l.entries[i].Rows = n
		}
	}
	l.agg = map[aggKey]int{}
	l.aggN = map[aggKey]int{}
}
