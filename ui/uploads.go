package ui

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"rosterdesk"
	rsync "rosterdesk/sync"
)

// uploadTarget is one of the three things an admin can upload by hand.
type uploadTarget struct {
	kind  string // rsync.UploadUsers, UploadCourses or UploadOneRoster
	title string
	text  string
	exts  []string
}

var uploadTargets = []uploadTarget{
	{rsync.UploadUsers, "users.csv", "Imports and updates users only.", []string{".csv"}},
	{rsync.UploadCourses, "courses.csv", "Imports courses; the classes and course assignments already in the roster are kept.", []string{".csv"}},
	{rsync.UploadOneRoster, "OneRoster.zip", "Imports a full OneRoster package: users and courses, as the Synchronization processes preference says.", []string{".zip"}},
}

const dropHint = "Drop OneRoster.zip, the folder of an unzipped export, or its CSV files together (users.csv with roles.csv, say) " +
	"anywhere on this window: they are recognized by their names and content. Nothing is applied before you have seen the preview."

var planLogColumns = []pagedColumn{
	{"Severity", "warning"},
	{"File", "enrollments.csv"},
	{"Line", "0000000"},
	{"sourcedId", "stu-0000000-0000"},
	{"Field", "orgSourcedIds"},
	{"Rule", "required.missing"},
	{"Message", strings.Repeat("m", 60)},
}

// uploadsScreen uploads users.csv, courses.csv or OneRoster.zip: it plans the
// file, shows the preview and applies exactly that plan on request.
type uploadsScreen struct {
	l   *loader
	eng *rsync.Engine
	win func() fyne.Window
	bar *refreshBar

	choose  map[string]*widget.Button
	blocked *widget.Label // why uploads are refused now
	notice  *widget.Label // a wrong file
	job     *jobView
	result  *widget.Label
	preview *fyne.Container

	heading  *widget.Label
	counts   *fyne.Container // grid: entity × add/update/deactivate/reactivate/errors
	held     *widget.Label   // applying would be held for review, and why
	logLine  *widget.Label
	records  *recordList // who the plan changes, by name
	planLog  *pagedTable
	apply    *widget.Button
	discard  *widget.Button
	plan     *rsync.Plan
	planKind string
	planPath string
	source   string // the connected OneRoster source, where file dialogs start
	progress progressForward
	dropped  func() // removes the private copy of the last files dropped together
	scroll   *container.Scroll

	root fyne.CanvasObject
}

func newUploadsScreen(l *loader, eng *rsync.Engine, win func() fyne.Window) *uploadsScreen {
	s := &uploadsScreen{l: l, eng: eng, win: win, choose: map[string]*widget.Button{}}
	s.bar = newRefreshBar("Manual upload", func() { s.refresh() })
	var cards []fyne.CanvasObject
	for _, t := range uploadTargets {
		t := t
		b := widget.NewButtonWithIcon("Choose "+t.title+"…", theme.UploadIcon(), func() { s.pick(t) })
		s.choose[t.kind] = b
		text := widget.NewLabel(t.text)
		text.Wrapping = fyne.TextWrapWord
		cards = append(cards, widget.NewCard("Upload "+t.title, "", container.NewBorder(nil, container.NewHBox(b), nil, nil, text)))
	}
	hint := newDropArea(dropHint)
	s.notice = widget.NewLabel("")
	s.notice.Wrapping = fyne.TextWrapWord
	s.notice.Hide()
	s.blocked = widget.NewLabel("")
	s.blocked.Wrapping = fyne.TextWrapWord
	s.blocked.Hide()
	s.result = widget.NewLabel("")
	s.result.Wrapping = fyne.TextWrapWord
	s.result.Hide()
	s.job = newJobView()
	s.job.onBusy = func(busy bool) {
		for _, b := range s.choose {
			if busy {
				b.Disable()
			} else {
				b.Enable()
			}
		}
	}

	s.heading = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	s.heading.Wrapping = fyne.TextWrapWord
	s.counts = container.New(layout.NewGridLayout(6))
	s.held = widget.NewLabel("")
	s.held.Wrapping = fyne.TextWrapWord
	s.held.Hide()
	s.logLine = widget.NewLabel("")
	s.logLine.Wrapping = fyne.TextWrapWord
	s.records = newRecordList(l)
	s.planLog = newPagedTable(l, planLogColumns, 10000, func(context.Context, int, int) (pageResult, error) { return pageResult{}, nil })
	s.planLog.describe = func(n int) string { return plural(n, "log entry", "log entries") + "." }
	s.planLog.importance = severityColumn
	s.apply = widget.NewButtonWithIcon("Apply", theme.ConfirmIcon(), func() { s.applyPlan() })
	s.apply.Importance = widget.HighImportance
	s.discard = widget.NewButtonWithIcon("Cancel", theme.CancelIcon(), func() { s.cancelPlan() })
	fixed := func(o fyne.CanvasObject, h float32) fyne.CanvasObject { return container.New(&fillWidth{height: h}, o) }
	s.preview = container.NewVBox(widget.NewSeparator(), s.heading, s.counts, s.held,
		container.NewHBox(s.apply, s.discard),
		fieldLabel("Who it changes"), fixed(s.records.root, 280),
		s.logLine, s.planLog.status, fixed(s.planLog.table, 200))
	s.preview.Hide()

	body := container.NewVBox(s.blocked, container.NewGridWithColumns(3, cards...), hint, s.notice, s.job.content(), s.result, s.preview)
	s.scroll = container.NewVScroll(container.NewPadded(body))
	s.root = container.NewBorder(s.bar.content(), nil, nil, nil, s.scroll)
	return s
}

func (s *uploadsScreen) content() fyne.CanvasObject { return s.root }

// refresh says up front when uploads would be refused.
func (s *uploadsScreen) refresh() <-chan struct{} {
	s.bar.loading()
	return run(s.l, s.eng.SyncState, func(st *rsync.SyncState, err error) {
		s.bar.loaded("the roster state", err)
		if err != nil {
			return
		}
		s.source = st.Source
		if err := st.UsersReady(); err != nil {
			s.say(s.blocked, "Uploads are refused for now. "+err.Error(), widget.WarningImportance)
		} else {
			s.blocked.Hide()
		}
	})
}

func (s *uploadsScreen) say(l *widget.Label, text string, imp widget.Importance) {
	l.Importance = imp
	l.SetText(text)
	l.Show()
}

// pick opens a file dialog filtered to the target's type.
func (s *uploadsScreen) pick(t uploadTarget) {
	s.l.pick(s.win(), pickRequest{kind: pickFile, title: "Upload " + t.kind, exts: t.exts, dir: s.l.startDir(s.source)},
		func(p string) { s.upload(p, t.kind) })
}

// upload checks that path is what the target asked for, then previews it.
// want "" accepts any of the three (a dropped file).
func (s *uploadsScreen) upload(path, want string) <-chan struct{} {
	up, err := rsync.DetectUpload(path)
	if err != nil {
		s.say(s.notice, errorText("Reading "+filepath.Base(path), err), widget.DangerImportance)
		return nil
	}
	if want != "" && up.Kind != want {
		s.say(s.notice, fmt.Sprintf("%s is %s, not %s: it is previewed as %s.", filepath.Base(path), up.Kind, want, up.Kind),
			widget.WarningImportance)
	} else {
		s.notice.Hide()
	}
	return s.previewFile(path, up)
}

