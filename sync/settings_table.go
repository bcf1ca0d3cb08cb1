package sync

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"rosterdesk"
	"rosterdesk/data"
	"rosterdesk/sync/rest"
)

// The one table between the typed settings (rosterdesk.Settings) and their
// text form: the key a setting is stored under and that `settings get/set`
// names, its default, its help, the check that reads and normalizes a typed
// value (the one validation of every door), and where it sits in Settings.

// Setting keys.
const (
	KeyCreditedAdmin   = "credited_admin"
	KeyOneRosterOn     = "oneroster.enabled"
	KeySource          = "oneroster.source"   // the connected OneRoster CSV bundle: a zip, folder or file
	KeyProvider        = "oneroster.provider" // the provider's name (manifest source.systemName) of the connected bundle
	KeySyncProcess     = "sync.process"
	KeyMarkMissingGone = "users.mark_missing_inactive"
	KeyTeacherPerm     = "courses.teacher_permission"
	KeyGradesMap       = "grades.map"

	KeySyncEnabled      = "sync.enabled"           // automated syncs run on schedule
	KeySyncDays         = "sync.days"              // "mon,wed,fri": days (UTC) the automated sync runs
	KeySyncTime         = "sync.time"              // "HH:MM" UTC
	KeyAutomatedImports = "sync.automated_imports" // automated imports are on (with OneRoster and sync enabled)
	KeySyncSource       = "sync.source"            // provider, bundle or folder
	KeyWatchFolder      = "sync.watch_folder"      // where the SIS or an SFTP client drops bundles
	KeyPauseFrom        = "sync.pause_from"        // YYYY-MM-DD: automated runs from this day...
	KeyPauseUntil       = "sync.pause_until"       // ...to this day (inclusive) are skipped
	KeyMissedRunHours   = "sync.missed_run_hours"  // a missed run later than this is recorded, not run

	KeyLogLevel     = "log.level"          // the log file's level: debug, info, warn or error
	KeyLogRetention = "log.retention_runs" // how many of the newest runs keep their full log

	// KeySchoolPercent holds a run that takes most of one school away: its
	// users, its classes or its building. District-wide percentages miss it
	// in a large district (one school of 100 is 1%).
	KeySchoolPercent = "guard.school.percent"
	KeySchoolCount   = "guard.school.count"
	// KeyInputDrop holds a run whose file lost more than this share of its rows since the last applied run.
	KeyInputDrop = "guard.input.drop_percent"

	KeyProviderType      = "provider.type"
	KeyProviderBaseURL   = "provider.base_url"
	KeyProviderTokenURL  = "provider.token_url"
	KeyProviderClientID  = "provider.client_id"
	KeyProviderAuth      = "provider.auth"
	KeyProviderScopes    = "provider.scopes"
	KeyProviderAppName   = "provider.app_name"
	KeyProviderSignature = "provider.oauth1_signature"
	KeyProviderPageSize  = "provider.page_size"
	KeyProviderFullEvery = "provider.full_every_days"
	KeyProviderLastFull  = "provider.last_full_pull"
	KeyProviderFullScope = "provider.last_full_scope"
	KeyProviderLastPull  = "provider.last_pull"
)

// Teacher permissions for courses OneRoster creates, as stored.
const (
	PermUnitsLessons = string(rosterdesk.PermUnitsLessons)
	PermLessonsOnly  = string(rosterdesk.PermLessonsOnly)
)

// defaultLogRetention is the number of runs whose logs are kept when the setting is unset.
const defaultLogRetention = 100

// settingField is one line of the table.
type settingField struct {
	key, def, help string
	// check reads a text value and returns it as stored, or says why not.
	check func(ctx context.Context, e *Engine, v string) (string, error)
	get   func(s *rosterdesk.Settings) string    // the typed value as text
	set   func(s *rosterdesk.Settings, v string) // a checked (or stored) text into the typed value
}

func strField(key, def, help string, check func(context.Context, *Engine, string) (string, error), at func(*rosterdesk.Settings) *string) settingField {
	return settingField{key: key, def: def, help: help, check: check,
		get: func(s *rosterdesk.Settings) string { return *at(s) },
		set: func(s *rosterdesk.Settings, v string) { *at(s) = v }}
}

func boolField(key, def, help string, at func(*rosterdesk.Settings) *bool) settingField {
	return settingField{key: key, def: def, help: help, check: checkBool,
		get: func(s *rosterdesk.Settings) string { return strconv.FormatBool(*at(s)) },
		set: func(s *rosterdesk.Settings, v string) { *at(s) = v == "true" }}
}

