package ui

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"rosterdesk"
	rsync "rosterdesk/sync"
	"rosterdesk/sync/gen"
)

// An empty roster opens on the welcome screen: the admin account first, then
// the sample district, loaded with its progress, fills the Roster and History.
func TestWelcomeFirstRunWithSample(t *testing.T) {
	a := test.NewTempApp(t)
	eng := openEngine(t)
	ctx := context.Background()
	w, m := newMainWindow(a, eng)
	defer w.Close()
	idle(t, m)
	f := m.first
	if f == nil || w.Content() != f.content() {
		t.Fatalf("an empty roster did not open on the welcome screen (content %T)", w.Content())
	}
	texts := strings.Join(append(append(visibleTexts(w.Content()), drawnTexts(w.Content())...), f.connect.Text, f.sample.Text), "\n")
	for _, s := range []string{"1. Create the admin account credited with changes", "2. Choose how to start", connectText, sampleText,
		"Create the admin account first."} {
		if !strings.Contains(texts, s) {
			t.Errorf("%q not on the welcome screen: %q", s, texts)
		}
	}
	if !f.connect.Disabled() || !f.sample.Disabled() {
		t.Fatal("step 2 is open before an admin is credited")
	}

	// Step 1: the admin account, validated by the engine.
	test.Tap(f.form.save)
	if !f.form.err.Visible() || !strings.Contains(f.form.err.Text, "Choose an account") {
		t.Fatalf("empty save: %q", f.form.err.Text)
	}
	test.Type(f.form.name, "Dana Admin")
	test.Type(f.form.email, "dana@")
	wait(t, f.form.submit())
	if !f.form.err.Visible() || !strings.Contains(f.form.err.Text, "not an email address") {
		t.Fatalf("bad email: %q", f.form.err.Text)
	}
	f.form.email.SetText("dana@district.org")
	wait(t, f.form.submit())
	if v, _ := eng.Setting(ctx, rsync.KeyCreditedAdmin); v != "dana@district.org" {
		t.Fatalf("credited admin = %q", v)
	}
	if f.formBox.Visible() || f.credited.Text != "✓ Changes are credited to Dana Admin (dana@district.org)." || f.needs.Visible() {
		t.Errorf("after saving: form visible %v, credited %q", f.formBox.Visible(), f.credited.Text)
	}
	if f.connect.Disabled() || f.sample.Disabled() {
		t.Fatal("step 2 still closed")
	}

	// Step 2: the sample district, with a progress bar.
	test.Tap(f.sample)
	if !f.job.box.Visible() || f.job.title.Text != "Loading the sample district" || !f.connect.Disabled() {
		t.Errorf("no progress while loading: visible %v, title %q", f.job.box.Visible(), f.job.title.Text)
	}
	idle(t, m)
	if m.first != nil || w.Content() != m.nav || m.tabs.Selected().Text != NavRoster {
		t.Fatalf("after loading: content %T, tab %q, result %q", w.Content(), m.tabs.Selected().Text, f.result.Text)
	}
	if txt := overlayText(w); !strings.Contains(txt, "The sample district is loaded") || !strings.Contains(txt, "Both are in History") {
		t.Errorf("no word that the sample is loaded: %q", txt)
	}
	test.Tap(overlayButton(t, w, "OK"))
	got := rosterValues(t, m.roster)
	if got["Buildings/Active"] != "3" || got["Users/Active"] == "0" || got["Courses/Active"] == "0" || got["Course assignments/Active"] == "0" {
		t.Errorf("roster after the sample: %v", got)
	}
	runs, err := eng.History(ctx, 10, 0)
	if err != nil || len(runs) != 2 || runs[0].Scope != rosterdesk.ScopeUsersCourses || runs[1].Scope != rosterdesk.ScopeBuildings {
		t.Fatalf("history after the sample: %+v %v", runs, err)
	}
	m.selectTab(NavHistory)
	idle(t, m)
	if m.history.table.total != 2 {
		t.Errorf("History shows %d runs", m.history.table.total)
	}

	// The roster has data now: the next start opens on the tabs.
	w2, m2 := newMainWindow(a, eng)
	defer w2.Close()
	idle(t, m2)
	if m2.first != nil || m2.welcome != nil || w2.Content() != m2.nav {
		t.Error("welcome shown again on a roster with data")
	}
}

// With an admin credited already, step 1 says so; Connect your SIS opens the OneRoster tab.
func TestWelcomeConnectYourSIS(t *testing.T) {
	a := test.NewTempApp(t)
	eng := adminEngine(t)
	w, m := newMainWindow(a, eng)
	defer w.Close()
	idle(t, m)
	f := m.first
	if f == nil {
		t.Fatal("no welcome screen on an empty roster")
	}
	if f.formBox.Visible() || !strings.Contains(f.credited.Text, "District IT (it@district.org)") || f.connect.Disabled() {
		t.Fatalf("credited admin not shown: %q", f.credited.Text)
	}
	// Change… reopens the form.
	test.Tap(f.change)
	if !f.formBox.Visible() || !f.connect.Disabled() {
		t.Fatal("Change… did not reopen step 1")
	}
	f.form.pick.SetSelected(f.form.pick.Options[0])
	wait(t, f.form.submit())
	test.Tap(f.connect)
	idle(t, m)
	if m.first != nil || w.Content() != m.nav || m.tabs.Selected().Text != NavOneRoster {
		t.Fatalf("Connect your SIS: content %T, tab %q", w.Content(), m.tabs.Selected().Text)
	}
}

// TestScreenshotWithdrawn writes withdrawn.zip into RD_SAMPLE_DIR (otherwise
// it skips): the sample district the welcome screen loads, with 30% of its
// students withdrawn (left out of users.csv, with their enrollments), which
// the safeguards hold for review. scripts/screenshots-safeguards.sh syncs it.
func TestScreenshotWithdrawn(t *testing.T) {
	dir := os.Getenv("RD_SAMPLE_DIR")
	if dir == "" {
		t.Skip("RD_SAMPLE_DIR not set")
	}
	d := gen.Generate(gen.Sample())
	students := 0
	for _, u := range d.Users {
		if u.Role == "student" {
			students++
		}
	}
	drop := map[string]bool{}
	var keep []gen.User
	for _, u := range d.Users {
		if u.Role == "student" && len(drop) < students*3/10 {
			drop[u.SourcedID] = true
			continue
		}
		keep = append(keep, u)
	}
	cut := *d
	cut.Users = keep
	cut.Enrollments = nil
	for _, e := range d.Enrollments {
		if !drop[e.UserSourcedID] {
			cut.Enrollments = append(cut.Enrollments, e)
		}
	}
	if err := cut.WriteZip(filepath.Join(dir, "withdrawn.zip"), gen.SampleWriteOptions()); err != nil {
		t.Fatal(err)
	}
}
