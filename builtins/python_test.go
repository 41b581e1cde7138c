package builtins_test

import (
	"encoding/json"
	"os/exec"
	"strings"
	"testing"
)

// pythonCases are expressions valid in Python and netstar that use
// Python's builtins netstar adds (sum, round, map, ...), int() and
// float() of strings, and bytearray. Each is evaluated by python3 and by
// netstar; the repr of the value, or the exception class and message,
// must agree.
var pythonCases = []string{
	// list, tuple and sorted past netstar's bound raise MemoryError, as
	// Python does for these sizes; a normal size works.
	`list(range(1000000000000))`, `tuple(range(1000000000000))`, `sorted(range(1000000000000))`,
	`sorted(range(5), reverse=True)`, `sorted(["b", "a", "cc"], key=len)`, `list(range(3))`, `tuple([1, 2])`,
	// sum
	`sum([1, 2, 3])`, `sum([1, 2.5])`, `sum([], 10)`, `sum([[1], [2]], [])`, `sum(range(101))`, `sum((0.1, 0.2))`,
	`sum([1, 2], start=5)`, `sum([x * x for x in [1, 2, 3]])`,
	`sum(["a", "b"], "")`, `sum(["a"])`, `sum(5)`, `sum([b"a"], b"")`, `sum([True, True])`, `sum(b"ab")`,
	// round
	`round(2.5)`, `round(3.5)`, `round(-2.5)`, `round(0.5)`, `round(1.5)`, `round(2.675, 2)`, `round(0.125, 2)`,
	`round(0.375, 2)`, `round(1234.5678, -2)`, `round(1250, -2)`, `round(1350, -2)`, `round(-1250, -2)`, `round(7, 2)`,
	`round(3.14159, 3)`, `round(2.5, 0)`, `round(-0.4)`, `round(-0.4, 0)`, `round(1e300, 2)`, `round(5e-324, 400)`,
	`round(float("inf"))`, `round(float("nan"))`, `round(float("inf"), 2)`, `round("1")`, `round(1.5, 1.0)`, `round(True)`,
	`round(123.456, None)`, `round(15, -1)`, `round(25, -1)`, `round(1.7976931348623157e308, -308)`,
	// map and filter
	`list(map(str, [1, 2]))`, `list(map(lambda a, b: a + b, [1, 2, 3], [10, 20]))`, `",".join(map(str, range(3)))`,
	`list(map(int, ["1", " 2 "]))`, `list(map(int, ["x"]))`, `list(filter(None, [0, 1, "", "a", None]))`,
	`list(filter(lambda p: p % 2, range(6)))`, `list(map(len, ["ab", "c"]))`, `map(str)`, `list(map(5, [1]))`,
	`list(filter(5, [1]))`, `list(map(str, 5))`, `sorted(map(abs, [-3, 1, -2]))`, `list(map(lambda c: c, b"AB"))`,
	// hex, oct, bin
	`hex(255)`, `hex(-255)`, `hex(0)`, `oct(8)`, `oct(-8)`, `bin(5)`, `bin(-5)`, `bin(0)`, `hex(True)`,
	`hex(1 << 70)`, `hex(1.5)`, `oct("8")`, `bin(None)`,
	// pow
	`pow(2, 10)`, `pow(2, -1)`, `pow(2, 0.5)`, `pow(2.5, 2)`, `pow(3, 4, 5)`, `pow(-3, 3, 7)`, `pow(3, -1, 7)`, `pow(2, 3, -5)`,
	`pow(0, 0)`, `pow(0, -1)`, `pow(0.0, -1)`, `pow(2, 3, 0)`, `pow(2.0, 3, 5)`, `pow(2, -1, 4)`, `pow("2", 3)`,
	`pow(10.0, 400)`, `pow(base=2, exp=8)`, `pow(5, 0, 1)`, `pow(-2, 3)`, `pow(2, 100)`, `pow(1, 100000000000000000000)`, `pow(-1, 100000000000000000001)`,
	// divmod
	`divmod(7, 2)`, `divmod(-7, 2)`, `divmod(7, -2)`, `divmod(7.5, 2)`, `divmod(-7.5, 2)`, `divmod(7, 0)`, `divmod(7.0, 0)`,
	`divmod("7", 2)`, `divmod(True, 2)`, `divmod(1 << 70, 3)`,
	// format
	`format(255, "x")`, `format(255, "#06x")`, `format(3.14159, ".2f")`, `format(1234567, ",")`, `format("ab", ">5")`,
	`format(42)`, `format(0.5, "%")`, `format(None)`, `format([1, "a"])`, `format(5, "s")`, `format(1, 2)`, `format(None, "x")`,
	`format(255, "b")`, `format(12, "08.3f")`,
	// setattr, getattr, delattr, hasattr, callable, id
	`getattr("abc", "upper")()`, `getattr("abc", "nope", 7)`, `getattr("abc", "nope")`, `getattr(1, 2)`, `setattr(1, "x", 2)`,
	`setattr(1, 2, 3)`, `delattr(1, "x")`, `hasattr("a", "upper")`, `hasattr("a", "nope")`, `callable(len)`, `callable(5)`,
	`callable(lambda: 1)`, `callable("x")`, `type(id([])) == type(1)`, `id(None) == id(None)`,
	// iter and next
	`next(iter([1, 2]))`, `next(iter([]), "end")`, `next(iter([]))`, `next([1])`, `next(iter("ab"))`, `next(iter(b"AB"))`,
	`next(iter({"k": 1}))`, `next(iter(range(3, 9)))`, `next(iter((7,)))`, `iter(5)`, `list(iter([1, 2]))`,
	`[x for x in iter(b"hi")]`, `next(iter(bytearray(b"Z")))`,
	// int and float of strings
	`int(" 8004 ")`, `int("8004 ")`, `int("  -7\n")`, `int("+5")`, `int("0x1F", 16)`, `int("1F", 16)`, `int("0b101", 0)`,
	`int("0o17", 0)`, `int("017", 0)`, `int("00", 0)`, `int("1_000")`, `int("1__000")`, `int("_1")`, `int("1_")`,
	`int("0x_1f", 16)`, `int("z", 36)`, `int("abc")`, `int("")`, `int("   ")`, `int("12", 1)`, `int("12", 37)`, `int(12, 10)`,
	`int(3.99)`, `int(-3.99)`, `int(True)`, `int(None)`, `int([1])`, `int(float("inf"))`, `int(float("nan"))`,
	`int(b" 42 ")`, `int(b"x")`, `int("٣")`, `int("1" * 5000)`, `int("1" * 5000, 16) > 0`, `int("0x1F")`, `int("1.5")`,
	`int()`, `int("10", base=2)`, `int("\t12\r\n")`, `int("9" * 30)`,
	`float(" 1.5 ")`, `float("1e3")`, `float("-inf")`, `float("Infinity")`, `str(float("nan"))`, `float("1_000.5")`,
	`float(".5")`, `float("5.")`, `float("1e400")`, `float("abc")`, `float("")`, `float("1e")`, `float("0x10")`, `float("1_e5")`,
	`float(2)`, `float(True)`, `float(None)`, `float(int("1" + "0" * 400))`, `float()`, `float(b"2.5")`, `float("--1")`, `float("1.2.3")`,
	`float("  -0.0  ")`, `float("+1E-3")`, `float("٣.٥")`, `int("１２")`,
	// bytearray
	`bytearray(b"abc")`, `bytearray(3)`, `bytearray([65, 66])`, `bytearray("hé", "utf-8")`, `bytearray("x")`, `bytearray([256])`,
	`bytearray(b"abc")[0]`, `bytearray(b"abc")[-1]`, `bytearray(b"abc")[1:]`, `bytearray(b"abcdef")[::2]`, `len(bytearray(b"ab"))`,
	`bytes(bytearray(b"ab"))`, `bytearray(b"hola").decode()`, `bytearray(b"a b").split()`, `bytearray(b"ab").hex()`,
	`bytearray(b"ab") + b"c"`, `b"c" + bytearray(b"ab")`, `bytearray(b"ab") * 2`, `97 in bytearray(b"abc")`, `b"bc" in bytearray(b"abc")`,
	`bytearray(b"ab") == bytearray(b"ab")`, `bytearray(b"Ab").upper()`, `list(bytearray(b"AB"))`, `bytearray()`, `bytearray(-1)`,
	`bytearray(b"abc").find(b"c")`, `bytearray(b"ab").pop()`, `bytearray(b"").pop()`, `str(bytearray(b"x"))`, `bytearray(b"x").copy()`,
	`bytearray(b"a'b")`, `bytearray(5.0)`, `bytes([1, 2])`, `bytes(3)`, `bytes(bytearray(2))`, `bytes(["a"])`, `bytes(None)`,
	// range repr
	`range(5)`, `str(range(5))`, `range(2, 5)`, `range(0, 10, 2)`, `[range(3)]`, `repr(range(5, 1))`, `"%s" % range(4)`,
	`"{}".format(range(4))`,
}

