package ui

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"rosterdesk"
	rsync "rosterdesk/sync"
)

// fakeTray stands in for the driver's system tray, which the test driver lacks.
type fakeTray struct {
	menu *fyne.Menu
	win  fyne.Window
}

func (f *fakeTray) SetSystemTrayMenu(m *fyne.Menu)  { f.menu = m }
func (f *fakeTray) SetSystemTrayIcon(fyne.Resource) {}

// SetSystemTrayWindow does what Fyne 2.8's does to the window: its close button hides it.
func (f *fakeTray) SetSystemTrayWindow(w fyne.Window) { f.win = w; w.SetCloseIntercept(w.Hide) }
func (f *fakeTray) labels() (out []string) {
	for _, it := range f.menu.Items {
		out = append(out, it.Label)
	}
	return out
}

// item finds a tray menu item by label.
func (f *fakeTray) item(t *testing.T, label string) *fyne.MenuItem {
	t.Helper()
	for _, it := range f.menu.Items {
		if it.Label == label {
			return it
		}
	}
	t.Fatalf("no %q in the tray menu %q", label, f.labels())
	return nil
}

// newTestDesktop hosts the window's content with a fake tray, capturing
// notifications and quits.
func newTestDesktop(t *testing.T, eng *rsync.Engine, sched Scheduler, now time.Time) (*Desktop, *fakeTray, *[]*fyne.Notification, *int) {
	t.Helper()
	m, w := newTestUI(t, eng)
	tray := &fakeTray{}
	var sent []*fyne.Notification
	quits := 0
	d := newDesktop(fyne.CurrentApp(), w, m, eng, DesktopOptions{Scheduler: sched}, tray)
	d.notify = func(n *fyne.Notification) { sent = append(sent, n) }
	d.exit = func() { quits++ }
	d.now, d.loc = func() time.Time { return now }, time.UTC
	d.trayShown = func() bool { return true }
	wait(t, d.refreshTray())
	idle(t, m)
	return d, tray, &sent, &quits
}

// scheduledEngine is a roster with buildings synchronized and an automated
// sync every day at 06:00 UTC from a watched folder.
func scheduledEngine(t *testing.T) (*rsync.Engine, string) {
	t.Helper()
	eng := adminEngine(t)
	src, _ := district(t, 0, "")
	syncs(t, eng, src, rosterdesk.ScopeBuildings)
	folder := t.TempDir()
	if _, err := eng.SetSettings(context.Background(), map[string]string{rsync.KeyOneRosterOn: "true", rsync.KeySyncEnabled: "true",
		rsync.KeySyncDays: "mon,tue,wed,thu,fri,sat,sun", rsync.KeySyncTime: "06:00", rsync.KeySyncSource: "folder", rsync.KeyWatchFolder: folder}); err != nil {
		t.Fatal(err)
	}
	return eng, folder
}

// dropBundle copies a district into the watched folder, settled a while ago.
func dropBundle(t *testing.T, folder string) {
	t.Helper()
	src, _ := district(t, 0, "")
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(folder, "OneRoster.zip")
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-time.Hour)
	os.Chtimes(p, old, old)
}

