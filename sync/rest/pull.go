package rest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// Collection is a top-level rostering endpoint and the CSV file it fills.
type Collection struct {
	File string   // CSV file name without .csv: "users"
	Path string   // endpoint under the base URL: "/users"
	Keys []string // envelope keys its records may come under
	// Instead: endpoints read together when Path is not there (404), e.g.
	// /students and /teachers for a server without /users.
	Instead []string
}

// Collections are the endpoints a sync reads, by CSV file name. A full sync
// relies on the top-level collections only: relationship endpoints are
// missing on many providers.
var Collections = map[string]Collection{
	"orgs":             {"orgs", "/orgs", []string{"orgs", "schools"}, []string{"/schools"}},
	"academicSessions": {"academicSessions", "/academicSessions", []string{"academicSessions", "terms", "gradingPeriods", "sessions"}, nil},
	"courses":          {"courses", "/courses", []string{"courses"}, nil},
	"classes":          {"classes", "/classes", []string{"classes"}, nil},
	"users":            {"users", "/users", []string{"users", "students", "teachers"}, []string{"/students", "/teachers"}},
	"enrollments":      {"enrollments", "/enrollments", []string{"enrollments"}, nil},
}

// IncompleteError is a collection that came back shorter than the server said it was.
type IncompleteError struct {
	Collection string
	Got, Want  int
}

func (e *IncompleteError) Error() string {
	return fmt.Sprintf("%s: the server said it holds %d records (X-Total-Count) but sent %d; %d missing. Nothing was applied",
		e.Collection, e.Want, e.Got, e.Want-e.Got)
}

// Missing is how many records did not come.
func (e *IncompleteError) Missing() int { return e.Want - e.Got }

// PageCapError is a collection that had more pages than the hard cap allows.
type PageCapError struct {
	Collection string
	Pages      int
	Rows       int
}

func (e *PageCapError) Error() string {
	return fmt.Sprintf("%s: stopped after %d pages (%d records) without reaching the end; the server may not be paging (raise the page size if the district is this large)",
		e.Collection, e.Pages, e.Rows)
}

// PullStats describe one collection's pull.
type PullStats struct {
	Collection string
	Pages      int
	Rows       int // records received
	Total      int // the server's X-Total-Count, -1 when it sent none
}

// PullAll is Pull, falling back to the collection's Instead endpoints when
// its own is not there (404 on the first page).
func (c *Client) PullAll(ctx context.Context, col Collection, filter string, emit func(*Record) error, progress func(rows, total int)) (PullStats, error) {
	st, err := c.Pull(ctx, col, filter, emit, progress)
	var e *Error
	if err == nil || len(col.Instead) == 0 || st.Pages > 0 || !errors.As(err, &e) || e.Kind != KindNotFound {
		return st, err
	}
	all := PullStats{Collection: col.File, Total: 0}
	for _, path := range col.Instead {
		part := col
		part.Path = path
		done := all.Rows
		var prog func(int, int)
		if progress != nil {
			prog = func(rows, _ int) { progress(done+rows, -1) }
		}
		st, err := c.Pull(ctx, part, filter, emit, prog)
		all.Pages += st.Pages
		all.Rows += st.Rows
		if st.Total < 0 || all.Total < 0 {
			all.Total = -1
		} else {
			all.Total += st.Total
		}
		if err != nil {
			return all, err
		}
	}
	return all, nil
}

// DeltaFilter is the filter of a delta pull: records changed after since.
func DeltaFilter(since string) string {
	return "dateLastModified>'" + strings.ReplaceAll(since, "'", "''") + "'"
}

// pageURL is base+path with limit, offset and filter, encoded once (RFC 3986).
func (c *Client) pageURL(path string, limit, offset int, filter string) string {
	q := "limit=" + strconv.Itoa(limit) + "&offset=" + strconv.Itoa(offset)
	if filter != "" {
		q += "&filter=" + pct(filter)
	}
	return c.cfg.BaseURL + path + "?" + q
}

