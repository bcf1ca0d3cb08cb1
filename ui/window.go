// Package ui builds RosterDesk's widgets. It holds no SQL and no business
// rules: every number it shows comes from the sync engine, and every engine
// call runs off the UI goroutine and comes back through fyne.Do.
package ui

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"

	rsync "rosterdesk/sync"
)

// Title is the main window's title.
const Title = "RosterDesk"

// Preference keys (the app's own preferences, not the roster's settings).
const (
	prefWidth  = "window.width"
	prefHeight = "window.height"
	prefTab    = "window.tab"
)

// Default and smallest sensible window sizes.
var (
	defaultSize = fyne.NewSize(1100, 700)
	minSize     = fyne.NewSize(480, 360)
)

// Navigation labels, in sidebar order.
const (
	NavOneRoster   = "OneRoster"
	NavPreferences = "Preferences"
	NavUploads     = "Uploads"
	NavHistory     = "History"
	NavRoster      = "Roster"
)

// screen is one navigation destination.
type screen interface {
	content() fyne.CanvasObject
	// refresh reloads from the engine; the channel closes once the widgets show the result.
	refresh() <-chan struct{}
}

// mainUI is the main window's content: a sidebar of tabs, one per screen.
type mainUI struct {
	load   *loader
	cancel context.CancelFunc

	tabs        *container.AppTabs
	oneRoster   *placeholderScreen
	preferences *preferencesScreen
	uploads     *placeholderScreen
	history     *historyScreen
	roster      *rosterScreen
	screens     map[*container.TabItem]screen
}

// newMainUI builds the content without a window, so tests can host it.
func newMainUI(eng *rsync.Engine) *mainUI {
	ctx, cancel := context.WithCancel(context.Background())
	m := &mainUI{load: &loader{ctx: ctx}, cancel: cancel, screens: map[*container.TabItem]screen{}}
	m.oneRoster = newPlaceholderScreen("OneRoster connection",
		"Connecting RosterDesk to your district's OneRoster API server, the Sync now button and the automatic sync schedule land here with the OneRoster feature.")
	m.preferences = newPreferencesScreen(m.load, eng)
	m.uploads = newPlaceholderScreen("Uploads",
		"Uploading a OneRoster CSV folder or .zip by drag-and-drop or a file picker, with a preview of the changes before they are applied, lands here with the Uploads feature.")
	m.history = newHistoryScreen(m.load, eng)
	m.roster = newRosterScreen(m.load, eng)

	add := func(label string, icon fyne.Resource, s screen) *container.TabItem {
		item := container.NewTabItemWithIcon(label, icon, s.content())
		m.screens[item] = s
		return item
	}
	m.tabs = container.NewAppTabs(
		add(NavOneRoster, theme.ViewRefreshIcon(), m.oneRoster),
		add(NavPreferences, theme.SettingsIcon(), m.preferences),
		add(NavUploads, theme.UploadIcon(), m.uploads),
		add(NavHistory, theme.HistoryIcon(), m.history),
		add(NavRoster, theme.AccountIcon(), m.roster),
	)
	m.tabs.SetTabLocation(container.TabLocationLeading)
	// Each visit reloads the screen, so runs made from the CLI show up.
	m.tabs.OnSelected = func(item *container.TabItem) {
		if s := m.screens[item]; s != nil {
			s.refresh()
		}
	}
	return m
}

// selectTab shows the tab labelled label (and so refreshes it); false if there is none.
func (m *mainUI) selectTab(label string) bool {
	for _, item := range m.tabs.Items {
		if item.Text == label {
			if m.tabs.Selected() == item {
				m.screens[item].refresh()
			} else {
				m.tabs.Select(item)
			}
			return true
		}
	}
	return false
}

// navLabels lists the sidebar entries in order.
func (m *mainUI) navLabels() []string {
	out := make([]string, len(m.tabs.Items))
	for i, item := range m.tabs.Items {
		out[i] = item.Text
	}
	return out
}

// NewMainWindow builds RosterDesk's main window on a. It restores the last
// window size and screen from the app's preferences and saves them on close.
func NewMainWindow(a fyne.App, eng *rsync.Engine) fyne.Window {
	w, _ := newMainWindow(a, eng)
	return w
}

func newMainWindow(a fyne.App, eng *rsync.Engine) (fyne.Window, *mainUI) {
	m := newMainUI(eng)
	w := a.NewWindow(Title)
	w.SetContent(m.tabs)

	prefs := a.Preferences()
	size := fyne.NewSize(
		float32(prefs.FloatWithFallback(prefWidth, float64(defaultSize.Width))),
		float32(prefs.FloatWithFallback(prefHeight, float64(defaultSize.Height))))
	if size.Width < minSize.Width || size.Height < minSize.Height {
		size = defaultSize
	}
	w.Resize(size)

	if !m.selectTab(prefs.StringWithFallback(prefTab, NavRoster)) {
		m.selectTab(NavRoster)
	}
	w.SetOnClosed(func() {
		s := w.Canvas().Size()
		if s.Width >= minSize.Width && s.Height >= minSize.Height {
			prefs.SetFloat(prefWidth, float64(s.Width))
			prefs.SetFloat(prefHeight, float64(s.Height))
		}
		if sel := m.tabs.Selected(); sel != nil {
			prefs.SetString(prefTab, sel.Text)
		}
		m.cancel() // abandon engine calls still running
	})
	return w, m
}