// Pause from the tray pauses from today (and says so); the menu then offers
// Resume, which clears the pause; the Preferences show both.
func TestTrayPauseResume(t *testing.T) {
	eng, _ := scheduledEngine(t)
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	sched := startScheduler(t, eng, now)
	d, tray, sent, _ := newTestDesktop(t, eng, sched, now)
	if got := strings.Join(tray.labels(), "|"); got != "Open RosterDesk|Sync now|Pause automated syncs||Next automated sync: Tue 2026-11-24 06:00 UTC (06:00 local time)||Quit" {
		t.Fatalf("menu %q", got)
	}
	if tray.win != d.win {
		t.Error("the tray does not bring the window back")
	}

	tray.item(t, trayPause).Action()
	idle(t, d.m)
	if setting(t, eng, rsync.KeyPauseFrom) != "2026-11-23" || setting(t, eng, rsync.KeyPauseUntil) != "" {
		t.Fatalf("pause %q–%q", setting(t, eng, rsync.KeyPauseFrom), setting(t, eng, rsync.KeyPauseUntil))
	}
	last := (*sent)[len(*sent)-1]
	if last.Title != "RosterDesk: automated syncs paused" || last.Content != "Automated syncs from 2026-11-23 on are skipped, until you resume and recorded in History." {
		t.Errorf("notification %q: %q", last.Title, last.Content)
	}
	if !contains(tray.labels(), trayResume) || !contains(tray.labels(), "Automated syncs paused until you resume") || contains(tray.labels(), trayPause) {
		t.Fatalf("paused menu %q", tray.labels())
	}
	// The Schedule section shows the pause (it was loaded before).
	d.m.selectTab(NavPreferences)
	idle(t, d.m)
	if d.m.preferences.auto.pauseFrom.Text != "2026-11-23" || !strings.HasPrefix(d.m.preferences.auto.pauseNote.Text, "Paused now") {
		t.Errorf("preferences: from %q, note %q", d.m.preferences.auto.pauseFrom.Text, d.m.preferences.auto.pauseNote.Text)
	}
	// An automated run today is skipped, and notifies nothing.
	res, err := eng.AutomatedRun(context.Background(), now)
	if err != nil || res.Status != rosterdesk.StatusSkipped {
		t.Fatalf("run while paused: %+v %v", res, err)
	}
	n := len(*sent)
	d.AutomatedRunFinished(res, err)
	idle(t, d.m)
	if len(*sent) != n {
		t.Errorf("a skipped run notified %q", (*sent)[n].Content)
	}

	tray.item(t, trayResume).Action()
	idle(t, d.m)
	if setting(t, eng, rsync.KeyPauseFrom) != "" || !contains(tray.labels(), trayPause) {
		t.Fatalf("not resumed: %q, menu %q", setting(t, eng, rsync.KeyPauseFrom), tray.labels())
	}
	if last := (*sent)[len(*sent)-1]; last.Title != "RosterDesk: automated syncs resumed" {
		t.Errorf("notification %q", last.Title)
	}
	if d.m.preferences.auto.pauseFrom.Text != "" || d.m.preferences.auto.pauseNote.Text != "No pause is set." {
		t.Errorf("preferences after resume: %q %q", d.m.preferences.auto.pauseFrom.Text, d.m.preferences.auto.pauseNote.Text)
	}
}

// Closing the window hides it to the tray while a run is scheduled, and
// quits otherwise; without a tray icon it asks first, saying when the next
// run would have been; the tray's Quit always quits.
func TestTrayCloseAndQuit(t *testing.T) {
	eng, _ := scheduledEngine(t)
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	sched := startScheduler(t, eng, now)
	d, tray, sent, quits := newTestDesktop(t, eng, sched, now)

	d.closeRequested()
	if !d.hidden || *quits != 0 || len(*sent) != 1 || !strings.Contains((*sent)[0].Content, "automated sync of Tue 2026-11-24 06:00 UTC") {
		t.Fatalf("close with a schedule: hidden %v, quits %d, sent %v", d.hidden, *quits, *sent)
	}
	d.closeRequested() // told once
	if len(*sent) != 1 {
		t.Error("the tray notice came twice")
	}
	tray.item(t, trayOpen).Action()
	if d.hidden {
		t.Error("Open did not show the window")
	}

	// Quit from the tray always quits, without asking.
	tray.item(t, trayQuit).Action()
	if *quits != 1 {
		t.Fatal("Quit did not quit")
	}

	// No tray icon shown (a Linux desktop without a StatusNotifier host):
	// closing asks rather than hiding the window for good.
	d.trayShown = func() bool { return false }
	d.closeRequested()
	if d.hidden || !strings.Contains(overlayText(d.win), "would have run") {
		t.Fatalf("closed without a tray: hidden %v, dialog %q", d.hidden, overlayText(d.win))
	}
	test.Tap(overlayButton(t, d.win, "Quit"))
	if *quits != 2 {
		t.Fatal("Quit did not quit")
	}
	d.trayShown = func() bool { return true }

	// Sync disabled: nothing is scheduled, closing quits.
	if _, err := eng.SetSettings(context.Background(), map[string]string{rsync.KeySyncEnabled: "false"}); err != nil {
		t.Fatal(err)
	}
	wait(t, d.reschedule())
	idle(t, d.m)
	if !contains(tray.labels(), "No automated sync scheduled") {
		t.Errorf("menu %q", tray.labels())
	}
	d.closeRequested()
	if *quits != 3 {
		t.Fatal("closing without a schedule did not quit")
	}
}

