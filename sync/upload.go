package sync

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"

	"rosterdesk"
)

// The three things an admin can upload by hand.
const (
	UploadUsers     = "users.csv"
	UploadCourses   = "courses.csv"
	UploadOneRoster = "OneRoster.zip"
	// UploadFiles is several CSV files of one export handed over at once: read as a folder bundle.
	UploadFiles = "OneRoster files"
)

// Upload says what a file handed to the app is and what a sync of it covers.
type Upload struct {
	Kind  string           // UploadUsers, UploadCourses or UploadOneRoster
	Scope rosterdesk.Scope // ScopeUsers, ScopeUsersCourses, or "" for the sync.process setting
}

// expected is what every wrong upload is told.
const expected = "upload OneRoster.zip (the OneRoster CSV export of your SIS), or users.csv or courses.csv from it"

// headerPeek bounds how much of a file is read to find its header line.
const headerPeek = 64 << 10

// DetectUpload decides what the file at path is, from its name and its
// content: a zip (by its first bytes, whatever its name) is a OneRoster
// bundle; a CSV file is users.csv or courses.csv by its name, and a CSV file
// named otherwise by its header. Anything else (a spreadsheet, a PDF, a
// Microsoft School Data Sync export, another OneRoster file on its own, a
// file whose name and header disagree) is a *SourceError that tells the
// admin what was expected. Nothing is written.
//
// A lone users.csv syncs users only. A lone courses.csv syncs its courses
// only, with scope users+courses: the classes and assignments are not in the
// file, so the roster keeps them. A OneRoster.zip syncs what the sync.process
// setting says (Scope "").
func DetectUpload(p string) (Upload, error) {
	base := filepath.Base(p)
	st, err := os.Stat(p)
	if err != nil {
		return Upload{}, srcErr(base, 0, "cannot be opened: %v", errors.Unwrap(err))
	}
	if st.IsDir() {
		return Upload{}, srcErr(base, 0, "is a folder; zip the OneRoster export first: %s", expected)
	}
	head, err := peek(p, headerPeek)
	if err != nil {
		return Upload{}, srcErr(base, 0, "cannot be read: %v", err)
	}
	if len(bytes.TrimSpace(head)) == 0 {
		return Upload{}, srcErr(base, 0, "is empty; %s", expected)
	}
	if isZip(head) {
		return detectZip(p, base)
	}
	utf16 := bytes.HasPrefix(head, []byte("\xFF\xFE")) || bytes.HasPrefix(head, []byte("\xFE\xFF"))
	if what := binaryKind(head, base); what != "" && !utf16 { // UTF-16 text is full of zero bytes
		return Upload{}, srcErr(base, 0, "is %s, not a OneRoster CSV file; %s", what, expected)
	}
	if strings.HasSuffix(strings.ToLower(base), ".zip") {
		return Upload{}, srcErr(base, 0, "is not a zip file (it does not start like one); export the OneRoster bundle from your SIS again")
	}
	hdr, err := csvHeader(bytes.NewReader(head))
	if err != nil {
		return Upload{}, srcErr(base, 1, "is not a CSV file with a header row (%v); %s", err, expected)
	}
	kind := headerKind(hdr)
	if _, comma := csvReader(newTextReader(bytes.NewReader(head), headerPeek)); comma != ',' && (kind == "" || !hasAny(hdr, "sourcedid")) {
		// Saved by Excel with another delimiter, and its header does not prove what it is.
		return Upload{}, srcErr(base, 1, "has %s between its columns, not commas, and its header (%s) is not that of a OneRoster file. %s",
			delimName(comma), shortHeader(hdr), saveAsCSV)
	}
	canon, named := canonicalFile(base)
	switch {
	case named && canon == "users":
		if kind != "users" {
			return Upload{}, mismatch(base, "users", kind)
		}
		return checkOneRoster(base, hdr, Upload{Kind: UploadUsers, Scope: rosterdesk.ScopeUsers})
	case named && canon == "courses":
		if kind != "courses" {
			return Upload{}, mismatch(base, "courses", kind)
		}
		return checkOneRoster(base, hdr, Upload{Kind: UploadCourses, Scope: rosterdesk.ScopeUsersCourses})
	case named:
		return Upload{}, alone(base, canon)
	case strings.EqualFold(base, "manifest.csv") || kind == "manifest":
		return Upload{}, srcErr(base, 0, "is a OneRoster manifest; it only describes a bundle. Upload the whole OneRoster.zip it came with")
	}
	// Named otherwise: the header decides, as the engine reads a lone file.
	switch kind {
	case "users":
		if !hasAny(hdr, "enableduser") || !hasAny(hdr, "username") {
			return Upload{}, srcErr(base, 1, "looks like a users file but lacks the OneRoster columns enabledUser and username; export users.csv as OneRoster CSV from your SIS")
		}
		return checkOneRoster(base, hdr, Upload{Kind: UploadUsers, Scope: rosterdesk.ScopeUsers})
	case "courses":
		if !hasAny(hdr, "coursecode", "schoolyearsourcedid") {
			return Upload{}, srcErr(base, 1, "looks like a courses file, but without courseCode or schoolYearSourcedId it cannot be told from its header; rename it courses.csv")
		}
		return checkOneRoster(base, hdr, Upload{Kind: UploadCourses, Scope: rosterdesk.ScopeUsersCourses})
	case "sds":
		return Upload{}, sdsErr(base)
	case "":
		return Upload{}, srcErr(base, 1, "is not a OneRoster file: its header (%s) is not that of users.csv or courses.csv; %s", shortHeader(hdr), expected)
	}
	return Upload{}, alone(base, kind)
}

