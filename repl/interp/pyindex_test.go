package interp_test

import (
	"os/exec"
	"strings"
	"sync"
	"testing"

	_ "github.com/netstar/netstar/builtins" // print, repr, catch, list... as netstar runs them
	"github.com/netstar/netstar/repl/interp"
	"go.starlark.net/syntax"
)

// python3 returns the path of the python3 interpreter itself (not a
// pyenv shim, which takes half a second to start), skipping the test
// when python3 is missing.
func python3(t *testing.T) string {
	t.Helper()
	pythonOnce.Do(func() {
		out, err := exec.Command("python3", "-c", "import sys; print(sys.executable)").Output()
		if err == nil {
			pythonPath = strings.TrimSpace(string(out))
		}
	})
	if pythonPath == "" {
		t.Skip("python3 not found: the comparison with Python needs it")
	}
	return pythonPath
}

var (
	pythonOnce sync.Once
	pythonPath string
)

// pythonOutput runs src with python3 and returns its stdout.
func pythonOutput(t *testing.T, src string) string {
	t.Helper()
	cmd := exec.Command(python3(t), "-c", src)
	cmd.Env = []string{"PYTHONIOENCODING=utf-8", "PYTHONHASHSEED=0"}
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("python3: %v\n%s", err, out)
	}
	return string(out)
}

// compareWithPython runs each expression in netstar and in python3 and
// checks that each prints the same line: the repr of its value, or
// "ExceptionClass: text" for an error.
func compareWithPython(t *testing.T, prelude string, exprs []string) {
	t.Helper()
	var py, ns strings.Builder
	py.WriteString(prelude + `
def show(f):
    try:
        print(repr(f()))
    except Exception as e:
        print(type(e).__name__ + ": " + str(e))
`)
	ns.WriteString(prelude + `
def show(f):
    r, e = catch(f)
    if e:
        print(e.type + ": " + str(e))
    else:
        print(repr(r))
`)
	for _, e := range exprs {
		line := "show(lambda: " + e + ")\n"
		py.WriteString(line)
		ns.WriteString(line)
	}
	want := strings.Split(pythonOutput(t, py.String()), "\n")
	out, _, err := run(t, "t.py", ns.String(), interp.Config{})
	if err != nil {
		t.Fatalf("netstar: %s\n%s", interp.FormatError(err), out)
	}
	got := strings.Split(out, "\n")
	for i, e := range exprs {
		var g, w string
		if i < len(got) {
			g = got[i]
		}
		if i < len(want) {
			w = want[i]
		}
		if g != w {
			t.Errorf("%s\n netstar: %s\n  python: %s", e, g, w)
		}
	}
}

