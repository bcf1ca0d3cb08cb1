package sync

import (
	"context"
	"errors"
	"strings"

	"rosterdesk/data"
)

// Options choose what a run does.
type Options struct {
	Scope    Scope // "" takes the sync.process setting
	DryRun   bool  // stop after the plan; record only the run and its log
	Trigger  Trigger
	Progress func(Progress)
}

// applyHook lets the kill test stop a child process in the middle of apply.
var applyHook func(done int)

// Sync runs read → validate → plan → apply for one source and records the run.
// The returned error is a *RefusedError (nothing written), a *SourceError (the
// run is recorded as failed, the roster untouched) or a failure to write.
func (e *Engine) Sync(ctx context.Context, source string, opt Options) (*Result, error) {
	plan, err := e.PlanRun(ctx, source, opt)
	if err != nil {
		var refused *RefusedError
		if errors.As(err, &refused) {
			return &Result{Status: StatusRefused, Scope: opt.Scope, Trigger: opt.Trigger, Message: refused.Reason}, err
		}
		if plan == nil {
			return nil, err
		}
		return e.recordFailed(ctx, plan, source, err)
	}
	if plan.DryRun {
		return e.record(ctx, plan, StatusDryRun, "")
	}
	return e.Apply(ctx, plan)
}

// recordFailed records a run whose source could not be used; the roster is not touched.
func (e *Engine) recordFailed(ctx context.Context, plan *Plan, source string, cause error) (*Result, error) {
	if ctx.Err() != nil {
		return nil, cause // cancelled: nothing is recorded
	}
	var se *SourceError
	if errors.As(cause, &se) {
		plan.log.errorf("open", baseName(se.File), se.Line, 0, "", "", "source.unusable", "%s", se.Message)
	} else {
		plan.log.errorf("open", "", 0, 0, "", "", "source.unusable", "%v", cause)
	}
	if plan.Source == nil {
		plan.Source = &Source{Path: source}
	}
	res, err := e.record(ctx, plan, StatusFailed, cause.Error())
	if err != nil {
		return nil, err
	}
	return res, cause
}