func isZip(head []byte) bool {
	return bytes.HasPrefix(head, []byte("PK\x03\x04")) || bytes.HasPrefix(head, []byte("PK\x05\x06"))
}

// binaryKind names a file that is not text, or "" for text.
func binaryKind(head []byte, base string) string {
	ext := strings.ToLower(filepath.Ext(base))
	switch {
	case bytes.HasPrefix(head, []byte("%PDF")):
		return "a PDF document"
	case bytes.HasPrefix(head, []byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1")):
		if ext == ".doc" {
			return "a Word document"
		}
		return "an Excel workbook (.xls)"
	case bytes.IndexByte(head, 0) >= 0:
		if ext == ".xlsx" || ext == ".xls" {
			return "an Excel workbook"
		}
		return "a binary file"
	}
	return ""
}

// detectZip accepts a zip that holds OneRoster CSV files.
func detectZip(p, base string) (Upload, error) {
	zr, err := zip.OpenReader(p)
	if err != nil {
		return Upload{}, srcErr(base, 0, "is not a readable zip file (%v); export the OneRoster bundle from your SIS again", err)
	}
	defer zr.Close()
	var csvs []*zip.File
	office := ""
	for _, f := range zr.File {
		n := strings.ReplaceAll(f.Name, "\\", "/")
		switch {
		case n == "[Content_Types].xml" || strings.HasPrefix(n, "xl/"):
			if strings.HasPrefix(n, "xl/") {
				office = "an Excel workbook (.xlsx)"
			} else if office == "" {
				office = "an Office document"
			}
		case strings.HasPrefix(n, "word/"):
			office = "a Word document"
		}
		if strings.HasPrefix(n, "__MACOSX/") || f.FileInfo().IsDir() || strings.HasPrefix(path.Base(n), "._") {
			continue
		}
		if strings.HasSuffix(strings.ToLower(n), ".csv") {
			csvs = append(csvs, f)
		}
	}
	if office != "" {
		return Upload{}, srcErr(base, 0, "is %s, not a OneRoster export; %s", office, expected)
	}
	if len(csvs) == 0 {
		return Upload{}, srcErr(base, 0, "holds no CSV files; %s", expected)
	}
	found := false
	for _, f := range csvs {
		canon, ok := canonicalFile(path.Base(strings.ReplaceAll(f.Name, "\\", "/")))
		if !ok {
			continue
		}
		found = true
		if canon != "users" && canon != "orgs" {
			continue
		}
		// Microsoft SDS exports use the same file names without the OneRoster columns.
		hdr, err := zipHeader(f)
		if err == nil && !hasAny(hdr, "status", "datelastmodified") {
			return Upload{}, sdsErr(base)
		}
	}
	if !found {
		if sdsNames(csvs) {
			return Upload{}, sdsErr(base)
		}
		return Upload{}, srcErr(base, 0, "holds no OneRoster files (users.csv, orgs.csv, courses.csv, ...); %s", expected)
	}
	return Upload{Kind: UploadOneRoster}, nil
}

func zipHeader(f *zip.File) ([]string, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return csvHeader(io.LimitReader(rc, headerPeek))
}

// sdsNames tells whether a zip's CSV files are named like a Microsoft School Data Sync (v1) export.
func sdsNames(csvs []*zip.File) bool {
	for _, f := range csvs {
		switch strings.ToLower(path.Base(f.Name)) {
		case "school.csv", "section.csv", "student.csv", "teacher.csv", "studentenrollment.csv", "teacherroster.csv":
			return true
		}
	}
	return false
}

// csvHeader reads the first record of a CSV stream, normalised the way the
// engine reads it (a UTF-8 BOM dropped, Windows-1252 decoded), lower-cased.
func csvHeader(r io.Reader) ([]string, error) {
	// As the engine reads it: UTF-16 decoded, a ; or tab delimiter taken from the first line.
	cr, _ := csvReader(newTextReader(r, headerPeek))
	cr.LazyQuotes = true
	rec, err := cr.Read()
	if err == io.EOF {
		return nil, errors.New("it is empty")
	}
	if err != nil {
		return nil, err
	}
	out := make([]string, len(rec))
	for i, h := range rec {
		out[i] = strings.ToLower(strings.TrimSpace(h))
	}
	return out, nil
}

func hasAny(hdr []string, names ...string) bool {
	for _, h := range hdr {
		for _, n := range names {
			if h == n {
				return true
			}
		}
	}
	return false
}

// headerKind tells which OneRoster file a header belongs to ("users",
// "courses", "classes", "enrollments", "orgs", "academicSessions", "roles",
// "demographics", "manifest"), "sds" for a Microsoft School Data Sync file,
// or "" when it is none of these.
func headerKind(h []string) string {
	has := func(names ...string) bool {
		for _, n := range names {
			if !hasAny(h, n) {
				return false
			}
		}
		return true
	}
	switch {
	case has("propertyname", "value"):
		return "manifest"
	case has("enableduser") || has("username", "givenname", "familyname") && !has("usersourcedid"):
		return "users"
	case has("classsourcedid", "usersourcedid"):
		return "enrollments"
	case has("coursesourcedid"):
		return "classes"
	case has("coursecode") || has("schoolyearsourcedid") || has("orgsourcedid", "title"):
		return "courses"
	case has("roletype") || has("usersourcedid", "role", "orgsourcedid"):
		return "roles"
	case has("startdate", "enddate", "type"):
		return "academicSessions"
	case has("name", "type") && (has("parentsourcedid") || has("identifier")):
		return "orgs"
	case has("birthdate") || has("sex"):
		return "demographics"
	}
	for _, c := range h {
		if strings.Contains(c, "sis id") || c == "sis_id" || c == "section sis id" {
			return "sds"
		}
	}
	return ""
}

// checkOneRoster refuses a users or courses file without the OneRoster
// columns every such file has; Microsoft SDS files look like that.
func checkOneRoster(base string, hdr []string, u Upload) (Upload, error) {
	if !hasAny(hdr, "status", "datelastmodified") {
		return Upload{}, srcErr(base, 1, "is not a OneRoster file: its header has neither status nor dateLastModified. "+
			"It looks like a Microsoft School Data Sync (SDS) export; export OneRoster 1.1 or 1.2 CSV from your SIS and %s", expected)
	}
	if !hasAny(hdr, "sourcedid") {
		return Upload{}, srcErr(base, 1, "has no sourcedId column, so its rows cannot be matched to the roster; export it as OneRoster CSV from your SIS")
	}
	// As the engine tells the versions apart: a 1.2 users.csv keeps roles and schools in roles.csv.
	if u.Kind == UploadUsers && !hasAny(hdr, "role", "orgsourcedids") && hasAny(hdr, "primaryorgsourcedid", "usermasteridentifier") {
		return Upload{}, srcErr(base, 1, "is a OneRoster 1.2 users.csv, which needs the roles.csv beside it (each user's role and school are there); drop users.csv and roles.csv together, or upload the whole OneRoster.zip")
	}
	return u, nil
}

func sdsErr(base string) error {
	return srcErr(base, 0, "looks like a Microsoft School Data Sync (SDS) export, not OneRoster: export OneRoster 1.1 or 1.2 CSV from your SIS and %s", expected)
}

// mismatch refuses a file whose name says one OneRoster file and whose header another.
func mismatch(base, named, kind string) error {
	switch kind {
	case "":
		return srcErr(base, 1, "does not look like a OneRoster %s.csv: its header lacks the %s columns; export it as OneRoster CSV from your SIS", named, columnsOf(named))
	case "sds":
		return sdsErr(base)
	case "users", "courses":
		return srcErr(base, 1, "holds %s, not %s (its header is that of %s.csv); rename it %s.csv or upload the right file", kind, named, kind, kind)
	}
	return srcErr(base, 1, "holds %s, not %s (its header is that of %s.csv); %s", kind, named, kind, expected)
}

func columnsOf(kind string) string {
	if kind == "users" {
		return "enabledUser and username"
	}
	return "title, courseCode and orgSourcedId"
}

// alone refuses a OneRoster file other than users.csv or courses.csv on its own.
func alone(base, canon string) error {
	why := map[string]string{
		"orgs":             "schools are synced from the whole OneRoster.zip (a building sync), not from orgs.csv alone",
		"classes":          "classes are synced with their courses, from OneRoster.zip",
		"enrollments":      "course assignments are synced with their classes and users, from OneRoster.zip",
		"academicSessions": "terms are synced with the courses that use them, from OneRoster.zip",
		"roles":            "roles.csv belongs with users.csv in a OneRoster 1.2 bundle; drop users.csv and roles.csv together, or upload OneRoster.zip",
		"demographics":     "demographics are not synced",
	}[canon]
	if why == "" {
		why = canon + ".csv is not synced on its own"
	}
	return srcErr(base, 0, "cannot be uploaded on its own: %s. Upload OneRoster.zip, users.csv or courses.csv", why)
}

func shortHeader(h []string) string {
	s := strings.Join(h, ",")
	if len(s) > 80 {
		s = s[:77] + "..."
	}
	return s
}

// String describes an upload for messages: "users.csv (users)".
func (u Upload) String() string {
	if u.Scope == "" {
		return fmt.Sprintf("%s (scope from the %s setting)", u.Kind, KeySyncProcess)
	}
	return fmt.Sprintf("%s (%s)", u.Kind, u.Scope)
}

// UploadFiles decides what the files handed to the app at once (dropped
// together) are, and gives the one source a sync of them reads. One file is
// DetectUpload's; one folder is an unzipped export, read in place. Several are the CSV files of one export: users.csv with its
// roles.csv (OneRoster 1.2) upload users; any other set is a bundle, synced as
// the sync.process setting says, like OneRoster.zip. Several files are copied,
// under their OneRoster names, into a private folder of this roster's that is
// read as a folder bundle; cleanup removes it once the upload is applied or
// dropped. Nothing else is written.
func (e *Engine) UploadFiles(paths []string) (source string, u Upload, cleanup func(), err error) {
	cleanup = func() {}
	switch len(paths) {
	case 0:
		return "", Upload{}, cleanup, srcErr("", 0, "nothing to upload: %s", expected)
	case 1:
		if st, err := os.Stat(paths[0]); err == nil && st.IsDir() {
			// An unzipped export: read as a folder bundle, in place.
			return paths[0], Upload{Kind: UploadFiles}, cleanup, nil
		}
		u, err := DetectUpload(paths[0])
		return paths[0], u, cleanup, err
	}
	names := map[string]string{} // OneRoster name → path
	for _, p := range paths {
		canon, err := uploadMember(p)
		if err != nil {
			return "", Upload{}, cleanup, err
		}
		if prev, dup := names[canon]; dup {
			return "", Upload{}, cleanup, srcErr(filepath.Base(p), 0, "and %s are both %s.csv; drop the files of one export, each once", filepath.Base(prev), canon)
		}
		names[canon] = p
	}
	u = Upload{Kind: UploadFiles}
	onlyUsers := true
	for canon := range names {
		if canon != "users" && canon != "roles" && canon != "manifest" {
			onlyUsers = false
		}
	}
	if _, ok := names["users"]; ok && onlyUsers {
		u = Upload{Kind: UploadUsers, Scope: rosterdesk.ScopeUsers}
	}
	dir, err := e.TempDir("upload")
	if err != nil {
		return "", Upload{}, cleanup, err
	}
	cleanup = func() { os.RemoveAll(dir) }
	for canon, p := range names {
		if err := copyFile(p, filepath.Join(dir, canon+".csv")); err != nil {
			cleanup()
			return "", Upload{}, func() {}, srcErr(filepath.Base(p), 0, "cannot be read: %v", errors.Unwrap(err))
		}
	}
	return dir, u, cleanup, nil
}

// uploadMember tells which OneRoster file one of several dropped files is:
// by its name, else by its header; anything that is not a OneRoster CSV file is refused.
func uploadMember(p string) (string, error) {
	base := filepath.Base(p)
	st, err := os.Stat(p)
	if err != nil {
		return "", srcErr(base, 0, "cannot be opened: %v", errors.Unwrap(err))
	}
	if st.IsDir() {
		return "", srcErr(base, 0, "is a folder; drop the CSV files of one export, or OneRoster.zip on its own")
	}
	head, err := peek(p, headerPeek)
	if err != nil {
		return "", srcErr(base, 0, "cannot be read: %v", err)
	}
	if isZip(head) {
		return "", srcErr(base, 0, "is a zip; drop OneRoster.zip on its own, or the CSV files of one export together")
	}
	utf16 := bytes.HasPrefix(head, []byte("\xFF\xFE")) || bytes.HasPrefix(head, []byte("\xFE\xFF"))
	if what := binaryKind(head, base); what != "" && !utf16 {
		return "", srcErr(base, 0, "is %s, not a OneRoster CSV file; drop the CSV files of one export together", what)
	}
	if strings.EqualFold(base, "manifest.csv") {
		return "manifest", nil
	}
	hdr, err := csvHeader(bytes.NewReader(head))
	if err != nil {
		return "", srcErr(base, 1, "is not a CSV file with a header row (%v)", err)
	}
	kind := headerKind(hdr)
	if kind == "sds" {
		return "", sdsErr(base)
	}
	if canon, ok := canonicalFile(base); ok {
		return canon, nil
	}
	if kind == "" {
		return "", srcErr(base, 1, "is not a OneRoster file: neither its name nor its header (%s) is that of one", shortHeader(hdr))
	}
	return kind, nil
}

// ConnectSource decides which source to connect for paths handed to the app
// at once (dropped on the OneRoster screen): one zip, CSV file or folder is
// itself; several files of one export are the folder they are in, which
// scheduled syncs then read (a copy would go stale). Files from several
// folders, or a folder among files, are refused with why.
func ConnectSource(paths []string) (string, error) {
	switch len(paths) {
	case 0:
		return "", srcErr("", 0, "nothing was dropped: drop OneRoster.zip, the folder of the export, or its CSV files")
	case 1:
		return paths[0], nil
	}
	dir := ""
	for _, p := range paths {
		base := filepath.Base(p)
		st, err := os.Stat(p)
		if err != nil {
			return "", srcErr(base, 0, "cannot be opened: %v", errors.Unwrap(err))
		}
		if st.IsDir() {
			return "", srcErr(base, 0, "is a folder; drop the folder of the export on its own, or its CSV files together")
		}
		if _, err := uploadMember(p); err != nil {
			return "", err
		}
		d := filepath.Dir(p)
		if dir != "" && d != dir {
			return "", srcErr(base, 0, "is in %s, not in %s with the other files; the files of one export are in one folder", d, dir)
		}
		dir = d
	}
	return dir, nil
}
