package rest

import (
	"bytes"
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"rosterdesk/sync/rest/resttest"
)

// sameAsJSON checks that fastPage reads page as encoding/json does, and
// reports whether it read it (false: it gave the page to encoding/json).
func sameAsJSON(t *testing.T, page string, col Collection) bool {
	t.Helper()
	body := bytes.TrimSpace([]byte(page))
	// The room of an earlier page's records, reused: nothing of them may show.
	stale := []Record{{SourcedID: "stale", Grades: texts{"x"}, Orgs: refs{"o"}, UserIDs: userIDs{{Type: "t", Identifier: "i"}}, Roles: []role{{Role: "r"}}}, {Name: "stale"}}
	fast, ok := fastPage(string(body), col, stale)
	want, err := decodePageJSON(body, col)
	if !ok {
		return false
	}
	if err != nil {
		t.Errorf("%s\nthe fast decoder read %d records; encoding/json says: %v", page, len(fast), err)
		return true
	}
	if !reflect.DeepEqual(fast, want) {
		t.Errorf("%s\nfast    %+v\nwant    %+v", page, fast, want)
	}
	// What the bundle writer takes from each record.
	got, err2 := decodePage([]byte(page), col)
	if err2 != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("%s: decodePage %v", page, err2)
	}
	return true
}

var users = Collections["users"]

