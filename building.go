package rosterdesk

// Building is a place users belong to: created locally or from a OneRoster school.
type Building struct {
	ID            int64  `json:"id"`
	Name          string `json:"name"`
	SISID         string `json:"sis_id"`
	Source        string `json:"source"` // local or oneroster
	Aligned       bool   `json:"aligned"`
	Active        bool   `json:"active"`
	CreatedAt     string `json:"created_at"`
	UpdatedAt     string `json:"updated_at"`
	DeactivatedAt string `json:"deactivated_at,omitempty"`
	Users         int    `json:"users"`
	Protected     bool   `json:"protected"`
}

// Org is a OneRoster org seen by a building sync.
type Org struct {
	SourcedID  string `json:"sourcedId"`
	Name       string `json:"name"`
	Type       string `json:"type"`
	Identifier string `json:"identifier"`
	Parent     string `json:"parentSourcedId"`
	Active     bool   `json:"active"`
}
