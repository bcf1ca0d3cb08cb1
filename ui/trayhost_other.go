//go:build !((linux && !android) || freebsd || openbsd || netbsd)

package ui

// trayHostPresent: Windows and macOS always show tray (menu bar) icons.
func trayHostPresent() bool { return true }
