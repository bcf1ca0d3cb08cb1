//go:build (linux && !android) || freebsd || openbsd || netbsd

package ui

import (
	"context"
	"time"

	"github.com/godbus/dbus/v5"
)

// trayHostPresent tells whether the desktop shows tray icons: Fyne's tray
// here is a StatusNotifierItem, which only a running StatusNotifierWatcher
// (KDE, Xfce, Cinnamon, GNOME with the AppIndicator extension…) displays.
// Without one, a window hidden to the tray could not be brought back.
func trayHostPresent() bool {
	conn, err := dbus.ConnectSessionBus()
	if err != nil {
		return false
	}
	defer conn.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	var has bool
	err = conn.BusObject().CallWithContext(ctx, "org.freedesktop.DBus.NameHasOwner", 0, "org.kde.StatusNotifierWatcher").Store(&has)
	return err == nil && has
}