func baseName(p string) string {
	if i := strings.LastIndexAny(p, `/\`); i >= 0 {
		return p[i+1:]
	}
	return p
}

// record writes a run that changes nothing (dry run or failed) with its log.
func (e *Engine) record(ctx context.Context, plan *Plan, status, message string) (*Result, error) {
	tx, err := e.DB.Begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	run := e.runFor(plan, status, message, tx)
	if run.ID, err = tx.InsertRun(run); err != nil {
		return nil, err
	}
	if err := tx.AddLog(run.ID, plan.log.entries); err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	return e.result(run, plan), nil
}

func (e *Engine) runFor(plan *Plan, status, message string, tx *data.Tx) *data.Run {
	src := ""
	if plan.Source != nil {
		src = plan.Source.Path
	}
	return &data.Run{Scope: string(plan.Scope), Trigger: string(plan.Trigger), Status: status, Source: src,
		StartedAt: data.FormatTime(plan.StartedAt), FinishedAt: data.FormatTime(tx.Now()),
		Errors: plan.log.errors, Warnings: plan.log.warnings, Counts: plan.Counts, Message: message, AdminID: plan.Admin.ID}
}

func (e *Engine) result(run *data.Run, plan *Plan) *Result {
	r := FromRun(*run)
	r.Log = plan.log.entries
	return &r
}

// Apply writes a plan in one transaction: every change, its audit, the run and
// its log. Any error or cancellation rolls everything back.
func (e *Engine) Apply(ctx context.Context, plan *Plan) (*Result, error) {
	tx, err := e.DB.Begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	run := e.runFor(plan, StatusApplied, "", tx)
	if run.ID, err = tx.InsertRun(run); err != nil {
		return nil, err
	}
	w := &writer{tx: tx, plan: plan, runID: run.ID, admin: plan.Admin.ID, ctx: ctx}
	if err := w.buildings(); err != nil {
		return nil, err
	}
	total := 0
	for _, ep := range plan.Entities {
		total += len(ep.Changes)
	}
	w.total = total
	for _, ep := range plan.Entities {
		if err := w.entity(ep, plan.progress()); err != nil {
			return nil, err
		}
	}
	if err := tx.AddLog(run.ID, plan.log.entries); err != nil {
		return nil, err
	}
	run.FinishedAt = data.FormatTime(e.DB.Now())
	if err := tx.FinishRun(run); err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	e.Log.Info().Int64("run_id", run.ID).Str("scope", run.Scope).Int("errors", run.Errors).Msg("run applied")
	return e.result(run, plan), nil
}

func (p *Plan) progress() func(Progress) {
	if p.prog == nil {
		return func(Progress) {}
	}
	return p.prog
}

type writer struct {
	tx    *data.Tx
	plan  *Plan
	runID int64
	admin int64
	ctx   context.Context
	done  int
	total int
}

func (w *writer) audit(ent data.Entity, id string, action Action, field string, old, nw *string, reason string) error {
	return w.tx.AddAudit(data.Audit{RunID: w.runID, Entity: ent, SourcedID: id, Action: action.String(), Field: field, Old: old, New: nw, Reason: reason, AdminID: w.admin})
}

func strp(s string) *string { return &s }

func (w *writer) buildings() error {
	for _, c := range w.plan.Buildings {
		switch c.Action {
		case ActAdd:
			id, err := w.tx.InsertBuilding(c.Name, c.SISID, w.runID)
			if err != nil {
				return err
			}
			w.plan.buildingIDs[c.SISID] = id
			continue
		case ActDeactivate:
			if err := w.tx.UpdateBuilding(c.BuildingID, c.Name, c.Aligned, false); err != nil {
				return err
			}
			if err := w.audit(data.EntityBuilding, c.SISID, c.Action, "active", strp("true"), strp("false"), c.Reason); err != nil {
				return err
			}
			continue
		}
		if err := w.tx.UpdateBuilding(c.BuildingID, c.Name, true, true); err != nil {
			return err
		}
		if c.Action == ActReactivate {
			if err := w.audit(data.EntityBuilding, c.SISID, c.Action, "active", strp("false"), strp("true"), c.Reason); err != nil {
				return err
			}
		}
		if !c.Aligned {
			if err := w.audit(data.EntityBuilding, c.SISID, c.Action, "aligned", strp("false"), strp("true"), c.Reason); err != nil {
				return err
			}
		}
		if c.OldName != c.Name {
			if err := w.audit(data.EntityBuilding, c.SISID, c.Action, "name", strp(c.OldName), strp(c.Name), c.Reason); err != nil {
				return err
			}
		}
	}
	for _, o := range w.plan.Orgs {
		if err := w.tx.PutOrg(o); err != nil {
			return err
		}
	}
	for _, id := range w.plan.OrgsGone {
		if err := w.tx.SetOrgActive(id, false); err != nil {
			return err
		}
	}
	return nil
}

func (w *writer) entity(ep *EntityPlan, prog func(Progress)) error {
	t := ep.Table
	orgCol := -1
	if t == data.Users {
		orgCol = t.Col("org_ids")
	}
	for i := range ep.Changes {
		c := &ep.Changes[i]
		w.done++
		if w.done%5000 == 0 {
			if err := w.ctx.Err(); err != nil {
				return err
			}
			prog(Progress{Phase: "applying", Done: w.done, Total: w.total})
		}
		if applyHook != nil {
			applyHook(w.done)
		}
		id := c.ID
		var err error
		switch c.Action {
		case ActAdd:
			// An add is recorded on the record itself (created_run), not in the audit.
			if id, err = w.tx.Insert(t, c.SourcedID, c.Vals, c.Active, w.runID); err != nil {
				return err
			}
		default:
			if c.Vals != "" {
				if err := w.tx.Update(t, id, c.Vals); err != nil {
					return err
				}
				if err := w.fieldAudits(t, c, ep.Reason(c)); err != nil {
					return err
				}
			}
			if c.Action == ActDeactivate || c.Action == ActReactivate {
				active := c.Action == ActReactivate
				if err := w.tx.SetActive(t, id, active); err != nil {
					return err
				}
				old, nw := "true", "false"
				if active {
					old, nw = nw, old
				}
				if err := w.audit(t.Entity, c.SourcedID, c.Action, "active", &old, &nw, ep.Reason(c)); err != nil {
					return err
				}
			}
		}
		if orgCol >= 0 && c.Vals != "" {
			if err := w.tx.SetUserBuildings(id, w.buildingIDs(strings.Split(c.Vals, Sep)[orgCol])); err != nil {
				return err
			}
		}
	}
	return nil
}

func (w *writer) fieldAudits(t *data.Table, c *Change, reason string) error {
	nv := strings.Split(c.Vals, Sep)
	ov := strings.Split(c.Old(), Sep)
	for i, col := range t.Cols {
		if i < len(ov) && i < len(nv) && ov[i] != nv[i] {
			if err := w.audit(t.Entity, c.SourcedID, c.Action, col, &ov[i], &nv[i], reason); err != nil {
				return err
			}
		}
	}
	return nil
}

func (w *writer) buildingIDs(orgs string) []int64 {
	if orgs == "" {
		return nil
	}
	var ids []int64
	for _, o := range strings.Split(orgs, ",") {
		if id := w.plan.buildingIDs[o]; id != 0 {
			ids = append(ids, id)
		}
	}
	return ids
}
