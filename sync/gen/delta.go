package gen

import (
	"slices"
	"strings"
	"time"
)

// Delta is what changed from one district state to the next, file by file:
// rows added or changed (status active) and rows removed (status
// tobedeleted, with the values they had before).
type Delta struct {
	Version  string
	Modified time.Time // default dateLastModified: next.AsOf
	files    []deltaFile
}

type deltaFile struct {
	name    string
	header  []string
	rows    [][]string // status in rec[1]; rec[2] is filled when written
	active  int
	deleted int
}

// Status values of delta rows.
const (
	StatusActive      = "active"
	StatusToBeDeleted = "tobedeleted"
)

// Diff compares prev with next (both of next's version) row by row.
func Diff(prev, next *District) *Delta {
	p := *prev
	p.Version = next.Version // the model is version-independent; render both alike
	x := &Delta{Version: next.Version, Modified: next.AsOf}
	pts := p.tables()
	for _, nt := range next.tables() {
		var pt table
		for _, t := range pts {
			if t.name == nt.name {
				pt = t
			}
		}
		x.files = append(x.files, diffTable(pt, nt))
	}
	return x
}

// sortedOrder returns the row order of t by sourcedId and the ids themselves.
func sortedOrder(t table) ([]int32, []string) {
	ids := make([]string, t.n)
	sorted := true
	for i := range t.n {
		ids[i] = t.id(i)
		if i > 0 && ids[i-1] > ids[i] {
			sorted = false
		}
	}
	if sorted {
		return nil, ids
	}
	ord := make([]int32, t.n)
	for i := range ord {
		ord[i] = int32(i)
	}
	slices.SortFunc(ord, func(a, b int32) int { return strings.Compare(ids[a], ids[b]) })
	return ord, ids
}

func diffTable(pt, nt table) deltaFile {
	f := deltaFile{name: nt.name, header: nt.header}
	po, pids := sortedOrder(pt)
	no, nids := sortedOrder(nt)
	at := func(ord []int32, k int) int {
		if ord == nil {
			return k
		}
		return int(ord[k])
	}
	a := make([]string, len(nt.header))
	b := make([]string, len(nt.header))
	emit := func(t table, i int, id, status string) {
		rec := make([]string, len(nt.header))
		rec[0], rec[1] = id, status
		t.fill(i, rec)
		f.rows = append(f.rows, rec)
		if status == StatusActive {
			f.active++
		} else {
			f.deleted++
		}
	}
	i, j := 0, 0
	for i < pt.n || j < nt.n {
		var pi, nj int
		if i < pt.n {
			pi = at(po, i)
		}
		if j < nt.n {
			nj = at(no, j)
		}
		switch {
		case j >= nt.n || (i < pt.n && pids[pi] < nids[nj]):
			emit(pt, pi, pids[pi], StatusToBeDeleted)
			i++
		case i >= pt.n || nids[nj] < pids[pi]:
			emit(nt, nj, nids[nj], StatusActive)
			j++
		default:
			clear(a)
			clear(b)
			pt.fill(pi, a)
			nt.fill(nj, b)
			if !slices.Equal(a, b) {
				emit(nt, nj, nids[nj], StatusActive)
			}
			i++
			j++
		}
	}
	return f
}

// Rows counts the rows of each delta file that has any (file name without ".csv").
func (x *Delta) Rows() map[string]int {
	out := map[string]int{}
	for _, f := range x.files {
		if len(f.rows) > 0 {
			out[f.name] = len(f.rows)
		}
	}
	return out
}

// Counts returns how many rows of a file are active (added or changed) and
// how many are tobedeleted.
func (x *Delta) Counts(file string) (active, deleted int) {
	for _, f := range x.files {
		if f.name == file {
			return f.active, f.deleted
		}
	}
	return 0, 0
}

func (x *Delta) out(opt WriteOptions) []fileOut {
	mod := opt.Modified
	if mod.IsZero() {
		mod = x.Modified
	}
	stamp := mod.UTC().Format("2006-01-02T15:04:05.000Z")
	var out []fileOut
	for _, f := range x.files {
		out = append(out, fileOut{name: f.name, header: f.header, n: len(f.rows), row: func(i int, rec []string) {
			copy(rec, f.rows[i])
			rec[2] = stamp
		}})
	}
	return out
}

// Write writes the delta bundle into dir: files without changes are declared
// absent and not written.
func (x *Delta) Write(dir string, opt WriteOptions) error {
	s, err := newDirSink(dir)
	if err != nil {
		return err
	}
	if err := removeStale(dir, x.Rows()); err != nil {
		return err
	}
	return writeBundle(s, x.Version, "delta", x.out(opt), opt)
}

// WriteZip writes the delta bundle as a flat zip.
func (x *Delta) WriteZip(path string, opt WriteOptions) error {
	s, err := newZipSink(path, x.Modified)
	if err != nil {
		return err
	}
	return writeBundle(s, x.Version, "delta", x.out(opt), opt)
}

// WriteDelta writes a delta bundle taking prev to next into dir.
func WriteDelta(prev, next *District, dir string, opt WriteOptions) error {
	return Diff(prev, next).Write(dir, opt)
}

// WriteDeltaZip writes a delta bundle taking prev to next as a flat zip.
func WriteDeltaZip(prev, next *District, path string, opt WriteOptions) error {
	return Diff(prev, next).WriteZip(path, opt)
}
