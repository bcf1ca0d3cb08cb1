package rest

import (
	"bytes"
	"encoding/json"
	"strings"
	"time"
)

// The JSON of OneRoster entities, read leniently: providers send booleans as
// strings or as JSON booleans, explicit nulls (Aeries) or nothing (Ed-Fi),
// GUIDRefs as objects or bare ids, lists as arrays or comma-separated strings.

// text is a scalar: a string, number, boolean or null.
type text string

func (t *text) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) == 0 {
		return nil
	}
	switch b[0] {
	case '"':
		if s, ok := plainString(b); ok {
			*t = text(strings.TrimSpace(s))
			return nil
		}
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*t = text(strings.TrimSpace(s))
	case 'n', '{', '[':
		*t = "" // null, or a structure where a value was expected: nothing usable
	default:
		*t = text(b) // a number or true/false
	}
	return nil
}

// texts is a list of scalars, a comma-separated string, or null.
type texts []string

func (l *texts) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || b[0] == 'n' {
		*l = nil
		return nil
	}
	if b[0] == '[' {
		var items []text
		if err := json.Unmarshal(b, &items); err != nil {
			return err
		}
		out := make([]string, 0, len(items))
		for _, it := range items {
			if it != "" {
				out = append(out, string(it))
			}
		}
		*l = out
		return nil
	}
	var one text
	if err := one.UnmarshalJSON(b); err != nil {
		return err
	}
	*l = splitList(string(one))
	return nil
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// ref is a GUIDRef ({"href","sourcedId","type"}) or a bare id; only the
// sourcedId is used (hrefs may be relative or "~/…": never followed).
type ref string

func (r *ref) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || b[0] == 'n' {
		return nil
	}
	if b[0] == '{' {
		if v, found, ok := member(b, sourcedIDKey); ok {
			var t text
			if found {
				if err := t.UnmarshalJSON(v); err != nil {
					return err
				}
			}
			*r = ref(t)
			return nil
		}
		var g struct {
			SourcedID text `json:"sourcedId"`
		}
		if err := json.Unmarshal(b, &g); err != nil {
			return err
		}
		*r = ref(g.SourcedID)
		return nil
	}
	if b[0] == '[' { // a list where one was expected: take the first
		var rs refs
		if err := rs.UnmarshalJSON(b); err != nil {
			return err
		}
		if len(rs) > 0 {
			*r = ref(rs[0])
		}
		return nil
	}
	var t text
	if err := t.UnmarshalJSON(b); err != nil {
		return err
	}
	*r = ref(t)
	return nil
}

// refs is a list of GUIDRefs (or ids), a single one, or null.
type refs []string

func (l *refs) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || b[0] == 'n' {
		*l = nil
		return nil
	}
	if b[0] != '[' {
		var one ref
		if err := one.UnmarshalJSON(b); err != nil {
			return err
		}
		if b[0] == '"' {
			*l = splitList(string(one))
		} else if one != "" {
			*l = []string{string(one)}
		}
		return nil
	}
	var items []ref
	if err := json.Unmarshal(b, &items); err != nil {
		return err
	}
	out := make([]string, 0, len(items))
	for _, it := range items {
		if it != "" {
			out = append(out, string(it))
		}
	}
	*l = out
	return nil
}

// userID is one of a user's other identifiers.
type userID struct {
	Type       text `json:"type"`
	Identifier text `json:"identifier"`
}

type userIDs []userID

func (l *userIDs) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || b[0] != '[' {
		return nil
	}
	var raw []json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	for _, r := range raw {
		var id userID
		if bytes.HasPrefix(bytes.TrimSpace(r), []byte("{")) {
			if err := json.Unmarshal(r, &id); err != nil {
				return err
			}
		} else {
			var s text
			s.UnmarshalJSON(r)
			t, v, ok := strings.Cut(strings.Trim(string(s), "{}"), ":")
			if !ok {
				continue
			}
			id = userID{Type: text(t), Identifier: text(v)}
		}
		if id.Identifier != "" {
			*l = append(*l, id)
		}
	}
	return nil
}

// role is one of a 1.2 user's roles.
type role struct {
	RoleType  text `json:"roleType"`
	Role      text `json:"role"`
	Org       ref  `json:"org"`
	BeginDate text `json:"beginDate"`
	EndDate   text `json:"endDate"`
}

