package rosterdesk

// Audit records one change to one record.
type Audit struct {
	RunID     int64   `json:"run_id"`
	Entity    Entity  `json:"entity"`
	SourcedID string  `json:"sourcedId"`
	Action    string  `json:"action"`
	Field     string  `json:"field,omitempty"`
	Old       *string `json:"old"`
	New       *string `json:"new"`
	Reason    string  `json:"reason,omitempty"`
	AdminID   int64   `json:"admin_id"`
	Admin     string  `json:"admin,omitempty"`
	At        string  `json:"at"`
}

// SettingChange is one recorded change of a setting. Records is how many
// stored records it reached (the courses a teacher-permission change updated).
type SettingChange struct {
	Key     string `json:"key"`
	Old     string `json:"old"`
	New     string `json:"new"`
	AdminID int64  `json:"admin_id,omitempty"`
	Admin   string `json:"admin,omitempty"`
	Records int64  `json:"records,omitempty"`
	At      string `json:"at"`
}
