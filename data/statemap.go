package data

import "math/bits"

// StateMap is the stored state of a table's records by sourcedId Key: an
// open-addressing hash table whose slots hold the key and the state side by
// side. A million-record bulk file looks up, then marks, every row: here that
// is one probe into one cache line (Ref), where a Go map costs a control-word
// and a slot miss for each of the two operations. It holds no pointers.
type StateMap struct {
	slots []stateSlot
	n     int
}

type stateSlot struct {
	k  Key // B == 0: empty
	st State
}

// NewStateMap makes a map for n records and a tenth more (a bulk file's new
// rows) before it must grow.
func NewStateMap(n int) *StateMap {
	m := &StateMap{slots: make([]stateSlot, max(64, n+n/2))}
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

// Lookup returns the state kept for k (ID 0 when it is not a stored record).
func (m *StateMap) Lookup(k Key) State {
	return m.find(k).st
}

// Get returns the stored state of sourcedId id.
func (m *StateMap) Get(id string) (State, bool) {
	st := m.Lookup(KeyOf(id))
	return st, st.ID != 0
}

// Ref returns the state kept for k to read or change, adding a zero one if
// there is none. It stays valid until the next Ref.
func (m *StateMap) Ref(k Key) *State {
	if (m.n+1)*4 > len(m.slots)*3 {
		m.grow()
	}
	s := m.find(k)
	if s.k.B == 0 {
		s.k = k
		m.n++
	}
	return &s.st
}

func (m *StateMap) grow() { m.resize(len(m.slots) + len(m.slots)/2) } // by half: the old table is still held while the new fills

// Reserve makes room for n keys in all, so the map need not grow again
// before it holds them.
func (m *StateMap) Reserve(n int) {
	if n*4 > len(m.slots)*3 {
		m.resize(n + n/2)
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
			f(m.slots[i].st)
		}
	}
}

// U64Map maps uint64 keys to values below 2⁶³ with open addressing: one probe
// into one slot, where a Go map touches a control word and then a slot (the
// duplicate-enrollment check looks up and adds a million keys a bulk file).
// It holds no pointers.
type U64Map struct {
	slots []u64Slot
	n     int
}

type u64Slot struct{ k, v uint64 } // v's top bit set: in use

const u64Used = 1 << 63

func (m *U64Map) find(k uint64) *u64Slot {
	n := uint64(len(m.slots))
	i, _ := bits.Mul64(k*0x9e3779b97f4a7c15, n) // the keys may be any bits: mix them first
	for {
		s := &m.slots[i]
		if s.v == 0 || s.k == k {
			return s
		}
		if i++; i == n {
			i = 0
		}
	}
}

// Get returns the value kept for k.
func (m *U64Map) Get(k uint64) (uint64, bool) {
	if m.n == 0 {
		return 0, false
	}
	s := m.find(k)
	return s.v &^ u64Used, s.v != 0
}

// Put keeps v (below 2⁶³) for k.
func (m *U64Map) Put(k, v uint64) {
	if (m.n+1)*4 > len(m.slots)*3 {
		m.resize(max(1024, len(m.slots)+len(m.slots)/2)) // by half, as StateMap
	}
	s := m.find(k)
	if s.v == 0 {
		m.n++
	}
	*s = u64Slot{k, v | u64Used}
}

// Len is the number of keys kept.
func (m *U64Map) Len() int { return m.n }

// Reserve makes room for n keys in all.
func (m *U64Map) Reserve(n int) {
	if n*4 > len(m.slots)*3 {
		m.resize(n + n/2)
	}
}

func (m *U64Map) resize(size int) {
	old := m.slots
	m.slots = make([]u64Slot, size)
	adviseHuge(m.slots)
	for _, s := range old {
		if s.v != 0 {
			*m.find(s.k) = s
		}
	}
}
