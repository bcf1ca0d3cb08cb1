// Package gen generates realistic, seeded OneRoster districts and writes them
// as CSV bundles (bulk or delta, folder or flat zip) for tests and benchmarks.
//
// A district is one district org, its schools, a school year with two
// semesters, courses and classes per school, users (students, teachers,
// administrators, aides, guardians) and enrollments. Everything is derived
// from Config.Seed, so the same Config always gives the same bytes.
//
// The package uses the standard library only and does not import the engine.
package gen

import (
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Config sizes a district. Zero fields take the defaults described on each
// field; a negative Admins, Aides or Guardians means none.
type Config struct {
	Seed int64

	Schools  int // default 3
	Students int // default 100 per school
	Teachers int // default Students/17, at least one per school

	Admins    int // district administrators; default max(2, Schools/8)
	Aides     int // default Teachers/15
	Guardians int // default Students/5

	ClassesPerTeacher int // scheduled+homeroom classes a teacher leads, about; default 6
	ClassesPerStudent int // classes a student is enrolled in, homeroom included; default 8

	Version string // "1.1" (default) or "1.2"
}

// Small is a district for unit tests: 3 schools, 300 students, 20 teachers.
func Small() Config {
	return Config{Seed: 1, Schools: 3, Students: 300, Teachers: 20, Admins: 3, Aides: 4, Guardians: 60,
		ClassesPerTeacher: 6, ClassesPerStudent: 8, Version: "1.1"}
}

// Medium is a mid-sized district: 12 schools, 12,000 students, 720 teachers.
func Medium() Config {
	return Config{Seed: 1, Schools: 12, Students: 12000, Teachers: 720, Admins: 4, Aides: 48, Guardians: 2400,
		ClassesPerTeacher: 6, ClassesPerStudent: 8, Version: "1.1"}
}

// Large is the benchmark district: 100 schools, 150,000 students, 9,000
// teachers and about 1.26 million enrollments (8 classes per student).
func Large() Config {
	return Config{Seed: 1, Schools: 100, Students: 150000, Teachers: 9000, Admins: 12, Aides: 600, Guardians: 30000,
		ClassesPerTeacher: 6, ClassesPerStudent: 8, Version: "1.1"}
}

// Default returns the named size: "small", "medium" or "large".
func Default(size string) (Config, bool) {
	switch strings.ToLower(size) {
	case "small":
		return Small(), true
	case "medium":
		return Medium(), true
	case "large":
		return Large(), true
	}
	return Config{}, false
}

// Normalized returns c with defaults filled in and impossible values fixed
// (at least one school, at least one teacher per school).
func (c Config) Normalized() Config {
	if c.Schools <= 0 {
		c.Schools = 3
	}
	if c.Students == 0 {
		c.Students = 100 * c.Schools
	}
	if c.Students < 0 {
		c.Students = 0
	}
	if c.Teachers <= 0 {
		c.Teachers = c.Students / 17
	}
	if c.Teachers < c.Schools {
		c.Teachers = c.Schools
	}
	if c.Admins == 0 {
		c.Admins = max(2, c.Schools/8)
	}
	if c.Aides == 0 {
		c.Aides = c.Teachers / 15
	}
	if c.Guardians == 0 {
		c.Guardians = c.Students / 5
	}
	if c.Students == 0 {
		c.Guardians = 0
	}
	c.Admins, c.Aides, c.Guardians = max(c.Admins, 0), max(c.Aides, 0), max(c.Guardians, 0)
	if c.ClassesPerTeacher <= 0 {
		c.ClassesPerTeacher = 6
	}
	if c.ClassesPerStudent <= 0 {
		c.ClassesPerStudent = 8
	}
	if c.Version != "1.2" {
		c.Version = "1.1"
	}
	return c
}

// 1.1 user roles used by the generator.
const (
	RoleStudent       = "student"
	RoleTeacher       = "teacher"
	RoleAdministrator = "administrator"
	RoleAide          = "aide"
	RoleGuardian      = "guardian"
	RoleParent        = "parent"
	RoleRelative      = "relative"
)

// Org is a row of orgs.csv.
type Org struct {
	SourcedID, Name, Type, Identifier, ParentSourcedID string
}

// AcademicSession is a row of academicSessions.csv.
type AcademicSession struct {
	SourcedID, Title, Type, StartDate, EndDate, ParentSourcedID, SchoolYear string
}

// Course is a row of courses.csv.
type Course struct {
	SourcedID, SchoolYearSourcedID, Title, CourseCode string
	Grades                                            []string
	OrgSourcedID                                      string
	Subjects, SubjectCodes                            []string
}

// Class is a row of classes.csv.
type Class struct {
	SourcedID, Title                                string
	Grades                                          []string
	CourseSourcedID, ClassCode, ClassType, Location string
	SchoolSourcedID                                 string
	TermSourcedIDs, Subjects, SubjectCodes, Periods []string
}

// User is a row of users.csv. Role and OrgSourcedIDs are written to users.csv
// in 1.1 and become roles.csv rows in 1.2 (the first org is the primary one).
type User struct {
	SourcedID       string
	EnabledUser     bool
	OrgSourcedIDs   []string
	Role            string // 1.1 role
	Username        string
	UserIDs         []string
	GivenName       string
	FamilyName      string
	MiddleName      string
	Identifier      string
	Email           string
	SMS             string
	Phone           string
	AgentSourcedIDs []string
	Grades          []string
	Password        string

	// 1.2 only.
	UserMasterIdentifier string
	PreferredGivenName   string
	PreferredMiddleName  string
	PreferredFamilyName  string
	Pronouns             string
}

// Enrollment is a row of enrollments.csv (beginDate and endDate are left blank).
type Enrollment struct {
	SourcedID, ClassSourcedID, SchoolSourcedID, UserSourcedID, Role string
	Primary                                                         bool
}

// District is a whole roster. Each slice is kept sorted by SourcedID.
type District struct {
	Config  Config // normalized
	Version string // "1.1" or "1.2"
	AsOf    time.Time
	Domain  string // staff e-mail domain

	Orgs        []Org
	Sessions    []AcademicSession
	Courses     []Course
	Classes     []Class
	Users       []User
	Enrollments []Enrollment

	seq seqs // last numbers handed out, so NextDay never reuses a sourcedId
}

type seqs struct{ student, guardian, course, class, enrollment int }

// Fixed identifiers of the generated school year.
const (
	DistrictID  = "dst-0001"
	SchoolYear  = "ay-2027"
	Semester1   = "sem-2027-1"
	Semester2   = "sem-2027-2"
	ClassTypeHR = "homeroom"
	ClassTypeSc = "scheduled"
)

// Widths of the zero-padded numbers in sourcedIds (wider if ever needed).
const (
	wSchool     = 4
	wStudent    = 7
	wTeacher    = 5
	wStaff      = 4
	wGuardian   = 6
	wCourse     = 6
	wClass      = 6
	wEnrollment = 8
)

// allGrades are the CEDS grade codes the generator uses, in order.
var allGrades = []string{"KG", "01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12"}

func gradeIndex(g string) int { return slices.Index(allGrades, g) }

// band is a kind of school.
type band struct {
	kind     string
	grades   []string
	subjects []subject
}

var (
	bandElementary = band{"Elementary School", allGrades[0:6], subjectsElementary}
	bandMiddle     = band{"Middle School", allGrades[6:9], subjectsSecondary}
	bandHigh       = band{"High School", allGrades[9:13], subjectsSecondary}
	bandK12        = band{"K-12 Academy", allGrades, subjectsSecondary}
)

func schoolBand(i, n int) band {
	switch {
	case n == 1:
		return bandK12
	case n < 5:
		return []band{bandElementary, bandMiddle, bandHigh}[i%3]
	}
	return []band{bandElementary, bandElementary, bandElementary, bandMiddle, bandHigh}[i%5]
}

func gradeLabel(g string) string {
	if g == "KG" {
		return "Kindergarten"
	}
	n, _ := strconv.Atoi(g)
	return "Grade " + strconv.Itoa(n)
}

func newRand(seed int64, stream uint64) *rand.Rand {
	return rand.New(rand.NewPCG(uint64(seed), 0x9e3779b97f4a7c15^stream))
}

// sid builds a sourcedId: prefix, '-', n zero-padded to width.
func sid(prefix string, n, width int) string {
	var buf [40]byte
	b := append(buf[:0], prefix...)
	b = append(b, '-')
	digits := 1
	for x := n; x >= 10; x /= 10 {
		digits++
	}
	for i := digits; i < width; i++ {
		b = append(b, '0')
	}
	b = strconv.AppendInt(b, int64(n), 10)
	return string(b)
}

func pad(n, width int) string {
	s := strconv.Itoa(n)
	if len(s) < width {
		s = strings.Repeat("0", width-len(s)) + s
	}
	return s
}

// allocate splits total over weights (largest remainder), each share >= minEach.
func allocate(total int, weights []float64, minEach int) []int {
	out := make([]int, len(weights))
	if len(weights) == 0 {
		return out
	}
	rest := total - minEach*len(weights)
	if rest < 0 {
		rest = 0
	}
	var sum float64
	for _, w := range weights {
		sum += w
	}
	type rem struct {
		i int
		r float64
	}
	rems := make([]rem, len(weights))
	given := 0
	for i, w := range weights {
		share := float64(rest) / float64(len(weights))
		if sum > 0 {
			share = float64(rest) * w / sum
		}
		out[i] = minEach + int(share)
		given += int(share)
		rems[i] = rem{i, share - math.Floor(share)}
	}
	slices.SortStableFunc(rems, func(a, b rem) int {
		switch {
		case a.r > b.r:
			return -1
		case a.r < b.r:
			return 1
		}
		return 0
	})
	for k := 0; given < rest; k++ {
		out[rems[k%len(rems)].i]++
		given++
	}
	return out
}

var nicknames = map[string]string{
	"Christopher": "Chris", "Elizabeth": "Liz", "William": "Will", "Robert": "Bob", "Joseph": "Joe",
	"Michael": "Mike", "Matthew": "Matt", "Jennifer": "Jen", "Anthony": "Tony", "Daniel": "Dan",
	"José": "Pepe", "Patricia": "Patty", "Richard": "Rick", "Dmitri": "Dima", "Łukasz": "Luke",
}

// person fills the name fields of u.
func person(r *rand.Rand, u *User) {
	u.GivenName = givenNames[r.IntN(len(givenNames))]
	u.FamilyName = familyNames[r.IntN(len(familyNames))]
	if r.IntN(4) == 0 {
		u.MiddleName = middleNames[r.IntN(len(middleNames))]
	}
	if nick, ok := nicknames[u.GivenName]; ok && r.IntN(3) == 0 {
		u.PreferredGivenName = nick
	}
	if r.IntN(20) == 0 {
		u.Pronouns = pronounsPool[r.IntN(len(pronounsPool))]
	}
}

func phone(r *rand.Rand) string {
	return "555-" + pad(100+r.IntN(900), 3) + "-" + pad(r.IntN(10000), 4)
}

// school is the builder's view of one school.
type school struct {
	org      int // index in d.Orgs
	id       string
	band     band
	nSubj    int                // subjects offered per grade
	students []int              // indexes into the students slice
	teachers []int              // indexes into the teachers slice
	homeroom map[string][]int   // grade -> class indexes
	courses  map[string][][]int // grade -> per subject -> class indexes
}

type builder struct {
	cfg      Config
	r        *rand.Rand
	d        *District
	schools  []*school
	students []User
	stuSch   []int32 // school index per student
	teachers []User
	usedName map[string]int
}

// Generate builds the district described by cfg. It is deterministic: the
// same Config gives the same District.
func Generate(cfg Config) *District {
	cfg = cfg.Normalized()
	d := &District{Config: cfg, Version: cfg.Version, AsOf: time.Date(2026, 11, 23, 6, 0, 0, 0, time.UTC)}
	b := &builder{cfg: cfg, r: newRand(cfg.Seed, 1), d: d, usedName: map[string]int{}}
	b.orgs()
	b.sessions()
	b.people()
	b.classes()
	b.studentEnrollments()
	b.staffAndGuardians()
	return d
}

// Rows counts the data rows each file of d's bulk bundle holds, by file name
// without ".csv" (absent files are not listed).
func (d *District) Rows() map[string]int {
	out := map[string]int{}
	for _, t := range d.tables() {
		if t.n > 0 {
			out[t.name] = t.n
		}
	}
	return out
}
