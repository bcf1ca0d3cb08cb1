package sync

import (
	"sort"
	"strings"

	"rosterdesk"
)

// planBuildings aligns OneRoster schools with buildings by building SIS id =
// school sourcedId: matched buildings are updated, unmatched schools added,
// and every org (the district among them) is recorded.
func (p *planner) planBuildings() error {
	t, err := p.src.openTable("orgs")
	if err != nil {
		return err
	}
	defer t.Close()
	existing, err := p.e.db.Buildings(p.ctx)
	if err != nil {
		return err
	}
	bySIS := map[string]rosterdesk.Building{}
	for _, b := range existing {
		if b.SISID != "" {
			bySIS[b.SISID] = b
		}
	}
	dbOrgs, err := p.rosterOrgs()
	if err != nil {
		return err
	}
	seen := map[string]int{}
	parents := map[string][2]any{} // org → {parent, line}
	for readable, err := range t.rows() {
		if err != nil {
			return err
		}
		if !readable {
			if id := t.get("sourcedId"); id != "" {
				seen[id] = t.Line
			}
			continue
		}
		id, ok := t.required("sourcedId")
		if !ok {
			continue
		}
		if first, dup := seen[id]; dup {
			t.reject("sourcedId", "sourcedId.duplicate",
				"sourcedId %s appears again (first on line %d); this row is skipped", id, first)
			continue
		}
		seen[id] = t.Line
		t.lastModified()
		gone, ok := t.status()
		if !ok {
			continue
		}
		if gone {
			// A deletion needs only its sourcedId.
			if b, matched := bySIS[id]; matched && b.Active && b.Protected {
				t.note("", "record.protected", "building %q is protected (never deactivate): would have been deactivated (%s); kept", b.Name, reasonToBeDeleted)
			} else if matched && b.Active {
				p.building(BuildingChange{Action: ActDeactivate, BuildingID: b.ID, SISID: id, Name: b.Name, OldName: b.Name, Aligned: b.Aligned, Reason: reasonToBeDeleted, Line: t.Line})
			}
			if o, ok := dbOrgs[id]; ok && o.Active {
				p.plan.OrgsGone = append(p.plan.OrgsGone, id)
			}
			continue
		}
		name, ok1 := t.required("name")
		typ, ok2 := t.enum("type", orgTypes)
		if !(ok1 && ok2) {
			continue
		}
		org := rosterdesk.Org{SourcedID: id, Name: name, Type: typ, Identifier: t.get("identifier"), Parent: t.get("parentSourcedId"), Active: true}
		if org.Parent != "" {
			parents[id] = [2]any{org.Parent, t.Line}
		}
		p.plan.Orgs = append(p.plan.Orgs, org)
		if typ == "district" {
			t.note("", "district.recorded", "district %q recorded", name)
		}
		if typ != "school" {
			continue
		}
		b, matched := bySIS[id]
		switch {
		case !matched:
			p.building(BuildingChange{Action: ActAdd, SISID: id, Name: name, Reason: "new school in " + t.File, Line: t.Line})
		case !b.Active:
			p.building(BuildingChange{Action: ActReactivate, BuildingID: b.ID, SISID: id, Name: name, OldName: b.Name, Aligned: b.Aligned, Reason: "back in " + t.File, Line: t.Line})
		case b.Name != name || !b.Aligned:
			reason := "changed in " + t.File
			if !b.Aligned {
				reason = "local building matched to school " + id + " by SIS id"
			}
			p.building(BuildingChange{Action: ActUpdate, BuildingID: b.ID, SISID: id, Name: name, OldName: b.Name, Aligned: b.Aligned, Reason: reason, Line: t.Line})
		}
	}
	known := map[string]bool{}
	for _, o := range p.plan.Orgs {
		known[o.SourcedID] = true
	}
	for id, pl := range parents {
		parent := pl[0].(string)
		if _, inDB := dbOrgs[parent]; !known[parent] && !inDB {
			p.log.warnf(rosterdesk.LogEntry{Phase: "validate", File: t.File, Line: pl[1].(int), Column: t.colNo("parentSourcedId"), SourcedID: id, Field: "parentSourcedId", Rule: "ref.missing"},
				"parent org %s does not exist; kept as given", parent)
		}
	}
	p.read(t)
	if t.Rows == 0 && p.src.Collections && !p.src.Bulk("orgs") {
		return nil // a REST delta pull in which no org changed
	}
	if t.Rows == 0 {
		p.log.warnf(rosterdesk.LogEntry{Phase: "validate", File: t.File, Line: 1, Rule: "file.header_only"}, "has a header but no rows; %s", p.would("nothing in it is changed", "a sync would change nothing in it"))
		return nil
	}
	if p.src.Bulk("orgs") && t.Damaged != "" {
		p.damaged(t)
	} else if p.src.Bulk("orgs") {
		var gone []rosterdesk.Building
		for _, b := range existing {
			if _, ok := seen[b.SISID]; !ok && b.Active && b.Aligned {
				gone = append(gone, b)
			}
		}
		sort.Slice(gone, func(i, j int) bool { return gone[i].SISID < gone[j].SISID })
		for _, b := range gone {
			if b.Protected {
				p.log.infof(rosterdesk.LogEntry{Phase: "plan", File: t.File, SourcedID: b.SISID, Rule: "record.protected"}, "building %q is protected (never deactivate): would have been deactivated (absent from %s); kept", b.Name, t.File)
				continue
			}
			p.building(BuildingChange{Action: ActDeactivate, BuildingID: b.ID, SISID: b.SISID, Name: b.Name, OldName: b.Name, Aligned: true, Reason: "absent from " + t.File})
		}
		for id, o := range dbOrgs {
			if _, ok := seen[id]; !ok && o.Active {
				p.plan.OrgsGone = append(p.plan.OrgsGone, id)
			}
		}
		sort.Strings(p.plan.OrgsGone)
	}
	return nil
}

