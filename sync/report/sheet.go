package report

import (
	"fmt"

	"github.com/xuri/excelize/v2"
)

// tableSheet writes rows under a frozen header, continuing on a new sheet
// when one is full.
type tableSheet struct {
	wb    *workbook
	base  string
	cols  []column
	names []string // the sheets written, base first
	sw    *excelize.StreamWriter
	row   int // last row written on the current sheet
	limit int // data rows a sheet takes before the next one starts
	total int
	err   error
}

func (wb *workbook) table(base string, cols []column) *tableSheet {
	t := &tableSheet{wb: wb, base: base, cols: cols, limit: maxDataRows}
	t.err = t.open()
	return t
}

// open starts the next sheet: widths, frozen header row, header.
func (t *tableSheet) open() error {
	name := t.base
	if len(t.names) > 0 {
		name = fmt.Sprintf("%s %d", t.base, len(t.names)+1)
	}
	f := t.wb.f
	if _, err := f.NewSheet(name); err != nil {
		return err
	}
	t.wb.sheets = append(t.wb.sheets, name)
	t.names = append(t.names, name)
	sw, err := f.NewStreamWriter(name)
	if err != nil {
		return err
	}
	t.sw, t.row = sw, 0
	return t.start(t.cols)
}

// start writes what precedes the rows of the current sheet: widths, panes, header.
func (t *tableSheet) start(cols []column) error {
	// excelize puts each new column before the others; Excel wants them in
	// order, so they are set from the last to the first.
	for i := len(cols) - 1; i >= 0; i-- {
		if err := t.sw.SetColWidth(i+1, i+1, cols[i].width); err != nil {
			return err
		}
	}
	if err := t.sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft",
		Selection: []excelize.Selection{{SQRef: "A2", ActiveCell: "A2", Pane: "bottomLeft"}}}); err != nil {
		return err
	}
	hdr := make([]any, len(cols))
	for i, c := range cols {
		hdr[i] = excelize.Cell{StyleID: t.wb.header, Value: c.title}
	}
	t.row = 1
	return t.sw.SetRow("A1", hdr)
}

// add writes one row.
func (t *tableSheet) add(vals []any) error {
	if t.err != nil {
		return t.err
	}
	if t.row-1 >= t.limit {
		if t.err = t.finish(); t.err != nil {
			return t.err
		}
		if t.err = t.open(); t.err != nil {
			return t.err
		}
	}
	t.row++
	t.total++
	cell, _ := excelize.CoordinatesToCellName(1, t.row)
	t.err = t.sw.SetRow(cell, vals)
	return t.err
}

// finish puts the autofilter over the current sheet's rows and ends its stream.
func (t *tableSheet) finish() error {
	last, err := excelize.CoordinatesToCellName(len(t.cols), max(t.row, 1))
	if err != nil {
		return err
	}
	if err := t.wb.f.AutoFilter(t.sw.Sheet, "A1:"+last, nil); err != nil {
		return err
	}
	return t.sw.Flush()
}

// close ends the table; err is the error of the query that fed it.
func (t *tableSheet) close(err error) error {
	if t.err != nil {
		return t.err
	}
	if err != nil {
		return err
	}
	return t.finish()
}
