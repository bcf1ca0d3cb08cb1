// Package warm only pins dependencies while the tree is being laid out.
package warm

import (
	_ "fyne.io/fyne/v2/app"
	_ "fyne.io/fyne/v2/dialog"
	_ "fyne.io/fyne/v2/test"
	_ "fyne.io/fyne/v2/widget"
	_ "github.com/go-co-op/gocron/v2"
	_ "github.com/mattn/go-sqlite3"
	_ "github.com/rs/zerolog"
	_ "github.com/xuri/excelize/v2"
	_ "golang.org/x/text/encoding/charmap"
)
