package main

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// rd runs the CLI in-process and returns its exit code and output.
func rd(t *testing.T, db string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(append([]string{"--db", db}, args...), &out, &errb)
	return code, out.String(), errb.String()
}

func writeZip(t *testing.T, files map[string]string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "OneRoster.zip")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	for n, b := range files {
		w, _ := zw.Create(n)
		w.Write([]byte(b))
	}
	zw.Close()
	f.Close()
	return p
}

func bundle(users string) map[string]string {
	return map[string]string{
		"manifest.csv": "propertyName,value\nmanifest.version,1.0\noneroster.version,1.1\nfile.orgs,bulk\nfile.users,bulk\nfile.courses,absent\nfile.classes,absent\nfile.enrollments,absent\nfile.academicSessions,absent\n",
		"orgs.csv":     "sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId\nd1,,,District,district,,\ns1,,,School One,school,,d1\n",
		"users.csv":    "sourcedId,status,dateLastModified,enabledUser,orgSourcedIds,role,username,userIds,givenName,familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,password\n" + users,
	}
}

func keys(m map[string]any) string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return strings.Join(ks, ",")
}

func TestCLIContract(t *testing.T) {
	db := filepath.Join(t.TempDir(), "roster.db")
	good := writeZip(t, bundle("u1,,,true,s1,student,ann,,Ann,Lee,,,,,,,05,\nt1,,,true,s1,teacher,tom,,Tom,Lee,,,,,,,,\n"))

	if code, out, errs := rd(t, db, "--create", "sync", good, "--scope", "buildings"); code != 3 || !strings.Contains(out+errs, "admin") {
		t.Fatalf("no credited admin: exit %d %q", code, errs)
	}
	if code, _, _ := rd(t, db, "admin", "add", "it@example.org", "IT Admin"); code != 0 {
		t.Fatal("admin add")
	}
	if code, _, _ := rd(t, db, "settings", "set", "credited_admin", "nobody@example.org"); code != 2 {
		t.Fatal("crediting an unknown admin must fail")
	}
	if code, _, _ := rd(t, db, "settings", "set", "credited_admin", "it@example.org"); code != 0 {
		t.Fatal("settings set")
	}
	if code, out, _ := rd(t, db, "settings", "get", "sync.process"); code != 0 || strings.TrimSpace(out) != "users+courses" {
		t.Fatalf("default sync.process %q", out)
	}
	if code, _, _ := rd(t, db, "sync", good, "--scope", "users"); code != 3 {
		t.Fatalf("users before buildings: exit %d, want 3", code)
	}
	if code, _, _ := rd(t, db, "sync", good, "--scope", "everything"); code != 2 {
		t.Fatal("bad scope must be a usage error")
	}

	code, out, _ := rd(t, db, "sync", good, "--scope", "buildings", "--json")
	var res map[string]any
	if err := json.Unmarshal([]byte(out), &res); err != nil || code != 0 {
		t.Fatalf("exit %d, json %v: %s", code, err, out)
	}
	if got := keys(res); got != "counts,counts_are,errors,finished_at,run_id,scope,source,started_at,status,trigger,warnings" {
		t.Fatalf("sync --json keys %s", got)
	}
	counts := res["counts"].(map[string]any)
	if got := keys(counts); got != "assignments,buildings,classes,courses,users" {
		t.Fatalf("counts keys %s", got)
	}
	if got := keys(counts["users"].(map[string]any)); got != "added,deactivated,errors,ignored,reactivated,skipped,updated" {
		t.Fatalf("users keys %s", got)
	}
	if got := keys(counts["courses"].(map[string]any)); got != "added,errors,removed,updated" {
		t.Fatalf("courses keys %s", got)
	}
	if counts["buildings"].(map[string]any)["added"].(float64) != 1 || res["status"] != "applied" || res["trigger"] != "manual" {
		t.Fatalf("buildings run %v", res)
	}

	// The default scope comes from sync.process; users only here.
	rd(t, db, "settings", "set", "sync.process", "users")
	bad := writeZip(t, bundle("u1,,,true,s1,student,ann,,Ann,Lee,,,,,,,05,\nu2,,,true,s1,wizard,bo,,Bo,Lee,,,,,,,,\n"))
	code, out, _ = rd(t, db, "sync", bad, "--json")
	json.Unmarshal([]byte(out), &res)
	if code != 1 || res["scope"] != "users" || res["errors"].(float64) != 1 {
		t.Fatalf("rejected row: exit %d %v", code, res)
	}
	runID := int(res["run_id"].(float64))

	code, out, _ = rd(t, db, "log", strconv.Itoa(runID), "--json")
	var entries []map[string]any
	if err := json.Unmarshal([]byte(out), &entries); err != nil || code != 0 {
		t.Fatalf("log --json: %v %s", err, out)
	}
	var bad1 map[string]any
	for _, e := range entries {
		if e["severity"] == "error" {
			bad1 = e
		}
	}
	if bad1 == nil || keys(bad1) != "column,field,file,line,message,name,phase,raw,rule,severity,sourcedId,value" ||
		bad1["name"] != "Bo Lee (wizard)" || bad1["value"] != "wizard" || !strings.HasPrefix(bad1["raw"].(string), "u2,,,true,") ||
		bad1["file"] != "users.csv" || bad1["line"].(float64) != 3 || bad1["sourcedId"] != "u2" || bad1["field"] != "role" {
		t.Fatalf("log entry %v", bad1)
	}
	csvPath := filepath.Join(t.TempDir(), "log.csv")
	if code, _, _ := rd(t, db, "log", strconv.Itoa(runID), "--csv", csvPath); code != 0 {
		t.Fatal("log --csv")
	}
	f, _ := os.Open(csvPath)
	recs, err := csv.NewReader(f).ReadAll()
	f.Close()
	if err != nil || len(recs) != len(entries)+1 || recs[0][0] != "severity" {
		t.Fatalf("csv log %v %v", recs, err)
	}

	// Unusable input: exit 2 and the roster is untouched.
	notZip := filepath.Join(t.TempDir(), "OneRoster.zip")
	os.WriteFile(notZip, []byte("not a zip"), 0o644)
	code, out, _ = rd(t, db, "sync", notZip, "--json")
	json.Unmarshal([]byte(out), &res)
	if code != 2 || res["status"] != "failed" {
		t.Fatalf("unusable: exit %d %v", code, res)
	}

	code, out, _ = rd(t, db, "roster", "--json")
	var rc map[string]map[string]any
	if err := json.Unmarshal([]byte(out), &rc); err != nil || code != 0 {
		t.Fatal(err)
	}
	if rc["users"]["active"].(float64) != 1 || rc["users"]["active_by_role"].(map[string]any)["student"].(float64) != 1 ||
		rc["buildings"]["active"].(float64) != 1 || rc["assignments"]["removed"].(float64) != 0 {
		t.Fatalf("roster %v", rc)
	}

	code, out, _ = rd(t, db, "history", "--json", "--limit", "10")
	var hist []map[string]any
	if err := json.Unmarshal([]byte(out), &hist); err != nil || code != 0 || len(hist) != 3 || hist[0]["status"] != "failed" || hist[2]["scope"] != "buildings" {
		t.Fatalf("history %v %s", err, out)
	}

	code, out, _ = rd(t, db, "show", "user", "u1", "--json")
	var show map[string]any
	if err := json.Unmarshal([]byte(out), &show); err != nil || code != 0 {
		t.Fatal(err)
	}
	h := show["history"].([]any)
	if len(h) != 1 || h[0].(map[string]any)["action"] != "add" || h[0].(map[string]any)["admin"] != "it@example.org" {
		t.Fatalf("show %v", show)
	}
	if code, _, _ := rd(t, db, "show", "user", "nobody"); code != 2 {
		t.Fatal("show unknown user")
	}

	if code, out, _ := rd(t, db, "validate", good, "--json"); code != 0 || !strings.Contains(out, `"usable": true`) {
		t.Fatalf("validate %d %s", code, out)
	}
	if code, _, _ := rd(t, db, "frobnicate"); code != 2 {
		t.Fatal("unknown command")
	}
}

