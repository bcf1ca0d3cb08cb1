package sync

import (
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"slices"
	"sort"
	"strings"
	gosync "sync"
	"time"

	"rosterdesk/data"
)

// Action is what a plan does to one record.
type Action uint8

const (
	ActAdd        Action = iota + 1
	ActUpdate            // fields change
	ActDeactivate        // users and buildings; "removed" for courses, classes, assignments
	ActReactivate
)

func (a Action) String() string {
	switch a {
	case ActAdd:
		return "add"
	case ActUpdate:
		return "update"
	case ActDeactivate:
		return "deactivate"
	case ActReactivate:
		return "reactivate"
	}
	return "none"
}

// Change is one planned change to one record. It is kept small: a first
// sync plans a million of them.
type Change struct {
	SourcedID string
	Vals      string // new values, Sep-joined; "" when fields do not change
	ID        int64  // stored record id; 0 for an add
	Line      int32
	Action    Action
	Active    bool // for an add: whether the new record is active
	more      *changeMore
}

// changeMore holds what a plain add does not need.
type changeMore struct {
	old, reason string
}

// Old is the stored values when fields change.
func (c *Change) Old() string {
	if c.more == nil {
		return ""
	}
	return c.more.old
}

// EntityPlan is the planned changes to one kind of record. A plan keeps the
// counts and the first changes of each kind for a preview, not every change:
// applying streams the changes straight into the transaction.
type EntityPlan struct {
	Table   *data.Table
	File    string
	Mode    Mode
	Samples []Change
	sampled map[Action]int
}

// SamplesPerAction is how many changes of each kind a plan keeps for a preview.
const SamplesPerAction = 50

// Reason says why a change is planned ("absent from users.csv", "status tobedeleted", ...).
func (ep *EntityPlan) Reason(c *Change) string {
	if c.more != nil && c.more.reason != "" {
		return c.more.reason
	}
	if c.Action == ActAdd {
		return "new in " + ep.File
	}
	return ""
}

func withReason(c Change, reason string) Change {
	if c.more == nil {
		c.more = &changeMore{}
	}
	c.more.reason = reason
	return c
}

// BuildingChange is one planned change to a building.
type BuildingChange struct {
	Action     Action
	BuildingID int64
	SISID      string
	Name       string
	OldName    string
	Aligned    bool // was aligned before
	Reason     string
	Line       int
}

// Plan is the diff between a source and the roster, ready to preview or apply.
type Plan struct {
	Scope     Scope
	Trigger   Trigger
	DryRun    bool
	Source    *Source
	StartedAt time.Time
	Admin     data.Admin
	Entities  []*EntityPlan
	Buildings []BuildingChange
	Orgs      []data.Org
	OrgsGone  []string
	Counts    data.Counts

	// Rows counts the data rows read per file.
	Rows map[string]int
	// Inputs are the files read, with their rows and header, for the next run's completeness guard.
	Inputs map[string]Input

	active map[string]int          // active records per table before the run, where the plan loaded them all
	gone   map[*data.Table][]int64 // users deactivated and classes removed, by stored id
	// pullGaps: what a REST full pull's own enrollments and classes name but it did not return.
	pullGaps pullGaps

	// Trips are the safeguards applying this plan would trip: it would be held for review.
	Trips []Trip

	opt         Options
	touched     *touched             // the records it touches, for a review's list
	named       []data.PlannedRecord // the list with its names, once asked for
	mu          gosync.Mutex
	buildingIDs map[string]int64 // aligned building SIS id → building id, for user links
	log         *runLog
}

// Log returns the plan's log so far.
func (p *Plan) Log() []data.LogEntry { return p.log.entries }

// Errors and Warnings count the log's entries.
func (p *Plan) Errors() int   { return p.log.errors }
func (p *Plan) Warnings() int { return p.log.warnings }

// ref is what a reference resolves to.
type ref uint8

const (
	refMissing  ref = iota
	refOK           // exists (active or not) after this run
	refIgnored      // present but ignored (school not aligned)
	refSkipped      // a guardian or parent, not stored
	refRejected     // its row was rejected
	refGone         // marked tobedeleted and not in the roster: no record to refer to
)

// resolver answers whether a sourcedId of one entity exists after this run.
type resolver struct {
	inFile  bool // the file takes part in this run
	unknown bool // the validator could not read the file
	bulk    bool
	src     map[data.Key]ref // rows of this run's file; nil when nothing refers to the entity
	db      *data.StateMap   // every stored record, loaded for a bulk file only
	lookup  func(id string) (data.State, bool)
	cache   map[data.Key]cached // lookups already made: enrollments name the same class and user often
	// keepsAbsent: records absent from the bulk file stay as they are (users
	// with users.mark_missing_inactive off), so a reference to one resolves.
	keepsAbsent bool
	// gaps are records a REST pull's own rows name but it did not return: they
	// are kept, so a reference to a stored one resolves.
	gaps    map[string]bool
	rejLine map[data.Key]int32 // the line a rejected record was read on
}

// reject marks a record whose row was rejected on line.
func (r *resolver) reject(k data.Key, line int) {
	r.set(k, refRejected)
	if r.rejLine == nil {
		r.rejLine = map[data.Key]int32{}
	}
	r.rejLine[k] = int32(line)
}

type cached struct {
	st data.State
	ok bool
}

func (r *resolver) set(k data.Key, v ref) {
	if r.src != nil {
		r.src[k] = v
	}
}

// state finds a stored record: in the loaded map, or one query at a time for a delta.
func (r *resolver) state(id string) (data.State, bool) {
	return r.stateK(id, data.KeyOf(id))
}

// stateK is state with the id's Key already made.
func (r *resolver) stateK(id string, k data.Key) (data.State, bool) {
	if r.db != nil {
		st := r.db.Lookup(k)
		return st, st.ID != 0 // ID 0: only seen in the file, not stored
	}
	if c, hit := r.cache[k]; hit {
		return c.st, c.ok
	}
	st, ok := r.lookup(id)
	if r.cache == nil {
		r.cache = map[data.Key]cached{}
	}
	r.cache[k] = cached{st, ok}
	return st, ok
}

// seenSet remembers the line each sourcedId was first read on. For a bulk
// file it lives in the stored-state map itself, which a large district cannot
// afford to hold twice.
type seenSet struct {
	db    *data.StateMap
	last  *data.State // the slot visit found, for mark
	lines map[data.Key]int32
}

func newSeenSet(db *data.StateMap) *seenSet {
	if db != nil {
		return &seenSet{db: db}
	}
	return &seenSet{lines: map[data.Key]int32{}}
}

