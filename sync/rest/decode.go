package rest

import (
	"strings"
)

// A page decoder for the shapes OneRoster servers send, without reflection:
// the page is read once, and strings without escapes are slices of it. It
// gives what decodePageJSON (encoding/json into Record) gives, or gives up:
// on a syntax error, a key with an escape or a non-ASCII letter (encoding/json
// folds those by Unicode rules), a record that names a field twice, a value a
// field cannot take, or anything else it is not sure of, ok is false and the
// page goes to decodePageJSON, whose records or message are the answer.

// maxDepth bounds nesting the fast decoder follows; deeper pages go to encoding/json.
const maxDepth = 500

type pageReader struct {
	s     string
	i     int
	depth int
}

// fastPage decodes a page into buf's room: a bare array of records, or an
// object whose first key matching col.Keys holds the array (what follows
// the array is not read, as decodePageJSON does not read it).
func fastPage(s string, col Collection, buf []Record) ([]Record, bool) {
	d := &pageReader{s: s}
	switch d.peek() {
	case '[':
		return d.records(buf)
	case '{':
	default:
		return nil, false
	}
	d.i++
	d.ws()
	for {
		key, ok := d.key()
		if !ok {
			return nil, false // also {}: decodePageJSON answers it
		}
		for _, k := range col.Keys {
			if asciiEqualFold(key, k) {
				if d.peek() != '[' {
					return nil, false
				}
				return d.records(buf)
			}
		}
		if !d.skip() {
			return nil, false
		}
		d.ws()
		if d.next() != ',' {
			return nil, false // the end without our list: decodePageJSON looks at the others
		}
		d.ws()
	}
}

func (d *pageReader) peek() byte {
	if d.i < len(d.s) {
		return d.s[d.i]
	}
	return 0
}

func (d *pageReader) next() byte {
	if d.i < len(d.s) {
		d.i++
		return d.s[d.i-1]
	}
	return 0
}

func (d *pageReader) ws() {
	for d.i < len(d.s) {
		switch d.s[d.i] {
		case ' ', '\t', '\n', '\r':
			d.i++
		default:
			return
		}
	}
}

// more reads what follows a member or element: true after a comma, false
// (done) at close; ok false on anything else.
func (d *pageReader) more(close byte) (more, ok bool) {
	d.ws()
	switch d.next() {
	case ',':
		d.ws()
		return true, true
	case close:
		return false, true
	}
	return false, false
}

// key reads an object key and its colon. Keys with escapes or non-ASCII
// bytes are refused (encoding/json would unescape and Unicode-fold them).
func (d *pageReader) key() (string, bool) {
	if d.peek() != '"' {
		return "", false
	}
	start := d.i + 1
	i := start
	for i < len(d.s) && plainByte[d.s[i]] {
		i++
	}
	if i >= len(d.s) || d.s[i] != '"' {
		return "", false
	}
	d.i = i + 1
	d.ws()
	if d.next() != ':' {
		return "", false
	}
	d.ws()
	return d.s[start:i], true
}

