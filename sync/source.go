package sync

import (
	"archive/zip"
	"bufio"
	"bytes"
	"fmt"
	"io"
	"maps"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync/atomic"

	"rosterdesk"
)

// Source is an opened OneRoster source: a zip, a folder or a lone CSV file.
type Source struct {
	Path        string                     `json:"path"`
	Kind        string                     `json:"kind"` // zip, folder or file
	Version     string                     `json:"version"`
	HasManifest bool                       `json:"manifest"`
	Modes       map[string]rosterdesk.Mode `json:"modes"`
	Files       map[string]string          `json:"files"` // OneRoster name → name in the source
	SystemName  string                     `json:"system_name,omitempty"`
	// Collections: a REST pull written as CSV; the log names each file by its
	// collection ("users") and each row by its position in it.
	Collections bool `json:"collections,omitempty"`

	files   map[string]*zip.File // zip entries by OneRoster name
	dir     string               // folder or the lone file's folder
	zr      *zip.ReadCloser
	limits  Limits
	log     *runLog
	readSum atomic.Int64 // tables are read on goroutines of their own (readAhead)
}

// Close releases the source.
func (s *Source) Close() error {
	if s.zr != nil {
		return s.zr.Close()
	}
	return nil
}

// Present tells whether a file takes part in this run (supplied and not absent).
func (s *Source) Present(name string) bool {
	m, ok := s.Modes[name]
	return ok && m != rosterdesk.ModeAbsent
}

// Bulk tells whether a file is supplied as a complete set.
func (s *Source) Bulk(name string) bool { return s.Modes[name] == rosterdesk.ModeBulk }

func srcErr(file string, line int, format string, a ...any) *SourceError {
	return &SourceError{File: file, Line: line, Message: fmt.Sprintf(format, a...)}
}

// openSource opens path and reads its manifest; a source that cannot be used
// at all is a *SourceError.
func openSource(p string, lim Limits, log *runLog) (*Source, error) {
	st, err := os.Stat(p)
	if err != nil {
		return nil, srcErr(p, 0, "cannot open: %v", err)
	}
	if !st.IsDir() && !st.Mode().IsRegular() {
		// A pipe or a device would be read forever (or block): only exported files are sources.
		return nil, srcErr(filepath.Base(p), 0, "is not a file or a folder (it is a %s); choose the exported OneRoster.zip, CSV file or folder", fileKind(st.Mode()))
	}
	s := &Source{Path: p, Modes: map[string]rosterdesk.Mode{}, Files: map[string]string{}, limits: lim, log: log}
	raw := map[string]string{} // name in source → how to open (path or zip name)
	switch {
	case st.IsDir():
		s.Kind, s.dir = "folder", p
		ents, err := os.ReadDir(p)
		if err != nil {
			return nil, srcErr(p, 0, "cannot list the folder: %v", err)
		}
		for _, e := range ents {
			if !e.IsDir() && strings.HasSuffix(strings.ToLower(e.Name()), ".csv") {
				if fi, err := os.Stat(filepath.Join(p, e.Name())); err != nil || !fi.Mode().IsRegular() {
					kind := "cannot be read"
					if err == nil {
						kind = "is a " + fileKind(fi.Mode())
					}
					return nil, srcErr(e.Name(), 0, "%s, not a file; remove it from the folder or export the bundle again", kind)
				}
				raw[e.Name()] = filepath.Join(p, e.Name())
			}
		}
	default:
		head, err := peek(p, 4096)
		if err != nil {
			return nil, srcErr(p, 0, "cannot read: %v", err)
		}
		if bytes.HasPrefix(head, []byte("PK\x03\x04")) || bytes.HasPrefix(head, []byte("PK\x05\x06")) {
			s.Kind = "zip"
			if err := s.openZip(p, raw); err != nil {
				return nil, err
			}
			break
		}
		if strings.HasSuffix(strings.ToLower(p), ".zip") {
			return nil, srcErr(filepath.Base(p), 0, "is not a zip file (it does not start like one); export the OneRoster bundle again")
		}
		utf16 := bytes.HasPrefix(head, []byte("\xFF\xFE")) || bytes.HasPrefix(head, []byte("\xFE\xFF"))
		if bytes.IndexByte(head, 0) >= 0 && !utf16 {
			return nil, srcErr(filepath.Base(p), 0, "is neither a zip nor a CSV file (it holds binary data)")
		}
		s.Kind, s.dir = "file", filepath.Dir(p)
		name, err := s.loneFileName(p, head)
		if err != nil {
			return nil, err
		}
		raw[name] = p
	}
	// Sorted, so warnings and the duplicate-name message come out the same on every run.
	for _, name := range slices.Sorted(maps.Keys(raw)) {
		loc := raw[name]
		if strings.EqualFold(name, "manifest.csv") {
			s.Files["manifest"] = loc
			continue
		}
		canon, ok := canonicalFile(name)
		if !ok {
			log.warnf(rosterdesk.LogEntry{Phase: "open", File: name, Rule: "package.unknown_file"}, "%s is not a OneRoster file name; ignored", name)
			continue
		}
		if prev, dup := s.Files[canon]; dup {
			return nil, srcErr(name, 0, "two files are named %s.csv (%s and %s); keep one", canon, path.Base(prev), name)
		}
		if name != canon+".csv" && s.Kind != "file" {
			log.warnf(rosterdesk.LogEntry{Phase: "open", File: name, Rule: "package.file_name_case"}, "file name should be %s.csv (names are case-sensitive); read as %s.csv", canon, canon)
		}
		s.Files[canon] = loc
	}
	if err := s.readManifest(); err != nil {
		return nil, err
	}
	return s, nil
}

