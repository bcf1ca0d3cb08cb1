package main

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"

	"rosterdesk/assets"
	"rosterdesk/internal/appinfo"
)

// The app's Fyne metadata (fyne.CurrentApp().Metadata()), the same in every
// build: `go run`, `make build` and the packages (which build with plain
// `go build`, see scripts/package.sh, so nothing injects FyneApp.toml).
// Migrations are left out on purpose: a release build's migrated_fynedo tag
// turns Fyne's thread checks off, a development build keeps them.
// Set before the app is made, which reads it.
func newApp() fyne.App {
	i := appinfo.Get()
	app.SetMetadata(fyne.AppMetadata{
		ID:      appinfo.AppID,
		Name:    appinfo.Name,
		Version: i.Version,
		Build:   max(i.Build, 1),
		Icon:    assets.Icon,
		Release: i.Release,
	})
	a := app.NewWithID(appinfo.AppID)
	a.SetIcon(assets.Icon)
	return a
}