func intField(key, def, help string, check func(context.Context, *Engine, string) (string, error), at func(*rosterdesk.Settings) *int) settingField {
	return settingField{key: key, def: def, help: help, check: check,
		get: func(s *rosterdesk.Settings) string { return strconv.Itoa(*at(s)) },
		set: func(s *rosterdesk.Settings, v string) {
			n, err := strconv.Atoi(v)
			if err != nil {
				n, _ = strconv.Atoi(def)
			}
			*at(s) = n
		}}
}

func numField(key, def, help string, check func(context.Context, *Engine, string) (string, error), at func(*rosterdesk.Settings) *float64) settingField {
	return settingField{key: key, def: def, help: help, check: check,
		get: func(s *rosterdesk.Settings) string { return strconv.FormatFloat(*at(s), 'f', -1, 64) },
		set: func(s *rosterdesk.Settings, v string) { *at(s), _ = strconv.ParseFloat(v, 64) }}
}

func pctField(key, def, help string, at func(*rosterdesk.Settings) *rosterdesk.Percent) settingField {
	return numField(key, def, help, checkPercent, func(s *rosterdesk.Settings) *float64 { return (*float64)(at(s)) })
}

func timeField(key, help string, at func(*rosterdesk.Settings) *time.Time) settingField {
	return settingField{key: key, help: help, check: checkWhen,
		get: func(s *rosterdesk.Settings) string {
			if at(s).IsZero() {
				return ""
			}
			return at(s).UTC().Format(time.RFC3339)
		},
		set: func(s *rosterdesk.Settings, v string) { *at(s), _ = time.Parse(time.RFC3339, v) }}
}

func dateField(key, help string, at func(*rosterdesk.Settings) *rosterdesk.Date) settingField {
	return settingField{key: key, help: help, check: func(_ context.Context, _ *Engine, v string) (string, error) {
		d, err := rosterdesk.ParseDate(v)
		return d.String(), err
	},
		get: func(s *rosterdesk.Settings) string { return at(s).String() },
		set: func(s *rosterdesk.Settings, v string) { *at(s), _ = rosterdesk.ParseDate(v) }}
}

// guardEntities are the entities thresholds apply to, with the word for taking one away.
var guardEntities = []struct{ name, gone string }{
	{"buildings", "deactivate"}, {"users", "deactivate"}, {"courses", "remove"}, {"classes", "remove"}, {"assignments", "remove"},
}

// GuardLimit names the settings of one entity's limits, as the Safeguards
// screen lays them out.
type GuardLimit struct {
	Entity, Label                                      string // "users", "Users"
	GonePercent, GoneCount, UpdatePercent, UpdateCount string // setting keys
}

// GuardLimits lists the entities' limits in the order shown.
func GuardLimits() []GuardLimit {
	out := make([]GuardLimit, len(guardEntities))
	for i, g := range guardEntities {
		gone, update := "guard."+g.name+"."+g.gone, "guard."+g.name+".update"
		out[i] = GuardLimit{Entity: g.name, Label: guardLabels[g.name], GonePercent: gone + ".percent", GoneCount: gone + ".count",
			UpdatePercent: update + ".percent", UpdateCount: update + ".count"}
	}
	return out
}

// entityLimits finds an entity's limits in the settings.
func entityLimits(g *rosterdesk.GuardSettings, entity string) *rosterdesk.EntityLimits {
	switch entity {
	case "buildings":
		return &g.Buildings
	case "users":
		return &g.Users
	case "courses":
		return &g.Courses
	case "classes":
		return &g.Classes
	case "assignments":
		return &g.Assignments
	}
	return nil
}

// Default limits, chosen from the safeguard matrix (docs/SAFEGUARDS.md):
// taking away more than 5% of users or 10% of any other entity, or updating
// more than 75%, holds a run. Counts are off by default: any one number either
// holds a large district's ordinary day or never fires in a small one; one
// school losing most of its records is the per-school limit's job. 0 turns a
// limit off.
var defGonePercent = map[string]string{"buildings": "10", "users": "5", "courses": "10", "classes": "10", "assignments": "10"}

const (
	defGoneCount     = "0"
	defUpdatePercent = "75"
	defUpdateCount   = "0"
	defSchoolPercent = "50"
	defSchoolCount   = "10"
)