func TestCLIHeldApproveRollback(t *testing.T) {
	db := filepath.Join(t.TempDir(), "roster.db")
	rd(t, db, "admin", "add", "it@example.org", "IT Admin")
	rd(t, db, "settings", "set", "credited_admin", "it@example.org")
	var users strings.Builder
	for i := 0; i < 20; i++ {
		users.WriteString("u" + strconv.Itoa(i) + ",,,true,s1,student,u" + strconv.Itoa(i) + ",,U,Lee,,,,,,,05,\n")
	}
	full := writeZip(t, bundle(users.String()))
	rd(t, db, "sync", full, "--scope", "buildings")
	if code, _, _ := rd(t, db, "sync", full, "--scope", "users"); code != 0 {
		t.Fatal("first users sync")
	}
	// Five of twenty students gone: 25% > 5%, so the run is held and exits 3.
	cut := writeZip(t, bundle(strings.Join(strings.Split(users.String(), "\n")[5:], "\n")))
	code, out, _ := rd(t, db, "sync", cut, "--scope", "users", "--json")
	var res map[string]any
	if err := json.Unmarshal([]byte(out), &res); err != nil || code != 3 || res["status"] != "held" {
		t.Fatalf("held: exit %d %v %s", code, err, out)
	}
	tripped := res["tripped"].([]any)[0].(map[string]any)
	if tripped["entity"] != "users" || tripped["action"] != "deactivate" || tripped["count"].(float64) != 5 || tripped["limit"] != "5%" || tripped["key"] != "guard.users.deactivate.percent" {
		t.Fatalf("tripped %v", tripped)
	}
	held := strconv.Itoa(int(res["run_id"].(float64)))
	code, out, _ = rd(t, db, "roster", "--json")
	if !strings.Contains(strings.Join(strings.Fields(out), ""), `"users":{"active":20`) {
		t.Fatalf("a held run changed the roster: %s", out)
	}
	// Who it would deactivate, by name, before approving.
	code, out, _ = rd(t, db, "review", held, "--kind", "user")
	if code != 0 || !strings.Contains(out, "U Lee") || !strings.Contains(out, "student · School One") || !strings.Contains(out, "5 of 5 records shown") {
		t.Fatalf("review: exit %d %s", code, out)
	}
	if code, out, _ = rd(t, db, "review", held, "--search", "u3", "--json"); code != 0 || !strings.Contains(out, `"sourcedId": "u3"`) {
		t.Fatalf("review --search: exit %d %s", code, out)
	}
	// History says nothing of it was applied: its numbers are planned.
	if _, out, _ = rd(t, db, "history", "--limit", "1"); !strings.Contains(out, "held") || !strings.Contains(out, "planned") {
		t.Fatalf("history of a held run: %s", out)
	}
	code, out, _ = rd(t, db, "approve", held, "--json")
	json.Unmarshal([]byte(out), &res)
	if code != 0 || res["status"] != "applied" || res["counts"].(map[string]any)["users"].(map[string]any)["deactivated"].(float64) != 5 {
		t.Fatalf("approve: exit %d %s", code, out)
	}
	appliedID := res["run_id"].(float64)
	applied := strconv.Itoa(int(appliedID))
	if code, _, _ := rd(t, db, "discard", held); code != 3 {
		t.Fatal("an approved run was discarded")
	}
	code, out, _ = rd(t, db, "rollback", applied, "--json")
	json.Unmarshal([]byte(out), &res)
	if code != 0 || res["undoes"].(float64) != appliedID {
		t.Fatalf("rollback: exit %d %s", code, out)
	}
	_, out, _ = rd(t, db, "roster", "--json")
	if !strings.Contains(strings.Join(strings.Fields(out), ""), `"users":{"active":20,"inactive":0`) {
		t.Fatalf("rollback did not restore the users: %s", out)
	}
	if code, _, _ := rd(t, db, "protect", "user", "u1"); code != 0 {
		t.Fatal("protect")
	}
	if code, _, _ := rd(t, db, "protect", "user", "nobody"); code != 2 {
		t.Fatal("protect an unknown user")
	}
}