// visit tells the line id was first seen on (0 if never) and its stored
// state, with one probe of the state map for a bulk file.
func (s *seenSet) visit(r *resolver, id string, k data.Key) (int32, data.State, bool) {
	if s.db != nil {
		s.last = s.db.Ref(k)
		st := *s.last
		return st.Line, st, st.ID != 0 // ID 0: only seen in the file, not stored
	}
	st, ok := r.stateK(id, k)
	return s.lines[k], st, ok
}

// mark records that the id of Key k was read on line; it follows visit(k).
func (s *seenSet) mark(k data.Key, st data.State, line int) {
	if s.db != nil {
		s.last.Line = int32(line)
		return
	}
	s.lines[k] = int32(line)
}

func (r *resolver) resolve(id string) ref {
	if v, ok := r.src[data.KeyOf(id)]; ok {
		return v
	}
	if r.unknown {
		return refOK // its file could not be read: nothing can be said against the reference
	}
	if r.inFile && r.bulk && !r.keepsAbsent && !r.gaps[id] {
		return refMissing
	}
	if _, ok := r.state(id); ok {
		return refOK
	}
	return refMissing
}

// missingRef says, truthfully, why a reference names no record this run
// keeps: not in this pull, deactivated (or removed) by this run, inactive,
// or in neither the file nor the roster.
func (p *planner) missingRef(ent data.Entity, file, what, id string) string {
	r := p.res[ent]
	st, stored := r.state(id)
	switch {
	case p.src.Collections && stored:
		return fmt.Sprintf("%s %s is not in this pull (it is in the roster); row skipped", what, id)
	case p.src.Collections:
		return fmt.Sprintf("%s %s is not in this pull nor in the roster; row skipped", what, id)
	case stored && st.Active && r.inFile && r.bulk:
		verb := "deactivated"
		if ent != data.EntityUser {
			verb = "removed"
		}
		return fmt.Sprintf("%s %s is not in %s, so it is %s by this run; row skipped", what, id, file, verb)
	case stored && !st.Active:
		return fmt.Sprintf("%s %s is not active in the roster and not in %s; row skipped", what, id, file)
	}
	return fmt.Sprintf("%s %s is not in %s nor in the roster; row skipped", what, id, file)
}

// rejectedRef names the line a referenced record was rejected on.
func (p *planner) rejectedRef(ent data.Entity, file, what, id string) string {
	if line := p.res[ent].rejLine[data.KeyOf(id)]; line > 0 {
		return fmt.Sprintf("%s %s was rejected on line %d of %s; row skipped", what, id, line, file)
	}
	return fmt.Sprintf("%s %s was rejected (see %s); row skipped", what, id, file)
}

