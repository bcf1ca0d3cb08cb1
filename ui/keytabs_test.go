package ui

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// Tab reaches the sidebar, and its arrow keys switch screens as a click
// does; Tab goes on into the screen's controls and the sections' tab bars.
func TestTabReachesTheSidebar(t *testing.T) {
	eng := adminEngine(t)
	m, w := newTestUI(t, eng)
	m.selectTab(NavPreferences)
	idle(t, m)
	c := w.Canvas()
	c.FocusNext()
	if c.Focused() != fyne.Focusable(m.nav) {
		t.Fatalf("Tab first focuses %T, not the sidebar", c.Focused())
	}
	m.nav.TypedKey(&fyne.KeyEvent{Name: fyne.KeyDown})
	idle(t, m)
	if got := m.tabs.Selected().Text; got != NavUploads {
		t.Fatalf("Down from Preferences showed %q", got)
	}
	m.nav.TypedKey(&fyne.KeyEvent{Name: fyne.KeyUp})
	idle(t, m)
	// Tab goes on to the Preferences' sections, then into the section's fields.
	c.FocusNext()
	if _, ok := c.Focused().(*keyTabs); !ok {
		t.Fatalf("after the sidebar Tab focuses %T, not the sections", c.Focused())
	}
	seen := map[string]bool{}
	for range 40 {
		c.FocusNext()
		switch f := c.Focused().(type) {
		case *widget.Button:
			seen[f.Text] = true
		case *widget.Select:
			seen["select"] = true
		}
	}
	if !seen["select"] && len(seen) == 0 {
		t.Fatalf("Tab reached no control of the section")
	}
}
