//go:build ignore

// gen_sizes writes the icon's platform sizes from icon.png into icons/:
// rosterdesk-N.png for N in iconset.PNGSizes (Linux hicolor theme) and
// rosterdesk.ico (Windows, iconset.ICOSizes). macOS's .icns is made by
// `fyne package -os darwin` from icon.png. Run from assets/ with
// `go generate` (after `go run gen_icon.go` when the drawing changes).
package main

import (
	"bytes"
	"fmt"
	"image/png"
	"log"
	"os"
	"path/filepath"

	"rosterdesk/internal/iconset"
)

func main() {
	f, err := os.Open("icon.png")
	if err != nil {
		log.Fatal(err)
	}
	src, err := png.Decode(f)
	f.Close()
	if err != nil {
		log.Fatal(err)
	}
	if err := os.MkdirAll("icons", 0o755); err != nil {
		log.Fatal(err)
	}
	for _, n := range iconset.PNGSizes {
		b, err := iconset.PNG(iconset.Resize(src, n))
		if err != nil {
			log.Fatal(err)
		}
		write(fmt.Sprintf("rosterdesk-%d.png", n), b)
	}
	var ico bytes.Buffer
	if err := iconset.WriteICO(&ico, src, iconset.ICOSizes); err != nil {
		log.Fatal(err)
	}
	write("rosterdesk.ico", ico.Bytes())
}

func write(name string, b []byte) {
	p := filepath.Join("icons", name)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		log.Fatal(err)
	}
	log.Printf("wrote %s (%d bytes)", p, len(b))
}
