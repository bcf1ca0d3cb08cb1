// Package ui builds RosterDesk's widgets. It holds no SQL and no business
// rules: what can be done now and why not (SyncState's UsersReady,
// SyncNowReady, HasSource and Switch; Result's CanUndo and AwaitsReview) and
// every number it shows are the sync engine's answers. Every engine call runs
// off the UI goroutine and comes back through fyne.Do (loader.ui).
package ui

import (
	"context"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	rsync "rosterdesk/sync"
)

// Title is the main window's title.
const Title = "RosterDesk"

// Preference keys (the app's own preferences, not the roster's settings).
const (
	prefWidth  = "window.width"
	prefHeight = "window.height"
	prefTab    = "window.tab"
	prefSect   = "window.preferences_section" // the Preferences section shown last
	prefRoster = "window.roster_tab"          // the Roster tab shown last
	prefFolder = "dialog.folder"              // the folder a file was last chosen in
)

// Default and smallest sensible window sizes.
var (
	defaultSize = fyne.NewSize(1024, 640) // a school laptop: 1366x768 at 125%
	minSize     = fyne.NewSize(480, 360)
)

// Navigation labels, in sidebar order.
const (
	NavOneRoster   = "OneRoster"
	NavPreferences = "Preferences"
	NavUploads     = "Uploads"
	NavHistory     = "History"
	NavRoster      = "Roster"
	NavAbout       = "About"
)

// screen is one navigation destination.
type screen interface {
	content() fyne.CanvasObject
	// refresh reloads from the engine; the channel closes once the widgets show the result.
	refresh() <-chan struct{}
}

// testDo, set by tests, replaces fyne.Do for the windows they open.
var testDo func(func())

// mainUI is the main window's content: a sidebar of tabs, one per screen.
type mainUI struct {
	eng    *rsync.Engine
	load   *loader
	cancel context.CancelFunc
	win    fyne.Window

	tabs        *container.AppTabs
	nav         *keyTabs // tabs, as the window shows them (reachable with Tab)
	current     *container.TabItem
	oneRoster   *oneRosterScreen
	preferences *preferencesScreen
	uploads     *uploadsScreen
	history     *historyScreen
	roster      *rosterScreen
	about       *aboutScreen
	screens     map[*container.TabItem]screen
	welcome     *welcomeDialog // asks for the credited admin of a roster with data
	first       *welcomeScreen // shown instead of the tabs while an empty roster is new
}

// newMainUI builds the content without a window, so tests can host it.
func newMainUI(eng *rsync.Engine) *mainUI {
	ctx, cancel := context.WithCancel(context.Background())
	m := &mainUI{eng: eng, load: &loader{ctx: ctx, do: testDo}, cancel: cancel, screens: map[*container.TabItem]screen{}}
	win := func() fyne.Window { return m.window() }
	m.oneRoster = newOneRosterScreen(m.load, eng, win)
	m.preferences = newPreferencesScreen(m.load, eng, win)
	m.uploads = newUploadsScreen(m.load, eng, win)
	m.history = newHistoryScreen(m.load, eng, win)
	m.roster = newRosterScreen(m.load, eng)
	m.roster.win = win
	m.about = newAboutScreen(m.load, eng, win)

	add := func(label string, icon fyne.Resource, s screen) *container.TabItem {
		item := container.NewTabItemWithIcon(label, icon, s.content())
		m.screens[item] = s
		return item
	}
	m.nav = newKeyTabs(
		add(NavOneRoster, theme.ViewRefreshIcon(), m.oneRoster),
		add(NavPreferences, theme.SettingsIcon(), m.preferences),
		add(NavUploads, theme.UploadIcon(), m.uploads),
		add(NavHistory, theme.HistoryIcon(), m.history),
		add(NavRoster, theme.AccountIcon(), m.roster),
		add(NavAbout, theme.InfoIcon(), m.about),
	)
	m.tabs = m.nav.Tabs()
	m.tabs.SetTabLocation(container.TabLocationLeading)
	m.current = m.tabs.Selected()
	// Each visit reloads the screen, so runs made from the CLI show up.
	m.tabs.OnSelected = m.tabSelected
	return m
}

// window is the window the content is shown in (for dialogs).
func (m *mainUI) window() fyne.Window {
	if m.win != nil {
		return m.win
	}
	if ws := fyne.CurrentApp().Driver().AllWindows(); len(ws) > 0 {
		return ws[0]
	}
	return nil
}

