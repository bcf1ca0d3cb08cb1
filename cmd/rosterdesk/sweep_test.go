package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// Every public sample bundle through the CLI on a fresh roster: validate, a
// building sync and a users+courses sync each exit with the code their
// outcome calls for, and none ends failed but for an unusable source.
func TestCLISweepPublicSamples(t *testing.T) {
	shared := filepath.Join("..", "..", "..", "shared")
	if d := os.Getenv("ROSTERDESK_SHARED"); d != "" {
		shared = d
	}
	root := filepath.Join(shared, "oneroster", "samples")
	if _, err := os.Stat(root); err != nil {
		t.Skipf("public samples not available (../shared is absent): %v", err)
	}
	var bundles []string
	filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.HasSuffix(p, ".zip") {
			bundles = append(bundles, p)
		} else if d.IsDir() {
			if m, _ := filepath.Glob(filepath.Join(p, "*.csv")); len(m) > 0 {
				bundles = append(bundles, p)
			}
		}
		return nil
	})
	sort.Strings(bundles)
	if len(bundles) < 10 {
		t.Fatalf("only %d bundles under %s", len(bundles), root)
	}
	for _, b := range bundles {
		rel, _ := filepath.Rel(root, b)
		t.Run(rel, func(t *testing.T) {
			db := filepath.Join(t.TempDir(), "roster.db")
			rd(t, db, "admin", "add", "it@example.org", "IT Admin")
			rd(t, db, "settings", "set", "credited_admin", "it@example.org")
			code, out, _ := rd(t, db, "validate", b, "--json")
			var rep struct {
				Usable bool `json:"usable"`
				Errors int  `json:"errors"`
			}
			if err := json.Unmarshal([]byte(out), &rep); err != nil {
				t.Fatalf("validate output: %v %s", err, out)
			}
			want := exitOK
			switch {
			case !rep.Usable:
				want = exitUnusable
			case rep.Errors > 0:
				want = exitRejected
			}
			if code != want {
				t.Errorf("validate: exit %d, want %d (usable %v, %d errors)", code, want, rep.Usable, rep.Errors)
			}
			for _, scope := range []string{"buildings", "users+courses"} {
				code, out, errOut := rd(t, db, "sync", b, "--scope", scope, "--json")
				var res struct {
					Status  string `json:"status"`
					Errors  int    `json:"errors"`
					Message string `json:"message"`
				}
				if err := json.Unmarshal([]byte(out), &res); err != nil {
					t.Fatalf("%s sync output: %v %s %s", scope, err, out, errOut)
				}
				want := map[string]int{"applied": exitOK, "failed": exitUnusable, "refused": exitRefused, "held": exitRefused}[res.Status]
				if res.Status == "applied" && res.Errors > 0 {
					want = exitRejected
				}
				if code != want {
					t.Errorf("%s sync: %s with %d errors, exit %d (want %d): %s", scope, res.Status, res.Errors, code, want, res.Message)
				}
				if res.Status == "failed" && (strings.Contains(res.Message, "constraint") || strings.Contains(res.Message, "database")) {
					t.Errorf("%s sync failed for an internal reason: %s", scope, res.Message)
				}
			}
		})
	}
}
