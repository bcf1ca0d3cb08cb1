package gen

import "strings"

// Name pools. Most names are plain ASCII; a few carry accents, apostrophes,
// hyphens or spaces so that importers have to get UTF-8 and quoting right.
var givenNames = []string{
	"James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda",
	"David", "Elizabeth", "William", "Barbara", "Richard", "Susan", "Joseph", "Jessica",
	"Thomas", "Sarah", "Christopher", "Karen", "Daniel", "Lisa", "Matthew", "Nancy",
	"Anthony", "Betty", "Mark", "Sandra", "Steven", "Ashley", "Andrew", "Emily",
	"Joshua", "Michelle", "Kevin", "Amanda", "Brian", "Melissa", "Ethan", "Olivia",
	"Liam", "Emma", "Noah", "Ava", "Mason", "Sophia", "Lucas", "Isabella",
	"Aiden", "Mia", "Elijah", "Harper", "Wei", "Priya", "Aaliyah", "Mohammed",
	"Hiroshi", "Yuki", "Kwame", "Fatima", "Dmitri", "Anya", "Mateo", "Camila",
	"José", "Zoë", "Chloé", "Renée", "Björn", "Søren", "François", "Inés",
	"Mónica", "Łukasz", "Anaïs", "Noël", "Jürgen", "Ximena", "Ángel", "Siobhán",
}

var familyNames = []string{
	"Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Wilson",
	"Anderson", "Taylor", "Thomas", "Moore", "Martin", "Jackson", "Thompson", "White",
	"Harris", "Clark", "Lewis", "Robinson", "Walker", "Young", "Allen", "King",
	"Wright", "Scott", "Hill", "Green", "Adams", "Baker", "Nelson", "Carter",
	"Mitchell", "Roberts", "Turner", "Phillips", "Campbell", "Parker", "Evans", "Edwards",
	"Collins", "Stewart", "Morris", "Rogers", "Reed", "Cook", "Morgan", "Bell",
	"Kim", "Nguyen", "Patel", "Chen", "Singh", "Wang", "Okafor", "Haddad",
	"Tanaka", "Ivanova", "Kowalczyk", "Nakamura", "Smith-Jones", "De la Cruz", "O'Brien", "McAllister",
	"García", "Müller", "Núñez", "Pérez", "Gómez", "Hernández", "Dvořák", "Çelik",
	"Ødegaard", "Sánchez", "Rodríguez", "Martínez", "López", "Jørgensen", "Łopez", "Fernández",
}

var middleNames = []string{
	"Ann", "Lee", "Marie", "James", "Lynn", "Rose", "Grace", "Jean", "Ray", "Alan",
	"Louise", "Mae", "Jo", "Eugène", "María", "Paul",
}

var cityNames = []string{
	"Riverside", "Maple Grove", "Cedar Falls", "Lakewood", "Fairview", "Springfield",
	"Brookhaven", "Oak Ridge", "Pine Valley", "Clearwater", "Greenfield", "Westbrook",
}

var schoolNamePrefixes = []string{
	"Lincoln", "Washington", "Jefferson", "Roosevelt", "Madison", "Franklin", "Kennedy",
	"Adams", "Jackson", "Hamilton", "Monroe", "Garfield", "Sequoia", "Redwood", "Willow",
	"Aspen", "Hawthorne", "Bayview", "Hillcrest", "Meadowbrook", "Sunnyside", "Eastgate",
	"Northwood", "Southridge", "Highland", "Valley View", "Parkside", "Lakeside", "Foothill",
	"Riverbend", "César Chávez", "Sojourner Truth", "Maya Angelou", "Sally Ride", "Carver",
	"Douglass", "Edison", "Einstein", "Curie", "Earhart", "Keller", "Thoreau", "Whitman",
	"Dickinson", "Twain", "Frost", "Muir", "Audubon", "Banneker", "Tubman",
}

var pronounsPool = []string{"she/her", "he/him", "they/them"}

// subject is a course subject with a SCED-like code.
type subject struct{ name, code, short string }

var subjectsElementary = []subject{
	{"English Language Arts", "51035", "ELA"},
	{"Mathematics", "52034", "MATH"},
	{"Science", "53234", "SCI"},
	{"Social Studies", "54435", "SS"},
	{"Art", "55135", "ART"},
	{"Music", "55235", "MUS"},
	{"Physical Education", "58034", "PE"},
	{"Library", "61034", "LIB"},
	{"Spanish", "56134", "SPAN"},
	{"Health", "58234", "HLTH"},
	{"Computer Science", "60034", "CS"},
	{"Reading Intervention", "51036", "READ"},
	{"Social-Emotional Learning", "62034", "SEL"},
	{"STEM Lab", "53236", "STEM"},
}

var subjectsSecondary = []subject{
	{"English", "01001", "ENG"},
	{"Mathematics", "02001", "MATH"},
	{"Science", "03001", "SCI"},
	{"History", "04001", "HIST"},
	{"Spanish", "06101", "SPAN"},
	{"Physical Education", "08001", "PE"},
	{"Visual Arts", "05154", "ART"},
	{"Band", "05101", "BAND"},
	{"Computer Science", "10001", "CS"},
	{"Health", "08051", "HLTH"},
	{"French", "06201", "FREN"},
	{"Theatre", "05051", "THEA"},
	{"Economics", "04201", "ECON"},
	{"Engineering", "21001", "ENGR"},
}

var asciiFold = strings.NewReplacer(
	"á", "a", "à", "a", "â", "a", "ä", "a", "ã", "a", "å", "a", "Á", "a",
	"é", "e", "è", "e", "ê", "e", "ë", "e", "É", "e",
	"í", "i", "ì", "i", "î", "i", "ï", "i",
	"ó", "o", "ò", "o", "ô", "o", "ö", "o", "õ", "o", "ø", "o", "Ø", "o",
	"ú", "u", "ù", "u", "û", "u", "ü", "u",
	"ñ", "n", "ç", "c", "Ç", "c", "ł", "l", "Ł", "l", "ř", "r", "ž", "z", "č", "c", "š", "s", "ß", "ss",
	"Ś", "s", "ś", "s", "Ž", "z", "Č", "c",
	"'", "", "-", "", " ", "", ".", "",
)

// slug folds a name to lower-case ASCII letters for usernames and emails.
func slug(s string) string {
	s = asciiFold.Replace(strings.ToLower(s))
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= '0' && c <= '9' {
			b = append(b, c)
		}
	}
	return string(b)
}