// TestBytesLikePython compares bytes indexing, iteration and methods,
// and the index and iteration of other values, with python3.
func TestBytesLikePython(t *testing.T) {
	prelude := `
data = b'GET / HTTP/1.0\r\nHost: x\r\n\r\n'
s = "hola"
words = ["a", "b", "c"]
d = {"k": 1, 2: "two"}
t = (1, 2, 3)
enc = "ñu".encode()
`
	compareWithPython(t, prelude, []string{
		// Indexing.
		`b'abc'[0]`,
		`b'abc'[-1]`,
		`b'abc'[2]`,
		`b'abc'[3]`,
		`b'abc'[-4]`,
		`b'abc'[True]`,
		`b'abc'["x"]`,
		`b'abc'[0:2]`,
		`b'abc'[::-1]`,
		`data[0]`,
		`data[:3]`,
		`enc[0]`,
		`enc[1] + 1`,
		`"ñu".encode()[2]`,
		`s[0]`,
		`s[-1]`,
		`s[10]`,
		`s[1:3]`,
		`"abc"[1]`,
		`words[1]`,
		`words[-1]`,
		`words[5]`,
		`words["x"]`,
		`t[0]`,
		`t[9]`,
		`[1, 2][1]`,
		`d["k"]`,
		`d[2]`,
		`d["missing"]`,
		`d[words[0] == "a"]`,
		`(1)[0]`,
		`None[0]`,
		`[w[0] for w in words]`,
		`{"a": b'xy'}["a"][1]`,
		// Iteration.
		`[c for c in b'ab']`,
		`[c for c in "hi"]`,
		`[c + 1 for c in data[:4]]`,
		`[x for x in b'']`,
		`[c for c in enc if c > 127]`,
		`[k for k in d]`,
		`[x * y for x in b'\x01\x02' for y in b'\x03']`,
		`[c for c in s[1:]]`,
		`[n for n in range(3)]`,
		`sum([c for c in b'abc'])`,
		// Methods.
		`b'a,b,c'.split(b',')`,
		`b'a b  c'.split()`,
		`data.split(b'\r\n')`,
		`data.startswith(b'GET')`,
		`data.endswith(b'\r\n\r\n')`,
		`data.find(b'Host')`,
		`data.find(b'nope')`,
		`data.find(72)`,
		`b'\x00\xff'.hex()`,
		`b'AbC'.upper()`,
		`b'AbC'.lower()`,
		`b'  x \n'.strip()`,
		`b'xxaxx'.strip(b'x')`,
		`b'aXbX'.replace(b'X', b'-')`,
		`b'-'.join([b'a', b'b'])`,
		`b'banana'.count(b'a')`,
		`b'banana'.index(b'n')`,
		`b'banana'.index(b'z')`,
		`b'banana'.rfind(b'a')`,
		`b'k=v'.partition(b'=')`,
		`b'a\nb\r\nc'.splitlines()`,
		`b'123'.isdigit()`,
		`b'abc'.startswith((b'x', b'a'))`,
		`b'abc'.startswith('a')`,
		`b'abc'.find(1.5)`,
		`"ñu".encode().hex()`,
		`"a,b".encode().split(b",")`,
		`b'caf\xc3\xa9'.decode()`,
		// str and list methods of the same names stay theirs.
		`"a,b".split(",")`,
		`",".join(words)`,
		`s.upper()`,
		`s.find("l")`,
		`s.count("o")`,
		`s.replace("o", "0")`,
		`s.startswith("ho")`,
		`" x ".strip()`,
		`words.index("b")`,
		`"{}-{}".format(1, 2)`,
	})
}

// TestBytesStatements checks for loops, assignment targets and augmented
// assignment against python3.
func TestBytesStatements(t *testing.T) {
	src := `
for c in b'ab':
    print(c)
for ch in "xy":
    print(ch)
for i, c in [(0, b'\x05'[0])]:
    print(i, c)
total = 0
for c in "hola".encode():
    total += c
print(total)
l = [1, 2, 3]
l[0] = 5
l[1] += 10
l[l[2] - 3] = 7
print(l)
m = [[1, 2], [3]]
m[0][1] = 9
m[1][0] += 1
print(m)
d = {}
d["a"] = b'xyz'
d["n"] = 0
d["n"] += d["a"][0]
print(d["n"], d)
a, b = b'ab'[0], "cd"[1]
print(a, b)
def first(x, default=b'z'[0]):
    return x[0] if x else default
print(first(b'Q'), first(""), first(["w"]))
f = lambda x: x[1]
print(f(b'ab'), f("ab"))
k = 0
while b'aaa'[k] == 97 and k < 2:
    k += 1
print(k)
`
	want := pythonOutput(t, src)
	out, _, err := run(t, "t.py", src, interp.Config{})
	if err != nil {
		t.Fatalf("%s\n%s", interp.FormatError(err), out)
	}
	if out != want {
		t.Errorf("netstar printed\n%s\npython3 printed\n%s", out, want)
	}
}