type planner struct {
	e    *Engine
	ctx  context.Context
	src  *Source
	log  *runLog
	plan *Plan
	prog func(Progress)

	orgs      map[string]string   // known org sourcedId → type
	orgNames  map[string]string   // known org sourcedId → name, for messages
	buildings map[string]int64    // active aligned building SIS id → id
	userRole  map[data.Key]string // accepted user → role, to compare with enrollment roles
	res       map[data.Entity]*resolver
	preload   map[*data.Table]chan stateResult
	err       error   // a storage error met while looking records up or writing
	w         *writer // nil for a plan only (preview or dry run)
	buf       []string
	gradeMap  map[string]string
	enrolled  map[uint64]uint64 // class, user and role → the first enrollment's sourcedId in enrolledIDs (offset<<16 | length)
	// enrolledIDs holds those sourcedIds back to back: a million strings in a
	// map would be scanned by every garbage collection.
	enrolledIDs []byte
	roles       map[string][]roleRow // 1.2 roles.csv, to name a user's role in the log

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
func (p *planner) step(canon string, ent data.Entity, f func() error) error {
	err := f()
	if err == nil || !p.collect || !IsSourceError(err) {
		return err
	}
	p.markUnusable(canon, err)
	if r := p.res[ent]; r != nil {
		r.unknown = true
	}
	return nil
}

func (p *planner) markUnusable(canon string, err error) {
	var se *SourceError
	errors.As(err, &se)
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
	p.log.errorf("open", baseName(se.File), se.Line, 0, "", "", "file.unusable", "%s", se.Message)
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
				m, err := p.e.DB.LoadStateMap(p.ctx, t)
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
	return p.e.DB.LoadStateMap(p.ctx, t)
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
func (e *Engine) preconditions(ctx context.Context, opt Options) (Options, data.Admin, error) {
	if opt.Scope == "" {
		s, err := e.Setting(ctx, KeySyncProcess)
		if err != nil {
			return opt, data.Admin{}, err
		}
		opt.Scope = Scope(s)
	}
	if opt.Trigger == "" {
		opt.Trigger = TriggerManual
	}
	admin, err := e.CreditedAdmin(ctx)
	if err != nil {
		return opt, admin, err
	}
	if opt.Scope != ScopeBuildings {
		ok, err := e.DB.HasAppliedRun(ctx, string(ScopeBuildings))
		if err != nil {
			return opt, admin, err
		}
		if !ok {
			return opt, admin, &RefusedError{Reason: "synchronize buildings first: run `rosterdesk sync SOURCE --scope buildings` once so users can be linked to their buildings"}
		}
	}
	return opt, admin, nil
}

// plan runs the planner over a source; with a writer, every change is also
// written as it is planned.
func (e *Engine) plan(ctx context.Context, sourcePath string, opt Options, admin data.Admin, w *writer) (*Plan, error) {
	plan := &Plan{Scope: opt.Scope, Trigger: opt.Trigger, DryRun: opt.DryRun, StartedAt: e.DB.Now().UTC(), log: newRunLog(),
		Rows: map[string]int{}, Inputs: map[string]Input{}, Admin: admin, opt: opt, active: map[string]int{}, touched: &touched{}}
	plan.log.max = e.Limits.MaxLogRows
	if w != nil {
		w.plan = plan
	}
	src, err := openSource(sourcePath, e.Limits, plan.log)
	if err != nil {
		return plan, err
	}
	defer src.Close()
	src.Collections = opt.Collections
	plan.Source = src
	for _, n := range opt.notes {
		plan.log.add(n)
	}
	if src.Collections && src.Kind == "folder" {
		// Only files this run plans take part: a users run reads no enrollments.
		inRun := func(f string) bool { return src.Bulk(f) && (opt.Scope == ScopeUsersCourses || f == "users") }
		if plan.pullGaps, err = scanPull(src.dir, inRun); err != nil {
			return plan, err
		}
	}
	p := &planner{e: e, ctx: ctx, src: src, log: plan.log, plan: plan, prog: opt.Progress, res: map[data.Entity]*resolver{}, userRole: map[data.Key]string{}, w: w}
	if p.prog == nil {
		p.prog = func(Progress) {}
	}
	gm, _ := e.Setting(ctx, KeyGradesMap)
	if p.gradeMap, err = parseGradesMap(gm); err != nil {
		return plan, err
	}
	if err := p.run(); err != nil {
		return plan, err
	}
	p.lacking()
	plan.log.finish()
	return plan, nil
}

func (p *planner) run() error {
	if err := p.loadOrgs(); err != nil {
		return err
	}
	if p.plan.Scope == ScopeBuildings {
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
		if p.src.Present(f) && (f == "users" || p.plan.Scope == ScopeUsersCourses) {
			any = true
		}
	}
	if !any {
		want := "users.csv"
		if p.plan.Scope == ScopeUsersCourses {
			want = "users.csv, courses.csv, classes.csv or enrollments.csv"
		}
		return srcErr(p.src.Path, 0, "holds nothing this %s sync can use: it needs %s", p.plan.Scope, want)
	}
	files := map[*data.Table]string{data.Users: "users"}
	if p.plan.Scope == ScopeUsersCourses {
		files[data.Sessions], files[data.Courses], files[data.Classes], files[data.Assignments] = "academicSessions", "courses", "classes", "enrollments"
	}
	p.preloadStates(files)
	return p.planEntities(p.plan.Scope == ScopeUsersCourses)
}

// planEntities plans users and, with courses, sessions, courses, classes and
// enrollments, in the order references need them.
func (p *planner) planEntities(courses bool) error {
	if courses {
		if err := p.step("academicSessions", data.EntitySession, func() error { return p.planTable(data.Sessions, "academicSessions", p.sessionRow) }); err != nil {
			return err
		}
		if err := p.step("courses", data.EntityCourse, func() error { return p.planTable(data.Courses, "courses", p.courseRow) }); err != nil {
			return err
		}
		if err := p.step("classes", data.EntityClass, func() error { return p.planTable(data.Classes, "classes", p.classRow) }); err != nil {
			return err
		}
	}
	var roles map[string][]roleRow
	if err := p.step("roles", "", func() (err error) { roles, err = p.readRoles(); return err }); err != nil {
		return err
	}
	p.roles = roles
	if err := p.step("users", data.EntityUser, func() error {
		return p.planTable(data.Users, "users", func(t *table) rowResult { return p.userRow(t, roles) })
	}); err != nil {
		return err
	}
	if courses {
		return p.step("enrollments", data.EntityAssignment, func() error { return p.planTable(data.Assignments, "enrollments", p.enrollmentRow) })
	}
	return nil
}

// loadOrgs learns every org the run can refer to (the roster's, plus orgs.csv's)
// and the aligned buildings users are linked to.
func (p *planner) loadOrgs() error {
	dbOrgs, err := p.e.DB.Orgs(p.ctx)
	if err != nil {
		return err
	}
	p.orgs = map[string]string{}
	p.orgNames = map[string]string{}
	for id, o := range dbOrgs {
		p.orgs[id] = o.Type
		p.orgNames[id] = o.Name
	}
	if p.plan.Scope != ScopeBuildings && p.src.Present("orgs") {
		// Only the types matter here; orgs.csv itself is validated by a building sync.
		t, err := p.src.openTable("orgs")
		if err != nil {
			return err
		}
		defer t.Close()
		quiet := &planner{log: newRunLog(), src: p.src}
		for {
			err := t.next()
			if err == io.EOF {
				break
			}
			if errors.Is(err, errRowSkipped) {
				continue
			}
			if err != nil {
				return err
			}
			if typ, ok := quiet.enum(t, "type", orgTypes, true, true); ok && t.get("sourcedId") != "" {
				p.orgs[t.get("sourcedId")] = typ
				if n := strings.TrimSpace(t.get("name")); n != "" {
					p.orgNames[t.get("sourcedId")] = n
				}
			}
		}
	}
	bs, err := p.e.DB.Buildings(p.ctx)
	if err != nil {
		return err
	}
	p.buildings = map[string]int64{}
	for _, b := range bs {
		if b.Active && b.Aligned && b.SISID != "" {
			p.buildings[b.SISID] = b.ID
		}
	}
	p.plan.buildingIDs = p.buildings
	return nil
}

// rowResult is what a row parser decided.
type rowResult struct {
	outcome ref      // refOK, refIgnored, refSkipped or refRejected
	parts   []string // for refOK: the record's values in column order (reused: copy before keeping)
	active  bool     // for refOK: whether the record should be active
	reason  string   // why inactive, or why ignored
	// keep: parts whose stored value stays as it is (they name a record whose
	// row was rejected in this run: a rejected row never changes a valid one).
	keep []int
}

// planTable streams one file and plans its entity's changes.
func (p *planner) planTable(tbl *data.Table, file string, row func(*table) rowResult) error {
	ep := &EntityPlan{Table: tbl, File: file + ".csv", Mode: p.src.Modes[file]}
	r := &resolver{inFile: p.src.Present(file), bulk: p.src.Bulk(file), lookup: func(id string) (data.State, bool) {
		st, ok, err := p.e.DB.StateOf(p.ctx, tbl, id)
		if err != nil && p.err == nil {
			p.err = err
		}
		return st, ok
	}}
	r.gaps = p.plan.pullGaps[tbl.Entity]
	r.keepsAbsent = tbl == data.Users && !p.e.boolSetting(p.ctx, KeyMarkMissingGone)
	if tbl != data.Assignments {
		r.src = map[data.Key]ref{} // assignments are referred to by nothing
	}
	started := time.Now()
	if r.bulk {
		// Absence from a bulk file means gone, so every stored record is needed.
		var err error
		if r.db, err = p.loadState(tbl); err != nil {
			return err
		}
		n := 0
		r.db.Each(func(st data.State) {
			if st.Active {
				n++
			}
		})
		p.plan.active[tbl.Name] = n // the guards' percentages need it; counting here is free
	}
	waited := time.Since(started)
	defer func() {
		p.e.Log.Info().Str("file", ep.File).Int("rows", p.plan.Rows[ep.File]).Dur("state_wait", waited).
			Dur("took", time.Since(started)).Msg("planned")
	}()
	p.res[tbl.Entity] = r
	if !p.src.Present(file) {
		p.plan.Entities = append(p.plan.Entities, ep)
		return nil
	}
	t, err := p.src.openTable(file)
	if err != nil {
		return err
	}
	defer t.Close()
	if file == "users" && p.roles != nil {
		t.roleOf = func(id string) string {
			var rs []string
			for _, r := range p.roles[id] {
				if !slices.Contains(rs, r.role) {
					rs = append(rs, r.role)
				}
			}
			return strings.Join(rs, ", ")
		}
	}
	ep.File = t.File
	seen := newSeenSet(r.db)
	usable := 0 // rows kept or ignored: neither rejected nor skipped
	zs := [2]zeros{{col: "sourcedId"}, {col: "identifier"}}
	phase := "reading " + t.File
	p.prog(Progress{Phase: phase, Counts: p.plan.Counts})
	for {
		err := t.next()
		if err == io.EOF {
			break
		}
		if errors.Is(err, errRowSkipped) {
			p.countError(tbl.Entity)
			if id := t.get("sourcedId"); id != "" {
				k := data.KeyOf(id)
				_, st, _ := seen.visit(r, id, k)
				seen.mark(k, st, t.Line)
				r.reject(k, t.Line)
			}
			continue
		}
		if err != nil {
			return err
		}
		if p.err != nil {
			return p.err
		}
		if t.Rows%20000 == 0 {
			if err := p.ctx.Err(); err != nil {
				return err
			}
			p.prog(Progress{Phase: phase, Done: t.Rows, Counts: p.plan.Counts})
		}
		id := t.get("sourcedId")
		if id == "" {
			p.required(t, "sourcedId")
			p.countError(tbl.Entity)
			continue
		}
		k := data.KeyOf(id) // the maps hold Keys: no string is kept per row
		first, st, exists := seen.visit(r, id, k)
		if first > 0 {
			p.log.errorf("validate", t.File, t.Line, t.colNo("sourcedId"), id, "sourcedId", "sourcedId.duplicate",
				"sourcedId %s appears again (first on line %d); this row is skipped", id, first)
			p.countError(tbl.Entity)
			continue
		}
		seen.mark(k, st, t.Line)
		p.lastModified(t)
		for i := range zs {
			zs[i].see(t)
		}
		gone, ok := p.status(t)
		if !ok {
			r.reject(k, t.Line)
			p.countError(tbl.Entity)
			continue
		}
		if gone {
			// A deletion needs only its sourcedId; delta files often leave the rest blank.
			usable++
			if !exists {
				// Nothing to delete and nothing created: a reference to it has nothing to point at.
				r.set(k, refGone)
				if p.src.Bulk(file) {
					p.log.infof("plan", t.File, t.Line, t.colNo("status"), id, "status", "bulk.tobedeleted",
						"marked tobedeleted in a bulk file: not imported")
				}
				continue
			}
			r.set(k, refOK)
			if p.src.Bulk(file) {
				p.log.infof("plan", t.File, t.Line, t.colNo("status"), id, "status", "bulk.tobedeleted",
					"marked tobedeleted in a bulk file: %s", goneVerb(tbl, st.Active))
			}
			if st.Active {
				p.deactivate(ep, st, Change{Action: ActDeactivate, SourcedID: id, ID: st.ID, Line: int32(t.Line)}, reasonToBeDeleted)
			}
			continue
		}
		res := row(t)
		r.set(k, res.outcome)
		if res.outcome == refRejected {
			r.reject(k, t.Line)
		}
		switch res.outcome {
		case refRejected:
			p.countError(tbl.Entity)
			continue
		case refSkipped:
			continue
		}
		usable++
		if res.outcome == refIgnored {
			// Ignored (its school has no aligned building): a stored record keeps
			// its state; being ignored is never a reason to take it away.
			if tbl == data.Users {
				p.plan.Counts.Users.Ignored++
			}
			continue
		}
		p.decide(ep, id, st, exists, res, t.Line)
	}
	if p.err != nil {
		return p.err
	}
	p.prog(Progress{Phase: phase, Done: t.Rows, Total: t.Rows, Counts: p.plan.Counts})
	for i := range zs {
		zs[i].report(p.log, t)
	}
	p.read(t)
	if t.Rows == 0 && p.src.Collections && ep.Mode == ModeDelta {
		return nil // a REST delta pull with nothing new in this collection
	}
	if t.Rows == 0 || usable == 0 {
		// Nothing in the file is taken away: a reference to a record it lacks
		// is checked against the roster, not reported once per referring row.
		r.keepsAbsent = true
	}
	if t.Rows == 0 {
		p.log.warnf("validate", t.File, 1, 0, "", "", "file.header_only",
			"has a header but no rows (OneRoster says to declare such a file absent); %s", p.would("nothing in it is changed", "a sync would change nothing in it"))
		return nil
	}
	if p.src.Bulk(file) && usable == 0 {
		p.log.warnf("plan", t.File, 0, 0, "", "", "file.no_usable_rows",
			"no row of %s could be used; %s", t.File, p.would("nothing is deactivated or removed for being absent from it", "a sync would deactivate or remove nothing for being absent from it"))
	} else if p.src.Bulk(file) && t.Damaged != "" {
		p.damaged(t)
	} else if p.src.Bulk(file) {
		if tbl == data.Users && !p.e.boolSetting(p.ctx, KeyMarkMissingGone) {
			p.log.infof("plan", t.File, 0, 0, "", "", "users.keep_missing", "users absent from %s are kept active (setting %s is off)", t.File, KeyMarkMissingGone)
		} else {
			if err := p.absent(ep, r.db, "absent from "+t.File); err != nil {
				return err
			}
		}
	}
	p.plan.Entities = append(p.plan.Entities, ep)
	return nil
}

// damaged says why a damaged bulk file takes nothing away in this run.
func (p *planner) damaged(t *table) {
	p.log.warnf("plan", t.File, 0, 0, "", "", "file.damaged",
		"is damaged (%s): its rows were read where they could be, but %s; fix the file and sync again", t.Damaged,
		p.would("nothing absent from it is deactivated or removed in this run", "a sync would deactivate or remove nothing for being absent from it"))
}

// absent plans taking away every active stored record the bulk file did not
// name, in sourcedId order. The state map holds Keys, so their sourcedIds are read back.
func (p *planner) absent(ep *EntityPlan, db *data.StateMap, reason string) error {
	var gone []data.State
	db.Each(func(st data.State) {
		if st.Line == 0 && st.Active && st.ID != 0 {
			gone = append(gone, st)
		}
	})
	if len(gone) == 0 {
		return nil
	}
	ids := make([]int64, len(gone))
	for i, st := range gone {
		ids[i] = st.ID
	}
	names, err := p.e.DB.SourcedIDs(p.ctx, ep.Table, ids)
	if err != nil {
		return err
	}
	sort.Slice(gone, func(i, j int) bool { return names[gone[i].ID] < names[gone[j].ID] })
	for _, st := range gone {
		if id := names[st.ID]; p.plan.pullGaps.has(ep.Table.Entity, id) {
			p.log.warnf("plan", ep.File, 0, 0, id, "", "pull.inconsistent",
				"not in this pull, though this pull's own %s name it: the data changed on the server while it was read, or a page was lost; kept as the roster has it, not %s",
				map[bool]string{true: "enrollments", false: "classes"}[ep.Table != data.Courses], goneVerb(ep.Table, true))
			continue
		}
		p.deactivate(ep, st, Change{Action: ActDeactivate, SourcedID: names[st.ID], ID: st.ID}, reason)
	}
	return nil
}

// decide compares an accepted row with the stored record.
func (p *planner) decide(ep *EntityPlan, id string, st data.State, exists bool, res rowResult, line int) {
	if !exists {
		c := Change{Action: ActAdd, SourcedID: id, Vals: strings.Join(res.parts, Sep), Active: res.active, Line: int32(line)}
		if !res.active {
			c = withReason(c, "new in "+ep.File+", inactive: "+res.reason)
		}
		p.change(ep, c)
		return
	}
	if len(res.keep) > 0 {
		old, err := p.e.DB.Vals(p.ctx, ep.Table, st.ID)
		if err != nil {
			p.err = err
			return
		}
		stored := strings.Split(old, Sep)
		res.parts = append([]string(nil), res.parts...)
		for _, i := range res.keep {
			if i < len(stored) && i < len(res.parts) {
				res.parts[i] = stored[i]
			}
		}
	}
	changed := data.HashParts(res.parts) != st.Hash
	if !changed && st.Active == res.active {
		return // the common case of a resync: nothing to keep
	}
	c := Change{SourcedID: id, ID: st.ID, Line: int32(line), more: &changeMore{}}
	if changed {
		old, err := p.e.DB.Vals(p.ctx, ep.Table, st.ID)
		if err != nil {
			p.err = err
			return
		}
		c.more.old, c.Vals = old, strings.Join(res.parts, Sep)
	}
	switch {
	case st.Active && res.active:
		if !changed {
			return
		}
		c.Action, c.more.reason = ActUpdate, "changed in "+ep.File
	case st.Active && !res.active && st.Protected:
		p.protectedSkip(ep, id, line, res.reason)
		if !changed {
			return
		}
		c.Action, c.more.reason = ActUpdate, "changed in "+ep.File
	case st.Active && !res.active:
		c.Action, c.more.reason = ActDeactivate, res.reason
	case !st.Active && res.active:
		c.Action, c.more.reason = ActReactivate, "back in "+ep.File
	default:
		if !changed {
			return
		}
		c.Action, c.more.reason = ActUpdate, "changed in "+ep.File+" (stays inactive)"
	}
	p.change(ep, c)
}

const reasonToBeDeleted = "status tobedeleted"

// goneVerb says what a tobedeleted row does to a stored record.
func goneVerb(tbl *data.Table, active bool) string {
	verb := "deactivated"
	if tbl != data.Users {
		verb = "removed"
	}
	if !active {
		return "already " + verb
	}
	return verb
}

// deactivate plans taking a record away, unless it is protected.
func (p *planner) deactivate(ep *EntityPlan, st data.State, c Change, reason string) {
	if st.Protected {
		p.protectedSkip(ep, c.SourcedID, int(c.Line), reason)
		return
	}
	p.change(ep, withReason(c, reason))
}

func (p *planner) protectedSkip(ep *EntityPlan, id string, line int, reason string) {
	verb := "deactivated"
	if ep.Table != data.Users {
		verb = "removed"
	}
	p.log.infof("plan", ep.File, line, 0, id, "", "record.protected", "protected (never deactivate): would have been %s (%s); kept", verb, reason)
}

// read notes a file that was read in full.
func (p *planner) read(t *table) {
	p.plan.Rows[t.File] = t.Rows
	hdr := make([]string, 0, len(t.Header))
	for _, h := range t.Header[:t.width] {
		hdr = append(hdr, strings.TrimSpace(h))
	}
	if p.plan.Inputs != nil {
		p.plan.Inputs[t.File] = Input{Rows: t.Rows, Header: hdr, Mode: p.src.Modes[t.Canon]}
	}
}

func (p *planner) change(ep *EntityPlan, c Change) {
	countChange(&p.plan.Counts, ep.Table.Entity, c.Action)
	if c.Action == ActDeactivate && (ep.Table == data.Users || ep.Table == data.Classes) {
		if p.plan.gone == nil {
			p.plan.gone = map[*data.Table][]int64{}
		}
		p.plan.gone[ep.Table] = append(p.plan.gone[ep.Table], c.ID) // for the per-school safeguard
	}
	if p.plan.touched != nil {
		p.plan.touched.add(ep, &c)
	}
	if ep.sampled == nil {
		ep.sampled = map[Action]int{}
	}
	if ep.sampled[c.Action] < SamplesPerAction {
		ep.sampled[c.Action]++
		ep.Samples = append(ep.Samples, c)
	}
	if p.w != nil && p.err == nil {
		p.err = p.w.enqueue(ep, c)
	}
}

func countChange(c *data.Counts, ent data.Entity, a Action) {
	switch ent {
	case data.EntityUser:
		switch a {
		case ActAdd:
			c.Users.Added++
		case ActUpdate:
			c.Users.Updated++
		case ActDeactivate:
			c.Users.Deactivated++
		case ActReactivate:
			c.Users.Reactivated++
		}
	case data.EntityCourse, data.EntityClass, data.EntityAssignment:
		cc := &c.Courses
		if ent == data.EntityClass {
			cc = &c.Classes
		} else if ent == data.EntityAssignment {
			cc = &c.Assignments
		}
		switch a {
		case ActAdd, ActReactivate:
			cc.Added++
		case ActUpdate:
			cc.Updated++
		case ActDeactivate:
			cc.Removed++
		}
	}
}

func (p *planner) countError(ent data.Entity) {
	switch ent {
	case data.EntityUser:
		p.plan.Counts.Users.Errors++
	case data.EntityCourse:
		p.plan.Counts.Courses.Errors++
	case data.EntityClass:
		p.plan.Counts.Classes.Errors++
	case data.EntityAssignment:
		p.plan.Counts.Assignments.Errors++
	}
}

// kept is an accepted row of an active record.
func kept(parts []string) rowResult {
	return rowResult{outcome: refOK, parts: parts, active: true}
}

// grades reads a grades list, mapped through the district's grade matrix.
// A grade the matrix does not name, written as a name ("Second grade") or
// without its leading zero ("9"), becomes its CEDS code with a warning.
func (p *planner) grades(t *table) string {
	gs := p.list(t, "grades")
	for i, g := range gs {
		if l, ok := p.gradeMap[g]; ok {
			gs[i] = l
			continue
		}
		code, ok := cedsGrade(g)
		if !ok || code == g {
			continue
		}
		if l, ok := p.gradeMap[code]; ok {
			gs[i] = l
		} else {
			gs[i] = code
		}
		why := ""
		if isDigits(g) {
			why = " (a leading zero was dropped, as Excel does: the file looks edited in Excel; export it again from the SIS, or set the column's format to Text before saving)"
		}
		p.log.warnOnce(t.File, t.Line, t.colNo("grades"), t.get("sourcedId"), "grades", "grade.ceds",
			fmt.Sprintf("grade %q read as the CEDS code %s%s; if your district means something else by it, say so in Preferences › Grade level matrix", g, code, why))
	}
	return strings.Join(gs, ",")
}

// vals collects a row's values in a buffer the planner reuses row after row.
func (p *planner) vals(v ...string) []string {
	p.buf = append(p.buf[:0], v...)
	for i, x := range p.buf {
		p.buf[i] = clean(x)
	}
	return p.buf
}

var rejected = rowResult{outcome: refRejected}

func (p *planner) sessionRow(t *table) rowResult {
	title, ok1 := p.required(t, "title")
	typ, ok2 := p.enum(t, "type", sessionTypes, true, true)
	start, ok3 := p.date(t, "startDate", true)
	end, ok4 := p.date(t, "endDate", true)
	year, ok5 := p.year(t, "schoolYear")
	if !(ok1 && ok2 && ok3 && ok4 && ok5) {
		return rejected
	}
	return kept(p.vals(title, typ, start, end, t.get("parentSourcedId"), year))
}

func (p *planner) courseRow(t *table) rowResult {
	id := t.get("sourcedId")
	title, ok1 := p.required(t, "title")
	org, ok2 := p.required(t, "orgSourcedId")
	if !(ok1 && ok2) {
		return rejected
	}
	if _, known := p.org(org); !known {
		p.log.errorf("validate", t.File, t.Line, t.colNo("orgSourcedId"), id, "orgSourcedId", "ref.missing",
			"org %s does not exist (not in orgs.csv nor the roster); row skipped", org)
		return rejected
	}
	year := t.get("schoolYearSourcedId")
	var keep []int
	switch r := p.res[data.EntitySession].resolve(year); {
	case year == "" || r == refOK:
	case r == refRejected:
		p.log.warnf("validate", t.File, t.Line, t.colNo("schoolYearSourcedId"), id, "schoolYearSourcedId", "ref.rejected",
			"%s; the course keeps the school year it has", strings.TrimSuffix(p.rejectedRef(data.EntitySession, "academicSessions.csv", "school year", year), "; row skipped"))
		year, keep = "", []int{courseYearPart}
	default:
		p.log.warnf("validate", t.File, t.Line, t.colNo("schoolYearSourcedId"), id, "schoolYearSourcedId", "ref.missing",
			"school year %s does not exist; the course is kept without it", year)
		year = ""
	}
	vals := p.vals(title, t.get("courseCode"), p.grades(t), org, year, strings.Join(p.list(t, "subjects"), ","))
	res := kept(vals)
	res.keep = keep
	return res
}

func (p *planner) classRow(t *table) rowResult {
	id := t.get("sourcedId")
	title, ok1 := p.required(t, "title")
	course, ok2 := p.required(t, "courseSourcedId")
	typ, ok3 := p.enum(t, "classType", classTypes, true, true)
	school, ok4 := p.required(t, "schoolSourcedId")
	if !(ok1 && ok2 && ok3 && ok4) {
		return rejected
	}
	switch p.res[data.EntityCourse].resolve(course) {
	case refOK:
	case refRejected:
		p.log.errorf("validate", t.File, t.Line, t.colNo("courseSourcedId"), id, "courseSourcedId", "ref.rejected",
			"%s", p.rejectedRef(data.EntityCourse, "courses.csv", "course", course))
		return rejected
	case refGone:
		p.log.errorf("validate", t.File, t.Line, t.colNo("courseSourcedId"), id, "courseSourcedId", "ref.tobedeleted",
			"course %s is marked tobedeleted in courses.csv and is not in the roster; row skipped", course)
		return rejected
	default:
		p.log.errorf("validate", t.File, t.Line, t.colNo("courseSourcedId"), id, "courseSourcedId", "ref.missing",
			"%s", p.missingRef(data.EntityCourse, "courses.csv", "course", course))
		return rejected
	}
	typOrg, known := p.org(school)
	if !known {
		p.log.errorf("validate", t.File, t.Line, t.colNo("schoolSourcedId"), id, "schoolSourcedId", "ref.missing",
			"school %s does not exist (not in orgs.csv nor the roster); row skipped", school)
		return rejected
	}
	if typOrg != "school" {
		p.log.errorf("validate", t.File, t.Line, t.colNo("schoolSourcedId"), id, "schoolSourcedId", "ref.not_school",
			"schoolSourcedId %s is a %s, not a school; row skipped", school, typOrg)
		return rejected
	}
	var terms []string
	var keep []int
	for _, term := range p.list(t, "termSourcedIds") {
		if p.res[data.EntitySession].resolve(term) == refRejected {
			// A term whose row was rejected: the class keeps the terms it has.
			p.log.warnf("validate", t.File, t.Line, t.colNo("termSourcedIds"), id, "termSourcedIds", "ref.rejected",
				"%s; the class keeps the terms it has", strings.TrimSuffix(p.rejectedRef(data.EntitySession, "academicSessions.csv", "term", term), "; row skipped"))
			keep = []int{classTermsPart}
			terms = append(terms, term)
			continue
		}
		if p.res[data.EntitySession].resolve(term) == refOK {
			terms = append(terms, term)
		} else {
			p.log.warnf("validate", t.File, t.Line, t.colNo("termSourcedIds"), id, "termSourcedIds", "ref.missing",
				"term %s does not exist; dropped from the class", term)
		}
	}
	if len(terms) == 0 {
		p.log.errorf("validate", t.File, t.Line, t.colNo("termSourcedIds"), id, "termSourcedIds", "ref.missing",
			"the class has no existing term; row skipped")
		return rejected
	}
	vals := p.vals(title, t.get("classCode"), typ, course, school, t.get("location"),
		p.grades(t), strings.Join(p.list(t, "subjects"), ","), strings.Join(p.list(t, "periods"), ","), strings.Join(terms, ","))
	if _, aligned := p.buildings[school]; !aligned {
		p.log.infof("plan", t.File, t.Line, t.colNo("schoolSourcedId"), id, "schoolSourcedId", "school.not_aligned",
			"school %s not aligned to a building; class ignored", school)
		return rowResult{outcome: refIgnored, reason: "school " + school + " not aligned"}
	}
	res := kept(vals)
	res.keep = keep
	return res
}

// The parts of a course's and a class's values that name sessions (see courseRow, classRow).
const (
	courseYearPart = 4
	classTermsPart = 9
)

// roleRow is one accepted row of a 1.2 roles.csv.
type roleRow struct {
	role, roleType, org string
	gone                bool // tobedeleted
}

// rolesFor gives a 1.2 user's role and orgs. A complete (bulk) roles.csv is
// the whole truth; a delta one only changes what the roster already holds.
func (p *planner) rolesFor(t *table, id string, roles map[string][]roleRow) (string, []string, ref) {
	var role string
	var orgs []string
	stored := false
	if !p.src.Bulk("roles") || p.rolesDamaged {
		// A damaged roles.csv may have lost a user's rows: it adds roles and schools, never takes one away.
		if st, ok := p.res[data.EntityUser].state(id); ok {
			stored = true
			if vals, err := p.e.DB.Vals(p.ctx, data.Users, st.ID); err == nil {
				v := strings.Split(vals, Sep)
				role = v[data.Users.Col("role")]
				if o := v[data.Users.Col("org_ids")]; o != "" {
					orgs = strings.Split(o, ",")
				}
			}
		}
	}
	primary := ""
	for _, r := range roles[id] {
		if r.gone {
			orgs = slices.DeleteFunc(orgs, func(o string) bool { return o == r.org })
			continue
		}
		orgs = append(orgs, r.org)
		if primary == "" || r.roleType == "primary" {
			primary = r.role
		}
	}
	if primary != "" {
		role = primary
	}
	if len(roles[id]) == 0 && !stored && !p.src.Bulk("roles") {
		// A delta may carry a user whose roles did not change: most often a
		// guardian, whom the roster never stored. Without a role there is nothing to place.
		p.log.warnOnce(t.File, t.Line, 0, id, "role", "role.unknown",
			"user is not in the roster and this delta has no roles.csv row for them, so their role is unknown; skipped (guardians and parents are never imported)")
		return "", nil, refSkipped
	}
	if role == "" || len(orgs) == 0 {
		p.log.errorf("validate", t.File, t.Line, 0, id, "role", "ref.missing", "user has no row in roles.csv, so no role or school; row skipped")
		return "", nil, refRejected
	}
	return role, orgs, refOK
}

// readRoles reads roles.csv (OneRoster 1.2), which carries users' roles and schools.
func (p *planner) readRoles() (map[string][]roleRow, error) {
	if p.src.Version != "1.2" || !p.src.Present("users") {
		return nil, nil
	}
	if !p.src.Present("roles") {
		if !p.src.Bulk("users") {
			return nil, nil // a delta without role changes: users keep their stored roles
		}
		return nil, srcErr("roles.csv", 0, "is needed with a OneRoster 1.2 users.csv (it holds each user's role and school) but is not in the source")
	}
	t, err := p.src.openTable("roles")
	if err != nil {
		return nil, err
	}
	defer t.Close()
	out := map[string][]roleRow{}
	seen := map[string]int{}
	for {
		err := t.next()
		if err == io.EOF {
			break
		}
		if errors.Is(err, errRowSkipped) {
			p.plan.Counts.Users.Errors++
			continue
		}
		if err != nil {
			return nil, err
		}
		id, ok := p.required(t, "sourcedId")
		if !ok {
			p.plan.Counts.Users.Errors++
			continue
		}
		if first, dup := seen[id]; dup {
			p.log.errorf("validate", t.File, t.Line, t.colNo("sourcedId"), id, "sourcedId", "sourcedId.duplicate",
				"sourcedId %s appears again (first on line %d); this row is skipped", id, first)
			p.plan.Counts.Users.Errors++
			continue
		}
		seen[id] = t.Line
		gone, ok := p.status(t)
		user, ok1 := p.required(t, "userSourcedId")
		rt, ok2 := p.enum(t, "roleType", roleTypes, true, false)
		role, ok3 := p.enum(t, "role", roles12, true, true)
		org, ok4 := p.required(t, "orgSourcedId")
		_, ok5 := p.date(t, "beginDate", false)
		_, ok6 := p.date(t, "endDate", false)
		if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6) {
			p.plan.Counts.Users.Errors++
			continue
		}
		out[user] = append(out[user], roleRow{role: role, roleType: rt, org: org, gone: gone})
	}
	p.read(t)
	if t.Damaged != "" && p.src.Bulk("roles") {
		p.rolesDamaged = true
		p.log.warnf("plan", t.File, 0, 0, "", "", "file.damaged",
			"is damaged (%s): its rows were read where they could be, but %s; fix the file and sync again", t.Damaged,
			p.would("no user loses a role or school for being absent from it in this run", "in a sync no user would lose a role or school for being absent from it"))
	}
	return out, nil
}

func (p *planner) userRow(t *table, roles map[string][]roleRow) rowResult {
	id := t.get("sourcedId")
	enabled, ok1 := p.boolean(t, "enabledUser", true)
	username, ok2 := p.required(t, "username")
	given, ok3 := p.required(t, "givenName")
	family, ok4 := p.required(t, "familyName")
	if !(ok1 && ok2 && ok3 && ok4) {
		return rejected
	}
	var role string
	var orgs []string
	if p.src.Version == "1.2" && p.unusable["roles"] != "" {
		// roles.csv could not be read: the validator checks the rest of the row.
		return kept(p.vals("", username, given, family, t.get("middleName"), t.get("identifier"), t.get("email"), p.grades(t), enabled, ""))
	} else if p.src.Version == "1.2" {
		var out ref
		switch role, orgs, out = p.rolesFor(t, id, roles); out {
		case refRejected:
			return rejected
		case refSkipped:
			p.plan.Counts.Users.Skipped++
			return rowResult{outcome: refSkipped}
		}
	} else {
		var okR bool
		if role, okR = p.enum(t, "role", roles11, true, true); !okR {
			return rejected
		}
		if orgs = p.list(t, "orgSourcedIds"); len(orgs) == 0 {
			p.required(t, "orgSourcedIds")
			return rejected
		}
	}
	if skippedRoles[role] {
		p.plan.Counts.Users.Skipped++
		return rowResult{outcome: refSkipped}
	}
	orgField := "orgSourcedIds"
	if p.src.Version == "1.2" {
		orgField = "orgSourcedId"
	}
	var linked, unaligned, unknown []string
	nonSchool := false
	for _, o := range dedupe(orgs) {
		typ, known := p.org(o)
		switch {
		case !known:
			unknown = append(unknown, o)
		case p.buildings[o] != 0 || p.unusable["orgs"] != "":
			linked = append(linked, o)
		case p.buildings[o] != 0:
			linked = append(linked, o)
		case typ == "school":
			unaligned = append(unaligned, o)
		default:
			nonSchool = true
		}
	}
	col := t.colNo("orgSourcedIds")
	if len(linked) == 0 && len(unaligned) == 0 && !nonSchool {
		p.log.errorf("validate", t.File, t.Line, col, id, orgField, "ref.missing",
			"org %s does not exist (not in orgs.csv nor the roster); row skipped", strings.Join(unknown, ", "))
		return rejected
	}
	if len(unknown) > 0 {
		p.log.warnf("validate", t.File, t.Line, col, id, orgField, "ref.missing", "org %s does not exist; dropped from the user", strings.Join(unknown, ", "))
	}
	if len(linked) == 0 {
		switch {
		case len(unaligned) > 0:
			schools := strings.Join(unaligned, ", ")
			p.log.warnGroup(schools, t.File, t.Line, col, id, orgField, "school.not_aligned",
				fmt.Sprintf("school %s has no aligned building: user ignored (a user already in the roster keeps their state)", p.schoolNames(unaligned)))
			return rowResult{outcome: refIgnored, reason: "school " + schools + " not aligned"}
		case role == "student":
			p.log.infof("plan", t.File, t.Line, col, id, orgField, "school.none", "student belongs to no school; user ignored")
			return rowResult{outcome: refIgnored, reason: "student in no school"}
		}
		// District-level staff are kept without a building.
	}
	sort.Strings(linked)
	p.userRole[data.KeyOf(id)] = internRole(role)
	vals := p.vals(role, username, given, family, t.get("middleName"), t.get("identifier"), t.get("email"),
		p.grades(t), enabled, strings.Join(linked, ","))
	res := kept(vals)
	if enabled == "false" {
		res.active, res.reason = false, "enabledUser=false"
	}
	return res
}

func (p *planner) enrollmentRow(t *table) rowResult {
	id := t.get("sourcedId")
	class, ok1 := p.required(t, "classSourcedId")
	user, ok2 := p.required(t, "userSourcedId")
	school, ok3 := p.required(t, "schoolSourcedId")
	role, ok4 := p.enum(t, "role", enrollRoles, true, true)
	primary, ok5 := p.boolean(t, "primary", false)
	begin, ok6 := p.date(t, "beginDate", false)
	end, ok7 := p.date(t, "endDate", false)
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6 && ok7) {
		return rejected
	}
	switch p.res[data.EntityClass].resolve(class) {
	case refOK:
	case refIgnored:
		return rowResult{outcome: refIgnored, reason: "class " + class + " ignored (school not aligned)"}
	case refRejected:
		p.log.errorf("validate", t.File, t.Line, t.colNo("classSourcedId"), id, "classSourcedId", "ref.rejected",
			"%s", p.rejectedRef(data.EntityClass, "classes.csv", "class", class))
		return rejected
	case refGone:
		p.log.errorf("validate", t.File, t.Line, t.colNo("classSourcedId"), id, "classSourcedId", "ref.tobedeleted",
			"class %s is marked tobedeleted in classes.csv and is not in the roster; row skipped", class)
		return rejected
	default:
		p.log.errorf("validate", t.File, t.Line, t.colNo("classSourcedId"), id, "classSourcedId", "ref.missing",
			"%s", p.missingRef(data.EntityClass, "classes.csv", "class", class))
		return rejected
	}
	switch p.res[data.EntityUser].resolve(user) {
	case refOK:
	case refIgnored:
		return rowResult{outcome: refIgnored, reason: "user " + user + " ignored (school not aligned)"}
	case refSkipped:
		p.log.warnf("validate", t.File, t.Line, t.colNo("userSourcedId"), id, "userSourcedId", "ref.skipped_user",
			"user %s is a guardian or parent, who are not imported; enrollment ignored", user)
		return rowResult{outcome: refSkipped}
	case refRejected:
		p.log.errorf("validate", t.File, t.Line, t.colNo("userSourcedId"), id, "userSourcedId", "ref.rejected",
			"%s", p.rejectedRef(data.EntityUser, "users.csv", "user", user))
		return rejected
	case refGone:
		p.log.errorf("validate", t.File, t.Line, t.colNo("userSourcedId"), id, "userSourcedId", "ref.tobedeleted",
			"user %s is marked tobedeleted in users.csv and is not in the roster; row skipped", user)
		return rejected
	default:
		p.log.errorf("validate", t.File, t.Line, t.colNo("userSourcedId"), id, "userSourcedId", "ref.missing",
			"%s", p.missingRef(data.EntityUser, "users.csv", "user", user))
		return rejected
	}
	if _, known := p.org(school); !known {
		p.log.errorf("validate", t.File, t.Line, t.colNo("schoolSourcedId"), id, "schoolSourcedId", "ref.missing",
			"school %s does not exist (not in orgs.csv nor the roster); row skipped", school)
		return rejected
	}
	if ur, ok := p.userRole[data.KeyOf(user)]; ok && ur == "student" && role == "teacher" {
		p.log.warnOnce(t.File, t.Line, t.colNo("role"), id, "role", "role.mismatch",
			fmt.Sprintf("user %s is a student in users.csv but enrolled as teacher; the enrollment keeps teacher", user))
	}
	p.sameEnrollment(t, id, class, user, role)
	return kept(p.vals(class, user, school, role, primary, begin, end))
}

