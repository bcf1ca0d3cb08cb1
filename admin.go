package rosterdesk

import "time"

// Admin is a local admin account that can be credited with changes.
type Admin struct {
	ID        int64     `json:"id"`
	Email     string    `json:"email"`
	Name      string    `json:"name"`
	CreatedAt time.Time `json:"created_at"`
}