// Pull reads every record of col (those matching filter, when given) page by
// page and hands each to emit in order. Paging follows Link rel="next" when
// the server sends it, else advances offset by the records received (so a
// server that clamps limit silently is still read whole) until X-Total-Count
// is reached, else until a page shorter than the pages before it (or an
// empty one). A collection shorter than its X-Total-Count is an *IncompleteError.
// emit must not keep r: the next page is decoded into the same records.
func (c *Client) Pull(ctx context.Context, col Collection, filter string, emit func(*Record) error, progress func(rows, total int)) (PullStats, error) {
	st := PullStats{Collection: col.File, Total: -1}
	limit := c.cfg.PageSize
	next := c.pageURL(col.Path, limit, 0, filter)
	fetched := map[string]bool{}
	largest := 0
	prevFirst := ""
	var ahead *pipe
	defer func() { ahead.stop() }()
	var buf []Record // the last page's records, whose room the next page reuses
	for {
		if st.Pages >= c.cfg.MaxPages {
			return st, &PageCapError{Collection: col.File, Pages: st.Pages, Rows: st.Rows}
		}
		fetched[next] = true
		pp, ok := ahead.take(next)
		p, err := pp.p, pp.err
		if !ok {
			ahead.stop()
			ahead = nil
			p, err = c.get(ctx, col.File, next)
		}
		if err != nil {
			return st, err
		}
		// The pages that follow are asked for now, while this one is parsed,
		// when their addresses follow from the headers alone (what the loop
		// below would pick for pages as long as the last one); the loop checks
		// each guess.
		if ahead == nil && st.Pages+1 < c.cfg.MaxPages {
			if u := c.guessNext(p, col.Path, limit, filter, st.Rows, largest, fetched); u != "" {
				ahead = c.startPipe(ctx, col, filter, u, st.Rows+largest, largest, c.cfg.MaxPages-st.Pages-1, fetched)
			}
		}
		recs, err := decodePageInto(p.body, col, buf)
		if err != nil {
			return st, &Error{Kind: KindBadResponse, Op: col.File, URL: next, Status: 200, Err: err}
		}
		c.recycle(p.body) // the records hold copies
		p.body = nil
		st.Pages++
		n := len(recs)
		if n > 0 && st.Pages > 1 && recs[0].ID() != "" && recs[0].ID() == prevFirst {
			return st, &Error{Kind: KindBadResponse, Op: col.File, URL: next, Status: 200,
				Err: fmt.Errorf("page %d starts with the same record (%s) as the page before: the server ignores offset", st.Pages, prevFirst)}
		}
		if n > 0 {
			prevFirst = recs[0].ID()
		}
		buf = recs
		for i := range recs {
			if err := emit(&recs[i]); err != nil {
				return st, err
			}
		}
		st.Rows += n
		if t, ok := totalCount(p.header); ok {
			st.Total = t
		}
		if progress != nil {
			progress(st.Rows, st.Total)
		}
		link := c.nextLink(p.header, p.url)
		switch {
		case n == 0:
		case link != "" && !fetched[link]:
			next = link
			largest = max(largest, n)
			continue
		case st.Total >= 0:
			if st.Rows < st.Total {
				next = c.pageURL(col.Path, limit, st.Rows, filter)
				largest = max(largest, n)
				continue
			}
		case n < limit && n < largest:
			// A short page: the end.
		default:
			// A full page, or the first one shorter than asked (the server may
			// clamp limit): ask for what follows; an empty page ends it.
			next = c.pageURL(col.Path, limit, st.Rows, filter)
			largest = max(largest, n)
			continue
		}
		break
	}
	if st.Total >= 0 && st.Rows < st.Total {
		return st, &IncompleteError{Collection: col.File, Got: st.Rows, Want: st.Total}
	}
	return st, nil
}

