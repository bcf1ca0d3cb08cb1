package sync

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"

	"rosterdesk"
	"rosterdesk/data"
)

// Settings returns every setting, typed: stored values, else the defaults.
func (e *Engine) Settings(ctx context.Context) (rosterdesk.Settings, error) {
	var s rosterdesk.Settings
	rows, err := e.db.Settings(ctx)
	if err != nil {
		return s, err
	}
	for i := range settingFields {
		f := &settingFields[i]
		v, ok := rows[f.key]
		if !ok {
			v = f.def
		}
		f.set(&s, v)
	}
	return s, nil
}

// SaveSettings validates s and stores it as a whole, in one transaction:
// the settings that differ from the stored ones, and those named in check
// (a form's fields by key: a form saves what it shows, so a required field
// left empty is refused even when it was empty before). It returns the
// settings as stored, or a *SettingsError naming each refused setting.
func (e *Engine) SaveSettings(ctx context.Context, s rosterdesk.Settings, check ...string) (rosterdesk.Settings, error) {
	return e.UpdateSettings(ctx, func(cur *rosterdesk.Settings) { *cur = s }, check...)
}

// UpdateSettings applies edit to the stored settings and saves the result as
// SaveSettings does, holding the roster meanwhile so no other change is lost.
func (e *Engine) UpdateSettings(ctx context.Context, edit func(*rosterdesk.Settings), check ...string) (out rosterdesk.Settings, err error) {
	werr := e.writing(func() error {
		var old rosterdesk.Settings
		if old, err = e.Settings(ctx); err != nil {
			return nil
		}
		s := old
		s.Processes.GradesMap = maps.Clone(old.Processes.GradesMap)
		s.Schedule.Days = slices.Clone(old.Schedule.Days)
		edit(&s)
		texts := map[string]string{}
		for i := range settingFields {
			f := &settingFields[i]
			if v := f.get(&s); v != f.get(&old) {
				texts[f.key] = v
			}
		}
		for _, k := range check {
			if f, ok := settingByKey[guardKey(k)]; ok {
				texts[f.key] = f.get(&s)
			}
		}
		out, _, err = e.saveTexts(ctx, s, texts)
		return nil
	})
	if werr != nil {
		return rosterdesk.Settings{}, werr
	}
	return out, err
}

// SaveFields stores the settings named by keys as they are in s, the others
// as stored, validated as SaveSettings does: what one section of a form saves.
func (e *Engine) SaveFields(ctx context.Context, s rosterdesk.Settings, keys ...string) (rosterdesk.Settings, error) {
	return e.UpdateSettings(ctx, func(cur *rosterdesk.Settings) {
		for _, k := range keys {
			if f, ok := settingByKey[guardKey(k)]; ok {
				f.set(cur, f.get(&s))
			}
		}
	}, keys...)
}

// CheckSettings validates the settings named by keys as they are in s,
// without storing anything: a *SettingsError, or nil.
func (e *Engine) CheckSettings(ctx context.Context, s rosterdesk.Settings, keys ...string) error {
	texts := make(map[string]string, len(keys))
	for _, k := range keys {
		k = guardKey(k)
		if f, ok := settingByKey[k]; ok {
			texts[k] = f.get(&s)
		} else {
			texts[k] = ""
		}
	}
	_, err := e.checkSettings(ctx, s, texts)
	return err
}

// SettingText is the setting named key of s as text, as stored and as
// `settings get` prints it ("" for an unknown key).
func SettingText(s rosterdesk.Settings, key string) string {
	if f, ok := settingByKey[guardKey(key)]; ok {
		return f.get(&s)
	}
	return ""
}

