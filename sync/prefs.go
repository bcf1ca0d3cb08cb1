package sync

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"rosterdesk"
)

var weekdayOf = map[string]time.Weekday{"mon": time.Monday, "tue": time.Tuesday, "wed": time.Wednesday,
	"thu": time.Thursday, "fri": time.Friday, "sat": time.Saturday, "sun": time.Sunday}

// ParseDays reads a list of weekday names (mon…sun, or full names, any case,
// separated by commas or spaces) into the stored order, without repeats.
func ParseDays(v string) ([]string, error) {
	days, err := rosterdesk.ParseWeekdays(v)
	if err != nil {
		return nil, err
	}
	return days.Names(), nil
}

// ParseSyncTime reads "HH:MM" (24-hour, UTC).
func ParseSyncTime(v string) (hour, minute int, err error) {
	t, err := rosterdesk.ParseTimeOfDay(v)
	return t.Hour, t.Minute, err
}

// NextRuns lists the next n times the schedule runs after from: days are
// UTC weekdays, hhmm a UTC time of day. None when days or time are missing.
func NextRuns(days []string, hhmm string, from time.Time, n int) []time.Time {
	h, m, err := ParseSyncTime(hhmm)
	if err != nil || len(days) == 0 {
		return nil
	}
	want := map[time.Weekday]bool{}
	for _, d := range days {
		if wd, ok := weekdayOf[d]; ok {
			want[wd] = true
		}
	}
	from = from.UTC()
	var out []time.Time
	day := time.Date(from.Year(), from.Month(), from.Day(), h, m, 0, 0, time.UTC)
	for i := 0; len(out) < n && i < 8*n+8; i++ {
		t := day.AddDate(0, 0, i)
		if want[t.Weekday()] && t.After(from) {
			out = append(out, t)
		}
	}
	return out
}

// SchedulePreview says when a schedule runs in UTC and in loc, e.g.
// "Mon, Wed, Fri at 06:00 UTC = Sun, Tue, Thu at 22:00 local time (PST, UTC-08:00)".
// Days move when the local time falls on another date; the offset is the one
// in force at the next run after now.
func SchedulePreview(days []string, hhmm string, loc *time.Location, now time.Time) string {
	h, m, err := ParseSyncTime(hhmm)
	if err != nil || len(days) == 0 {
		return ""
	}
	// Each UTC day beside the local day it falls on, in the order of the UTC week.
	idx := map[string]int{"Mon": 0, "Tue": 1, "Wed": 2, "Thu": 3, "Fri": 4, "Sat": 5, "Sun": 6}
	runs := NextRuns(days, hhmm, now, len(days))
	sort.Slice(runs, func(i, j int) bool { return idx[runs[i].Format("Mon")] < idx[runs[j].Format("Mon")] })
	utcDays := make([]string, 0, len(runs))
	localDays := make([]string, 0, len(runs))
	var local time.Time
	for _, next := range runs {
		l := next.In(loc)
		if local.IsZero() {
			local = l
		}
		utcDays = append(utcDays, next.Format("Mon"))
		localDays = append(localDays, l.Format("Mon"))
	}
	name, off := local.Zone()
	sign := "+"
	if off < 0 {
		sign, off = "-", -off
	}
	zone := fmt.Sprintf("UTC%s%02d:%02d", sign, off/3600, off%3600/60)
	if name != "" && !strings.HasPrefix(name, "+") && !strings.HasPrefix(name, "-") && name != "UTC" {
		zone = name + ", " + zone
	}
	return fmt.Sprintf("%s at %02d:%02d UTC = %s at %s local time (%s)",
		strings.Join(utcDays, ", "), h, m, strings.Join(localDays, ", "), local.Format("15:04"), zone)
}

// GradePair is one line of the grade level matrix: an incoming grade code and
// the district's label for it.
type GradePair struct{ Code, Label string }

// GradesMapJSON turns the lines of the grade level matrix into the value of
// setting grades.map. Blank lines are skipped; a code given twice, or a line
// with only one side, is an error naming it.
func GradesMapJSON(pairs []GradePair) (string, error) {
	m, err := GradesMap(pairs)
	if err != nil {
		return "", err
	}
	b, err := json.Marshal(m) // keys sorted
	return string(b), err
}

// GradesMap turns the lines of the grade level matrix into the grade map of
// the settings, as GradesMapJSON does.
func GradesMap(pairs []GradePair) (map[string]string, error) {
	m := map[string]string{}
	for _, p := range pairs {
		code, label := strings.TrimSpace(p.Code), strings.TrimSpace(p.Label)
		switch {
		case code == "" && label == "":
			continue
		case code == "":
			return nil, fmt.Errorf("the label %q has no grade code", label)
		case label == "":
			return nil, fmt.Errorf("grade %q has no label", code)
		}
		if _, dup := m[code]; dup {
			return nil, fmt.Errorf("grade %q appears twice", code)
		}
		m[code] = label
	}
	return m, nil
}

func parseGradesMap(v string) (map[string]string, error) {
	m := map[string]string{}
	if strings.TrimSpace(v) == "" {
		return m, nil
	}
	if err := json.Unmarshal([]byte(v), &m); err != nil {
		return nil, fmt.Errorf("not a JSON object of grade code to label: %v", err)
	}
	for k, l := range m {
		if strings.TrimSpace(k) == "" || strings.TrimSpace(l) == "" || strings.ContainsAny(k+l, ",") {
			return nil, fmt.Errorf("grade %q → %q: codes and labels must be non-empty and hold no comma", k, l)
		}
	}
	return m, nil
}

// GradePairs reads setting grades.map back into matrix lines, sorted by code.
func GradePairs(v string) ([]GradePair, error) {
	m, err := parseGradesMap(v)
	if err != nil {
		return nil, err
	}
	return PairsOf(m), nil
}

// PairsOf is a grade map as matrix lines, sorted by code.
func PairsOf(m map[string]string) []GradePair {
	out := make([]GradePair, 0, len(m))
	for k, l := range m {
		out = append(out, GradePair{k, l})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Code < out[j].Code })
	return out
}
