package builtins

import (
	"fmt"
	"strings"

	"github.com/netstar/netstar/builtins/table"
	"go.starlark.net/starlark"
)

// Table is the value table() returns: rows with a header, shown as a
// drawn table by print and by the REPL's echo.
type Table struct {
	header []string
	rows   [][]string
}

var _ starlark.Value = (*Table)(nil)

func newTable(rows [][]string, header []string) *Table { return &Table{header: header, rows: rows} }

// String draws the table.
func (t *Table) String() string { return strings.TrimRight(table.Render(t.header, t.rows), "\n") }

// Type returns "table".
func (t *Table) Type() string { return "table" }

// Freeze does nothing: a Table is immutable.
func (t *Table) Freeze() {}

// Truth reports whether the table has rows.
func (t *Table) Truth() starlark.Bool { return len(t.rows) > 0 }

// Hash fails: tables are not hashable.
func (t *Table) Hash() (uint32, error) { return 0, fmt.Errorf("unhashable: table") }

func tableBuiltin(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var rowsV starlark.Iterable
	var headerV starlark.Value = starlark.None
	if err := starlark.UnpackArgs(b.Name(), args, kwargs, "rows", &rowsV, "header?", &headerV); err != nil {
		return nil, err
	}
	var header []string
	var keys []starlark.Value // dict keys behind a header taken from the first dict
	if headerV != starlark.None {
		it, ok := headerV.(starlark.Iterable)
		if !ok {
			return nil, fmt.Errorf("%s: for parameter header: got %s, want list of strings", b.Name(), headerV.Type())
		}
		header = cells(it)
	}
	var rows [][]string
	iter := rowsV.Iterate()
	defer iter.Done()
	var x starlark.Value
	for i := 0; iter.Next(&x); i++ {
		switch r := x.(type) {
		case *starlark.Dict:
			if header == nil {
				keys = r.Keys()
				for _, k := range keys {
					header = append(header, cellText(k))
				}
			}
			row := make([]string, len(header))
			for j, h := range header {
				var key starlark.Value = starlark.String(h)
				if keys != nil {
					key = keys[j] // {1: "a"}: look up 1, not "1"
				}
				if v, found, _ := r.Get(key); found {
					row[j] = cellText(v)
				}
			}
			rows = append(rows, row)
		case starlark.Iterable:
			if _, isStr := x.(starlark.String); isStr {
				return nil, fmt.Errorf("%s: for parameter rows: row %d is a string, want a list, tuple or dict", b.Name(), i)
			}
			rows = append(rows, cells(r))
		default:
			return nil, fmt.Errorf("%s: for parameter rows: row %d is %s, want a list, tuple or dict", b.Name(), i, x.Type())
		}
	}
	return newTable(rows, header), nil
}

func cells(it starlark.Iterable) []string {
	var out []string
	iter := it.Iterate()
	defer iter.Done()
	var v starlark.Value
	for iter.Next(&v) {
		out = append(out, cellText(v))
	}
	return out
}

func cellText(v starlark.Value) string {
	switch v := v.(type) {
	case starlark.String:
		return string(v)
	case starlark.NoneType:
		return ""
	}
	return v.String()
}
