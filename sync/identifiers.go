package sync

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// isIDColumn tells whether a column holds identifiers: sourcedId and the
// references to other records (orgSourcedIds, userSourcedId, …).
// idCol is a column of identifiers and its index in the row.
type idCol struct {
	name string
	i    int
}

func isIDColumn(c string) bool {
	return c == "sourcedId" || strings.HasSuffix(c, "SourcedId") || strings.HasSuffix(c, "SourcedIds")
}

// invisible tells whether r may not appear in an identifier: a control
// character, or a format character that shows as nothing (a byte-order mark,
// a zero-width space or joiner, a bidi override or isolate, a soft hyphen).
func invisible(r rune) bool {
	return unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == utf8.RuneError
}

// hasInvisible returns the first character of s that may not be in an identifier.
func hasInvisible(s string) (rune, int, bool) {
	for i := 0; i < len(s); i++ { // plain ASCII, what ids nearly always are, without decoding
		switch b := s[i]; {
		case b >= utf8.RuneSelf:
			return hasInvisibleRune(s)
		case b < 0x20 || b == 0x7f:
			return rune(b), i + 1, true
		}
	}
	return 0, 0, false
}

func hasInvisibleRune(s string) (rune, int, bool) {
	pos := 0
	for _, r := range s {
		pos++
		if invisible(r) {
			return r, pos, true
		}
	}
	return 0, 0, false
}

// cleanID drops what may not be in an identifier, for the record a rejected row
// is about: that record is then kept as it is, not taken for absent.
func cleanID(s string) string {
	return strings.Map(func(r rune) rune {
		if invisible(r) {
			return -1
		}
		return r
	}, s)
}

// RuneName names a character for a message: U+FEFF (byte-order mark).
func RuneName(r rune) string {
	names := map[rune]string{0xFEFF: "byte-order mark", 0x200B: "zero-width space", 0x200C: "zero-width non-joiner",
		0x200D: "zero-width joiner", 0x2060: "word joiner", 0x00AD: "soft hyphen", 0x200E: "left-to-right mark",
		0x200F: "right-to-left mark", 0x202A: "left-to-right embedding", 0x202B: "right-to-left embedding",
		0x202C: "pop directional formatting", 0x202D: "left-to-right override", 0x202E: "right-to-left override",
		0x2066: "left-to-right isolate", 0x2067: "right-to-left isolate", 0x2068: "first strong isolate",
		0x2069: "pop directional isolate", '\t': "tab", '\r': "carriage return", '\n': "line break", 0x1B: "escape",
		0: "NUL", utf8.RuneError: "undecodable byte"}
	if n, ok := names[r]; ok {
		return fmt.Sprintf("U+%04X (%s)", r, n)
	}
	if unicode.IsControl(r) {
		return fmt.Sprintf("U+%04X (a control character)", r)
	}
	return fmt.Sprintf("U+%04X (an invisible formatting character)", r)
}

// checkIDs rejects a row whose identifiers hold invisible or control
// characters: "\ufeffu1" would be a silent twin of u1. Spaces around a
// sourcedId are trimmed with a warning.
func (t *table) checkIDs(rec []string) bool {
	t.badID = false
	if t.idCols == nil {
		t.idCols = []idCol{}
		for c, i := range t.col {
			if isIDColumn(c) {
				t.idCols = append(t.idCols, idCol{c, i})
			}
		}
	}
	for _, ic := range t.idCols {
		c, i := ic.name, ic.i
		if i >= len(rec) {
			continue
		}
		v := rec[i]
		if r, pos, bad := hasInvisible(v); bad {
			t.badID = true
			t.reject(c, "id.invisible",
				"%s %+q holds an invisible or control character, %s, at character %d; identifiers must be plain text, so this row is skipped and the record it names is kept as it is",
				c, v, RuneName(r), pos)
			return false
		}
		if !strings.HasSuffix(c, "s") && v != strings.TrimSpace(v) && strings.TrimSpace(v) != "" {
			t.log.warnOnce(t.at(c, "id.spaces"),
				fmt.Sprintf("%s %q has spaces before or after it; trimmed to %q", c, v, strings.TrimSpace(v)))
		}
	}
	return true
}
