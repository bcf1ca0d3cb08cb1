package sync

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"

	"rosterdesk"
	"rosterdesk/data"
)

// Setting keys the CLI and the Preferences screen edit.
const (
	KeyCreditedAdmin   = "credited_admin"
	KeyOneRosterOn     = "oneroster.enabled"
	KeySyncProcess     = "sync.process"
	KeyMarkMissingGone = "users.mark_missing_inactive"
	KeyTeacherPerm     = "courses.teacher_permission"
	KeyGradesMap       = "grades.map"
)

// Teacher permissions for courses OneRoster creates.
const (
	PermUnitsLessons = "units_lessons" // teachers edit units and lessons
	PermLessonsOnly  = "lessons_only"  // teachers edit lessons only
)

type settingDef struct {
	def   string
	check func(ctx context.Context, e *Engine, v string) (string, error)
	help  string
}

func boolSetting(_ context.Context, _ *Engine, v string) (string, error) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "true", "on", "yes", "1":
		return "true", nil
	case "false", "off", "no", "0":
		return "false", nil
	}
	return "", fmt.Errorf("%q is not true or false", v)
}

var settingDefs = map[string]settingDef{
	KeyCreditedAdmin: {def: "", help: "email of the admin account credited with changes",
		check: func(ctx context.Context, e *Engine, v string) (string, error) {
			a, err := e.DB.AdminByEmail(ctx, strings.TrimSpace(v))
			if errors.Is(err, data.ErrNotFound) {
				return "", fmt.Errorf("no admin account %q; add it first with: rosterdesk admin add %s \"Full Name\"", v, v)
			}
			return a.Email, err
		}},
	KeyOneRosterOn: {def: "false", check: boolSetting, help: "OneRoster is the authoritative source"},
	KeySyncProcess: {def: string(rosterdesk.ScopeUsersCourses), help: "users or users+courses",
		check: func(_ context.Context, _ *Engine, v string) (string, error) {
			if s, ok := rosterdesk.ParseScope(v); ok && s != rosterdesk.ScopeBuildings {
				return string(s), nil
			}
			return "", fmt.Errorf("%q is not users or users+courses", v)
		}},
	KeyMarkMissingGone: {def: "true", check: boolSetting, help: "deactivate users absent from a bulk users.csv"},
	KeyTeacherPerm: {def: PermUnitsLessons, help: "what teachers may edit in OneRoster courses: units_lessons or lessons_only",
		check: func(_ context.Context, _ *Engine, v string) (string, error) {
			if v = strings.TrimSpace(v); v == PermUnitsLessons || v == PermLessonsOnly {
				return v, nil
			}
			return "", fmt.Errorf("%q is not %s or %s", v, PermUnitsLessons, PermLessonsOnly)
		}},
	KeyGradesMap: {def: "{}", help: `incoming grade codes mapped to the district's labels, as JSON: {"KG":"K","13":"PG"}`,
		check: func(_ context.Context, _ *Engine, v string) (string, error) {
			m, err := parseGradesMap(v)
			if err != nil {
				return "", err
			}
			b, _ := json.Marshal(m)
			return string(b), nil
		}},
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

// SettingKeys lists the known keys in order.
func SettingKeys() []string {
	keys := make([]string, 0, len(settingDefs))
	for k := range settingDefs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// ErrUnknownSetting is returned for a key that is not a setting.
var ErrUnknownSetting = errors.New("unknown setting")

func unknownSetting(key string) error {
	return fmt.Errorf("%w %q (known: %s)", ErrUnknownSetting, key, strings.Join(SettingKeys(), ", "))
}

// Setting returns a setting's value, or its default when unset.
func (e *Engine) Setting(ctx context.Context, key string) (string, error) {
	key = guardKey(key)
	def, ok := settingDefs[key]
	if !ok {
		return "", unknownSetting(key)
	}
	v, set, err := e.DB.Setting(ctx, key)
	if err != nil || !set {
		return def.def, err
	}
	return v, nil
}

// SetSetting validates and stores one setting exactly as SaveSettings does
// (the rules tying settings together included), so the CLI, serve and the
// window refuse the same values with the same message (a *SettingsError).
func (e *Engine) SetSetting(ctx context.Context, key, value string) (string, error) {
	out, err := e.SaveSettings(ctx, map[string]string{key: value})
	if err != nil {
		return "", err
	}
	return out[guardKey(key)], nil
}

// storeSetting writes a validated value and records the change (who, when,
// old and new value) when it differs from the stored one.
func (e *Engine) storeSetting(ctx context.Context, key, v string, admin rosterdesk.Admin) error {
	old, err := e.Setting(ctx, key)
	if err != nil {
		return err
	}
	if err := e.DB.SetSetting(ctx, key, v); err != nil {
		return err
	}
	var n int64
	if key == KeyTeacherPerm {
		// Stored on every OneRoster course, so a change reaches the existing ones now.
		if n, err = e.DB.SetTeacherPermission(ctx, v); err != nil {
			return err
		}
		e.Log.Info().Str("permission", v).Int64("courses", n).Msg("teacher permission applied")
	}
	if old == v || key == KeyProviderLastPull || key == KeyProviderLastFull || key == KeyProviderFullScope {
		return nil // the engine's own bookkeeping, not an admin's choice
	}
	return e.DB.AddSettingChange(ctx, rosterdesk.SettingChange{Key: key, Old: old, New: v, AdminID: admin.ID, Records: n})
}

// SettingChanges lists the recorded setting changes, newest first; key "" lists all.
func (e *Engine) SettingChanges(ctx context.Context, key string, limit int) ([]rosterdesk.SettingChange, error) {
	return e.DB.SettingChanges(ctx, key, limit)
}

// AllSettings returns every known setting with its current value.
func (e *Engine) AllSettings(ctx context.Context) (map[string]string, error) {
	out := map[string]string{}
	for _, k := range SettingKeys() {
		v, err := e.Setting(ctx, k)
		if err != nil {
			return nil, err
		}
		out[k] = v
	}
	return out, nil
}

func (e *Engine) boolSetting(ctx context.Context, key string) bool {
	v, _ := e.Setting(ctx, key)
	return v == "true"
}

// CreditedAdmin returns the admin account credited with changes, or a refusal.
func (e *Engine) CreditedAdmin(ctx context.Context) (rosterdesk.Admin, error) {
	email, err := e.Setting(ctx, KeyCreditedAdmin)
	if err != nil {
		return rosterdesk.Admin{}, err
	}
	if email == "" {
		return rosterdesk.Admin{}, &RefusedError{Reason: "no admin account is credited with changes: add one with `rosterdesk admin add EMAIL \"Full Name\"`, then `rosterdesk settings set credited_admin EMAIL`"}
	}
	a, err := e.DB.AdminByEmail(ctx, email)
	if errors.Is(err, data.ErrNotFound) {
		return a, &RefusedError{Reason: fmt.Sprintf("the credited admin %q no longer exists: choose another with `rosterdesk settings set credited_admin EMAIL`", email)}
	}
	return a, err
}
