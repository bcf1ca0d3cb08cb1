package sync

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"rosterdesk"
	"rosterdesk/data"
)

// engineAt opens (creating) the roster at path with a credited admin, the guards off and a fixed clock.
func engineAt(t *testing.T, path string) *Engine {
	t.Helper()
	e, err := OpenWith(path, zerolog.Nop(), OpenOptions{Create: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	now := time.Date(2026, 11, 23, 6, 0, 0, 0, time.UTC)
	e.db.Now = func() time.Time { now = now.Add(time.Second); return now }
	ctx := context.Background()
	if _, err := e.AddAdmin(ctx, "it@example.org", "IT Admin"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.SetSetting(ctx, KeyCreditedAdmin, "it@example.org"); err != nil {
		t.Fatal(err)
	}
	guardsOff(t, e)
	return e
}

// Failure 1: two rosters in one folder each hold run 3; approving A's run 3
// must apply A's source, never B's, and a copy that is swapped or changed is refused.
func TestHeldRunsBelongToTheirRoster(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	a := engineAt(t, filepath.Join(dir, "districtA.db"))
	b := engineAt(t, filepath.Join(dir, "districtB.db"))
	d := district()
	for _, e := range []*Engine{a, b} {
		mustSync(t, e, d.zip(t, ""), rosterdesk.ScopeBuildings)
		mustSync(t, e, d.zip(t, ""), rosterdesk.ScopeUsersCourses)
	}
	// A's held export withdraws one student; B's withdraws everyone.
	aSrc := d.with("users.csv", lines(hUsers, user("u1", "sch1", "student", "Ann"), user("u3", "sch2", "student", "Cat"),
		user("t1", "sch1", "teacher", "Tom"), user("t2", "sch2", "teacher", "Tia"), user("a1", "dist1", "administrator", "Ada"),
		user("g1", "sch1", "guardian", "Gus"))).zip(t, "")
	bSrc := d.with("users.csv", lines(hUsers)).with("enrollments.csv", lines(hEnroll)).zip(t, "")
	hold := Options{Scope: rosterdesk.ScopeUsersCourses, forceHold: "test"}
	ra, errA := a.Sync(ctx, aSrc, hold)
	rb, errB := b.Sync(ctx, bSrc, hold)
	if !IsHeld(errA) || !IsHeld(errB) || ra.ID != rb.ID {
		t.Fatalf("want both held with one run id: %v %v %+v %+v", errA, errB, ra, rb)
	}
	res, err := a.Approve(ctx, ra.ID)
	if err != nil || res.Status != rosterdesk.StatusApplied {
		t.Fatalf("approve A: %v %+v", err, res)
	}
	if u := record(t, a, data.Users, "u2"); u.Active {
		t.Fatal("A's held change was not applied")
	}
	for _, id := range []string{"u1", "u3", "t1"} {
		if u := record(t, a, data.Users, id); !u.Active {
			t.Fatalf("approving A's run applied B's export: %s deactivated", id)
		}
	}

	// B's kept copy, swapped into A's held folder, is refused; so is a changed copy.
	b.Sync(ctx, bSrc, Options{Scope: rosterdesk.ScopeUsersCourses, DryRun: true}) // B's run 4, as A's approval was A's
	rb2, _ := b.Sync(ctx, bSrc, hold)
	ra2, _ := a.Sync(ctx, aSrc, hold)
	if rb2.ID != ra2.ID {
		t.Fatalf("run ids %d %d", rb2.ID, ra2.ID)
	}
	before := dumpRoster(t, a)
	swap(t, b.heldDir(rb2.ID), a.heldDir(ra2.ID))
	if _, err := a.Approve(ctx, ra2.ID); !IsRefused(err) || !strings.Contains(err.Error(), "belongs to another roster") {
		t.Fatalf("a swapped copy: %v", err)
	}
	ra3, _ := a.Sync(ctx, aSrc, hold)
	held, _ := a.db.Run(ctx, ra3.ID)
	if err := os.WriteFile(held.HeldSource, []byte("PK\x05\x06"+strings.Repeat("\x00", 18)), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Approve(ctx, ra3.ID); !IsRefused(err) || !strings.Contains(err.Error(), "changed since the run was held") {
		t.Fatalf("a changed copy: %v", err)
	}
	if dumpRoster(t, a) != before {
		t.Fatal("a refused approval changed the roster")
	}
	if fi, err := os.Stat(a.RunDir()); err != nil || fi.Mode().Perm() != 0o700 {
		t.Fatalf("run folder %v %v", fi.Mode(), err)
	}
}

func swap(t *testing.T, from, to string) {
	t.Helper()
	if err := os.RemoveAll(to); err != nil {
		t.Fatal(err)
	}
	if err := os.CopyFS(to, os.DirFS(from)); err != nil {
		t.Fatal(err)
	}
}

// Failure 7 (full disk): a held copy that does not fit is removed and the run is recorded.
func TestHeldCopyOnAFullDiskIsCleanedUpAndRecorded(t *testing.T) {
	ctx := context.Background()
	e := newEngine(t)
	d := district()
	mustSync(t, e, d.zip(t, ""), rosterdesk.ScopeBuildings)
	mustSync(t, e, d.zip(t, ""), rosterdesk.ScopeUsersCourses)
	before := dumpRoster(t, e)
	orig := createFile
	t.Cleanup(func() { createFile = orig })
	createFile = func(p string) (io.WriteCloser, error) {
		f, err := orig(p)
		if err != nil {
			return nil, err
		}
		return &fullDisk{f: f, room: 100}, nil
	}
	res, err := e.Sync(ctx, d.zip(t, ""), Options{Scope: rosterdesk.ScopeUsersCourses, forceHold: "test"})
	if err == nil || IsHeld(err) || res == nil || res.Status != rosterdesk.StatusFailed || !says(res.Message, "no space left") {
		t.Fatalf("want a failed run naming the full disk: %v %+v", err, res)
	}
	hist, _ := e.History(ctx, 1, 0)
	if len(hist) == 0 || hist[0].ID != res.ID || hist[0].Status != rosterdesk.StatusFailed {
		t.Fatalf("the run is not in History: %+v", hist)
	}
	ents, _ := os.ReadDir(filepath.Join(e.RunDir(), "held"))
	if len(ents) != 0 {
		t.Fatalf("a half-written held copy was left: %v", ents)
	}
	if dumpRoster(t, e) != before {
		t.Fatal("the roster changed")
	}
}

// fullDisk writes room bytes, then fails as a full disk does.
type fullDisk struct {
	f    io.WriteCloser
	room int
}

func (w *fullDisk) Write(p []byte) (int, error) {
	if len(p) > w.room {
		n, _ := w.f.Write(p[:w.room])
		w.room = 0
		return n, &os.PathError{Op: "write", Path: "held copy", Err: syscall.ENOSPC}
	}
	w.room -= len(p)
	return w.f.Write(p)
}

func (w *fullDisk) Close() error { return w.f.Close() }

// Failure 2: the roster path is a file path, whatever characters it holds;
// foreign keys, WAL and the busy timeout are on; a new roster is private.
func TestRosterPathIsAFilePath(t *testing.T) {
	ctx := context.Background()
	for _, name := range []string{"a?b#c%20.db", "R&D #2.db", "roster?v2.db", "a%20b.db"} {
		dir := filepath.Join(t.TempDir(), "new folder")
		p := filepath.Join(dir, name)
		e := engineAt(t, p)
		mustSync(t, e, district().zip(t, ""), rosterdesk.ScopeBuildings)
		want := roster(t, e).Buildings.Active
		fk, journal, busy, err := e.db.Pragmas(ctx)
		if err != nil || !fk || journal != "wal" || busy <= 0 {
			t.Fatalf("%s: foreign keys %v, journal %q, busy %d, %v", name, fk, journal, busy, err)
		}
		e.Close()
		ents, _ := os.ReadDir(dir)
		var got []string
		for _, ent := range ents {
			got = append(got, ent.Name())
		}
		for _, n := range got {
			if n != name && n != name+"-wal" && n != name+"-shm" && n != name+".runs" {
				t.Fatalf("%s: opened another file: %v", name, got)
			}
		}
		fi, err := os.Stat(p)
		if err != nil || fi.Mode().Perm() != 0o600 {
			t.Fatalf("%s: roster file %v %v", name, fi.Mode(), err)
		}
		if di, _ := os.Stat(dir); di.Mode().Perm() != 0o700 {
			t.Fatalf("%s: new folder %v", name, di.Mode())
		}
		// Reopened, it holds what was written.
		again, err := OpenWith(p, zerolog.Nop(), OpenOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if rc := roster(t, again); rc.Buildings.Active != want || want == 0 {
			t.Fatalf("%s: reopened roster %+v", name, rc.Buildings)
		}
		again.Close()
	}
}

// A roster that does not exist is not created unless asked to be.
func TestMissingRosterIsNotCreated(t *testing.T) {
	p := filepath.Join(t.TempDir(), "rostre.db")
	for _, o := range []OpenOptions{{}, {ReadOnly: true}, {Create: true, ReadOnly: true}} {
		_, err := OpenWith(p, zerolog.Nop(), o)
		var none *NoRosterError
		if !errors.As(err, &none) {
			t.Fatalf("%+v: %v", o, err)
		}
		if _, err := os.Stat(p); !errors.Is(err, os.ErrNotExist) {
			t.Fatalf("%+v created the roster", o)
		}
	}
}

// Failure 5: while a long run applies, every other writer is refused at once by
// the run lock, naming the holder, never by SQLite's "database is locked"; a
// dry run is a reader that no writer can change under.
func TestRunLockHoldsUnderALongRun(t *testing.T) {
	ctx := context.Background()
	p := filepath.Join(t.TempDir(), "roster.db")
	a := engineAt(t, p)
	a.Holder = "rosterdesk serve"
	mustSync(t, a, district().zip(t, ""), rosterdesk.ScopeBuildings)
	b, err := OpenWith(p, zerolog.Nop(), OpenOptions{}) // another process on the same roster
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	b.Holder = "RosterDesk app"

	inApply, release := make(chan struct{}), make(chan struct{})
	applyHook = func(done int) {
		if done == 2 {
			close(inApply)
			<-release
		}
	}
	defer func() { applyHook = nil }()
	long := make(chan error)
	go func() {
		_, err := a.Sync(ctx, district().zip(t, ""), Options{Scope: rosterdesk.ScopeUsersCourses})
		long <- err
	}()
	<-inApply
	src := district().zip(t, "")
	writers := map[string]func() error{
		"sync": func() error { _, err := b.Sync(ctx, src, Options{Scope: rosterdesk.ScopeUsersCourses}); return err },
		"dry run": func() error {
			_, err := b.Sync(ctx, src, Options{Scope: rosterdesk.ScopeUsersCourses, DryRun: true})
			return err
		},
		"settings":    func() error { _, err := b.SetSetting(ctx, KeySyncTime, "06:00"); return err },
		"admin add":   func() error { _, err := b.AddAdmin(ctx, "new@example.org", "New Admin"); return err },
		"protect":     func() error { return b.Protect(ctx, "building", "sch1", true) },
		"rollback":    func() error { _, err := b.Rollback(ctx, 1); return err },
		"approve":     func() error { _, err := b.Approve(ctx, 1); return err },
		"local build": func() error { _, err := b.AddLocalBuilding(ctx, "Annex", ""); return err },
	}
	for name, w := range writers {
		start := time.Now()
		err := w()
		if name == "approve" {
			continue // run 1 is not held: refused before the lock, which is fine
		}
		if !IsBusy(err) || !IsRefused(err) || !strings.Contains(err.Error(), "rosterdesk serve") || time.Since(start) > 2*time.Second {
			t.Errorf("%s during a long run: %v after %s", name, err, time.Since(start))
		}
		if err != nil && strings.Contains(err.Error(), "locked") {
			t.Errorf("%s met SQLite's lock: %v", name, err)
		}
	}
	close(release)
	if err := <-long; err != nil {
		t.Fatal(err)
	}
	// Free again: the same writers go through.
	if _, err := b.SetSetting(ctx, KeySyncTime, "06:00"); err != nil {
		t.Fatal(err)
	}
	// A dry run holds the lock as a reader: a writer waits for it to finish.
	unlock, err := b.readLock()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Sync(ctx, src, Options{Scope: rosterdesk.ScopeUsersCourses}); !IsBusy(err) || !strings.Contains(err.Error(), "dry run") {
		t.Fatalf("a sync during a dry run: %v", err)
	}
	unlock()
	mustSync(t, a, src, rosterdesk.ScopeUsersCourses)
}

// Failure 5 (schedule): a scheduled run that meets another process's long run
// is recorded as skipped, naming it, and run again once it has finished.
func TestScheduledRunMeetingALongRunIsSkippedThenRetried(t *testing.T) {
	ctx := context.Background()
	defer func(p, w time.Duration) { busyPoll, busyWindow = p, w }(busyPoll, busyWindow)
	busyPoll = 20 * time.Millisecond
	a, folder := scheduled(t, "mon", "06:00")
	a.Holder = "rosterdesk serve"
	monday := time.Date(2026, 6, 15, 6, 0, 0, 0, time.UTC)
	drop(t, folder, "OneRoster.zip", district(), monday)
	b, err := OpenWith(a.db.Path, zerolog.Nop(), OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	b.db.Now = a.db.Now

	inApply, release := make(chan struct{}), make(chan struct{})
	applyHook = func(done int) {
		if done == 2 {
			close(inApply)
			<-release
		}
	}
	defer func() { applyHook = nil }()
	long := make(chan error)
	go func() {
		_, err := a.Sync(ctx, district().zip(t, ""), Options{Scope: rosterdesk.ScopeUsersCourses})
		long <- err
	}()
	<-inApply
	done := make(chan *Result)
	go func() { r, _ := b.AutomatedRun(ctx, monday); done <- r }()
	time.Sleep(300 * time.Millisecond)
	close(release)
	if err := <-long; err != nil {
		t.Fatal(err)
	}
	res := <-done
	hist, _ := b.History(ctx, 3, 0)
	if res == nil || res.ID == 0 || res.Status == rosterdesk.StatusSkipped || len(hist) < 2 {
		t.Fatalf("retried run %+v", res)
	}
	skip := hist[1]
	if skip.Status != rosterdesk.StatusSkipped || !says(skip.Message, "rosterdesk serve") || !says(skip.Message, "run again") {
		t.Fatalf("the skipped run %+v", skip)
	}
	if last, _ := b.db.LastScheduled(ctx); last != data.FormatTime(monday) {
		t.Fatalf("last scheduled %q", last)
	}
}

// Failure 3: crafted sizes are refused whole, with a clear reason, and nothing is written.
func TestBoundsRefuseCraftedInput(t *testing.T) {
	ctx := context.Background()
	e := newEngine(t)
	d := district()
	mustSync(t, e, d.zip(t, ""), rosterdesk.ScopeBuildings)
	mustSync(t, e, d.zip(t, ""), rosterdesk.ScopeUsersCourses)
	before := dumpRoster(t, e)
	row := user("u9", "sch1", "student", "Dup")
	bomb := lines(hUsers) + strings.Repeat(row+"\n", (3<<20)/len(row))
	longField := `"` + strings.Repeat("x\n", 2<<20) + `"`
	cases := []struct {
		name, src, want string
	}{
		{"compression ratio", d.with("users.csv", bomb).zip(t, ""), "expands"},
		{"quoted newlines", d.with("users.csv", lines(hUsers, user("u1", "sch1", "student", "Ann"),
			"u2,,,true,sch1,student,ben,,"+longField+",Smith,,,,,,,05,")).dir(t), "has a row longer than 1024 KB"},
		{"one field", d.with("users.csv", lines(hUsers, "u2,,,true,sch1,student,ben,,"+strings.Repeat("B", 100<<10)+",Smith,,,,,,,05,")).dir(t),
			"field givenName of sourcedId u2 is 100 KB long"},
	}
	for _, c := range cases {
		res, err := e.Sync(ctx, c.src, Options{Scope: rosterdesk.ScopeUsersCourses})
		if !IsSourceError(err) || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "nothing was imported") {
			t.Errorf("%s: %v", c.name, err)
		}
		if res == nil || res.Status != rosterdesk.StatusFailed {
			t.Errorf("%s: not recorded as failed: %+v", c.name, res)
		}
		if dumpRoster(t, e) != before {
			t.Fatalf("%s changed the roster", c.name)
		}
	}
	// A file's rows: the limit is lowered so the test stays small.
	e.Limits.MaxRows = 4
	_, err := e.Sync(ctx, d.zip(t, ""), Options{Scope: rosterdesk.ScopeUsersCourses})
	if !IsSourceError(err) || !strings.Contains(err.Error(), "holds more than 4 rows") {
		t.Fatalf("rows: %v", err)
	}
	e.Limits = DefaultLimits
	if dumpRoster(t, e) != before {
		t.Fatal("too many rows changed the roster")
	}
}

// Failure 3 (log): past the log's limit each rule gets one summary entry; the
// counts still say how many rows were rejected.
func TestLogRowsPerRunAreBounded(t *testing.T) {
	ctx := context.Background()
	e := newEngine(t)
	d := district()
	mustSync(t, e, d.zip(t, ""), rosterdesk.ScopeBuildings)
	e.Limits.MaxLogRows = 20
	var rows []string
	for i := 0; i < 200; i++ {
		rows = append(rows, user("", "sch1", "student", "Nobody")) // no sourcedId: rejected, one error each
	}
	res, err := e.Sync(ctx, d.with("users.csv", lines(append([]string{hUsers}, rows...)...)).zip(t, ""), Options{Scope: rosterdesk.ScopeUsers})
	if err != nil {
		t.Fatal(err)
	}
	if res.Errors < 200 {
		t.Fatalf("errors counted %d", res.Errors)
	}
	var n int
	var summary *rosterdesk.LogEntry
	e.RunLog(ctx, res.ID, func(en rosterdesk.LogEntry) error {
		n++
		if says(en.Message, "not listed one by one") && (summary == nil || en.Rows > summary.Rows) {
			summary = &en
		}
		return nil
	})
	if n > 20+5 || summary == nil || summary.Rows < 150 {
		t.Fatalf("%d log rows stored, summary %+v", n, summary)
	}
}

// Failure 6: invisible and control characters in identifiers reject their row
// (naming file, line, field and the id) and never make a twin that
// deactivates the real record; names keep their characters.
func TestInvisibleCharactersInIdentifiers(t *testing.T) {
	ctx := context.Background()
	e := newEngine(t)
	d := district()
	mustSync(t, e, d.zip(t, ""), rosterdesk.ScopeBuildings)
	mustSync(t, e, d.zip(t, ""), rosterdesk.ScopeUsers)
	evil := "\x1b[31mAnn\x1b[0m\u202e"
	users := lines(hUsers,
		user("\ufeffu1", "sch1", "student", "Ann"), // a BOM: the export's only row for u1
		user("u2\u200b", "sch1", "student", "Ben"), // zero-width space
		user("u3", "sch2\u202e", "student", "Cat"), // a bidi override in a reference
		user("t1\t", "sch1", "teacher", "Tom"),     // a tab
		user(" t2 ", "sch2", "teacher", "Tia"),     // spaces around: trimmed
		user("a1", "dist1", "administrator", "Ada"),
		strings.Replace(user("u4", "sch1", "student", "Gus"), ",Gus,", ","+evil+",", 1))
	res, err := e.Sync(ctx, d.with("users.csv", users).zip(t, ""), Options{Scope: rosterdesk.ScopeUsers})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		line        int
		field, char string
	}{{2, "sourcedId", "U+FEFF"}, {3, "sourcedId", "U+200B"}, {4, "orgSourcedIds", "U+202E"}, {5, "sourcedId", "U+0009"}} {
		var hit *rosterdesk.LogEntry
		for i, en := range res.Log {
			if en.Rule == "id.invisible" && en.Line == c.line {
				hit = &res.Log[i]
			}
		}
		if hit == nil || hit.Severity != SevError || hit.File != "users.csv" || hit.Field != c.field || !says(hit.Message, c.char) || hit.SourcedID == "" {
			t.Errorf("line %d: %+v", c.line, hit)
		}
	}
	// No twin, and nobody deactivated for a rejected row.
	for _, id := range []string{"u1", "u2", "u3", "t1", "t2"} {
		if u := record(t, e, data.Users, id); !u.Active {
			t.Errorf("%s was deactivated by a rejected row", id)
		}
	}
	for _, twin := range []string{"\ufeffu1", "u2\u200b"} {
		if _, err := e.db.Record(ctx, data.Users, twin); err == nil {
			t.Errorf("a twin %+q was added", twin)
		}
	}
	if findLog(res.Log, SevWarning, "users.csv", "id.spaces") == nil {
		t.Error("spaces around t2 trimmed without a word")
	}
	if g := record(t, e, data.Users, "u4"); g.Fields["given_name"] != evil {
		t.Errorf("the name lost its characters: %+q", g.Fields["given_name"])
	}
}

// Failure 8: a rejected row never changes a valid one: a school year or term
// whose row was rejected leaves the course's and class's stored value as it
// is, with a warning; a header-only users.csv is said once, not as an error
// per enrollment.
func TestRejectedRowsNeverChangeValidOnes(t *testing.T) {
	ctx := context.Background()
	e := newEngine(t)
	d := district()
	mustSync(t, e, d.zip(t, ""), rosterdesk.ScopeBuildings)
	mustSync(t, e, d.zip(t, ""), rosterdesk.ScopeUsersCourses)
	before := dumpRoster(t, e)
	bad := d.with("academicSessions.csv", lines(hSessions,
		"y2026,,,2026-27,schoolYear,2026-13-01,2027-06-30,,2027",
		"t1,,,Fall,semester,2026-08-01,2026-12-40,y2026,2027"))
	res, err := e.Sync(ctx, bad.zip(t, ""), Options{Scope: rosterdesk.ScopeUsersCourses})
	if err != nil {
		t.Fatal(err)
	}
	if c := record(t, e, data.Courses, "c1"); c.Fields["school_year_sourced_id"] != "y2026" {
		t.Fatalf("a rejected school year blanked the course's: %+v", c.Fields)
	}
	if k := record(t, e, data.Classes, "k1"); k.Fields["term_ids"] != "t1" {
		t.Fatalf("a rejected term changed the class's: %+v", k.Fields)
	}
	if w := findLog(res.Log, SevWarning, "courses.csv", "ref.rejected"); w == nil || !says(w.Message, "keeps the school year it has") {
		t.Fatalf("no warning for the course: %+v", w)
	}
	if dumpRoster(t, e) != before {
		t.Fatal("rejected sessions changed the roster")
	}
	// A header-only users.csv: one word about it, no error per enrollment.
	res, err = e.Sync(ctx, d.with("users.csv", lines(hUsers)).zip(t, ""), Options{Scope: rosterdesk.ScopeUsersCourses})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, en := range res.Log {
		if en.File == "enrollments.csv" && en.Severity == SevError {
			n++
		}
	}
	if n > 0 || findLog(res.Log, SevWarning, "users.csv", "file.header_only") == nil {
		t.Fatalf("%d enrollment errors for users in the roster; log %+v", n, res.Log)
	}
	if dumpRoster(t, e) != before {
		t.Fatal("a header-only users.csv changed the roster")
	}
}
