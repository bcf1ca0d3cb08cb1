package sync

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"rosterdesk"
)

// Report is what `validate` finds in a source, without touching the roster.
type Report struct {
	Source *Source        `json:"source"`
	Rows   map[string]int `json:"rows"`
	Usable bool           `json:"usable"` // usable for at least one kind of sync
	// UsableFor lists the syncs the bundle is usable for: buildings, users, users+courses.
	UsableFor []rosterdesk.Scope `json:"usable_for"`
	// Unusable names each file that cannot be read at all, and why.
	Unusable map[string]string     `json:"unusable,omitempty"`
	Message  string                `json:"message,omitempty"`
	Errors   int                   `json:"errors"`
	Warnings int                   `json:"warnings"`
	Log      []rosterdesk.LogEntry `json:"log"`
}

// Validate reads and checks every file of a source the engine uses (orgs,
// sessions, courses, classes, users, roles, enrollments) as if every school
// were aligned, and the headers of the ones it does not use. It reads on past
// a file it cannot use, so one pass tells every problem; its log is grouped
// by file. It writes nothing and needs no credited admin.
func (e *Engine) Validate(ctx context.Context, source string) (*Report, error) {
	source = exportOf(source)
	plan := &Plan{Scope: rosterdesk.ScopeUsersCourses, log: newRunLog(), Rows: map[string]int{}, Inputs: map[string]rosterdesk.Input{}, active: map[string]int{}}
	rep := &Report{Rows: plan.Rows, UsableFor: []rosterdesk.Scope{}}
	src, err := openSource(source, e.Limits, plan.log)
	if err == nil {
		defer src.Close()
		rep.Source = src
		plan.Source = src
		p := e.newPlanner(ctx, plan, nil)
		p.collect, p.unusable = true, map[string]string{}
		if err = p.validateAll(); err == nil {
			rep.Unusable = map[string]string{}
			for canon, why := range p.unusable {
				rep.Unusable[canon+".csv"] = why
			}
			rep.UsableFor = usableFor(src, p.unusable)
			rep.Usable = len(rep.UsableFor) > 0
			rep.Message = usableMessage(rep.UsableFor, p.unusable)
			if !rep.Usable {
				err = srcErr(src.Path, 0, "%s", rep.Message)
			}
		}
	}
	plan.log.finish()
	if err != nil && !rep.Usable {
		var se *SourceError
		if !errors.As(err, &se) {
			return nil, err
		}
		if rep.Message == "" {
			plan.log.errorf(rosterdesk.LogEntry{Phase: "open", File: baseName(se.File), Line: se.Line, Rule: "source.unusable"}, "%s", se.Message)
			rep.Message = err.Error()
		}
	}
	rep.Errors, rep.Warnings = plan.log.errors, plan.log.warnings
	rep.Log = byFile(plan.log.entries)
	return rep, err
}

// byFile orders a log by file (the bundle-wide lines first, then files in
// the order they were first named), keeping each file's lines in order.
func byFile(entries []rosterdesk.LogEntry) []rosterdesk.LogEntry {
	rank := map[string]int{"": 0}
	for _, e := range entries {
		if _, ok := rank[e.File]; !ok {
			rank[e.File] = len(rank)
		}
	}
	out := append([]rosterdesk.LogEntry(nil), entries...)
	sort.SliceStable(out, func(i, j int) bool { return rank[out[i].File] < rank[out[j].File] })
	return out
}

// needs are the files each kind of sync reads.
var syncFiles = map[rosterdesk.Scope][]string{
	rosterdesk.ScopeBuildings:    {"orgs"},
	rosterdesk.ScopeUsers:        {"orgs", "roles", "users"},
	rosterdesk.ScopeUsersCourses: {"orgs", "academicSessions", "courses", "classes", "roles", "users", "enrollments"},
}

// usableFor lists the syncs a bundle is usable for: each needs its files
// readable, and something to read.
func usableFor(src *Source, unusable map[string]string) []rosterdesk.Scope {
	out := []rosterdesk.Scope{}
	for _, sc := range []rosterdesk.Scope{rosterdesk.ScopeBuildings, rosterdesk.ScopeUsers, rosterdesk.ScopeUsersCourses} {
		ok := true
		for _, f := range syncFiles[sc] {
			if unusable[f] != "" {
				ok = false
			}
		}
		switch sc {
		case rosterdesk.ScopeBuildings:
			ok = ok && src.Present("orgs")
		case rosterdesk.ScopeUsers:
			ok = ok && src.Present("users")
		case rosterdesk.ScopeUsersCourses:
			ok = ok && (src.Present("users") || src.Present("courses") || src.Present("classes") || src.Present("enrollments") || src.Present("academicSessions"))
		}
		if ok {
			out = append(out, sc)
		}
	}
	return out
}

