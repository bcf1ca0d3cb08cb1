package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// twoColumns lays two (or more) objects side by side in equal columns when
// the width allows each its minimum, and one above the other when it does
// not, so a narrow window (a 1024 px school laptop) wraps instead of cutting.
// Its minimum width is its widest object's.
type twoColumns struct {
	side bool // side by side at the last width laid out
}

func (c *twoColumns) fits(objects []fyne.CanvasObject, width float32) bool {
	pad := theme.Padding()
	n := 0
	var widest float32
	for _, o := range objects {
		if o.Visible() {
			n++
			widest = max(widest, o.MinSize().Width)
		}
	}
	return n > 0 && widest*float32(n)+pad*float32(n-1) <= width
}

func (c *twoColumns) MinSize(objects []fyne.CanvasObject) fyne.Size {
	pad := theme.Padding()
	var w, stacked, tallest float32
	n := 0
	for _, o := range objects {
		if !o.Visible() {
			continue
		}
		m := o.MinSize()
		w = max(w, m.Width)
		tallest = max(tallest, m.Height)
		if n > 0 {
			stacked += pad
		}
		stacked += m.Height
		n++
	}
	if c.side {
		return fyne.NewSize(w, tallest)
	}
	return fyne.NewSize(w, stacked)
}

func (c *twoColumns) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	pad := theme.Padding()
	c.side = c.fits(objects, size.Width)
	var vis []fyne.CanvasObject
	for _, o := range objects {
		if o.Visible() {
			vis = append(vis, o)
		}
	}
	if len(vis) == 0 {
		return
	}
	if c.side {
		colW := (size.Width - pad*float32(len(vis)-1)) / float32(len(vis))
		for i, o := range vis {
			o.Move(fyne.NewPos(float32(i)*(colW+pad), 0))
			o.Resize(fyne.NewSize(colW, size.Height))
		}
		return
	}
	y := float32(0)
	for _, o := range vis {
		h := o.MinSize().Height
		o.Move(fyne.NewPos(0, y))
		o.Resize(fyne.NewSize(size.Width, h))
		y += h + pad
	}
}
