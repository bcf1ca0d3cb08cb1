package ui

import (
	"testing"

	"fyne.io/fyne/v2"

	"rosterdesk"
)

// schoolLaptop is the smallest window RosterDesk is made for: 1366x768 at
// 125% or 1280x800 at 150%, less the title bar; the menu bar takes up to 40.
var schoolLaptop = fyne.NewSize(1024, 640-40)

// Every screen fits a school laptop's window: the window's minimum (its
// content's, which AppTabs takes as the largest screen's plus the sidebar) is
// no more than 1024x600, empty and with a synced district on every screen.
func TestEveryScreenFitsASchoolLaptop(t *testing.T) {
	eng := adminEngine(t)
	check := func(when string) {
		t.Helper()
		m, w := newTestUI(t, eng)
		w.Resize(fyne.NewSize(1024, 600))
		for _, it := range m.tabs.Items {
			m.tabs.Select(it)
			idle(t, m)
			if s := m.tabs.MinSize(); s.Width > schoolLaptop.Width || s.Height > schoolLaptop.Height {
				t.Errorf("%s, %s: the window cannot be smaller than %v", when, it.Text, s)
			}
		}
		for _, it := range m.preferences.tabs.Items {
			m.preferences.tabs.Select(it)
			if s := m.tabs.MinSize(); s.Width > schoolLaptop.Width || s.Height > schoolLaptop.Height {
				t.Errorf("%s, Preferences › %s: the window cannot be smaller than %v", when, it.Text, s)
			}
		}
	}
	check("empty roster")
	src, _ := district(t, 0, "")
	syncs(t, eng, src, rosterdesk.ScopeBuildings)
	syncs(t, eng, src, "")
	check("synced district")
	if defaultSize.Width > 1024 || defaultSize.Height > 640 {
		t.Errorf("the window opens at %v, more than a school laptop shows", defaultSize)
	}
}
