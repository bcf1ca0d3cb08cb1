package gen

import (
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"
)

// NextDay returns the district one day later, as a SIS would export it:
// about 0.5% of students leave and 0.5% arrive (some with a guardian), about
// 1% of users change a field (e-mail, name, grade, phone), about 1% of
// enrollments are dropped and as many added, one or two classes are removed
// and a new course with one class appears. d is not modified; the result
// shares unchanged rows' strings and slices with d.
func NextDay(d *District, seed int64) *District {
	r := newRand(seed, 2)
	n := &District{Config: d.Config, Version: d.Version, AsOf: d.AsOf.Add(24 * time.Hour), Domain: d.Domain, seq: d.seq}
	n.fixSeq(d)
	n.Orgs = slices.Clone(d.Orgs)
	n.Sessions = slices.Clone(d.Sessions)
	n.Courses = slices.Clone(d.Courses)
	cps := max(d.Config.ClassesPerStudent, 1)

	// Classes: remove one or two scheduled classes.
	removedClass := map[string]bool{}
	classType := make(map[string]string, len(d.Classes))
	var scheduled []int
	for i := range d.Classes {
		classType[d.Classes[i].SourcedID] = d.Classes[i].ClassType
		if d.Classes[i].ClassType == ClassTypeSc {
			scheduled = append(scheduled, i)
		}
	}
	if len(scheduled) > 10 {
		for range 1 + r.IntN(2) {
			removedClass[d.Classes[scheduled[r.IntN(len(scheduled))]].SourcedID] = true
		}
	}
	for i := range d.Classes {
		if !removedClass[d.Classes[i].SourcedID] {
			n.Classes = append(n.Classes, d.Classes[i])
		}
	}

	// Students leaving.
	var students []int
	for i := range d.Users {
		if d.Users[i].Role == RoleStudent {
			students = append(students, i)
		}
	}
	leaving := map[string]bool{}
	for _, i := range sample(r, students, share(len(students), 0.005)) {
		leaving[d.Users[i].SourcedID] = true
	}

	// Users: drop leavers, unlink them from guardians (a guardian left with
	// no student goes too).
	n.Users = make([]User, 0, len(d.Users)+len(d.Users)/100)
	for i := range d.Users {
		u := d.Users[i]
		if leaving[u.SourcedID] {
			continue
		}
		if len(u.AgentSourcedIDs) > 0 && u.Role != RoleStudent {
			kept := slices.DeleteFunc(slices.Clone(u.AgentSourcedIDs), func(s string) bool { return leaving[s] })
			if len(kept) == 0 {
				continue
			}
			if len(kept) != len(u.AgentSourcedIDs) {
				u.AgentSourcedIDs = kept
			}
		}
		n.Users = append(n.Users, u)
	}

	// About 1% of the remaining users change a field.
	all := make([]int, len(n.Users))
	for i := range all {
		all[i] = i
	}
	for _, i := range sample(r, all, share(len(n.Users), 0.01)) {
		changeUser(r, &n.Users[i])
	}

	// Index of the classes by school and grade.
	ix := newClassIndex(n.Classes)
	used := make(map[string]int, len(n.Users))
	for i := range n.Users {
		used[n.Users[i].Username]++
	}

	// Enrollments: keep all but leavers', removed classes' and ~1% of student
	// enrollments in scheduled classes. Remember the classes of the students
	// who will get an extra one.
	var remaining []int
	for i := range n.Users {
		if n.Users[i].Role == RoleStudent {
			remaining = append(remaining, i)
		}
	}
	extra := sample(r, remaining, share(len(d.Enrollments), 0.01))
	extraOf := make(map[string][]string, len(extra))
	for _, i := range extra {
		extraOf[n.Users[i].SourcedID] = []string{}
	}
	n.Enrollments = make([]Enrollment, 0, len(d.Enrollments)+len(d.Enrollments)/50)
	for i := range d.Enrollments {
		e := &d.Enrollments[i]
		if leaving[e.UserSourcedID] || removedClass[e.ClassSourcedID] {
			continue
		}
		if e.Role == RoleStudent && classType[e.ClassSourcedID] == ClassTypeSc && r.IntN(100) == 0 {
			continue
		}
		if list, ok := extraOf[e.UserSourcedID]; ok {
			extraOf[e.UserSourcedID] = append(list, e.ClassSourcedID)
		}
		n.Enrollments = append(n.Enrollments, *e)
	}
	for _, i := range extra {
		u := &n.Users[i]
		if len(u.OrgSourcedIDs) == 0 || len(u.Grades) == 0 {
			continue
		}
		courses := ix.sched[ixKey(u.OrgSourcedIDs[0], u.Grades[0])]
		in := extraOf[u.SourcedID]
		var free []string
		for _, c := range courses {
			if !slices.ContainsFunc(c, func(cl string) bool { return slices.Contains(in, cl) }) {
				free = append(free, c[r.IntN(len(c))])
			}
		}
		if len(free) > 0 {
			n.addEnrollment(free[r.IntN(len(free))], u.OrgSourcedIDs[0], u.SourcedID, RoleStudent, false)
		}
	}

	// New students, enrolled like everyone else; some bring a guardian.
	for range share(len(students), 0.005) {
		if len(remaining) == 0 {
			break
		}
		tpl := &n.Users[remaining[r.IntN(len(remaining))]]
		if len(tpl.OrgSourcedIDs) == 0 || len(tpl.Grades) == 0 {
			continue
		}
		school, grade := tpl.OrgSourcedIDs[0], tpl.Grades[0]
		n.seq.student++
		u := makeStudent(r, n.seq.student, school, grade, n.Domain, used)
		key := ixKey(school, grade)
		if hr := ix.homeroom[key]; len(hr) > 0 {
			n.addEnrollment(hr[r.IntN(len(hr))], school, u.SourcedID, RoleStudent, false)
		}
		courses := ix.sched[key]
		pick := r.Perm(len(courses))
		pick = pick[:min(len(pick), cps-1)]
		slices.Sort(pick)
		for _, c := range pick {
			sec := courses[c]
			n.addEnrollment(sec[r.IntN(len(sec))], school, u.SourcedID, RoleStudent, false)
		}
		if r.IntN(5) == 0 {
			n.seq.guardian++
			g := User{SourcedID: sid("gdn", n.seq.guardian, wGuardian), EnabledUser: true, Role: RoleParent,
				OrgSourcedIDs: []string{school}, AgentSourcedIDs: []string{u.SourcedID}}
			person(r, &g)
			g.PreferredGivenName, g.Pronouns = "", ""
			g.FamilyName = u.FamilyName
			g.Username = slug(g.GivenName) + "." + slug(g.FamilyName) + strconv.Itoa(n.seq.guardian)
			g.Email = g.Username + "@mail.example.com"
			g.Phone = phone(r)
			u.AgentSourcedIDs = []string{g.SourcedID}
			n.Users = append(n.Users, g)
		}
		n.Users = append(n.Users, u)
	}

	// A new course with one class, a teacher and some students.
	if len(remaining) > 0 {
		tpl := &n.Users[remaining[r.IntN(len(remaining))]]
		if len(tpl.OrgSourcedIDs) > 0 && len(tpl.Grades) > 0 {
			n.newCourseAndClass(r, tpl.OrgSourcedIDs[0], tpl.Grades[0])
		}
	}

	slices.SortFunc(n.Users, func(a, b User) int { return strings.Compare(a.SourcedID, b.SourcedID) })
	return n
}

