package builtins_test

import (
	"encoding/json"
	"os/exec"
	"strings"
	"testing"
)

// formatCases are expressions valid in Python and netstar: Python's %
// formatting and str.format with format specs, which the dialect adds to
// Starlark's. Each is evaluated by both; the value or the exception
// class and message must agree.
var formatCases = []string{
	// % with flags, width and precision.
	`"%d" % 42`, `"%5d|" % 42`, `"%-5d|" % 42`, `"%05d" % -42`, `"%+d % d" % (5, 5)`, `"%.3d" % 7`,
	`"%x %X %o" % (255, 255, 8)`, `"%#x %#X %#o" % (255, 255, 8)`, `"%08.3f" % 3.14159`, `"%-8.2f|" % 2.5`,
	`"%.2f" % 2.675`, `"%.0f %.0f" % (0.5, 1.5)`, `"%e" % 12345.678`, `"%.2E" % 0.000123`, `"%g %g %g" % (0.0001, 123456, 1234567)`,
	`"%G" % 1e-10`, `"%.3g" % 3.14159`, `"%#g" % 1.0`, `"%f" % 1e20`, `"%s %r" % ("a", "a")`, `"%s" % [1, "a", (2,)]`,
	`"%r" % {"k": ["v"]}`, `"%5s|%-5s|" % ("ab", "cd")`, `"%.2s" % "abcdef"`, `"%c%c" % (65, "z")`, `"100%%" % ()`,
	`"%(host)s:%(port)d" % {"host": "lab", "port": 80}`, `"%*d|" % (6, 42)`, `"%-*d|" % (6, 42)`, `"%.*f" % (2, 3.14159)`,
	`"%d" % 3.99`, `"%d" % True`, `"%s" % None`, `"%s" % 1.0`, `"%s" % 1e16`, `"%s" % 0.1`, `"%i" % -0`,
	`"%f %F" % (float("inf"), float("-inf"))`, `"%f" % float("nan")`, `"%d" % 1000000000000000000000000000000`, `"%x" % -255`,
	`"[%s]" % "only"`, `"%s and %s" % ("a", "b")`,
	// % errors.
	`"%d" % "x"`, `"%x" % 1.5`, `"%f" % "x"`, `"%d %d" % (1,)`, `"%d" % (1, 2)`, `"%z" % 1`, `"abc %" % 1`,
	`"%(a)s" % 1`, `"%(a)s" % {"b": 1}`, `"%c" % "ab"`, `"%c" % -1`, `"%d" % float("inf")`, `"no args" % 5`,
	// str.format with specs.
	`"{}".format(42)`, `"{:5}|".format(42)`, `"{:<5}|".format(42)`, `"{:^6}|".format("ab")`, `"{:*>8}".format("x")`,
	`"{:08.3f}".format(-3.14159)`, `"{:+.2f}".format(2.5)`, `"{: d}".format(5)`, `"{:,}".format(1234567)`, `"{:_}".format(1234567)`,
	`"{:,.2f}".format(1234567.891)`, `"{:_x}".format(0xdeadbeef)`, `"{:b} {:o} {:x} {:X}".format(5, 8, 255, 255)`,
	`"{:#b} {:#o} {:#x}".format(5, 8, 255)`, `"{:%}".format(0.25)`, `"{:.1%}".format(0.125)`, `"{:e}".format(1234.5)`,
	`"{:g}".format(1e-5)`, `"{:.3}".format(3.14159)`, `"{:.3}".format(1234.5)`, `"{:.3}".format(1.0)`, `"{:10.3}|".format(2.0)`,
	`"{}".format(1.0)`, `"{}".format(1e16)`, `"{:}".format(0.1)`, `"{:f}".format(1)`, `"{:d}".format(True)`, `"{}".format(True)`,
	`"{:>6}".format(True)`, `"{:c}".format(97)`, `"{:=+8d}".format(42)`, `"{:0=8d}".format(-42)`, `"{:08d}".format(-42)`,
	`"{:010,}".format(1234)`, `"{:.2s}".format("abcdef")`, `"{!r}".format("a")`, `"{!s}".format([1, "a"])`, `"{!r:>6}".format("a")`,
	`"{}".format(["a", ("b",)])`, `"{}".format({"k": "v"})`, `"{}".format(None)`, `"{0}{1}{0}".format("a", "b")`,
	`"{name}:{port}".format(name="lab", port=80)`, `"{0[1]} {d[k]} {0[0]}".format(["x", "y"], d={"k": "v"})`,
	`"{:{w}}|".format(7, w=4)`, `"{:>{w}.{p}f}".format(3.14159, w=8, p=2)`, `"{{}} {}".format(1)`, `"{:>12}".format("Abierto")`,
	`"Puerto {}: \t Abierto".format(22)`, `"{:010_x}".format(0xbeef)`, `"{:012,.2f}".format(1234.5)`, `"{:09,}".format(-1234)`,
	`"%5.1f%%" % 99.5`, `"{:^9.2f}|".format(1.5)`, `"{:#x} {:#o}".format(0, 0)`, `"{:,}".format(-1234567.5)`, `"{:.0f}".format(2.5)`,
	`"{:e}".format(0)`, `"{:g}".format(0.0)`, `"{:.2%}".format(1)`, `"%.1e" % 9.96`, `"%g" % 1e100`, `"%s|%5s" % (True, None)`,
	`"%s %s %s" % (1234567.5, 1e15, 12345678.0)`, `"{} {} {}".format(1e-5, 0.0001, -0.0)`, `"%r" % [1e22, 1.5e-7, 1152921504606846976.0]`, `"{:<15}{:>8}".format("127.0.0.1", "open")`, `"{:-^20}".format(" scan ")`,
	// str.format errors.
	`"{:d}".format("x")`, `"{:s}".format(1)`, `"{:d}".format(1.5)`, `"{}{}".format(1)`, `"{1}".format(1)`, `"{x}".format(y=1)`,
	`"{}{0}".format(1, 2)`, `"{0}{}".format(1, 2)`, `"{".format(1)`, `"}".format(1)`, `"{:>5}".format([1])`,
	`"{:+s}".format("x")`, `"{:=5}".format("x")`, `"{:.2d}".format(5)`, `"{!x}".format(1)`, `"{:,,}".format(1)`,
	`"{0[5]}".format([1])`, `"{0[k]}".format({})`, `"{:c}".format(-1)`, `"{:zz}".format(1)`,
}

