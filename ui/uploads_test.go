package ui

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	gosync "sync"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"

	"rosterdesk"
	rsync "rosterdesk/sync"
	"rosterdesk/sync/gen"
)

// countsGrid reads the preview's counts grid back: entity → its five numbers.
func countsGrid(t *testing.T, s *uploadsScreen) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	objs := s.counts.Objects
	for i := 6; i+5 < len(objs); i += 6 {
		var row []string
		for _, o := range objs[i+1 : i+6] {
			row = append(row, o.(*widget.Label).Text)
		}
		out[objs[i].(*widget.Label).Text] = row
	}
	return out
}

// Each kind of upload previews exactly what Apply then applies.
func TestUploadPreviewIsWhatIsApplied(t *testing.T) {
	for _, kind := range []string{rsync.UploadUsers, rsync.UploadCourses, rsync.UploadOneRoster} {
		t.Run(kind, func(t *testing.T) {
			eng := adminEngine(t)
			ctx := context.Background()
			day0, _ := district(t, 0, "")
			syncs(t, eng, day0, rosterdesk.ScopeBuildings)
			syncs(t, eng, day0, rosterdesk.ScopeUsersCourses)
			path, d := district(t, 2, "")
			if kind != rsync.UploadOneRoster {
				path = loneFile(t, d, kind)
			}
			m, _ := newTestUI(t, eng)
			m.selectTab(NavUploads)
			idle(t, m)
			s := m.uploads
			before, _ := eng.Dump(ctx)

			wait(t, s.upload(path, kind))
			idle(t, m)
			plan := s.plan
			if plan == nil {
				t.Fatalf("no preview: %q", s.result.Text)
			}
			if after, _ := eng.Dump(ctx); after != before {
				t.Fatal("the preview wrote to the roster")
			}
			if !s.preview.Visible() || !strings.Contains(s.heading.Text, "nothing has been changed yet") || plan.Trigger != rosterdesk.TriggerUpload {
				t.Fatalf("preview %q (trigger %s)", s.heading.Text, plan.Trigger)
			}
			// The numbers shown are the plan's.
			grid := countsGrid(t, s)
			u := plan.Counts.Users
			if got := strings.Join(grid["Users"], " "); got != strings.Join([]string{num(u.Added), num(u.Updated), num(u.Deactivated), num(u.Reactivated), num(u.Errors)}, " ") {
				t.Errorf("users line %q for %+v", got, u)
			}
			if kind != rsync.UploadUsers {
				c := plan.Counts.Courses
				if got := grid["Courses"]; len(got) != 5 || got[0] != num(c.Added) || got[2] != num(c.Removed) {
					t.Errorf("courses line %q for %+v", got, c)
				}
			} else if _, ok := grid["Courses"]; ok {
				t.Error("a users.csv upload shows courses")
			}
			// Every record it changes, by name, with its reason.
			idle(t, m)
			if s.records.table.total != plan.Counts.Changes() || s.records.table.total == 0 {
				t.Fatalf("%d records listed for %d changes", s.records.table.total, plan.Counts.Changes())
			}
			for i := 0; i < s.records.table.total && i < 100; i++ {
				if c := cells(t, s.records.table, i); c[5] == "" || (c[1] == "user" && c[2] == "") {
					t.Errorf("record %q has no reason or name", c)
				}
			}
			if s.planLog.total != len(plan.Log()) {
				t.Errorf("%d log rows for %d entries", s.planLog.total, len(plan.Log()))
			}

			wait(t, s.applyPlan())
			idle(t, m)
			runs, err := eng.History(ctx, 1, 0)
			if err != nil {
				t.Fatal(err)
			}
			r := runs[0]
			if r.Trigger != rosterdesk.TriggerUpload || r.Status != rosterdesk.StatusApplied || r.Counts != plan.Counts {
				t.Fatalf("applied %+v (%s, %s)\npreviewed %+v", r.Counts, r.Trigger, r.Status, plan.Counts)
			}
			if !strings.HasPrefix(s.result.Text, "Applied "+filepath.Base(path)+" (run "+strconvI(r.ID)+")") || s.preview.Visible() {
				t.Errorf("result %q", s.result.Text)
			}
			if strings.Contains(s.result.Text, "changed since the preview") {
				t.Error("said the plan changed although nothing did")
			}
		})
	}
}