// ReadSetting reads text typed into a field into the setting named key of
// s, refusing it with the engine's own message (a number, a date, a time of
// day: checks that need no roster). A refused value leaves the setting unset.
func ReadSetting(s *rosterdesk.Settings, key, text string) error {
	f, ok := settingByKey[guardKey(key)]
	if !ok {
		return unknownSetting(key)
	}
	if f.key == KeyCreditedAdmin {
		return errors.New("an admin account is chosen, not typed")
	}
	v, err := f.check(context.Background(), nil, text)
	if err != nil {
		f.set(s, "")
		return err
	}
	f.set(s, v)
	return nil
}

// saveTexts validates the settings given as text over s (the settings they
// change) and stores them in one transaction, with an audit row for each change.
func (e *Engine) saveTexts(ctx context.Context, s rosterdesk.Settings, texts map[string]string) (rosterdesk.Settings, map[string]string, error) {
	checked, err := e.checkSettings(ctx, s, texts)
	if err != nil {
		return rosterdesk.Settings{}, nil, err
	}
	keys := make([]string, 0, len(checked))
	for k, v := range checked {
		keys = append(keys, k)
		settingByKey[k].set(&s, v)
	}
	sort.Strings(keys)
	admin, _ := e.CreditedAdmin(ctx)
	rows, err := e.db.Settings(ctx)
	if err != nil {
		return rosterdesk.Settings{}, nil, err
	}
	tx, err := e.db.Begin(ctx)
	if err != nil {
		return rosterdesk.Settings{}, nil, err
	}
	defer tx.Rollback()
	var applied []int64
	for _, k := range keys {
		v := checked[k]
		old, ok := rows[k]
		if !ok {
			old = settingByKey[k].def
		}
		if err := tx.SetSetting(k, v); err != nil {
			return rosterdesk.Settings{}, nil, err
		}
		var n int64
		if k == KeyTeacherPerm {
			// Stored on every OneRoster course, so a change reaches the existing ones now.
			if n, err = tx.SetTeacherPermission(v); err != nil {
				return rosterdesk.Settings{}, nil, err
			}
			applied = append(applied, n)
		}
		if old == v || bookkeeping(k) {
			continue
		}
		if err := tx.AddSettingChange(rosterdesk.SettingChange{Key: k, Old: old, New: v, AdminID: admin.ID, Records: n}); err != nil {
			return rosterdesk.Settings{}, nil, err
		}
	}
	if err := tx.Commit(); err != nil {
		return rosterdesk.Settings{}, nil, err
	}
	for _, n := range applied {
		e.Log.Info().Str("permission", checked[KeyTeacherPerm]).Int64("courses", n).Msg("teacher permission applied")
	}
	return s, checked, nil
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

// checkSettings is the one place every door (window, CLI, serve, provider
// form) validates: each setting given as text, then the rules tying settings
// together. s holds the other settings as they will be. It returns the given
// settings as they are to be stored, or a *SettingsError.
func (e *Engine) checkSettings(ctx context.Context, s rosterdesk.Settings, texts map[string]string) (map[string]string, error) {
	bad := map[string]string{}
	out := map[string]string{}
	tried := map[string]bool{}
	unknownKey := false
	for k, v := range texts {
		k = guardKey(k)
		tried[k] = true
		f, ok := settingByKey[k]
		if !ok {
			bad[k] = unknownSetting(k).Error()
			unknownKey = true
			continue
		}
		if k == KeyCreditedAdmin && strings.TrimSpace(v) == "" {
			bad[k] = "an admin account credited with changes is required"
			continue
		}
		nv, err := f.check(ctx, e, v)
		if err != nil {
			bad[k] = err.Error()
			continue
		}
		out[k] = nv
	}
	// The value each setting will have: the new one, else the one in s.
	after := func(k string) string {
		if v, ok := out[k]; ok {
			return v
		}
		if tried[k] {
			return "?" // invalid: reported already
		}
		return settingByKey[k].get(&s)
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

// --- the text form, for `settings get/set` ---

// SettingKeys lists the known keys in order.
func SettingKeys() []string {
	keys := make([]string, len(settingFields))
	for i, f := range settingFields {
		keys[i] = f.key
	}
	return keys
}

// ErrUnknownSetting is returned for a key that is not a setting.
var ErrUnknownSetting = errors.New("unknown setting")

func unknownSetting(key string) error {
	return fmt.Errorf("%w %q (known: %s)", ErrUnknownSetting, key, strings.Join(SettingKeys(), ", "))
}

// Setting returns a setting as stored, or its default when unset.
func (e *Engine) Setting(ctx context.Context, key string) (string, error) {
	key = guardKey(key)
	f, ok := settingByKey[key]
	if !ok {
		return "", unknownSetting(key)
	}
	v, set, err := e.db.Setting(ctx, key)
	if err != nil || !set {
		return f.def, err
	}
	return v, nil
}

// AllSettings returns every known setting as stored (or its default).
func (e *Engine) AllSettings(ctx context.Context) (map[string]string, error) {
	rows, err := e.db.Settings(ctx)
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(settingFields))
	for _, f := range settingFields {
		v, ok := rows[f.key]
		if !ok {
			v = f.def
		}
		out[f.key] = v
	}
	return out, nil
}

// SetSetting validates and stores one setting given as text, as SaveSettings
// does (the rules tying settings together included), so the CLI, serve and
// the window refuse the same values with the same message (a *SettingsError).
func (e *Engine) SetSetting(ctx context.Context, key, value string) (string, error) {
	out, err := e.SetSettings(ctx, map[string]string{key: value})
	if err != nil {
		return "", err
	}
	return out[guardKey(key)], nil
}

// SetSettings validates several settings given as text together and stores
// them only if every one is valid. It returns the values as stored, or a
// *SettingsError (an unknown key is one too).
func (e *Engine) SetSettings(ctx context.Context, values map[string]string) (out map[string]string, err error) {
	werr := e.writing(func() error {
		var s rosterdesk.Settings
		if s, err = e.Settings(ctx); err != nil {
			return nil
		}
		texts := make(map[string]string, len(values))
		for k, v := range values {
			texts[guardKey(k)] = v
		}
		_, out, err = e.saveTexts(ctx, s, texts)
		return nil
	})
	if werr != nil {
		return nil, werr
	}
	return out, err
}

// SettingChanges lists the recorded setting changes, newest first; key "" lists all.
func (e *Engine) SettingChanges(ctx context.Context, key string, limit int) ([]rosterdesk.SettingChange, error) {
	return e.db.SettingChanges(ctx, key, limit)
}

// CreditedAdmin returns the admin account credited with changes, or a refusal.
func (e *Engine) CreditedAdmin(ctx context.Context) (rosterdesk.Admin, error) {
	set, err := e.Settings(ctx)
	if err != nil {
		return rosterdesk.Admin{}, err
	}
	email := set.Processes.CreditedAdmin
	if email == "" {
		return rosterdesk.Admin{}, &RefusedError{Reason: "no admin account is credited with changes: add one with `rosterdesk admin add EMAIL \"Full Name\"`, then `rosterdesk settings set credited_admin EMAIL`"}
	}
	a, err := e.db.AdminByEmail(ctx, email)
	if errors.Is(err, data.ErrNotFound) {
		return a, &RefusedError{Reason: fmt.Sprintf("the credited admin %q no longer exists: choose another with `rosterdesk settings set credited_admin EMAIL`", email)}
	}
	return a, err
}

// guardKey accepts either word for taking a record away ("deactivate" or "remove") for any entity.
func guardKey(key string) string {
	parts := strings.Split(key, ".")
	if len(parts) != 4 || parts[0] != "guard" {
		return key
	}
	for _, g := range guardEntities {
		if parts[1] == g.name && (parts[2] == "deactivate" || parts[2] == "remove") {
			parts[2] = g.gone
		}
	}
	return strings.Join(parts, ".")
}
