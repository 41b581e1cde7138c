package interp_test

import (
	"math"
	"strings"
	"testing"

	"github.com/netstar/netstar/builtins/pyfmt"

	"go.starlark.net/starlark"

	"github.com/netstar/netstar/repl/interp"
	"github.com/netstar/netstar/repl/interp/interptest"
)

// TestBoolOperators checks Python's |, & and ^ on bools (the course's
// `if (host == None) | (ports[0] == None):`) and that other operands keep
// Starlark's operators.
func TestBoolOperators(t *testing.T) {
	res := interptest.Run(t, "ops.star", `
host = None
assert.eq((host == None) | (1 == 2), True)
assert.eq((host != None) | (1 == 2), False)
assert.eq(True & False, False)
assert.eq(True & True, True)
assert.eq(True ^ True, False)
assert.eq(False ^ True, True)
assert.eq(6 | 3, 7)
assert.eq(6 & 3, 2)
assert.eq(6 ^ 3, 5)
assert.eq(set([1]) | set([2]), set([1, 2]))
assert.eq((1 | 2) | 4, 7)
assert.fails(lambda: 1 | "a", "unknown binary op: int | string")
`, interp.Config{})
	if res.Err != nil {
		t.Fatal(interp.FormatError(res.Err))
	}
}

func TestReprSpecialFloats(t *testing.T) {
	for f, want := range map[float64]string{math.Inf(1): "inf", math.Inf(-1): "-inf", math.NaN(): "nan", 1.5: "1.5"} {
		if got := pyfmt.Repr(starlark.Float(f)); got != want {
			t.Errorf("pyfmt.Repr(%v) = %q, want %q", f, got, want)
		}
	}
}

func TestParseAcceptsBOM(t *testing.T) {
	if _, err := interp.Parse("bom.star", []byte("\ufeffx = 1\n")); err != nil {
		t.Errorf("a UTF-8 BOM is refused: %v", err)
	}
}

// TestRunRecoversPanic: a builtin that panics fails the program with an
// error; the session and its lock stay usable.
func TestRunRecoversPanic(t *testing.T) {
	boom := starlark.NewBuiltin("boom", func(*starlark.Thread, *starlark.Builtin, starlark.Tuple, []starlark.Tuple) (starlark.Value, error) {
		panic("broken builtin")
	})
	s := interp.New(interp.Config{Extra: starlark.StringDict{"boom": boom}})
	defer s.Close()
	th := s.NewThread("t")
	err := s.Run(func() error { _, err := s.ExecFile(th, "p.star", []byte("boom()\n")); return err })
	if err == nil || !strings.Contains(err.Error(), "internal error: broken builtin") {
		t.Fatalf("err = %v, want an internal error", err)
	}
	th = s.NewThread("t2")
	if err := s.Run(func() error { _, err := s.ExecFile(th, "q.star", []byte("x = 1\n")); return err }); err != nil {
		t.Fatalf("session unusable after a panic: %v", err)
	}
}