// A roster changed between preview and Apply: planned again, and said so.
func TestUploadReplannedWhenTheRosterChanged(t *testing.T) {
	eng := adminEngine(t)
	ctx := context.Background()
	day0, _ := district(t, 0, "")
	syncs(t, eng, day0, rosterdesk.ScopeBuildings)
	syncs(t, eng, day0, rosterdesk.ScopeUsersCourses)
	day1, _ := district(t, 2, "")
	m, _ := newTestUI(t, eng)
	s := m.uploads
	wait(t, s.upload(day1, rsync.UploadOneRoster))
	idle(t, m)
	if s.plan == nil {
		t.Fatalf("no preview: %q", s.result.Text)
	}
	syncs(t, eng, day1, rosterdesk.ScopeUsersCourses) // someone else applied it meanwhile
	wait(t, s.applyPlan())
	idle(t, m)
	if !strings.Contains(s.result.Text, "changed since the preview, so it was planned again") {
		t.Errorf("result %q", s.result.Text)
	}
	runs, _ := eng.History(ctx, 1, 0)
	if runs[0].Counts.Users.Added != 0 {
		t.Errorf("the replanned run added %d users again", runs[0].Counts.Users.Added)
	}
}

// Uploads are refused, with the reason, before a building sync; Cancel discards a preview.
func TestUploadRefusedAndCancelled(t *testing.T) {
	eng := adminEngine(t)
	src, _ := district(t, 0, "")
	m, _ := newTestUI(t, eng)
	m.selectTab(NavUploads)
	idle(t, m)
	s := m.uploads
	if !s.blocked.Visible() || !strings.Contains(s.blocked.Text, "Uploads are refused for now. Synchronize buildings first") {
		t.Errorf("notice %q", s.blocked.Text)
	}
	wait(t, s.upload(src, rsync.UploadOneRoster))
	idle(t, m)
	if s.plan != nil || !strings.Contains(s.result.Text, "Refused: synchronize buildings first") || s.result.Importance != widget.DangerImportance {
		t.Fatalf("result %q", s.result.Text)
	}

	syncs(t, eng, src, rosterdesk.ScopeBuildings)
	wait(t, s.upload(src, rsync.UploadOneRoster))
	idle(t, m)
	if s.plan == nil {
		t.Fatalf("no preview: %q", s.result.Text)
	}
	before, _ := eng.Dump(context.Background())
	s.cancelPlan()
	if s.plan != nil || s.preview.Visible() || !strings.Contains(s.result.Text, "nothing was changed") {
		t.Error("Cancel kept the preview")
	}
	if after, _ := eng.Dump(context.Background()); after != before {
		t.Error("Cancel changed the roster")
	}
	// A file that is not what the target asks for is said so.
	wait(t, s.upload(src, rsync.UploadUsers))
	idle(t, m)
	if !strings.Contains(s.notice.Text, "is OneRoster.zip, not users.csv") {
		t.Errorf("notice %q", s.notice.Text)
	}
}

// routeDrop is what the window does with dropped files.
func TestRouteDrop(t *testing.T) {
	src, d := district(t, 0, "")
	users := loneFile(t, d, "users.csv")
	courses := loneFile(t, d, "courses.csv")
	pdf := filepath.Join(t.TempDir(), "roster.pdf")
	os.WriteFile(pdf, []byte("%PDF-1.7\n..."), 0o644)
	enroll := loneFile(t, d, "enrollments.csv")
	file := storage.NewFileURI

	for _, c := range []struct {
		name  string
		uris  []fyne.URI
		kind  string
		scope rosterdesk.Scope
		err   string
	}{
		{"zip", []fyne.URI{file(src)}, rsync.UploadOneRoster, "", ""},
		{"users", []fyne.URI{file(users)}, rsync.UploadUsers, rosterdesk.ScopeUsers, ""},
		{"courses", []fyne.URI{file(courses)}, rsync.UploadCourses, rosterdesk.ScopeUsersCourses, ""},
		{"nothing", nil, "", "", dropNothing},
		{"two files", []fyne.URI{file(users), file(courses)}, "", "", dropMany},
		{"not local", []fyne.URI{mustURI(t, "https://example.org/OneRoster.zip")}, "", "", dropNotLocal},
		{"a pdf", []fyne.URI{file(pdf)}, "", "", "roster.pdf"},
		{"another OneRoster file", []fyne.URI{file(enroll)}, "", "", "enrollments.csv"},
	} {
		r, err := routeDrop(c.uris, rsync.DetectUpload)
		switch {
		case c.err == "" && err != nil:
			t.Errorf("%s: %v", c.name, err)
		case c.err != "" && (err == nil || !strings.Contains(err.Error(), c.err)):
			t.Errorf("%s: error %v, want one with %q", c.name, err, c.err)
		case c.err == "" && (r.upload.Kind != c.kind || r.upload.Scope != c.scope || r.path == ""):
			t.Errorf("%s: routed %+v", c.name, r)
		}
	}
}

