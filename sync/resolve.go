package sync

import (
	"fmt"

	"rosterdesk"
	"rosterdesk/data"
)

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

// set notes what k's row of this run's file resolves to. For a bulk file the
// note is kept in the stored-state map's slot, which the row's visit made.
func (r *resolver) set(k data.Key, v ref) {
	if r.src == nil {
		return
	}
	if r.db != nil {
		s := r.db.Ref(k)
		s.SetTag(s.Tag()&^tagRef | uint8(v) + 1)
		return
	}
	r.src[k] = v
}

// The tag of a record's slot in a bulk file's state: its ref + 1 (0: its row
// was not read) and, for users, tagStudent.
const (
	tagRef     = 7
	tagStudent = 8
)

// setStudent notes an accepted user whose role is student.
func (p *planner) setStudent(k data.Key, role string) {
	if r := p.res[rosterdesk.EntityUser]; r != nil && r.db != nil {
		if role == "student" {
			s := r.db.Ref(k)
			s.SetTag(s.Tag() | tagStudent)
		}
		return
	}
	p.userRole[k] = internRole(role)
}

// isStudent tells a user accepted in this run as a student.
func (p *planner) isStudent(k data.Key) bool {
	if r := p.res[rosterdesk.EntityUser]; r != nil && r.db != nil {
		return r.db.Lookup(k).Tag&tagStudent != 0
	}
	return p.userRole[k] == "student"
}

// fromFile tells what k's row of this run's file resolved to, if it was read.
func (r *resolver) fromFile(k data.Key) (ref, bool) {
	if r.db != nil && r.src != nil {
		if tag := r.db.Lookup(k).Tag & tagRef; tag != 0 {
			return ref(tag - 1), true
		}
		return 0, false
	}
	v, ok := r.src[k]
	return v, ok
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
	last  data.Ref // the slot visit found, for mark
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
		st := s.last.State()
		return st.Line, st, st.ID != 0 // ID 0: only seen in the file, not stored
	}
	st, ok := r.stateK(id, k)
	return s.lines[k], st, ok
}

// mark records that the id of Key k was read on line; it follows visit(k).
func (s *seenSet) mark(k data.Key, st data.State, line int) {
	if s.db != nil {
		s.last.SetLine(int32(line))
		return
	}
	s.lines[k] = int32(line)
}

func (r *resolver) resolve(id string) ref {
	return r.resolveK(id, data.KeyOf(id))
}

// resolveK is resolve with the id's Key already made.
func (r *resolver) resolveK(id string, k data.Key) ref {
	if v, ok := r.fromFile(k); ok {
		return v
	}
	if r.unknown {
		return refOK // its file could not be read: nothing can be said against the reference
	}
	if r.inFile && r.bulk && !r.keepsAbsent && !r.gaps[id] {
		return refMissing
	}
	if _, ok := r.stateK(id, k); ok {
		return refOK
	}
	return refMissing
}

// missingRef says, truthfully, why a reference names no record this run
// keeps: not in this pull, deactivated (or removed) by this run, inactive,
// or in neither the file nor the roster.
func (p *planner) missingRef(ent rosterdesk.Entity, file, what, id string) string {
	r := p.res[ent]
	st, stored := r.state(id)
	switch {
	case p.src.Collections && stored:
		return fmt.Sprintf("%s %s is not in this pull (it is in the roster); row skipped", what, id)
	case p.src.Collections:
		return fmt.Sprintf("%s %s is not in this pull nor in the roster; row skipped", what, id)
	case stored && st.Active && r.inFile && r.bulk:
		verb := "deactivated"
		if ent != rosterdesk.EntityUser {
			verb = "removed"
		}
		return fmt.Sprintf("%s %s is not in %s, so it is %s by this run; row skipped", what, id, file, verb)
	case stored && !st.Active:
		return fmt.Sprintf("%s %s is not active in the roster and not in %s; row skipped", what, id, file)
	}
	return fmt.Sprintf("%s %s is not in %s nor in the roster; row skipped", what, id, file)
}

// rejectedRef names the line a referenced record was rejected on.
func (p *planner) rejectedRef(ent rosterdesk.Entity, file, what, id string) string {
	if line := p.res[ent].rejLine[data.KeyOf(id)]; line > 0 {
		return fmt.Sprintf("%s %s was rejected on line %d of %s; row skipped", what, id, line, file)
	}
	return fmt.Sprintf("%s %s was rejected (see %s); row skipped", what, id, file)
}

// badRef rejects the row for a reference it cannot use: the referenced row was
// rejected, is marked tobedeleted and not in the roster, or is in neither the
// file nor the roster. One place, so every reference says it the same way.
func (p *planner) badRef(t *table, field string, ent rosterdesk.Entity, file, what, id string, r ref) rowResult {
	switch r {
	case refRejected:
		t.reject(field, "ref.rejected", "%s", p.rejectedRef(ent, file, what, id))
	case refGone:
		t.reject(field, "ref.tobedeleted", "%s %s is marked tobedeleted in %s and is not in the roster; row skipped", what, id, file)
	default:
		t.reject(field, "ref.missing", "%s", p.missingRef(ent, file, what, id))
	}
	return rejected
}