// Record is any rostering entity: the fields of orgs, academic sessions,
// courses, classes, users and enrollments together (JSON names match
// case-insensitively).
type Record struct {
	SourcedID        text `json:"sourcedId"`
	Status           text `json:"status"`
	DateLastModified text `json:"dateLastModified"`

	Name       text `json:"name"`
	Type       text `json:"type"`
	Identifier text `json:"identifier"`
	Parent     ref  `json:"parent"`

	Title      text `json:"title"`
	StartDate  text `json:"startDate"`
	EndDate    text `json:"endDate"`
	SchoolYear ref  `json:"schoolYear"` // "2027" on a session, a GUIDRef on a course

	CourseCode   text  `json:"courseCode"`
	Grades       texts `json:"grades"`
	Org          ref   `json:"org"`
	Subjects     texts `json:"subjects"`
	SubjectCodes texts `json:"subjectCodes"`

	ClassCode text  `json:"classCode"`
	ClassType text  `json:"classType"`
	Location  text  `json:"location"`
	Course    ref   `json:"course"`
	School    ref   `json:"school"`
	Terms     refs  `json:"terms"`
	Periods   texts `json:"periods"`

	EnabledUser    text    `json:"enabledUser"`
	Orgs           refs    `json:"orgs"`
	Role           text    `json:"role"`
	Username       text    `json:"username"`
	UserIDs        userIDs `json:"userIds"`
	GivenName      text    `json:"givenName"`
	FamilyName     text    `json:"familyName"`
	MiddleName     text    `json:"middleName"`
	Email          text    `json:"email"`
	SMS            text    `json:"sms"`
	Phone          text    `json:"phone"`
	Agents         refs    `json:"agents"`
	AgentSourceIDs refs    `json:"agentSourceIds"` // Ed-Fi's name
	Password       text    `json:"password"`

	Roles                []role `json:"roles"`
	PrimaryOrg           ref    `json:"primaryOrg"`
	UserMasterIdentifier text   `json:"userMasterIdentifier"`
	PreferredFirstName   text   `json:"preferredFirstName"`
	PreferredMiddleName  text   `json:"preferredMiddleName"`
	PreferredLastName    text   `json:"preferredLastName"`
	Pronouns             text   `json:"pronouns"`

	User      ref  `json:"user"`
	Class     ref  `json:"class"`
	Primary   text `json:"primary"`
	BeginDate text `json:"beginDate"`
}

// ID is the record's sourcedId.
func (r *Record) ID() string { return string(r.SourcedID) }

// deleted tells whether the provider marks the record as gone.
func (r *Record) deleted() bool {
	s := strings.ToLower(string(r.Status))
	return s == "tobedeleted" || s == "inactive" || s == "deleted"
}

func boolText(t text) string {
	switch strings.ToLower(string(t)) {
	case "true":
		return "true"
	case "false":
		return "false"
	}
	return string(t)
}

// Modified is dateLastModified as the CSV binding writes it
// (YYYY-MM-DDTHH:MM:SS.sssZ, UTC) when it can be read, else as sent.
func Modified(s string) string {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC().Format("2006-01-02T15:04:05.000Z")
		}
	}
	return s
}

func join(l []string) string { return strings.Join(l, ",") }

