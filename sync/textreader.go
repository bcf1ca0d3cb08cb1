package sync

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// textReader normalises a CSV byte stream before the CSV parser sees it: it
// strips a UTF-8 BOM, decodes bytes that are not valid UTF-8 as Windows-1252
// (what Excel on Windows writes), notes CRLF line ends and refuses a physical
// line longer than maxLine, so a binary or runaway file cannot eat memory.
type textReader struct {
	src     io.Reader
	maxLine int
	buf     []byte
	carry   int
	out     []byte
	err     error
	started bool

	lineLen   int
	line      int
	chunkLine int

	// maxRecord bounds the bytes handed out between two newRecord calls: one
	// CSV row, line breaks inside quoted fields included (0: no bound).
	maxRecord int
	recBytes  int

	BOM        bool
	UTF16      bool // decoded from UTF-16 (it had a byte-order mark)
	CRLF       bool
	Decoded    int // bytes decoded as Windows-1252
	FirstBadAt int // line of the first such byte
}

// recordSlack covers what the CSV reader's buffers read ahead of the row.
const recordSlack = 128 << 10

// RecordTooLongError reports a row past the limit.
type RecordTooLongError struct{ Limit int }

func (e *RecordTooLongError) Error() string {
	return fmt.Sprintf("a row is longer than %d bytes", e.Limit)
}

// newRecord starts counting the next row's bytes.
func (t *textReader) newRecord() { t.recBytes = 0 }

// LineTooLongError reports a physical line past the limit.
type LineTooLongError struct {
	Line, Limit int
}

func (e *LineTooLongError) Error() string {
	return fmt.Sprintf("line %d is longer than %d bytes: not a usable CSV file", e.Line, e.Limit)
}

func newTextReader(r io.Reader, maxLine int) *textReader {
	t := &textReader{maxLine: maxLine, buf: make([]byte, 64<<10), line: 1}
	// Excel's "Unicode Text" is UTF-16 with a byte-order mark: decode it to UTF-8 first.
	br := bufio.NewReader(r)
	if b, _ := br.Peek(2); len(b) == 2 && (b[0] == 0xFF && b[1] == 0xFE || b[0] == 0xFE && b[1] == 0xFF) {
		t.UTF16 = true
		t.src = transform.NewReader(br, unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder())
	} else {
		t.src = br
	}
	return t
}

// csvReader is a CSV reader over a text stream whose delimiter is taken
// from its first line: a comma, or the semicolon or tab Excel saves with in
// many locales when that line holds those and no commas.
func csvReader(tr *textReader) (*csv.Reader, rune) {
	br := bufio.NewReaderSize(tr, 64<<10)
	head, _ := br.Peek(64 << 10)
	if i := bytes.IndexByte(head, '\n'); i >= 0 {
		head = head[:i]
	}
	comma := ','
	if n := bytes.Count(head, []byte(",")); n == 0 {
		semi, tab := bytes.Count(head, []byte(";")), bytes.Count(head, []byte("\t"))
		switch {
		case tab > semi:
			comma = '\t'
		case semi > 0:
			comma = ';'
		}
	}
	r := csv.NewReader(br)
	r.Comma = comma
	r.FieldsPerRecord = -1
	return r, comma
}

// delimName names a delimiter for a message.
func delimName(c rune) string {
	switch c {
	case ';':
		return "semicolons (;)"
	case '\t':
		return "tabs"
	}
	return "commas"
}

func (t *textReader) Read(p []byte) (int, error) {
	for len(t.out) == 0 {
		if t.err != nil {
			return 0, t.err
		}
		n, err := t.src.Read(t.buf[t.carry:])
		chunk := t.buf[:t.carry+n]
		t.carry = 0
		if err != nil {
			t.err = err
		} else {
			// Hold back an incomplete rune at the end for the next read.
			for k := 1; k <= 3 && k <= len(chunk); k++ {
				b := chunk[len(chunk)-k]
				if b < 0x80 {
					break
				}
				if utf8.RuneStart(b) {
					if !utf8.FullRune(chunk[len(chunk)-k:]) {
						t.carry = k
					}
					break
				}
			}
		}
		data := chunk[:len(chunk)-t.carry]
		if !t.started && len(data) > 0 {
			t.started = true
			if bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}) {
				t.BOM = true
				data = data[3:]
			}
		}
		t.chunkLine = t.line
		if err := t.scanLines(data); err != nil {
			t.err = err
			return 0, err
		}
		if utf8.Valid(data) {
			t.out = append(t.out[:0], data...)
		} else {
			t.out = t.decode(data)
		}
		if t.carry > 0 {
			copy(t.buf, chunk[len(chunk)-t.carry:])
		}
	}
	n := copy(p, t.out)
	t.out = t.out[n:]
	t.recBytes += n
	if t.maxRecord > 0 && t.recBytes > t.maxRecord+recordSlack {
		t.err = &RecordTooLongError{Limit: t.maxRecord}
		return n, t.err
	}
	return n, nil
}

func (t *textReader) scanLines(data []byte) error {
	for len(data) > 0 {
		i := bytes.IndexByte(data, '\n')
		if i < 0 {
			t.lineLen += len(data)
			if t.lineLen > t.maxLine {
				return &LineTooLongError{Line: t.line, Limit: t.maxLine}
			}
			return nil
		}
		t.lineLen += i
		if t.lineLen > t.maxLine {
			return &LineTooLongError{Line: t.line, Limit: t.maxLine}
		}
		if i > 0 && data[i-1] == '\r' {
			t.CRLF = true
		}
		t.lineLen = 0
		t.line++
		data = data[i+1:]
	}
	return nil
}

func (t *textReader) decode(data []byte) []byte {
	out := make([]byte, 0, len(data)+16)
	line := 0
	for len(data) > 0 {
		r, size := utf8.DecodeRune(data)
		if r == utf8.RuneError && size <= 1 {
			if t.Decoded == 0 {
				t.FirstBadAt = t.chunkLine + line
			}
			t.Decoded++
			out = utf8.AppendRune(out, charmap.Windows1252.DecodeByte(data[0]))
			data = data[1:]
			continue
		}
		if r == '\n' {
			line++
		}
		out = append(out, data[:size]...)
		data = data[size:]
	}
	return out
}
