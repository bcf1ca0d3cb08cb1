//go:build linux

package main

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"
)

// These tests close the real window the way a user does: a virtual X display
// (Xvfb) with a real window manager (openbox) asks the app's window to close
// (wmctrl -c sends _NET_CLOSE_WINDOW; openbox passes WM_DELETE_WINDOW to the
// window, GLFW calls its close callback, Fyne its close intercept), exactly
// as the title bar's × or Alt+F4 do. The app is this test binary running
// `rosterdesk` in a child process.

// desktop is a virtual display with a window manager.
type desktop struct {
	display string
	home    string
}

func needTools(t *testing.T, tools ...string) {
	t.Helper()
	if testing.Short() {
		t.Skip("starts a virtual display and the real app")
	}
	for _, tool := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed (make deps installs Xvfb, openbox, wmctrl and xdotool)", tool)
		}
	}
}

// startDesktop starts Xvfb and openbox, stopped when the test ends.
func startDesktop(t *testing.T) *desktop {
	t.Helper()
	needTools(t, "Xvfb", "openbox", "wmctrl", "xdotool", "xwininfo")
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	x := exec.Command("Xvfb", "-displayfd", "3", "-screen", "0", "1280x800x24", "-nolisten", "tcp")
	x.ExtraFiles = []*os.File{w}
	if err := x.Start(); err != nil {
		t.Fatal(err)
	}
	w.Close()
	t.Cleanup(func() { x.Process.Kill(); x.Wait() })
	num := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(r).ReadString('\n')
		num <- strings.TrimSpace(line)
	}()
	d := &desktop{home: t.TempDir()}
	select {
	case n := <-num:
		d.display = ":" + n
	case <-time.After(20 * time.Second):
		t.Fatal("Xvfb did not start")
	}
	os.MkdirAll(filepath.Join(d.home, ".cache"), 0o755)
	// openbox, restarted if it ends before it manages the display (a busy machine).
	var wmOut bytes.Buffer
	var wm *exec.Cmd
	exited := make(chan struct{})
	startWM := func() {
		wm = exec.Command("openbox")
		wm.Env = d.env()
		wm.Stdout, wm.Stderr = &wmOut, &wmOut
		if err := wm.Start(); err != nil {
			t.Fatal(err)
		}
		exited = make(chan struct{})
		go func(c *exec.Cmd, done chan struct{}) { c.Wait(); close(done) }(wm, exited)
	}
	startWM()
	t.Cleanup(func() { wm.Process.Kill(); <-exited })
	for end := time.Now().Add(2 * time.Minute); ; time.Sleep(200 * time.Millisecond) {
		if _, err := d.run("wmctrl", "-m"); err == nil {
			break
		}
		select {
		case <-exited:
			startWM()
		default:
		}
		if time.Now().After(end) {
			t.Fatalf("timed out waiting for the window manager on %s:\n%s", d.display, wmOut.String())
		}
	}
	return d
}

// env is the environment of a program on the display; no session bus unless one is added.
func (d *desktop) env(extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); k == "DISPLAY" || k == "HOME" || k == "DBUS_SESSION_BUS_ADDRESS" ||
			k == "XDG_CONFIG_HOME" || k == "XDG_CACHE_HOME" || k == "XDG_RUNTIME_DIR" || k == "WAYLAND_DISPLAY" {
			continue
		}
		env = append(env, kv)
	}
	env = append(env, "DISPLAY="+d.display, "HOME="+d.home, "DBUS_SESSION_BUS_ADDRESS=disabled:")
	return append(env, extra...)
}

func (d *desktop) run(name string, args ...string) (string, error) {
	cmd := exec.Command(name, args...)
	cmd.Env = d.env()
	out, err := cmd.CombinedOutput()
	return strings.TrimSpace(string(out)), err
}

