//go:build !linux

package data

// adviseHuge is Linux only (hugepage_linux.go).
func adviseHuge[T any](s []T) {}
