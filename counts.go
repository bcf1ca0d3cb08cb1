package rosterdesk

import "encoding/json"

// Counts are a run's per-entity numbers, in the shape the CLI prints.
type Counts struct {
	Buildings   BuildingCounts `json:"buildings"`
	Users       UserCounts     `json:"users"`
	Courses     CourseCounts   `json:"courses"`
	Classes     CourseCounts   `json:"classes"`
	Assignments CourseCounts   `json:"assignments"`
}

// Changes is how many records the counts change in all.
func (c Counts) Changes() int {
	b, u := c.Buildings, c.Users
	n := b.Added + b.Updated + b.Deactivated + u.Added + u.Updated + u.Deactivated + u.Reactivated
	for _, x := range []CourseCounts{c.Courses, c.Classes, c.Assignments} {
		n += x.Added + x.Updated + x.Removed
	}
	return n
}

// BuildingCounts are what a run did to buildings: every sync brings them in
// step with OneRoster's schools while OneRoster is enabled.
type BuildingCounts struct {
	Added       int `json:"added"`
	Updated     int `json:"updated"`
	Deactivated int `json:"deactivated"`
}

// UnmarshalJSON also reads runs recorded before buildings were "deactivated" ("removed").
func (b *BuildingCounts) UnmarshalJSON(p []byte) error {
	var v struct {
		Added       int  `json:"added"`
		Updated     int  `json:"updated"`
		Deactivated *int `json:"deactivated"`
		Removed     int  `json:"removed"`
	}
	if err := json.Unmarshal(p, &v); err != nil {
		return err
	}
	*b = BuildingCounts{Added: v.Added, Updated: v.Updated, Deactivated: v.Removed}
	if v.Deactivated != nil {
		b.Deactivated = *v.Deactivated
	}
	return nil
}

type UserCounts struct {
	Added       int `json:"added"`
	Updated     int `json:"updated"`
	Deactivated int `json:"deactivated"`
	Reactivated int `json:"reactivated"`
	Ignored     int `json:"ignored"`
	Skipped     int `json:"skipped"`
	Errors      int `json:"errors"`
}

type CourseCounts struct {
	Added   int `json:"added"`
	Updated int `json:"updated"`
	Removed int `json:"removed"`
	Errors  int `json:"errors"`
}

// ActiveCounts counts a table's records by active flag.
type ActiveCounts struct {
	Active   int            `json:"active"`
	Inactive int            `json:"inactive"`
	ByRole   map[string]int `json:"active_by_role,omitempty"`
}
