package rest

import (
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// The JSON lexing under the page decoder (decode.go): arrays, objects,
// literals, numbers and strings, read in place.

// list reads an array at d.i, elem reading each element.
func (d *pageReader) list(elem func() bool) bool {
	d.depth++
	if d.depth > maxDepth {
		return false
	}
	d.i++
	d.ws()
	if d.peek() == ']' {
		d.i++
		d.depth--
		return true
	}
	for {
		if !elem() {
			return false
		}
		more, ok := d.more(']')
		if !ok {
			return false
		}
		if !more {
			d.depth--
			return true
		}
	}
}

// object reads an object at d.i, member reading each key's value (a key
// named twice is read twice: the last one wins).
func (d *pageReader) object(member func(key string) bool) bool {
	d.depth++
	if d.depth > maxDepth {
		return false
	}
	d.i++
	d.ws()
	if d.peek() == '}' {
		d.i++
		d.depth--
		return true
	}
	for {
		key, ok := d.key()
		if !ok || !member(key) {
			return false
		}
		more, ok := d.more('}')
		if !ok {
			return false
		}
		if !more {
			d.depth--
			return true
		}
	}
}

func (d *pageReader) lit(word string) bool {
	if strings.HasPrefix(d.s[d.i:], word) {
		d.i += len(word)
		return true
	}
	return false
}

// number reads a JSON number as written.
func (d *pageReader) number() (string, bool) {
	s, start, i := d.s, d.i, d.i
	digits := func() bool {
		j := i
		for i < len(s) && '0' <= s[i] && s[i] <= '9' {
			i++
		}
		return i > j
	}
	if i < len(s) && s[i] == '-' {
		i++
	}
	switch {
	case i < len(s) && s[i] == '0':
		i++
	case !digits():
		return "", false
	}
	if i < len(s) && s[i] == '.' {
		i++
		if !digits() {
			return "", false
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if !digits() {
			return "", false
		}
	}
	d.i = i
	return s[start:i], true
}

// skip reads past any value, checking it as encoding/json's scanner does.
func (d *pageReader) skip() bool {
	switch d.peek() {
	case '"':
		_, _, ok := d.strEnd()
		return ok
	case '{':
		return d.object(func(string) bool { return d.skip() })
	case '[':
		return d.list(d.skip)
	case 't':
		return d.lit("true")
	case 'f':
		return d.lit("false")
	case 'n':
		return d.lit("null")
	}
	_, ok := d.number()
	return ok
}

// str reads a string: a slice of the page when it needs no decoding.
func (d *pageReader) str() (string, bool) {
	raw, plain, ok := d.strEnd()
	if !ok || plain {
		return raw, ok
	}
	return unquote(raw), true
}

// strEnd reads past a string and returns its raw contents; plain when they
// are the string (no escape, valid UTF-8).
func (d *pageReader) strEnd() (raw string, plain, ok bool) {
	s := d.s
	start := d.i + 1
	i := start
	for i < len(s) && plainByte[s[i]] {
		i++
	}
	if i < len(s) && s[i] == '"' {
		d.i = i + 1
		return s[start:i], true, true
	}
	ascii, escaped := true, false
	for i = start; i < len(s); {
		switch c := s[i]; {
		case c == '"':
			d.i = i + 1
			raw = s[start:i]
			return raw, !escaped && (ascii || utf8.ValidString(raw)), true
		case c < 0x20:
			return "", false, false
		case c == '\\':
			escaped = true
			if i+1 >= len(s) {
				return "", false, false
			}
			switch s[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if hex4(s[i+2:]) < 0 {
					return "", false, false
				}
				i += 6
			default:
				return "", false, false
			}
		default:
			ascii = ascii && c < utf8.RuneSelf
			i++
		}
	}
	return "", false, false
}

// hex4 reads 4 hex digits; -1 if there are not.
func hex4(s string) rune {
	if len(s) < 4 {
		return -1
	}
	var r rune
	for _, c := range []byte(s[:4]) {
		switch {
		case '0' <= c && c <= '9':
			c = c - '0'
		case 'a' <= c && c <= 'f':
			c = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			c = c - 'A' + 10
		default:
			return -1
		}
		r = r*16 + rune(c)
	}
	return r
}

// unquote decodes checked string contents as encoding/json does: escapes,
// surrogate pairs (a lone or broken one is U+FFFD), and bad UTF-8 bytes
// each replaced by U+FFFD.
func unquote(s string) string {
	var b strings.Builder
	b.Grow(len(s) + utf8.UTFMax)
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '\\':
			e := s[i+1]
			i += 2
			switch e {
			case 'b':
				b.WriteByte('\b')
			case 'f':
				b.WriteByte('\f')
			case 'n':
				b.WriteByte('\n')
			case 'r':
				b.WriteByte('\r')
			case 't':
				b.WriteByte('\t')
			case 'u':
				r := hex4(s[i:])
				i += 4
				if utf16.IsSurrogate(r) {
					var r2 rune = -1
					if strings.HasPrefix(s[i:], `\u`) {
						r2 = hex4(s[i+2:])
					}
					if dec := utf16.DecodeRune(r, r2); dec != unicode.ReplacementChar {
						i += 6
						b.WriteRune(dec)
						continue
					}
					r = unicode.ReplacementChar
				}
				b.WriteRune(r)
			default: // " \ /
				b.WriteByte(e)
			}
		case c < utf8.RuneSelf:
			b.WriteByte(c)
			i++
		default:
			r, size := utf8.DecodeRuneInString(s[i:])
			b.WriteRune(r)
			i += size
		}
	}
	return b.String()
}

// asciiEqualFold compares an ASCII key with a name regardless of case.
func asciiEqualFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if x == y {
			continue
		}
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}
