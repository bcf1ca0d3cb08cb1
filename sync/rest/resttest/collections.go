package resttest

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// collection serves one page of a collection with its paging headers.
func (s *Server) collection(w http.ResponseWriter, r *http.Request, name string) {
	q := r.URL.Query()
	limit, offset := 100, 0
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			imsx(w, http.StatusBadRequest, "invalid_data", "limit must be a positive whole number")
			return
		}
		limit = n
	}
	if v := q.Get("offset"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			imsx(w, http.StatusBadRequest, "invalid_data", "offset must be a whole number")
			return
		}
		offset = n
	}
	keep, msg := parseFilter(q.Get("filter"))
	if s.cfg.NoFilter && q.Get("filter") != "" {
		msg = "filtering is not supported"
	}
	if msg != "" {
		imsx(w, http.StatusBadRequest, "invalid_filter_field", msg)
		return
	}
	source, role := name, ""
	switch name {
	case "students", "teachers": // the users of one role, in a users envelope
		source, role = "users", strings.TrimSuffix(name, "s")
	case "schools":
		source = "orgs"
	}
	if s.cfg.NoUsersEndpoint && name == "users" || !isCollection(source) {
		imsx(w, http.StatusNotFound, "unknownobject", "no collection "+name)
		return
	}
	s.mu.Lock()
	f := s.faults
	var list []*record
	if q.Get("filter") == "" && role == "" && name != "schools" {
		list = s.data[source] // the whole collection: no copy per page (a benchmark pulls a million records)
	} else {
		for _, rec := range s.data[source] {
			if keep(rec) && (role == "" || hasRole(rec, role)) && (name != "schools" || rec.f["type"] == "school") {
				list = append(list, rec)
			}
		}
	}
	s.mu.Unlock()
	total := len(list)
	if k := f.Truncate[name]; k > 0 {
		list = list[:max(0, len(list)-k)] // the count still says total
	}
	served := min(limit, s.cfg.MaxLimit)
	if f.Clamp > 0 {
		served = min(served, f.Clamp)
	}
	if f.IgnoreOffset {
		offset = 0
	}
	from, to := min(offset, len(list)), min(offset+served, len(list))
	page := list[from:to]
	if !f.NoPagingHeaders {
		w.Header().Set("X-Total-Count", strconv.Itoa(total))
		if !f.NoLink {
			link := func(off int, rel string) string {
				v := url.Values{}
				v.Set("limit", strconv.Itoa(limit))
				v.Set("offset", strconv.Itoa(off))
				if fl := q.Get("filter"); fl != "" {
					v.Set("filter", fl)
				}
				return "<" + scheme(r) + "://" + r.Host + r.URL.Path + "?" + v.Encode() + `>; rel="` + rel + `"`
			}
			links := []string{link(0, "first")}
			if offset+len(page) < total {
				links = append(links, link(offset+len(page), "next"))
			}
			if offset > 0 {
				links = append(links, link(max(0, offset-limit), "prev"))
			}
			links = append(links, link(max(0, (total-1)/served*served), "last"))
			w.Header().Set("Link", strings.Join(links, ", "))
		}
	}
	out := make([]map[string]any, len(page))
	for i, rec := range page {
		out[i] = s.render(source, rec)
	}
	key := source
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{key: out})
	if f.AfterPage != nil {
		f.AfterPage(name, offset, len(page))
	}
}

func hasRole(r *record, role string) bool {
	if r.f["role"] == role {
		return true
	}
	for _, rl := range r.roles {
		if rl["role"] == role {
			return true
		}
	}
	return false
}

func isCollection(name string) bool {
	switch name {
	case "orgs", "academicSessions", "courses", "classes", "users", "enrollments":
		return true
	}
	return false
}

// parseFilter understands one clause: dateLastModified or status, compared
// with = != > >= < <= to a single-quoted value.
func parseFilter(f string) (func(*record) bool, string) {
	if f == "" {
		return func(*record) bool { return true }, ""
	}
	for _, op := range []string{">=", "<=", "!=", ">", "<", "="} {
		field, val, ok := strings.Cut(f, op)
		if !ok {
			continue
		}
		field = strings.TrimSpace(field)
		val = strings.TrimSpace(val)
		if len(val) < 2 || val[0] != '\'' || val[len(val)-1] != '\'' {
			return nil, "filter value must be in single quotes"
		}
		val = strings.ReplaceAll(val[1:len(val)-1], "''", "'")
		var get func(*record) string
		switch field {
		case "dateLastModified":
			t, err := time.Parse(time.RFC3339Nano, val)
			if err != nil {
				return nil, "dateLastModified must be an ISO 8601 date-time"
			}
			val = t.UTC().Format("2006-01-02T15:04:05.000Z")
			get = func(r *record) string {
				if t, err := time.Parse(time.RFC3339Nano, r.modified); err == nil {
					return t.UTC().Format("2006-01-02T15:04:05.000Z")
				}
				return r.modified
			}
		case "status":
			get = func(r *record) string { return r.status }
		default:
			return nil, "unknown filter field " + field
		}
		return func(r *record) bool {
			v := get(r)
			switch op {
			case ">=":
				return v >= val
			case "<=":
				return v <= val
			case "!=":
				return v != val
			case ">":
				return v > val
			case "<":
				return v < val
			}
			return v == val
		}, ""
	}
	return nil, "filter has no comparison"
}