// Pages the fast decoder reads itself, each the same as encoding/json.
var fastPages = []string{
	`{"users":[]}`, `[]`, ` [ ] `, `{"users":[ ]}`, `{"Users":[{"sourcedId":"u1"}]}`,
	`{"students":[{"sourcedId":"u1"}]}`,
	`{"meta":{"a":[1,2,{"b":null}]},"users":[{"sourcedId":"u1"}],"after":"ignored"}`,
	`[{"sourcedId":"u1","givenName":"  Ana "}]`,
	// escapes: \/ , \" , \\ , control escapes, escaped unicode, surrogate pairs, broken ones
	`[{"sourcedId":"a\/b","givenName":"say \"hi\" \\ there","familyName":"tab\there\nnew\r\b\f"}]`,
	`[{"sourcedId":"\u00e9\u00E9","givenName":"\ud83d\ude00 smile","familyName":"\ud83d alone","middleName":"\ude00 low","email":"\ud83d\u0041"}]`,
	`[{"sourcedId":"x\u0000y","givenName":"\u2028\u2029","familyName":"\ud800\ud800\udc00"}]`,
	"[{\"sourcedId\":\"bad \xff byte\",\"givenName\":\"cut \xe2\x82 rune\",\"familyName\":\"\xed\xa0\x80 surrogate in utf-8\"}]",
	`[{"sourcedId":"Ángel","givenName":"Zoë 李"}]`,
	// numbers, booleans, nulls where strings are expected
	`[{"sourcedId":12345678901234567890123,"enabledUser":true,"primary":false,"identifier":-1.5e+10,"sms":0,"phone":1E3}]`,
	`[{"sourcedId":"n","givenName":null,"grades":null,"orgs":null,"userIds":null,"roles":null,"parent":null,"terms":null}]`,
	// structures where scalars are expected, and nested objects nobody reads
	`[{"sourcedId":"s","givenName":{"a":"b"},"familyName":[1,2],"metadata":{"x":{"y":[{"z":"}]\""}]},"k":[[],{}]}}]`,
	// lists: arrays, comma-separated strings, single values, empties
	`[{"sourcedId":"l","grades":["KG","01"," ",null,3,true,["x"],{"y":1}],"subjects":"Math, Art ,,","subjectCodes":7,"periods":{"a":1}}]`,
	`[{"sourcedId":"l","grades":[],"subjects":"","subjectCodes":[""],"periods":null}]`,
	// GUIDRefs: objects, bare ids, lists, odd cases, key case
	`[{"sourcedId":"r","orgs":[{"href":"/orgs/o1","sourcedId":"o1","type":"org"},"o2",{"type":"org"},null,["o3","o4"],{"SOURCEDID":"o5"}],"parent":"p1"}]`,
	`[{"sourcedId":"r","orgs":"o1, o2","agents":{"sourcedId":"a1"},"agentSourceIds":["x"],"terms":[],"parent":{"sourcedId":"a","sourcedid":"b"}}]`,
	`[{"sourcedId":"r","parent":{"sourcedId":null},"school":{},"course":["c1","c2"],"class":[],"user":{"sourcedId":{"x":1}},"org":7,"primaryOrg":true}]`,
	`[{"sourcedId":"r","parent":{"sourcedId":"a","sourcedId":null},"schoolYear":{"href":{"a":[1]},"sourcedId":"ay"}}]`,
	`[{"sourcedId":"r","agents":{"type":"user"},"terms":true,"orgs":[[[["deep"]]]]}]`,
	// userIds
	`[{"sourcedId":"i","userIds":[{"type":"LDAP","identifier":"a"},{"identifier":""},"{SIS:123}","nocolon",null,7,{"TYPE":"x","Identifier":" y ","extra":[1]},{"type":"t","identifier":"1","identifier":"2"}]}]`,
	`[{"sourcedId":"i","userIds":"{SIS:1}"}]`, `[{"sourcedId":"i","userIds":{"type":"a"}}]`, `[{"sourcedId":"i","userIds":[]}]`,
	// 1.2 roles
	`[{"sourcedId":"ro","roles":[{"roleType":"primary","role":"teacher","org":{"sourcedId":"s1"},"beginDate":"2026-08-01","userProfile":"x"},null,{"ROLE":"aide","org":"s2","org":null},{}]}]`,
	`[{"sourcedId":"ro","roles":[]}]`,
	// field names matched regardless of ASCII case; unknown fields skipped
	`[{"SourcedId":"c","GIVENNAME":"A","familyname":"B","unknownField":{"sourcedId":"no"},"sourcedIdX":"no"}]`,
	// every field
	`[{"sourcedId":"all","status":"active","dateLastModified":"2026-01-02T03:04:05Z","name":"n","type":"t","identifier":"id","parent":"p",
	  "title":"ti","startDate":"s","endDate":"e","schoolYear":"2027","courseCode":"cc","grades":["01"],"org":"o","subjects":["s"],"subjectCodes":["sc"],
	  "classCode":"c","classType":"scheduled","location":"l","course":"co","school":"sch","terms":["t1"],"periods":["1"],
	  "enabledUser":"true","orgs":["o"],"role":"student","username":"u","userIds":["{a:b}"],"givenName":"g","familyName":"f","middleName":"m",
	  "email":"e@x","sms":"1","phone":"2","agents":["a"],"agentSourceIds":["as"],"password":"pw","roles":[{"role":"student","org":"o"}],
	  "primaryOrg":"po","userMasterIdentifier":"umi","preferredFirstName":"pf","preferredMiddleName":"pm","preferredLastName":"pl",
	  "pronouns":"they","user":"us","class":"cl","primary":"false","beginDate":"b"}]`,
	// whitespace everywhere JSON allows it
	"{ \"users\" :\n[ {\t\"sourcedId\" : \"w\" ,\r\n \"orgs\" : [ { \"sourcedId\" : \"o\" } , \"p\" ] } , { } ] }",
}

func TestFastDecoderReadsWhatEncodingJSONReads(t *testing.T) {
	for _, p := range fastPages {
		if !sameAsJSON(t, p, users) {
			t.Errorf("%s\nthe fast decoder gave this page to encoding/json; it should read it", p)
		}
	}
	// The values themselves, for the edges above.
	page := func(prefix string) []byte {
		for _, p := range fastPages {
			if strings.HasPrefix(p, prefix) {
				return []byte(p)
			}
		}
		t.Fatalf("no page %s", prefix)
		return nil
	}
	recs, _ := decodePage(page(`[{"sourcedId":"\u00e9`), users)
	if r := recs[0]; r.SourcedID != "éé" || r.GivenName != "😀 smile" || r.FamilyName != "\ufffd alone" || r.MiddleName != "\ufffd low" || r.Email != "\ufffdA" {
		t.Errorf("escaped unicode read as %+v", r)
	}
	recs, _ = decodePage(page(`[{"sourcedId":1234`), users)
	if recs[0].SourcedID != "12345678901234567890123" || recs[0].Value("enabledUser") != "true" || recs[0].Identifier != "-1.5e+10" {
		t.Errorf("numbers read as %+v", recs[0])
	}
}

