//go:build ignore

// gen_icon draws the RosterDesk app icon (assets/icon.png): a blue rounded
// square with "RD" in white. Run once from the repo root:
//
//	go run assets/gen_icon.go
package main

import (
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"log"
	"math"
	"os"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
)

const (
	size   = 512
	margin = 24.0  // transparent border around the square
	radius = 104.0 // corner radius
)

// coverage is how much of pixel (x, y) lies inside the rounded square, 0..1,
// by 4x4 supersampling so the corners are smooth.
func coverage(x, y int) float64 {
	const n = 4
	in := 0
	for sy := 0; sy < n; sy++ {
		for sx := 0; sx < n; sx++ {
			px := float64(x) + (float64(sx)+0.5)/n
			py := float64(y) + (float64(sy)+0.5)/n
			if insideRounded(px, py) {
				in++
			}
		}
	}
	return float64(in) / (n * n)
}

func insideRounded(px, py float64) bool {
	lo, hi := margin, size-margin
	if px < lo || px > hi || py < lo || py > hi {
		return false
	}
	cx := math.Max(lo+radius, math.Min(px, hi-radius))
	cy := math.Max(lo+radius, math.Min(py, hi-radius))
	return math.Hypot(px-cx, py-cy) <= radius
}

func lerp(a, b uint8, t float64) uint8 { return uint8(float64(a) + (float64(b)-float64(a))*t + 0.5) }

func main() {
	img := image.NewNRGBA(image.Rect(0, 0, size, size))
	top := color.NRGBA{0x25, 0x63, 0xEB, 0xFF}    // blue 600
	bottom := color.NRGBA{0x1E, 0x3A, 0x8A, 0xFF} // blue 900
	for y := 0; y < size; y++ {
		t := float64(y) / size
		c := color.NRGBA{lerp(top.R, bottom.R, t), lerp(top.G, bottom.G, t), lerp(top.B, bottom.B, t), 0}
		for x := 0; x < size; x++ {
			c.A = uint8(255*coverage(x, y) + 0.5)
			img.SetNRGBA(x, y, c)
		}
	}

	// Three short "roster lines" under the letters.
	white := image.NewUniform(color.NRGBA{0xFF, 0xFF, 0xFF, 0xFF})
	soft := image.NewUniform(color.NRGBA{0xBF, 0xDB, 0xFE, 0xFF}) // blue 200
	for i, w := range []int{248, 200, 152} {
		y := 368 + i*28
		draw.Draw(img, image.Rect(132, y, 132+w, y+12), soft, image.Point{}, draw.Over)
	}

	f, err := opentype.Parse(gobold.TTF)
	if err != nil {
		log.Fatal(err)
	}
	face, err := opentype.NewFace(f, &opentype.FaceOptions{Size: 200, DPI: 72, Hinting: font.HintingFull})
	if err != nil {
		log.Fatal(err)
	}
	d := &font.Drawer{Dst: img, Src: white, Face: face}
	text := "RD"
	w := d.MeasureString(text)
	d.Dot = fixed.Point26_6{X: (fixed.I(size) - w) / 2, Y: fixed.I(320)}
	d.DrawString(text)

	out, err := os.Create("assets/icon.png")
	if err != nil {
		log.Fatal(err)
	}
	if err := png.Encode(out, img); err != nil {
		log.Fatal(err)
	}
	if err := out.Close(); err != nil {
		log.Fatal(err)
	}
}
