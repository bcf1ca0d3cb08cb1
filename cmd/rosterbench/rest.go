package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/pprof"
	"strings"
	gosync "sync"

	"rosterdesk/sync/rest"
	"rosterdesk/sync/rest/resttest"
)

// The REST pull phase: the day-1 district served by the in-repo OneRoster
// server (sync/rest/resttest) in its own process, pulled into a CSV bundle by
// the app's REST client (rest.Client.WriteBundle, what `sync provider` runs
// before planning), then the same pages fetched again as plain HTTP requests
// whose bodies are read and thrown away: the transport floor.

const targetREST = 1.3

var restFiles = []string{"orgs", "academicSessions", "courses", "classes", "users", "enrollments"}

var errNotChild = errors.New("not a REST child")

// restChild runs the REST phase's child processes; errNotChild when o names none.
func restChild(o options) error {
	switch {
	case o.restServe != "":
		return serveREST(o.restServe, o.version)
	case o.restPull != "":
		if o.restProfile != "" {
			f, err := os.Create(o.restProfile)
			if err != nil {
				return err
			}
			defer f.Close()
			pprof.StartCPUProfile(f)
			defer pprof.StopCPUProfile()
		}
		return pullREST(o.restPull, o.version, o.restHeaders, o.restOut, o.restURLs)
	case o.restFloor != "":
		return fetchREST(o.restFloor)
	}
	return errNotChild
}

// restResult is what the pulling child reports.
type restResult struct {
	Pages   int
	Records int
	Bytes   int64
	Err     string
}

type restPhase struct {
	pull, floor measure
	res         restResult
	floorRes    restResult
	failure     string
	top         string // with -profile: pprof -top -cum of the pull
}

// serveREST is the serving child: it loads dir, prints the base URL and
// serves until its standard input closes.
func serveREST(dir, version string) error {
	cfg := resttest.Generic11()
	if version == "1.2" {
		cfg = resttest.Generic12()
	}
	cfg.Auth, cfg.Secret = "bearer", "bench-token"
	s := resttest.New(cfg)
	defer s.Close()
	if err := s.Load(dir); err != nil {
		return err
	}
	fmt.Println(s.BaseURL())
	io.Copy(io.Discard, os.Stdin)
	return nil
}

// urlLog records every URL the client asks for, in order.
type urlLog struct {
	mu    gosync.Mutex
	urls  []string
	bytes int64
	next  http.RoundTripper
}

func (l *urlLog) RoundTrip(r *http.Request) (*http.Response, error) {
	l.mu.Lock()
	l.urls = append(l.urls, r.URL.String())
	l.mu.Unlock()
	return l.next.RoundTrip(r)
}

// pullREST is the pulling child: the app's client writes the bundle into out
// and the URLs it fetched into urlsFile.
func pullREST(base, version, headers, out, urlsFile string) error {
	log := &urlLog{next: http.DefaultTransport}
	c, err := rest.New(rest.Config{BaseURL: base, Version: version, Auth: rest.AuthBearer, ClientSecret: "bench-token",
		HTTPClient: &http.Client{Transport: log}})
	if err != nil {
		return err
	}
	files := restFiles
	stats, err := c.WriteBundle(context.Background(), rest.BundleSpec{Dir: out, Version: version, Files: files,
		Header: func(file string) []string { return csvHeader(filepath.Join(headers, file+".csv")) }})
	var r restResult
	for _, st := range stats {
		r.Pages += st.Pages
		r.Records += st.Rows
	}
	if err != nil {
		r.Err = err.Error()
	}
	if werr := os.WriteFile(urlsFile, []byte(strings.Join(log.urls, "\n")+"\n"), 0o644); werr != nil && err == nil {
		return werr
	}
	return json.NewEncoder(os.Stdout).Encode(r)
}

func csvHeader(path string) []string {
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	h, _ := csv.NewReader(bufio.NewReader(f)).Read()
	return h
}

// fetchREST is the floor child: every URL in urlsFile fetched in turn, each
// body read to the end and dropped.
func fetchREST(urlsFile string) error {
	b, err := os.ReadFile(urlsFile)
	if err != nil {
		return err
	}
	var r restResult
	for _, u := range strings.Fields(string(b)) {
		req, err := http.NewRequest(http.MethodGet, u, nil)
		if err != nil {
			return err
		}
		req.Header.Set("Authorization", "Bearer bench-token")
		req.Header.Set("Accept", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return err
		}
		n, err := io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if err != nil {
			return err
		}
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("%s: %s", u, resp.Status)
		}
		r.Pages++
		r.Bytes += n
	}
	return json.NewEncoder(os.Stdout).Encode(r)
}

