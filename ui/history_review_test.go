package ui

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"rosterdesk"
	rsync "rosterdesk/sync"
)

// heldDay2 syncs day 0 and holds day 2 (a limit of one deactivated user); it returns the held run.
func heldDay2(t *testing.T, eng *rsync.Engine) *rsync.Result {
	t.Helper()
	ctx := context.Background()
	src, _ := district(t, 0, "")
	syncs(t, eng, src, rosterdesk.ScopeBuildings)
	syncs(t, eng, src, rosterdesk.ScopeUsersCourses)
	if _, err := eng.SetSetting(ctx, "guard.users.deactivate.count", "1"); err != nil {
		t.Fatal(err)
	}
	next, _ := district(t, 2, "")
	res, err := eng.Sync(ctx, next, rsync.Options{})
	if !rsync.IsHeld(err) {
		t.Fatalf("day 2 not held: %v", err)
	}
	return res
}

// reviewCounts reads a counts grid back: entity → its five numbers.
func gridRows(t *testing.T, grid *fyne.Container, cols int) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	objs := grid.Objects
	for i := cols; i+cols-1 < len(objs); i += cols {
		var row []string
		for _, o := range objs[i+1 : i+cols] {
			row = append(row, o.(*widget.Label).Text)
		}
		out[objs[i].(*widget.Label).Text] = row
	}
	return out
}

// A held run reads "Held — needs review" with its numbers; its review shows
// what tripped it, what it would apply and its log; it is approved once, or discarded.
func TestHistoryApprovesHeldRun(t *testing.T) {
	eng := adminEngine(t)
	ctx := context.Background()
	heldRes := heldDay2(t, eng)
	m, w := newTestUI(t, eng)
	m.selectTab(NavHistory)
	idle(t, m)
	h := m.history
	row := cells(t, h.table, 0)
	want := fmt.Sprintf("Held — needs review: deactivate %d users (limit 1)", heldRes.Counts.Users.Deactivated)
	if row[2] != want {
		t.Fatalf("held row %q, want status %q", row, want)
	}
	r, _ := h.table.row(0)
	if imp := h.table.importance(r, 2); imp != widget.WarningImportance {
		t.Errorf("held status importance %v", imp)
	}
	h.table.onSelected(0, r)
	if !h.approve.Visible() || !h.discard.Visible() || !h.review.Visible() || h.undo.Visible() ||
		!strings.Contains(h.detail.Text, "Held: would deactivate") || !strings.Contains(h.detail.Text, "Nothing of it is applied") {
		t.Fatalf("held run actions/detail wrong; detail %q", h.detail.Text)
	}

	// Full log on a held row opens its review.
	h.table.action(r)
	idle(t, m)
	v := h.held
	if h.list.Visible() || !v.content().Visible() {
		t.Fatal("the review is not shown")
	}
	trips := gridRows(t, v.trips, len(tripColumns))
	if got := trips["users"]; len(got) != 5 || got[0] != "deactivate" || got[1] != num(heldRes.Counts.Users.Deactivated) || got[4] != "1" {
		t.Errorf("trips grid %q", trips)
	}
	if !strings.Contains(v.reasons.Text, heldRes.Tripped[0].Reason) {
		t.Errorf("reasons %q, want %q", v.reasons.Text, heldRes.Tripped[0].Reason)
	}
	counts := gridRows(t, v.counts, 6)
	if got := counts["Users"]; len(got) != 5 || got[2] != num(heldRes.Counts.Users.Deactivated) {
		t.Errorf("counts grid %q for %+v", counts, heldRes.Counts.Users)
	}
	_, logCounts, err := eng.LogPage(ctx, heldRes.ID, rosterdesk.LogFilter{}, 1, 0)
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, n := range logCounts {
		total += n
	}
	if v.log.total != total || total == 0 {
		t.Errorf("review log shows %d rows, engine %d", v.log.total, total)
	}
	// Its full log, and back to the review, then the list.
	v.do.openLog(v.run)
	idle(t, m)
	if !h.log.content().Visible() || v.content().Visible() {
		t.Fatal("full log not shown")
	}
	h.logBack()
	if !v.content().Visible() {
		t.Fatal("back from the log did not return to the review")
	}

	// Approve this run once, from the review.
	if v.approve.Text != approveText {
		t.Errorf("approve button %q", v.approve.Text)
	}
	test.Tap(v.approve)
	if txt := overlayText(w); !strings.Contains(txt, "exactly as held") || !strings.Contains(txt, "deactivate") {
		t.Errorf("confirmation says %q", txt)
	}
	test.Tap(overlayButton(t, w, fmt.Sprintf("Approve run %d", heldRes.ID)))
	idle(t, m)
	got, err := eng.Run(ctx, heldRes.ID)
	if err != nil || got.Status != rosterdesk.StatusApproved {
		t.Fatalf("held run now %+v, %v (note %q)", got, err, h.note.Text)
	}
	if !h.list.Visible() || !strings.Contains(h.note.Text, "approved and applied as run") || h.table.total != 4 {
		t.Errorf("note %q, %d runs", h.note.Text, h.table.total)
	}
	if row := cells(t, h.table, 1); row[2] != fmt.Sprintf("Approved: applied by run %d", got.ResolvedBy) {
		t.Errorf("approved row %q", row)
	}
	// The approving run is an applied run: it offers Undo, not approval.
	r, _ = h.table.row(0)
	h.table.onSelected(0, r)
	if h.approve.Visible() || !h.undo.Visible() {
		t.Error("approve offered, or undo not offered, for an applied run")
	}

	// The same day held again, then discarded from the list.
	next, _ := district(t, 2, "")
	if _, err := eng.Sync(ctx, next, rsync.Options{}); err != nil && !rsync.IsHeld(err) {
		t.Fatal(err)
	}
	if _, err := eng.SetSetting(ctx, "guard.users.update.percent", "0.0001"); err != nil {
		t.Fatal(err)
	}
	d3, _ := district(t, 3, "")
	held2, err := eng.Sync(ctx, d3, rsync.Options{})
	if !rsync.IsHeld(err) {
		t.Fatalf("day 3 not held: %v", err)
	}
	wait(t, h.refresh())
	r, _ = h.table.row(0)
	h.table.onSelected(0, r)
	test.Tap(h.discard)
	test.Tap(overlayButton(t, w, fmt.Sprintf("Discard run %d", held2.ID)))
	idle(t, m)
	if got, _ := eng.Run(ctx, held2.ID); got.Status != rosterdesk.StatusDiscarded {
		t.Fatalf("discarded run is %s (note %q)", got.Status, h.note.Text)
	}
	if row := cells(t, h.table, 0); row[2] != "Discarded: nothing applied" {
		t.Errorf("discarded row %q", row)
	}
}

