package rest

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// TestOAuth1SpecVector checks the signature core against the OAuth 1.0
// specification's worked example (Appendix A.5, HMAC-SHA1 with a token).
func TestOAuth1SpecVector(t *testing.T) {
	u, _ := url.Parse("http://photos.example.net/photos?file=vacation.jpg&size=original")
	params := [][2]string{{"oauth_consumer_key", "dpf43f3p2l4k3l03"}, {"oauth_token", "nnch734d00sl2jdk"},
		{"oauth_signature_method", "HMAC-SHA1"}, {"oauth_timestamp", "1191242096"}, {"oauth_nonce", "kllo9940pd9333jh"},
		{"oauth_version", "1.0"}, {"file", "vacation.jpg"}, {"size", "original"}}
	base := signatureBase("GET", baseURI(u), params)
	wantBase := "GET&http%3A%2F%2Fphotos.example.net%2Fphotos&file%3Dvacation.jpg%26oauth_consumer_key%3Ddpf43f3p2l4k3l03%26oauth_nonce%3Dkllo9940pd9333jh%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D1191242096%26oauth_token%3Dnnch734d00sl2jdk%26oauth_version%3D1.0%26size%3Doriginal"
	if base != wantBase {
		t.Fatalf("base string\n got %s\nwant %s", base, wantBase)
	}
	sig, err := hmacSign(HMACSHA1, "kd94hf93k423kf44&pfkkdhi9sl3r4s00", base)
	if err != nil || sig != "tR3+Ty81lMeYAr/Fid0kMTYa/WM=" {
		t.Fatalf("signature %q %v", sig, err)
	}
}

// TestOAuth1SHA256Vector signs a two-legged OneRoster request (a delta
// filter with quotes, > and :) and compares with a value computed outside
// Go (Python's hmac over the RFC 5849 base string).
func TestOAuth1SHA256Vector(t *testing.T) {
	s := &oauth1Signer{key: "rosterdesk-client", secret: "s3cr3t/+=&~Zq!x", method: HMACSHA256,
		now: func() time.Time { return time.Unix(1795500000, 0) }, nonce: func() string { return "f1e2d3c4b5a69788" }}
	u, _ := url.Parse("https://District.OneRoster.com:443/ims/oneroster/v1p1/users?limit=1000&offset=0&filter=" +
		pct("dateLastModified>'2026-11-22T06:00:00.000Z'"))
	h, err := s.header("GET", u)
	if err != nil {
		t.Fatal(err)
	}
	want := `oauth_signature="` + pct("JJCFV2oTfciye2HOsPn52etWYn2ywlPcUp4L7lkhPEI=") + `"`
	if !strings.HasPrefix(h, "OAuth ") || !strings.Contains(h, want) || !strings.Contains(h, `oauth_consumer_key="rosterdesk-client"`) {
		t.Fatalf("header %s\nwant it to hold %s", h, want)
	}
	if strings.Contains(h, "oauth_token") {
		t.Fatal("two-legged signing must not send oauth_token")
	}
}