// usableMessage says in a sentence what the bundle is usable for, and what stops the rest.
func usableMessage(usable []rosterdesk.Scope, unusable map[string]string) string {
	var b strings.Builder
	if len(usable) == 0 {
		b.WriteString("the bundle is not usable for any sync")
	} else {
		names := make([]string, len(usable))
		for i, s := range usable {
			names[i] = string(s)
		}
		list := names[0]
		if n := len(names); n > 1 {
			list = strings.Join(names[:n-1], ", ") + " or " + names[n-1]
		}
		fmt.Fprintf(&b, "usable for a %s sync", list)
	}
	var files []string
	for f := range unusable {
		files = append(files, f)
	}
	sort.Strings(files)
	if len(files) > 0 {
		b.WriteString("; cannot be read: ")
		for i, f := range files {
			if i > 0 {
				b.WriteString("; ")
			}
			b.WriteString(unusable[f])
		}
	}
	return b.String()
}

func (p *planner) validateAll() error {
	if _, err := p.rosterOrgs(); err != nil {
		return err
	}
	if p.src.Present("orgs") {
		if err := p.step("orgs", "", p.planBuildings); err != nil {
			return err
		}
		for _, o := range p.plan.Orgs {
			p.orgs[o.SourcedID] = o.Type
		}
	}
	// Validation judges the data, not the alignment: every school counts as aligned.
	p.buildings = map[string]int64{}
	p.plan.buildingIDs = p.buildings
	for id, typ := range p.orgs {
		if typ == "school" {
			p.buildings[id] = -1
		}
	}
	if err := p.planEntities(true); err != nil {
		return err
	}
	// Files RosterDesk does not import: their headers are still checked against the spec.
	for _, canon := range []string{"demographics", "userProfiles"} {
		if !p.src.Present(canon) || (canon == "userProfiles" && p.src.Version != "1.2") {
			continue
		}
		t, err := p.src.openTable(canon)
		var se *SourceError
		if err != nil {
			if errors.As(err, &se) {
				p.log.warnf(rosterdesk.LogEntry{Phase: "read", File: baseName(se.File), Line: se.Line, Rule: "file.unused_unusable"},
					"%s (RosterDesk does not import %s.csv, so this stops no sync)", se.Message, canon)
				continue
			}
			return err
		}
		t.Close()
	}
	return nil
}

// lacking logs, after a sync of a narrower scope, which files of the bundle a
// wider sync could not read, so a building sync's success does not hide them.
func (p *planner) lacking() {
	var files []string
	switch p.plan.Scope {
	case rosterdesk.ScopeBuildings:
		files = []string{"roles", "users", "academicSessions", "courses", "classes", "enrollments"}
	case rosterdesk.ScopeUsers:
		files = []string{"academicSessions", "courses", "classes", "enrollments"}
	default:
		return
	}
	if p.src.Version == "1.2" && p.src.Bulk("users") && !p.src.Present("roles") && p.plan.Scope == rosterdesk.ScopeBuildings {
		p.log.warnf(rosterdesk.LogEntry{Phase: "plan", File: "roles.csv", Rule: "bundle.lacking"},
			"is not in the bundle, and a OneRoster 1.2 users.csv needs it (each user's role and school are there); a users sync of this bundle would be refused")
	}
	quiet := newRunLog()
	for _, canon := range files {
		if !p.src.Present(canon) || (canon == "roles" && p.src.Version != "1.2") {
			continue
		}
		saved := p.src.log
		p.src.log = quiet
		t, err := p.src.openTable(canon)
		p.src.log = saved
		if err == nil {
			t.Close()
			continue
		}
		var se *SourceError
		if errors.As(err, &se) {
			wider := rosterdesk.ScopeUsersCourses
			if canon == "users" || canon == "roles" {
				wider = rosterdesk.ScopeUsers
			}
			p.log.warnf(rosterdesk.LogEntry{Phase: "plan", File: baseName(se.File), Line: se.Line, Rule: "bundle.lacking"},
				"%s; a %s sync of this bundle would be refused (run `rosterdesk validate` for every problem)", se.Message, wider)
		}
	}
}