// An approval refused because the roster changed since the run was held
// shows the new numbers in the review; approving again applies them.
func TestHistoryApproveReplanned(t *testing.T) {
	eng := adminEngine(t)
	ctx := context.Background()
	heldRes := heldDay2(t, eng)
	// Meanwhile every user is protected: the held plan no longer matches.
	users, err := eng.Browse(ctx, rosterdesk.BrowseQuery{Kind: rosterdesk.BrowseUsers, Limit: 1 << 30})
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range users.Rows {
		if err := eng.Protect(ctx, "user", u.SourcedID, true); err != nil {
			t.Fatal(err)
		}
	}
	m, w := newTestUI(t, eng)
	m.selectTab(NavHistory)
	idle(t, m)
	h := m.history
	r, _ := h.table.row(0)
	h.table.onSelected(0, r)
	// Approve on the History row opens the review first: the admin approves having seen the list.
	test.Tap(h.approve)
	idle(t, m)
	v := h.held
	if !v.content().Visible() || !v.seenList() || v.approve.Disabled() || !strings.Contains(v.note.Text, "who it changes") {
		t.Fatalf("approve from the row: review visible %v, list seen %v, note %q", v.content().Visible(), v.seenList(), v.note.Text)
	}
	test.Tap(v.approve)
	test.Tap(overlayButton(t, w, fmt.Sprintf("Approve run %d", heldRes.ID)))
	idle(t, m)
	if !v.content().Visible() || !strings.Contains(v.note.Text, "planned again") || v.note.Importance != widget.WarningImportance {
		t.Fatalf("replanned approval: review visible %v, note %q", v.content().Visible(), v.note.Text)
	}
	if got, _ := eng.Run(ctx, heldRes.ID); got.Status != rosterdesk.StatusHeld || got.Counts.Users.Deactivated != 0 {
		t.Fatalf("run after the refused approval %+v", got)
	}
	if counts := gridRows(t, v.counts, 6); counts["Users"][2] != "0" {
		t.Errorf("new numbers not shown: %q", counts)
	}
	if !v.approve.Visible() || v.approve.Disabled() {
		t.Fatal("cannot approve again")
	}
	test.Tap(v.approve)
	test.Tap(overlayButton(t, w, fmt.Sprintf("Approve run %d", heldRes.ID)))
	idle(t, m)
	got, _ := eng.Run(ctx, heldRes.ID)
	if got.Status != rosterdesk.StatusApproved {
		t.Fatalf("second approval: run is %s (note %q)", got.Status, h.note.Text)
	}
	applied, _ := eng.Run(ctx, got.ResolvedBy)
	if applied.Counts.Users.Deactivated != 0 || !strings.Contains(h.note.Text, "approved and applied") {
		t.Errorf("applied %+v, note %q", applied.Counts.Users, h.note.Text)
	}
}

