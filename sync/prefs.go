package sync

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Setting keys of the automated sync schedule and the OneRoster connection,
// edited on the Preferences and OneRoster screens.
const (
	KeySyncEnabled = "sync.enabled"       // automated syncs run on schedule
	KeySyncDays    = "sync.days"          // "mon,wed,fri": days (UTC) the automated sync runs
	KeySyncTime    = "sync.time"          // "HH:MM" UTC
	KeySource      = "oneroster.source"   // the connected OneRoster CSV bundle: a zip, folder or file
	KeyProvider    = "oneroster.provider" // the provider's name (manifest source.systemName) of the connected bundle
)

// Weekdays are the day names sync.days accepts, in the order they are stored.
var Weekdays = []string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"}

var weekdayOf = map[string]time.Weekday{"mon": time.Monday, "tue": time.Tuesday, "wed": time.Wednesday,
	"thu": time.Thursday, "fri": time.Friday, "sat": time.Saturday, "sun": time.Sunday}

func init() {
	settingDefs[KeySyncEnabled] = settingDef{def: "false", check: boolSetting, help: "run the automated sync on schedule"}
	settingDefs[KeySyncDays] = settingDef{def: "", help: "days of the week the automated sync runs (UTC), e.g. mon,wed,fri",
		check: func(_ context.Context, _ *Engine, v string) (string, error) {
			days, err := ParseDays(v)
			return strings.Join(days, ","), err
		}}
	settingDefs[KeySyncTime] = settingDef{def: "", help: "time of day the automated sync runs, HH:MM in UTC",
		check: func(_ context.Context, _ *Engine, v string) (string, error) {
			if strings.TrimSpace(v) == "" {
				return "", nil
			}
			h, m, err := ParseSyncTime(v)
			if err != nil {
				return "", err
			}
			return fmt.Sprintf("%02d:%02d", h, m), nil
		}}
	settingDefs[KeySource] = settingDef{def: "", help: "the OneRoster CSV bundle syncs read: OneRoster.zip, a folder or a CSV file",
		check: func(_ context.Context, _ *Engine, v string) (string, error) {
			v = strings.TrimSpace(v)
			if v == "" {
				return "", nil
			}
			if _, err := os.Stat(v); err != nil {
				return "", fmt.Errorf("%s cannot be opened: %v", v, errors.Unwrap(err))
			}
			return v, nil
		}}
	settingDefs[KeyProvider] = settingDef{def: "", help: "name of the OneRoster provider (from the bundle's manifest)",
		check: func(_ context.Context, _ *Engine, v string) (string, error) { return strings.TrimSpace(v), nil }}
}

// ParseDays reads a list of weekday names (mon…sun, or full names, any case,
// separated by commas or spaces) into the stored order, without repeats.
func ParseDays(v string) ([]string, error) {
	seen := map[string]bool{}
	for _, f := range strings.FieldsFunc(strings.ToLower(v), func(r rune) bool { return r == ',' || r == ' ' || r == ';' }) {
		if len(f) > 3 {
			if _, ok := weekdayOf[f[:3]]; ok && strings.HasPrefix(strings.ToLower(weekdayOf[f[:3]].String()), f) {
				f = f[:3]
			}
		}
		if _, ok := weekdayOf[f]; !ok {
			return nil, fmt.Errorf("%q is not a day of the week (mon, tue, wed, thu, fri, sat, sun)", f)
		}
		seen[f] = true
	}
	days := []string{}
	for _, d := range Weekdays {
		if seen[d] {
			days = append(days, d)
		}
	}
	return days, nil
}

// ParseSyncTime reads "HH:MM" (24-hour, UTC).
func ParseSyncTime(v string) (hour, minute int, err error) {
	v = strings.TrimSpace(v)
	hh, mm, ok := strings.Cut(v, ":")
	if ok && len(mm) == 2 && len(hh) >= 1 && len(hh) <= 2 {
		h, err1 := strconv.Atoi(hh)
		m, err2 := strconv.Atoi(mm)
		if err1 == nil && err2 == nil && h >= 0 && h < 24 && m >= 0 && m < 60 {
			return h, m, nil
		}
	}
	return 0, 0, fmt.Errorf("%q is not a time of day as HH:MM (00:00 to 23:59)", v)
}

// SettingsError holds the validation message of each setting that could not be saved.
type SettingsError struct {
	Fields  map[string]string
	unknown bool
}