// share is about frac of total, at least one when total > 0.
func share(total int, frac float64) int {
	if total <= 0 {
		return 0
	}
	return max(1, int(float64(total)*frac+0.5))
}

// sample picks k distinct elements of from (not modified), in from's order.
func sample(r *rand.Rand, from []int, k int) []int {
	k = min(k, len(from))
	c := slices.Clone(from)
	for i := 0; i < k; i++ {
		j := i + r.IntN(len(c)-i)
		c[i], c[j] = c[j], c[i]
	}
	c = c[:k]
	slices.Sort(c)
	return c
}

// changeUser changes one field of u the way SIS data changes day to day.
func changeUser(r *rand.Rand, u *User) {
	local, domain, _ := strings.Cut(u.Email, "@")
	switch x := r.IntN(20); {
	case x < 8: // new e-mail address
		u.Email = local + strconv.Itoa(2+r.IntN(8)) + "@" + domain
	case x < 14: // family name changes (and staff e-mail follows)
		old := u.FamilyName
		for u.FamilyName == old {
			u.FamilyName = familyNames[r.IntN(len(familyNames))]
		}
		if u.Role != RoleStudent && u.Email != "" {
			u.Email = slug(u.GivenName) + "." + slug(u.FamilyName) + strconv.Itoa(r.IntN(100)) + "@" + domain
		}
	case x < 17: // given name corrected, or a preferred name appears
		if u.PreferredGivenName == "" {
			u.PreferredGivenName = strings.ToUpper(slug(u.GivenName)[:1]) + "."
		} else {
			u.PreferredGivenName = ""
		}
		u.MiddleName = middleNames[r.IntN(len(middleNames))]
	default: // a student's grade is corrected; others get a new phone number
		if u.Role == RoleStudent && len(u.Grades) == 1 {
			gi := gradeIndex(u.Grades[0])
			if gi >= 0 && gi+1 < len(allGrades) {
				u.Grades = []string{allGrades[gi+1]}
			} else if gi > 0 {
				u.Grades = []string{allGrades[gi-1]}
			}
		} else {
			u.Phone = phone(r)
		}
	}
}

