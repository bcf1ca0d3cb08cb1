// Package sample embeds RosterDesk's sample district: a small OneRoster 1.1
// bundle (3 schools, 300 students, 20 teachers, their courses, classes and
// enrollments) made by the project's own generator, rosterdesk/sync/gen, so a
// newcomer can explore every screen with real-looking data before connecting
// a SIS. Every name, e-mail and phone number in it is invented (example.org,
// example.com, 555 numbers).
//
// OneRoster.zip is committed; rebuild it with `go generate ./assets/sample`
// after changing Config or the generator (TestBundleUpToDate says when).
package sample

//go:generate go run gen.go

import (
	_ "embed"

	"rosterdesk/sync/gen"
)

// SystemName is the bundle's manifest source.systemName: the provider name
// runs loaded from it are recorded under.
const SystemName = "RosterDesk sample district"

// FileName is the name the bundle is written under.
const FileName = "OneRoster.zip"

//go:embed OneRoster.zip
var bundle []byte

// Config is the generator configuration the bundle is made from: gen.Small()
// with its seed fixed here, so the bytes never change by accident.
func Config() gen.Config {
	c := gen.Small()
	c.Seed = 20261123
	c.Version = "1.1"
	return c
}

// WriteOptions are the options the bundle is written with.
func WriteOptions() gen.WriteOptions {
	return gen.WriteOptions{SystemName: SystemName}
}

// Bundle returns the embedded OneRoster.zip. The slice is shared: do not modify it.
func Bundle() []byte { return bundle }
