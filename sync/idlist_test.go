package sync

import (
	"fmt"
	"strings"
	"testing"
)

func TestIDListReadsBackEveryID(t *testing.T) {
	var l idList
	var ids []string
	for i := 0; i < 1000; i++ {
		id := fmt.Sprintf("enr-%08d", i*7919%100000)
		switch i % 97 {
		case 3:
			id = "" // empty
		case 5:
			id = strings.Repeat("x", 300) // longer than one varint byte
		case 7:
			id = "enr" // a prefix of the one before
		}
		ids = append(ids, id)
		if n, ok := l.add(id); !ok || n != uint32(i) {
			t.Fatalf("add %d: %d %v", i, n, ok)
		}
		if i == 100 {
			l.grow(1000)
		}
	}
	for i, want := range ids {
		if got := l.get(uint32(i)); got != want {
			t.Fatalf("id %d: got %q, want %q", i, got, want)
		}
	}
}
