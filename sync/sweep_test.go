package sync

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"rosterdesk"
)

// sampleBundles lists every bundle in the public samples: each zip, and each
// folder that holds CSV files.
func sampleBundles(t *testing.T) (string, []string) {
	t.Helper()
	root := sample(t, "")
	var out []string
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.HasSuffix(strings.ToLower(p), ".zip") {
			out = append(out, p)
		}
		if d.IsDir() {
			ents, _ := os.ReadDir(p)
			for _, e := range ents {
				if !e.IsDir() && strings.HasSuffix(strings.ToLower(e.Name()), ".csv") {
					out = append(out, p)
					break
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(out)
	if len(out) < 10 {
		t.Fatalf("only %d bundles found under %s", len(out), root)
	}
	return root, out
}

// outcome classifies a run the way the CLI's exit code does.
func outcome(res *Result, err error) (string, int) {
	switch {
	case IsRefused(err) || IsHeld(err):
		return "refused", 3
	case IsSourceError(err):
		return "unusable", 2
	case err != nil:
		return "internal: " + err.Error(), -1
	case res.Errors > 0:
		return "rejected rows", 1
	}
	return "ok", 0
}

// TestSweepPublicSamples runs every public sample bundle through validate, a
// building sync and a users+courses sync on a fresh roster: no run may end
// failed for an internal reason (a storage or constraint error), and the
// outcome must match the status and exit code. With -v it prints the table
// of what each sync imported and rejected.
func TestSweepPublicSamples(t *testing.T) {
	root, bundles := sampleBundles(t)
	ctx := context.Background()
	var table []string
	for _, b := range bundles {
		rel, _ := filepath.Rel(root, b)
		t.Run(rel, func(t *testing.T) {
			e := newEngine(t)
			rep, err := e.Validate(ctx, b)
			if err != nil && !IsSourceError(err) {
				t.Fatalf("validate failed internally: %v", err)
			}
			if rep.Usable != (err == nil) {
				t.Errorf("validate: usable %v but err %v", rep.Usable, err)
			}
			usable := make([]string, len(rep.UsableFor))
			for i, s := range rep.UsableFor {
				usable[i] = string(s)
			}
			row := []string{rel, strings.Join(usable, ", ")}
			for _, sc := range []rosterdesk.Scope{rosterdesk.ScopeBuildings, rosterdesk.ScopeUsersCourses} {
				res, err := e.Sync(ctx, b, Options{Scope: sc})
				what, code := outcome(res, err)
				if code < 0 {
					t.Fatalf("%s sync ended failed for an internal reason: %v", sc, err)
				}
				if res == nil {
					t.Fatalf("%s sync: no result (%v)", sc, err)
				}
				want := map[int]rosterdesk.Status{0: rosterdesk.StatusApplied, 1: rosterdesk.StatusApplied, 2: rosterdesk.StatusFailed, 3: rosterdesk.StatusRefused}[code]
				if res.Status != want {
					t.Errorf("%s sync: %s (exit %d) but status %s", sc, what, code, res.Status)
				}
				if res.Status == rosterdesk.StatusFailed && says(res.Message, "constraint") {
					t.Errorf("%s sync: a constraint failed in apply: %s", sc, res.Message)
				}
				// A scope the validator calls usable must not be refused as unusable, and the other way round.
				if sc == rosterdesk.ScopeBuildings && (code == 2) == slicesContains(rep.UsableFor, sc) {
					t.Errorf("validate says usable for %v; building sync: %s", rep.UsableFor, what)
				}
				if sc == rosterdesk.ScopeUsersCourses && code != 3 && (code == 2) == slicesContains(rep.UsableFor, sc) {
					t.Errorf("validate says usable for %v; users+courses sync: %s (%v)", rep.UsableFor, what, err)
				}
				k := res.Counts
				cell := fmt.Sprintf("%s (exit %d)", what, code)
				if code < 2 {
					if sc == rosterdesk.ScopeBuildings {
						cell += fmt.Sprintf(": +%d buildings", k.Buildings.Added)
					} else {
						cell += fmt.Sprintf(": users +%d (%d rejected, %d skipped, %d ignored), courses +%d (%d rej.), classes +%d (%d rej.), enrollments +%d (%d rej.)",
							k.Users.Added, k.Users.Errors, k.Users.Skipped, k.Users.Ignored, k.Courses.Added, k.Courses.Errors,
							k.Classes.Added, k.Classes.Errors, k.Assignments.Added, k.Assignments.Errors)
					}
				} else if res.Message != "" {
					cell += ": " + res.Message
				}
				row = append(row, cell)
			}
			table = append(table, "| "+strings.Join(row, " | ")+" |")
		})
	}
	t.Logf("\n| sample | validate: usable for | buildings sync | users+courses sync |\n| --- | --- | --- | --- |\n%s", strings.Join(table, "\n"))
}

func slicesContains(xs []rosterdesk.Scope, x rosterdesk.Scope) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}
