package rosterdesk

import (
	"testing"
	"time"
)

func TestSettingValueTypes(t *testing.T) {
	days, err := ParseWeekdays("Fri, monday wed;mon")
	if err != nil || days.String() != "mon,wed,fri" || days[0] != time.Monday {
		t.Fatalf("%v %v", days, err)
	}
	if _, err := ParseWeekdays("mon,funday"); err == nil {
		t.Error("funday accepted")
	}
	if d, err := ParseWeekdays(""); err != nil || d.String() != "" || len(d.Names()) != 0 {
		t.Errorf("no days: %v %v", d, err)
	}
	if at, err := ParseTimeOfDay(" 6:05 "); err != nil || at != At(6, 5) || at.String() != "06:05" {
		t.Errorf("6:05 = %v %v", at, err)
	}
	for _, bad := range []string{"24:00", "6", "06:5", "ab:cd"} {
		if _, err := ParseTimeOfDay(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	if (TimeOfDay{}).String() != "" {
		t.Error("an unset time is not blank")
	}
	from, err := ParseDate("2027-06-10")
	until, _ := ParseDate("2027-08-20")
	if err != nil || from.String() != "2027-06-10" || !from.Before(until) || until.Before(from) {
		t.Errorf("dates %v %v %v", from, until, err)
	}
	if d, err := ParseDate(""); err != nil || !d.IsZero() {
		t.Errorf("blank date %v %v", d, err)
	}
	if _, err := ParseDate("2027-13-01"); err == nil || err.Error() != `"2027-13-01" is not a date (YYYY-MM-DD)` {
		t.Errorf("bad date: %v", err)
	}
	if Percent(7.5).String() != "7.5" {
		t.Error(Percent(7.5).String())
	}
}
