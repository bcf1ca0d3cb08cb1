package gen

import (
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
)

func (b *builder) orgs() {
	r, d := b.r, b.d
	city := cityNames[r.IntN(len(cityNames))]
	d.Domain = slug(city) + ".k12.example.org"
	d.Orgs = append(d.Orgs, Org{SourcedID: DistrictID, Name: city + " Unified School District", Type: "district",
		Identifier: "NCES-" + pad(600000+r.IntN(400000), 7)})
	prefixes := slices.Clone(schoolNamePrefixes)
	r.Shuffle(len(prefixes), func(i, j int) { prefixes[i], prefixes[j] = prefixes[j], prefixes[i] })
	quarter := []string{"North", "South", "East", "West"}
	for i := 0; i < b.cfg.Schools; i++ {
		bd := schoolBand(i, b.cfg.Schools)
		name := prefixes[i%len(prefixes)]
		if i >= len(prefixes) {
			name += " " + quarter[(i/len(prefixes)-1)%len(quarter)]
			if i >= len(prefixes)*(len(quarter)+1) {
				name += " " + strconv.Itoa(i/(len(prefixes)*(len(quarter)+1))+1)
			}
		}
		name += " " + bd.kind
		if i == 1 {
			name += ", North Campus" // a comma: the field must be quoted
		}
		id := sid("sch", i+1, wSchool)
		d.Orgs = append(d.Orgs, Org{SourcedID: id, Name: name, Type: "school",
			Identifier: pad(100000+i*37+r.IntN(30), 6), ParentSourcedID: DistrictID})
		nSubj := min(len(bd.subjects), max(b.cfg.ClassesPerStudent-1, 0)+2)
		b.schools = append(b.schools, &school{org: len(d.Orgs) - 1, id: id, band: bd, nSubj: nSubj,
			homeroom: map[string][]int{}, courses: map[string][][]int{}})
	}
}

func (b *builder) sessions() {
	b.d.Sessions = []AcademicSession{
		{SourcedID: SchoolYear, Title: "2026-2027", Type: "schoolYear", StartDate: "2026-08-17", EndDate: "2027-06-11", SchoolYear: "2027"},
		{SourcedID: Semester1, Title: "Fall 2026", Type: "semester", StartDate: "2026-08-17", EndDate: "2026-12-18", ParentSourcedID: SchoolYear, SchoolYear: "2027"},
		{SourcedID: Semester2, Title: "Spring 2027", Type: "semester", StartDate: "2027-01-05", EndDate: "2027-06-11", ParentSourcedID: SchoolYear, SchoolYear: "2027"},
	}
}

// staffUsername returns a unique first.last username.
func (b *builder) staffUsername(u *User) string {
	base := slug(u.GivenName) + "." + slug(u.FamilyName)
	b.usedName[base]++
	if n := b.usedName[base]; n > 1 {
		return base + strconv.Itoa(n)
	}
	return base
}

func (b *builder) newStudent(r *rand.Rand, n int, sch *school, grade string) User {
	return makeStudent(r, n, sch.id, grade, b.d.Domain, b.usedName)
}

// makeStudent builds student number n; used holds the usernames taken so far.
func makeStudent(r *rand.Rand, n int, schoolID, grade, domain string, used map[string]int) User {
	u := User{SourcedID: sid("stu", n, wStudent), EnabledUser: r.IntN(500) != 0, Role: RoleStudent,
		OrgSourcedIDs: []string{schoolID}, Grades: []string{grade}}
	person(r, &u)
	u.Identifier = pad(2000000+n, 7)
	u.Username = string(slug(u.GivenName)[0]) + slug(u.FamilyName) + u.Identifier[len(u.Identifier)-5:]
	if used[u.Username] > 0 {
		u.Username += "x" + strconv.Itoa(n)
	}
	used[u.Username]++
	u.Email = u.Username + "@students." + domain
	u.UserIDs = []string{"{SIS:" + u.Identifier + "}"}
	if r.IntN(3) == 0 {
		u.UserIDs = append(u.UserIDs, "{LDAP:"+u.Username+"}")
	}
	u.UserMasterIdentifier = u.Identifier
	return u
}

