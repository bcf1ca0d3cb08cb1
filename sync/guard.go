package sync

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"rosterdesk"
	"rosterdesk/data"
)

// Guards hold a run, applying nothing, when it would change too much or when
// its input looks incomplete. The admin reviews a held run and approves it
// once, or discards it.

// guardLabels are the Safeguards screen's names of the entities.
var guardLabels = map[string]string{"buildings": "Buildings", "users": "Users", "courses": "Courses", "classes": "Classes", "assignments": "Course assignments"}

// limitLabel names a limit as the Safeguards screen shows it.
func limitLabel(entity, action, kind, limit string) string {
	verb := "deactivate or remove"
	if action == "update" {
		verb = "update"
	}
	if kind == "percent" {
		return fmt.Sprintf("Safeguards › %s: %s more than %s%% of active", guardLabels[entity], verb, limit)
	}
	return fmt.Sprintf("Safeguards › %s: %s more than %s (this many)", guardLabels[entity], verb, limit)
}

// checkThresholds compares a plan's numbers with the limits. Active records
// are counted only for an entity the run would change, and only when a
// percentage needs them: counting a million assignments is not free.
func (e *Engine) checkThresholds(ctx context.Context, plan *Plan) ([]rosterdesk.Trip, error) {
	k := plan.Counts
	numbers := map[string]struct {
		table        string
		gone, update int
	}{
		"buildings":   {"buildings", k.Buildings.Deactivated, k.Buildings.Updated},
		"users":       {"users", k.Users.Deactivated, k.Users.Updated},
		"courses":     {"courses", k.Courses.Removed, k.Courses.Updated},
		"classes":     {"classes", k.Classes.Removed, k.Classes.Updated},
		"assignments": {"assignments", k.Assignments.Removed, k.Assignments.Updated},
	}
	set, err := e.Settings(ctx)
	if err != nil {
		return nil, err
	}
	var trips []rosterdesk.Trip
	for _, g := range guardEntities {
		n := numbers[g.name]
		limits := entityLimits(&set.Guards, g.name)
		active := -1
		for _, a := range []struct {
			action string
			count  int
			limit  rosterdesk.Limit
		}{{g.gone, n.gone, limits.Gone}, {"update", n.update, limits.Update}} {
			if a.count == 0 {
				continue
			}
			key := "guard." + g.name + "." + a.action
			t := rosterdesk.Trip{Entity: g.name, Action: a.action, Count: a.count}
			if lim := a.limit.Count; lim > 0 && float64(a.count) > lim {
				t.Limit, t.Key = strconv.FormatFloat(lim, 'f', -1, 64), key+".count"
				t.Reason = fmt.Sprintf("would %s %d %s, above the limit of %s", a.action, a.count, g.name, limitLabel(g.name, a.action, "count", t.Limit))
				trips = append(trips, t)
				continue
			}
			lim := float64(a.limit.Percent)
			if lim <= 0 {
				continue
			}
			if n, ok := plan.active[n.table]; ok && active < 0 {
				active = n
			}
			if active < 0 {
				c, err := e.db.ActiveCount(ctx, n.table)
				if err != nil {
					return nil, err
				}
				active = c
			}
			if active == 0 {
				continue
			}
			pct := 100 * float64(a.count) / float64(active)
			if pct > lim {
				t.Active, t.Percent = active, float64(int(pct*10))/10
				t.Limit, t.Key = strconv.FormatFloat(lim, 'f', -1, 64)+"%", key+".percent"
				t.Reason = fmt.Sprintf("would %s %d of %d active %s (%.1f%%), above the limit of %s", a.action, a.count, active, g.name, pct,
					limitLabel(g.name, a.action, "percent", strconv.FormatFloat(lim, 'f', -1, 64)))
				trips = append(trips, t)
			}
		}
	}
	return trips, nil
}

