package sync

import (
	"slices"
	"sort"
	"strings"
	"time"

	"rosterdesk"
	"rosterdesk/data"
)

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
		st, ok, err := p.e.db.StateOf(p.ctx, tbl, id)
		if err != nil && p.err == nil {
			p.err = err
		}
		return st, ok
	}}
	r.gaps = p.plan.pullGaps[tbl.Entity]
	r.keepsAbsent = tbl == data.Users && p.keepGone
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
	p.readAhead(t, tbl, r)
	seen := newSeenSet(r.db)
	usable := 0 // rows kept or ignored: neither rejected nor skipped
	zs := [2]zeros{{col: "sourcedId"}, {col: "identifier"}}
	phase := "reading " + t.File
	p.prog(Progress{Phase: phase, Counts: p.plan.Counts})
	for readable, err := range t.rows() {
		if err != nil {
			return err
		}
		if !readable {
			p.countError(tbl.Entity)
			if id := t.get("sourcedId"); id != "" {
				k := data.KeyOf(id)
				_, st, _ := seen.visit(r, id, k)
				seen.mark(k, st, t.Line)
				r.reject(k, t.Line)
			}
			continue
		}
		if p.err != nil {
			return p.err
		}
		if t.Rows == reserveAt {
			if n := t.expectedRows(); n > 0 {
				seen.reserve(n)
				if tbl == data.Assignments {
					p.enrolled.Reserve(n)
					// The first sourcedIds too: growing them late would hold the old and the new copy at once.
					p.enrolledIDs.grow(n)
				}
			}
		}
		if t.Rows%20000 == 0 {
			if err := p.ctx.Err(); err != nil {
				return err
			}
			p.prog(Progress{Phase: phase, Done: t.Rows, Counts: p.plan.Counts})
		}
		id := t.get("sourcedId")
		if id == "" {
			t.required("sourcedId")
			p.countError(tbl.Entity)
			continue
		}
		k := t.keyOf(0, id) // the maps hold Keys: no string is kept per row
		first, st, exists := seen.visit(r, id, k)
		if first > 0 {
			t.reject("sourcedId", "sourcedId.duplicate",
				"sourcedId %s appears again (first on line %d); this row is skipped", id, first)
			p.countError(tbl.Entity)
			continue
		}
		seen.mark(k, st, t.Line)
		t.lastModified()
		for i := range zs {
			zs[i].see(t)
		}
		gone, ok := t.status()
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
					t.note("status", "bulk.tobedeleted",
						"marked tobedeleted in a bulk file: not imported")
				}
				continue
			}
			r.set(k, refOK)
			if p.src.Bulk(file) {
				t.note("status", "bulk.tobedeleted",
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
	if r.db != nil {
		p.stateRecords += r.db.Len() // stored records and the file's new ones
	}
	p.prog(Progress{Phase: phase, Done: t.Rows, Total: t.Rows, Counts: p.plan.Counts})
	for i := range zs {
		zs[i].report(p.log, t)
	}
	p.read(t)
	if t.Rows == 0 && p.src.Collections && ep.Mode == rosterdesk.ModeDelta {
		return nil // a REST delta pull with nothing new in this collection
	}
	if t.Rows == 0 || usable == 0 {
		// Nothing in the file is taken away: a reference to a record it lacks
		// is checked against the roster, not reported once per referring row.
		r.keepsAbsent = true
	}
	if t.Rows == 0 {
		p.log.warnf(rosterdesk.LogEntry{Phase: "validate", File: t.File, Line: 1, Rule: "file.header_only"},
			"has a header but no rows (OneRoster says to declare such a file absent); %s", p.would("nothing in it is changed", "a sync would change nothing in it"))
		return nil
	}
	if p.src.Bulk(file) && usable == 0 {
		p.log.warnf(rosterdesk.LogEntry{Phase: "plan", File: t.File, Rule: "file.no_usable_rows"},
			"no row of %s could be used; %s", t.File, p.would("nothing is deactivated or removed for being absent from it", "a sync would deactivate or remove nothing for being absent from it"))
	} else if p.src.Bulk(file) && t.Damaged != "" {
		p.damaged(t)
	} else if p.src.Bulk(file) {
		if tbl == data.Users && p.keepGone {
			p.log.infof(rosterdesk.LogEntry{Phase: "plan", File: t.File, Rule: "users.keep_missing"}, "users absent from %s are kept active (setting %s is off)", t.File, KeyMarkMissingGone)
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
	p.log.warnf(rosterdesk.LogEntry{Phase: "plan", File: t.File, Rule: "file.damaged"},
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
	names, err := p.e.db.SourcedIDs(p.ctx, ep.Table, ids)
	if err != nil {
		return err
	}
	sort.Slice(gone, func(i, j int) bool { return names[gone[i].ID] < names[gone[j].ID] })
	for _, st := range gone {
		if id := names[st.ID]; p.plan.pullGaps.has(ep.Table.Entity, id) {
			p.log.warnf(rosterdesk.LogEntry{Phase: "plan", File: ep.File, SourcedID: id, Rule: "pull.inconsistent"},
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
		old, err := p.e.db.Vals(p.ctx, ep.Table, st.ID)
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
		old, err := p.e.db.Vals(p.ctx, ep.Table, st.ID)
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
	p.log.infof(rosterdesk.LogEntry{Phase: "plan", File: ep.File, Line: line, SourcedID: id, Rule: "record.protected"}, "protected (never deactivate): would have been %s (%s); kept", verb, reason)
}

// read notes a file that was read in full.
func (p *planner) read(t *table) {
	p.plan.Rows[t.File] = t.Rows
	hdr := make([]string, 0, len(t.Header))
	for _, h := range t.Header[:t.width] {
		hdr = append(hdr, strings.TrimSpace(h))
	}
	if p.plan.Inputs != nil {
		p.plan.Inputs[t.File] = rosterdesk.Input{Rows: t.Rows, Header: hdr, Mode: p.src.Modes[t.Canon]}
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

func countChange(c *rosterdesk.Counts, ent rosterdesk.Entity, a Action) {
	switch ent {
	case rosterdesk.EntityUser:
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
	case rosterdesk.EntityCourse, rosterdesk.EntityClass, rosterdesk.EntityAssignment:
		cc := &c.Courses
		if ent == rosterdesk.EntityClass {
			cc = &c.Classes
		} else if ent == rosterdesk.EntityAssignment {
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

func (p *planner) countError(ent rosterdesk.Entity) {
	switch ent {
	case rosterdesk.EntityUser:
		p.plan.Counts.Users.Errors++
	case rosterdesk.EntityCourse:
		p.plan.Counts.Courses.Errors++
	case rosterdesk.EntityClass:
		p.plan.Counts.Classes.Errors++
	case rosterdesk.EntityAssignment:
		p.plan.Counts.Assignments.Errors++
	}
}
