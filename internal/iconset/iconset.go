// Package iconset makes the app icon's platform sizes from assets/icon.png:
// PNGs for the Linux hicolor theme and a multi-size Windows .ico. The files
// are committed in assets/icons/; `go generate ./assets` remakes them.
// Standard library only.
package iconset

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
)

// PNGSizes are the square sizes written as PNGs: the Linux hicolor sizes
// (and the source size, which macOS's .icns is made from).
var PNGSizes = []int{16, 24, 32, 48, 64, 128, 256, 512}

// ICOSizes are the sizes in the Windows .ico: Explorer, the taskbar and the
// title bar pick from these at 100–200 % scaling.
var ICOSizes = []int{16, 24, 32, 48, 64, 128, 256}

// Resize scales src to an n×n image by area averaging in premultiplied
// alpha: each output pixel is the exact coverage-weighted mean of the source
// pixels under it, which keeps small sizes crisp without halos.
func Resize(src image.Image, n int) *image.NRGBA {
	b := src.Bounds()
	sw, sh := b.Dx(), b.Dy()
	dst := image.NewNRGBA(image.Rect(0, 0, n, n))
	fx, fy := float64(sw)/float64(n), float64(sh)/float64(n)
	for y := 0; y < n; y++ {
		y0, y1 := float64(y)*fy, float64(y+1)*fy
		for x := 0; x < n; x++ {
			x0, x1 := float64(x)*fx, float64(x+1)*fx
			var r, g, bl, a, area float64
			for sy := int(y0); float64(sy) < y1 && sy < sh; sy++ {
				wy := min(y1, float64(sy+1)) - max(y0, float64(sy))
				for sx := int(x0); float64(sx) < x1 && sx < sw; sx++ {
					w := wy * (min(x1, float64(sx+1)) - max(x0, float64(sx)))
					pr, pg, pb, pa := src.At(b.Min.X+sx, b.Min.Y+sy).RGBA() // premultiplied, 16-bit
					r += w * float64(pr)
					g += w * float64(pg)
					bl += w * float64(pb)
					a += w * float64(pa)
					area += w
				}
			}
			if area == 0 || a == 0 {
				continue
			}
			c := color.NRGBA{
				R: uint8(r/a*255 + 0.5),
				G: uint8(g/a*255 + 0.5),
				B: uint8(bl/a*255 + 0.5),
				A: uint8(a/area/257 + 0.5),
			}
			dst.SetNRGBA(x, y, c)
		}
	}
	return dst
}

// PNG encodes img as a PNG with the best compression.
func PNG(img image.Image) ([]byte, error) {
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(&buf, img); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// WriteICO writes a Windows icon holding one PNG-compressed image per size
// (supported since Windows Vista), smallest first.
func WriteICO(w io.Writer, src image.Image, sizes []int) error {
	type entry struct {
		n    int
		data []byte
	}
	var entries []entry
	for _, n := range sizes {
		if n < 1 || n > 256 {
			return fmt.Errorf("iconset: an .ico image is 1 to 256 pixels, not %d", n)
		}
		data, err := PNG(Resize(src, n))
		if err != nil {
			return err
		}
		entries = append(entries, entry{n, data})
	}
	var buf bytes.Buffer
	le := binary.LittleEndian
	binary.Write(&buf, le, [3]uint16{0, 1, uint16(len(entries))}) // ICONDIR: reserved, type 1 = icon, count
	offset := 6 + 16*len(entries)
	for _, e := range entries {
		dim := uint8(e.n) // 256 is written as 0
		binary.Write(&buf, le, struct {
			W, H, Colors, Reserved uint8
			Planes, BitCount       uint16
			Size, Offset           uint32
		}{dim, dim, 0, 0, 1, 32, uint32(len(e.data)), uint32(offset)})
		offset += len(e.data)
	}
	for _, e := range entries {
		buf.Write(e.data)
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// ICOEntry is one image listed in an .ico file's directory.
type ICOEntry struct {
	Width, Height int
	Data          []byte // the PNG (or BMP) bytes
}

// ReadICO lists an .ico file's images.
func ReadICO(b []byte) ([]ICOEntry, error) {
	le := binary.LittleEndian
	if len(b) < 6 || le.Uint16(b[0:]) != 0 || le.Uint16(b[2:]) != 1 {
		return nil, fmt.Errorf("iconset: not an .ico file")
	}
	n := int(le.Uint16(b[4:]))
	if len(b) < 6+16*n {
		return nil, fmt.Errorf("iconset: .ico directory truncated")
	}
	out := make([]ICOEntry, 0, n)
	for i := 0; i < n; i++ {
		d := b[6+16*i:]
		w, h := int(d[0]), int(d[1])
		if w == 0 {
			w = 256
		}
		if h == 0 {
			h = 256
		}
		size, off := int(le.Uint32(d[8:])), int(le.Uint32(d[12:]))
		if off < 0 || size < 0 || off+size > len(b) {
			return nil, fmt.Errorf("iconset: .ico image %d lies outside the file", i)
		}
		out = append(out, ICOEntry{Width: w, Height: h, Data: b[off : off+size]})
	}
	return out, nil
}