func guardFields() []settingField {
	var out []settingField
	for _, g := range guardEntities {
		name := g.name
		for _, a := range []struct {
			action, pct, cnt string
			lim              func(*rosterdesk.EntityLimits) *rosterdesk.Limit
		}{{g.gone, defGonePercent[name], defGoneCount, func(l *rosterdesk.EntityLimits) *rosterdesk.Limit { return &l.Gone }},
			{"update", defUpdatePercent, defUpdateCount, func(l *rosterdesk.EntityLimits) *rosterdesk.Limit { return &l.Update }}} {
			k, lim := "guard."+name+"."+a.action, a.lim
			out = append(out,
				pctField(k+".percent", a.pct, fmt.Sprintf("hold a run that would %s more than this %% of active %s (0: off)", a.action, name),
					func(s *rosterdesk.Settings) *rosterdesk.Percent { return &lim(entityLimits(&s.Guards, name)).Percent }),
				numField(k+".count", a.cnt, fmt.Sprintf("hold a run that would %s more than this many %s (0: off)", a.action, name), checkNumber,
					func(s *rosterdesk.Settings) *float64 { return &lim(entityLimits(&s.Guards, name)).Count }))
		}
	}
	return append(out,
		pctField(KeySchoolPercent, defSchoolPercent, "hold a run that would take away more than this % of one school's active users or classes, or deactivate a school's building (0: off)",
			func(s *rosterdesk.Settings) *rosterdesk.Percent { return &s.Guards.School.Percent }),
		numField(KeySchoolCount, defSchoolCount, "the school limit counts only when a school would lose more than this many users or classes (a small school's few leavers are not unusual)",
			checkNumber, func(s *rosterdesk.Settings) *float64 { return &s.Guards.School.Count }),
		pctField(KeyInputDrop, "20", "hold a run whose file lost more than this % of its rows since the last applied run (0: off)",
			func(s *rosterdesk.Settings) *rosterdesk.Percent { return &s.Guards.InputDrop }))
}