// fileKind names what a path that is not a file or folder is.
func fileKind(m os.FileMode) string {
	switch {
	case m&os.ModeNamedPipe != 0:
		return "named pipe (FIFO)"
	case m&os.ModeSocket != 0:
		return "socket"
	case m&os.ModeDevice != 0:
		return "device"
	}
	return "special file"
}

func peek(p string, n int) ([]byte, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	buf := make([]byte, n)
	k, err := io.ReadFull(f, buf)
	if err == io.ErrUnexpectedEOF || err == io.EOF {
		err = nil
	}
	return buf[:k], err
}

// loneFileName decides which OneRoster file a lone CSV is: by its name, else by its header.
func (s *Source) loneFileName(p string, head []byte) (string, error) {
	base := filepath.Base(p)
	if canon, ok := canonicalFile(base); ok {
		return canon + ".csv", nil
	}
	hdr, _ := csvHeader(bytes.NewReader(head)) // decoded and split as the engine reads it
	h := strings.Join(hdr, ",")
	switch {
	case strings.Contains(h, "enableduser") && strings.Contains(h, "username"):
		s.log.warnf(rosterdesk.LogEntry{Phase: "open", File: base, Line: 1, Rule: "package.file_name"}, "%s is read as users.csv (from its header)", base)
		return "users.csv", nil
	case strings.Contains(h, "coursecode") || strings.Contains(h, "schoolyearsourcedid"):
		s.log.warnf(rosterdesk.LogEntry{Phase: "open", File: base, Line: 1, Rule: "package.file_name"}, "%s is read as courses.csv (from its header)", base)
		return "courses.csv", nil
	}
	return "", srcErr(base, 1, "is not a OneRoster file: upload OneRoster.zip, users.csv or courses.csv")
}

