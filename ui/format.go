package ui

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"rosterdesk"
	rsync "rosterdesk/sync"
)

// num writes n with thousands separators: 150000 → "150,000".
func num(n int) string {
	if n < 0 {
		return "-" + num(-n)
	}
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

func plural(n int, one, many string) string {
	if n == 1 {
		return num(n) + " " + one
	}
	return num(n) + " " + many
}

// scopeLabel names a sync scope as the product pages do.
func scopeLabel(s rosterdesk.Scope) string {
	switch s {
	case rosterdesk.ScopeBuildings:
		return "Buildings"
	case rosterdesk.ScopeUsers:
		return "Users"
	case rosterdesk.ScopeUsersCourses:
		return "Users + Courses"
	}
	return string(s)
}

// triggerLabel names who started a run.
func triggerLabel(t rosterdesk.Trigger) string {
	switch t {
	case rosterdesk.TriggerAutomated:
		return "Automated"
	case rosterdesk.TriggerManual:
		return "Manual"
	case rosterdesk.TriggerUpload:
		return "Upload"
	}
	return string(t)
}

// syncType is the History's "Sync type" cell, e.g. "Users + Courses, Automated".
func syncType(r rsync.Result) string {
	return scopeLabel(r.Scope) + ", " + triggerLabel(r.Trigger)
}

// statusLabel is a run's status as the History shows it.
func statusLabel(s rosterdesk.Status) string {
	switch s {
	case rosterdesk.StatusDryRun:
		return "preview only"
	case rosterdesk.StatusHeld:
		return "held for review"
	case rosterdesk.StatusRolledBack:
		return "rolled back"
	case "cancelled", "canceled":
		return "cancelled"
	}
	return string(s)
}

// firstLine is the first line of s, for a one-line cause.
func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// countsSummary lists a run's or plan's numbers in plain words, leaving out
// the entities it did not touch.
func countsSummary(c rosterdesk.Counts, scope rosterdesk.Scope) string {
	var parts []string
	if scope == rosterdesk.ScopeBuildings || c.Buildings != (rosterdesk.BuildingCounts{}) {
		parts = append(parts, fmt.Sprintf("Buildings: %s added, %s updated, %s deactivated",
			num(c.Buildings.Added), num(c.Buildings.Updated), num(c.Buildings.Deactivated)))
	}
	if scope != rosterdesk.ScopeBuildings {
		u := c.Users
		s := fmt.Sprintf("Users: %s added, %s updated, %s deactivated, %s reactivated, %s",
			num(u.Added), num(u.Updated), num(u.Deactivated), num(u.Reactivated), plural(u.Errors, "error", "errors"))
		if u.Ignored > 0 {
			s += ", " + num(u.Ignored) + " ignored (school not aligned)"
		}
		parts = append(parts, s)
	}
	course := func(name string, cc rosterdesk.CourseCounts) {
		if scope == rosterdesk.ScopeUsersCourses || cc != (rosterdesk.CourseCounts{}) {
			parts = append(parts, fmt.Sprintf("%s: %s added, %s updated, %s removed, %s", name,
				num(cc.Added), num(cc.Updated), num(cc.Removed), plural(cc.Errors, "error", "errors")))
		}
	}
	course("Courses", c.Courses)
	course("Classes", c.Classes)
	course("Course assignments", c.Assignments)
	return strings.Join(parts, "\n")
}

// runningCounts is the line under a progress bar: what is planned so far.
func runningCounts(c rosterdesk.Counts) string {
	var parts []string
	if b := c.Buildings; b != (rosterdesk.BuildingCounts{}) {
		parts = append(parts, fmt.Sprintf("Buildings: %s added, %s updated, %s deactivated", num(b.Added), num(b.Updated), num(b.Deactivated)))
	}
	if u := c.Users; u != (rosterdesk.UserCounts{}) {
		parts = append(parts, fmt.Sprintf("Users: %s added, %s updated, %s deactivated, %s", num(u.Added), num(u.Updated),
			num(u.Deactivated), plural(u.Errors, "error", "errors")))
	}
	for _, x := range []struct {
		name string
		c    rosterdesk.CourseCounts
	}{{"Courses", c.Courses}, {"Classes", c.Classes}, {"Assignments", c.Assignments}} {
		if x.c != (rosterdesk.CourseCounts{}) {
			parts = append(parts, fmt.Sprintf("%s: %s added, %s updated, %s removed", x.name, num(x.c.Added), num(x.c.Updated), num(x.c.Removed)))
		}
	}
	if len(parts) == 0 {
		return "No changes planned yet."
	}
	return strings.Join(parts, " · ")
}

// errorText explains an engine error to the admin: a refusal or an unusable
// source as written by the engine, anything else with what failed.
func errorText(what string, err error) string {
	var se *rsync.SourceError
	var re *rsync.RefusedError
	var he *rsync.HeldError
	switch {
	case errors.As(err, &re):
		return "Refused: " + re.Reason
	case errors.As(err, &se):
		return "This source cannot be used, nothing was changed: " + se.Error()
	case errors.As(err, &he):
		reasons := make([]string, len(he.Tripped))
		for i, t := range he.Tripped {
			reasons[i] = t.Reason
		}
		return fmt.Sprintf("Run %d is held for review, nothing was applied: %s. Review it in History, then approve or discard it.",
			he.RunID, strings.Join(reasons, "; "))
	}
	return what + " failed: " + err.Error()
}
