package sync

import (
	"encoding/csv"
	"strings"

	"rosterdesk/data"
)

// readAhead reads a table's CSV records on a goroutine of its own, a batch
// at a time, so inflating and splitting the next rows take the second core
// while the planner checks and diffs the rows before them. It stops after an
// error and after a record over several lines (the planner may read the file
// again from a line: resume) until told to go on.
type readAhead struct {
	batches chan *recBatch
	free    chan *recBatch
	goOn    chan struct{}
	stop    chan struct{}
	done    chan struct{}
	cur     *recBatch
	i       int // the next record of cur
	start   int // its first field in cur.fields
}

// recBatch is records read ahead: their fields back to back, and after them
// the error the reader stopped on, if any.
type recBatch struct {
	fields []string
	keys   []data.Key // len(keyCols) a record
	hashes []uint64   // rowHash of each record, when set
	recs   []recMeta
	err    error
	pause  bool // the goroutine waits for goOn or stop after this batch
}

type recMeta struct {
	end         int // its fields are fields[previous end:end]
	first, last int // the lines of its first and last field
	offset      int64
}

const readAheadRecs = 512

// read returns the next record with the lines of its first and last field.
func (t *table) read() ([]string, int, int, error) {
	ra := t.ra
	if ra == nil {
		ra = &readAhead{batches: make(chan *recBatch, 4), free: make(chan *recBatch, 6), goOn: make(chan struct{}),
			stop: make(chan struct{}), done: make(chan struct{})}
		t.ra = ra
		go readRecords(ra, t.r, t.tr, t.keyCols, t.rowHash)
	}
	for {
		if b := ra.cur; b != nil {
			if ra.i < len(b.recs) {
				m := b.recs[ra.i]
				rec := b.fields[ra.start:m.end]
				if n := len(t.keyCols); n > 0 {
					t.keys = b.keys[ra.i*n : ra.i*n+n]
				}
				ra.i++
				ra.start = m.end
				t.offset = m.offset
				return rec, m.first, m.last, nil
			}
			if b.err != nil {
				// The goroutine waits: the planner may read the file again from here (resume).
				err := b.err
				b.err = nil
				t.keys = nil
				return nil, 0, 0, err
			}
			if b.pause {
				ra.goOn <- struct{}{} // the planner reads on
			}
			ra.cur = nil
			select {
			case ra.free <- b:
			default:
			}
		}
		ra.cur, ra.i, ra.start = <-ra.batches, 0, 0
		if t.prefetch != nil {
			t.prefetch(ra.cur.keys, ra.cur.hashes)
		}
	}
}

// readRecords is readAhead's goroutine.
func readRecords(ra *readAhead, r *csv.Reader, tr *textReader, keyCols []int, rowHash func([]string) uint64) {
	defer close(ra.done)
	for {
		var b *recBatch
		select {
		case b = <-ra.free:
			b.fields, b.recs, b.keys, b.hashes = b.fields[:0], b.recs[:0], b.keys[:0], b.hashes[:0]
		default:
			b = &recBatch{recs: make([]recMeta, 0, readAheadRecs)}
		}
		for len(b.recs) < readAheadRecs {
			tr.newRecord()
			rec, err := r.Read()
			if err != nil {
				b.err, b.pause = err, true
				break
			}
			b.fields = append(b.fields, rec...)
			for _, i := range keyCols {
				v := ""
				if i >= 0 && i < len(rec) {
					v = strings.TrimSpace(rec[i]) // as get reads it
				}
				b.keys = append(b.keys, data.KeyOf(v))
			}
			if rowHash != nil {
				b.hashes = append(b.hashes, rowHash(rec))
			}
			first, _ := r.FieldPos(0)
			last, _ := r.FieldPos(len(rec) - 1)
			b.recs = append(b.recs, recMeta{end: len(b.fields), first: first, last: last, offset: r.InputOffset()})
			if last != first {
				b.pause = true // a record over several lines: the planner may read the file again from it
				break
			}
		}
		select {
		case <-ra.stop:
			return
		case ra.batches <- b:
		}
		if b.pause {
			select {
			case <-ra.goOn:
			case <-ra.stop:
				return
			}
		}
	}
}

// hashCols asks the read-ahead goroutine for the Keys of columns cols; it is
// called before the first row.
func (t *table) hashCols(cols ...string) {
	t.keyCols = t.keyCols[:0]
	for _, c := range cols {
		i, ok := t.col[c]
		if !ok {
			i = -1
		}
		t.keyCols = append(t.keyCols, i)
	}
}

// keyOf is data.KeyOf(v) for v, the current row's value of the j-th column
// given to hashCols, made ahead where it can be.
func (t *table) keyOf(j int, v string) data.Key {
	if j < len(t.keys) && !t.badID {
		return t.keys[j]
	}
	return data.KeyOf(v)
}

// stopReadAhead ends the read-ahead goroutine before its reader is closed or replaced.
func (t *table) stopReadAhead() {
	if t.ra == nil {
		return
	}
	close(t.ra.stop)
	<-t.ra.done
	t.ra = nil
}
