package sync

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"rosterdesk"
)

func TestParseDaysAndTime(t *testing.T) {
	days, err := ParseDays("Fri, monday wed,mon")
	if err != nil || !reflect.DeepEqual(days, []string{"mon", "wed", "fri"}) {
		t.Fatalf("days = %q, %v", days, err)
	}
	if _, err := ParseDays("mon,funday"); err == nil {
		t.Fatal("funday accepted")
	}
	for in, want := range map[string]string{"6:05": "06:05", "23:59": "23:59", "00:00": "00:00"} {
		h, m, err := ParseSyncTime(in)
		if err != nil || strings.TrimSpace(in) == "" {
			t.Fatalf("%q: %v", in, err)
		}
		if got := time.Date(0, 1, 1, h, m, 0, 0, time.UTC).Format("15:04"); got != want {
			t.Errorf("%q → %s, want %s", in, got, want)
		}
	}
	for _, bad := range []string{"24:00", "7", "07:5", "ab:cd", "-1:00", "12:60"} {
		if _, _, err := ParseSyncTime(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestSaveSettingsValidatesTogether(t *testing.T) {
	e := newEngine(t)
	ctx := context.Background()
	_, err := e.SetSettings(ctx, map[string]string{KeySyncEnabled: "true", KeySyncDays: "", KeySyncTime: ""})
	var se *SettingsError
	if !errors.As(err, &se) || se.Fields[KeySyncDays] == "" || se.Fields[KeySyncTime] == "" {
		t.Fatalf("enabled without days and time: %v", err)
	}
	if v, _ := e.Setting(ctx, KeySyncEnabled); v != "false" {
		t.Fatalf("a refused section was partly saved: sync.enabled = %s", v)
	}
	_, err = e.SetSettings(ctx, map[string]string{KeySyncEnabled: "true", KeySyncDays: "mon,xyz", KeySyncTime: "25:00"})
	if !errors.As(err, &se) || !strings.Contains(se.Fields[KeySyncDays], "xyz") || !strings.Contains(se.Fields[KeySyncTime], "25:00") {
		t.Fatalf("bad values: %v", err)
	}
	out, err := e.SetSettings(ctx, map[string]string{KeySyncEnabled: "on", KeySyncDays: "fri,mon", KeySyncTime: "6:00"})
	if err != nil {
		t.Fatal(err)
	}
	if out[KeySyncDays] != "mon,fri" || out[KeySyncTime] != "06:00" || out[KeySyncEnabled] != "true" {
		t.Fatalf("stored %v", out)
	}
	// Disabled, days and time may be cleared.
	if _, err := e.SetSettings(ctx, map[string]string{KeySyncEnabled: "false", KeySyncDays: "", KeySyncTime: ""}); err != nil {
		t.Fatal(err)
	}
	// The credited admin is required, and must exist.
	if _, err := e.SetSettings(ctx, map[string]string{KeyCreditedAdmin: " "}); !errors.As(err, &se) || se.Fields[KeyCreditedAdmin] == "" {
		t.Fatalf("empty admin: %v", err)
	}
	if _, err := e.SetSettings(ctx, map[string]string{KeyCreditedAdmin: "nobody@example.org"}); !errors.As(err, &se) {
		t.Fatalf("unknown admin: %v", err)
	}
}

func TestSchedulePreview(t *testing.T) {
	la, err := time.LoadLocation("America/Los_Angeles")
	if err != nil {
		t.Skip("no time zone database:", err)
	}
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC) // a Monday, PST (UTC-8)
	got := SchedulePreview([]string{"mon", "wed", "fri"}, "06:00", la, now)
	want := "Mon, Wed, Fri at 06:00 UTC = Sun, Tue, Thu at 22:00 local time (PST, UTC-08:00)"
	if got != want {
		t.Errorf("preview = %q\nwant      %q", got, want)
	}
	summer := time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC)
	if got := SchedulePreview([]string{"sat"}, "18:30", la, summer); got != "Sat at 18:30 UTC = Sat at 11:30 local time (PDT, UTC-07:00)" {
		t.Errorf("summer preview = %q", got)
	}
	if got := SchedulePreview(nil, "06:00", la, now); got != "" {
		t.Errorf("no days: %q", got)
	}
	runs := NextRuns([]string{"mon"}, "06:00", now, 2)
	if len(runs) != 2 || !runs[0].Equal(time.Date(2026, 11, 30, 6, 0, 0, 0, time.UTC)) || !runs[1].Equal(runs[0].AddDate(0, 0, 7)) {
		t.Errorf("next runs = %v", runs)
	}
}

func TestGradesMatrix(t *testing.T) {
	e := newEngine(t)
	ctx := context.Background()
	js, err := GradesMapJSON([]GradePair{{"KG", "K"}, {" ", ""}, {"13", "PG"}, {"-1", "PK"}})
	if err != nil || js != `{"-1":"PK","13":"PG","KG":"K"}` {
		t.Fatalf("json %s, %v", js, err)
	}
	for _, bad := range [][]GradePair{{{"KG", "K"}, {"KG", "Kinder"}}, {{"KG", ""}}, {{"", "K"}}} {
		if _, err := GradesMapJSON(bad); err == nil {
			t.Errorf("%v accepted", bad)
		}
	}
	if _, err := e.SetSettings(ctx, map[string]string{KeyGradesMap: js}); err != nil {
		t.Fatal(err)
	}
	v, _ := e.Setting(ctx, KeyGradesMap)
	pairs, err := GradePairs(v)
	if err != nil || len(pairs) != 3 || pairs[2] != (GradePair{"KG", "K"}) {
		t.Fatalf("pairs %v, %v", pairs, err)
	}
}

// Every door (SetSetting for the CLI and serve, SaveSettings for the window)
// refuses the same values with the same message.
func TestEveryDoorValidatesTheSameWay(t *testing.T) {
	e := newEngine(t)
	ctx := context.Background()
	cases := []struct {
		key, value, field, want string
	}{
		{KeySyncEnabled, "true", KeySyncDays, "choose at least one day while the sync is enabled"},
		{"guard.users.deactivate.percent", "150", "guard.users.deactivate.percent", "more than 100%"},
		{"guard.users.remove.percent", "101%", "guard.users.deactivate.percent", "more than 100%"},
		{KeyInputDrop, "250", KeyInputDrop, "more than 100%"},
		{"sync.enabld", "true", "sync.enabld", "unknown setting"},
	}
	for _, c := range cases {
		_, err1 := e.SetSetting(ctx, c.key, c.value)
		_, err2 := e.SetSettings(ctx, map[string]string{c.key: c.value})
		var se1, se2 *SettingsError
		if !errors.As(err1, &se1) || !errors.As(err2, &se2) {
			t.Fatalf("%s=%s accepted or not a SettingsError: %v / %v", c.key, c.value, err1, err2)
		}
		if err1.Error() != err2.Error() || !strings.Contains(se1.Fields[c.field], c.want) {
			t.Errorf("%s=%s: CLI says %q, window says %q; want %q on %s", c.key, c.value, err1, err2, c.want, c.field)
		}
	}
	if _, err := e.SetSetting(ctx, "nope", "1"); !errors.Is(err, ErrUnknownSetting) {
		t.Errorf("unknown key: %v", err)
	}
	if v, _ := e.Setting(ctx, KeySyncEnabled); v != "false" {
		t.Fatalf("sync.enabled stored as %s after a refusal", v)
	}
	if v, _ := e.Setting(ctx, "guard.users.deactivate.percent"); v == "150" {
		t.Fatal("150% stored")
	}
	if _, err := e.SetSetting(ctx, "guard.users.deactivate.percent", "100"); err != nil {
		t.Fatalf("100%% refused: %v", err)
	}
	// Days and time set one by one, then enabled: accepted.
	for k, v := range map[string]string{KeySyncDays: "mon", KeySyncTime: "06:00"} {
		if _, err := e.SetSetting(ctx, k, v); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := e.SetSetting(ctx, KeySyncEnabled, "true"); err != nil {
		t.Fatalf("enabled with days and time: %v", err)
	}
	// ...and days can't be cleared while enabled.
	if _, err := e.SetSetting(ctx, KeySyncDays, ""); err == nil {
		t.Fatal("days cleared while enabled")
	}
}

// A teacher-permission change is recorded: who, when, from what to what, and
// how many courses it reached.
func TestTeacherPermissionChangeIsAudited(t *testing.T) {
	e := newEngine(t)
	ctx := context.Background()
	mustSync(t, e, district().zip(t, ""), rosterdesk.ScopeBuildings)
	mustSync(t, e, district().zip(t, ""), rosterdesk.ScopeUsersCourses)
	if _, err := e.SetSetting(ctx, KeyTeacherPerm, PermLessonsOnly); err != nil {
		t.Fatal(err)
	}
	if _, err := e.SetSetting(ctx, KeyTeacherPerm, PermLessonsOnly); err != nil { // unchanged: not recorded again
		t.Fatal(err)
	}
	ch, err := e.SettingChanges(ctx, KeyTeacherPerm, 0)
	if err != nil {
		t.Fatal(err)
	}
	admin, _ := e.CreditedAdmin(ctx)
	if len(ch) != 1 || ch[0].Old != PermUnitsLessons || ch[0].New != PermLessonsOnly || ch[0].Records < 1 ||
		ch[0].Admin != admin.Email || ch[0].At == "" {
		t.Fatalf("changes %+v (admin %s)", ch, admin.Email)
	}
}
