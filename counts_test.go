package rosterdesk

import (
	"encoding/json"
	"testing"
)

// A run recorded before buildings were counted as "deactivated" still reads its number.
func TestBuildingCountsReadsOldRemoved(t *testing.T) {
	var c Counts
	if err := json.Unmarshal([]byte(`{"buildings":{"added":1,"updated":2,"removed":3}}`), &c); err != nil || c.Buildings != (BuildingCounts{1, 2, 3}) {
		t.Fatalf("old shape: %+v %v", c.Buildings, err)
	}
	if err := json.Unmarshal([]byte(`{"buildings":{"added":1,"updated":2,"deactivated":4}}`), &c); err != nil || c.Buildings != (BuildingCounts{1, 2, 4}) {
		t.Fatalf("new shape: %+v %v", c.Buildings, err)
	}
	b, _ := json.Marshal(c.Buildings)
	if string(b) != `{"added":1,"updated":2,"deactivated":4}` {
		t.Fatalf("written as %s", b)
	}
}
