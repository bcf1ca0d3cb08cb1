package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	rsync "rosterdesk/sync"
)

// A refused save at the bottom of a long section scrolls its message into
// view; correcting the field takes its message away; Discard takes "Not saved" away.
func TestPreferencesRefusedSaveShowsAndClears(t *testing.T) {
	eng := adminEngine(t)
	m, p := openPreferences(t, eng)
	m.win.Resize(fyne.NewSize(1024, 600))
	s := p.sSchedule
	p.tabs.Select(s.item)
	pause := p.auto.pauseFrom
	msg := s.errs[rsync.KeyPauseFrom]

	s.scroll.ScrollToBottom()
	pause.SetText("2027-13-01")
	wait(t, p.saveSection(s))
	idle(t, m)
	if !msg.Visible() || !strings.HasPrefix(s.status.Text, "Not saved") {
		t.Fatalf("refused: message %q (%v), status %q", msg.Text, msg.Visible(), s.status.Text)
	}
	d := fyne.CurrentApp().Driver()
	y := d.AbsolutePositionForObject(msg).Y - d.AbsolutePositionForObject(s.scroll).Y
	if y < 0 || y+msg.Size().Height > s.scroll.Size().Height {
		t.Fatalf("the message is out of view: at %v in a page %v high (offset %v)", y, s.scroll.Size().Height, s.scroll.Offset.Y)
	}

	test.Type(pause, "") // an edit
	pause.SetText("2027-06-10")
	if msg.Visible() {
		t.Errorf("the corrected field keeps its message %q", msg.Text)
	}

	pause.SetText("2027-13-01")
	wait(t, p.saveSection(s))
	idle(t, m)
	p.confirmLeave([]*prefSection{s}, func() {})
	test.Tap(overlayButton(t, m.win, "Discard changes"))
	if strings.HasPrefix(s.status.Text, "Not saved") || msg.Visible() || pause.Text != "" {
		t.Errorf("after Discard: status %q, message %v, field %q", s.status.Text, msg.Visible(), pause.Text)
	}
}
