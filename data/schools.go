package data

import (
	"context"
	"strings"
)

// SchoolCounts counts the active records of table by each school named in
// col (a comma-separated list): what the one-school safeguard compares a
// run's losses with. The rows are read in C and only the distinct lists are
// kept, so a large roster costs no map entry per record.
func (db *DB) SchoolCounts(ctx context.Context, table, col string) (map[string]int, error) {
	lists := map[string]*int{} // a pointer: the lookup of string(v) makes no string
	err := db.scanRows(ctx, `SELECT `+col+`, id FROM `+table+` WHERE active = 1`, 1, func(v []byte, _ []int64) error {
		if n := lists[string(v)]; n != nil {
			*n++
		} else {
			one := 1
			lists[string(v)] = &one
		}
		return nil
	})
	if err == errNoRaw {
		schools, err := db.ActiveSchools(ctx, table, col)
		if err != nil {
			return nil, err
		}
		for _, v := range schools {
			if lists[v] == nil {
				lists[v] = new(int)
			}
			*lists[v]++
		}
	} else if err != nil {
		return nil, err
	}
	out := map[string]int{}
	for v, n := range lists {
		for _, s := range strings.Split(v, ",") {
			if s != "" {
				out[s] += *n
			}
		}
	}
	return out, nil
}

// SchoolsOf returns col of the active records ids of table, by id.
func (db *DB) SchoolsOf(ctx context.Context, table, col string, ids []int64) (map[int64]string, error) {
	return db.textByID(ctx, `SELECT id, `+col+` FROM `+table+` WHERE active = 1 AND id IN `, ids)
}

// AlignedBuildings maps the SIS id of each active aligned building to its id:
// what a run links users by. Buildings (with each one's count of active
// users, a join over every link) costs a large roster ~30 ms a run for this.
func (db *DB) AlignedBuildings(ctx context.Context) (map[string]int64, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT sis_id, id FROM buildings WHERE active = 1 AND aligned = 1 AND coalesce(sis_id, '') != ''`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var sis string
		var id int64
		if err := rows.Scan(&sis, &id); err != nil {
			return nil, err
		}
		out[sis] = id
	}
	return out, rows.Err()
}