func mustURI(t *testing.T, s string) fyne.URI {
	t.Helper()
	u, err := storage.ParseURI(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// A file dropped on any screen opens the Uploads screen with its preview.
func TestDropOnWindowPreviews(t *testing.T) {
	eng := adminEngine(t)
	src, d := district(t, 0, "")
	syncs(t, eng, src, rosterdesk.ScopeBuildings)
	m, _ := newTestUI(t, eng)
	m.selectTab(NavHistory)
	idle(t, m)
	wait(t, m.handleDrop([]fyne.URI{storage.NewFileURI(loneFile(t, d, "users.csv"))}))
	idle(t, m)
	if m.tabs.Selected().Text != NavUploads || m.uploads.plan == nil || m.uploads.plan.Scope != rosterdesk.ScopeUsers {
		t.Fatalf("on %q, plan %v, result %q", m.tabs.Selected().Text, m.uploads.plan, m.uploads.result.Text)
	}
	// A wrong file: a clear message, no preview.
	bad := filepath.Join(t.TempDir(), "export.xlsx")
	os.WriteFile(bad, []byte("PK\x03\x04 not really"), 0o644)
	m.handleDrop([]fyne.URI{storage.NewFileURI(bad)})
	idle(t, m)
	if m.uploads.plan != nil || !m.uploads.notice.Visible() || m.uploads.notice.Importance != widget.DangerImportance {
		t.Errorf("wrong file: plan %v, notice %q", m.uploads.plan, m.uploads.notice.Text)
	}
}

// The file pickers open, filtered and in the folder a file was last chosen in.
func TestFilePickersOpen(t *testing.T) {
	eng := adminEngine(t)
	src, _ := district(t, 0, "")
	syncs(t, eng, src, rosterdesk.ScopeBuildings)
	m, w := newTestUI(t, eng)
	m.selectTab(NavUploads)
	idle(t, m)
	var remembered string
	m.load.folder = func() string { return remembered }
	m.load.setFolder = func(d string) { remembered = d }
	m.load.chosen(src)
	if remembered != filepath.Dir(src) {
		t.Fatalf("remembered %q", remembered)
	}
	for _, open := range []func(){
		func() { m.uploads.pick(uploadTargets[0]) },
		func() { m.uploads.pick(uploadTargets[2]) },
		func() { m.oneRoster.pickFile() },
		func() { m.oneRoster.pickFolder() },
		func() { exportRunDialog(w, m.load, eng, 1, exportXLSX, widget.NewLabel("")) },
	} {
		open()
		top := w.Canvas().Overlays().Top()
		if top == nil {
			t.Fatal("no dialog")
		}
		if !strings.Contains(strings.Join(append(visibleTexts(top), drawnTexts(top)...), "\n"), filepath.Base(filepath.Dir(src))) {
			t.Errorf("dialog not in the remembered folder: %q", drawnTexts(top))
		}
		w.Canvas().Overlays().Remove(top)
	}
}

// Applying while another run writes is refused, with the engine's reason.
func TestUploadRefusedWhileAnotherRunWrites(t *testing.T) {
	eng := adminEngine(t)
	ctx := context.Background()
	day0, _ := district(t, 0, "")
	syncs(t, eng, day0, rosterdesk.ScopeBuildings)
	syncs(t, eng, day0, rosterdesk.ScopeUsersCourses)
	day1, _ := district(t, 2, "")
	m, _ := newTestUI(t, eng)
	s := m.uploads
	wait(t, s.upload(day1, rsync.UploadOneRoster))
	idle(t, m)
	if s.plan == nil {
		t.Fatalf("no preview: %q", s.result.Text)
	}
	// Another run (the CLI, the schedule) writes, and waits in the middle.
	block, started, finished := make(chan struct{}), make(chan struct{}), make(chan struct{})
	var once gosync.Once
	go func() {
		defer close(finished)
		eng.Sync(ctx, day1, rsync.Options{Progress: func(rsync.Progress) {
			once.Do(func() { close(started); <-block })
		}})
	}()
	<-started
	wait(t, s.applyPlan())
	idle(t, m)
	close(block)
	<-finished
	if !strings.Contains(s.result.Text, "Refused: another run is in progress") || s.plan == nil {
		t.Errorf("result %q (preview kept: %v)", s.result.Text, s.plan != nil)
	}
}

// A preview whose plan trips a safeguard says, before Apply, that applying
// will be held for review and why; applying then holds it.
func TestUploadSaysItWouldBeHeld(t *testing.T) {
	eng := adminEngine(t)
	ctx := context.Background()
	day0, _ := district(t, 0, "")
	syncs(t, eng, day0, rosterdesk.ScopeBuildings)
	syncs(t, eng, day0, rosterdesk.ScopeUsersCourses)
	if _, err := eng.SetSetting(ctx, "guard.users.deactivate.count", "1"); err != nil {
		t.Fatal(err)
	}
	next, _ := district(t, 2, "")
	m, _ := newTestUI(t, eng)
	m.selectTab(NavUploads)
	idle(t, m)
	s := m.uploads
	wait(t, s.upload(next, rsync.UploadOneRoster))
	idle(t, m)
	if s.plan == nil || len(s.plan.Trips) == 0 {
		t.Fatalf("no trips in the preview: %+v", s.plan)
	}
	if !s.held.Visible() || s.held.Importance != widget.WarningImportance ||
		!strings.Contains(s.held.Text, "will be held for review") || !strings.Contains(s.held.Text, s.plan.Trips[0].Reason) {
		t.Fatalf("held warning %q (visible %v)", s.held.Text, s.held.Visible())
	}
	if s.apply.Text != "Apply (it will be held for review)" {
		t.Errorf("apply button %q", s.apply.Text)
	}
	wait(t, s.applyPlan())
	idle(t, m)
	runs, _ := eng.History(ctx, 1, 0)
	if runs[0].Status != rosterdesk.StatusHeld || !strings.Contains(s.result.Text, "held for review") || s.result.Importance != widget.WarningImportance {
		t.Fatalf("after Apply: run %s, result %q", runs[0].Status, s.result.Text)
	}

	// Without a tripped safeguard, no warning.
	if _, err := eng.SetSetting(ctx, "guard.users.deactivate.count", "0"); err != nil {
		t.Fatal(err)
	}
	if _, err := eng.SetSetting(ctx, "guard.users.deactivate.percent", "0"); err != nil {
		t.Fatal(err)
	}
	wait(t, s.upload(next, rsync.UploadOneRoster))
	idle(t, m)
	if s.plan == nil || len(s.plan.Trips) != 0 || s.held.Visible() || s.apply.Text != "Apply" {
		t.Errorf("trips %v, warning visible %v (%q), apply %q", s.plan.Trips, s.held.Visible(), s.held.Text, s.apply.Text)
	}
}

// The CSV files of one export dropped together are previewed as one bundle.
func TestDropSeveralFilesPreviewsOneBundle(t *testing.T) {
	eng := adminEngine(t)
	src, d := district(t, 0, "")
	syncs(t, eng, src, rosterdesk.ScopeBuildings)
	m, _ := newTestUI(t, eng)
	m.selectTab(NavUploads) // on the OneRoster screen a drop connects the source instead
	idle(t, m)
	dir := t.TempDir()
	if err := d.Write(dir, gen.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	ents, _ := os.ReadDir(dir)
	var uris []fyne.URI
	for _, e := range ents {
		uris = append(uris, storage.NewFileURI(filepath.Join(dir, e.Name())))
	}
	wait(t, m.handleDrop(uris))
	idle(t, m)
	if m.uploads.plan == nil || m.uploads.planKind != rsync.UploadFiles || m.uploads.plan.Counts.Users.Added == 0 {
		t.Fatalf("plan %v kind %q result %q notice %q", m.uploads.plan, m.uploads.planKind, m.uploads.result.Text, m.uploads.notice.Text)
	}
	if m.uploads.dropped == nil {
		t.Fatal("the private copy is not kept for removal")
	}
}
