package rosterdesk

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Settings are a roster's settings, in sections. The engine reads and saves
// them as a whole (sync.Engine.Settings, SaveSettings) and validates them in
// one place; the command line's `settings get/set` is their only text form.
type Settings struct {
	OneRoster OneRosterSettings
	Schedule  ScheduleSettings
	Processes ProcessSettings
	Guards    GuardSettings
	Provider  ProviderSettings
	Logs      LogSettings
}

// OneRosterSettings say whether OneRoster is the source of the roster and
// which CSV bundle is connected.
type OneRosterSettings struct {
	Enabled  bool   // OneRoster is the authoritative source
	Source   string // the connected bundle: OneRoster.zip, a folder or a CSV file
	Provider string // the provider's name (the bundle manifest's source.systemName)
}

// ScheduleSettings are when and from where automated syncs run.
type ScheduleSettings struct {
	Enabled          bool      // automated syncs run on schedule
	Days             Weekdays  // UTC days
	Time             TimeOfDay // UTC
	AutomatedImports bool      // automated imports are on (with OneRoster and the schedule enabled)
	Source           SourceKind
	WatchFolder      string // where the SIS or an SFTP client drops bundles
	PauseFrom        Date   // automated runs from this day...
	PauseUntil       Date   // ...to this day (inclusive) are skipped
	MissedRunHours   int    // a run missed by more hours is recorded, not run
}

// ProcessSettings are what a sync processes and who is credited with it.
type ProcessSettings struct {
	CreditedAdmin       string // email of the admin account credited with changes
	Scope               Scope  // users or users+courses
	MarkMissingInactive bool   // deactivate users absent from a bulk users.csv
	TeacherPermission   TeacherPermission
	GradesMap           map[string]string // incoming grade code → the district's label
}

// GuardSettings are the safeguards' limits; a run over one is held. 0 turns a limit off.
type GuardSettings struct {
	Buildings, Users, Courses, Classes, Assignments EntityLimits
	// School holds a run taking more than Percent of one school's users or
	// classes away, when that is more than Count of them.
	School Limit
	// InputDrop holds a run whose bulk file lost more than this share of its rows.
	InputDrop Percent
}

// EntityLimits are the limits on one kind of record.
type EntityLimits struct {
	Gone   Limit // deactivated or removed
	Update Limit // updated
}

// Limit is a share of the active records and a number of records.
type Limit struct {
	Percent Percent
	Count   float64
}

// Percent is a share from 0 to 100.
type Percent float64

// String writes p as the settings store it: "7.5".
func (p Percent) String() string { return strconv.FormatFloat(float64(p), 'f', -1, 64) }

// ProviderSettings are the OneRoster REST provider connection (its secret is
// kept in the OS keychain, never here) and what the pulls remember.
type ProviderSettings struct {
	Type          string `json:"type"`
	BaseURL       string `json:"base_url"`
	TokenURL      string `json:"token_url,omitempty"`
	ClientID      string `json:"client_id,omitempty"`
	Auth          string `json:"auth,omitempty"`
	Scopes        string `json:"scopes,omitempty"`
	AppName       string `json:"app_name,omitempty"`
	Signature     string `json:"oauth1_signature,omitempty"`
	PageSize      int    `json:"page_size"`
	FullEveryDays int    `json:"full_every_days"`

	// Set by syncs: when the last full pull and the last pull were applied,
	// and the scope of that full pull.
	LastFullPull  time.Time `json:"-"`
	LastPull      time.Time `json:"-"`
	LastFullScope string    `json:"-"`
}

// Configured tells whether a REST provider is set up.
func (p ProviderSettings) Configured() bool { return p.Type != "" && p.BaseURL != "" }

// LogSettings are what the log file says and how long run logs are kept.
type LogSettings struct {
	Level         string // debug, info, warn or error
	RetentionRuns int    // the newest runs that keep their full log
}

// SourceKind is where a run reads.
type SourceKind string

const (
	// SourceBundle is the bundle connected on the OneRoster screen
	// (oneroster.source): OneRoster.zip, a CSV file, a folder of CSV files,
	// or a folder of exports, of which the newest is read.
	SourceBundle SourceKind = "bundle"
	// SourceFolder is the watched folder (sync.watch_folder): the newest
	// complete bundle there not processed yet.
	SourceFolder SourceKind = "folder"
	// SourceProvider is the REST provider.
	SourceProvider SourceKind = "provider"
	// SourcePath is a file or folder named for one run (the CLI's `sync SOURCE`).
	SourcePath SourceKind = "path"
)

