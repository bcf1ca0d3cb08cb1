//go:build ignore

// mksample writes assets/sample/OneRoster.zip, the sample district, from
// Sample(). Run from this folder with `go generate` (or `go run mksample.go`).
package main

import (
	"log"
	"path/filepath"

	"rosterdesk/sync/gen"
)

func main() {
	p := filepath.Join("..", "..", "assets", "sample", "OneRoster.zip")
	d := gen.Generate(gen.Sample())
	if err := d.WriteZip(p, gen.SampleWriteOptions()); err != nil {
		log.Fatal(err)
	}
	log.Printf("wrote %s: %v", p, d.Rows())
}
