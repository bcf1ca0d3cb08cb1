package sync

import (
	"context"
	"errors"
	"runtime/debug"

	"rosterdesk"
	"rosterdesk/data"
)

type planner struct {
	e    *Engine
	ctx  context.Context
	src  *Source
	log  *runLog
	plan *Plan
	prog func(Progress)

	orgs      map[string]string         // known org sourcedId → type
	orgNames  map[string]string         // known org sourcedId → name, for messages
	stored    map[string]rosterdesk.Org // the roster's orgs, read once (see rosterOrgs)
	buildings map[string]int64          // active aligned building SIS id → id
	userRole  map[data.Key]string       // accepted user → role, to compare with enrollment roles
	res       map[rosterdesk.Entity]*resolver
	preload   map[*data.Table]chan stateResult
	err       error   // a storage error met while looking records up or writing
	w         *writer // nil for a plan only (preview or dry run)
	buf       []string
	gradeMap  map[string]string
	keepGone  bool        // users absent from a bulk users.csv stay active (users.mark_missing_inactive off)
	enrolled  data.U64Map // class, user and role → the first enrollment's sourcedId: its number in enrolledIDs
	// enrolledIDs holds those sourcedIds: a million strings in a map would be
	// scanned by every garbage collection.
	enrolledIDs idList
	roles       map[string][]roleRow // 1.2 roles.csv, to name a user's role in the log
	// stateRecords counts the records in bulk files' state tables (stored and new).
	stateRecords int

	rolesDamaged bool // a bulk roles.csv is damaged: it only adds to users' stored roles and schools

	// collect: the validator reads on past an unusable file; unusable says which and why.
	collect  bool
	unusable map[string]string
}

// would words a consequence for a sync, or for the validator, which changes nothing.
func (p *planner) would(sync, validate string) string {
	if p.collect {
		return validate
	}
	return sync
}

// org tells an org's type; when the validator could not read orgs.csv, every org counts as a school.
func (p *planner) org(id string) (string, bool) {
	typ, ok := p.orgs[id]
	if !ok && p.unusable["orgs"] != "" {
		return "school", true
	}
	return typ, ok
}

// step runs one file's planning; the validator notes an unusable file and goes on.
func (p *planner) step(canon string, ent rosterdesk.Entity, f func() error) error {
	err := f()
	var se *SourceError
	if err == nil || !p.collect || !errors.As(err, &se) {
		return err
	}
	p.markUnusable(canon, se)
	if r := p.res[ent]; r != nil {
		r.unknown = true
	}
	return nil
}

// markUnusable notes, for the validator, a file it cannot read, named as the source has it.
func (p *planner) markUnusable(canon string, se *SourceError) {
	if p.unusable == nil {
		p.unusable = map[string]string{}
	}
	file := canon + ".csv"
	if loc, ok := p.src.Files[canon]; ok {
		file = baseName(loc)
	}
	if se.File == "" || se.File == p.src.Path {
		se.File = file
	}
	p.unusable[canon] = se.Error()
	p.log.errorf(rosterdesk.LogEntry{Phase: "open", File: baseName(se.File), Line: se.Line, Rule: "file.unusable"}, "%s", se.Message)
}

type stateResult struct {
	m   *data.StateMap
	err error
}

// preloadStates reads, in the background, the stored state of every table
// whose file is bulk, so the database is read while the CSV files are parsed.
func (p *planner) preloadStates(tables map[*data.Table]string) {
	p.preload = map[*data.Table]chan stateResult{}
	var todo []*data.Table
	for _, t := range data.Tables {
		if f, ok := tables[t]; ok && p.src.Bulk(f) {
			p.preload[t] = make(chan stateResult, 1)
			todo = append(todo, t)
		}
	}
	// The enrollments' state is by far the largest: it loads on its own while
	// the others load, and the CSV files are parsed, alongside.
	var big, small []*data.Table
	for _, t := range todo {
		if t == data.Assignments {
			big = append(big, t)
		} else {
			small = append(small, t)
		}
	}
	for _, list := range [][]*data.Table{small, big} {
		go func() {
			for _, t := range list {
				m, err := p.e.db.LoadStateMap(p.ctx, t)
				p.preload[t] <- stateResult{m, err}
			}
		}()
	}
}

