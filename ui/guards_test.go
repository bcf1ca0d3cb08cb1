package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	rsync "rosterdesk/sync"
)

// guardsIn returns the Safeguards section of p, adding it to the screen when
// preferences.go does not (yet) show it.
func guardsIn(t *testing.T, m *mainUI, p *preferencesScreen) *prefSection {
	t.Helper()
	for _, s := range p.sections {
		if s.title == guardSectionTitle {
			return s
		}
	}
	s := p.guardSection()
	p.tabs.Append(s.item)
	wait(t, p.refresh())
	idle(t, m)
	return s
}

// The safeguard editor shows every limit, and saves them through the engine,
// which refuses what is not a number ≥ 0 beside its field, saving nothing.
func TestGuardSettingsValidation(t *testing.T) {
	eng := adminEngine(t)
	m, p := openPreferences(t, eng)
	s := guardsIn(t, m, p)
	p.selectQuietly(s.item)
	g := map[string]string{}
	for k := range s.errs {
		g[k] = setting(t, eng, k)
	}
	// 5 entities × 2 actions × percent and count, one school's two, and the input drop.
	if len(s.errs) != 23 {
		t.Fatalf("%d fields, want 23: %v", len(s.errs), g)
	}
	for _, k := range []string{"guard.users.deactivate.percent", "guard.users.deactivate.count", "guard.courses.remove.percent",
		"guard.assignments.update.count", "guard.buildings.deactivate.count", rsync.KeySchoolPercent, rsync.KeySchoolCount, rsync.KeyInputDrop} {
		if _, ok := s.errs[k]; !ok {
			t.Errorf("no field for %s", k)
		}
	}
	for k, e := range guardEntries(t, s) {
		if e.Text != g[k] {
			t.Errorf("%s shows %q, engine %q", k, e.Text, g[k])
		}
	}
	texts := strings.Join(append(visibleTexts(s.item.Content), drawnTexts(s.item.Content)...), "\n")
	for _, want := range []string{"Users", "Course assignments", "deactivate or remove", "0 turns a limit off", "One school", "Incomplete export"} {
		if !strings.Contains(texts, want) {
			t.Errorf("%q not shown: %q", want, texts)
		}
	}

	// Typed values that are not numbers are refused beside their fields; nothing is saved.
	ents := guardEntries(t, s)
	ents["guard.users.deactivate.percent"].SetText("7")
	ents["guard.users.deactivate.count"].SetText("lots")
	ents[rsync.KeyInputDrop].SetText("-3")
	if !s.dirty() || s.status.Text != unsavedText || s.save.Disabled() {
		t.Fatalf("edit not marked: status %q", s.status.Text)
	}
	test.Tap(s.save)
	idle(t, m)
	for _, k := range []string{"guard.users.deactivate.count", rsync.KeyInputDrop} {
		if l := s.errs[k]; !l.Visible() || !strings.Contains(l.Text, "is not a number ≥ 0") {
			t.Errorf("%s: message %q (visible %v)", k, l.Text, l.Visible())
		}
	}
	if s.errs["guard.users.deactivate.percent"].Visible() {
		t.Error("a valid field is marked")
	}
	if s.status.Text != "Not saved: fix the fields marked in red." {
		t.Errorf("status %q", s.status.Text)
	}
	if got := setting(t, eng, "guard.users.deactivate.percent"); got != g["guard.users.deactivate.percent"] || got == "7" {
		t.Fatalf("a refused save stored %q", got)
	}

	// Fixed: saved, as the engine stores them; 0 turns a limit off.
	ents["guard.users.deactivate.count"].SetText("2")
	ents[rsync.KeyInputDrop].SetText("35%")
	test.Tap(s.save)
	idle(t, m)
	if s.status.Text != "Saved." || s.dirty() {
		t.Fatalf("status %q, dirty %v", s.status.Text, s.dirty())
	}
	for k, want := range map[string]string{"guard.users.deactivate.percent": "7",
		"guard.users.deactivate.count": "2", rsync.KeyInputDrop: "35"} {
		if got := setting(t, eng, k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	if ents[rsync.KeyInputDrop].Text != "35" {
		t.Errorf("the field shows %q, not the value stored", ents[rsync.KeyInputDrop].Text)
	}
}

// guardEntries finds each setting's field: the entry beside its validation
// message, and the input-drop field, the one entry left.
func guardEntries(t *testing.T, s *prefSection) map[string]*widget.Entry {
	t.Helper()
	byLabel := map[*widget.Label]string{}
	for k, l := range s.errs {
		byLabel[l] = k
	}
	out := map[string]*widget.Entry{}
	paired := map[*widget.Entry]bool{}
	var all []*widget.Entry
	var find func(o fyne.CanvasObject)
	find = func(o fyne.CanvasObject) {
		switch x := o.(type) {
		case *container.Scroll:
			find(x.Content)
		case *widget.Entry:
			all = append(all, x)
		case *fyne.Container:
			if len(x.Objects) == 2 {
				e, ok1 := x.Objects[0].(*widget.Entry)
				l, ok2 := x.Objects[1].(*widget.Label)
				if ok1 && ok2 && byLabel[l] != "" {
					out[byLabel[l]] = e
					paired[e] = true
				}
			}
			for _, c := range x.Objects {
				find(c)
			}
		}
	}
	find(s.item.Content)
	for _, e := range all {
		if !paired[e] {
			out[rsync.KeyInputDrop] = e
		}
	}
	if len(out) != len(s.errs) {
		t.Fatalf("found %d fields of %d", len(out), len(s.errs))
	}
	return out
}
