package rosterdesk

// Record is a stored record as shown to people: its fields by column name.
type Record struct {
	Entity    Entity            `json:"entity"`
	SourcedID string            `json:"sourcedId"`
	Active    bool              `json:"active"`
	Fields    map[string]string `json:"fields"`
	CreatedAt string            `json:"created_at"`
	UpdatedAt string            `json:"updated_at"`
	OffAt     string            `json:"inactive_since,omitempty"`
}
