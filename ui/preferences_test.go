package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"rosterdesk"
	rsync "rosterdesk/sync"
)

func setting(t *testing.T, eng *rsync.Engine, key string) string {
	t.Helper()
	v, err := eng.Setting(context.Background(), key)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func openPreferences(t *testing.T, eng *rsync.Engine) (*mainUI, *preferencesScreen) {
	t.Helper()
	m, _ := newTestUI(t, eng)
	m.tabs.SelectIndex(1)
	idle(t, m)
	return m, m.preferences
}

// The credited admin is required; one can be added from here and saved.
func TestPreferencesAdminRequired(t *testing.T) {
	eng := openEngine(t)
	m, p := openPreferences(t, eng)
	s := p.sAdmin
	if p.admin.Selected != "" || len(p.admin.Options) != 0 {
		t.Fatalf("fresh roster: admin %q of %q", p.admin.Selected, p.admin.Options)
	}
	// Saving nothing: the message is beside the field, and nothing is stored.
	wait(t, p.saveSection(s))
	msg := s.errs[rsync.KeyCreditedAdmin]
	if !msg.Visible() || !strings.Contains(msg.Text, "required") || s.status.Text != "Not saved: fix the fields marked in red." {
		t.Fatalf("empty save: %q (visible %v), status %q", msg.Text, msg.Visible(), s.status.Text)
	}
	wait(t, p.addAdminAccount("bad", "Someone"))
	if !strings.Contains(msg.Text, "not an email address") {
		t.Errorf("bad email: %q", msg.Text)
	}
	wait(t, p.addAdminAccount("dana@district.org", "Dana Admin"))
	if p.admin.Selected != "Dana Admin <dana@district.org>" || msg.Visible() {
		t.Fatalf("added admin not selected: %q (error %q)", p.admin.Selected, msg.Text)
	}
	if s.status.Text != unsavedText || !s.dirty() || !strings.HasSuffix(s.item.Text, "•") || s.save.Disabled() {
		t.Fatalf("no unsaved mark: status %q, tab %q", s.status.Text, s.item.Text)
	}
	if setting(t, eng, rsync.KeyCreditedAdmin) != "" {
		t.Fatal("selecting an admin saved it without Save")
	}
	test.Tap(s.save)
	idle(t, m)
	if got := setting(t, eng, rsync.KeyCreditedAdmin); got != "dana@district.org" {
		t.Fatalf("credited admin = %q", got)
	}
	if s.status.Text != "Saved." || s.dirty() || s.item.Text != "Admin account" || !s.save.Disabled() {
		t.Errorf("after save: status %q, tab %q", s.status.Text, s.item.Text)
	}
}

// Days and time are required while the sync is enabled; the local time is shown as it is typed.
func TestPreferencesSchedule(t *testing.T) {
	eng := adminEngine(t)
	m, p := openPreferences(t, eng)
	la, err := time.LoadLocation("America/Los_Angeles")
	if err != nil {
		t.Skip("no time zone database")
	}
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	p.loc, p.now = la, func() time.Time { return now }
	s := p.sSchedule
	p.tabs.Select(s.item)

	test.Tap(p.enabled)
	wait(t, p.saveSection(s))
	days, at := s.errs[rsync.KeySyncDays], s.errs[rsync.KeySyncTime]
	if !days.Visible() || !strings.Contains(days.Text, "at least one day") || !at.Visible() || !strings.Contains(at.Text, "time is required") {
		t.Fatalf("required messages: days %q (%v), time %q (%v)", days.Text, days.Visible(), at.Text, at.Visible())
	}
	if setting(t, eng, rsync.KeySyncEnabled) != "false" {
		t.Fatal("a refused section was saved")
	}

	p.days.SetSelected([]string{"Mon", "Wed", "Fri"})
	test.Type(p.at, "25:00")
	if !strings.Contains(p.preview.Text, `"25:00" is not a time of day`) {
		t.Errorf("preview of a bad time: %q", p.preview.Text)
	}
	p.at.SetText("06:00")
	want := "Local time: " + rsync.SchedulePreview([]string{"mon", "wed", "fri"}, "06:00", la, now)
	if p.preview.Text != want || !strings.Contains(want, "Sun, Tue, Thu at 22:00") {
		t.Errorf("preview %q\nwant    %q", p.preview.Text, want)
	}
	p.at.SetText("18:30")
	if !strings.Contains(p.preview.Text, "Mon, Wed, Fri at 10:30 local time") {
		t.Errorf("preview follows the typing: %q", p.preview.Text)
	}
	wait(t, p.saveSection(s))
	idle(t, m)
	if days.Visible() || at.Visible() {
		t.Errorf("messages stay after a good save: %q %q", days.Text, at.Text)
	}
	if setting(t, eng, rsync.KeySyncEnabled) != "true" || setting(t, eng, rsync.KeySyncDays) != "mon,wed,fri" || setting(t, eng, rsync.KeySyncTime) != "18:30" {
		t.Fatalf("stored %s %s %s", setting(t, eng, rsync.KeySyncEnabled), setting(t, eng, rsync.KeySyncDays), setting(t, eng, rsync.KeySyncTime))
	}
	// The summer advice sits beside the switch, with all six reasons.
	shown := strings.Join(visibleTexts(s.item.Content), "\n")
	if !strings.Contains(shown, "turn the automated sync off during the summer break") || len(rsync.SummerReasons) != 6 {
		t.Error("no summer advice")
	}
	for _, r := range rsync.SummerReasons {
		if !strings.Contains(shown, r) {
			t.Errorf("summer advice lacks %q", r)
		}
	}
}

// Processes, teacher permission and automation are saved through the engine.
func TestPreferencesOtherSections(t *testing.T) {
	eng := adminEngine(t)
	src, _ := district(t, 0, "")
	syncs(t, eng, src, rosterdesk.ScopeBuildings)
	syncs(t, eng, src, rosterdesk.ScopeUsersCourses)
	m, p := openPreferences(t, eng)

	if p.process.Selected != procUsersCourses || p.permission.Selected != permUnits || !p.markGone.Checked {
		t.Fatalf("defaults shown: %q %q %v", p.process.Selected, p.permission.Selected, p.markGone.Checked)
	}
	p.process.SetSelected(procUsers)
	wait(t, p.saveSection(p.sProcess))
	if setting(t, eng, rsync.KeySyncProcess) != "users" {
		t.Error("process not saved")
	}

	p.permission.SetSelected(permLessons)
	wait(t, p.saveSection(p.sPerm))
	idle(t, m)
	if setting(t, eng, rsync.KeyTeacherPerm) != rsync.PermLessonsOnly {
		t.Error("permission not saved")
	}
	rec, _, err := eng.Show(context.Background(), "course", "crs-000001")
	if err != nil || rec.Fields["teacher_permission"] != rsync.PermLessonsOnly {
		t.Errorf("existing course: %v, %v", rec, err)
	}

	a := p.sAuto
	test.Tap(p.markGone)
	test.Tap(p.grades.add)
	test.Tap(p.grades.add)
	p.grades.rows[0].code.SetText("KG")
	p.grades.rows[0].label.SetText("Kindergarten")
	p.grades.rows[1].code.SetText("KG")
	p.grades.rows[1].label.SetText("K")
	wait(t, nilOr(p.saveSection(a)))
	if msg := a.errs[rsync.KeyGradesMap]; !msg.Visible() || !strings.Contains(msg.Text, `"KG" appears twice`) {
		t.Fatalf("duplicate grade: %q", msg.Text)
	}
	p.grades.rows[1].code.SetText("13")
	p.grades.rows[1].label.SetText("PG")
	wait(t, p.saveSection(a))
	idle(t, m)
	if got := setting(t, eng, rsync.KeyGradesMap); got != `{"13":"PG","KG":"Kindergarten"}` {
		t.Errorf("grades.map = %s", got)
	}
	if setting(t, eng, rsync.KeyMarkMissingGone) != "false" {
		t.Error("mark missing inactive not saved")
	}
	// Removing a line is an unsaved change again.
	test.Tap(p.grades.rows[0].remove)
	if !a.dirty() || a.status.Text != unsavedText {
		t.Error("removing a grade is not an unsaved change")
	}
}

// nilOr turns a nil channel (nothing started) into a closed one.
func nilOr(ch <-chan struct{}) <-chan struct{} {
	if ch == nil {
		c := make(chan struct{})
		close(c)
		return c
	}
	return ch
}

// Leaving a section, or the Preferences screen, with unsaved changes asks first.
func TestPreferencesLeavingAsks(t *testing.T) {
	eng := adminEngine(t)
	m, p := openPreferences(t, eng)
	w := m.win
	p.tabs.Select(p.sProcess.item)
	p.process.SetSelected(procUsers)
	if !p.sProcess.dirty() {
		t.Fatal("not dirty")
	}
	// Another section: the dialog asks; the section stays.
	p.tabs.Select(p.sPerm.item)
	if p.tabs.Selected() != p.sProcess.item || !strings.Contains(overlayText(w), "unsaved changes in Synchronization processes") {
		t.Fatalf("left without asking; dialog %q", overlayText(w))
	}
	test.Tap(overlayButton(t, w, "Keep editing"))
	if p.tabs.Selected() != p.sProcess.item || p.process.Selected != procUsers {
		t.Fatal("Keep editing lost the edit")
	}
	// Another screen: same question.
	m.tabs.SelectIndex(3)
	if m.tabs.Selected().Text != NavPreferences || !strings.Contains(overlayText(w), "Discard them?") {
		t.Fatalf("left the screen without asking (on %q)", m.tabs.Selected().Text)
	}
	test.Tap(overlayButton(t, w, "Discard changes"))
	idle(t, m)
	if m.tabs.Selected().Text != NavHistory {
		t.Fatalf("Discard did not go on to History (on %q)", m.tabs.Selected().Text)
	}
	if p.process.Selected != procUsersCourses || p.sProcess.dirty() || setting(t, eng, rsync.KeySyncProcess) != "users+courses" {
		t.Errorf("discarded edit: shown %q, stored %q", p.process.Selected, setting(t, eng, rsync.KeySyncProcess))
	}
	// A clean section leaves without a question.
	m.tabs.SelectIndex(1)
	idle(t, m)
	p.tabs.Select(p.sAuto.item)
	if p.tabs.Selected() != p.sAuto.item || w.Canvas().Overlays().Top() != nil {
		t.Error("asked although nothing changed")
	}
}