type classIndex struct {
	sched    map[string][][]string // school|grade -> per course -> class ids
	homeroom map[string][]string   // school|grade -> class ids
}

func ixKey(school, grade string) string { return school + "|" + grade }

func newClassIndex(classes []Class) *classIndex {
	ix := &classIndex{sched: map[string][][]string{}, homeroom: map[string][]string{}}
	pos := map[string]int{} // course -> index in its key's list
	for i := range classes {
		c := &classes[i]
		if len(c.Grades) == 0 {
			continue
		}
		key := ixKey(c.SchoolSourcedID, c.Grades[0])
		if c.ClassType == ClassTypeHR {
			ix.homeroom[key] = append(ix.homeroom[key], c.SourcedID)
			continue
		}
		p, ok := pos[c.CourseSourcedID]
		if !ok {
			p = len(ix.sched[key])
			pos[c.CourseSourcedID] = p
			ix.sched[key] = append(ix.sched[key], nil)
		}
		ix.sched[key][p] = append(ix.sched[key][p], c.SourcedID)
	}
	return ix
}

func (n *District) addEnrollment(class, school, user, role string, primary bool) {
	n.seq.enrollment++
	n.Enrollments = append(n.Enrollments, Enrollment{SourcedID: sid("enr", n.seq.enrollment, wEnrollment),
		ClassSourcedID: class, SchoolSourcedID: school, UserSourcedID: user, Role: role, Primary: primary})
}

func (n *District) newCourseAndClass(r *rand.Rand, school, grade string) {
	var teachers, kids []string
	for i := range n.Users {
		u := &n.Users[i]
		if len(u.OrgSourcedIDs) == 0 || u.OrgSourcedIDs[0] != school {
			continue
		}
		switch {
		case u.Role == RoleTeacher:
			teachers = append(teachers, u.SourcedID)
		case u.Role == RoleStudent && len(u.Grades) > 0 && u.Grades[0] == grade:
			kids = append(kids, u.SourcedID)
		}
	}
	if len(teachers) == 0 {
		return
	}
	n.seq.course++
	c := Course{SourcedID: sid("crs", n.seq.course, wCourse), SchoolYearSourcedID: SchoolYear,
		Title: "Robotics " + strings.TrimPrefix(gradeLabel(grade), "Grade "), CourseCode: "ROBO-" + grade,
		Grades: []string{grade}, OrgSourcedID: school, Subjects: []string{"Engineering"}, SubjectCodes: []string{"21001"}}
	n.Courses = append(n.Courses, c)
	n.seq.class++
	cl := Class{SourcedID: sid("cls", n.seq.class, wClass), Title: c.Title + " - Section 1", Grades: c.Grades,
		CourseSourcedID: c.SourcedID, ClassCode: c.CourseCode + "-01", ClassType: ClassTypeSc,
		Location: "Makerspace", SchoolSourcedID: school, TermSourcedIDs: []string{Semester2},
		Subjects: c.Subjects, SubjectCodes: c.SubjectCodes, Periods: []string{"8"}}
	n.Classes = append(n.Classes, cl)
	n.addEnrollment(cl.SourcedID, school, teachers[r.IntN(len(teachers))], RoleTeacher, true)
	idx := make([]int, len(kids))
	for i := range idx {
		idx[i] = i
	}
	for _, k := range sample(r, idx, 15) {
		n.addEnrollment(cl.SourcedID, school, kids[k], RoleStudent, false)
	}
}

// fixSeq makes sure n's counters are past every number d uses (for districts
// not made by Generate).
func (n *District) fixSeq(d *District) {
	if n.seq != (seqs{}) {
		return
	}
	num := func(id string) int {
		k := strings.LastIndexByte(id, '-')
		v, _ := strconv.Atoi(id[k+1:])
		return v
	}
	for i := range d.Users {
		switch id := d.Users[i].SourcedID; {
		case strings.HasPrefix(id, "stu-"):
			n.seq.student = max(n.seq.student, num(id))
		case strings.HasPrefix(id, "gdn-"):
			n.seq.guardian = max(n.seq.guardian, num(id))
		}
	}
	for i := range d.Courses {
		n.seq.course = max(n.seq.course, num(d.Courses[i].SourcedID))
	}
	for i := range d.Classes {
		n.seq.class = max(n.seq.class, num(d.Classes[i].SourcedID))
	}
	for i := range d.Enrollments {
		n.seq.enrollment = max(n.seq.enrollment, num(d.Enrollments[i].SourcedID))
	}
}