// settingFields is the table, sorted by key.
var settingFields = func() []settingField {
	fields := []settingField{
		strField(KeyCreditedAdmin, "", "email of the admin account credited with changes", checkCreditedAdmin,
			func(s *rosterdesk.Settings) *string { return &s.Processes.CreditedAdmin }),
		boolField(KeyOneRosterOn, "false", "OneRoster is the authoritative source", func(s *rosterdesk.Settings) *bool { return &s.OneRoster.Enabled }),
		strField(KeySource, "", "the OneRoster CSV bundle syncs read: OneRoster.zip, a folder or a CSV file", checkOpens,
			func(s *rosterdesk.Settings) *string { return &s.OneRoster.Source }),
		strField(KeyProvider, "", "name of the OneRoster provider (from the bundle's manifest)", checkTrim,
			func(s *rosterdesk.Settings) *string { return &s.OneRoster.Provider }),
		strField(KeySyncProcess, string(rosterdesk.ScopeUsersCourses), "users or users+courses", checkProcess,
			func(s *rosterdesk.Settings) *string { return (*string)(&s.Processes.Scope) }),
		boolField(KeyMarkMissingGone, "true", "deactivate users absent from a bulk users.csv",
			func(s *rosterdesk.Settings) *bool { return &s.Processes.MarkMissingInactive }),
		strField(KeyTeacherPerm, PermUnitsLessons, "what teachers may edit in OneRoster courses: units_lessons or lessons_only", checkTeacherPerm,
			func(s *rosterdesk.Settings) *string { return (*string)(&s.Processes.TeacherPermission) }),
		{key: KeyGradesMap, def: "{}", help: `incoming grade codes mapped to the district's labels, as JSON: {"KG":"K","13":"PG"}`, check: checkGradesMap,
			get: func(s *rosterdesk.Settings) string {
				if len(s.Processes.GradesMap) == 0 {
					return "{}"
				}
				b, _ := json.Marshal(s.Processes.GradesMap)
				return string(b)
			},
			set: func(s *rosterdesk.Settings, v string) { s.Processes.GradesMap, _ = parseGradesMap(v) }},

		boolField(KeySyncEnabled, "false", "run the automated sync on schedule", func(s *rosterdesk.Settings) *bool { return &s.Schedule.Enabled }),
		{key: KeySyncDays, help: "days of the week the automated sync runs (UTC), e.g. mon,wed,fri",
			check: func(_ context.Context, _ *Engine, v string) (string, error) {
				days, err := ParseDays(v)
				return strings.Join(days, ","), err
			},
			get: func(s *rosterdesk.Settings) string { return s.Schedule.Days.String() },
			set: func(s *rosterdesk.Settings, v string) { s.Schedule.Days, _ = rosterdesk.ParseWeekdays(v) }},
		{key: KeySyncTime, help: "time of day the automated sync runs, HH:MM in UTC",
			check: func(_ context.Context, _ *Engine, v string) (string, error) {
				if strings.TrimSpace(v) == "" {
					return "", nil
				}
				t, err := rosterdesk.ParseTimeOfDay(v)
				return t.String(), err
			},
			get: func(s *rosterdesk.Settings) string { return s.Schedule.Time.String() },
			set: func(s *rosterdesk.Settings, v string) { s.Schedule.Time, _ = rosterdesk.ParseTimeOfDay(v) }},
		boolField(KeyAutomatedImports, "true", "automated imports are on (they also need oneroster.enabled and sync.enabled)",
			func(s *rosterdesk.Settings) *bool { return &s.Schedule.AutomatedImports }),
		strField(KeySyncSource, string(SourceFolder),
			"where scheduled runs read: provider (the REST provider), bundle (the bundle connected on the OneRoster screen, the newest export of a folder of them) or folder (sync.watch_folder)",
			checkSourceKind, func(s *rosterdesk.Settings) *string { return (*string)(&s.Schedule.Source) }),
		strField(KeyWatchFolder, "", "the folder scheduled runs take the newest complete OneRoster bundle from", checkFolder,
			func(s *rosterdesk.Settings) *string { return &s.Schedule.WatchFolder }),
		dateField(KeyPauseFrom, "first day (UTC) of a pause: automated runs are skipped", func(s *rosterdesk.Settings) *rosterdesk.Date { return &s.Schedule.PauseFrom }),
		dateField(KeyPauseUntil, "last day (UTC) of a pause; the schedule resumes the day after", func(s *rosterdesk.Settings) *rosterdesk.Date { return &s.Schedule.PauseUntil }),
		intField(KeyMissedRunHours, "12", "a run missed while the app was closed runs at the next start if it is less than this many hours late",
			func(_ context.Context, _ *Engine, v string) (string, error) {
				n, err := strconv.Atoi(strings.TrimSpace(v))
				if err != nil || n < 0 {
					return "", fmt.Errorf("%q is not a whole number of hours ≥ 0", v)
				}
				return strconv.Itoa(n), nil
			}, func(s *rosterdesk.Settings) *int { return &s.Schedule.MissedRunHours }),

		strField(KeyLogLevel, "info", "how much the log file says: debug, info, warn or error", checkLogLevel,
			func(s *rosterdesk.Settings) *string { return &s.Logs.Level }),
		intField(KeyLogRetention, strconv.Itoa(defaultLogRetention), "keep the full log of the newest N runs; older runs keep their counts",
			func(_ context.Context, _ *Engine, v string) (string, error) {
				n, err := strconv.Atoi(strings.TrimSpace(v))
				if err != nil || n < 1 {
					return "", fmt.Errorf("%q is not a positive whole number of runs", v)
				}
				return strconv.Itoa(n), nil
			}, func(s *rosterdesk.Settings) *int { return &s.Logs.RetentionRuns }),
	}
	fields = append(fields, guardFields()...)
	fields = append(fields, providerFields()...)
	sort.Slice(fields, func(i, j int) bool { return fields[i].key < fields[j].key })
	return fields
}()

// settingByKey finds a line of the table.
var settingByKey = func() map[string]*settingField {
	m := make(map[string]*settingField, len(settingFields))
	for i := range settingFields {
		m[settingFields[i].key] = &settingFields[i]
	}
	return m
}()

func checkTrim(_ context.Context, _ *Engine, v string) (string, error) {
	return strings.TrimSpace(v), nil
}

func checkBool(_ context.Context, _ *Engine, v string) (string, error) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "true", "on", "yes", "1":
		return "true", nil
	case "false", "off", "no", "0":
		return "false", nil
	}
	return "", fmt.Errorf("%q is not true or false", v)
}

func checkNumber(_ context.Context, _ *Engine, v string) (string, error) {
	f, err := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "%")), 64)
	if err != nil || f < 0 {
		return "", fmt.Errorf("%q is not a number ≥ 0 (0 turns the limit off)", v)
	}
	return strconv.FormatFloat(f, 'f', -1, 64), nil
}