// Value is the record's value for a CSV column of its file (spec names).
func (r *Record) Value(col string) string {
	switch col {
	case "sourcedId":
		return string(r.SourcedID)
	case "status":
		return string(r.Status)
	case "dateLastModified":
		return Modified(string(r.DateLastModified))
	case "name":
		return string(r.Name)
	case "type":
		return string(r.Type)
	case "identifier":
		return string(r.Identifier)
	case "parentSourcedId":
		return string(r.Parent)
	case "title":
		return string(r.Title)
	case "startDate":
		return string(r.StartDate)
	case "endDate":
		return string(r.EndDate)
	case "schoolYear", "schoolYearSourcedId":
		return string(r.SchoolYear)
	case "courseCode":
		return string(r.CourseCode)
	case "grades":
		return join(r.Grades)
	case "orgSourcedId":
		return string(r.Org)
	case "subjects":
		return join(r.Subjects)
	case "subjectCodes":
		return join(r.SubjectCodes)
	case "classCode":
		return string(r.ClassCode)
	case "classType":
		return string(r.ClassType)
	case "location":
		return string(r.Location)
	case "courseSourcedId":
		return string(r.Course)
	case "schoolSourcedId":
		return string(r.School)
	case "termSourcedIds":
		return join(r.Terms)
	case "periods":
		return join(r.Periods)
	case "enabledUser":
		return boolText(r.EnabledUser)
	case "orgSourcedIds":
		if len(r.Orgs) == 0 && len(r.Roles) > 0 {
			return join(r.roleOrgs())
		}
		return join(r.Orgs)
	case "role":
		if r.Role == "" && len(r.Roles) > 0 {
			return role11(r.primaryRole().Role)
		}
		return string(r.Role)
	case "username":
		return string(r.Username)
	case "userIds":
		ids := make([]string, len(r.UserIDs))
		for i, id := range r.UserIDs {
			ids[i] = "{" + string(id.Type) + ":" + string(id.Identifier) + "}"
		}
		return join(ids)
	case "givenName":
		return string(r.GivenName)
	case "familyName":
		return string(r.FamilyName)
	case "middleName":
		return string(r.MiddleName)
	case "email":
		return string(r.Email)
	case "sms":
		return string(r.SMS)
	case "phone":
		return string(r.Phone)
	case "agentSourcedIds":
		if len(r.Agents) == 0 {
			return join(r.AgentSourceIDs)
		}
		return join(r.Agents)
	case "password":
		return string(r.Password)
	case "userMasterIdentifier":
		return string(r.UserMasterIdentifier)
	case "preferredGivenName":
		return string(r.PreferredFirstName)
	case "preferredMiddleName":
		return string(r.PreferredMiddleName)
	case "preferredFamilyName":
		return string(r.PreferredLastName)
	case "primaryOrgSourcedId":
		if r.PrimaryOrg == "" {
			if rl := r.primaryRole(); rl.RoleType == "primary" {
				return string(rl.Org)
			}
		}
		return string(r.PrimaryOrg)
	case "pronouns":
		return string(r.Pronouns)
	case "classSourcedId":
		return string(r.Class)
	case "userSourcedId":
		return string(r.User)
	case "primary":
		return boolText(r.Primary)
	case "beginDate":
		return string(r.BeginDate)
	}
	return ""
}

func (r *Record) roleOrgs() []string {
	var out []string
	seen := map[string]bool{}
	for _, rl := range r.Roles {
		if o := string(rl.Org); o != "" && !seen[o] {
			seen[o] = true
			out = append(out, o)
		}
	}
	return out
}

func (r *Record) primaryRole() role {
	for _, rl := range r.Roles {
		if strings.EqualFold(string(rl.RoleType), "primary") {
			return rl
		}
	}
	if len(r.Roles) > 0 {
		return r.Roles[0]
	}
	return role{}
}

// role11 maps a 1.2 role to the 1.1 list.
func role11(r text) string {
	switch r {
	case "districtAdministrator", "siteAdministrator", "systemAdministrator", "principal":
		return "administrator"
	case "counselor":
		return "aide"
	}
	return string(r)
}

// RoleRow is one roles.csv row (OneRoster 1.2) of a user.
type RoleRow map[string]string

// RoleRows are the user's roles as roles.csv rows: the 1.2 roles list, or,
// from a server that sends the 1.1 shape, role × orgs (the first primary).
func (r *Record) RoleRows() []RoleRow {
	type key struct{ org, role string }
	seen := map[key]bool{}
	var out []RoleRow
	add := func(roleType, roleName, org, begin, end string) {
		if org == "" || roleName == "" || seen[key{org, roleName}] {
			return
		}
		seen[key{org, roleName}] = true
		out = append(out, RoleRow{
			"sourcedId": r.ID() + ":" + org + ":" + roleName, "userSourcedId": r.ID(), "roleType": roleType,
			"role": roleName, "orgSourcedId": org, "beginDate": begin, "endDate": end,
			"status": string(r.Status), "dateLastModified": Modified(string(r.DateLastModified)),
		})
	}
	if len(r.Roles) > 0 {
		for _, rl := range r.Roles {
			rt := string(rl.RoleType)
			if rt == "" {
				rt = "primary"
			}
			add(rt, string(rl.Role), string(rl.Org), string(rl.BeginDate), string(rl.EndDate))
		}
		return out
	}
	for i, org := range r.Orgs {
		rt := "secondary"
		if i == 0 {
			rt = "primary"
		}
		add(rt, string(r.Role), org, "", "")
	}
	return out
}
