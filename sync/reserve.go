package sync

import "os"

// A bulk file's seen marks (and the enrollments' duplicate check) are tables
// that grow by half when full; the old table lives while the new one fills,
// so growing late, a million rows in, is the run's peak of memory. Once the
// first rows show how long a row is, the tables are sized for the whole file.

// reserveAt is the row after which the file's length is estimated.
const reserveAt = 4096

// expectedRows estimates the rows of the file from its size and the bytes the
// rows read so far took; 0 when the size is not known.
func (t *table) expectedRows() int {
	size := t.src.size(t.Canon)
	read := t.offset
	if size <= 0 || read <= 0 || t.Rows <= 0 {
		return 0
	}
	return int(float64(size) / float64(read) * float64(t.Rows) * 1.05)
}

// size is the length of a file of the source, uncompressed; 0 if not known.
func (s *Source) size(canon string) int64 {
	loc, ok := s.Files[canon]
	if !ok {
		return 0
	}
	if s.zr != nil {
		if zf := s.files[loc]; zf != nil {
			return int64(zf.UncompressedSize64)
		}
		return 0
	}
	if fi, err := os.Stat(loc); err == nil && fi.Mode().IsRegular() {
		return fi.Size()
	}
	return 0
}

// reserve makes room for n keys in a bulk file's seen marks.
func (s *seenSet) reserve(n int) {
	if s.db != nil {
		s.db.Reserve(n)
	}
}
