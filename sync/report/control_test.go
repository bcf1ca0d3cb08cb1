package report

import "testing"

// No control character reaches a cell: C0 and DEL become their visible
// symbols, C1 controls (which some terminals and viewers obey) a replacement mark.
func TestNoControlCharacterReachesACell(t *testing.T) {
	for in, want := range map[string]string{
		"Ann\x1b[31m":    "Ann\u241b[31m",
		"Ben\u009bQ":     "Ben\ufffdQ",
		"Cat\x7f":        "Cat\u2421",
		"Dee line\nnext": "Dee line\nnext",
	} {
		if got := SafeCSV(in); got != want {
			t.Errorf("SafeCSV(%+q) = %+q, want %+q", in, got, want)
		}
	}
}