func (b *builder) people() {
	r, cfg := b.r, b.cfg
	// Students: per-grade cohorts are about equal, so weight schools by grade count.
	w := make([]float64, len(b.schools))
	for i, s := range b.schools {
		w[i] = float64(len(s.band.grades)) * (0.75 + 0.5*r.Float64())
	}
	perSchool := allocate(cfg.Students, w, 0)
	n := 0
	for si, s := range b.schools {
		for j := 0; j < perSchool[si]; j++ {
			n++
			g := s.band.grades[r.IntN(len(s.band.grades))]
			u := b.newStudent(r, n, s, g)
			if cfg.Schools > 1 && r.IntN(200) == 0 {
				u.OrgSourcedIDs = append(u.OrgSourcedIDs, b.otherSchool(r, si))
			}
			s.students = append(s.students, len(b.students))
			b.students = append(b.students, u)
			b.stuSch = append(b.stuSch, int32(si))
		}
	}
	b.d.seq.student = n

	// Teachers, proportional to students.
	tw := make([]float64, len(b.schools))
	for i := range b.schools {
		tw[i] = float64(perSchool[i]) + 1
	}
	perSchoolT := allocate(cfg.Teachers, tw, 1)
	n = 0
	for si, s := range b.schools {
		for j := 0; j < perSchoolT[si]; j++ {
			n++
			u := User{SourcedID: sid("tch", n, wTeacher), EnabledUser: true, Role: RoleTeacher, OrgSourcedIDs: []string{s.id}}
			person(r, &u)
			u.Identifier = "T" + pad(n, 5)
			u.Username = b.staffUsername(&u)
			u.Email = u.Username + "@" + b.d.Domain
			u.UserIDs = []string{"{LDAP:" + u.Username + "}"}
			if r.IntN(3) == 0 {
				u.Phone = phone(r)
			}
			if cfg.Schools > 1 && r.IntN(33) == 0 {
				u.OrgSourcedIDs = append(u.OrgSourcedIDs, b.otherSchool(r, si))
			}
			u.UserMasterIdentifier = u.Identifier
			s.teachers = append(s.teachers, len(b.teachers))
			b.teachers = append(b.teachers, u)
		}
	}
}

func (b *builder) otherSchool(r *rand.Rand, si int) string {
	o := r.IntN(len(b.schools) - 1)
	if o >= si {
		o++
	}
	return b.schools[o].id
}

func (b *builder) addEnrollment(class, school, user, role string, primary bool) {
	b.d.seq.enrollment++
	b.d.Enrollments = append(b.d.Enrollments, Enrollment{SourcedID: sid("enr", b.d.seq.enrollment, wEnrollment),
		ClassSourcedID: class, SchoolSourcedID: school, UserSourcedID: user, Role: role, Primary: primary})
}

func (b *builder) newCourse(s *school, title, code string, grades []string, subj *subject) int {
	d := b.d
	d.seq.course++
	c := Course{SourcedID: sid("crs", d.seq.course, wCourse), SchoolYearSourcedID: SchoolYear, Title: title,
		CourseCode: code, Grades: grades, OrgSourcedID: s.id}
	if subj != nil {
		c.Subjects, c.SubjectCodes = []string{subj.name}, []string{subj.code}
	}
	d.Courses = append(d.Courses, c)
	return len(d.Courses) - 1
}