const formatPyDriver = `
import json
for expr in EXPRS:
    try:
        out = ["ok", eval(expr)]
    except Exception as e:
        out = ["err", type(e).__name__, str(e)]
    print(repr(out))
`

const formatStarDriver = `
for f in FNS:
    v, err = catch(f)
    if err == None:
        out = ["ok", v]
    else:
        out = ["err", err.type, str(err)]
    print(repr(out))
`

// TestFormatAgainstPython compares netstar's % and str.format with
// python3's on formatCases.
func TestFormatAgainstPython(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("needs python3 to compare formatting against")
	}
	var pyExprs, fns []string
	for _, c := range formatCases {
		q, _ := json.Marshal(c)
		pyExprs = append(pyExprs, string(q))
		fns = append(fns, "lambda: "+c)
	}
	want, err := exec.Command(py, "-c", "EXPRS = ["+strings.Join(pyExprs, ",\n")+"]\n"+formatPyDriver).CombinedOutput()
	if err != nil {
		t.Fatalf("python3: %v\n%s", err, want)
	}
	s := newSession(t)
	if err := s.exec(t, "format.star", "FNS = ["+strings.Join(fns, ",\n")+"]\n"+formatStarDriver); err != nil {
		t.Fatalf("%v\n%s", err, s.stdout.String())
	}
	wl := strings.Split(strings.TrimSpace(string(want)), "\n")
	gl := strings.Split(strings.TrimSpace(s.stdout.String()), "\n")
	if len(wl) != len(formatCases) || len(gl) != len(formatCases) {
		t.Fatalf("%d python lines, %d netstar lines, want %d", len(wl), len(gl), len(formatCases))
	}
	for i, c := range formatCases {
		if wl[i] != gl[i] {
			t.Errorf("%s\n python3: %s\n netstar: %s", c, wl[i], gl[i])
		}
	}
}

// TestPercentWithFormatInName: a format string kept in a name that only
// ever holds strings formats with Python's %, in a file and across REPL
// inputs; integers keep Starlark's %, and so does a format passed in as
// an argument.
func TestPercentWithFormatInName(t *testing.T) {
	s := newSession(t)
	err := s.exec(t, "names.star", `
FMT = "%-6s|%4d"
HDR = "%-6s" + "|%4s"
assert.eq(FMT % ("ab", 7), "ab    |   7")
assert.eq(HDR % ("HOST", "N"), "HOST  |   N")
n = 17
assert.eq(n % 5, 2)
def row(fmt, v):
    return fmt % v
assert.eq(row("%d", 3), "3")
x = "%5d"
x = 5
assert.eq(x % 3, 2)
`)
	if err != nil {
		t.Fatal(err)
	}
}
