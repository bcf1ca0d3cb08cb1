package sync

import (
	"context"
	"fmt"
	"net/mail"
	"strings"

	"rosterdesk"
	"rosterdesk/data"
)

// Show returns one record and its change history. kind is user, course, class,
// building (by SIS id), session or assignment.
func (e *Engine) Show(ctx context.Context, kind, sourcedID string) (*rosterdesk.Record, []rosterdesk.Audit, error) {
	var rec *rosterdesk.Record
	var ent rosterdesk.Entity
	switch kind {
	case "building":
		b, err := e.db.BuildingBySIS(ctx, sourcedID)
		if err != nil {
			return nil, nil, err
		}
		ent = rosterdesk.EntityBuilding
		rec = &rosterdesk.Record{Entity: ent, SourcedID: sourcedID, Active: b.Active, CreatedAt: b.CreatedAt, UpdatedAt: b.UpdatedAt, OffAt: b.DeactivatedAt,
			Fields: map[string]string{"name": b.Name, "sis_id": b.SISID, "source": b.Source, "aligned": fmt.Sprint(b.Aligned), "active_users": fmt.Sprint(b.Users)}}
	default:
		tables := map[string]*data.Table{"user": data.Users, "course": data.Courses, "class": data.Classes,
			"session": data.Sessions, "academicSession": data.Sessions, "assignment": data.Assignments, "enrollment": data.Assignments}
		t, ok := tables[kind]
		if !ok {
			return nil, nil, fmt.Errorf("%q is not user, course, class, building, session or assignment", kind)
		}
		r, err := e.db.Record(ctx, t, sourcedID)
		if err != nil {
			return nil, nil, err
		}
		rec, ent = r, t.Entity
	}
	hist, err := e.db.History(ctx, ent, sourcedID)
	return rec, hist, err
}

// AddAdmin adds a local admin account that can be credited with changes.
func (e *Engine) AddAdmin(ctx context.Context, email, name string) (a rosterdesk.Admin, err error) {
	if werr := e.writing(func() error { a, err = e.addAdmin(ctx, email, name); return nil }); werr != nil {
		return a, werr
	}
	return a, err
}

func (e *Engine) addAdmin(ctx context.Context, email, name string) (rosterdesk.Admin, error) {
	email, name = strings.TrimSpace(email), strings.TrimSpace(name)
	if _, err := mail.ParseAddress(email); err != nil || !strings.Contains(email, "@") {
		return rosterdesk.Admin{}, fmt.Errorf("%q is not an email address", email)
	}
	if name == "" {
		return rosterdesk.Admin{}, fmt.Errorf("a full name is required")
	}
	return e.db.AddAdmin(ctx, email, name)
}