// guessNext is the page the loop will most likely ask for after p: its Link
// rel="next", or with X-Total-Count the offset after a page as long as the
// largest so far. "" when the headers do not tell (then nothing is fetched ahead).
func (c *Client) guessNext(p *page, path string, limit int, filter string, rows, largest int, fetched map[string]bool) string {
	if largest == 0 {
		return "" // the first page: its length is not known yet (a server may clamp limit)
	}
	if link := c.nextLink(p.header, p.url); link != "" {
		if fetched[link] {
			return ""
		}
		return link
	}
	if t, ok := totalCount(p.header); ok && rows+largest < t {
		return c.pageURL(path, limit, rows+largest, filter)
	}
	return ""
}

// pipe fetches the pages the loop will most likely ask for next, one call
// in flight at a time, each asked for as soon as the one before it is read
// (as the transport floor asks), at most two read and not yet taken. The
// loop takes them in order and checks each address; a page it does not
// want ends the pipe.
type pipe struct {
	cancel context.CancelFunc
	pages  chan piped // closed when the guesses run out
	done   chan struct{}
}

type piped struct {
	url string
	p   *page
	err error
}

// startPipe fetches from u, the page at offset off, on: each next address
// from the last page's headers (guessNext's rules, pages of largest
// records), at most n pages, none fetched before.
func (c *Client) startPipe(ctx context.Context, col Collection, filter, u string, off, largest, n int, fetched map[string]bool) *pipe {
	ctx, cancel := context.WithCancel(ctx)
	f := &pipe{cancel: cancel, pages: make(chan piped, 1), done: make(chan struct{})}
	seen := make(map[string]bool, len(fetched)+8)
	for k := range fetched {
		seen[k] = true
	}
	go func() {
		defer close(f.done)
		defer close(f.pages)
		for ; u != "" && n > 0; n-- {
			seen[u] = true
			p, err := c.get(ctx, col.File, u)
			select {
			case f.pages <- piped{u, p, err}:
			case <-ctx.Done():
				return
			}
			if err != nil {
				return
			}
			off += largest
			switch link := c.nextLink(p.header, p.url); {
			case link != "":
				if seen[link] {
					link = ""
				}
				u = link
			default:
				u = ""
				if t, ok := totalCount(p.header); ok && off < t {
					u = c.pageURL(col.Path, c.cfg.PageSize, off, filter)
				}
			}
		}
	}()
	return f
}

// take is the pipe's next page when it is the one at u; ok false when it
// is not (or the pipe has none): then the caller stops the pipe.
func (f *pipe) take(u string) (piped, bool) {
	if f == nil {
		return piped{}, false
	}
	pp, open := <-f.pages
	return pp, open && pp.url == u
}

// stop abandons the pages fetched ahead that the loop did not take.
func (f *pipe) stop() {
	if f == nil {
		return
	}
	f.cancel()
	<-f.done
}

func totalCount(h http.Header) (int, bool) {
	v := strings.TrimSpace(h.Get("X-Total-Count"))
	if v == "" {
		return 0, false
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, false
	}
	return n, true
}

// nextLink is the RFC 8288 Link rel="next" target, resolved against the
// page's URL; a link to another host is not followed (credentials stay with
// the configured server), and an http link from an https server is read as https.
func (c *Client) nextLink(h http.Header, at *url.URL) string {
	for _, v := range h.Values("Link") {
		for _, part := range splitLinks(v) {
			i, j := strings.IndexByte(part, '<'), strings.IndexByte(part, '>')
			if i < 0 || j < i {
				continue
			}
			target := strings.TrimSpace(part[i+1 : j])
			isNext := false
			for _, param := range strings.Split(part[j+1:], ";") {
				k, val, _ := strings.Cut(strings.TrimSpace(param), "=")
				if strings.EqualFold(strings.TrimSpace(k), "rel") {
					for _, r := range strings.Fields(strings.Trim(strings.TrimSpace(val), `"`)) {
						isNext = isNext || strings.EqualFold(r, "next")
					}
				}
			}
			if !isNext || target == "" {
				continue
			}
			u, err := at.Parse(target)
			if err != nil || !strings.EqualFold(u.Hostname(), c.base.Hostname()) {
				return ""
			}
			if c.base.Scheme == "https" && u.Scheme == "http" {
				u.Scheme = "https"
				if u.Port() == "80" {
					u.Host = u.Hostname()
				}
			}
			return u.String()
		}
	}
	return ""
}

