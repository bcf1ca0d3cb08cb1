package sync

import (
	"sort"
	"strings"

	"rosterdesk"
)

// RunSource is what a run read, for the error report's context.
type RunSource struct {
	Path     string // the file or folder (a REST pull: its temporary copy)
	Provider string // a REST provider's name or a bundle's source.systemName
	REST     bool   // pulled from a OneRoster REST API
	Version  string // OneRoster version: 1.1 or 1.2 ("" if never read)
	Manifest string // manifest.csv and the mode of each file, in words
}

// RunSourceOf tells what run r read, from what it recorded.
func RunSourceOf(r rosterdesk.Run) RunSource {
	so := r.Options
	return RunSource{Path: r.Source, Provider: so.Provider, REST: so.Collections, Version: so.Version, Manifest: so.Manifest}
}

// manifestSummary says whether the source had a manifest and how each file was read.
func (s *Source) manifestSummary() string {
	var modes []string
	for f, m := range s.Modes {
		modes = append(modes, f+".csv "+string(m))
	}
	sort.Strings(modes)
	list := strings.Join(modes, ", ")
	switch {
	case s.Collections:
		return "REST pull: " + list
	case s.HasManifest:
		return "manifest.csv: " + list
	case list == "":
		return "no manifest.csv"
	}
	return "no manifest.csv (each file read as complete, bulk): " + list
}