// TeacherPermission is what teachers may edit in courses OneRoster creates.
type TeacherPermission string

const (
	PermUnitsLessons TeacherPermission = "units_lessons" // teachers edit units and lessons
	PermLessonsOnly  TeacherPermission = "lessons_only"  // teachers edit lessons only
)

// Weekdays are days of the week, in the order Monday to Sunday.
type Weekdays []time.Weekday

// weekdayNames are the stored names, Monday first.
var weekdayNames = []string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"}

func weekdayIndex(d time.Weekday) int { return (int(d) + 6) % 7 }

// String writes the days as stored: "mon,wed,fri".
func (w Weekdays) String() string {
	names := make([]string, len(w))
	for i, d := range w {
		names[i] = weekdayNames[weekdayIndex(d)]
	}
	return strings.Join(names, ",")
}

// Names are the days as stored, one a string: "mon", "wed".
func (w Weekdays) Names() []string {
	if len(w) == 0 {
		return []string{}
	}
	return strings.Split(w.String(), ",")
}

// ParseWeekdays reads days named mon…sun, or in full, any case, separated by
// commas, spaces or semicolons, into the order Monday to Sunday without repeats.
func ParseWeekdays(v string) (Weekdays, error) {
	var seen [7]bool
	for _, f := range strings.FieldsFunc(strings.ToLower(v), func(r rune) bool { return r == ',' || r == ' ' || r == ';' }) {
		i := -1
		for j, n := range weekdayNames {
			full := strings.ToLower(time.Weekday((j + 1) % 7).String())
			if f == n || (len(f) > 3 && strings.HasPrefix(full, f)) {
				i = j
			}
		}
		if i < 0 {
			return nil, fmt.Errorf("%q is not a day of the week (mon, tue, wed, thu, fri, sat, sun)", f)
		}
		seen[i] = true
	}
	days := Weekdays{}
	for i, ok := range seen {
		if ok {
			days = append(days, time.Weekday((i+1)%7))
		}
	}
	return days, nil
}

// TimeOfDay is a time of day (UTC); the zero value is unset.
type TimeOfDay struct {
	Hour, Minute int
	Set          bool
}

// At is the time of day h:m.
func At(h, m int) TimeOfDay { return TimeOfDay{Hour: h, Minute: m, Set: true} }

// String writes the time as stored: "06:00", or "" when unset.
func (t TimeOfDay) String() string {
	if !t.Set {
		return ""
	}
	return fmt.Sprintf("%02d:%02d", t.Hour, t.Minute)
}

// ParseTimeOfDay reads "HH:MM" (24-hour).
func ParseTimeOfDay(v string) (TimeOfDay, error) {
	v = strings.TrimSpace(v)
	hh, mm, ok := strings.Cut(v, ":")
	if ok && len(mm) == 2 && len(hh) >= 1 && len(hh) <= 2 {
		h, err1 := strconv.Atoi(hh)
		m, err2 := strconv.Atoi(mm)
		if err1 == nil && err2 == nil && h >= 0 && h < 24 && m >= 0 && m < 60 {
			return At(h, m), nil
		}
	}
	return TimeOfDay{}, fmt.Errorf("%q is not a time of day as HH:MM (00:00 to 23:59)", v)
}

// Date is a calendar day; the zero value is unset.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// DateOf is t's calendar day in UTC.
func DateOf(t time.Time) Date {
	t = t.UTC()
	return Date{t.Year(), t.Month(), t.Day()}
}

// IsZero tells whether the date is unset.
func (d Date) IsZero() bool { return d == Date{} }

// String writes the date as stored: "2026-06-20", or "" when unset.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day)
}

// Before tells whether d is a day before o.
func (d Date) Before(o Date) bool { return d.String() < o.String() }

// ParseDate reads "YYYY-MM-DD"; "" is the unset date.
func ParseDate(v string) (Date, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return Date{}, nil
	}
	t, err := time.Parse("2006-01-02", v)
	if err != nil {
		return Date{}, fmt.Errorf("%q is not a date (YYYY-MM-DD)", v)
	}
	return DateOf(t), nil
}