func checkPercent(ctx context.Context, e *Engine, v string) (string, error) {
	s, err := checkNumber(ctx, e, v)
	if f, _ := strconv.ParseFloat(s, 64); err == nil && f > 100 {
		return "", fmt.Errorf("%q is more than 100%% (0 turns the limit off)", v)
	}
	return s, err
}

func checkWhen(_ context.Context, _ *Engine, v string) (string, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return "", nil
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return "", fmt.Errorf("%q is not a date-time like 2026-11-23T06:00:00Z", v)
	}
	return t.UTC().Format(time.RFC3339), nil
}

func checkWhole(lo, hi int) func(context.Context, *Engine, string) (string, error) {
	return func(_ context.Context, _ *Engine, v string) (string, error) {
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || n < lo || n > hi {
			return "", fmt.Errorf("%q is not a whole number from %d to %d", v, lo, hi)
		}
		return strconv.Itoa(n), nil
	}
}

func checkCreditedAdmin(ctx context.Context, e *Engine, v string) (string, error) {
	a, err := e.db.AdminByEmail(ctx, strings.TrimSpace(v))
	if errors.Is(err, data.ErrNotFound) {
		return "", fmt.Errorf("no admin account %q; add it first with: rosterdesk admin add %s \"Full Name\"", v, v)
	}
	return a.Email, err
}

func checkOpens(_ context.Context, _ *Engine, v string) (string, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return "", nil
	}
	if _, err := os.Stat(v); err != nil {
		return "", fmt.Errorf("%s cannot be opened: %v", v, errors.Unwrap(err))
	}
	return v, nil
}

func checkFolder(_ context.Context, _ *Engine, v string) (string, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return "", nil
	}
	if st, err := os.Stat(v); err != nil || !st.IsDir() {
		return "", fmt.Errorf("%s is not a folder", v)
	}
	abs, _ := filepath.Abs(v)
	return abs, nil
}

func checkProcess(_ context.Context, _ *Engine, v string) (string, error) {
	if s, ok := rosterdesk.ParseScope(v); ok && s != rosterdesk.ScopeBuildings {
		return string(s), nil
	}
	return "", fmt.Errorf("%q is not users or users+courses", v)
}

func checkTeacherPerm(_ context.Context, _ *Engine, v string) (string, error) {
	if v = strings.TrimSpace(v); v == PermUnitsLessons || v == PermLessonsOnly {
		return v, nil
	}
	return "", fmt.Errorf("%q is not %s or %s", v, PermUnitsLessons, PermLessonsOnly)
}

func checkGradesMap(_ context.Context, _ *Engine, v string) (string, error) {
	m, err := parseGradesMap(v)
	if err != nil {
		return "", err
	}
	b, _ := json.Marshal(m)
	return string(b), nil
}

func checkSourceKind(_ context.Context, _ *Engine, v string) (string, error) {
	v = strings.TrimSpace(strings.ToLower(v))
	for _, k := range SourceKinds {
		if v == string(k) {
			return v, nil
		}
	}
	return "", fmt.Errorf("%q is not provider, bundle or folder", v)
}

func checkLogLevel(_ context.Context, _ *Engine, v string) (string, error) {
	switch v = strings.ToLower(strings.TrimSpace(v)); v {
	case "debug", "info", "warn", "error":
		return v, nil
	}
	return "", fmt.Errorf("%q is not debug, info, warn or error", v)
}

