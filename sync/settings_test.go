package sync

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"rosterdesk"
)

// A fresh roster's typed settings are the table's defaults, and every
// setting reads the same typed and as text.
func TestSettingsDefaultsTyped(t *testing.T) {
	e, err := Open(filepath.Join(t.TempDir(), "roster.db"), zerolog.Nop())
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	ctx := context.Background()
	s, err := e.Settings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if s.OneRoster.Enabled || s.Schedule.Enabled || !s.Schedule.AutomatedImports || s.Schedule.Source != rosterdesk.SourceFolder ||
		s.Schedule.MissedRunHours != 12 || s.Schedule.Time.Set || len(s.Schedule.Days) != 0 {
		t.Errorf("schedule defaults %+v", s.Schedule)
	}
	if s.Processes.Scope != rosterdesk.ScopeUsersCourses || !s.Processes.MarkMissingInactive ||
		s.Processes.TeacherPermission != rosterdesk.PermUnitsLessons || len(s.Processes.GradesMap) != 0 {
		t.Errorf("process defaults %+v", s.Processes)
	}
	g := s.Guards
	if g.Users.Gone.Percent != 5 || g.Courses.Gone.Percent != 10 || g.Users.Update.Percent != 75 || g.Users.Gone.Count != 0 ||
		g.School != (rosterdesk.Limit{Percent: 50, Count: 10}) || g.InputDrop != 20 {
		t.Errorf("guard defaults %+v", g)
	}
	if s.Provider.PageSize != 1000 || s.Provider.FullEveryDays != 7 || s.Provider.Signature != "HMAC-SHA256" || !s.Provider.LastPull.IsZero() {
		t.Errorf("provider defaults %+v", s.Provider)
	}
	if s.Logs != (rosterdesk.LogSettings{Level: "info", RetentionRuns: 100}) {
		t.Errorf("log defaults %+v", s.Logs)
	}
	for _, k := range SettingKeys() {
		v, err := e.Setting(ctx, k)
		if err != nil || SettingText(s, k) != v {
			t.Errorf("%s: typed %q, text %q (%v)", k, SettingText(s, k), v, err)
		}
	}
}

// A typed save stores what changed in one transaction, with an audit row
// per change (none for the engine's own bookkeeping); a refused one stores
// nothing at all, even the valid settings it carried.
func TestSaveSettingsTyped(t *testing.T) {
	e := newEngine(t)
	ctx := context.Background()
	before, _ := e.SettingChanges(ctx, "", 0)
	at := time.Date(2026, 11, 20, 6, 0, 0, 0, time.UTC)
	s, err := e.Settings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	s.Schedule.Enabled = true
	s.Schedule.Days = rosterdesk.Weekdays{time.Friday, time.Monday}
	s.Schedule.Time = rosterdesk.At(6, 5)
	s.Guards.Users.Gone.Percent = 7.5
	s.Processes.GradesMap = map[string]string{"KG": "K"}
	s.Provider.LastPull = at
	if s, err = e.SaveSettings(ctx, s); err != nil {
		t.Fatal(err)
	}
	for k, want := range map[string]string{KeySyncEnabled: "true", KeySyncDays: "mon,fri", KeySyncTime: "06:05",
		"guard.users.deactivate.percent": "7.5", KeyGradesMap: `{"KG":"K"}`, KeyProviderLastPull: "2026-11-20T06:00:00Z"} {
		if v, _ := e.Setting(ctx, k); v != want || SettingText(s, k) != want {
			t.Errorf("%s stored %q, returned %q, want %q", k, v, SettingText(s, k), want)
		}
	}
	after, _ := e.SettingChanges(ctx, "", 0)
	if len(after)-len(before) != 5 {
		t.Errorf("%d audit rows for 5 changes and the last pull: %+v", len(after)-len(before), after)
	}

	_, err = e.UpdateSettings(ctx, func(s *rosterdesk.Settings) {
		s.Processes.TeacherPermission = rosterdesk.PermLessonsOnly // valid
		s.Schedule.Days = nil                                      // refused while the sync is enabled
	})
	var se *SettingsError
	if !errors.As(err, &se) || se.Fields[KeySyncDays] != "choose at least one day while the sync is enabled" || len(se.Fields) != 1 {
		t.Fatalf("refusal %v", err)
	}
	if v, _ := e.Setting(ctx, KeyTeacherPerm); v != PermUnitsLessons {
		t.Errorf("a refused save stored the teacher permission: %q", v)
	}
	if again, _ := e.SettingChanges(ctx, "", 0); len(again) != len(after) {
		t.Errorf("a refused save was audited: %+v", again)
	}
}

// A form's field read with the engine's own words, and a section saved
// alone: the other settings stay as stored even when the form's copy is old.
func TestReadSettingAndSaveFields(t *testing.T) {
	e := newEngine(t)
	ctx := context.Background()
	old, _ := e.Settings(ctx)
	if _, err := e.SetSetting(ctx, KeyLogLevel, "debug"); err != nil {
		t.Fatal(err)
	}
	form := old
	if err := ReadSetting(&form, KeyMissedRunHours, "-3"); err == nil || err.Error() != `"-3" is not a whole number of hours ≥ 0` {
		t.Fatalf("missed hours: %v", err)
	}
	if err := ReadSetting(&form, KeyInputDrop, "150%"); err == nil || err.Error() != `"150%" is more than 100% (0 turns the limit off)` {
		t.Fatalf("input drop: %v", err)
	}
	if err := ReadSetting(&form, KeyMissedRunHours, " 6 "); err != nil || form.Schedule.MissedRunHours != 6 {
		t.Fatalf("6 hours: %v %d", err, form.Schedule.MissedRunHours)
	}
	if err := e.CheckSettings(ctx, form, KeyMissedRunHours); err != nil {
		t.Fatal(err)
	}
	if v, _ := e.Setting(ctx, KeyMissedRunHours); v != "12" {
		t.Fatalf("CheckSettings stored %q", v)
	}
	if _, err := e.SaveFields(ctx, form, KeyMissedRunHours); err != nil {
		t.Fatal(err)
	}
	if v, _ := e.Setting(ctx, KeyMissedRunHours); v != "6" {
		t.Errorf("missed hours %q", v)
	}
	if v, _ := e.Setting(ctx, KeyLogLevel); v != "debug" {
		t.Errorf("saving one field put back another from an old copy: log.level %q", v)
	}
}
