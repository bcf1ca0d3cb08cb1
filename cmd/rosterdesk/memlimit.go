package main

import (
	"runtime/debug"
	"runtime/metrics"
	"time"
)

// softMemoryLimit keeps Go's soft memory limit at floor, or a quarter above
// the live heap when that is larger. A fixed limit below what a very large
// district must hold (its stored state) would make the collector run back to
// back for the whole sync.
func softMemoryLimit(floor int64) {
	debug.SetMemoryLimit(floor)
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	limit := floor
	for range time.Tick(100 * time.Millisecond) {
		metrics.Read(sample)
		if sample[0].Value.Kind() != metrics.KindUint64 {
			return
		}
		want := max(floor, int64(sample[0].Value.Uint64())*9/8)
		if want > limit+limit/20 || want < limit-limit/5 {
			limit = want
			debug.SetMemoryLimit(limit)
		}
	}
}