// render is a record as the version's JSON.
func (s *Server) render(name string, rec *record) map[string]any {
	f := rec.f
	m := map[string]any{"sourcedId": rec.id, "status": rec.status, "dateLastModified": rec.modified}
	val := func(k, col string) {
		if v := f[col]; v != "" || !s.cfg.Nulls {
			m[k] = v
		} else {
			m[k] = nil
		}
	}
	list := func(k, col string) {
		if v := f[col]; v != "" {
			items := strings.Split(v, ",")
			for i := range items {
				items[i] = strings.TrimSpace(items[i])
			}
			m[k] = items
		} else if s.cfg.Nulls {
			m[k] = nil
		} else {
			m[k] = []string{}
		}
	}
	ref := func(k, col, typ string) {
		if v := f[col]; v != "" {
			m[k] = s.ref(v, typ)
		} else if s.cfg.Nulls {
			m[k] = nil
		}
	}
	refs := func(k, col, typ string) {
		out := []any{}
		for _, id := range strings.Split(f[col], ",") {
			if id = strings.TrimSpace(id); id != "" {
				out = append(out, s.ref(id, typ))
			}
		}
		m[k] = out
	}
	boolean := func(k, col string) {
		v := f[col]
		if s.cfg.JSONBools && (v == "true" || v == "false") {
			m[k] = v == "true"
		} else {
			val(k, col)
		}
	}
	switch name {
	case "orgs":
		val("name", "name")
		val("type", "type")
		val("identifier", "identifier")
		ref("parent", "parentSourcedId", "org")
		m["children"] = []any{}
	case "academicSessions":
		val("title", "title")
		val("type", "type")
		val("startDate", "startDate")
		val("endDate", "endDate")
		ref("parent", "parentSourcedId", "academicSession")
		val("schoolYear", "schoolYear")
	case "courses":
		val("title", "title")
		ref("schoolYear", "schoolYearSourcedId", "academicSession")
		val("courseCode", "courseCode")
		list("grades", "grades")
		list("subjects", "subjects")
		ref("org", "orgSourcedId", "org")
		list("subjectCodes", "subjectCodes")
	case "classes":
		val("title", "title")
		val("classCode", "classCode")
		val("classType", "classType")
		val("location", "location")
		list("grades", "grades")
		list("subjects", "subjects")
		ref("course", "courseSourcedId", "course")
		ref("school", "schoolSourcedId", "org")
		refs("terms", "termSourcedIds", "academicSession")
		list("subjectCodes", "subjectCodes")
		list("periods", "periods")
	case "users":
		val("username", "username")
		ids := []any{}
		for _, p := range strings.Split(f["userIds"], ",") {
			if t, v, ok := strings.Cut(strings.Trim(strings.TrimSpace(p), "{}"), ":"); ok {
				ids = append(ids, map[string]string{"type": t, "identifier": v})
			}
		}
		m["userIds"] = ids
		boolean("enabledUser", "enabledUser")
		val("givenName", "givenName")
		val("familyName", "familyName")
		val("middleName", "middleName")
		val("identifier", "identifier")
		val("email", "email")
		val("sms", "sms")
		val("phone", "phone")
		refs("agents", "agentSourcedIds", "user")
		list("grades", "grades")
		val("password", "password")
		if s.cfg.Version == "1.2" {
			val("userMasterIdentifier", "userMasterIdentifier")
			val("preferredFirstName", "preferredGivenName")
			val("preferredMiddleName", "preferredMiddleName")
			val("preferredLastName", "preferredFamilyName")
			val("pronouns", "pronouns")
			ref("primaryOrg", "primaryOrgSourcedId", "org")
			roles := []any{}
			for _, rl := range rec.roles {
				x := map[string]any{"roleType": rl["roleType"], "role": rl["role"], "org": s.ref(rl["orgSourcedId"], "org")}
				if rl["beginDate"] != "" {
					x["beginDate"] = rl["beginDate"]
				}
				if rl["endDate"] != "" {
					x["endDate"] = rl["endDate"]
				}
				roles = append(roles, x)
			}
			m["roles"] = roles
		} else {
			val("role", "role")
			refs("orgs", "orgSourcedIds", "org")
		}
	case "enrollments":
		val("role", "role")
		boolean("primary", "primary")
		val("beginDate", "beginDate")
		val("endDate", "endDate")
		ref("user", "userSourcedId", "user")
		ref("class", "classSourcedId", "class")
		ref("school", "schoolSourcedId", "org")
	}
	return m
}

var plural = map[string]string{"org": "orgs", "academicSession": "academicSessions", "course": "courses", "class": "classes", "user": "users"}

// ref is a GUIDRef with an href as the provider writes it.
func (s *Server) ref(id, typ string) map[string]string {
	href := s.cfg.BasePath + "/" + plural[typ] + "/" + id
	if i := strings.Index(s.cfg.BasePath, "/ims/"); s.cfg.TildeHrefs && i >= 0 {
		href = "~" + href[i:]
	}
	return map[string]string{"href": href, "sourcedId": id, "type": typ}
}