func TestPct(t *testing.T) {
	for in, want := range map[string]string{"a b": "a%20b", "'>=:": "%27%3E%3D%3A", "~-._Az9": "~-._Az9", "é": "%C3%A9", "+/": "%2B%2F"} {
		if got := pct(in); got != want {
			t.Errorf("pct(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParseStatusVariants(t *testing.T) {
	cases := map[string]statusInfo{
		`{"imsx_codeMajor":"failure","imsx_severity":"error","imsx_description":"Unknown object","imsx_CodeMinor":{"imsx_codeMinorField":[{"imsx_codeMinorFieldName":"TargetEndSystem","imsx_codeMinorFieldValue":"unknownobject"}]}}`: {CodeMajor: "failure", Severity: "error", Description: "Unknown object", CodeMinor: "unknownobject"},
		`{"imsx_StatusInfo":{"imsx_codeMajor":"failure","imsx_description":"Wrapped","imsx_CodeMinor":{"imsx_codeMinorField":[{"imsx_codeMinorFieldValue":"forbidden"}]}}}`:                                                            {CodeMajor: "failure", Description: "Wrapped", CodeMinor: "forbidden"},
		`{"imsx_codeMajor":"failure","imsx_codeMinor":"invalid_data","imsx_description":"Ed-Fi says no"}`:                                                                                                                              {CodeMajor: "failure", Description: "Ed-Fi says no", CodeMinor: "invalid_data"},
		`{"statusInfoSet":[{"imsx_codeMajor":"failure","imsx_description":"In a list"}]}`:                                                                                                                                              {CodeMajor: "failure", Description: "In a list"},
		`{"error":"invalid_client","error_description":"Bad secret"}`:                                                                                                                                                                  {Description: "Bad secret", CodeMinor: "invalid_client"},
		`<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>`:                                                                                                                                                   {Description: `a web page titled "502 Bad Gateway"`},
		`not json at all`: {},
	}
	for body, want := range cases {
		if got := parseStatus([]byte(body)); got != want {
			t.Errorf("%s\n got %+v\nwant %+v", body, got, want)
		}
	}
}

func TestDecodePageShapes(t *testing.T) {
	users := Collections["users"]
	for body, n := range map[string]int{
		`{"users":[{"sourcedId":"a"},{"sourcedId":"b"}]}`:                        2,
		`{"students":[{"sourcedId":"a"}]}`:                                       1,
		`[{"sourcedId":"a"}]`:                                                    1,
		`{"data":[{"sourcedId":"a"},{"sourcedId":"b"},{"sourcedId":"c"}],"n":3}`: 3,
		`{"users":[]}`:   0,
		`{"users":null}`: 0,
		`{}`:             0,
	} {
		recs, err := decodePage([]byte(body), users)
		if err != nil || len(recs) != n {
			t.Errorf("%s: %d records, %v; want %d", body, len(recs), err, n)
		}
	}
	for _, bad := range []string{`{"users":[{"sourcedId":"a"},`, `<html></html>`, `{"imsx_description":"nope"}`} {
		if _, err := decodePage([]byte(bad), users); err == nil {
			t.Errorf("%s: no error", bad)
		}
	}
}

func TestRecordLenientJSON(t *testing.T) {
	recs, err := decodePage([]byte(`{"users":[{"sourcedId":"u1","enabledUser":true,"orgs":[{"href":"~/ims/oneroster/v1p1/orgs/0","sourcedId":"0","type":"org"}],
		"role":"student","username":"ann","userIds":[{"type":"LDAP","identifier":"12"}],"givenName":"Ann","familyName":null,"middleName":null,
		"grades":"09, 10","agentSourceIds":["g1"],"sms":5551234}]}`), Collections["users"])
	if err != nil {
		t.Fatal(err)
	}
	r := recs[0]
	for col, want := range map[string]string{"enabledUser": "true", "orgSourcedIds": "0", "userIds": "{LDAP:12}", "familyName": "",
		"grades": "09,10", "agentSourcedIds": "g1", "sms": "5551234", "role": "student"} {
		if got := r.Value(col); got != want {
			t.Errorf("%s = %q, want %q", col, got, want)
		}
	}
	if got := Modified("2026-01-02T03:04:05.1+02:00"); got != "2026-01-02T01:04:05.100Z" {
		t.Errorf("Modified %s", got)
	}
}

func TestLinkNext(t *testing.T) {
	c, err := New(Config{BaseURL: "https://h.example/ims/oneroster/v1p1", Auth: AuthBearer, ClientSecret: "x"})
	if err != nil {
		t.Fatal(err)
	}
	at, _ := url.Parse("https://h.example/ims/oneroster/v1p1/users?limit=2&offset=0")
	h := http.Header{}
	h.Set("Link", `<http://h.example/ims/oneroster/v1p1/users?limit=2&offset=2>; rel="next", <https://h.example/ims/oneroster/v1p1/users?limit=2&offset=8>; rel="last"`)
	if got := c.nextLink(h, at); got != "https://h.example/ims/oneroster/v1p1/users?limit=2&offset=2" {
		t.Errorf("next %q", got)
	}
	h.Set("Link", `</ims/oneroster/v1p1/users?offset=4&limit=2>; rel="prev next"`)
	if got := c.nextLink(h, at); got != "https://h.example/ims/oneroster/v1p1/users?offset=4&limit=2" {
		t.Errorf("relative next %q", got)
	}
	h.Set("Link", `<https://evil.example/steal>; rel="next"`)
	if got := c.nextLink(h, at); got != "" {
		t.Errorf("a link to another host must not be followed: %q", got)
	}
}

func TestCheckURL(t *testing.T) {
	for s, ok := range map[string]bool{"https://x.example/ims": true, "http://127.0.0.1:8080/a": true, "http://localhost/a": true,
		"http://district.example/ims": false, "ftp://x": false, "x.example": false, "https://u:p@x.example": false} {
		if err := CheckURL(s); (err == nil) != ok {
			t.Errorf("CheckURL(%q) = %v", s, err)
		}
	}
}

// --- against the test server ---