// Pages the fast decoder leaves to encoding/json: its answer or its message stands.
func TestFastDecoderGivesUpOnWhatItIsNotSureOf(t *testing.T) {
	for _, p := range []string{
		``, `{}`, `null`, `"users"`, `{"users":null}`, `{"users":{}}`, `{"data":[{"sourcedId":"u"}]}`,
		`[{"sourcedId":"a"},]`, `[{"sourcedId":"a"}`, `[{"sourcedId":"a"},{"sourcedId":`, `[{"sourcedId":"a"}}`, `[null]`, `[1]`, `[[]]`,
		`[{"sourced\u0049d":"esc"}]`, `[{"ſourcedId":"fold"}]`, `[{"sourcedId":"a","sourcedId":"b"}]`, `[{"sourcedId":"a","SOURCEDID":"b"}]`,
		`[{"parent":{"ſourcedId":"x"}}]`, `[{"roles":"teacher"}]`, `[{"roles":[1]}]`, `[{"roles":{}}]`,
		`[{"sourcedId":01}]`, `[{"sourcedId":1.}]`, `[{"sourcedId":-}]`, `[{"sourcedId":tru}]`, `[{"sourcedId":nulls}]`,
		`[{"sourcedId":"a\x"}]`, `[{"sourcedId":"a\u12"}]`, "[{\"sourcedId\":\"a\tb\"}]", `[{"sourcedId":"a'}]`,
		`[{"a":{"b":1,}}]`, `[{"a":[1,]}]`, `[{"a" "b"}]`, `{"meta":[1,],"users":[]}`, `{"meta":1 "users":[]}`,
		strings.Repeat("[", maxDepth+10),
	} {
		if sameAsJSON(t, p, users) {
			t.Errorf("%q: the fast decoder read it; encoding/json should", p)
		}
	}
}

func FuzzFastDecoder(f *testing.F) {
	for _, p := range fastPages {
		f.Add(p)
	}
	f.Add(`{"users":[{"sourcedId":"a\ud83d\ude00","roles":[{"org":{"sourcedId":"o"}}]}]}`)
	f.Fuzz(func(t *testing.T, page string) {
		sameAsJSON(t, page, users)
	})
}

// Every page the in-repo OneRoster server sends, in each provider's shape
// (1.1 and 1.2, JSON booleans, explicit nulls, ~/ hrefs), read by the fast
// decoder and the same as encoding/json.
func TestFastDecoderOnServedPages(t *testing.T) {
	for _, cfg := range []resttest.Config{resttest.Generic11(), resttest.Generic12(), resttest.ClassLinkDirect(),
		resttest.InfiniteCampus(), resttest.PowerSchool(), resttest.Aeries()} {
		s := serve(t, cfg)
		c := client(t, configFor(s))
		for _, file := range []string{"orgs", "academicSessions", "courses", "classes", "users", "enrollments"} {
			col := Collections[file]
			p, err := c.get(context.Background(), file, c.pageURL(col.Path, 1000, 0, ""))
			if err != nil {
				t.Fatalf("%s %s: %v", cfg.Name, file, err)
			}
			if !sameAsJSON(t, string(p.body), col) {
				t.Errorf("%s %s: the fast decoder gave the page to encoding/json", cfg.Name, file)
			}
		}
	}
}

