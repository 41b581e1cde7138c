package pyfmt_test

import (
	"testing"

	"github.com/netstar/netstar/builtins/pyfmt"

	"github.com/netstar/netstar/builtins/pyerr"
	"github.com/netstar/netstar/repl/interp"
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
		if _, err := pyfmt.Percent(format, values); err != nil {
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
		if _, err := pyfmt.Format(format, formatArgs, kwargs); err != nil {
			if _, ok := pyerr.As(err); !ok {
				t.Fatalf("%q.format(...): %v is not a Python exception", format, err)
			}
		}
	})
}

// TestExecChunkPercent: a REPL input formats with a string an earlier
// input bound, as Python's % does.
func TestExecChunkPercent(t *testing.T) {
	s := interp.New(interp.Config{})
	defer s.Close()
	th := s.NewThread("repl")
	globals := s.Predeclared("__main__")
	for _, line := range []string{`FMT = "%5d|"`, `out = FMT % 42`, `n = 9`, `m = n % 4`} {
		f, err := interp.Parse("<stdin>", []byte(line))
		if err != nil {
			t.Fatal(err)
		}
		s.Lock()
		err = interp.ExecChunk(th, f, globals)
		s.Unlock()
		if err != nil {
			t.Fatalf("%s: %v", line, err)
		}
	}
	if got := globals["out"]; got != starlark.String("   42|") {
		t.Errorf("FMT %% 42 = %v, want \"   42|\"", got)
	}
	if got := globals["m"]; got != starlark.MakeInt(1) {
		t.Errorf("n %% 4 = %v, want 1", got)
	}
}