// tabSelected refreshes the screen shown, after asking whether to discard
// unsaved preferences when leaving the Preferences screen.
func (m *mainUI) tabSelected(item *container.TabItem) {
	prev := m.current
	if prev != nil && prev != item && m.screens[prev] == m.preferences {
		if dirty := m.preferences.dirty(); len(dirty) > 0 {
			m.selectQuietly(prev)
			m.preferences.confirmLeave(dirty, func() { m.tabs.Select(item) })
			return
		}
	}
	m.current = item
	if s := m.screens[item]; s != nil {
		s.refresh()
	}
}

func (m *mainUI) selectQuietly(item *container.TabItem) {
	cb := m.tabs.OnSelected
	m.tabs.OnSelected = nil
	m.tabs.Select(item)
	m.tabs.OnSelected = cb
	m.current = item
}

// handleDrop routes what was dropped on the window: on the OneRoster
// screen it is connected (and checked) as the source there; anywhere else
// the Uploads screen previews it, or says why it cannot be uploaded. A zip, a
// folder, or the CSV files of one export dropped together are one bundle.
func (m *mainUI) handleDrop(uris []fyne.URI) <-chan struct{} {
	m.closeWelcome()
	if m.first == nil && m.current != nil && m.screens[m.current] == screen(m.oneRoster) {
		return m.oneRoster.dropped(uris)
	}
	m.selectTab(NavUploads)
	if m.uploads.job.running {
		m.uploads.say(m.uploads.notice, "Wait for the current upload to finish, then drop the file again.", widget.WarningImportance)
		return nil
	}
	if paths, ok := localPaths(uris); ok && len(paths) > 0 {
		// A file, a folder, or several files of one export (users.csv with roles.csv, an unzipped bundle): one source.
		src, up, cleanup, err := m.uploads.eng.UploadFiles(paths)
		if err != nil {
			m.uploads.clearPlan()
			m.uploads.say(m.uploads.notice, errorText("Reading what was dropped", err), widget.DangerImportance)
			return nil
		}
		if m.uploads.dropped != nil {
			m.uploads.dropped()
		}
		m.uploads.dropped = cleanup
		m.uploads.notice.Hide()
		return m.uploads.previewFile(src, up)
	}
	route, err := routeDrop(uris, rsync.DetectUpload)
	if err != nil {
		m.uploads.clearPlan()
		m.uploads.say(m.uploads.notice, errorText("Reading the dropped file", err), widget.DangerImportance)
		return nil
	}
	m.uploads.notice.Hide()
	return m.uploads.previewFile(route.path, route.upload)
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

func newMainWindow(a fyne.App, eng *rsync.Engine) (fyne.Window, *mainUI) {
	m := newMainUI(eng)
	w := a.NewWindow(Title)
	m.win = w
	w.SetContent(m.nav)
	w.SetOnDropped(func(_ fyne.Position, uris []fyne.URI) { m.handleDrop(uris) })

	prefs := a.Preferences()
	size := fyne.NewSize(
		float32(prefs.FloatWithFallback(prefWidth, float64(defaultSize.Width))),
		float32(prefs.FloatWithFallback(prefHeight, float64(defaultSize.Height))))
	if size.Width < minSize.Width || size.Height < minSize.Height {
		size = defaultSize
	}
	w.Resize(size)

	m.preferences.showSection(prefs.String(prefSect))
	m.roster.showTab(prefs.String(prefRoster))
	m.load.folder = func() string { return prefs.String(prefFolder) }
	m.load.setFolder = func(dir string) { prefs.SetString(prefFolder, dir) }
	if !m.selectTab(prefs.StringWithFallback(prefTab, NavRoster)) {
		m.selectTab(NavRoster)
	}
	m.firstRun()
	m.installKeys(w, func() { w.Close() })
	w.SetOnClosed(func() {
		s := w.Canvas().Size()
		if s.Width >= minSize.Width && s.Height >= minSize.Height {
			prefs.SetFloat(prefWidth, float64(s.Width))
			prefs.SetFloat(prefHeight, float64(s.Height))
		}
		if sel := m.tabs.Selected(); sel != nil {
			prefs.SetString(prefTab, sel.Text)
		}
		if sel := m.preferences.tabs.Selected(); sel != nil {
			prefs.SetString(prefSect, strings.TrimSuffix(sel.Text, " •"))
		}
		prefs.SetString(prefRoster, m.roster.tabs.Selected().Text)
		m.cancel() // abandon engine calls still running
	})
	return w, m
}
