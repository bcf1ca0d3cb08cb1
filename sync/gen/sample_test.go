package gen

import (
	"archive/zip"
	"bytes"
	"io"
	"os"
	"path/filepath"
	"testing"

	sampledistrict "rosterdesk/assets/sample"
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

// The committed sample bundle (assets/sample) is exactly what the generator
// makes from Sample, file by file (zip bytes may differ between Go versions;
// the contents may not).
func TestSampleBundleUpToDate(t *testing.T) {
	p := filepath.Join(t.TempDir(), sampledistrict.FileName)
	if err := Generate(Sample()).WriteZip(p, SampleWriteOptions()); err != nil {
		t.Fatal(err)
	}
	want := unzip(t, mustRead(t, p))
	got := unzip(t, sampledistrict.Bundle())
	if len(got) != len(want) {
		t.Fatalf("embedded bundle has %d files, the generator makes %d: run go generate ./sync/gen", len(got), len(want))
	}
	for name, w := range want {
		if !bytes.Equal(got[name], w) {
			t.Fatalf("%s differs from the generator's output: run go generate ./sync/gen", name)
		}
	}
	if !bytes.Contains(got["manifest.csv"], []byte("source.systemName,"+SampleSystemName)) {
		t.Fatalf("manifest does not name %q", SampleSystemName)
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
