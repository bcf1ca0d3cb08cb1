package rest

import "testing"

func TestScrubKeepsWordsAndTakesCredentials(t *testing.T) {
	var s Scrubber
	s.Add("hunter2-secret")
	s.AddBasic("id", "hunter2-secret")
	for in, want := range map[string]string{
		"the token endpoint refused basic authentication":     "the token endpoint refused basic authentication",
		"Authorization: Bearer eyJhbGciOi.J9x_y-z":            "Authorization: [secret] [secret]",
		"header Authorization=Basic aWQ6aHVudGVyMi1zZWNyZXQ=": "header Authorization=[secret] [secret]",
		`{"access_token":"abc123XYZ","token_type":"bearer"}`:  `{"access_token":"[secret]","token_type":"bearer"}`,
		"client_secret=hunter2-secret&grant_type=x":           "client_secret=[secret]&grant_type=x",
		"secret hunter2%2Dsecret or hunter2-secret":           "secret hunter2%2Dsecret or [secret]",
		"users.csv line 4: givenName is empty":                "users.csv line 4: givenName is empty",
	} {
		if got := s.Scrub(in); got != want {
			t.Errorf("Scrub(%q) = %q, want %q", in, got, want)
		}
	}
}