// previewFile plans the file as an upload and shows the plan; nothing is written.
func (s *uploadsScreen) previewFile(path string, up rsync.Upload) <-chan struct{} {
	s.clearPlan()
	s.result.Hide()
	return startJob(s.job, s.l, "Reading and planning "+filepath.Base(path), func(ctx context.Context, progress func(rsync.Progress)) (*rsync.Plan, error) {
		s.progress.set(progress)
		return s.eng.PlanRun(ctx, path, rsync.Options{Scope: up.Scope, Trigger: rosterdesk.TriggerUpload, Progress: s.progress.report})
	}, func(plan *rsync.Plan, err error) {
		switch {
		case cancelled(err):
			s.say(s.result, "Preview cancelled; nothing was changed.", widget.WarningImportance)
		case err != nil:
			s.say(s.result, errorText("Planning "+filepath.Base(path), err), widget.DangerImportance)
		default:
			s.showPlan(path, up.Kind, plan)
		}
	})
}

// clearPlan hides the preview. The page is scrolled back to the top: it
// shrank, and an offset kept from the long preview would show blank space.
func (s *uploadsScreen) clearPlan() {
	s.plan = nil
	s.preview.Hide()
	if s.scroll != nil {
		s.scroll.ScrollToTop()
	}
}

// entityCounts is one line of the preview's counts grid.
type entityCounts struct {
	name                                   string
	add, update, deactivate, reactivate, e string
}

// planCounts lists per entity what a plan adds, updates, deactivates or
// removes, and reactivates. Courses, classes and assignments count a
// reactivation as added. Buildings are listed for a building sync, or when
// they change.
func planCounts(c rosterdesk.Counts, scope rosterdesk.Scope) []entityCounts {
	var out []entityCounts
	if scope == rosterdesk.ScopeBuildings || c.Buildings != (rosterdesk.BuildingCounts{}) {
		out = append(out, entityCounts{"Buildings", num(c.Buildings.Added), num(c.Buildings.Updated), num(c.Buildings.Deactivated), "—", "—"})
	}
	if scope != rosterdesk.ScopeBuildings {
		out = append(out, entityCounts{"Users", num(c.Users.Added), num(c.Users.Updated), num(c.Users.Deactivated), num(c.Users.Reactivated), num(c.Users.Errors)})
	}
	if scope == rosterdesk.ScopeUsersCourses {
		for _, x := range []struct {
			name string
			c    rosterdesk.CourseCounts
		}{{"Courses", c.Courses}, {"Classes", c.Classes}, {"Course assignments", c.Assignments}} {
			out = append(out, entityCounts{x.name, num(x.c.Added), num(x.c.Updated), num(x.c.Removed), "(in added)", num(x.c.Errors)})
		}
	}
	return out
}

// heldWarning says, before Apply, that applying a plan that trips safeguards
// applies nothing: the run is held for review, and why.
func heldWarning(trips []rosterdesk.Trip) string {
	text := "Applying this will not change the roster yet: the run will be held for review, because it trips " +
		plural(len(trips), "safeguard", "safeguards") + ":"
	for _, t := range trips {
		text += "\n• " + t.Reason
	}
	return text + "\nAfter Apply, review it in History, then approve it once or discard it. If these numbers are expected, you can also raise the limits in Preferences."
}

