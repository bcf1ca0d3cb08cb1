package sample

import "testing"

func TestBundleIsSmall(t *testing.T) {
	if n := len(Bundle()); n == 0 || n > 200<<10 {
		t.Fatalf("sample bundle is %d bytes; keep it small (it is in every binary)", n)
	}
}