func (p *planner) loadState(t *data.Table) (*data.StateMap, error) {
	if ch, ok := p.preload[t]; ok {
		r := <-ch
		return r.m, r.err
	}
	return p.e.db.LoadStateMap(p.ctx, t)
}

// PlanRun reads and validates a source and diffs it against the roster. It
// writes nothing. A refused precondition is a *RefusedError; an unusable
// source a *SourceError (its log is in the returned plan when one is returned).
func (e *Engine) PlanRun(ctx context.Context, sourcePath string, opt Options) (*Plan, error) {
	sourcePath = exportOf(sourcePath)
	opt, admin, err := e.preconditions(ctx, opt)
	if err != nil {
		return nil, err
	}
	plan, err := e.plan(ctx, sourcePath, opt, admin, nil)
	if err != nil {
		return plan, err
	}
	// Say now whether applying it would be held for review.
	if plan.Trips, err = e.guard(ctx, plan); err != nil {
		return nil, err
	}
	return plan, nil
}

// preconditions fills in the options' defaults and refuses a run that may not start.
func (e *Engine) preconditions(ctx context.Context, opt Options) (Options, rosterdesk.Admin, error) {
	if opt.Scope == "" {
		set, err := e.Settings(ctx)
		if err != nil {
			return opt, rosterdesk.Admin{}, err
		}
		opt.Scope = set.Processes.Scope
	}
	if opt.Trigger == "" {
		opt.Trigger = rosterdesk.TriggerManual
	}
	admin, err := e.CreditedAdmin(ctx)
	if err != nil {
		return opt, admin, err
	}
	if opt.Scope != rosterdesk.ScopeBuildings {
		ok, err := e.db.HasAppliedRun(ctx, rosterdesk.ScopeBuildings)
		if err != nil {
			return opt, admin, err
		}
		if !ok {
			return opt, admin, &RefusedError{Err: ErrBuildingsFirst, Reason: "synchronize buildings first: run `rosterdesk sync SOURCE --scope buildings` once so users can be linked to their buildings"}
		}
	}
	return opt, admin, nil
}

// newPlanner is the one way a planner is made, for a run's plan or for the
// validator: it plans the source plan has open into plan, and writes its log there.
func (e *Engine) newPlanner(ctx context.Context, plan *Plan, prog func(Progress)) *planner {
	if prog == nil {
		prog = func(Progress) {}
	}
	return &planner{e: e, ctx: ctx, src: plan.Source, log: plan.log, plan: plan, prog: prog,
		res: map[rosterdesk.Entity]*resolver{}, userRole: map[data.Key]string{}}
}

// plan runs the planner over a source; with a writer, every change is also
// written as it is planned.
func (e *Engine) plan(ctx context.Context, sourcePath string, opt Options, admin rosterdesk.Admin, w *writer) (*Plan, error) {
	plan := &Plan{Scope: opt.Scope, Trigger: opt.Trigger, DryRun: opt.DryRun, StartedAt: e.db.Now().UTC(), log: newRunLog(),
		Rows: map[string]int{}, Inputs: map[string]rosterdesk.Input{}, Admin: admin, opt: opt, active: map[string]int{}, touched: &touched{}}
	plan.log.max = e.Limits.MaxLogRows
	if w != nil {
		w.plan = plan
	}
	src, err := openSource(sourcePath, e.Limits, plan.log)
	if err != nil {
		return plan, err
	}
	defer src.Close()
	defer e.db.ReleaseLookups() // the connection a delta's lookups kept
	src.Collections = opt.Collections
	plan.Source = src
	for _, n := range opt.notes {
		plan.log.add(n)
	}
	if src.Collections && src.Kind == "folder" {
		// Only files this run plans take part: a users run reads no enrollments.
		inRun := func(f string) bool { return src.Bulk(f) && (opt.Scope == rosterdesk.ScopeUsersCourses || f == "users") }
		if plan.pullGaps, err = scanPull(src.dir, inRun); err != nil {
			return plan, err
		}
	}
	p := e.newPlanner(ctx, plan, opt.Progress)
	p.w = w
	set, err := e.Settings(ctx)
	if err != nil {
		return plan, err
	}
	p.gradeMap, p.keepGone = set.Processes.GradesMap, !set.Processes.MarkMissingInactive
	if err := p.run(); err != nil {
		return plan, err
	}
	p.lacking()
	plan.log.finish()
	if w != nil && p.stateRecords >= bigState {
		// The state tables and the duplicate check (most of a large district's
		// memory) are garbage now; the collector would hand their pages back to
		// the system only slowly, while the run's last writes and its commit
		// fill SQLite's caches: that was a 1,000,000-student bulk's peak.
		p = nil
		debug.FreeOSMemory()
	}
	return plan, nil
}