// TestRewriteIndexTree checks which subscripts and loops the dialect
// routes through __pyindex__ and __pyiter__ (as `helper ^ x`): reads yes, stores,
// augmented targets and slices no; displays keep the native operation.
func TestRewriteIndexTree(t *testing.T) {
	tests := []struct {
		src, want string
	}{
		{"x[0]\n", "(__pyindex__ ^ x)[0]"},
		{"x[i][j]\n", "(__pyindex__ ^ (__pyindex__ ^ x)[i])[j]"},
		{"x[1:2]\n", "x[1:2]"},
		{"x[0] = y[1]\n", "x[0] = (__pyindex__ ^ y)[1]"},
		{"x[0] += 1\n", "x[0] += 1"},
		{"x[i][j] = 1\n", "x[i][j] = 1"},
		{"x[y[0]] = 1\n", "x[(__pyindex__ ^ y)[0]] = 1"},
		{"x.a[0].b = 1\n", "x.a[0].b = 1"},
		{"[1, 2][0]\n", "[1, 2][0]"},
		{"'abc'[0]\n", "'abc'[0]"},
		{"b'abc'[0]\n", "(__pyindex__ ^ b'abc')[0]"},
		{"for c in x:\n    pass\n", "for c in (__pyiter__ ^ x):"},
		{"for i in range(3):\n    pass\n", "for i in range(3):"},
		{"for i in [1, 2]:\n    pass\n", "for i in [1, 2]:"},
		{"[c for c in x if c[0]]\n", "[c for c in (__pyiter__ ^ x) if (__pyindex__ ^ c)[0]]"},
		{"x.split(b',')\n", "__pymethod__(x, 'split', b',')"},
		{"','.join(x)\n", "','.join(x)"},
		{"'{}'.format(x)\n", "__pymethod__('{}', 'format', x)"},
	}
	for _, tt := range tests {
		f, err := interp.Parse("t.star", []byte(tt.src))
		if err != nil {
			t.Fatalf("%q: %v", tt.src, err)
		}
		if got := formatStmt(f.Stmts[0]); got != tt.want {
			t.Errorf("%q rewritten to %q, want %q", tt.src, got, tt.want)
		}
	}
}

// formatStmt writes the first line of a statement back as source (only
// the node types the tests above use).
func formatStmt(s syntax.Stmt) string {
	switch s := s.(type) {
	case *syntax.ExprStmt:
		return formatExpr(s.X)
	case *syntax.AssignStmt:
		return formatExpr(s.LHS) + " " + s.Op.String() + " " + formatExpr(s.RHS)
	case *syntax.ForStmt:
		return "for " + formatExpr(s.Vars) + " in " + formatExpr(s.X) + ":"
	}
	return "?"
}

func formatExpr(e syntax.Expr) string {
	switch e := e.(type) {
	case *syntax.Ident:
		return e.Name
	case *syntax.BinaryExpr:
		return "(" + formatExpr(e.X) + " " + e.Op.String() + " " + formatExpr(e.Y) + ")"
	case *syntax.Literal:
		if e.Token == syntax.STRING {
			return "'" + e.Value.(string) + "'"
		}
		return e.Raw
	case *syntax.IndexExpr:
		return formatExpr(e.X) + "[" + formatExpr(e.Y) + "]"
	case *syntax.SliceExpr:
		return formatExpr(e.X) + "[" + formatExpr(e.Lo) + ":" + formatExpr(e.Hi) + "]"
	case *syntax.DotExpr:
		return formatExpr(e.X) + "." + e.Name.Name
	case *syntax.CallExpr:
		args := make([]string, len(e.Args))
		for i, a := range e.Args {
			args[i] = formatExpr(a)
		}
		return formatExpr(e.Fn) + "(" + strings.Join(args, ", ") + ")"
	case *syntax.ListExpr:
		items := make([]string, len(e.List))
		for i, a := range e.List {
			items[i] = formatExpr(a)
		}
		return "[" + strings.Join(items, ", ") + "]"
	case *syntax.Comprehension:
		out := "[" + formatExpr(e.Body)
		for _, c := range e.Clauses {
			switch c := c.(type) {
			case *syntax.ForClause:
				out += " for " + formatExpr(c.Vars) + " in " + formatExpr(c.X)
			case *syntax.IfClause:
				out += " if " + formatExpr(c.Cond)
			}
		}
		return out + "]"
	case nil:
		return ""
	}
	return "?"
}