// benchPage is a page of n records shaped as the in-repo server sends them.
func benchPage(file string, n int) []byte {
	var b strings.Builder
	b.WriteString(`{"` + file + `":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		id := strconv.Itoa(100000 + i)
		switch file {
		case "users":
			b.WriteString(`{"agents":[],"dateLastModified":"2026-11-23T06:00:00.000Z","email":"ana.lopez` + id + `@brookhaven.k12.example.org","enabledUser":"true","familyName":"López","givenName":"Ana","grades":["05"],"identifier":"S` + id + `","middleName":"","orgs":[{"href":"/ims/oneroster/v1p1/orgs/sch-0001","sourcedId":"sch-0001","type":"org"}],"password":"","phone":"","role":"student","sms":"","sourcedId":"stu-` + id + `","status":"active","userIds":[{"identifier":"` + id + `","type":"SIS"}],"username":"ana.lopez` + id + `"}`)
		default:
			b.WriteString(`{"beginDate":"","class":{"href":"/ims/oneroster/v1p1/classes/cls-000001","sourcedId":"cls-000001","type":"class"},"dateLastModified":"2026-11-23T06:00:00.000Z","endDate":"","primary":"false","role":"student","school":{"href":"/ims/oneroster/v1p1/orgs/sch-0001","sourcedId":"sch-0001","type":"org"},"sourcedId":"enr-` + id + `","status":"active","user":{"href":"/ims/oneroster/v1p1/users/stu-` + id + `","sourcedId":"stu-` + id + `","type":"user"}}`)
		}
	}
	b.WriteString("]}\n")
	return []byte(b.String())
}

func BenchmarkDecodePage(b *testing.B) {
	for _, file := range []string{"users", "enrollments"} {
		page := benchPage(file, 1000)
		b.Run(file, func(b *testing.B) {
			b.SetBytes(int64(len(page)))
			var buf []Record
			for b.Loop() {
				recs, err := decodePageInto(page, Collections[file], buf)
				if err != nil || len(recs) != 1000 {
					b.Fatal(err, len(recs))
				}
				buf = recs
			}
		})
	}
}

// The bundle's CSV lines are what encoding/csv writes.
func TestCSVLinesAsEncodingCSV(t *testing.T) {
	fields := []string{"", "plain", "a,b", `say "hi"`, `"`, `""`, " lead", "\tlead", "\u00a0nbsp", "\u2003em", "trail ", `\.`, `\..`, "x\\.",
		"Zoë 李", "a\rb", "a\nb", "\r\n", ",", "\u0085nel", "\xff bad", "é,", `a""b`}
	dir := t.TempDir()
	o, err := newCSVOut(dir, "t", []string{"h1", "h 2", " h3"})
	if err != nil {
		t.Fatal(err)
	}
	var want bytes.Buffer
	cw := csv.NewWriter(&want)
	cw.Write([]string{"h1", "h 2", " h3"})
	for i := range fields {
		for j := range fields {
			rec := []string{fields[i], fields[j], fields[(i+j)%len(fields)]}
			if err := o.writeLine(rec, false); err != nil {
				t.Fatal(err)
			}
			cw.Write(rec)
		}
	}
	// A row's line breaks become spaces, in the row handed in too.
	row := []string{"two\r\nlines", "a\nb, \"c\"", "x"}
	if err := o.write(row); err != nil {
		t.Fatal(err)
	}
	if row[0] != "two lines" || row[1] != `a b, "c"` {
		t.Errorf("row after write: %q", row)
	}
	cw.Write(row)
	cw.Flush()
	if err := o.close(); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(filepath.Join(dir, "t.csv"))
	if !bytes.Equal(got, want.Bytes()) {
		t.Errorf("CSV lines differ from encoding/csv:\n%q\n%q", got, want.Bytes())
	}
}

func TestRecordFieldNames(t *testing.T) {
	rt := reflect.TypeOf(Record{})
	if rt.NumField() != len(recordFields) {
		t.Fatalf("Record has %d fields, the fast decoder reads %d", rt.NumField(), len(recordFields))
	}
	for i := range rt.NumField() {
		name := rt.Field(i).Tag.Get("json")
		f := recordField(name)
		if f < 0 || recordFields[f].name != name {
			t.Errorf("%s: field %d", name, f)
		}
		if g := recordField(strings.ToUpper(name)); g != f {
			t.Errorf("%s: upper case finds %d", name, g)
		}
	}
	for _, k := range []string{"", "x", "href", "children", "metadata", "sourcedIds", "sourcedI", "sourcedId ", "userMasterIdentifierXYZ", strings.Repeat("a", 40)} {
		if f := recordField(k); f >= 0 {
			t.Errorf("%q finds %s", k, recordFields[f].name)
		}
	}
}