func (s *uploadsScreen) showPlan(path, kind string, plan *rsync.Plan) {
	s.plan, s.planKind, s.planPath = plan, kind, path
	s.heading.SetText(fmt.Sprintf("Preview of %s (%s, %s): nothing has been changed yet. Apply applies exactly this; Cancel discards it.",
		filepath.Base(path), kind, scopeLabel(plan.Scope)))
	showCounts(s.counts, plan.Counts, plan.Scope, false)
	if len(plan.Trips) > 0 {
		s.say(s.held, heldWarning(plan.Trips), widget.WarningImportance)
		s.apply.SetText("Apply (it will be held for review)")
	} else {
		s.held.Hide()
		s.apply.SetText("Apply")
	}

	s.records.show(func(ctx context.Context, q rosterdesk.PlannedQuery) (rosterdesk.RecordPage, error) {
		return s.eng.Records(ctx, plan, q)
	})

	var logRows []pagedRow
	info := 0
	for _, e := range plan.Log() {
		if e.Severity == rsync.SevInfo {
			info++
		}
		line := ""
		if e.Line > 0 {
			line = strconv.Itoa(e.Line)
		}
		logRows = append(logRows, pagedRow{cells: []string{e.Severity, e.File, line, e.SourcedID, e.Field, e.Rule, e.Message}})
	}
	sort.SliceStable(logRows, func(i, j int) bool {
		rank := map[string]int{rsync.SevError: 0, rsync.SevWarning: 1, rsync.SevInfo: 2}
		return rank[logRows[i].cells[0]] < rank[logRows[j].cells[0]]
	})
	text := fmt.Sprintf("%s: those records are skipped. %s: those records are kept, with something dropped or corrected. %s.",
		plural(plan.Errors(), "error", "errors"), plural(plan.Warnings(), "warning", "warnings"), plural(info, "info note", "info notes"))
	if n := plan.Counts.Users.Ignored; n > 0 {
		text += " " + plural(n, "user is", "users are") + " ignored: their school is not aligned to a building."
	}
	s.logLine.SetText(text)
	if plan.Errors() > 0 {
		s.logLine.Importance = widget.DangerImportance
	} else {
		s.logLine.Importance = widget.MediumImportance
	}
	s.planLog.fetch = func(context.Context, int, int) (pageResult, error) {
		return pageResult{rows: logRows, total: len(logRows)}, nil
	}
	s.planLog.reset()
	s.apply.Enable()
	s.discard.Enable()
	s.preview.Show()
}

// applyPlan applies the previewed plan with progress and Cancel.
func (s *uploadsScreen) applyPlan() <-chan struct{} {
	plan := s.plan
	if plan == nil {
		return nil
	}
	name := filepath.Base(s.planPath)
	s.apply.Disable()
	s.discard.Disable()
	return startJob(s.job, s.l, "Applying "+name, func(ctx context.Context, progress func(rsync.Progress)) (*rsync.Result, error) {
		s.progress.set(progress) // Apply reports through the preview's options
		return s.eng.Apply(ctx, plan)
	}, func(r *rsync.Result, err error) {
		s.apply.Enable()
		s.discard.Enable()
		switch {
		case cancelled(err):
			s.say(s.result, "Apply cancelled: everything was rolled back, the roster is as it was. The preview is still here.", widget.WarningImportance)
			return
		case err != nil:
			text := errorText("Applying "+name, err)
			var held *rsync.HeldError
			if errors.As(err, &held) {
				s.clearPlan()
				s.say(s.result, text, widget.WarningImportance)
				return
			}
			if r != nil && r.ID != 0 {
				s.clearPlan()
			}
			s.say(s.result, text, widget.DangerImportance)
			return
		}
		s.clearPlan()
		text := fmt.Sprintf("Applied %s (run %d). %s, %s.\n%s", name, r.ID,
			plural(r.Errors, "error", "errors"), plural(r.Warnings, "warning", "warnings"), countsSummary(r.Counts, r.Scope))
		if r.Replanned() {
			text = "The roster or the file changed since the preview, so it was planned again and applied with these numbers.\n" + text
		}
		imp := widget.SuccessImportance
		if r.Errors > 0 {
			imp = widget.WarningImportance
			text += "\nRejected rows are listed in the run's Full log (History)."
		}
		s.say(s.result, text, imp)
	})
}

// progressForward passes progress to the job running now: a plan keeps the
// callback it was previewed with, and Apply reports through it.
type progressForward struct {
	mu sync.Mutex
	to func(rsync.Progress)
}

func (f *progressForward) set(to func(rsync.Progress)) {
	f.mu.Lock()
	f.to = to
	f.mu.Unlock()
}

func (f *progressForward) report(p rsync.Progress) {
	f.mu.Lock()
	to := f.to
	f.mu.Unlock()
	if to != nil {
		to(p)
	}
}

func (s *uploadsScreen) cancelPlan() {
	s.clearPlan()
	s.say(s.result, "Preview discarded; nothing was changed.", widget.MediumImportance)
}