// plainByte: printable ASCII but the quote and the backslash, the bytes a
// string is taken as it is from.
var plainByte = func() (t [256]bool) {
	for c := 0x20; c < 0x80; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// open enters an object or array at d.i: empty tells it closes at once.
func (d *pageReader) open(close byte) (empty, ok bool) {
	d.depth++
	if d.depth > maxDepth {
		return false, false
	}
	d.i++
	d.ws()
	if d.peek() == close {
		d.i++
		d.depth--
		return true, true
	}
	return false, true
}

// records reads an array of record objects.
func (d *pageReader) records(buf []Record) ([]Record, bool) {
	if empty, ok := d.open(']'); empty || !ok {
		return nil, ok
	}
	recs := buf[:0]
	if cap(recs) == 0 {
		recs = make([]Record, 0, (len(d.s)-d.i)/300)
	}
	for {
		if d.peek() != '{' {
			return nil, false // null or another type: encoding/json decides
		}
		recs = append(recs, Record{})
		if !d.record(&recs[len(recs)-1]) {
			return nil, false
		}
		more, ok := d.more(']')
		if !ok {
			return nil, false
		}
		if !more {
			d.depth--
			return recs, true
		}
	}
}

func (d *pageReader) record(r *Record) bool {
	if empty, ok := d.open('}'); empty || !ok {
		return ok
	}
	var seen uint64
	for {
		key, ok := d.key()
		if !ok {
			return false
		}
		if f := recordField(key); f < 0 {
			ok = d.skip()
		} else if seen&(1<<f) != 0 {
			return false // named twice: encoding/json merges, it decides
		} else {
			seen |= 1 << f
			ok = recordFields[f].read(d, r)
		}
		if !ok {
			return false
		}
		more, ok := d.more('}')
		if !ok {
			return false
		}
		if !more {
			d.depth--
			return true
		}
	}
}

// recordFields are Record's JSON names and how each is read.
var recordFields = [...]struct {
	name string
	read func(d *pageReader, r *Record) bool
}{
	{"sourcedId", func(d *pageReader, r *Record) bool { return d.text(&r.SourcedID) }},
	{"status", func(d *pageReader, r *Record) bool { return d.text(&r.Status) }},
	{"dateLastModified", func(d *pageReader, r *Record) bool { return d.text(&r.DateLastModified) }},
	{"name", func(d *pageReader, r *Record) bool { return d.text(&r.Name) }},
	{"type", func(d *pageReader, r *Record) bool { return d.text(&r.Type) }},
	{"identifier", func(d *pageReader, r *Record) bool { return d.text(&r.Identifier) }},
	{"parent", func(d *pageReader, r *Record) bool { return d.ref(&r.Parent) }},
	{"title", func(d *pageReader, r *Record) bool { return d.text(&r.Title) }},
	{"startDate", func(d *pageReader, r *Record) bool { return d.text(&r.StartDate) }},
	{"endDate", func(d *pageReader, r *Record) bool { return d.text(&r.EndDate) }},
	{"schoolYear", func(d *pageReader, r *Record) bool { return d.ref(&r.SchoolYear) }},
	{"courseCode", func(d *pageReader, r *Record) bool { return d.text(&r.CourseCode) }},
	{"grades", func(d *pageReader, r *Record) bool { return d.texts(&r.Grades) }},
	{"org", func(d *pageReader, r *Record) bool { return d.ref(&r.Org) }},
	{"subjects", func(d *pageReader, r *Record) bool { return d.texts(&r.Subjects) }},
	{"subjectCodes", func(d *pageReader, r *Record) bool { return d.texts(&r.SubjectCodes) }},
	{"classCode", func(d *pageReader, r *Record) bool { return d.text(&r.ClassCode) }},
	{"classType", func(d *pageReader, r *Record) bool { return d.text(&r.ClassType) }},
	{"location", func(d *pageReader, r *Record) bool { return d.text(&r.Location) }},
	{"course", func(d *pageReader, r *Record) bool { return d.ref(&r.Course) }},
	{"school", func(d *pageReader, r *Record) bool { return d.ref(&r.School) }},
	{"terms", func(d *pageReader, r *Record) bool { return d.refs(&r.Terms) }},
	{"periods", func(d *pageReader, r *Record) bool { return d.texts(&r.Periods) }},
	{"enabledUser", func(d *pageReader, r *Record) bool { return d.text(&r.EnabledUser) }},
	{"orgs", func(d *pageReader, r *Record) bool { return d.refs(&r.Orgs) }},
	{"role", func(d *pageReader, r *Record) bool { return d.text(&r.Role) }},
	{"username", func(d *pageReader, r *Record) bool { return d.text(&r.Username) }},
	{"userIds", func(d *pageReader, r *Record) bool { return d.userIDs(&r.UserIDs) }},
	{"givenName", func(d *pageReader, r *Record) bool { return d.text(&r.GivenName) }},
	{"familyName", func(d *pageReader, r *Record) bool { return d.text(&r.FamilyName) }},
	{"middleName", func(d *pageReader, r *Record) bool { return d.text(&r.MiddleName) }},
	{"email", func(d *pageReader, r *Record) bool { return d.text(&r.Email) }},
	{"sms", func(d *pageReader, r *Record) bool { return d.text(&r.SMS) }},
	{"phone", func(d *pageReader, r *Record) bool { return d.text(&r.Phone) }},
	{"agents", func(d *pageReader, r *Record) bool { return d.refs(&r.Agents) }},
	{"agentSourceIds", func(d *pageReader, r *Record) bool { return d.refs(&r.AgentSourceIDs) }},
	{"password", func(d *pageReader, r *Record) bool { return d.text(&r.Password) }},
	{"roles", func(d *pageReader, r *Record) bool { return d.roles(&r.Roles) }},
	{"primaryOrg", func(d *pageReader, r *Record) bool { return d.ref(&r.PrimaryOrg) }},
	{"userMasterIdentifier", func(d *pageReader, r *Record) bool { return d.text(&r.UserMasterIdentifier) }},
	{"preferredFirstName", func(d *pageReader, r *Record) bool { return d.text(&r.PreferredFirstName) }},
	{"preferredMiddleName", func(d *pageReader, r *Record) bool { return d.text(&r.PreferredMiddleName) }},
	{"preferredLastName", func(d *pageReader, r *Record) bool { return d.text(&r.PreferredLastName) }},
	{"pronouns", func(d *pageReader, r *Record) bool { return d.text(&r.Pronouns) }},
	{"user", func(d *pageReader, r *Record) bool { return d.ref(&r.User) }},
	{"class", func(d *pageReader, r *Record) bool { return d.ref(&r.Class) }},
	{"primary", func(d *pageReader, r *Record) bool { return d.text(&r.Primary) }},
	{"beginDate", func(d *pageReader, r *Record) bool { return d.text(&r.BeginDate) }},
}

// fieldTable finds a name exactly: open addressing on a cheap hash, each
// hit checked against the name (cheaper than a map for 48 short names).
var fieldTable = func() (t [256]int8) {
	for i := range t {
		t[i] = -1
	}
	for i, f := range recordFields {
		h := nameHash(f.name)
		for t[h] >= 0 {
			h++
		}
		t[h] = int8(i)
	}
	return t
}()

var recordFolded = func() map[string]int {
	folded := map[string]int{}
	for i, f := range recordFields {
		folded[strings.ToLower(f.name)] = i
	}
	return folded
}()

func nameHash(s string) uint8 {
	return uint8(len(s)*7 + int(s[0])*3 + int(s[len(s)-1])*5 + int(s[len(s)/2]))
}

// recordField is the index of the field key names (matched regardless of
// ASCII case, as encoding/json matches), -1 for none.
func recordField(key string) int {
	if key == "" {
		return -1
	}
	for h := nameHash(key); fieldTable[h] >= 0; h++ {
		if i := int(fieldTable[h]); recordFields[i].name == key {
			return i
		}
	}
	var buf [24]byte
	if len(key) > len(buf) {
		return -1
	}
	for i := 0; i < len(key); i++ {
		c := key[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf[i] = c
	}
	if i, ok := recordFolded[string(buf[:len(key)])]; ok {
		return i
	}
	return -1
}

// scalar reads any value as text.UnmarshalJSON does: a string trimmed, a
// number or true/false as written, "" for null or a structure.
func (d *pageReader) scalar() (string, bool) {
	switch c := d.peek(); c {
	case '"':
		s, ok := d.str()
		return strings.TrimSpace(s), ok
	case '{', '[':
		return "", d.skip()
	case 'n':
		return "", d.lit("null")
	case 't', 'f':
		start := d.i
		ok := d.lit("true") || d.lit("false")
		return d.s[start:d.i], ok
	}
	return d.number()
}

func (d *pageReader) text(dst *text) bool {
	v, ok := d.scalar()
	*dst = text(v)
	return ok
}

// texts is texts.UnmarshalJSON: a list of scalars (the empty ones left
// out), null, or one scalar split on commas.
func (d *pageReader) texts(dst *texts) bool {
	switch d.peek() {
	case 'n':
		*dst = nil
		return d.lit("null")
	case '[':
	default:
		v, ok := d.scalar()
		*dst = splitList(v)
		return ok
	}
	out := []string{}
	ok := d.list(func() bool {
		v, ok := d.scalar()
		if v != "" {
			out = append(out, v)
		}
		return ok
	})
	*dst = out
	return ok
}

// ref is ref.UnmarshalJSON: a GUIDRef's sourcedId, the first of a list, a
// bare id; null leaves dst as it was.
func (d *pageReader) ref(dst *ref) bool {
	switch d.peek() {
	case 'n':
		return d.lit("null")
	case '[':
		var l refs
		if !d.refs(&l) {
			return false
		}
		if len(l) > 0 {
			*dst = ref(l[0])
		}
		return true
	case '{':
	default:
		v, ok := d.scalar()
		*dst = ref(v)
		return ok
	}
	// A GUIDRef, read in line: every enrollment has two or three.
	d.depth++
	if d.depth > maxDepth {
		return false
	}
	d.i++
	d.ws()
	id := ""
	if d.peek() == '}' {
		d.i++
	} else {
		for {
			key, ok := d.key()
			if !ok {
				return false
			}
			if asciiEqualFold(key, "sourcedId") {
				id, ok = d.scalar() // the last one wins
			} else {
				ok = d.skip()
			}
			if !ok {
				return false
			}
			more, ok := d.more('}')
			if !ok {
				return false
			}
			if !more {
				break
			}
		}
	}
	d.depth--
	*dst = ref(id)
	return true
}

// refs is refs.UnmarshalJSON: a list of refs (the empty ones left out),
// null, a string split on commas, or one GUIDRef.
func (d *pageReader) refs(dst *refs) bool {
	switch d.peek() {
	case 'n':
		*dst = nil
		return d.lit("null")
	case '"':
		v, ok := d.scalar()
		*dst = splitList(v)
		return ok
	case '[':
	default:
		var one ref
		ok := d.ref(&one)
		if one != "" {
			*dst = refs{string(one)}
		}
		return ok
	}
	out := []string{}
	ok := d.list(func() bool {
		var one ref
		ok := d.ref(&one)
		if one != "" {
			out = append(out, string(one))
		}
		return ok
	})
	*dst = out
	return ok
}

// userIDs is userIDs.UnmarshalJSON: objects {type, identifier} or strings
// "{type:identifier}"; those without an identifier left out; anything but
// a list leaves dst as it was.
func (d *pageReader) userIDs(dst *userIDs) bool {
	if d.peek() != '[' {
		return d.skip()
	}
	return d.list(func() bool {
		var id userID
		ok := true
		if d.peek() == '{' {
			ok = d.object(func(key string) bool {
				switch {
				case asciiEqualFold(key, "type"):
					return d.text(&id.Type)
				case asciiEqualFold(key, "identifier"):
					return d.text(&id.Identifier)
				}
				return d.skip()
			})
		} else {
			var s string
			s, ok = d.scalar()
			if t, v, found := strings.Cut(strings.Trim(s, "{}"), ":"); found {
				id = userID{Type: text(t), Identifier: text(v)}
			}
		}
		if id.Identifier != "" {
			*dst = append(*dst, id)
		}
		return ok
	})
}

// roles is encoding/json's []role: null, or a list of role objects (a null
// element is a zero role); any other value is a type error, left to it.
func (d *pageReader) roles(dst *[]role) bool {
	switch d.peek() {
	case 'n':
		*dst = nil
		return d.lit("null")
	case '[':
	default:
		return false
	}
	out := []role{}
	ok := d.list(func() bool {
		var rl role
		ok := false
		switch d.peek() {
		case 'n':
			ok = d.lit("null")
		case '{':
			ok = d.object(func(key string) bool {
				switch {
				case asciiEqualFold(key, "roleType"):
					return d.text(&rl.RoleType)
				case asciiEqualFold(key, "role"):
					return d.text(&rl.Role)
				case asciiEqualFold(key, "org"):
					return d.ref(&rl.Org)
				case asciiEqualFold(key, "beginDate"):
					return d.text(&rl.BeginDate)
				case asciiEqualFold(key, "endDate"):
					return d.text(&rl.EndDate)
				}
				return d.skip()
			})
		}
		out = append(out, rl)
		return ok
	})
	*dst = out
	return ok
}
