package gen

//go:generate go run mksample.go

// SampleSystemName is the sample district's manifest source.systemName: the
// provider name runs loaded from it are recorded under.
const SampleSystemName = "RosterDesk sample district"

// Sample is the configuration RosterDesk's sample district (embedded by
// assets/sample) is made from: Small() with its seed fixed here, so the
// bytes never change by accident.
func Sample() Config {
	c := Small()
	c.Seed = 20261123
	c.Version = "1.1"
	return c
}

// SampleWriteOptions are the options the sample district is written with.
func SampleWriteOptions() WriteOptions {
	return WriteOptions{SystemName: SampleSystemName}
}