// newClass appends a class of course ci led by teacher (a teachers index)
// and its teacher enrollments; it returns the class index.
func (b *builder) newClass(r *rand.Rand, s *school, ci int, grade string, section int, typ string, teacher int, coTeacher int) int {
	d := b.d
	c := &d.Courses[ci]
	d.seq.class++
	cl := Class{SourcedID: sid("cls", d.seq.class, wClass), Grades: []string{grade}, CourseSourcedID: c.SourcedID,
		ClassType: typ, SchoolSourcedID: s.id, Subjects: c.Subjects, SubjectCodes: c.SubjectCodes}
	if typ == ClassTypeHR {
		cl.Title = "Homeroom " + gradeLabel(grade) + " - " + strconv.Itoa(section)
		cl.ClassCode = "HR-" + grade + "-" + pad(section, 2)
		cl.TermSourcedIDs = []string{Semester1, Semester2}
	} else {
		cl.Title = c.Title + " - Section " + strconv.Itoa(section)
		cl.ClassCode = c.CourseCode + "-" + pad(section, 2)
		switch x := r.IntN(10); {
		case x == 0:
			cl.TermSourcedIDs = []string{Semester1}
		case x == 1:
			cl.TermSourcedIDs = []string{Semester2}
		default:
			cl.TermSourcedIDs = []string{Semester1, Semester2}
		}
		p := 1 + r.IntN(7)
		if r.IntN(20) == 0 {
			cl.Periods = []string{strconv.Itoa(p), strconv.Itoa(p%7 + 1)}
		} else {
			cl.Periods = []string{strconv.Itoa(p)}
		}
	}
	if r.IntN(100) == 0 {
		cl.Location = `Portable "` + string(rune('A'+r.IntN(6))) + `"`
	} else {
		cl.Location = "Room " + strconv.Itoa(100+r.IntN(300))
	}
	d.Classes = append(d.Classes, cl)
	b.addEnrollment(cl.SourcedID, s.id, b.teachers[teacher].SourcedID, RoleTeacher, true)
	if coTeacher >= 0 {
		b.addEnrollment(cl.SourcedID, s.id, b.teachers[coTeacher].SourcedID, RoleTeacher, false)
	}
	return len(d.Classes) - 1
}

func (b *builder) classes() {
	r, cfg := b.r, b.cfg
	const homeroomSize = 28
	for _, s := range b.schools {
		perGrade := map[string]int{}
		for _, st := range s.students {
			perGrade[b.students[st].Grades[0]]++
		}
		k := min(cfg.ClassesPerStudent-1, s.nSubj)
		homerooms := 0
		for _, g := range s.band.grades {
			homerooms += (perGrade[g] + homeroomSize - 1) / homeroomSize
		}
		nCourses := len(s.band.grades) * s.nSubj
		target := max(nCourses, len(s.teachers)*cfg.ClassesPerTeacher-homerooms)
		var demand float64
		for _, g := range s.band.grades {
			demand += float64(perGrade[g]) * float64(k)
		}
		// Teachers take classes in turn, in a shuffled order.
		order := slices.Clone(s.teachers)
		r.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		turn := 0
		next := func() (int, int) {
			t := order[turn%len(order)]
			turn++
			co := -1
			if len(order) > 1 && r.IntN(20) == 0 {
				co = order[r.IntN(len(order))]
				if co == t {
					co = -1
				}
			}
			return t, co
		}
		hrCourse := b.newCourse(s, "Homeroom", "HR", s.band.grades, nil)
		for _, g := range s.band.grades {
			for h := 1; h <= (perGrade[g]+homeroomSize-1)/homeroomSize; h++ {
				t, co := next()
				s.homeroom[g] = append(s.homeroom[g], b.newClass(r, s, hrCourse, g, h, ClassTypeHR, t, co))
			}
			for j := 0; j < s.nSubj; j++ {
				subj := &s.band.subjects[j]
				title := subj.name + " " + strings.TrimPrefix(gradeLabel(g), "Grade ")
				if g == "KG" {
					title = "Kindergarten " + subj.name
				}
				ci := b.newCourse(s, title, subj.short+"-"+g, []string{g}, subj)
				sections := 1
				if demand > 0 {
					share := float64(perGrade[g]) * float64(k) / float64(s.nSubj) / demand
					sections = max(1, int(math.Round(share*float64(target))))
				}
				var list []int
				for sec := 1; sec <= sections; sec++ {
					t, co := next()
					list = append(list, b.newClass(r, s, ci, g, sec, ClassTypeSc, t, co))
				}
				s.courses[g] = append(s.courses[g], list)
			}
		}
	}
}

