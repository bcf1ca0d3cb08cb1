package main

import (
	"errors"

	"fyne.io/fyne/v2/app"
	"github.com/rs/zerolog"

	"rosterdesk/assets"
	rsync "rosterdesk/sync"
	"rosterdesk/ui"
)

// appID is the app's unique ID; it must match FyneApp.toml. Fyne keys the
// app's own preferences (window size, last screen) on it.
const appID = "com.rosterdesk.app"

// runGUI opens the roster at dbPath and shows the main window until it is closed.
func runGUI(dbPath string, log zerolog.Logger) (err error) {
	eng, err := rsync.Open(dbPath, log)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, eng.Close()) }()

	a := app.NewWithID(appID)
	a.SetIcon(assets.Icon)
	w := ui.NewMainWindow(a, eng)
	w.SetIcon(assets.Icon)
	log.Info().Str("db", dbPath).Msg("window open")
	w.ShowAndRun()
	return nil
}
