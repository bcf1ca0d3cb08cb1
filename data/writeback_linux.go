package data

import (
	"os"
	"syscall"
	"time"
)

// startWriteback starts the disk writing the roster's dirty file pages while
// a large transaction runs. SQLite writes a first sync's quarter gigabyte into
// the WAL as it goes, but nothing reaches the disk until the checkpoint after
// COMMIT fsyncs the WAL and then the database: two long waits on the critical
// path. Asking the kernel to start writing back every 50 ms (sync_file_range
// with SYNC_FILE_RANGE_WRITE: it waits for nothing and changes no guarantee;
// SQLite's own fsyncs are untouched) leaves those fsyncs little to wait for.
func startWriteback(path string) (stop func()) {
	var files []*os.File
	for _, p := range []string{path + "-wal", path} {
		if f, err := os.Open(p); err == nil {
			files = append(files, f)
		}
	}
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		t := time.NewTicker(50 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
			}
			for _, f := range files {
				const syncFileRangeWrite = 2 // SYNC_FILE_RANGE_WRITE
				syscall.Syscall6(syscall.SYS_SYNC_FILE_RANGE, f.Fd(), 0, 0, syncFileRangeWrite, 0, 0)
			}
		}
	}()
	return func() {
		close(done)
		<-finished
		for _, f := range files {
			f.Close()
		}
	}
}