func (p *planner) building(c BuildingChange) {
	p.plan.Buildings = append(p.plan.Buildings, c)
	switch c.Action {
	case ActAdd:
		p.plan.Counts.Buildings.Added++
	case ActUpdate, ActReactivate:
		p.plan.Counts.Buildings.Updated++
	case ActDeactivate:
		p.plan.Counts.Buildings.Deactivated++
	}
}

// stepBuildings brings buildings in step with orgs.csv at the start of a
// routine sync (OneRoster enabled): the changes are written at once, so the
// users planned next are linked to new and renamed buildings, and users of a
// deactivated building's school are ignored rather than relinked.
func (p *planner) stepBuildings() error {
	if err := p.planBuildings(); err != nil {
		return err
	}
	if p.w != nil {
		// The writer's goroutine is idle: nothing is queued before users are planned.
		if err := p.w.buildings(); err != nil {
			return err
		}
	}
	for _, c := range p.plan.Buildings {
		verb := map[Action]string{ActAdd: "added", ActUpdate: "updated", ActReactivate: "reactivated", ActDeactivate: "deactivated"}[c.Action]
		p.log.infof(rosterdesk.LogEntry{Phase: "plan", File: "orgs.csv", Line: c.Line, SourcedID: c.SISID, Rule: "building.changed"}, "building %q %s (%s)", c.Name, verb, c.Reason)
		switch c.Action {
		case ActAdd:
			if p.buildings[c.SISID] == 0 {
				p.buildings[c.SISID] = -1 // a plan only: linked once applied
			}
		case ActUpdate, ActReactivate:
			p.buildings[c.SISID] = c.BuildingID
		case ActDeactivate:
			delete(p.buildings, c.SISID)
		}
	}
	for _, o := range p.plan.Orgs {
		p.orgNames[o.SourcedID] = o.Name
	}
	if n := len(p.plan.Buildings); n > 0 {
		k := p.plan.Counts.Buildings
		p.log.infof(rosterdesk.LogEntry{Phase: "plan", File: "orgs.csv", Rule: "buildings.stepped"},
			"buildings brought in step with orgs.csv (OneRoster is enabled): %d added, %d updated, %d deactivated", k.Added, k.Updated, k.Deactivated)
	}
	return nil
}

// schoolNames names schools for a message: "Maple High (sch2)".
func (p *planner) schoolNames(ids []string) string {
	out := make([]string, len(ids))
	for i, id := range ids {
		if n := p.orgNames[id]; n != "" {
			out[i] = n + " (" + id + ")"
		} else {
			out[i] = id
		}
	}
	return strings.Join(out, ", ")
}
