package data

import (
	"context"
	"fmt"
	"strings"
)

// Dump renders every table's rows in a stable order. Tests compare dumps to
// prove a roster is exactly as it was, record by record. The run lock is left
// out: a killed process may leave its claim behind, to be taken over.
func (db *DB) Dump(ctx context.Context) (string, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name != 'run_lock' ORDER BY name`)
	if err != nil {
		return "", err
	}
	var tables []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			rows.Close()
			return "", err
		}
		tables = append(tables, n)
	}
	rows.Close()
	var b strings.Builder
	for _, t := range tables {
		d, err := db.dumpTable(ctx, t)
		if err != nil {
			return "", err
		}
		b.WriteString(d)
	}
	return b.String(), nil
}

func (db *DB) dumpTable(ctx context.Context, t string) (string, error) {
	var b strings.Builder
	fmt.Fprintf(&b, "== %s\n", t)
	r, err := db.sql.QueryContext(ctx, `SELECT * FROM `+t+` ORDER BY 1, 2`)
	if err != nil {
		return "", err
	}
	defer r.Close()
	cols, _ := r.Columns()
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for r.Next() {
		if err := r.Scan(ptrs...); err != nil {
			return "", err
		}
		for i, v := range vals {
			if i > 0 {
				b.WriteByte('|')
			}
			if bs, ok := v.([]byte); ok {
				v = string(bs)
			}
			fmt.Fprint(&b, v)
		}
		b.WriteByte('\n')
	}
	return b.String(), r.Err()
}

// DumpTables renders the given tables like Dump.
func (db *DB) DumpTables(ctx context.Context, tables ...string) (string, error) {
	var b strings.Builder
	for _, t := range tables {
		d, err := db.dumpTable(ctx, t)
		if err != nil {
			return "", err
		}
		b.WriteString(d)
	}
	return b.String(), nil
}
