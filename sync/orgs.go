package sync

import (
	"iter"
	"strings"

	"rosterdesk"
)

// orgRow is an org as other files refer to it, read leniently from orgs.csv.
type orgRow struct {
	id, name string
	typ      string // as the vocabulary spells it; "" when not an org type
	gone     bool   // marked tobedeleted
}

// orgRows reads orgs.csv for what other files refer to. Beyond what reading
// a table reports, it checks nothing: a building sync validates orgs.csv.
func (s *Source) orgRows() iter.Seq2[orgRow, error] {
	return func(yield func(orgRow, error) bool) {
		t, err := s.openTable("orgs")
		if err != nil {
			yield(orgRow{}, err)
			return
		}
		defer t.Close()
		for readable, err := range t.rows() {
			if err != nil {
				yield(orgRow{}, err)
				return
			}
			if !readable {
				continue
			}
			typ, _, _ := orgTypes.lookup(t.get("type"))
			o := orgRow{id: t.get("sourcedId"), name: t.get("name"), typ: typ, gone: strings.EqualFold(t.get("status"), "tobedeleted")}
			if !yield(o, nil) {
				return
			}
		}
	}
}

// rosterOrgs starts the orgs the run can refer to with the roster's (read
// once per run), their types and, for messages, their names.
func (p *planner) rosterOrgs() (map[string]rosterdesk.Org, error) {
	if p.stored != nil {
		return p.stored, nil
	}
	stored, err := p.e.db.Orgs(p.ctx)
	if err != nil {
		return nil, err
	}
	p.stored = stored
	p.orgs = make(map[string]string, len(stored))
	p.orgNames = make(map[string]string, len(stored))
	for id, o := range stored {
		p.orgs[id] = o.Type
		p.orgNames[id] = o.Name
	}
	return stored, nil
}

// loadOrgs learns every org the run can refer to (the roster's, plus orgs.csv's)
// and the aligned buildings users are linked to.
func (p *planner) loadOrgs() error {
	if _, err := p.rosterOrgs(); err != nil {
		return err
	}
	if p.plan.Scope != rosterdesk.ScopeBuildings && p.src.Present("orgs") {
		// Only the types matter here; orgs.csv itself is validated by a building sync.
		for o, err := range p.src.orgRows() {
			if err != nil {
				return err
			}
			if o.typ != "" && o.id != "" {
				p.orgs[o.id] = o.typ
				if o.name != "" {
					p.orgNames[o.id] = o.name
				}
			}
		}
	}
	var err error
	if p.buildings, err = p.e.db.AlignedBuildings(p.ctx); err != nil {
		return err
	}
	p.plan.buildingIDs = p.buildings
	return nil
}
