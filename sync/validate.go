package sync

import (
	"context"

	"rosterdesk/data"
)

// Report is what `validate` finds in a source, without touching the roster.
type Report struct {
	Source   *Source         `json:"source"`
	Rows     map[string]int  `json:"rows"`
	Usable   bool            `json:"usable"`
	Message  string          `json:"message,omitempty"`
	Errors   int             `json:"errors"`
	Warnings int             `json:"warnings"`
	Log      []data.LogEntry `json:"log"`
}

// Validate reads and checks every file of a source the engine uses (orgs,
// sessions, courses, classes, users, roles, enrollments) as if every school
// were aligned. It writes nothing and needs no credited admin.
func (e *Engine) Validate(ctx context.Context, source string) (*Report, error) {
	plan := &Plan{Scope: ScopeUsersCourses, log: newRunLog(), Rows: map[string]int{}, Inputs: map[string]Input{}, active: map[string]int{}}
	rep := &Report{Rows: plan.Rows}
	src, err := openSource(source, e.Limits, plan.log)
	if err == nil {
		defer src.Close()
		rep.Source = src
		plan.Source = src
		p := &planner{e: e, ctx: ctx, src: src, log: plan.log, plan: plan, prog: func(Progress) {}, res: map[data.Entity]*resolver{}, userRole: map[data.Key]string{}}
		err = p.validateAll()
	}
	plan.log.finish()
	if err != nil {
		if !IsSourceError(err) {
			return nil, err
		}
		se := err.(*SourceError)
		plan.log.errorf("open", baseName(se.File), se.Line, 0, "", "", "source.unusable", "%s", se.Message)
		rep.Message = err.Error()
	} else {
		rep.Usable = true
	}
	rep.Errors, rep.Warnings, rep.Log = plan.log.errors, plan.log.warnings, plan.log.entries
	return rep, err
}

func (p *planner) validateAll() error {
	dbOrgs, err := p.e.DB.Orgs(p.ctx)
	if err != nil {
		return err
	}
	p.orgs = map[string]string{}
	for id, o := range dbOrgs {
		p.orgs[id] = o.Type
	}
	if p.src.Present("orgs") {
		if err := p.planBuildings(); err != nil {
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
	return p.planEntities(true)
}