// checkCompleteness blocks deactivations and removals when the input looks
// incomplete next to the last applied run of the same scope.
func (e *Engine) checkCompleteness(ctx context.Context, plan *Plan) ([]rosterdesk.Trip, error) {
	k := plan.Counts
	if k.Buildings.Deactivated+k.Users.Deactivated+k.Courses.Removed+k.Classes.Removed+k.Assignments.Removed == 0 {
		return nil, nil // nothing would be taken away
	}
	last, ok, err := e.db.LastApplied(ctx, plan.Scope)
	if err != nil || !ok {
		return nil, err
	}
	before := last.Inputs
	if len(before) == 0 {
		return nil, nil
	}
	if plan.Source != nil && plan.Source.Kind == "file" {
		return nil, nil // a lone users.csv or courses.csv is not a bundle: other files are not expected
	}
	// A delta bundle leaves out what did not change; only a complete (bulk) file can look cut short.
	bulkNow := false
	for _, in := range plan.Inputs {
		bulkNow = bulkNow || in.Mode == rosterdesk.ModeBulk
	}
	set, err := e.Settings(ctx)
	if err != nil {
		return nil, err
	}
	drop := float64(set.Guards.InputDrop)
	var trips []rosterdesk.Trip
	for _, file := range sortedFiles(before) {
		was := before[file]
		now, present := plan.Inputs[file]
		if was.Rows == 0 || was.Mode != rosterdesk.ModeBulk || (present && now.Mode != rosterdesk.ModeBulk) || (!present && !bulkNow) {
			continue
		}
		switch {
		case !present:
			trips = append(trips, rosterdesk.Trip{Entity: file, Action: "input", Limit: "present",
				Reason: fmt.Sprintf("%s was in the last applied run (%d rows, run %d) but is missing now (Safeguards › Incomplete export)", file, was.Rows, last.ID)})
		case now.Rows == 0:
			trips = append(trips, rosterdesk.Trip{Entity: file, Action: "input", Limit: "rows",
				Reason: fmt.Sprintf("%s is empty now; it had %d rows in run %d (Safeguards › Incomplete export)", file, was.Rows, last.ID)})
		case len(lostColumns(was.Header, now.Header)) > 0:
			lost := lostColumns(was.Header, now.Header)
			trips = append(trips, rosterdesk.Trip{Entity: file, Action: "input", Limit: "header",
				Reason: fmt.Sprintf("%s lost the column %s since run %d; its values would be taken as blank (Safeguards › Incomplete export)", file, strings.Join(lost, ", "), last.ID)})
		case drop > 0 && float64(was.Rows-now.Rows) > drop/100*float64(was.Rows):
			pct := 100 * float64(was.Rows-now.Rows) / float64(was.Rows)
			trips = append(trips, rosterdesk.Trip{Entity: file, Action: "input", Count: was.Rows - now.Rows, Percent: float64(int(pct*10)) / 10,
				Limit: strconv.FormatFloat(drop, 'f', -1, 64) + "%", Key: KeyInputDrop,
				Reason: fmt.Sprintf("%s has %d rows, %.1f%% fewer than the %d of run %d, above the limit of Safeguards › Incomplete export: %s%% of its rows",
					file, now.Rows, pct, was.Rows, last.ID, strconv.FormatFloat(drop, 'f', -1, 64))})
		}
	}
	return trips, nil
}

// usedColumns are the OneRoster columns a run reads. A header that lost one
// of them is a change to hold; case, order and extension columns are not.
var usedColumns = func() map[string]bool {
	m := map[string]bool{}
	for _, c := range []string{"sourcedId", "status", "dateLastModified", "name", "type", "identifier", "parentSourcedId",
		"title", "startDate", "endDate", "schoolYear", "schoolYearSourcedId", "courseCode", "grades", "orgSourcedId", "subjects",
		"courseSourcedId", "classCode", "classType", "location", "schoolSourcedId", "termSourcedIds", "periods",
		"enabledUser", "orgSourcedIds", "role", "username", "givenName", "familyName", "middleName", "email",
		"classSourcedId", "userSourcedId", "primary", "beginDate", "endDate", "roleType"} {
		m[strings.ToLower(c)] = true
	}
	return m
}()

// lostColumns lists the used columns of was that now lacks, compared without case.
func lostColumns(was, now []string) []string {
	has := map[string]bool{}
	for _, h := range now {
		has[strings.ToLower(strings.TrimSpace(h))] = true
	}
	var lost []string
	for _, h := range was {
		k := strings.ToLower(strings.TrimSpace(h))
		if usedColumns[k] && !has[k] {
			lost = append(lost, strings.TrimSpace(h))
		}
	}
	return lost
}