// Is makes errors.Is(err, ErrUnknownSetting) true when a key was unknown.
func (e *SettingsError) Is(target error) bool { return target == ErrUnknownSetting && e.unknown }

func (e *SettingsError) Error() string {
	keys := make([]string, 0, len(e.Fields))
	for k := range e.Fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + ": " + e.Fields[k]
	}
	return strings.Join(parts, "; ")
}

// SaveSettings validates several settings together and stores them only if
// every one is valid: one section of the Preferences screen, one `settings
// set` of the CLI. Rules that tie settings together apply too (days and time
// are required while the sync is enabled). It returns the values as stored,
// or a *SettingsError (an unknown key is one too).
func (e *Engine) SaveSettings(ctx context.Context, values map[string]string) (out map[string]string, err error) {
	werr := e.writing(func() error { out, err = e.saveSettings(ctx, values); return nil })
	if werr != nil {
		return nil, werr
	}
	return out, err
}

func (e *Engine) saveSettings(ctx context.Context, values map[string]string) (map[string]string, error) {
	out, err := e.checkSettings(ctx, values)
	if err != nil {
		return nil, err
	}
	keys := make([]string, 0, len(out))
	for k := range out {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	admin, _ := e.CreditedAdmin(ctx)
	for _, k := range keys {
		if err := e.storeSetting(ctx, k, out[k], admin); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// checkSettings validates values like SaveSettings without storing them. It
// is the one place every door (window, CLI, serve, provider form) validates.
func (e *Engine) checkSettings(ctx context.Context, values map[string]string) (map[string]string, error) {
	bad := map[string]string{}
	out := map[string]string{}
	tried := map[string]bool{}
	unknownKey := false
	for k, v := range values {
		k = guardKey(k)
		tried[k] = true
		def, ok := settingDefs[k]
		if !ok {
			bad[k] = unknownSetting(k).Error()
			unknownKey = true
			continue
		}
		if k == KeyCreditedAdmin && strings.TrimSpace(v) == "" {
			bad[k] = "an admin account credited with changes is required"
			continue
		}
		nv, err := def.check(ctx, e, v)
		if err != nil {
			bad[k] = err.Error()
			continue
		}
		out[k] = nv
	}
	// The value each setting will have: the new one, else the stored one.
	after := func(k string) string {
		if v, ok := out[k]; ok {
			return v
		}
		if tried[k] {
			return "?" // invalid: reported already
		}
		v, _ := e.Setting(ctx, k)
		return v
	}
	// Rules tying settings together are checked when one of their settings
	// changes, so an unrelated save never fails for an older stored state.
	if (tried[KeySyncEnabled] || tried[KeySyncDays] || tried[KeySyncTime]) && after(KeySyncEnabled) == "true" {
		if after(KeySyncDays) == "" {
			bad[KeySyncDays] = "choose at least one day while the sync is enabled"
		}
		if after(KeySyncTime) == "" {
			bad[KeySyncTime] = "a time is required while the sync is enabled"
		}
	}
	if tried[KeyPauseFrom] || tried[KeyPauseUntil] {
		if from, until := after(KeyPauseFrom), after(KeyPauseUntil); from != "" && until != "" && from != "?" && until != "?" && until < from {
			bad[KeyPauseUntil] = "the pause must end on or after the day it starts"
		}
	}
	if len(bad) > 0 {
		return nil, &SettingsError{Fields: bad, unknown: unknownKey}
	}
	return out, nil
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
	m := map[string]string{}
	for _, p := range pairs {
		code, label := strings.TrimSpace(p.Code), strings.TrimSpace(p.Label)
		switch {
		case code == "" && label == "":
			continue
		case code == "":
			return "", fmt.Errorf("the label %q has no grade code", label)
		case label == "":
			return "", fmt.Errorf("grade %q has no label", code)
		}
		if _, dup := m[code]; dup {
			return "", fmt.Errorf("grade %q appears twice", code)
		}
		m[code] = label
	}
	b, err := json.Marshal(m) // keys sorted
	return string(b), err
}

// GradePairs reads setting grades.map back into matrix lines, sorted by code.
func GradePairs(v string) ([]GradePair, error) {
	m, err := parseGradesMap(v)
	if err != nil {
		return nil, err
	}
	out := make([]GradePair, 0, len(m))
	for k, l := range m {
		out = append(out, GradePair{k, l})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Code < out[j].Code })
	return out, nil
}
