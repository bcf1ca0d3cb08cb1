//go:build !linux

package data

// startWriteback does nothing here: see writeback_linux.go.
func startWriteback(path string) (stop func()) { return func() {} }
