package rest

import (
	"bytes"
	"unicode/utf8"
)

// Fast paths for the per-field decoders of model.go. A page of a thousand
// records holds tens of thousands of strings and GUIDRefs; handing each to
// json.Unmarshal again (a new decoder, the value scanned twice) cost the pull
// more than the transport. The values reach UnmarshalJSON already checked by
// the page's decoder, so only the common shapes are read here — a string
// without escapes, an object whose keys have none — and anything else takes
// the encoding/json path as before, with the same result.

// plainString returns the contents of JSON string b when they need no
// decoding: no escape, valid UTF-8 (encoding/json would replace bad bytes).
func plainString(b []byte) (string, bool) {
	if len(b) < 2 || b[0] != '"' || b[len(b)-1] != '"' {
		return "", false
	}
	in := b[1 : len(b)-1]
	if bytes.IndexByte(in, '\\') >= 0 || !utf8.Valid(in) {
		return "", false
	}
	return string(in), true
}

// member finds the value of key name in JSON object b as encoding/json would
// for a struct field: keys matched regardless of case, the last one winning.
// ok is false when b is not an object this reader can walk (a key with an
// escape): then the caller decodes b with encoding/json.
func member(b []byte, name []byte) (val []byte, found, ok bool) {
	i := skipSpace(b, 0)
	if i >= len(b) || b[i] != '{' {
		return nil, false, false
	}
	i = skipSpace(b, i+1)
	for i < len(b) && b[i] != '}' {
		if b[i] != '"' {
			return nil, false, false
		}
		end := bytes.IndexByte(b[i+1:], '"')
		if end < 0 {
			return nil, false, false
		}
		key := b[i+1 : i+1+end]
		if bytes.IndexByte(key, '\\') >= 0 {
			return nil, false, false
		}
		i = skipSpace(b, i+2+end)
		if i >= len(b) || b[i] != ':' {
			return nil, false, false
		}
		start := skipSpace(b, i+1)
		stop, good := skipValue(b, start)
		if !good {
			return nil, false, false
		}
		if bytes.EqualFold(key, name) { // what encoding/json's folded field names match

			val, found = b[start:stop], true
		}
		i = skipSpace(b, stop)
		if i < len(b) && b[i] == ',' {
			i = skipSpace(b, i+1)
		}
	}
	if i >= len(b) {
		return nil, false, false
	}
	return val, found, true
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// skipValue returns where the JSON value starting at b[i] ends.
func skipValue(b []byte, i int) (int, bool) {
	if i >= len(b) {
		return i, false
	}
	depth := 0
	for i < len(b) {
		c := b[i]
		switch c {
		case '"':
			i++
			for i < len(b) && b[i] != '"' {
				if b[i] == '\\' {
					i++
				}
				i++
			}
			if i >= len(b) {
				return i, false
			}
			i++
		case '{', '[':
			depth++
			i++
		case '}', ']':
			if depth == 0 {
				return i, true
			}
			depth--
			i++
		case ',':
			if depth == 0 {
				return i, true
			}
			i++
		case ' ', '\t', '\n', '\r':
			if depth == 0 {
				return i, true
			}
			i++
		default:
			i++
		}
		if depth == 0 && (c == '"' || c == '}' || c == ']') {
			return i, true
		}
	}
	return i, depth == 0
}

var sourcedIDKey = []byte("sourcedId")
