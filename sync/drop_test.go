package sync

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"rosterdesk"
)

// A folder handed over on its own is an unzipped export, read in place.
func TestUploadFilesFolder(t *testing.T) {
	e := newEngine(t)
	d := district()
	mustSync(t, e, d.zip(t, ""), rosterdesk.ScopeBuildings)
	dir := d.dir(t)
	src, u, cleanup, err := e.UploadFiles([]string{dir})
	defer cleanup()
	if err != nil || src != dir || u.Kind != UploadFiles || u.Scope != "" {
		t.Fatalf("folder: %q %v %v", src, u, err)
	}
	if _, err := e.PlanRun(context.Background(), src, Options{Scope: rosterdesk.ScopeUsersCourses, Trigger: rosterdesk.TriggerUpload}); err != nil {
		t.Fatalf("plan of the folder: %v", err)
	}
}

// Files dropped on the OneRoster screen connect the folder they are in;
// files from two folders, or a folder among files, are refused with why.
func TestConnectSource(t *testing.T) {
	dir := district().dir(t)
	users, orgs := filepath.Join(dir, "users.csv"), filepath.Join(dir, "orgs.csv")
	if src, err := ConnectSource([]string{users, orgs}); err != nil || src != dir {
		t.Fatalf("files of one folder: %q %v", src, err)
	}
	if src, err := ConnectSource([]string{dir}); err != nil || src != dir {
		t.Fatalf("a folder: %q %v", src, err)
	}
	other := t.TempDir()
	moved := filepath.Join(other, "courses.csv")
	b, _ := os.ReadFile(filepath.Join(dir, "courses.csv"))
	os.WriteFile(moved, b, 0o600)
	if _, err := ConnectSource([]string{users, moved}); err == nil || !strings.Contains(err.Error(), "courses.csv") || !strings.Contains(err.Error(), "one folder") {
		t.Fatalf("two folders: %v", err)
	}
	if _, err := ConnectSource([]string{users, other}); err == nil || !strings.Contains(err.Error(), "is a folder") {
		t.Fatalf("a folder among files: %v", err)
	}
	if _, err := ConnectSource(nil); err == nil {
		t.Fatal("nothing dropped accepted")
	}
}

// Without a keychain the admin is told what to do, not the system's error.
func TestNoKeychainWording(t *testing.T) {
	err := &NoKeychainError{Err: errors.New(`exec: "dbus-launch": executable file not found in $PATH`)}
	if msg := err.Error(); strings.Contains(msg, "dbus") || !strings.Contains(msg, "no OS keychain") || !strings.Contains(msg, EnvClientSecret) {
		t.Fatalf("%q", msg)
	}
}
