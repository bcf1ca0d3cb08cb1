package sync

import "strings"

// fileSpec is one OneRoster CSV file: its columns in spec order and the ones
// whose values are required (a header without them is unusable).
type fileSpec struct {
	cols     []string
	required []string
	known    []string // columns real exports carry that a version of the spec had (read by name, never warned)
}

// all is every column name the file may carry.
func (f fileSpec) all() []string {
	if len(f.known) == 0 {
		return f.cols
	}
	return append(append([]string(nil), f.cols...), f.known...)
}

var specs11 = map[string]fileSpec{
	"orgs": {cols: []string{"sourcedId", "status", "dateLastModified", "name", "type", "identifier", "parentSourcedId"},
		required: []string{"sourcedId", "name", "type"}},
	"academicSessions": {cols: []string{"sourcedId", "status", "dateLastModified", "title", "type", "startDate", "endDate", "parentSourcedId", "schoolYear"},
		required: []string{"sourcedId", "title", "type", "startDate", "endDate", "schoolYear"}},
	"courses": {cols: []string{"sourcedId", "status", "dateLastModified", "schoolYearSourcedId", "title", "courseCode", "grades", "orgSourcedId", "subjects", "subjectCodes"},
		required: []string{"sourcedId", "title", "orgSourcedId"}},
	"classes": {cols: []string{"sourcedId", "status", "dateLastModified", "title", "grades", "courseSourcedId", "classCode", "classType", "location", "schoolSourcedId", "termSourcedIds", "subjects", "subjectCodes", "periods"},
		required: []string{"sourcedId", "title", "courseSourcedId", "classType", "schoolSourcedId", "termSourcedIds"}},
	"users": {cols: []string{"sourcedId", "status", "dateLastModified", "enabledUser", "orgSourcedIds", "role", "username", "userIds", "givenName", "familyName", "middleName", "identifier", "email", "sms", "phone", "agentSourcedIds", "grades", "password"},
		required: []string{"sourcedId", "enabledUser", "orgSourcedIds", "role", "username", "givenName", "familyName"}},
	"enrollments": {cols: []string{"sourcedId", "status", "dateLastModified", "classSourcedId", "schoolSourcedId", "userSourcedId", "role", "primary", "beginDate", "endDate"},
		required: []string{"sourcedId", "classSourcedId", "schoolSourcedId", "userSourcedId", "role"}},
	"demographics": {cols: []string{"sourcedId", "status", "dateLastModified", "birthDate", "sex", "americanIndianOrAlaskaNative", "asian",
		"blackOrAfricanAmerican", "nativeHawaiianOrOtherPacificIslander", "white", "demographicRaceTwoOrMoreRaces", "hispanicOrLatinoEthnicity",
		"countryOfBirthCode", "stateOfBirthAbbreviation", "cityOfBirth", "publicSchoolResidenceStatus"},
		required: []string{"sourcedId"}},
}

var specs12 = map[string]fileSpec{
	"users": {cols: []string{"sourcedId", "status", "dateLastModified", "enabledUser", "username", "userIds", "givenName", "familyName", "middleName", "identifier", "email", "sms", "phone", "agentSourcedIds", "grades", "password", "userMasterIdentifier", "preferredGivenName", "preferredMiddleName", "preferredFamilyName", "primaryOrgSourcedId", "pronouns"},
		required: []string{"sourcedId", "enabledUser", "username", "givenName", "familyName"},
		// resourceSourcedIds: the 2022 (pre-1.2.1) layout, between userMasterIdentifier and preferredGivenName.
		known: []string{"resourceSourcedIds"}},
	"roles": {cols: []string{"sourcedId", "status", "dateLastModified", "userSourcedId", "roleType", "role", "beginDate", "endDate", "orgSourcedId", "userProfileSourcedId"},
		required: []string{"sourcedId", "userSourcedId", "roleType", "role", "orgSourcedId"}},
	"userProfiles": {cols: []string{"sourcedId", "status", "dateLastModified", "userSourcedId", "profileType", "vendorId", "applicationId",
		"description", "credentialType", "username", "password"},
		required: []string{"sourcedId", "userSourcedId", "profileType", "vendorId"}},
}