// A scheduled run's notification: applied with its counts, held with why,
// failed with the cause; a cancelled run says nothing.
func TestRunNotifications(t *testing.T) {
	eng, folder := scheduledEngine(t)
	ctx := context.Background()
	now := time.Now().UTC()
	d, _, sent, _ := newTestDesktop(t, eng, nil, now)
	last := func() *fyne.Notification {
		t.Helper()
		if len(*sent) == 0 {
			t.Fatal("no notification")
		}
		return (*sent)[len(*sent)-1]
	}

	// Held: the first automated run after a pause.
	dropBundle(t, folder)
	if _, err := eng.PauseFrom(ctx, now); err != nil {
		t.Fatal(err)
	}
	if res, _ := eng.AutomatedRun(ctx, now); res.Status != rosterdesk.StatusSkipped {
		t.Fatalf("paused run %+v", res)
	}
	if err := eng.Resume(ctx); err != nil {
		t.Fatal(err)
	}
	res, err := eng.AutomatedRun(ctx, now)
	if res == nil || res.Status != rosterdesk.StatusHeld {
		t.Fatalf("first run after the pause: %+v %v", res, err)
	}
	d.AutomatedRunFinished(res, err)
	idle(t, d.m)
	n := last()
	if n.Title != "RosterDesk: automated sync held for review" || !strings.Contains(n.Content, "first automated run after a pause") ||
		!strings.Contains(n.Content, "Review it in History") || !strings.Contains(n.Content, "users "+num(res.Counts.Users.Added)+" added") {
		t.Errorf("held: %q: %q", n.Title, n.Content)
	}

	// Failed: the provider is the source, and none is set up.
	if _, err := eng.SetSettings(ctx, map[string]string{rsync.KeySyncSource: "provider"}); err != nil {
		t.Fatal(err)
	}
	res, err = eng.AutomatedRun(ctx, now)
	if err == nil {
		t.Fatalf("no provider: %+v", res)
	}
	d.AutomatedRunFinished(res, err)
	idle(t, d.m)
	if n := last(); n.Title != "RosterDesk: automated sync failed" || !strings.Contains(n.Content, "Refused: no OneRoster REST provider is set up") {
		t.Errorf("failed: %q: %q", n.Title, n.Content)
	}

	// Applied: the numbers of what changed.
	src, _ := district(t, 0, "")
	applied := syncs(t, eng, src, "")
	n = runNotification(applied, nil, true)
	want := "Run " + strconvI(applied.ID) + ", Users + Courses: users " + num(applied.Counts.Users.Added) + " added, 0 updated, 0 deactivated; courses "
	if n.Title != "RosterDesk: automated sync done" || !strings.HasPrefix(n.Content, want) || !strings.HasSuffix(n.Content, "0 errors, "+plural(applied.Warnings, "warning", "warnings")+".") {
		t.Errorf("applied: %q: %q\nwant prefix %q", n.Title, n.Content, want)
	}
	if n := runNotification(applied, nil, false); n.Title != "RosterDesk: sync now done" {
		t.Errorf("manual: %q", n.Title)
	}

	// Cancelled (RosterDesk quitting) and not run: nothing.
	if n := runNotification(nil, context.Canceled, true); n != nil {
		t.Errorf("cancelled: %+v", n)
	}
	if n := runNotification(&rsync.Result{Run: rosterdesk.Run{Status: rosterdesk.StatusMissed}}, nil, true); n != nil {
		t.Errorf("missed: %+v", n)
	}
	// A failure without a run.
	if n := runNotification(nil, errors.New("disk full"), true); n.Content != "Automated sync failed: disk full" {
		t.Errorf("bare failure: %q", n.Content)
	}
	if got := shortCounts(rosterdesk.Counts{}); got != "no changes" {
		t.Errorf("no counts: %q", got)
	}
}

// Sync now from the tray syncs the connection and notifies the result; before
// the initial user sync it says why not.
func TestTraySyncNow(t *testing.T) {
	eng := adminEngine(t)
	src, _ := district(t, 0, "")
	syncs(t, eng, src, rosterdesk.ScopeBuildings)
	if _, err := eng.SetSettings(context.Background(), map[string]string{rsync.KeySource: src}); err != nil {
		t.Fatal(err)
	}
	d, tray, sent, _ := newTestDesktop(t, eng, nil, time.Now())
	tray.item(t, traySyncNow).Action()
	idle(t, d.m)
	if n := (*sent)[len(*sent)-1]; n.Content != syncNowWhy {
		t.Fatalf("before the users sync: %q", n.Content)
	}
	syncs(t, eng, src, rosterdesk.ScopeUsers)
	tray.item(t, traySyncNow).Action()
	if !contains(tray.labels(), traySyncing) {
		t.Errorf("menu while syncing %q", tray.labels())
	}
	idle(t, d.m)
	runs, _ := eng.History(context.Background(), 1, 0)
	n := (*sent)[len(*sent)-1]
	if runs[0].Trigger != rosterdesk.TriggerManual || n.Title != "RosterDesk: sync now done" || !strings.HasPrefix(n.Content, "Run "+strconvI(runs[0].ID)) {
		t.Fatalf("run %+v, notification %q: %q", runs[0], n.Title, n.Content)
	}
	if !contains(tray.labels(), traySyncNow) {
		t.Errorf("menu after %q", tray.labels())
	}
}
