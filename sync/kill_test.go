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

	mark := filepath.Join(t.TempDir(), "in-apply")
	cmd := exec.Command(os.Args[0], "-test.run=^TestKillChild$", "-test.v")
	cmd.Env = append(os.Environ(), "ROSTERDESK_KILL_DB="+dbPath, "ROSTERDESK_KILL_SRC="+district().zip(t, ""), "ROSTERDESK_KILL_MARK="+mark)
	out, _ := os.Create(filepath.Join(t.TempDir(), "child.log"))
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		if _, err := os.Stat(mark); err == nil {
			break
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			b, _ := os.ReadFile(out.Name())
			t.Fatalf("child never reached apply:\n%s", b)
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
	t.Logf("child killed in apply: %v", state)

	e2, err := Open(dbPath, zerolog.Nop())
	if err != nil {
		t.Fatal(err)
	}
	defer e2.Close()
	if ok, err := e2.db.IntegrityCheck(ctx); err != nil || ok != "ok" {
		t.Fatalf("integrity_check: %q %v", ok, err)
	}
	after, err := e2.db.Dump(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if after != before {
		t.Fatalf("roster changed by a killed run:\nbefore:\n%s\nafter:\n%s", before, after)
	}
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

	mark := filepath.Join(t.TempDir(), "in-apply")
	cmd := exec.Command(os.Args[0], "-test.run=^TestKillChild$", "-test.v")
	cmd.Env = append(os.Environ(), "ROSTERDESK_KILL_DB="+dbPath, "ROSTERDESK_KILL_SRC="+big.zip(t, ""), "ROSTERDESK_KILL_MARK="+mark,
		"ROSTERDESK_KILL_AT=25000")
	out, _ := os.Create(filepath.Join(t.TempDir(), "child.log"))
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		if _, err := os.Stat(mark); err == nil {
			break
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			b, _ := os.ReadFile(out.Name())
			t.Fatalf("child never reached the 25,000th change:\n%s", b)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	if state, _ := cmd.Process.Wait(); state != nil && state.Success() {
		t.Fatal("the child finished on its own; it was not killed mid-apply")
	}

	e2, err := Open(dbPath, zerolog.Nop())
	if err != nil {
		t.Fatal(err)
	}
	defer e2.Close()
	if ok, err := e2.db.IntegrityCheck(ctx); err != nil || ok != "ok" {
		t.Fatalf("integrity_check: %q %v", ok, err)
	}
	after, err := e2.db.Dump(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if after != before {
		t.Fatalf("roster changed by a killed first sync:\nbefore:\n%s\nafter:\n%s", before, after)
	}
	// The same bundle, run to the end, is written whole.
	res := mustSync(t, e2, big.zip(t, ""), rosterdesk.ScopeUsersCourses)
	if c := res.Counts; c.Users.Added != 3000 || c.Classes.Added != 100 || c.Assignments.Added != 30000 {
		t.Fatalf("after the killed run: %+v", c)
	}
}
