package data

import "math/bits"

// StateMap is the stored state of a table's records by sourcedId Key: an
// open-addressing hash table whose slots hold the key and the state side by
// side. A million-record bulk file looks up, then marks, every row: here that
// is one probe into one cache line (Ref), where a Go map costs a control-word
// and a slot miss for each of the two operations. It holds no pointers.
//
// A slot is 32 bytes: the key, the row hash, and one word packing the record
// id, the planner's line mark, a tag and the two flags. An 8-million-record
// table is most of a large district's memory; an id or a line too large for
// its bits is kept exactly in a side map (never in practice).
type StateMap struct {
	slots []stateSlot
	n     int
	// bigID and bigLine hold the ids and lines that do not fit a slot's word.
	bigID   map[Key]int64
	bigLine map[Key]int32
	sink    uint64 // what Touch loaded, so the load is not left out
}

type stateSlot struct {
	k Key // B == 0: empty
	h uint64
	w uint64 // id<<32 | line<<8 | tag<<2 | protected<<1 | active
}

const (
	wActive    = 1
	wProtected = 2
	tagShift   = 2
	tagBits    = 6
	lineShift  = 8
	lineMax    = 1<<24 - 1 // the line field's sentinel: the line is in bigLine
	idShift    = 32
	idMax      = 1<<32 - 1 // the id field's sentinel: the id is in bigID
)

// MaxTag is the largest tag a slot keeps.
const MaxTag = 1<<tagBits - 1

// NewStateMap makes a map for n records and a tenth more (a bulk file's new
// rows) before it must grow.
func NewStateMap(n int) *StateMap {
	m := &StateMap{slots: make([]stateSlot, max(64, n+n*2/5))}
	adviseHuge(m.slots)
	return m
}

// Len is the number of keys in the map.
func (m *StateMap) Len() int { return m.n }

// find returns the slot of k, or the empty slot where it would go.
func (m *StateMap) find(k Key) *stateSlot {
	n := uint64(len(m.slots))
	i, _ := bits.Mul64(k.A, n) // k.A is uniform: its top bits pick the slot
	for {
		s := &m.slots[i]
		if s.k == k || s.k.B == 0 {
			return s
		}
		if i++; i == n {
			i = 0
		}
	}
}

// state unpacks a slot.
func (m *StateMap) state(s *stateSlot) State {
	if s.k.B == 0 {
		return State{}
	}
	w := s.w
	st := State{ID: int64(w >> idShift), Hash: s.h, Active: w&wActive != 0, Protected: w&wProtected != 0,
		Tag: uint8(w>>tagShift) & MaxTag, Line: int32(w>>lineShift) & lineMax}
	if st.ID == idMax {
		st.ID = m.bigID[s.k]
	}
	if st.Line == lineMax {
		st.Line = m.bigLine[s.k]
	}
	return st
}

// Touch loads the slot where k's search starts, so a lookup soon after finds
// it in the cache: touching the slots of many keys in a row lets the loads
// overlap, where lookups one by one wait for each.
func (m *StateMap) Touch(k Key) {
	n := uint64(len(m.slots))
	if n == 0 {
		return
	}
	i, _ := bits.Mul64(k.A, n)
	m.sink += m.slots[i].w
}

// Lookup returns the state kept for k (ID 0 when it is not a stored record).
func (m *StateMap) Lookup(k Key) State {
	return m.state(m.find(k))
}

// Get returns the stored state of sourcedId id.
func (m *StateMap) Get(id string) (State, bool) {
	st := m.Lookup(KeyOf(id))
	return st, st.ID != 0
}

// Ref is a record's slot in a StateMap, to read or change. It stays valid
// until the next call of the map's Ref or Reserve.
type Ref struct {
	m *StateMap
	s *stateSlot
}

// Ref returns the slot of k, adding a zero state if there is none.
func (m *StateMap) Ref(k Key) Ref {
	if (m.n+1)*5 > len(m.slots)*4 {
		m.grow()
	}
	s := m.find(k)
	if s.k.B == 0 {
		s.k = k
		m.n++
	}
	return Ref{m, s}
}

// State is the state kept in the slot.
func (r Ref) State() State { return r.m.state(r.s) }