// Undo this run: an older run whose records a newer run changed is refused
// with that run's id; the newest is undone, and both runs say so.
func TestHistoryUndoRun(t *testing.T) {
	eng := adminEngine(t)
	ctx := context.Background()
	src, _ := district(t, 0, "")
	syncs(t, eng, src, rosterdesk.ScopeBuildings)
	first := syncs(t, eng, src, rosterdesk.ScopeUsersCourses)
	next, _ := district(t, 2, "")
	if _, err := eng.SetSetting(ctx, "guard.users.deactivate.percent", "0"); err != nil {
		t.Fatal(err)
	}
	second := syncs(t, eng, next, rosterdesk.ScopeUsersCourses)
	before, err := eng.Dump(ctx, "users")
	if err != nil {
		t.Fatal(err)
	}

	m, w := newTestUI(t, eng)
	m.selectTab(NavHistory)
	idle(t, m)
	h := m.history
	// The older users run: refused, naming the newer run.
	r, _ := h.table.row(1)
	if r.key.(rsync.Result).ID != first.ID {
		t.Fatalf("row 1 is run %d, want %d", r.key.(rsync.Result).ID, first.ID)
	}
	h.table.onSelected(1, r)
	if !h.undo.Visible() || h.undo.Text != undoText {
		t.Fatal("no Undo this run for an applied run")
	}
	test.Tap(h.undo)
	if txt := overlayText(w); !strings.Contains(txt, "goes back to exactly its state before") {
		t.Errorf("confirmation says %q", txt)
	}
	test.Tap(overlayButton(t, w, fmt.Sprintf("Undo run %d", first.ID)))
	idle(t, m)
	wantRefusal := fmt.Sprintf("undo run(s) %d first", second.ID)
	if !strings.Contains(h.note.Text, wantRefusal) || h.note.Importance != widget.DangerImportance {
		t.Fatalf("refusal note %q, want %q", h.note.Text, wantRefusal)
	}
	if txt := overlayText(w); !strings.Contains(txt, fmt.Sprintf("Run %d cannot be undone now", first.ID)) ||
		!strings.Contains(strings.Join(strings.Fields(txt), " "), wantRefusal) {
		t.Errorf("refusal dialog says %q", txt)
	}
	test.Tap(overlayButton(t, w, "OK"))
	if got, _ := eng.Run(ctx, first.ID); got.Status != rosterdesk.StatusApplied {
		t.Fatalf("refused undo changed run %d to %s", first.ID, got.Status)
	}

	// The newest run is undone.
	r, _ = h.table.row(0)
	h.table.onSelected(0, r)
	test.Tap(h.undo)
	test.Tap(overlayButton(t, w, fmt.Sprintf("Undo run %d", second.ID)))
	idle(t, m)
	got, _ := eng.Run(ctx, second.ID)
	if got.Status != rosterdesk.StatusRolledBack || got.ResolvedBy == 0 {
		t.Fatalf("run %d is %s after undo (note %q)", second.ID, got.Status, h.note.Text)
	}
	if !strings.Contains(h.note.Text, fmt.Sprintf("Run %d undone by run %d: ", second.ID, got.ResolvedBy)) ||
		!strings.Contains(h.note.Text, "restored") {
		t.Errorf("undo note %q", h.note.Text)
	}
	if row := cells(t, h.table, 0); row[2] != fmt.Sprintf("Applied: undoes run %d", second.ID) {
		t.Errorf("rollback run row %q", row)
	}
	if row := cells(t, h.table, 1); row[2] != fmt.Sprintf("Rolled back by run %d", got.ResolvedBy) {
		t.Errorf("rolled-back row %q", row)
	}
	r, _ = h.table.row(1)
	h.table.onSelected(1, r)
	if h.undo.Visible() || !strings.Contains(h.detail.Text, fmt.Sprintf("Undone by run %d", got.ResolvedBy)) {
		t.Errorf("rolled-back run: undo visible %v, detail %q", h.undo.Visible(), h.detail.Text)
	}
	r, _ = h.table.row(0)
	h.table.onSelected(0, r)
	if h.undo.Visible() {
		t.Error("undo offered for the undoing run itself")
	}
	// The roster is back to the first users run.
	d, _ := eng.Dump(ctx, "users")
	if d == before {
		t.Error("the users table did not change")
	}
}