// evalPython evaluates each case in python3 and in netstar and compares
// the lines the shared drivers print.
func evalPython(t *testing.T, cases []string) {
	t.Helper()
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("needs python3 to compare builtins against")
	}
	var pyExprs, fns []string
	for _, c := range cases {
		q, _ := json.Marshal(c)
		pyExprs = append(pyExprs, string(q))
		fns = append(fns, "lambda: "+c)
	}
	want, err := exec.Command(py, "-c", "EXPRS = ["+strings.Join(pyExprs, ",\n")+"]\n"+formatPyDriver).CombinedOutput()
	if err != nil {
		t.Fatalf("python3: %v\n%s", err, want)
	}
	s := newSession(t)
	if err := s.exec(t, "python.star", "FNS = ["+strings.Join(fns, ",\n")+"]\n"+formatStarDriver); err != nil {
		t.Fatalf("%v\n%s", err, s.stdout.String())
	}
	wl := strings.Split(strings.TrimSpace(string(want)), "\n")
	gl := strings.Split(strings.TrimSpace(s.stdout.String()), "\n")
	if len(wl) != len(cases) || len(gl) != len(cases) {
		t.Fatalf("%d python lines, %d netstar lines, want %d", len(wl), len(gl), len(cases))
	}
	for i, c := range cases {
		if wl[i] != gl[i] {
			t.Errorf("%s\n python3: %s\n netstar: %s", c, wl[i], gl[i])
		}
	}
}

// TestBuiltinsAgainstPython compares netstar's Python builtins with
// python3's on pythonCases.
func TestBuiltinsAgainstPython(t *testing.T) { evalPython(t, pythonCases) }
