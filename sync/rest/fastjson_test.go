package rest

import (
	"encoding/json"
	"strings"
	"testing"
)

// The fast paths read what encoding/json reads, shape by shape.
func TestFastFieldsMatchEncodingJSON(t *testing.T) {
	for _, in := range []string{
		`"abc"`, `"  padded "`, `""`, `"é ü"`, `"a\"b"`, `"\u00e9"`, "\"bad \xff byte\"", `null`, `12`, `true`, `{}`, `[]`,
		`{"sourcedId":"s1"}`, `{"href":"h","sourcedId":"s2","type":"org"}`, `{ "href" : "x,}]" , "sourcedId" : " s3 " }`,
		`{"SOURCEDID":"s4"}`, `{"sourcedId":"a","sourcedId":"b"}`, `{"sourcedId":"a","sourcedid":null}`,
		`{"href":{"a":[1,{"b":"}"}]},"sourcedId":"s5"}`, `{"sourcedId":7}`, `{"sourcedId":{"x":1}}`, `{"type":"org"}`,
		`{"sourced\u0049d":"s6"}`, `{"ſourcedId":"s7"}`, `{"sourcedId":"s\\8"}`, `["s9","s10"]`, `[{"sourcedId":"s11"}]`,
		`{"a":"\\","sourcedId":"s12"}`, `{"a":-1.5e3,"b":false,"sourcedId":"s13"}`,
	} {
		var fast ref
		if err := fast.UnmarshalJSON([]byte(in)); err != nil {
			t.Fatalf("%s: %v", in, err)
		}
		var want ref
		switch in[0] {
		case '{':
			var g struct {
				SourcedID text `json:"sourcedId"`
			}
			if err := json.Unmarshal([]byte(in), &g); err != nil {
				t.Fatal(err)
			}
			want = ref(g.SourcedID)
		case '[':
			var rs refs
			if err := rs.UnmarshalJSON([]byte(in)); err != nil {
				t.Fatal(err)
			}
			if len(rs) > 0 {
				want = ref(rs[0])
			}
		case '"':
			var s string
			if err := json.Unmarshal([]byte(in), &s); err != nil {
				t.Fatal(err)
			}
			want = ref(strings.TrimSpace(s))
		default:
			var tx text
			tx.UnmarshalJSON([]byte(in))
			want = ref(tx)
		}
		if fast != want {
			t.Errorf("%s: read %q, encoding/json reads %q", in, fast, want)
		}
	}
}
