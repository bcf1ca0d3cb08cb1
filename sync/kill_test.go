package sync

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"rosterdesk"
)

// TestKillDuringApply kills a child process in the middle of apply and checks
// that the reopened roster is sound and exactly as it was before the run.
func TestKillDuringApply(t *testing.T) {
	if os.Getenv("ROSTERDESK_KILL_DB") != "" {
		t.Skip("this is the child")
	}
	e := newEngine(t)
	mustSync(t, e, district().zip(t, ""), rosterdesk.ScopeBuildings)
	mustSync(t, e, district().with("users.csv", lines(hUsers, user("u1", "sch1", "student", "Ann"))).zip(t, ""), rosterdesk.ScopeUsers)
	ctx := context.Background()
	before, err := e.db.Dump(ctx)
	if err != nil {
		t.Fatal(err)
	}
	dbPath := e.db.Path
	e.Close()

	state := killChild(t, dbPath, district().zip(t, ""), 0, 30*time.Second, "apply")
	t.Logf("child killed in apply: %v", state)

	reopenUnchanged(t, dbPath, before, "a killed run").Close()
}

// TestKillChild runs only as TestKillDuringApply's child: it applies a run
// and stops dead in the middle, waiting to be killed.
func TestKillChild(t *testing.T) {
	dbPath := os.Getenv("ROSTERDESK_KILL_DB")
	if dbPath == "" {
		t.Skip("only runs as the child of TestKillDuringApply")
	}
	e, err := Open(dbPath, zerolog.Nop())
	if err != nil {
		t.Fatal(err)
	}
	at := 5
	if v := os.Getenv("ROSTERDESK_KILL_AT"); v != "" {
		at, _ = strconv.Atoi(v)
	}
	applyHook = func(done int) {
		if done == at {
			os.WriteFile(os.Getenv("ROSTERDESK_KILL_MARK"), nil, 0o644)
			time.Sleep(time.Minute)
		}
	}
	e.Sync(context.Background(), os.Getenv("ROSTERDESK_KILL_SRC"), Options{Scope: rosterdesk.ScopeUsersCourses})
	t.Fatal("the child should have been killed during apply")
}

// TestKillDuringFirstSync kills a first sync (an empty roster but for its
// buildings) deep into its enrollments, after many batches of adds and the
// new users' building links were written: the reopened roster is as it was.
func TestKillDuringFirstSync(t *testing.T) {
	if os.Getenv("ROSTERDESK_KILL_DB") != "" {
		t.Skip("this is the child")
	}
	e := newEngine(t)
	mustSync(t, e, district().zip(t, ""), rosterdesk.ScopeBuildings)
	ctx := context.Background()
	before, err := e.db.Dump(ctx)
	if err != nil {
		t.Fatal(err)
	}
	dbPath := e.db.Path
	e.Close()

	big := district()
	users := []string{hUsers}
	for i := 0; i < 3000; i++ {
		users = append(users, user("s"+strconv.Itoa(i), "sch"+strconv.Itoa(1+i%2), "student", "Stu"+strconv.Itoa(i)))
	}
	classes := []string{hClasses}
	for k := 0; k < 100; k++ {
		classes = append(classes, "k"+strconv.Itoa(k)+",,,Class "+strconv.Itoa(k)+",05,c1,C"+strconv.Itoa(k)+",scheduled,R1,sch1,t1,Math,,1")
	}
	var enr strings.Builder
	enr.WriteString(hEnroll + "\n")
	for i := 0; i < 30000; i++ {
		enr.WriteString("e" + strconv.Itoa(i) + ",,,k" + strconv.Itoa(i%100) + ",sch1,s" + strconv.Itoa(i%3000) + ",student,false,,\n")
	}
	big["users.csv"] = lines(users...)
	big["classes.csv"] = lines(classes...)
	big["enrollments.csv"] = enr.String()

	killChild(t, dbPath, big.zip(t, ""), 25000, 60*time.Second, "the 25,000th change")
	e2 := reopenUnchanged(t, dbPath, before, "a killed first sync")
	defer e2.Close()
	// The same bundle, run to the end, is written whole.
	res := mustSync(t, e2, big.zip(t, ""), rosterdesk.ScopeUsersCourses)
	if c := res.Counts; c.Users.Added != 3000 || c.Classes.Added != 100 || c.Assignments.Added != 30000 {
		t.Fatalf("after the killed run: %+v", c)
	}
}

// killChild runs TestKillChild on the roster at dbPath syncing src, waits
// (up to patience) until it stops dead at its at-th change (0: the child's
// default) and kills it.
func killChild(t *testing.T, dbPath, src string, at int, patience time.Duration, where string) *os.ProcessState {
	t.Helper()
	mark := filepath.Join(t.TempDir(), "in-apply")
	cmd := exec.Command(os.Args[0], "-test.run=^TestKillChild$", "-test.v")
	cmd.Env = append(os.Environ(), "ROSTERDESK_KILL_DB="+dbPath, "ROSTERDESK_KILL_SRC="+src, "ROSTERDESK_KILL_MARK="+mark)
	if at != 0 {
		cmd.Env = append(cmd.Env, "ROSTERDESK_KILL_AT="+strconv.Itoa(at))
	}
	out, _ := os.Create(filepath.Join(t.TempDir(), "child.log"))
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(patience)
	for {
		if _, err := os.Stat(mark); err == nil {
			break
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			b, _ := os.ReadFile(out.Name())
			t.Fatalf("child never reached %s:\n%s", where, b)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	state, _ := cmd.Process.Wait()
	if state != nil && state.Success() {
		t.Fatal("the child finished on its own; it was not killed mid-apply")
	}
	return state
}

// reopenUnchanged opens the roster at dbPath after a killed run and checks
// it is sound and exactly as before; what names the run in a failure.
func reopenUnchanged(t *testing.T, dbPath, before, what string) *Engine {
	t.Helper()
	e, err := Open(dbPath, zerolog.Nop())
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if ok, err := e.db.IntegrityCheck(ctx); err != nil || ok != "ok" {
		e.Close()
		t.Fatalf("integrity_check: %q %v", ok, err)
	}
	after, err := e.db.Dump(ctx)
	if err != nil {
		e.Close()
		t.Fatal(err)
	}
	if after != before {
		e.Close()
		t.Fatalf("roster changed by %s:\nbefore:\n%s\nafter:\n%s", what, before, after)
	}
	return e
}
