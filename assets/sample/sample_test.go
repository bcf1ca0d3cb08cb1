package sample

import (
	"archive/zip"
	"bytes"
	"io"
	"os"
	"path/filepath"
	"testing"

	"rosterdesk/sync/gen"
)

func unzip(t *testing.T, b []byte) map[string][]byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		out[f.Name] = body
	}
	return out
}

// The committed bundle is exactly what the generator makes from Config, file
// by file (zip bytes may differ between Go versions; the contents may not).
func TestBundleUpToDate(t *testing.T) {
	p := filepath.Join(t.TempDir(), FileName)
	if err := gen.Generate(Config()).WriteZip(p, WriteOptions()); err != nil {
		t.Fatal(err)
	}
	want := unzip(t, mustRead(t, p))
	got := unzip(t, Bundle())
	if len(got) != len(want) {
		t.Fatalf("embedded bundle has %d files, the generator makes %d: run go generate ./assets/sample", len(got), len(want))
	}
	for name, w := range want {
		if !bytes.Equal(got[name], w) {
			t.Fatalf("%s differs from the generator's output: run go generate ./assets/sample", name)
		}
	}
	if !bytes.Contains(got["manifest.csv"], []byte("source.systemName,"+SystemName)) {
		t.Fatalf("manifest does not name %q", SystemName)
	}
}

func TestBundleIsSmall(t *testing.T) {
	if n := len(Bundle()); n == 0 || n > 200<<10 {
		t.Fatalf("sample bundle is %d bytes; keep it small (it is in every binary)", n)
	}
}

func mustRead(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