// The review lists who a held run changes, by name, searchable; Approve
// waits for the list.
func TestReviewListsWhoItChanges(t *testing.T) {
	eng := adminEngine(t)
	heldRes := heldDay2(t, eng)
	m, _ := newTestUI(t, eng)
	m.selectTab(NavHistory)
	idle(t, m)
	h := m.history
	r, _ := h.table.row(0)
	h.table.onSelected(0, r)
	wait(t, h.showReview(*h.selected))
	idle(t, m)
	v := h.held
	if !strings.Contains(v.intro.Text, rsync.GuidanceHeld) || !strings.Contains(v.intro.Text, rsync.GuidanceSupport) {
		t.Errorf("the review says nothing of what to do next: %q", v.intro.Text)
	}
	u := heldRes.Counts.Users
	users := u.Added + u.Updated + u.Deactivated + u.Reactivated
	if !v.seenList() || v.seen != heldRes.Counts.Changes() || v.approve.Disabled() {
		t.Fatalf("list shows %d records, counts say %d; approve disabled %v", v.seen, heldRes.Counts.Changes(), v.approve.Disabled())
	}
	v.records.kind.SetSelected("Users")
	wait(t, v.records.table.reset())
	row := cells(t, v.records.table, 0)
	if row[0] != "deactivate" || row[1] != "user" || row[2] == "" || !strings.Contains(row[3], "·") {
		t.Fatalf("first record %q", row)
	}
	rec, _, err := eng.Show(context.Background(), "user", row[4])
	if err != nil || row[2] != strings.TrimSpace(rec.Fields["given_name"]+" "+rec.Fields["family_name"]) {
		t.Fatalf("listed %q, roster %+v %v", row[2], rec, err)
	}
	// Searching the name narrows the list to that user and their assignments.
	v.records.kind.SetSelected("All records")
	v.records.search.SetText(row[2])
	wait(t, v.records.table.reset())
	if n := v.records.table.total; n < 1 || n >= heldRes.Counts.Changes() {
		t.Fatalf("search %q: %d of %d", row[2], n, heldRes.Counts.Changes())
	}
	for i := 0; i < v.records.table.total; i++ {
		if c := cells(t, v.records.table, i); c[2] != row[2] {
			t.Errorf("search %q found %q", row[2], c)
		}
	}
	v.records.search.SetText("")
	v.records.kind.SetSelected("Users")
	wait(t, v.records.table.reset())
	if v.records.table.total != users {
		t.Fatalf("users listed %d, counts %+v", v.records.table.total, u)
	}
}
