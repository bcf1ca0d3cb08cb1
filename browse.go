package rosterdesk

// Browse kinds.
const (
	BrowseUsers   = "users"
	BrowseCourses = "courses"
	BrowseClasses = "classes"
)

// BrowseQuery selects one page of a browse list.
type BrowseQuery struct {
	Kind       string // BrowseUsers, BrowseCourses or BrowseClasses
	Search     string // part of a name, title, email, username, code or sourcedId
	Role       string // users only; "" for every role
	BuildingID int64  // users linked to it; courses and classes of its school; 0 for all
	Status     string // "active", "inactive" or "" for both
	Limit      int
	Offset     int
}

// BrowseRow is one row of a browse list: Cells follow BrowseColumns(kind).
type BrowseRow struct {
	ID        int64
	SourcedID string
	Active    bool
	Cells     []string
}

// UserClass is one class a user is (or was) assigned to.
type UserClass struct {
	ClassSourcedID string `json:"class_sourcedId"`
	Title          string `json:"title"`
	Code           string `json:"code"`
	Course         string `json:"course"`
	School         string `json:"school"`
	Role           string `json:"role"`
	Active         bool   `json:"active"` // the assignment and its class are both active
}

// ClassMember is one person assigned to a class.
type ClassMember struct {
	UserSourcedID string `json:"user_sourcedId"`
	GivenName     string `json:"given_name"`
	FamilyName    string `json:"family_name"`
	Role          string `json:"role"`
	Active        bool   `json:"active"` // an active assignment of an active user
}

// BrowsePage is one page of the roster browser and how many rows match in all.
type BrowsePage struct {
	Columns []string
	Rows    []BrowseRow
	Total   int // -1 when not counted (a later page of the same query)
}

// UserDetail is one user as the roster browser opens it.
type UserDetail struct {
	Record    *Record
	Buildings []Building
	Classes   []UserClass
	History   []Audit // oldest first: the run that added it, then every audited change
}
