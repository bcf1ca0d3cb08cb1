package iconset

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"testing"
)

var assets = filepath.Join("..", "..", "assets")

func decode(t *testing.T, b []byte) image.Image {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return img
}

func read(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(assets, name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func samePixels(a, b image.Image) bool {
	if a.Bounds() != b.Bounds() {
		return false
	}
	r := a.Bounds()
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if color.NRGBAModel.Convert(a.At(x, y)) != color.NRGBAModel.Convert(b.At(x, y)) {
				return false
			}
		}
	}
	return true
}

// The committed sizes are exactly what gen_sizes.go makes from icon.png.
func TestCommittedSizesUpToDate(t *testing.T) {
	src := decode(t, read(t, "icon.png"))
	for _, n := range PNGSizes {
		got := decode(t, read(t, fmt.Sprintf("icons/rosterdesk-%d.png", n)))
		if !samePixels(got, Resize(src, n)) {
			t.Errorf("icons/rosterdesk-%d.png is stale: run go generate ./assets", n)
		}
	}
	entries, err := ReadICO(read(t, "icons/rosterdesk.ico"))
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != len(ICOSizes) {
		t.Fatalf("rosterdesk.ico holds %d images, want %d", len(entries), len(ICOSizes))
	}
	for i, e := range entries {
		n := ICOSizes[i]
		if e.Width != n || e.Height != n || !samePixels(decode(t, e.Data), Resize(src, n)) {
			t.Errorf("rosterdesk.ico image %d (%dx%d) is not the %d px icon: run go generate ./assets", i, e.Width, e.Height, n)
		}
	}
}

func TestResize(t *testing.T) {
	// A 4x4 image, left half opaque red, right half transparent: at 2x2 the
	// left column is opaque red and the right one transparent; at 1x1 it is
	// red at half opacity (no darkening from the transparent black).
	src := image.NewNRGBA(image.Rect(0, 0, 4, 4))
	for y := 0; y < 4; y++ {
		for x := 0; x < 2; x++ {
			src.SetNRGBA(x, y, color.NRGBA{255, 0, 0, 255})
		}
	}
	two := Resize(src, 2)
	if two.NRGBAAt(0, 1) != (color.NRGBA{255, 0, 0, 255}) || two.NRGBAAt(1, 0).A != 0 {
		t.Fatalf("2x2: %v %v", two.NRGBAAt(0, 1), two.NRGBAAt(1, 0))
	}
	if one := Resize(src, 1).NRGBAAt(0, 0); one != (color.NRGBA{255, 0, 0, 128}) {
		t.Fatalf("1x1: %v", one)
	}
	// A size that does not divide the source: 3 px from 4.
	three := Resize(src, 3)
	if c := three.NRGBAAt(1, 1); c.R != 255 || c.A < 120 || c.A > 136 {
		t.Fatalf("3x3 middle: %v", c)
	}
}

func TestICORejectsOversize(t *testing.T) {
	if err := WriteICO(&bytes.Buffer{}, image.NewNRGBA(image.Rect(0, 0, 8, 8)), []int{512}); err == nil {
		t.Fatal("a 512 px .ico image was accepted")
	}
	if _, err := ReadICO([]byte("not an icon")); err == nil {
		t.Fatal("garbage read as an .ico")
	}
}
