package data

import (
	"strconv"
	"testing"
)

func TestStateMapGrowsAndFinds(t *testing.T) {
	m := NewStateMap(0)
	const n = 20000
	for i := 1; i <= n; i++ {
		st := m.Ref(KeyOf("id-" + strconv.Itoa(i)))
		if st.ID != 0 {
			t.Fatalf("id-%d: new key already holds %+v", i, *st)
		}
		st.ID, st.Active = int64(i), i%2 == 0
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
	m.Ref(KeyOf("id-7")).Line = 3
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
		m.Put(i*0x10000, i) // keys alike in their low bits
	}
	m.Put(0, 5) // replaces
	if v, ok := m.Get(0); !ok || v != 5 || m.Len() != 100000 {
		t.Fatalf("0: %d %v, %d keys", v, ok, m.Len())
	}
	for i := uint64(1); i < 100000; i++ {
		if v, ok := m.Get(i * 0x10000); !ok || v != i {
			t.Fatalf("%d: %d %v", i, v, ok)
		}
	}
	if _, ok := m.Get(12345); ok {
		t.Fatal("a key never put is found")
	}
}