func sortedFiles(m map[string]rosterdesk.Input) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// IsHeld tells whether err means the run was held for review.
func IsHeld(err error) bool {
	var h *HeldError
	return errors.As(err, &h)
}

// HeldError says a run was held for review; nothing was applied.
type HeldError struct {
	RunID   int64
	Tripped []rosterdesk.Trip
}

func (e *HeldError) Error() string {
	reasons := make([]string, len(e.Tripped))
	for i, t := range e.Tripped {
		reasons[i] = t.Reason
		if t.Key != "" {
			reasons[i] += " (" + t.Key + ")"
		}
	}
	return fmt.Sprintf("run %d is held for review, nothing was applied: %s; approve it with `rosterdesk approve %d` or discard it with `rosterdesk discard %d`",
		e.RunID, strings.Join(reasons, "; "), e.RunID, e.RunID)
}

// checkSchools holds a run that would take one school away: deactivate its
// building, or take more than the school limit of its active users or classes.
func (e *Engine) checkSchools(ctx context.Context, plan *Plan) ([]rosterdesk.Trip, error) {
	set, err := e.Settings(ctx)
	if err != nil {
		return nil, err
	}
	lim := float64(set.Guards.School.Percent)
	if lim <= 0 {
		return nil, nil
	}
	floor := set.Guards.School.Count
	limS := strconv.FormatFloat(lim, 'f', -1, 64)
	label := fmt.Sprintf("Safeguards › One school: more than %s%% of one school's users or classes, or its building", limS)
	var trips []rosterdesk.Trip
	for _, b := range plan.Buildings {
		if b.Action == ActDeactivate {
			trips = append(trips, rosterdesk.Trip{Entity: "buildings", Action: "deactivate", Count: 1, Limit: "one school", Key: KeySchoolPercent,
				Reason: fmt.Sprintf("would deactivate the building of school %s (%s): %s; held by %s", b.Name, b.SISID, b.Reason, label)})
		}
	}
	names := map[string]string{}
	orgs, err := e.db.Orgs(ctx)
	if err != nil {
		return nil, err
	}
	for id, o := range orgs {
		names[id] = o.Name
	}
	for _, o := range plan.Orgs {
		names[o.SourcedID] = o.Name
	}
	for _, x := range []struct {
		t      *data.Table
		col    string
		entity string
	}{{data.Users, "org_ids", "users"}, {data.Classes, "school_sourced_id", "classes"}} {
		ids := plan.gone[x.t]
		if float64(len(ids)) <= floor || len(ids) == 0 {
			continue // no school can lose more than the floor
		}
		// Counted in SQLite and read for the records the run takes away only:
		// a delta's guard costs what the delta names, not a map of the roster.
		schools, err := e.db.SchoolsOf(ctx, x.t.Name, x.col, ids)
		if err != nil {
			return nil, err
		}
		lost := map[string]int{}
		for _, id := range ids {
			for _, s := range strings.Split(schools[id], ",") {
				if s != "" {
					lost[s]++
				}
			}
		}
		if len(lost) == 0 {
			continue
		}
		active, err := e.db.SchoolCounts(ctx, x.t.Name, x.col)
		if err != nil {
			return nil, err
		}
		for _, s := range sortedKeys(lost) {
			n, of := lost[s], active[s]
			if of == 0 || float64(n) <= floor {
				continue
			}
			if pct := 100 * float64(n) / float64(of); pct > lim {
				name := s
				if nm := names[s]; nm != "" {
					name = nm + " (" + s + ")"
				}
				trips = append(trips, rosterdesk.Trip{Entity: x.entity, Action: map[string]string{"users": "deactivate", "classes": "remove"}[x.entity],
					Count: n, Active: of, Percent: float64(int(pct*10)) / 10, Limit: limS + "%", Key: KeySchoolPercent,
					Reason: fmt.Sprintf("would take away %d of the %d active %s of school %s (%.1f%%), above the limit of %s", n, of, x.entity, name, pct, label)})
			}
		}
	}
	return trips, nil
}

func sortedKeys(m map[string]int) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
