package data

import (
	"os"
	"sync/atomic"
	"syscall"
	"time"
)

// writebackFrom is the WAL size from which a transaction's writes are sent to
// the disk as they come: below it the fsyncs wait little anyway.
const writebackFrom = 128 << 20

// writeback starts the disk writing a large transaction's WAL while the
// transaction runs, and the roster's pages while its checkpoint copies them.
// SQLite writes a first sync's quarter gigabyte into the WAL as it goes, but
// nothing reaches the disk until the checkpoint after COMMIT fsyncs the WAL,
// then the roster: two long waits on the critical path. Asking the kernel to
// start writing back every 50 ms (sync_file_range with SYNC_FILE_RANGE_WRITE:
// it waits for nothing and changes no guarantee; SQLite's own fsyncs are
// untouched) leaves those fsyncs little to wait for. Only past writebackFrom:
// a smaller transaction gains little, and a page written back and then
// written again (a frame SQLite rewrites in place) goes to the disk twice.
type writeback struct {
	wal, db    *os.File
	committing atomic.Bool
	done       chan struct{}
	finished   chan struct{}
}

func startWriteback(path string) *writeback {
	wb := &writeback{done: make(chan struct{}), finished: make(chan struct{})}
	wb.wal, _ = os.Open(path + "-wal")
	wb.db, _ = os.Open(path)
	go func() {
		defer close(wb.finished)
		t := time.NewTicker(50 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-wb.done:
				return
			case <-t.C:
			}
			if wb.wal == nil {
				continue
			}
			if fi, err := wb.wal.Stat(); err != nil || fi.Size() < writebackFrom {
				continue
			}
			syncFileRange(wb.wal)
			if wb.committing.Load() && wb.db != nil {
				syncFileRange(wb.db)
			}
		}
	}()
	return wb
}

func syncFileRange(f *os.File) {
	const write = 2 // SYNC_FILE_RANGE_WRITE
	syscall.Syscall6(syscall.SYS_SYNC_FILE_RANGE, f.Fd(), 0, 0, write, 0, 0)
}

// commit says the transaction is committing: its checkpoint writes the roster.
func (wb *writeback) commit() { wb.committing.Store(true) }

func (wb *writeback) stop() {
	close(wb.done)
	<-wb.finished
	for _, f := range []*os.File{wb.wal, wb.db} {
		if f != nil {
			f.Close()
		}
	}
}
