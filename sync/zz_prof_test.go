package sync

import (
	"context"
	"os"
	"runtime"
	"testing"

	"rosterdesk"
)

func TestZZProf(t *testing.T) {
	if os.Getenv("PPROF") == "" {
		t.Skip()
	}
	e := newEngine(t)
	mustSync(t, e, "/tmp/pgen/m0.zip", rosterdesk.ScopeBuildings)
	plan, err := e.PlanRun(context.Background(), "/tmp/pgen/m0.zip", Options{Scope: rosterdesk.ScopeUsersCourses})
	if err != nil {
		t.Fatal(err)
	}
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	t.Logf("heap after plan: %d MB", ms.HeapAlloc>>20)
	if _, err := e.Apply(context.Background(), plan); err != nil {
		t.Fatal(err)
	}
}