func (s *Source) openZip(p string, raw map[string]string) error {
	zr, err := zip.OpenReader(p)
	if err != nil {
		return srcErr(filepath.Base(p), 0, "is not a readable zip file: %v", err)
	}
	s.zr = zr
	s.files = map[string]*zip.File{}
	var total uint64
	var names []string
	for _, f := range zr.File {
		n := f.Name
		if strings.Contains(n, "\\") {
			n = strings.ReplaceAll(n, "\\", "/")
		}
		if strings.HasPrefix(n, "/") || (len(n) > 1 && n[1] == ':') {
			return srcErr(filepath.Base(p), 0, "entry %q has an absolute path; refusing the zip", f.Name)
		}
		for _, part := range strings.Split(n, "/") {
			if part == ".." {
				return srcErr(filepath.Base(p), 0, "entry %q points outside the zip (..); refusing the zip", f.Name)
			}
		}
		if strings.HasPrefix(n, "__MACOSX/") || f.FileInfo().IsDir() || strings.HasPrefix(path.Base(n), "._") {
			continue
		}
		total += f.UncompressedSize64
		if total > uint64(s.limits.MaxUncompressed) {
			return srcErr(filepath.Base(p), 0, "expands to more than %d MB (the limit for one OneRoster bundle); refused as a possible zip bomb, nothing was imported", s.limits.MaxUncompressed>>20)
		}
		if f.UncompressedSize64 > ratioFloor && f.UncompressedSize64 > uint64(s.limits.MaxRatio)*f.CompressedSize64 {
			return srcErr(filepath.Base(p), 0, "entry %s expands %d times its compressed size (real CSV files expand at most %d times); refused as a possible zip bomb, nothing was imported",
				n, f.UncompressedSize64/max(f.CompressedSize64, 1), s.limits.MaxRatio)
		}
		if f.Flags&0x1 != 0 {
			return srcErr(filepath.Base(p), 0, "is encrypted (password-protected): RosterDesk cannot read entry %s. Export the bundle again without a password", n)
		}
		if strings.HasSuffix(strings.ToLower(n), ".csv") {
			if _, dup := s.files[n]; dup {
				return srcErr(filepath.Base(p), 0, "holds two entries named %s; which one is meant cannot be told, so the zip is refused. Export the bundle again", n)
			}
			names = append(names, n)
			s.files[n] = f
		}
	}
	// Files may sit in one top-level folder (a zipped folder); deeper nesting is not a bundle.
	prefix := ""
	for i, n := range names {
		dir := path.Dir(n)
		if dir == "." {
			dir = ""
		}
		if i == 0 {
			prefix = dir
		} else if dir != prefix {
			return srcErr(filepath.Base(p), 0, "holds CSV files in different folders (%s and %s); a OneRoster zip is flat", names[0], n)
		}
	}
	if strings.Contains(prefix, "/") {
		return srcErr(filepath.Base(p), 0, "holds its CSV files in nested folders (%s); a OneRoster zip is flat", prefix)
	}
	if len(names) == 0 {
		return srcErr(filepath.Base(p), 0, "holds no CSV files")
	}
	if prefix != "" {
		s.log.infof(rosterdesk.LogEntry{Phase: "open", File: filepath.Base(p), Rule: "package.folder"},
			"the files sit in the folder %s/ inside the zip (OneRoster zips are flat); read from there", prefix)
	}
	sort.Strings(names)
	for _, n := range names {
		raw[path.Base(n)] = n
	}
	return nil
}

// sizeLimited counts what a zip entry really expands to, so a lying header cannot slip past the limit.
type sizeLimited struct {
	r          io.Reader
	s          *Source
	name       string
	n          int64 // what this entry expanded to so far
	compressed int64
}

func (l *sizeLimited) Read(p []byte) (int, error) {
	n, err := l.r.Read(p)
	sum := l.s.readSum.Add(int64(n))
	l.n += int64(n)
	if sum > l.s.limits.MaxUncompressed {
		return n, srcErr(l.name, 0, "expands past %d MB (the limit for one OneRoster bundle); refused as a possible zip bomb, nothing was imported", l.s.limits.MaxUncompressed>>20)
	}
	if l.n > ratioFloor && l.n > l.s.limits.MaxRatio*max(l.compressed, 1) {
		return n, srcErr(l.name, 0, "expands more than %d times its compressed size (real CSV files expand at most %d times); refused as a possible zip bomb, nothing was imported",
			l.s.limits.MaxRatio, l.s.limits.MaxRatio)
	}
	return n, err
}

// open returns the raw bytes of a OneRoster file.
func (s *Source) open(canon string) (io.ReadCloser, string, error) {
	loc, ok := s.Files[canon]
	if !ok {
		return nil, "", fmt.Errorf("%s.csv is not in the source", canon)
	}
	name := path.Base(loc)
	if s.zr != nil {
		zf := s.files[loc]
		rc, err := zf.Open()
		if err != nil {
			return nil, name, srcErr(name, 0, "cannot read from the zip: %v", err)
		}
		return struct {
			io.Reader
			io.Closer
		}{bufio.NewReaderSize(&sizeLimited{r: rc, s: s, name: name, compressed: int64(zf.CompressedSize64)}, 64<<10), rc}, name, nil
	}
	f, err := os.Open(loc)
	if err != nil {
		return nil, name, srcErr(name, 0, "cannot open: %v", err)
	}
	return f, filepath.Base(loc), nil
}