// Set replaces the state kept in the slot.
func (r Ref) Set(st State) {
	w := uint64(st.Tag&MaxTag) << tagShift
	if st.Active {
		w |= wActive
	}
	if st.Protected {
		w |= wProtected
	}
	k := r.s.k
	if st.ID >= 0 && st.ID < idMax {
		w |= uint64(st.ID) << idShift
	} else {
		w |= idMax << idShift
		if r.m.bigID == nil {
			r.m.bigID = map[Key]int64{}
		}
		r.m.bigID[k] = st.ID
	}
	if st.Line >= 0 && st.Line < lineMax {
		w |= uint64(st.Line) << lineShift
	} else {
		w |= lineMax << lineShift
		if r.m.bigLine == nil {
			r.m.bigLine = map[Key]int32{}
		}
		r.m.bigLine[k] = st.Line
	}
	r.s.h, r.s.w = st.Hash, w
}

// SetLine sets the planner's line mark.
func (r Ref) SetLine(line int32) {
	if line >= 0 && line < lineMax && r.s.w>>lineShift&lineMax != lineMax {
		r.s.w = r.s.w&^(lineMax<<lineShift) | uint64(line)<<lineShift
		return
	}
	st := r.State()
	st.Line = line
	r.Set(st)
}

// Tag is the slot's tag.
func (r Ref) Tag() uint8 { return uint8(r.s.w>>tagShift) & MaxTag }

// SetTag sets the slot's tag (at most MaxTag).
func (r Ref) SetTag(tag uint8) {
	r.s.w = r.s.w&^(MaxTag<<tagShift) | uint64(tag&MaxTag)<<tagShift
}

func (m *StateMap) grow() { m.resize(len(m.slots) + len(m.slots)/2) } // by half: the old table is still held while the new fills

// Reserve makes room for n keys in all, so the map need not grow again
// before it holds them.
func (m *StateMap) Reserve(n int) {
	if n*5 > len(m.slots)*4 {
		m.resize(n + n*2/5)
	}
}

func (m *StateMap) resize(size int) {
	old := m.slots
	m.slots = make([]stateSlot, size)
	adviseHuge(m.slots)
	for i := range old {
		if old[i].k.B != 0 {
			*m.find(old[i].k) = old[i]
		}
	}
}

// Each calls f with every state kept.
func (m *StateMap) Each(f func(State)) {
	for i := range m.slots {
		if m.slots[i].k.B != 0 {
			f(m.state(&m.slots[i]))
		}
	}
}

// U64Map maps uint64 keys to uint32 values below 2³²-1 with open addressing:
// one probe into one 12-byte slot, where a Go map touches a control word and
// then a slot (the duplicate-enrollment check looks up and adds a million keys
// a bulk file). It holds no pointers.
type U64Map struct {
	slots []u64Slot
	n     int
	sink  uint32 // what Touch loaded
}

type u64Slot struct{ lo, hi, v uint32 } // v is the value + 1; 0: empty

// Touch loads the slot where k's search starts (see StateMap.Touch).
func (m *U64Map) Touch(k uint64) {
	n := uint64(len(m.slots))
	if n == 0 {
		return
	}
	i, _ := bits.Mul64(k*0x9e3779b97f4a7c15, n)
	m.sink += m.slots[i].v
}

func (m *U64Map) find(k uint64) *u64Slot {
	n := uint64(len(m.slots))
	i, _ := bits.Mul64(k*0x9e3779b97f4a7c15, n) // the keys may be any bits: mix them first
	lo, hi := uint32(k), uint32(k>>32)
	for {
		s := &m.slots[i]
		if s.v == 0 || s.lo == lo && s.hi == hi {
			return s
		}
		if i++; i == n {
			i = 0
		}
	}
}

// Get returns the value kept for k.
func (m *U64Map) Get(k uint64) (uint32, bool) {
	if m.n == 0 {
		return 0, false
	}
	s := m.find(k)
	return s.v - 1, s.v != 0
}

// MaxU64Value is the largest value a U64Map keeps.
const MaxU64Value = 1<<32 - 2

// Put keeps v (at most MaxU64Value) for k.
func (m *U64Map) Put(k uint64, v uint32) {
	if (m.n+1)*5 > len(m.slots)*4 {
		m.resize(max(1024, len(m.slots)+len(m.slots)/2)) // by half, as StateMap
	}
	s := m.find(k)
	if s.v == 0 {
		m.n++
	}
	*s = u64Slot{uint32(k), uint32(k >> 32), v + 1}
}

// Len is the number of keys kept.
func (m *U64Map) Len() int { return m.n }

// Reserve makes room for n keys in all.
func (m *U64Map) Reserve(n int) {
	if n*5 > len(m.slots)*4 {
		m.resize(n + n*2/5)
	}
}

func (m *U64Map) resize(size int) {
	old := m.slots
	m.slots = make([]u64Slot, size)
	adviseHuge(m.slots)
	for _, s := range old {
		if s.v != 0 {
			*m.find(uint64(s.hi)<<32 | uint64(s.lo)) = s
		}
	}
}
