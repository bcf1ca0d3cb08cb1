package sync

import (
	"encoding/binary"
	"slices"
)

// idList keeps sourcedIds back to back in little room: each after the bytes
// it shares with the one before it (front coding), with every 16th kept
// whole so any one is read back by decoding at most 16. The duplicate-
// enrollment check keeps every enrollment's sourcedId this way (8 million in
// a large district: 110 MB as they are, about 30 MB here) and reads one back
// only to name it in a warning. It holds no pointers.
type idList struct {
	buf    []byte
	starts []uint32 // where every 16th id begins in buf
	n      int
	prev   []byte
}

const idListRun = 16

// add keeps id and returns its number, or false when the list is full (4 GB).
func (l *idList) add(id string) (uint32, bool) {
	if int64(len(l.buf))+int64(len(id))+2*binary.MaxVarintLen64 > 1<<32-1 || int64(l.n) >= 1<<32-1 {
		return 0, false
	}
	shared := 0
	if l.n%idListRun == 0 {
		l.starts = append(l.starts, uint32(len(l.buf)))
	} else {
		for shared < len(id) && shared < len(l.prev) && id[shared] == l.prev[shared] {
			shared++
		}
		l.buf = binary.AppendUvarint(l.buf, uint64(shared))
	}
	l.buf = binary.AppendUvarint(l.buf, uint64(len(id)-shared))
	l.buf = append(l.buf, id[shared:]...)
	l.prev = append(l.prev[:0], id...)
	l.n++
	return uint32(l.n - 1), true
}

// get reads id number i back.
func (l *idList) get(i uint32) string {
	off := int(l.starts[i/idListRun])
	var cur []byte
	for j := i / idListRun * idListRun; ; j++ {
		shared := 0
		if j%idListRun != 0 {
			s, w := binary.Uvarint(l.buf[off:])
			shared, off = int(s), off+w
		}
		n, w := binary.Uvarint(l.buf[off:])
		off += w
		cur = append(cur[:shared], l.buf[off:off+int(n)]...)
		off += int(n)
		if j == i {
			return string(cur)
		}
	}
}

// grow makes room for about n ids in all, judged by the room those kept so far took.
func (l *idList) grow(n int) {
	if l.n == 0 || n <= l.n {
		return
	}
	if want := int(float64(len(l.buf)) * float64(n) / float64(l.n)); want > len(l.buf) {
		l.buf = slices.Grow(l.buf, want-len(l.buf))
	}
	if want := n/idListRun + 1; want > cap(l.starts) {
		l.starts = append(make([]uint32, 0, want), l.starts...)
	}
}
