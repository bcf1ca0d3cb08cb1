package resttest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// serve routes: the token endpoint, the rostering collections, else 404.
func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	rw := &recorder{ResponseWriter: w, status: 200}
	defer func() {
		var cookies []string
		for _, c := range r.Cookies() {
			cookies = append(cookies, c.Name)
		}
		scheme, _, _ := strings.Cut(r.Header.Get("Authorization"), " ")
		s.mu.Lock()
		s.requests = append(s.requests, Request{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, Auth: scheme, Cookies: cookies, Status: rw.status})
		s.mu.Unlock()
	}()
	if s.cfg.TokenPath != "" && r.URL.Path == s.cfg.TokenPath {
		s.token(rw, r)
		return
	}
	rest, ok := strings.CutPrefix(r.URL.Path, s.cfg.BasePath+"/")
	if !ok || s.cfg.BasePath == "" {
		rw.Header().Set("Content-Type", "text/html; charset=utf-8")
		rw.WriteHeader(http.StatusNotFound)
		fmt.Fprint(rw, "<!DOCTYPE html><html><head><title>404 Not Found</title></head><body><h1>Not Found</h1><p>The requested URL was not found on this server.</p></body></html>")
		return
	}
	if r.Method != http.MethodGet {
		imsx(rw, http.StatusMethodNotAllowed, "unsupported", "only GET is supported")
		return
	}
	if s.fault(rw, r, rest) {
		return
	}
	if !s.authenticate(rw, r) {
		return
	}
	collection := strings.Trim(rest, "/")
	if strings.Contains(collection, "/") {
		imsx(rw, http.StatusNotFound, "unknownobject", "this server serves the top-level collections only")
		return
	}
	if s.cfg.Forbid[collection] {
		imsx(rw, http.StatusForbidden, "forbidden", "Insufficient scope: the token does not grant "+scopeFor(s.cfg.Version))
		return
	}
	s.collection(rw, r, collection)
}

func scopeFor(version string) string {
	if version == "1.2" {
		return ScopeCore12
	}
	return ScopeCore11
}

type recorder struct {
	http.ResponseWriter
	status int
}

func (r *recorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

// imsx writes a OneRoster error body.
func imsx(w http.ResponseWriter, status int, codeMinor, description string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]any{
		"imsx_codeMajor": "failure", "imsx_severity": "error", "imsx_description": description,
		"imsx_CodeMinor": map[string]any{"imsx_codeMinorField": []map[string]string{
			{"imsx_codeMinorFieldName": "TargetEndSystem", "imsx_codeMinorFieldValue": codeMinor}}},
	})
}

// fault applies the faults in force to an API call; it reports whether it answered.
func (s *Server) fault(w http.ResponseWriter, r *http.Request, rest string) bool {
	s.mu.Lock()
	s.calls++
	f := &s.faults
	if f.DropSessionsAt > 0 && s.calls == f.DropSessionsAt {
		s.tokens = map[string]session{}
	}
	var act string
	switch {
	case f.Gateway > 0:
		f.Gateway--
		act = "gateway"
	case f.RateLimit > 0:
		f.RateLimit--
		act = "429"
	case f.Fail500 > 0:
		f.Fail500--
		act = "500"
	case f.FailAlways != "" && strings.Trim(rest, "/") == f.FailAlways:
		act = "500"
	case f.Hang > 0:
		f.Hang--
		act = "hang"
	}
	retry := or(f.RetryAfter, "1")
	hang := f.HangFor
	s.mu.Unlock()
	switch act {
	case "gateway":
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusBadGateway)
		fmt.Fprint(w, "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>")
		return true
	case "429":
		w.Header().Set("Retry-After", retry)
		imsx(w, http.StatusTooManyRequests, "server_busy", "Rate limit exceeded; retry later")
		return true
	case "500":
		imsx(w, http.StatusInternalServerError, "internal_server_error", "An internal error occurred")
		return true
	case "hang":
		if hang == 0 {
			hang = 2 * time.Second
		}
		select {
		case <-time.After(hang):
		case <-r.Context().Done():
			return true
		}
	}
	return false
}
