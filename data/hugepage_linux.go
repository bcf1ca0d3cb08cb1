package data

import (
	"syscall"
	"unsafe"
)

// adviseHuge asks Linux to back a large table with 2 MB pages. A state table
// of a million records is 75 MB probed at random: with 4 kB pages nearly every
// probe also misses the TLB and walks the page tables. The advice only applies
// to pages not yet touched, which a new table's are. Errors are ignored: it is
// advice.
func adviseHuge[T any](s []T) {
	const huge = 2 << 20
	var zero T
	size := uintptr(len(s)) * unsafe.Sizeof(zero)
	if size < 4*huge {
		return
	}
	b := unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(s))), size)
	start := uintptr(unsafe.Pointer(unsafe.SliceData(b)))
	lo := (huge - start%huge) % huge // the first 2 MB boundary in b
	hi := lo + (size-lo)&^(huge-1)   // the last one
	if hi <= lo {
		return
	}
	syscall.Madvise(b[lo:hi], syscall.MADV_HUGEPAGE)
}
