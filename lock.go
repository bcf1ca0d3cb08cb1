package rosterdesk

// RunLock says who is running a sync on this roster.
type RunLock struct {
	Holder string `json:"holder"`
	PID    int    `json:"pid"`
	Host   string `json:"host"`
	Since  string `json:"since"`
}
