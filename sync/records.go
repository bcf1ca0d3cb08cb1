package sync

import (
	"context"
	"strings"

	"rosterdesk"
	"rosterdesk/data"
)

// A held run and a preview list every record they would touch, with names,
// so the admin approves having seen who a change reaches. The list is kept
// in the roster file (data.planned_records), never in the log: the log holds
// no student details beyond sourcedIds.

// ListCap is how many records a plan lists at most; past it the list says
// it shows the first ListCap of the plan's changes.
const ListCap = 100_000

// touched collects a plan's records as they are planned.
type touched struct {
	list  []rosterdesk.PlannedRecord
	total int // every change, listed or not
}

func (t *touched) add(ep *EntityPlan, c *Change) {
	t.total++
	if len(t.list) >= ListCap {
		return
	}
	r := rosterdesk.PlannedRecord{Entity: ep.Table.Entity, Action: actionWord(ep.Table, c.Action), SourcedID: strings.Clone(c.SourcedID),
		Line: int(c.Line), Reason: strings.Clone(ep.Reason(c))}
	if c.Action == ActAdd && c.Vals != "" {
		// Not in the roster yet: its names come from the input.
		v := strings.Split(c.Vals, data.Sep)
		get := func(col string) string {
			if i := ep.Table.Col(col); i >= 0 && i < len(v) {
				return strings.Clone(v[i])
			}
			return ""
		}
		first := func(s string) string { s, _, _ = strings.Cut(s, ","); return s }
		switch ep.Table {
		case data.Users:
			r.Name = strings.TrimSpace(get("given_name") + " " + get("family_name"))
			r.Role, r.SchoolRef = get("role"), first(get("org_ids"))
		case data.Classes:
			r.Name, r.CourseRef, r.SchoolRef = get("title"), get("course_sourced_id"), get("school_sourced_id")
		case data.Courses:
			r.Name, r.SchoolRef = get("title"), get("org_sourced_id")
		case data.Sessions:
			r.Name = get("title")
		case data.Assignments:
			r.UserRef, r.ClassRef, r.Role, r.SchoolRef = get("user_sourced_id"), get("class_sourced_id"), get("role"), get("school_sourced_id")
		}
	}
	t.list = append(t.list, r)
}

// actionWord is a change as the admin reads it: courses, classes and
// assignments are removed, users and buildings deactivated.
func actionWord(t *data.Table, a Action) string {
	if a == ActDeactivate && t != data.Users {
		return "remove"
	}
	return a.String()
}

// records is the plan's full list, named: its buildings, then every other record.
func (p *Plan) records(ctx context.Context, db *data.DB) ([]rosterdesk.PlannedRecord, error) {
	if p.named != nil {
		return p.named, nil
	}
	var out []rosterdesk.PlannedRecord
	for _, b := range p.Buildings {
		out = append(out, rosterdesk.PlannedRecord{Entity: rosterdesk.EntityBuilding, Action: b.Action.String(), SourcedID: b.SISID, Line: b.Line,
			Reason: b.Reason, Name: b.Name})
	}
	if p.touched != nil {
		out = append(out, p.touched.list...)
	}
	if err := db.NamePlanned(ctx, out); err != nil {
		return nil, err
	}
	p.named = out
	return out, nil
}

// RunRecords returns a page of the records a held run (or a dry run) would
// touch, with names from the roster or its held input. A run that is no
// longer held keeps no list: its changes are in RunChanges.
func (e *Engine) RunRecords(ctx context.Context, runID int64, q rosterdesk.PlannedQuery) (rosterdesk.RecordPage, error) {
	recs, total, err := e.db.Planned(ctx, runID, q)
	if err != nil {
		return rosterdesk.RecordPage{}, err
	}
	_, all, err := e.db.Planned(ctx, runID, rosterdesk.PlannedQuery{Limit: 1})
	if err != nil {
		return rosterdesk.RecordPage{}, err
	}
	page := rosterdesk.RecordPage{Records: recs, Total: total, Listed: all, Changes: all}
	if r, err := e.db.Run(ctx, runID); err == nil {
		if n := r.Counts.Changes(); n > all {
			page.Changes = n
		}
	}
	return page, nil
}

// Records returns a page of the records this previewed plan would touch,
// named from the roster and the input. A preview's list stays in memory: a
// preview writes nothing.
func (e *Engine) Records(ctx context.Context, plan *Plan, q rosterdesk.PlannedQuery) (rosterdesk.RecordPage, error) {
	plan.mu.Lock()
	list, err := plan.records(ctx, e.db)
	plan.mu.Unlock()
	if err != nil {
		return rosterdesk.RecordPage{}, err
	}
	recs, total := data.FilterPlanned(list, q)
	listed, changes := len(plan.Buildings), len(plan.Buildings)
	if plan.touched != nil {
		listed += len(plan.touched.list)
		changes += plan.touched.total
	}
	return rosterdesk.RecordPage{Records: recs, Total: total, Listed: listed, Changes: changes}, nil
}
