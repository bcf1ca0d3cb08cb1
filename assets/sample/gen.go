//go:build ignore

// gen writes OneRoster.zip, the sample district, from sample.Config().
// Run from this folder with `go generate` (or `go run gen.go`).
package main

import (
	"log"

	"rosterdesk/assets/sample"
	"rosterdesk/sync/gen"
)

func main() {
	d := gen.Generate(sample.Config())
	if err := d.WriteZip(sample.FileName, sample.WriteOptions()); err != nil {
		log.Fatal(err)
	}
	log.Printf("wrote %s: %v", sample.FileName, d.Rows())
}