func providerFields() []settingField {
	p := func(at func(*rosterdesk.ProviderSettings) *string) func(*rosterdesk.Settings) *string {
		return func(s *rosterdesk.Settings) *string { return at(&s.Provider) }
	}
	return []settingField{
		strField(KeyProviderType, "", "OneRoster REST provider: "+strings.Join(rest.TypeNames(), ", "),
			func(_ context.Context, _ *Engine, v string) (string, error) {
				v = strings.ToLower(strings.TrimSpace(v))
				if _, ok := rest.TypeNamed(v); !ok && v != "" {
					return "", fmt.Errorf("%q is not one of %s", v, strings.Join(rest.TypeNames(), ", "))
				}
				return v, nil
			}, p(func(s *rosterdesk.ProviderSettings) *string { return &s.Type })),
		strField(KeyProviderBaseURL, "", "the provider's OneRoster base URL, e.g. https://host/ims/oneroster/v1p1",
			func(_ context.Context, _ *Engine, v string) (string, error) {
				v = strings.TrimRight(strings.TrimSpace(v), "/")
				if v == "" {
					return "", nil
				}
				return v, rest.CheckURL(v)
			}, p(func(s *rosterdesk.ProviderSettings) *string { return &s.BaseURL })),
		strField(KeyProviderTokenURL, "", "OAuth 2 token URL (blank: the provider's usual one)",
			func(_ context.Context, _ *Engine, v string) (string, error) {
				if v = strings.TrimSpace(v); v == "" {
					return "", nil
				}
				return v, rest.CheckURL(v) // kept as given: some end in a slash that matters
			}, p(func(s *rosterdesk.ProviderSettings) *string { return &s.TokenURL })),
		strField(KeyProviderClientID, "", "OAuth client id (consumer key); the secret is kept in the OS keychain", checkTrim,
			p(func(s *rosterdesk.ProviderSettings) *string { return &s.ClientID })),
		strField(KeyProviderAuth, "", "oauth1, oauth2 or bearer (blank: the provider's usual one)",
			func(_ context.Context, _ *Engine, v string) (string, error) {
				switch a := rest.Auth(strings.ToLower(strings.TrimSpace(v))); a {
				case "", rest.AuthOAuth1, rest.AuthOAuth2, rest.AuthBearer:
					return string(a), nil
				}
				return "", fmt.Errorf("%q is not oauth1, oauth2 or bearer", v)
			}, p(func(s *rosterdesk.ProviderSettings) *string { return &s.Auth })),
		strField(KeyProviderScopes, "", "OAuth 2 scopes, separated by spaces (blank: the provider's usual ones)",
			func(_ context.Context, _ *Engine, v string) (string, error) {
				return strings.Join(strings.FieldsFunc(v, func(r rune) bool { return r == ' ' || r == ',' || r == '\n' || r == '\t' }), " "), nil
			}, p(func(s *rosterdesk.ProviderSettings) *string { return &s.Scopes })),
		strField(KeyProviderAppName, "", "application name the token URL carries (Infinite Campus appName)", checkTrim,
			p(func(s *rosterdesk.ProviderSettings) *string { return &s.AppName })),
		strField(KeyProviderSignature, rest.HMACSHA256, "OAuth 1 signature method: HMAC-SHA256 or HMAC-SHA1",
			func(_ context.Context, _ *Engine, v string) (string, error) {
				switch strings.ToUpper(strings.ReplaceAll(strings.TrimSpace(v), "_", "-")) {
				case "HMAC-SHA256", "SHA256", "":
					return rest.HMACSHA256, nil
				case "HMAC-SHA1", "SHA1":
					return rest.HMACSHA1, nil
				}
				return "", fmt.Errorf("%q is not HMAC-SHA256 or HMAC-SHA1", v)
			}, p(func(s *rosterdesk.ProviderSettings) *string { return &s.Signature })),
		intField(KeyProviderPageSize, "1000", "records asked for per page of a REST pull", checkWhole(1, 100000),
			func(s *rosterdesk.Settings) *int { return &s.Provider.PageSize }),
		intField(KeyProviderFullEvery, "7", "a full REST pull every N days, delta pulls (changed records only) between them; 0: always full",
			checkWhole(0, 365), func(s *rosterdesk.Settings) *int { return &s.Provider.FullEveryDays }),
		timeField(KeyProviderLastFull, "when the last full REST pull was applied (set by syncs)",
			func(s *rosterdesk.Settings) *time.Time { return &s.Provider.LastFullPull }),
		strField(KeyProviderFullScope, "", "the scope of the last full REST pull (set by syncs)",
			func(_ context.Context, _ *Engine, v string) (string, error) {
				if s, ok := rosterdesk.ParseScope(strings.TrimSpace(v)); ok || strings.TrimSpace(v) == "" {
					return string(s), nil
				}
				return "", fmt.Errorf("%q is not a scope", v)
			}, p(func(s *rosterdesk.ProviderSettings) *string { return &s.LastFullScope })),
		timeField(KeyProviderLastPull, "when the last REST pull (full or delta) was applied (set by syncs)",
			func(s *rosterdesk.Settings) *time.Time { return &s.Provider.LastPull }),
	}
}

// bookkeeping are the engine's own records, not an admin's choices: not audited.
func bookkeeping(key string) bool {
	return key == KeyProviderLastPull || key == KeyProviderLastFull || key == KeyProviderFullScope
}