// splitLinks splits a Link header on the commas between links.
func splitLinks(v string) []string {
	var out []string
	depth, start := 0, 0
	for i := 0; i < len(v); i++ {
		switch v[i] {
		case '<':
			depth++
		case '>':
			depth--
		case ',':
			if depth <= 0 {
				out = append(out, v[start:i])
				start = i + 1
			}
		}
	}
	return append(out, v[start:])
}

// decodePage reads a collection envelope ({"users":[…]}), a bare array, or
// an envelope under another key when it holds exactly one list. The pages
// servers send are read by fastPage; what it is not sure of, by encoding/json.
func decodePage(body []byte, col Collection) ([]Record, error) {
	return decodePageInto(body, col, nil)
}

// decodePageInto is decodePage reusing buf's room for the records.
func decodePageInto(body []byte, col Collection, buf []Record) ([]Record, error) {
	body = bytes.TrimSpace(body)
	if recs, ok := fastPage(string(body), col, buf); ok {
		return recs, nil
	}
	return decodePageJSON(body, col)
}

// decodePageJSON is decodePage by encoding/json: the reference fastPage is
// held to, and the reader (and words) of every page fastPage gives up on.
func decodePageJSON(body []byte, col Collection) ([]Record, error) {
	if len(body) == 0 {
		return nil, errors.New("the answer is empty")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	tok, err := dec.Token()
	if err != nil {
		return nil, fmt.Errorf("the answer is not JSON: %v", err)
	}
	// Room for the page's records up front: a record is a large struct, and
	// growing the slice record by record copied each page's records twice over.
	hint := len(body) / 300
	if tok == json.Delim('[') {
		return decodeArray(dec, hint)
	}
	if tok != json.Delim('{') {
		return nil, errors.New("the answer is not a JSON object")
	}
	var lists []json.RawMessage
	keys := 0
	for dec.More() {
		kt, err := dec.Token()
		if err != nil {
			return nil, fmt.Errorf("the answer is not valid JSON: %v", err)
		}
		key, _ := kt.(string)
		keys++
		match := false
		for _, k := range col.Keys {
			match = match || strings.EqualFold(k, key)
		}
		if match {
			t, err := dec.Token()
			if err != nil {
				return nil, fmt.Errorf("the answer is not valid JSON: %v", err)
			}
			if t == nil {
				return nil, nil // "users": null
			}
			if t != json.Delim('[') {
				return nil, fmt.Errorf("%q is not a list", key)
			}
			return decodeArray(dec, hint)
		}
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, fmt.Errorf("the answer is not valid JSON: %v", err)
		}
		if len(raw) > 0 && raw[0] == '[' {
			lists = append(lists, raw)
		}
	}
	if len(lists) == 1 {
		var recs []Record
		if err := json.Unmarshal(lists[0], &recs); err != nil {
			return nil, fmt.Errorf("a record is not valid: %v", err)
		}
		return recs, nil
	}
	if keys == 0 {
		return nil, nil // {}: nothing
	}
	if si := parseStatus(body); si.Description != "" || si.CodeMinor != "" {
		return nil, fmt.Errorf("no %q list in the answer; the server says: %s", col.Keys[0], strings.TrimSpace(si.Description+" "+si.CodeMinor))
	}
	return nil, fmt.Errorf("no %q list in the answer", col.Keys[0])
}

func decodeArray(dec *json.Decoder, hint int) ([]Record, error) {
	var recs []Record
	if dec.More() {
		recs = make([]Record, 0, hint)
	}
	for dec.More() {
		var r Record
		if err := dec.Decode(&r); err != nil {
			if errors.Is(err, io.ErrUnexpectedEOF) {
				return nil, errors.New("the answer was cut off")
			}
			return nil, fmt.Errorf("record %d is not valid: %v", len(recs)+1, err)
		}
		recs = append(recs, r)
	}
	return recs, nil
}