func (d *desktop) waitFor(t *testing.T, what string, ok func() bool) {
	t.Helper()
	for end := time.Now().Add(60 * time.Second); !ok(); time.Sleep(200 * time.Millisecond) {
		if time.Now().After(end) {
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

// appProc is RosterDesk running on the display.
type appProc struct {
	cmd  *exec.Cmd
	out  *bytes.Buffer
	win  string // X window id
	done chan error
}

// startApp opens RosterDesk on db and waits for its window.
func (d *desktop) startApp(t *testing.T, db string, env ...string) *appProc {
	t.Helper()
	a := &appProc{out: &bytes.Buffer{}, done: make(chan error, 1)}
	a.cmd = exec.Command(os.Args[0], "--db", db)
	a.cmd.Env = d.env(append(env, "ROSTERDESK_AS_CLI=1")...)
	a.cmd.Stdout, a.cmd.Stderr = a.out, a.out
	if err := a.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { a.done <- a.cmd.Wait() }()
	t.Cleanup(func() {
		if a.cmd.ProcessState == nil {
			a.cmd.Process.Kill()
			<-a.done
		}
	})
	d.waitFor(t, "the RosterDesk window", func() bool {
		out, err := d.run("xdotool", "search", "--onlyvisible", "--name", "^RosterDesk$")
		if err == nil && out != "" {
			a.win = strings.Fields(out)[0]
			return true
		}
		return false
	})
	time.Sleep(2 * time.Second) // let it settle (first frame, tray start)
	return a
}

// closeWindow asks the window manager to close the window, as its × does.
func (d *desktop) closeWindow(t *testing.T, a *appProc) {
	t.Helper()
	if out, err := d.run("wmctrl", "-i", "-c", a.win); err != nil {
		t.Fatalf("wmctrl -c: %v %s", err, out)
	}
}

// mapState is xwininfo's Map State of the window: IsViewable or IsUnMapped.
func (d *desktop) mapState(t *testing.T, a *appProc) string {
	t.Helper()
	out, err := d.run("xwininfo", "-id", a.win)
	if err != nil {
		return "gone"
	}
	for _, line := range strings.Split(out, "\n") {
		if k, v, ok := strings.Cut(strings.TrimSpace(line), ":"); ok && k == "Map State" {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// exited waits up to limit for the app to end.
func (a *appProc) exited(limit time.Duration) (bool, error) {
	select {
	case err := <-a.done:
		return true, err
	case <-time.After(limit):
		return false, nil
	}
}

// scheduleDaily sets an automated sync every day, an hour or more ahead.
func scheduleDaily(t *testing.T, db string) {
	t.Helper()
	folder := t.TempDir()
	rd(t, db, "admin", "add", "it@example.org", "IT Admin")
	rd(t, db, "settings", "set", "credited_admin", "it@example.org")
	at := time.Now().UTC().Add(3 * time.Hour)
	// In this order: the sync is enabled once it has days, a time and a source.
	for _, kv := range [][2]string{{"sync.days", "mon,tue,wed,thu,fri,sat,sun"}, {"sync.time", at.Format("15:04")},
		{"sync.source", "folder"}, {"sync.watch_folder", folder}, {"oneroster.enabled", "true"}, {"sync.enabled", "true"}} {
		if code, _, errs := rd(t, db, "settings", "set", kv[0], kv[1]); code != 0 {
			t.Fatalf("settings set %s %s: %s", kv[0], kv[1], errs)
		}
	}
}

// With no automated sync scheduled, closing the window quits RosterDesk.
func TestCloseWindowQuits(t *testing.T) {
	d := startDesktop(t)
	db := filepath.Join(t.TempDir(), "roster.db")
	rd(t, db, "admin", "add", "it@example.org", "IT Admin")
	a := d.startApp(t, db)
	d.closeWindow(t, a)
	ended, err := a.exited(20 * time.Second)
	if !ended {
		t.Fatalf("closing the window did not quit (window %s):\n%s", d.mapState(t, a), a.out)
	}
	if err != nil {
		t.Fatalf("exit: %v\n%s", err, a.out)
	}
	if !strings.Contains(a.out.String(), `"quit"`) {
		t.Errorf("no quit logged:\n%s", a.out)
	}
}

// With a schedule and no tray icon (no StatusNotifier host, as on a bare
// Linux desktop), closing asks: the window stays, and Enter (its Quit) quits.
func TestCloseWindowWithScheduleAndNoTrayAsks(t *testing.T) {
	d := startDesktop(t)
	db := filepath.Join(t.TempDir(), "roster.db")
	scheduleDaily(t, db)
	a := d.startApp(t, db)
	d.closeWindow(t, a)
	if ended, _ := a.exited(4 * time.Second); ended {
		t.Fatalf("closing quit although a sync is scheduled and no tray icon could bring it back:\n%s", a.out)
	}
	if st := d.mapState(t, a); st != "IsViewable" {
		t.Fatalf("window %s after close; want it shown, asking", st)
	}
	d.run("xdotool", "windowactivate", "--sync", a.win)
	d.run("xdotool", "key", "Return") // typed, as a person does (XTEST)
	if ended, err := a.exited(20 * time.Second); !ended || err != nil {
		t.Fatalf("Enter on the question did not quit (ended %v, %v):\n%s", ended, err, a.out)
	}
}

// watcher is a stand-in StatusNotifierWatcher (the tray host of KDE, Xfce…)
// on a private session bus.
type watcher struct{ items []string }

func (w *watcher) RegisterStatusNotifierItem(service string) *dbus.Error {
	w.items = append(w.items, service)
	return nil
}

func (w *watcher) RegisterStatusNotifierHost(string) *dbus.Error { return nil }

// startTrayHost starts a session bus with a StatusNotifierWatcher on it; its address.
func startTrayHost(t *testing.T) string {
	t.Helper()
	needTools(t, "dbus-daemon")
	bus := exec.Command("dbus-daemon", "--session", "--nofork", "--print-address=1")
	out, _ := bus.StdoutPipe()
	if err := bus.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { bus.Process.Kill(); bus.Wait() })
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatal("dbus-daemon:", err)
	}
	addr := strings.TrimSpace(line)
	conn, err := dbus.Connect(addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	if err := conn.Export(&watcher{}, "/StatusNotifierWatcher", "org.kde.StatusNotifierWatcher"); err != nil {
		t.Fatal(err)
	}
	if reply, err := conn.RequestName("org.kde.StatusNotifierWatcher", dbus.NameFlagDoNotQueue); err != nil || reply != dbus.RequestNameReplyPrimaryOwner {
		t.Fatalf("owning the watcher name: %v %v", reply, err)
	}
	return addr
}

// With a schedule and a tray icon shown, closing hides the window to the
// tray and RosterDesk keeps running; SIGTERM (the session ending) still quits.
func TestCloseWindowWithScheduleHidesToTray(t *testing.T) {
	d := startDesktop(t)
	addr := startTrayHost(t)
	db := filepath.Join(t.TempDir(), "roster.db")
	scheduleDaily(t, db)
	a := d.startApp(t, db, "DBUS_SESSION_BUS_ADDRESS="+addr)
	d.closeWindow(t, a)
	if ended, _ := a.exited(4 * time.Second); ended {
		t.Fatalf("closing quit although a sync is scheduled and the tray is shown:\n%s", a.out)
	}
	if st := d.mapState(t, a); st != "IsUnMapped" {
		t.Fatalf("window %s after close; want it hidden to the tray", st)
	}
	a.cmd.Process.Signal(syscall.SIGTERM)
	if ended, _ := a.exited(20 * time.Second); !ended {
		t.Fatalf("SIGTERM did not quit:\n%s", a.out)
	}
}

// A second launch on the same roster brings the first window forward (here
// from minimized) and ends, instead of opening a second app.
func TestSecondLaunchBringsTheFirstForward(t *testing.T) {
	d := startDesktop(t)
	db := filepath.Join(t.TempDir(), "roster.db")
	rd(t, db, "admin", "add", "it@example.org", "IT Admin")
	a := d.startApp(t, db)
	if out, err := d.run("xdotool", "windowminimize", "--sync", a.win); err != nil {
		t.Fatalf("minimize: %v %s", err, out)
	}
	d.waitFor(t, "the window to minimize", func() bool { return d.mapState(t, a) == "IsUnMapped" })
	second := exec.Command(os.Args[0], "--db", db)
	second.Env = d.env("ROSTERDESK_AS_CLI=1")
	out, err := second.CombinedOutput()
	if err != nil {
		t.Fatalf("second launch: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "already open on this roster") {
		t.Errorf("second launch said:\n%s", out)
	}
	d.waitFor(t, "the first window to come forward", func() bool { return d.mapState(t, a) == "IsViewable" })
	if wins, _ := d.run("xdotool", "search", "--onlyvisible", "--name", "^RosterDesk$"); len(strings.Fields(wins)) != 1 {
		t.Errorf("RosterDesk windows: %q", wins)
	}
	if ended, _ := a.exited(time.Second); ended {
		t.Fatalf("the first app ended:\n%s", a.out)
	}
}
