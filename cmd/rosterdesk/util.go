package main

import (
	"maps"
	"slices"
)

// sortedKeys lists a map's keys in order, so the CLI prints maps the same way every time.
func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }
