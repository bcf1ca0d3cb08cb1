// Package assets holds RosterDesk's bundled resources: the app icon
// (icon.png, drawn by gen_icon.go) and its platform sizes in icons/ (made by
// gen_sizes.go), and the sample district in the sample package.
package assets

//go:generate go run gen_sizes.go

import (
	_ "embed"

	"fyne.io/fyne/v2"
)

// The icon is drawn by gen_icon.go (go run assets/gen_icon.go).
//
//go:embed icon.png
var iconPNG []byte

// Icon is the app icon: a blue rounded square with "RD".
var Icon fyne.Resource = fyne.NewStaticResource("icon.png", iconPNG)
