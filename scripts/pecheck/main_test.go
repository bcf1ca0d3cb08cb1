package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// build compiles a tiny C program with MinGW, with the app's resources
// (packaging/windows/rosterdesk.rc at version 0.1.0.42) unless bare, for the
// GUI subsystem unless console.
func build(t *testing.T, bare, console bool) string {
	t.Helper()
	cc, windres := "x86_64-w64-mingw32-gcc", "x86_64-w64-mingw32-windres"
	for _, tool := range []string{cc, windres} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not installed (apt-get install gcc-mingw-w64-x86-64)", tool)
		}
	}
	dir := t.TempDir()
	run := func(name string, args ...string) {
		t.Helper()
		cmd := exec.Command(name, args...)
		cmd.Dir = filepath.Join("..", "..")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%s %v: %v\n%s", name, args, err, out)
		}
	}
	src := filepath.Join(dir, "main.c")
	os.WriteFile(src, []byte("#include <windows.h>\nint WINAPI WinMain(HINSTANCE a, HINSTANCE b, LPSTR c, int d) { return 0; }\nint main(void) { return 0; }\n"), 0o644)
	args := []string{"-o", filepath.Join(dir, "t.exe"), src}
	if !bare {
		man, err := os.ReadFile(filepath.Join("..", "..", "packaging", "windows", "rosterdesk.exe.manifest.in"))
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(dir, "rosterdesk.exe.manifest"), []byte(strings.ReplaceAll(string(man), "@VERSION@", "0.1.0.42")), 0o644)
		res := filepath.Join(dir, "rsrc.o")
		run(windres, "-O", "coff", "-F", "pe-x86-64", "-I", dir, "-I", "assets/icons",
			"-DRD_VERSION_NUM=0,1,0,42", "-DRD_VERSION=0.1.0.42", "-i", "packaging/windows/rosterdesk.rc", "-o", res)
		args = append(args, res)
	}
	if !console {
		args = append(args, "-mwindows")
	}
	run(cc, args...)
	return filepath.Join(dir, "t.exe")
}

func TestPackagedExePasses(t *testing.T) {
	exe := build(t, false, false)
	r, err := Check(exe, Want{Version: "0.1.0.42", IconSizes: []int{16, 24, 32, 48, 64, 128, 256}})
	if err != nil {
		t.Fatalf("%v\n%s", err, r)
	}
	if r.IconGroup != "GLFW_ICON" || r.Strings["ProductName"] != "RosterDesk" || r.Strings["ProductVersion"] != "0.1.0.42" ||
		r.Strings["OriginalFilename"] != "RosterDesk.exe" || !strings.Contains(r.Manifest, `version="0.1.0.42"`) {
		t.Fatalf("report:\n%s\n%+v", r, r.Strings)
	}
}

func TestConsoleAndWrongVersionFail(t *testing.T) {
	exe := build(t, false, true)
	_, err := Check(exe, Want{Version: "0.2.0.1", IconSizes: []int{512}})
	for _, want := range []string{"subsystem 3 (console)", "file version 0.1.0.42, want 0.2.0.1", "no 512 px image"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("want %q in %v", want, err)
		}
	}
}

func TestConsoleWanted(t *testing.T) {
	if _, err := Check(build(t, false, true), Want{Console: true}); err != nil {
		t.Fatalf("console build with -console: %v", err)
	}
	if _, err := Check(build(t, false, false), Want{Console: true}); err == nil || !strings.Contains(err.Error(), "want console") {
		t.Fatalf("GUI build with -console: %v", err)
	}
}

func TestNoResourcesFail(t *testing.T) {
	_, err := Check(build(t, true, false), Want{})
	if err == nil || !strings.Contains(err.Error(), "no resources") {
		t.Fatalf("want no resources, got %v", err)
	}
}

func TestNotPE(t *testing.T) {
	p := filepath.Join(t.TempDir(), "x.exe")
	os.WriteFile(p, []byte("#!/bin/sh\n"), 0o755)
	if _, err := Check(p, Want{}); err == nil || !strings.Contains(err.Error(), "not a PE") {
		t.Fatalf("got %v", err)
	}
}

func TestSigned(t *testing.T) {
	for _, tool := range []string{"osslsigncode", "openssl"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not installed", tool)
		}
	}
	exe := build(t, false, false)
	if r, err := Check(exe, Want{Signed: true}); err == nil || r.Signed {
		t.Fatal("an unsigned exe passed -signed")
	}
	dir := t.TempDir()
	key, cert, signed := filepath.Join(dir, "k.pem"), filepath.Join(dir, "c.pem"), filepath.Join(dir, "s.exe")
	for _, c := range [][]string{
		{"openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=RosterDesk test", "-days", "1", "-keyout", key, "-out", cert},
		{"osslsigncode", "sign", "-certs", cert, "-key", key, "-h", "sha256", "-in", exe, "-out", signed},
	} {
		if out, err := exec.Command(c[0], c[1:]...).CombinedOutput(); err != nil {
			t.Fatalf("%v: %v\n%s", c, err, out)
		}
	}
	if r, err := Check(signed, Want{Signed: true, Version: "0.1.0.42"}); err != nil || !r.Signed {
		t.Fatalf("signed exe: %v\n%s", err, r)
	}
}
