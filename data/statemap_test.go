package data

import (
	"strconv"
	"testing"
)

func TestStateMapGrowsAndFinds(t *testing.T) {
	m := NewStateMap(0)
	const n = 20000
	for i := 1; i <= n; i++ {
		r := m.Ref(KeyOf("id-" + strconv.Itoa(i)))
		if st := r.State(); st.ID != 0 {
			t.Fatalf("id-%d: new key already holds %+v", i, st)
		}
		r.Set(State{ID: int64(i), Active: i%2 == 0})
	}
	if m.Len() != n {
		t.Fatalf("Len = %d, want %d", m.Len(), n)
	}
	for i := 1; i <= n; i++ {
		st, ok := m.Get("id-" + strconv.Itoa(i))
		if !ok || st.ID != int64(i) || st.Active != (i%2 == 0) {
			t.Fatalf("id-%d: got %+v, %v", i, st, ok)
		}
	}
	if _, ok := m.Get("id-0"); ok {
		t.Fatal("a key never added was found")
	}
	m.Ref(KeyOf("id-7")).SetLine(3)
	if st, _ := m.Get("id-7"); st.Line != 3 || st.ID != 7 || m.Len() != n {
		t.Fatalf("Ref of an existing key: %+v, Len %d", st, m.Len())
	}
	active := 0
	m.Each(func(st State) {
		if st.Active {
			active++
		}
	})
	if active != n/2 {
		t.Fatalf("Each saw %d active, want %d", active, n/2)
	}
}

func TestU64Map(t *testing.T) {
	var m U64Map
	if _, ok := m.Get(7); ok {
		t.Fatal("empty map has 7")
	}
	for i := uint64(0); i < 100000; i++ {
		m.Put(i*0x10000, uint32(i)) // keys alike in their low bits
	}
	m.Put(0, 5) // replaces
	if v, ok := m.Get(0); !ok || v != 5 || m.Len() != 100000 {
		t.Fatalf("0: %d %v, %d keys", v, ok, m.Len())
	}
	for i := uint64(1); i < 100000; i++ {
		if v, ok := m.Get(i * 0x10000); !ok || uint64(v) != i {
			t.Fatalf("%d: %d %v", i, v, ok)
		}
	}
	if _, ok := m.Get(12345); ok {
		t.Fatal("a key never put is found")
	}
}

func TestU64MapKeysAlikeInHalves(t *testing.T) {
	var m U64Map
	m.Put(1<<32|7, 1)
	m.Put(7, 2)
	m.Put(1<<32, MaxU64Value)
	for k, want := range map[uint64]uint32{1<<32 | 7: 1, 7: 2, 1 << 32: MaxU64Value} {
		if v, ok := m.Get(k); !ok || v != want {
			t.Fatalf("%x: %d %v, want %d", k, v, ok, want)
		}
	}
	if _, ok := m.Get(2<<32 | 7); ok {
		t.Fatal("a key never put is found")
	}
}

// An id or a line too large for a slot's bits is kept exactly all the same.
func TestStateMapKeepsLargeIDsAndLines(t *testing.T) {
	m := NewStateMap(0)
	cases := []State{
		{ID: 1, Hash: 9, Active: true, Line: 5, Tag: 3},
		{ID: idMax - 1, Hash: 1<<64 - 1, Protected: true, Line: lineMax - 1, Tag: MaxTag},
		{ID: idMax, Line: lineMax, Active: true},
		{ID: 1 << 40, Line: 1<<31 - 1, Protected: true, Active: true, Tag: 1},
		{ID: -4, Line: 0},
	}
	for i, st := range cases {
		m.Ref(KeyOf("k" + strconv.Itoa(i))).Set(st)
	}
	for i := 0; i < 3000; i++ { // grow past the first size: the side maps follow their keys
		m.Ref(KeyOf("fill" + strconv.Itoa(i))).Set(State{ID: int64(i + 10)})
	}
	for i, want := range cases {
		if got, _ := m.Get("k" + strconv.Itoa(i)); got != want {
			t.Fatalf("case %d: got %+v, want %+v", i, got, want)
		}
	}
	r := m.Ref(KeyOf("k2"))
	r.SetLine(7)
	r.SetTag(2)
	if got := r.State(); got.Line != 7 || got.Tag != 2 || got.ID != idMax || !got.Active {
		t.Fatalf("after SetLine(7), SetTag(2): %+v", got)
	}
	r = m.Ref(KeyOf("k0"))
	r.SetLine(lineMax + 5)
	if got := r.State(); got.Line != lineMax+5 || got.ID != 1 || got.Tag != 3 {
		t.Fatalf("after SetLine(lineMax+5): %+v", got)
	}
	r.SetLine(8)
	if got := r.State(); got.Line != 8 {
		t.Fatalf("after SetLine(8): %+v", got)
	}
}
