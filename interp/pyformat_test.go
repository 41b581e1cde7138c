package interp_test

import (
	"testing"

	"github.com/netstar/netstar/interp"
	"github.com/netstar/netstar/pyerr"
	"go.starlark.net/starlark"
)

// formatArgs are the values the fuzzers format: every kind % and format
// treat differently.
var formatArgs = starlark.Tuple{
	starlark.MakeInt(42), starlark.Float(-3.14159), starlark.String("ñandú"), starlark.Bool(true), starlark.None,
	starlark.NewList([]starlark.Value{starlark.String("a")}), starlark.MakeInt64(-1 << 62),
}

func FuzzPercent(f *testing.F) {
	for _, s := range []string{"%d", "%-5d|", "%08.3f", "%(k)s", "%*.*f", "%#x %o %c", "%.2s %r %a", "100%%", "%", "%(", "%5", "%.9999999999f"} {
		f.Add(s, uint8(0))
	}
	f.Fuzz(func(t *testing.T, format string, pick uint8) {
		var values starlark.Value = formatArgs
		switch pick % 3 {
		case 1:
			values = formatArgs[int(pick)%len(formatArgs)]
		case 2:
			d := starlark.NewDict(1)
			d.SetKey(starlark.String("k"), starlark.MakeInt(1))
			values = d
		}
		if _, err := interp.Percent(format, values); err != nil {
			if _, ok := pyerr.As(err); !ok {
				t.Fatalf("%q %% %s: %v is not a Python exception", format, values, err)
			}
		}
	})
}

func FuzzFormat(f *testing.F) {
	for _, s := range []string{"{}", "{:<10}", "{0:08.3f}", "{k!r:^9}", "{:{w}.{p}}", "{0[0]}", "{:,}", "{:_x}", "{", "}", "{:", "{0.real}", "{:99999999999}"} {
		f.Add(s)
	}
	kwargs := []starlark.Tuple{{starlark.String("k"), starlark.String("v")}, {starlark.String("w"), starlark.MakeInt(5)}, {starlark.String("p"), starlark.MakeInt(2)}}
	f.Fuzz(func(t *testing.T, format string) {
		if _, err := interp.Format(format, formatArgs, kwargs); err != nil {
			if _, ok := pyerr.As(err); !ok {
				t.Fatalf("%q.format(...): %v is not a Python exception", format, err)
			}
		}
	})
}