// `settings set` refuses what the window refuses, with the engine's message.
func TestCLISettingsValidatedByTheEngine(t *testing.T) {
	db := filepath.Join(t.TempDir(), "roster.db")
	rd(t, db, "--create", "roster")
	for _, c := range []struct{ key, value, want string }{
		{"sync.enabled", "true", "sync.days: choose at least one day while the sync is enabled; sync.time: a time is required while the sync is enabled"},
		{"guard.users.deactivate.percent", "150", `guard.users.deactivate.percent: "150" is more than 100%`},
		{"sync.enabld", "true", `unknown setting "sync.enabld"`},
	} {
		code, _, errs := rd(t, db, "settings", "set", c.key, c.value)
		if code != 2 || !strings.Contains(errs, c.want) {
			t.Errorf("settings set %s %s: exit %d, %q; want %q", c.key, c.value, code, errs, c.want)
		}
	}
	if _, out, _ := rd(t, db, "settings", "get", "sync.enabled"); strings.TrimSpace(out) != "false" {
		t.Fatalf("sync.enabled = %s after a refusal", out)
	}
	rd(t, db, "admin", "add", "it@example.org", "IT Admin")
	rd(t, db, "settings", "set", "credited_admin", "it@example.org")
	if code, _, errs := rd(t, db, "settings", "set", "courses.teacher_permission", "lessons_only"); code != 0 {
		t.Fatal(errs)
	}
	code, out, _ := rd(t, db, "settings", "changes")
	if code != 0 || !strings.Contains(out, `courses.teacher_permission: "units_lessons" → "lessons_only"  by it@example.org`) {
		t.Fatalf("settings changes: %d %q", code, out)
	}
}