// sameEnrollment warns of a second enrollment of one user in one class with
// one role. Both are kept: per-term enrollments with their own dates are real.
func (p *planner) sameEnrollment(t *table, id, class, user, role string) {
	if p.enrolled == nil {
		p.enrolled = map[uint64]uint64{}
	}
	var h maphash.Hash
	h.SetSeed(enrollSeed)
	h.WriteString(class)
	h.WriteByte(0)
	h.WriteString(user)
	h.WriteByte(0)
	h.WriteString(role)
	k := h.Sum64()
	if at, dup := p.enrolled[k]; dup {
		off, n := at>>16, at&0xffff
		first := string(p.enrolledIDs[off : off+n])
		p.log.warnf("validate", t.File, t.Line, t.colNo("sourcedId"), id, "sourcedId", "enrollment.duplicate",
			"enrollments %s and %s both enroll user %s in class %s as %s; both are kept (the class lists the person once)", first, id, user, class, role)
		return
	}
	if len(id) <= 0xffff {
		p.enrolled[k] = uint64(len(p.enrolledIDs))<<16 | uint64(len(id))
		p.enrolledIDs = append(p.enrolledIDs, id...)
	}
}

var enrollSeed = maphash.MakeSeed()

// internRole returns role as a constant string where it is one of OneRoster's:
// the planner keeps a role per user, and a substring of the CSV line would
// keep the whole line alive.
func internRole(role string) string {
	for _, r := range internedRoles {
		if r == role {
			return r
		}
	}
	return strings.Clone(role)
}

var internedRoles = []string{"student", "teacher", "administrator", "aide", "proctor", "guardian", "parent", "relative"}

func dedupe(xs []string) []string {
	seen := map[string]bool{}
	out := xs[:0:0]
	for _, x := range xs {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}
