package ui

import (
	"os"
	"path/filepath"
	"testing"

	"rosterdesk/sync/gen"
)

// TestScreenshotReviewBundles writes, for scripts/screenshots-review.sh, the
// sample district (sample.zip) and its next day with 30% of its students
// withdrawn (withdrawn.zip), into $RD_SAMPLE_DIR.
func TestScreenshotReviewBundles(t *testing.T) {
	dir := os.Getenv("RD_SAMPLE_DIR")
	if dir == "" {
		t.Skip("RD_SAMPLE_DIR not set")
	}
	d := gen.Generate(gen.Sample())
	if err := d.WriteZip(filepath.Join(dir, "sample.zip"), gen.SampleWriteOptions()); err != nil {
		t.Fatal(err)
	}
	TestScreenshotWithdrawn(t)
}
