package main

import (
	"fmt"
	"io"
	"unicode"
	"unicode/utf8"
)

// termWriter keeps what the SIS sent from driving the terminal: control
// characters (ANSI escapes, carriage returns) and invisible formatting
// characters (bidi overrides, zero-width spaces) are written as \uXXXX, which
// is also how JSON writes them, so --json output stays valid. Line breaks and
// tabs (the CLI's own layout) pass.
type termWriter struct {
	w     io.Writer
	carry []byte
}

func (t *termWriter) Write(p []byte) (int, error) {
	n := len(p)
	if len(t.carry) > 0 {
		p = append(t.carry, p...)
		t.carry = nil
	}
	out := make([]byte, 0, len(p))
	for len(p) > 0 {
		r, size := utf8.DecodeRune(p)
		if r == utf8.RuneError && size <= 1 {
			if !utf8.FullRune(p) {
				t.carry = append([]byte(nil), p...) // the rest of the rune is in the next write
				break
			}
			out = fmt.Appendf(out, `\x%02x`, p[0])
			p = p[1:]
			continue
		}
		switch {
		case r == '\n' || r == '\t':
			out = append(out, byte(r))
		case unicode.IsControl(r) || unicode.Is(unicode.Cf, r):
			out = fmt.Appendf(out, `\u%04x`, r)
		default:
			out = append(out, p[:size]...)
		}
		p = p[size:]
	}
	if _, err := t.w.Write(out); err != nil {
		return 0, err
	}
	return n, nil
}
