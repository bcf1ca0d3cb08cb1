package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
)

// keyTabs is Fyne's AppTabs reachable with the keyboard: Tab stops on the
// tab bar (the sidebar, the sections of a screen), which shows a focus
// ring, and the arrow keys, Home and End choose a tab as a click does.
// Code keeps using the embedded *container.AppTabs (Tabs); the window shows
// the keyTabs itself.
type keyTabs struct {
	container.AppTabs
	focused bool
}

func newKeyTabs(items ...*container.TabItem) *keyTabs {
	t := &keyTabs{}
	t.Items = items
	t.ExtendBaseWidget(t)
	return t
}

// Tabs is the AppTabs the screens select and read.
func (t *keyTabs) Tabs() *container.AppTabs { return &t.AppTabs }

func (t *keyTabs) FocusGained()   { t.focused = true; t.Refresh() }
func (t *keyTabs) FocusLost()     { t.focused = false; t.Refresh() }
func (t *keyTabs) TypedRune(rune) {}

func (t *keyTabs) TypedKey(ev *fyne.KeyEvent) {
	n := len(t.Items)
	if n == 0 {
		return
	}
	i := t.SelectedIndex()
	switch ev.Name {
	case fyne.KeyUp, fyne.KeyLeft:
		i = (i - 1 + n) % n
	case fyne.KeyDown, fyne.KeyRight:
		i = (i + 1) % n
	case fyne.KeyHome:
		i = 0
	case fyne.KeyEnd:
		i = n - 1
	default:
		return
	}
	t.SelectIndex(i)
}

func (t *keyTabs) CreateRenderer() fyne.WidgetRenderer {
	ring := canvas.NewRectangle(color.Transparent)
	ring.StrokeColor = theme.Color(theme.ColorNameFocus)
	ring.StrokeWidth = 2
	ring.Hide()
	return &keyTabsRenderer{WidgetRenderer: t.AppTabs.CreateRenderer(), ring: ring, t: t}
}

type keyTabsRenderer struct {
	fyne.WidgetRenderer
	ring *canvas.Rectangle
	t    *keyTabs
}

func (r *keyTabsRenderer) Objects() []fyne.CanvasObject {
	objs := r.WidgetRenderer.Objects()
	return append(objs[:len(objs):len(objs)], r.ring)
}

func (r *keyTabsRenderer) Layout(s fyne.Size) {
	r.WidgetRenderer.Layout(s)
	r.ring.Move(fyne.NewPos(1, 1))
	r.ring.Resize(s.SubtractWidthHeight(2, 2))
}

func (r *keyTabsRenderer) Refresh() {
	r.WidgetRenderer.Refresh()
	r.ring.Hidden = !r.t.focused
	r.ring.Refresh()
}