// renamed10 maps the OneRoster 1.0 names of columns to their 1.1 names.
var renamed10 = map[string]string{
	"grade": "grades", "userId": "userIds", "agents": "agentSourcedIds", "schoolYearId": "schoolYearSourcedId",
	"termSourcedId": "termSourcedIds",
}

// renamedTo gives the 1.1 name of a 1.0 column name, in any case.
func renamedTo(h string) (string, bool) {
	for old, now := range renamed10 {
		if strings.EqualFold(h, old) {
			return now, true
		}
	}
	return "", false
}

// markers10 are 1.0 column names that 1.1 renamed.
var markers10 = map[string][]string{
	"users":            {"userid", "agents"},
	"classes":          {"grade", "termsourcedid"},
	"courses":          {"schoolyearid", "grade"},
	"academicSessions": {},
}

// markers11 are columns only 1.1 and later have.
var markers11 = map[string][]string{
	"users":            {"enableduser", "userids", "agentsourcedids", "grades", "middlename"},
	"classes":          {"grades", "termsourcedids", "periods", "subjectcodes"},
	"courses":          {"schoolyearsourcedid", "grades", "subjectcodes"},
	"academicSessions": {"schoolyear"},
	"enrollments":      {"begindate", "enddate"},
}

// specFor is a file's spec in a version: 1.2 keeps 1.1's files it did not change.
func specFor(version, file string) (fileSpec, bool) {
	if s, ok := specs12[file]; ok && version == "1.2" {
		return s, ok
	}
	s, ok := specs11[file]
	return s, ok
}

// knownFiles are every data file name of OneRoster 1.1 and 1.2 (without .csv).
var knownFiles = []string{"academicSessions", "categories", "classes", "classResources", "courses", "courseResources",
	"demographics", "enrollments", "lineItemLearningObjectiveIds", "lineItems", "lineItemScoreScales", "orgs", "resources",
	"resultLearningObjectiveIds", "results", "resultScoreScales", "roles", "scoreScales", "userProfiles", "userResources", "users"}

// canonicalFile maps a file name (any case, with or without .csv) to its OneRoster name.
func canonicalFile(name string) (string, bool) {
	base := strings.TrimSuffix(name, ".csv")
	base = strings.TrimSuffix(base, ".CSV")
	for _, k := range knownFiles {
		if strings.EqualFold(k, base) {
			return k, true
		}
	}
	return "", false
}

// A vocab is a OneRoster enumeration. An extensible one (ext) also takes
// ext:<token> values; every one of them takes its values in another case,
// corrected with a warning.
type vocab struct {
	values []string
	ext    bool
}

// The enumerations rows are checked against.
var (
	orgTypes     = vocab{ext: true, values: []string{"department", "school", "district", "local", "state", "national"}}
	sessionTypes = vocab{ext: true, values: []string{"gradingPeriod", "semester", "schoolYear", "term"}}
	classTypes   = vocab{ext: true, values: []string{"homeroom", "scheduled"}}
	roles11      = vocab{ext: true, values: []string{"administrator", "aide", "guardian", "parent", "proctor", "relative", "student", "teacher"}}
	roles12      = vocab{ext: true, values: []string{"aide", "counselor", "districtAdministrator", "guardian", "parent", "principal", "proctor", "relative",
		"siteAdministrator", "student", "systemAdministrator", "teacher"}}
	enrollRoles = vocab{ext: true, values: []string{"administrator", "proctor", "student", "teacher"}}
	roleTypes   = vocab{values: []string{"primary", "secondary"}}
)

// skippedRoles are people who are not students or staff; they are counted, not stored.
var skippedRoles = map[string]bool{"guardian": true, "parent": true, "relative": true}