func (b *builder) studentEnrollments() {
	r, d := b.r, b.d
	k := b.cfg.ClassesPerStudent - 1
	d.Enrollments = slices.Grow(d.Enrollments, len(b.students)*b.cfg.ClassesPerStudent)
	pick := make([]int, 0, 32)
	for i := range b.students {
		u := &b.students[i]
		s := b.schools[b.stuSch[i]]
		g := u.Grades[0]
		if hr := s.homeroom[g]; len(hr) > 0 {
			b.addEnrollment(d.Classes[hr[r.IntN(len(hr))]].SourcedID, s.id, u.SourcedID, RoleStudent, false)
		}
		pick = pick[:0]
		for j := range s.nSubj {
			pick = append(pick, j)
		}
		kk := min(k, len(pick))
		for j := 0; j < kk; j++ {
			x := j + r.IntN(len(pick)-j)
			pick[j], pick[x] = pick[x], pick[j]
		}
		slices.Sort(pick[:kk])
		for _, j := range pick[:kk] {
			sec := s.courses[g][j]
			b.addEnrollment(d.Classes[sec[r.IntN(len(sec))]].SourcedID, s.id, u.SourcedID, RoleStudent, false)
		}
	}
}

func (b *builder) staffAndGuardians() {
	r, cfg, d := b.r, b.cfg, b.d
	var admins, aides, guardians []User
	for i := 1; i <= cfg.Admins; i++ {
		u := User{SourcedID: sid("adm", i, wStaff), EnabledUser: true, Role: RoleAdministrator, OrgSourcedIDs: []string{DistrictID}}
		person(r, &u)
		u.Identifier = "A" + pad(i, 4)
		u.Username = b.staffUsername(&u)
		u.Email = u.Username + "@" + d.Domain
		u.Phone = phone(r)
		u.UserIDs = []string{"{LDAP:" + u.Username + "}"}
		u.UserMasterIdentifier = u.Identifier
		admins = append(admins, u)
	}
	for i := 1; i <= cfg.Aides; i++ {
		s := b.schools[(i-1)%len(b.schools)]
		u := User{SourcedID: sid("aid", i, wStaff), EnabledUser: true, Role: RoleAide, OrgSourcedIDs: []string{s.id}}
		person(r, &u)
		u.Identifier = "P" + pad(i, 4)
		u.Username = b.staffUsername(&u)
		u.Email = u.Username + "@" + d.Domain
		u.UserMasterIdentifier = u.Identifier
		aides = append(aides, u)
	}
	if len(b.students) > 0 {
		perm := r.Perm(len(b.students))
		for i := 1; i <= cfg.Guardians; i++ {
			st := perm[(i-1)%len(perm)]
			stu := &b.students[st]
			s := b.schools[b.stuSch[st]]
			u := User{SourcedID: sid("gdn", i, wGuardian), EnabledUser: true, OrgSourcedIDs: []string{s.id}}
			switch x := r.IntN(20); {
			case x < 12:
				u.Role = RoleParent
			case x < 19:
				u.Role = RoleGuardian
			default:
				u.Role = RoleRelative
			}
			person(r, &u)
			u.PreferredGivenName, u.Pronouns = "", ""
			if r.IntN(5) != 0 {
				u.FamilyName = stu.FamilyName
			}
			u.Username = slug(u.GivenName) + "." + slug(u.FamilyName) + strconv.Itoa(i)
			u.Email = u.Username + "@mail.example.com"
			u.Phone = phone(r)
			if r.IntN(2) == 0 {
				u.SMS = u.Phone
			}
			u.AgentSourcedIDs = []string{stu.SourcedID}
			stu.AgentSourcedIDs = append(stu.AgentSourcedIDs, u.SourcedID)
			if len(s.students) > 1 && r.IntN(7) == 0 { // a sibling in the same school
				sib := s.students[r.IntN(len(s.students))]
				if sib != st {
					u.AgentSourcedIDs = append(u.AgentSourcedIDs, b.students[sib].SourcedID)
					b.students[sib].AgentSourcedIDs = append(b.students[sib].AgentSourcedIDs, u.SourcedID)
				}
			}
			guardians = append(guardians, u)
		}
		d.seq.guardian = cfg.Guardians
	}
	// adm- < aid- < gdn- < stu- < tch-: the concatenation is sorted.
	d.Users = make([]User, 0, len(admins)+len(aides)+len(guardians)+len(b.students)+len(b.teachers))
	d.Users = append(append(append(append(append(d.Users, admins...), aides...), guardians...), b.students...), b.teachers...)
}