// TestUncaughtLikePython checks the last line of the report of an error
// that ends a program against python3's (netstar writes "Error: " or
// "Error in fn: " before Python's line).
func TestUncaughtLikePython(t *testing.T) {
	progs := []string{
		"x = 1 / 0\n",
		"x = 1 // 0\n",
		"x = 1 % 0\n",
		"x = 7.5 % 0\n",
		"def f(n):\n    return 10 // n\nf(0)\n",
		"l = [1, 2]\nprint(l[2])\n",
		"l = []\nl[0] += 1\n",
		"t = (1,)\nt[-2]\n",
		"s = 'ab'\ns[5]\n",
		"d = {'a': 1}\nd['b']\n",
		"d = {}\nd[3] += 1\n",
		"b = b'ab'\nb[2]\n",
		"x = None\nx[0]\n",
		"l = [1]\nl['a']\n",
		"s = 'x'\ns['a']\n",
	}
	py := python3(t)
	for _, src := range progs {
		out, _ := exec.Command(py, "-c", src).CombinedOutput()
		lines := strings.Split(strings.TrimSpace(string(out)), "\n")
		want := lines[len(lines)-1]
		_, _, err := run(t, "t.py", src, interp.Config{})
		if err == nil {
			t.Errorf("%q: no error, python3: %s", src, want)
			continue
		}
		report := interp.FormatError(err)
		last := report[strings.LastIndex(report, "\n")+1:]
		if got := last[strings.Index(last, ": ")+2:]; !strings.HasPrefix(last, "Error") || got != want {
			t.Errorf("%q: netstar's last line %q, python3's %q", src, last, want)
		}
	}
}

// TestHelpersByHand: the dialect's helpers are visible globals, and a
// program that calls them gets what the rewrite would.
func TestHelpersByHand(t *testing.T) {
	tests := []struct{ expr, want, wantErr string }{
		{`__pyindex__(b"ab", 1)`, "98", ""},
		{`__pyindex__([5], -1)`, "5", ""},
		{`__pyiter__(b"ab")`, "(97, 98)", ""},
		{`__pyiter__("ab")`, `("a", "b")`, ""},
		{`__pyiter__([1])`, "[1]", ""},
		{`__pyindex__(1)`, "", "__pyindex__: got 1 arguments, want 2"},
		{`__pyindex__ ^ 1`, "1", ""},
		{`1 ^ __pyindex__`, "", "unknown binary op: int ^ builtin_function_or_method"},
		{`str(__pyiter__)`, `"<built-in function __pyiter__>"`, ""},
	}
	for _, tt := range tests {
		_, g, err := run(t, "t.star", "r = "+tt.expr+"\n", interp.Config{})
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("%s: error %v, want %q", tt.expr, err, tt.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %s", tt.expr, interp.FormatError(err))
			continue
		}
		if got := g["r"].String(); got != tt.want {
			t.Errorf("%s = %s, want %s", tt.expr, got, tt.want)
		}
	}
}

// TestCaughtLikePython: Starlark's own errors, caught, have Python's
// class and text.
func TestCaughtLikePython(t *testing.T) {
	compareWithPython(t, "l = [1]\nd = {}\nn = 0\n", []string{
		`1 / 0`,
		`1 // 0`,
		`1 % 0`,
		`7.5 % 0`,
		`10 / n`,
		`l[3]`,
		`l[-2]`,
		`[][0]`,
		`d["k"]`,
		`d[1]`,
		`"ab"[2]`,
		`(1, 2)[2]`,
	})
}
