package rosterdesk

// Trip is one reason a run was held.
type Trip struct {
	Entity  string  `json:"entity"`
	Action  string  `json:"action"`           // deactivate, remove, update, or input
	Count   int     `json:"count,omitempty"`  // records the run would change
	Active  int     `json:"active,omitempty"` // active records before the run
	Percent float64 `json:"percent,omitempty"`
	Limit   string  `json:"limit"` // the limit exceeded, e.g. "10%" or "500"
	// Reason names the limit as the Safeguards screen labels it.
	Reason string `json:"reason"`
	// Key is the setting of the limit, for the CLI ("guard.users.deactivate.percent").
	Key string `json:"key,omitempty"`
}