// runREST times the pull and its floor on the day-1 folder.
func (b *bench) runREST(day1 string) *restPhase {
	ph := &restPhase{}
	exe, err := os.Executable()
	if err != nil {
		ph.failure = err.Error()
		return ph
	}
	logf("REST: serving the day-1 district from the in-repo OneRoster server")
	srv := exec.Command(exe, "-rest-serve", day1, "-version", b.o.version)
	stdin, _ := srv.StdinPipe()
	stdout, _ := srv.StdoutPipe()
	srv.Stderr = os.Stderr
	if err := srv.Start(); err != nil {
		ph.failure = err.Error()
		return ph
	}
	defer func() {
		stdin.Close()
		srv.Wait()
	}()
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		ph.failure = "the REST server did not start: " + err.Error()
		return ph
	}
	base := strings.TrimSpace(line)
	out := filepath.Join(b.work, "rest-pull")
	os.RemoveAll(out)
	os.MkdirAll(out, 0o755)
	urls := filepath.Join(b.work, "rest-urls.txt")
	// Warm the server with one pull that is not timed: a fresh server's first
	// pass grows its heap and collects more (measured: 12.5 s against 9.7 s for
	// the next pass), which would be charged to whichever run came first.
	logf("REST: warming the server with one untimed pull")
	warm := []string{"-rest-pull", base, "-version", b.o.version, "-rest-headers", day1, "-rest-out", out, "-rest-urls", urls}
	if m, err := runChild(nil, exe, warm...); err != nil || m.exit != 0 {
		ph.failure = fmt.Sprintf("warm-up pull failed (exit %d): %v %s", m.exit, err, tail(m.stderr, 300))
		logf("REST %s", ph.failure)
		return ph
	}
	os.RemoveAll(out)
	os.MkdirAll(out, 0o755)
	logf("REST: pull with the app's client (rest.Client.WriteBundle)")
	args := []string{"-rest-pull", base, "-version", b.o.version, "-rest-headers", day1, "-rest-out", out, "-rest-urls", urls}
	prof := filepath.Join(b.work, "rest-pull.pprof")
	if b.o.profile {
		args = append(args, "-rest-profile", prof)
	}
	m, err := runChild(nil, exe, args...)
	ph.pull = m
	if err != nil || m.exit != 0 || json.Unmarshal(m.stdout, &ph.res) != nil || ph.res.Err != "" {
		ph.failure = fmt.Sprintf("pull failed (exit %d): %v %s %s", m.exit, err, ph.res.Err, tail(m.stderr, 300))
		logf("REST %s", ph.failure)
		return ph
	}
	logf("REST: pull %.2fs, %d pages, %d records", m.wall.Seconds(), ph.res.Pages, ph.res.Records)
	if b.o.profile {
		if top, err := exec.Command("go", "tool", "pprof", "-top", "-cum", "-nodecount=25", exe, prof).Output(); err == nil {
			ph.top = string(top)
		}
	}
	logf("REST: floor, the same %d pages as plain HTTP requests", ph.res.Pages)
	m, err = runChild(nil, exe, "-rest-floor", urls)
	ph.floor = m
	if err != nil || m.exit != 0 || json.Unmarshal(m.stdout, &ph.floorRes) != nil {
		ph.failure = fmt.Sprintf("floor failed (exit %d): %v %s", m.exit, err, tail(m.stderr, 300))
		logf("REST %s", ph.failure)
		return ph
	}
	logf("REST: floor %.2fs, %s", m.wall.Seconds(), mb(ph.floorRes.Bytes))
	return ph
}

func (ph *restPhase) ratio() float64 {
	if ph.floor.wall <= 0 {
		return 0
	}
	return ph.pull.wall.Seconds() / ph.floor.wall.Seconds()
}

func (b *bench) restReport(w io.Writer) {
	ph := b.rest
	if ph == nil {
		return
	}
	fmt.Fprintf(w, "\n## REST pull\n\n")
	fmt.Fprintf(w, "The day-1 district served by the in-repo OneRoster server (`sync/rest/resttest`, bearer token, pages of 1,000) in its own process; "+
		"the pull is the app's REST client writing the CSV bundle (`rest.Client.WriteBundle`, what `sync provider` runs before planning) in a child process; "+
		"the floor fetches the same pages, in the same order, as plain HTTP requests whose bodies are read and dropped (no JSON parsing, no CSV writing). "+
		"Both are timed after one untimed pull has warmed the server (a fresh server's first pass is slower, whichever client makes it). "+
		"Target: pull ≤ %.1f× the floor.\n\n", targetREST)
	if ph.failure != "" {
		fmt.Fprintf(w, "**FAILED**: %s\n", ph.failure)
		return
	}
	result := "PASS"
	if ph.ratio() > targetREST {
		result = "**MISS**"
	}
	fmt.Fprintf(w, "| phase | pages | records | seconds | user s | sys s | peak RSS MB | ratio to floor | target | result |\n|---|--:|--:|--:|--:|--:|--:|--:|--:|---|\n")
	fmt.Fprintf(w, "| 7. REST full pull | %s | %s | %.2f | %.2f | %.2f | %.0f | %.2f× | ≤ %.1f× | %s |\n", grouped(ph.res.Pages), grouped(ph.res.Records),
		ph.pull.wall.Seconds(), ph.pull.user.Seconds(), ph.pull.sys.Seconds(), ph.pull.rssMB(), ph.ratio(), targetREST, result)
	fmt.Fprintf(w, "| floor (plain HTTP, %s) | %s | | %.2f | %.2f | %.2f | %.0f | | | |\n", mb(ph.floorRes.Bytes), grouped(ph.floorRes.Pages),
		ph.floor.wall.Seconds(), ph.floor.user.Seconds(), ph.floor.sys.Seconds(), ph.floor.rssMB())
	if ph.top != "" {
		fmt.Fprintf(w, "\n<details><summary>REST pull: CPU profile of the client, top functions by cumulative time</summary>\n\n```\n%s\n```\n</details>\n", ph.top)
	}
}
