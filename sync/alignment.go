package sync

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"rosterdesk"
	"rosterdesk/data"
)

// AlignStatus is how a OneRoster school and a local building relate.
type AlignStatus string

const (
	AlignMatched  AlignStatus = "matched"       // a building has the school's sourcedId as SIS id
	AlignAdded    AlignStatus = "will be added" // no building has it: a building sync adds one
	AlignNoSchool AlignStatus = "no school"     // a local building no school of the bundle matches
)

// AlignRow is one line of the building alignment: a school, its building, or both.
type AlignRow struct {
	Status     AlignStatus
	SchoolID   string // the school's sourcedId ("" for a building with no school)
	SchoolName string

	BuildingID     int64 // 0 when no building matches
	BuildingName   string
	BuildingSISID  string
	BuildingSource string // local or oneroster
	BuildingActive bool
	// Aligned: users are linked to this building now. A matched building that
	// is not aligned yet becomes aligned at the next building sync.
	Aligned bool

	Students int // students of the bundle in this school
	Staff    int // staff of the bundle in this school
}

// Alignment compares a bundle's schools with the roster's buildings.
type Alignment struct {
	Source *Source
	Rows   []AlignRow
	Users  int // students and staff in the bundle (guardians and parents are never imported)
	// IgnoredUsers are users of the bundle none of whose schools has an aligned
	// building now: a users sync would ignore them. IgnoredSchools counts those schools.
	IgnoredUsers   int
	IgnoredSchools int
	Matched        int // schools matched to a building
	ToAdd          int // schools a building sync adds
	NoSchool       int // local buildings without a school
}

// Sentence says in plain words what a users sync would ignore now.
func (a *Alignment) Sentence() string {
	switch {
	case a.Users == 0:
		return "The bundle holds no students or staff."
	case a.IgnoredUsers == 0:
		return fmt.Sprintf("All %s users are in schools aligned to a building; none would be ignored.", thousands(a.Users))
	}
	return fmt.Sprintf("%s %s in %s %s would be ignored: %s no aligned building yet. Synchronize buildings to add or match %s.",
		thousands(a.IgnoredUsers), plural(a.IgnoredUsers, "user", "users"),
		thousands(a.IgnoredSchools), plural(a.IgnoredSchools, "school", "schools"),
		plural(a.IgnoredSchools, "that school has", "those schools have"), plural(a.IgnoredSchools, "it", "them"))
}