// bigState is the records in a run's state tables past which their memory is
// handed back to the system as soon as planning ends.
const bigState = 1 << 20

func (p *planner) run() error {
	if err := p.loadOrgs(); err != nil {
		return err
	}
	if p.plan.Scope == rosterdesk.ScopeBuildings {
		if !p.src.Present("orgs") {
			return srcErr("orgs.csv", 0, "is needed for a building sync but is not in the source")
		}
		return p.planBuildings()
	}
	if on, err := p.e.OneRosterEnabled(p.ctx); err != nil {
		return err
	} else if on && p.src.Present("orgs") {
		// OneRoster is the authority: buildings are brought in step first, in
		// the same transaction, so users of a new school are linked to it.
		if err := p.stepBuildings(); err != nil {
			return err
		}
	}
	var any bool
	for _, f := range []string{"users", "courses", "classes", "enrollments", "academicSessions"} {
		if p.src.Present(f) && (f == "users" || p.plan.Scope == rosterdesk.ScopeUsersCourses) {
			any = true
		}
	}
	if !any {
		want := "users.csv"
		if p.plan.Scope == rosterdesk.ScopeUsersCourses {
			want = "users.csv, courses.csv, classes.csv or enrollments.csv"
		}
		return srcErr(p.src.Path, 0, "holds nothing this %s sync can use: it needs %s", p.plan.Scope, want)
	}
	files := map[*data.Table]string{data.Users: "users"}
	if p.plan.Scope == rosterdesk.ScopeUsersCourses {
		files[data.Sessions], files[data.Courses], files[data.Classes], files[data.Assignments] = "academicSessions", "courses", "classes", "enrollments"
	}
	p.preloadStates(files)
	return p.planEntities(p.plan.Scope == rosterdesk.ScopeUsersCourses)
}

// planEntities plans users and, with courses, sessions, courses, classes and
// enrollments, in the order references need them.
func (p *planner) planEntities(courses bool) error {
	if courses {
		if err := p.step("academicSessions", rosterdesk.EntitySession, func() error { return p.planTable(data.Sessions, "academicSessions", p.sessionRow) }); err != nil {
			return err
		}
		if err := p.step("courses", rosterdesk.EntityCourse, func() error { return p.planTable(data.Courses, "courses", p.courseRow) }); err != nil {
			return err
		}
		if err := p.step("classes", rosterdesk.EntityClass, func() error { return p.planTable(data.Classes, "classes", p.classRow) }); err != nil {
			return err
		}
	}
	var roles map[string][]roleRow
	if err := p.step("roles", "", func() (err error) { roles, err = p.readRoles(); return err }); err != nil {
		return err
	}
	p.roles = roles
	if err := p.step("users", rosterdesk.EntityUser, func() error {
		return p.planTable(data.Users, "users", func(t *table) rowResult { return p.userRow(t, roles) })
	}); err != nil {
		return err
	}
	if courses {
		return p.step("enrollments", rosterdesk.EntityAssignment, func() error { return p.planTable(data.Assignments, "enrollments", p.enrollmentRow) })
	}
	return nil
}
