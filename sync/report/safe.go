package report

import (
	"strings"

	"github.com/xuri/excelize/v2"
)

// Text from the SIS becomes a cell only through this file, so one place
// decides what a spreadsheet may do with it.
//
// Formula-like values (OWASP CSV injection: a first character of = + - @,
// tab or carriage return) must never run as a formula in Excel, LibreOffice
// or Google Sheets: in the xlsx they are string cells in the Text number
// format (no formula, and editing the cell keeps it text); in CSV they get a
// leading apostrophe, which the spreadsheet programs read as "this is text".
// Control characters, which XML cannot carry and a cell should not show, are
// replaced by their visible symbols (U+2400 block).

// formulaLike tells whether a spreadsheet would read s as a formula.
func formulaLike(s string) bool {
	return s != "" && strings.IndexByte("=+-@\t\r", s[0]) >= 0
}

// visible replaces control characters (but tab and line breaks) by their
// visible symbols.
func visible(s string) string {
	if strings.IndexFunc(s, isControl) < 0 {
		return s
	}
	return strings.Map(func(r rune) rune {
		switch {
		case r == 0x7f:
			return '\u2421'
		case r >= 0x80:
			return '\ufffd' // a C1 control: no visible symbol of its own
		case isControl(r):
			return 0x2400 + r
		}
		return r
	}, s)
}

func isControl(r rune) bool {
	return (r < 0x20 && r != '\t' && r != '\n' && r != '\r') || r == 0x7f || (r >= 0x80 && r <= 0x9f)
}

// SafeCSV is s as a CSV cell that no spreadsheet runs as a formula.
func SafeCSV(s string) string {
	s = visible(s)
	if formulaLike(s) {
		return "'" + s
	}
	return s
}

// SafeCSVRecord makes every field of rec safe, in place.
func SafeCSVRecord(rec []string) []string {
	for i, v := range rec {
		rec[i] = SafeCSV(v)
	}
	return rec
}

// textStyle is the Text number format (built-in format 49, "@").
func newTextStyle(f *excelize.File) (int, error) {
	return f.NewStyle(&excelize.Style{NumFmt: 49})
}

// text is s as an xlsx cell value: nil when empty, a string cell always, in
// the Text format when a spreadsheet would take it for a formula.
func (wb *workbook) text(s string) any {
	if s == "" {
		return nil
	}
	s = visible(s)
	if formulaLike(s) {
		return excelize.Cell{StyleID: wb.textFmt, Value: s}
	}
	return s
}
