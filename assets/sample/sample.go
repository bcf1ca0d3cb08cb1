// Package sample embeds RosterDesk's sample district: a small OneRoster 1.1
// bundle (3 schools, 300 students, 20 teachers, their courses, classes and
// enrollments) made by the project's own generator from gen.Sample(), so a
// newcomer can explore every screen with real-looking data before connecting
// a SIS. Every name, e-mail and phone number in it is invented (example.org,
// example.com, 555 numbers).
//
// OneRoster.zip is committed; rebuild it with `go generate ./sync/gen` after
// changing gen.Sample or the generator (gen's TestSampleBundleUpToDate says
// when). This package imports nothing of the project: the engine embeds it.
package sample

import (
	_ "embed"
)

// FileName is the name the bundle is written under.
const FileName = "OneRoster.zip"

//go:embed OneRoster.zip
var bundle []byte

// Bundle returns the embedded OneRoster.zip. The slice is shared: do not modify it.
func Bundle() []byte { return bundle }