// Summary counts the rows by status, e.g. "3 matched · 2 will be added · 1 local building with no school".
func (a *Alignment) Summary() string {
	return fmt.Sprintf("%d matched · %d will be added · %d local %s with no school", a.Matched, a.ToAdd, a.NoSchool,
		plural(a.NoSchool, "building", "buildings"))
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// thousands writes n with comma separators: 150000 → "150,000".
func thousands(n int) string {
	s := fmt.Sprint(n)
	if n < 0 {
		return "-" + thousands(-n)
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// bundleUsers reads the users of a bundle: for each student or staff member
// the schools they belong to, and whether they are a student.
type bundleUser struct {
	student bool
	orgs    []string
}

func (e *Engine) readBundleUsers(ctx context.Context, src *Source) (map[string]*bundleUser, error) {
	users := map[string]*bundleUser{}
	if !src.Present("users") {
		return users, nil
	}
	each := func(file string, row func(t *table)) error {
		t, err := src.openTable(file)
		if err != nil {
			return err
		}
		defer t.Close()
		for readable, err := range t.rows() {
			if err != nil {
				return err
			}
			if !readable {
				continue
			}
			if t.Rows%20000 == 0 {
				if err := ctx.Err(); err != nil {
					return err
				}
			}
			if strings.EqualFold(t.get("status"), "tobedeleted") || t.get("sourcedId") == "" {
				continue
			}
			row(t)
		}
		return nil
	}
	if src.Version == "1.2" {
		if !src.Present("roles") {
			return users, nil
		}
		err := each("roles", func(t *table) {
			id, role := t.get("userSourcedId"), t.get("role")
			if skippedRoles[role] || id == "" {
				return
			}
			u := users[id]
			if u == nil {
				u = &bundleUser{}
				users[id] = u
			}
			u.student = u.student || role == "student"
			u.orgs = append(u.orgs, t.get("orgSourcedId"))
		})
		return users, err
	}
	err := each("users", func(t *table) {
		role := strings.ToLower(t.get("role"))
		if skippedRoles[role] {
			return
		}
		var orgs []string
		for _, o := range strings.Split(t.get("orgSourcedIds"), ",") {
			if o = strings.TrimSpace(o); o != "" {
				orgs = append(orgs, o)
			}
		}
		users[strings.Clone(t.get("sourcedId"))] = &bundleUser{student: role == "student", orgs: orgs}
	})
	return users, err
}

// bundleSchools reads the schools of a bundle's orgs.csv (sourcedId → name);
// without an orgs.csv, the schools recorded by earlier building syncs.
func (e *Engine) bundleSchools(ctx context.Context, src *Source) (map[string]string, []string, error) {
	schools := map[string]string{}
	var order []string
	if !src.Present("orgs") {
		orgs, err := e.db.Orgs(ctx)
		if err != nil {
			return nil, nil, err
		}
		for id, o := range orgs {
			if o.Type == "school" && o.Active {
				schools[id] = o.Name
				order = append(order, id)
			}
		}
		sort.Strings(order)
		return schools, order, nil
	}
	for o, err := range src.orgRows() {
		if err != nil {
			return nil, nil, err
		}
		if o.id == "" || o.typ != "school" || o.gone {
			continue
		}
		if _, dup := schools[o.id]; !dup {
			order = append(order, o.id)
		}
		schools[o.id] = o.name
	}
	return schools, order, nil
}

// Alignment lines up the schools of the bundle at path with the roster's
// buildings by SIS id, counts each school's students and staff, and finds the
// users a users sync would ignore because their school has no aligned
// building. It writes nothing.
func (e *Engine) Alignment(ctx context.Context, path string) (*Alignment, error) {
	path = exportOf(path)
	src, err := openSource(path, e.Limits, newRunLog())
	if err != nil {
		return nil, err
	}
	defer src.Close()
	schools, order, err := e.bundleSchools(ctx, src)
	if err != nil {
		return nil, err
	}
	users, err := e.readBundleUsers(ctx, src)
	if err != nil {
		return nil, err
	}
	buildings, err := e.db.Buildings(ctx)
	if err != nil {
		return nil, err
	}
	bySIS := map[string]rosterdesk.Building{}
	for _, b := range buildings {
		if b.SISID != "" {
			bySIS[b.SISID] = b
		}
	}
	a := &Alignment{Source: src, Users: len(users)}
	rowOf := map[string]*AlignRow{}
	for _, id := range order {
		r := AlignRow{Status: AlignAdded, SchoolID: id, SchoolName: schools[id]}
		if b, ok := bySIS[id]; ok {
			r.Status, r.BuildingID, r.BuildingName, r.BuildingSISID, r.BuildingSource = AlignMatched, b.ID, b.Name, b.SISID, b.Source
			r.BuildingActive, r.Aligned = b.Active, b.Aligned && b.Active
			a.Matched++
		} else {
			a.ToAdd++
		}
		a.Rows = append(a.Rows, r)
	}
	for i := range a.Rows {
		rowOf[a.Rows[i].SchoolID] = &a.Rows[i]
	}
	for _, b := range buildings {
		if _, ok := schools[b.SISID]; ok && b.SISID != "" {
			continue
		}
		if !b.Active {
			continue // e.g. a school that left OneRoster earlier
		}
		a.Rows = append(a.Rows, AlignRow{Status: AlignNoSchool, BuildingID: b.ID, BuildingName: b.Name, BuildingSISID: b.SISID,
			BuildingSource: b.Source, BuildingActive: b.Active, Aligned: b.Aligned})
		a.NoSchool++
	}
	ignoredSchools := map[string]bool{}
	for _, u := range users {
		inSchool, aligned := false, false
		var unaligned []string
		for _, o := range u.orgs {
			r := rowOf[o]
			if r == nil {
				continue // the district or an unknown org
			}
			inSchool = true
			if u.student {
				r.Students++
			} else {
				r.Staff++
			}
			if r.Aligned {
				aligned = true
			} else {
				unaligned = append(unaligned, o)
			}
		}
		if inSchool && !aligned {
			a.IgnoredUsers++
			for _, o := range unaligned {
				ignoredSchools[o] = true
			}
		}
	}
	a.IgnoredSchools = len(ignoredSchools)
	statusOrder := map[AlignStatus]int{AlignMatched: 0, AlignAdded: 1, AlignNoSchool: 2}
	sort.SliceStable(a.Rows, func(i, j int) bool {
		ri, rj := a.Rows[i], a.Rows[j]
		if ri.Status != rj.Status {
			return statusOrder[ri.Status] < statusOrder[rj.Status]
		}
		ni, nj := ri.SchoolName, rj.SchoolName
		if ni == "" {
			ni, nj = ri.BuildingName, rj.BuildingName
		}
		return strings.ToLower(ni) < strings.ToLower(nj)
	})
	return a, nil
}

// SwitchAnalysis is what connecting another provider's bundle would do,
// worked out before anything changes.
type SwitchAnalysis struct {
	Provider    string // the provider connected now ("" if unknown)
	NewProvider string // the new bundle's provider (manifest source.systemName)

	IncomingUsers   int // students and staff in the new bundle
	MatchedUsers    int // of them, sourcedIds the roster already holds
	IncomingSchools int
	MatchedSchools  int // schools whose sourcedId is a building's SIS id

	Scope    rosterdesk.Scope
	Counts   rosterdesk.Counts // the dry-run plan of a sync from the new bundle
	Errors   int
	Warnings int
}

// Mismatch tells whether the identifiers look different enough to warn loudly:
// fewer than nine in ten incoming users are known.
func (s *SwitchAnalysis) Mismatch() bool {
	return s.IncomingUsers > 0 && s.MatchedUsers*10 < s.IncomingUsers*9
}

// AnalyzeSwitch plans a sync from another provider's bundle without applying
// or recording it, and counts how many of its sourcedIds match the roster.
func (e *Engine) AnalyzeSwitch(ctx context.Context, path string, progress func(Progress)) (*SwitchAnalysis, error) {
	s := &SwitchAnalysis{}
	var err error
	set, err := e.Settings(ctx)
	if err != nil {
		return nil, err
	}
	s.Provider = set.OneRoster.Provider
	src, err := openSource(path, e.Limits, newRunLog())
	if err != nil {
		return nil, err
	}
	s.NewProvider = src.SystemName
	schools, _, err := e.bundleSchools(ctx, src)
	if err == nil {
		var users map[string]*bundleUser
		users, err = e.readBundleUsers(ctx, src)
		if err == nil {
			s.IncomingUsers = len(users)
			var known *data.StateMap
			if known, err = e.db.LoadStateMap(ctx, data.Users); err == nil {
				for id := range users {
					if _, ok := known.Get(id); ok {
						s.MatchedUsers++
					}
				}
			}
		}
	}
	src.Close()
	if err != nil {
		return nil, err
	}
	s.IncomingSchools = len(schools)
	for id := range schools {
		if _, err := e.db.BuildingBySIS(ctx, id); err == nil {
			s.MatchedSchools++
		}
	}
	plan, err := e.PlanRun(ctx, path, Options{Trigger: rosterdesk.TriggerManual, Progress: progress})
	if err != nil {
		return nil, err
	}
	s.Scope, s.Counts, s.Errors, s.Warnings = plan.Scope, plan.Counts, plan.Errors(), plan.Warnings()
	return s, nil
}
