package translate

import (
	"context"
	"encoding/json"
	"errors"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// syntaxCases are the mistakes students make, with what CPython says
// about each (compared in TestSyntaxErrorsAsPython).
var syntaxCases = []struct{ name, src string }{
	{"course typo: bind without its )", "import socket\nmySocket = socket.socket()\nmySocket.bind(('localhost', 8080)\nmySocket.listen(5)\nprint('x')\n"},
	{"( never closed at the end", "x = (1,\n     2\n"},
	{"[ never closed", "x = [1, 2\ny = 3\n"},
	{"{ never closed", "d = {'a': 1\n"},
	{"never closed, parse error after it", "print((1, 2)\nx = = 3\n"},
	{"parse error before a bracket never closed", "x = = 3\nprint((1, 2)\n"},
	{"never closed before an if", "foo(\nif x:\n    pass\n"},
	{"innermost never closed", "f(a, [1,\n  2\n"},
	{"mismatched close", "print(len([1, 2)\n"},
	{"mismatched close on another line", "x = (\n   1\n\t  ]\n"},
	{"unmatched )", "x = 1)\n"},
	{"if without a block", "x = 1\nif x:\nprint(x)\n"},
	{"def without a block", "def f():\nreturn 1\n"},
	{"for without a block", "for i in range(3):\nprint(i)\n"},
	{"while without a block", "while True:\nbreak\n"},
	{"try without a block", "try:\nx = 1\nexcept:\n    pass\n"},
	{"except without a block", "try:\n    x = 1\nexcept ValueError:\npass\n"},
	{"else without a block", "if 1:\n    pass\nelse:\npass\n"},
	{"elif without a block", "if 1:\n    pass\nelif 2:\npass\n"},
	{"class without a block", "class A:\npass\n"},
	{"with without a block", "with open('x') as f:\npass\n"},
	{"finally without a block", "try:\n    pass\nfinally:\npass\n"},
	{"decorated def without a block", "@dec\ndef f():\nreturn\n"},
	{"block after comments and blank lines", "if x:\n# c\n\npass\n"},
	{"nested if without a block", "for i in x:\n    if i:\n    pass\n"},
	{"method without a block", "class A(B):\n    def f(self):\n    pass\n"},
	{"if at the end of the source", "if True:\n"},
	{"while at the end, trailing space", "while x: \n"},
	{"except at the end, blank line after", "try:\n    pass\nexcept ValueError as e:\n\n"},
	{"else with a comment", "if a:\n    pass\nelse :  # c\nz\n"},
	{"multi-line if header", "if (a and\n        b):\nx = 1\n"},
	{"unexpected indent", "x = 1\n    y = 2\n"},
	{"unexpected indent after a one-line if", "if x: pass\n    y\n"},
	{"unexpected indent after a backslash line", "x = 1 \\\n    + 2\n  y = 3\n"},
	{"unexpected indent after a triple-quoted string", "s = '''a\n   b'''\n  y = 1\n"},
	{"unexpected indent after a docstring", "def f():\n    '''doc'''\n        x = 1\n"},
	{"unexpected indent after blank lines", "x = 1\n\n   \n    y = 2\n"},
	{"unindent does not match", "if True:\n        x = 1\n    y = 2\n"},
	{"unindent in a def", "def f():\n    x = 1\n  y = 2\n"},
	{"unindent with a bracket never closed", "if x:\n    y = 1\n  z = (\n"},
	{"tab after spaces, same width", "if True:\n        x = 1\n\ty = 2\n"},
	{"spaces after a tab", "if True:\n\tx = 1\n        y = 2\n"},
	{"tab deeper than spaces", "if True:\n    x = 1\n\ty = 2\n"},
	{"NUL byte", "x = 1\ny = 2\x00\n"},
	{"fine: brackets and colons in strings and comments", "d = {'a': '(', 'b': ']'}  # (\nif d:  # x:\n    s = ''':\n('''\n    print(d, s)\n"},
	{"fine: a BOM", "\ufeffprint('hola')\n"},
	{"fine: a dict literal over lines and a lambda", "d = {\n    1: 2,\n}\nf = lambda: 1\nif d: print(f())\n"},
	{"fine: tabs used consistently", "if True:\n\tx = 1\n\tif x:\n\t\tprint(x)\n"},
	{"fine: comment at any indentation", "if True:\n    x = 1\n  # c\n        # d\n    y = 2\n"},
}

// pythonVerdict is what python3 says about a source: "" for OK.
type pythonVerdict struct {
	Class, Msg string
	Line, Col  int
}

// pythonSyntax asks python3 about each source in one process: compile()
// for the line and column, and for a NUL byte the text Python prints when
// it runs such a file (compile() of a string words it differently).
func pythonSyntax(t *testing.T, srcs []string) []pythonVerdict {
	t.Helper()
	const prog = `
import json, sys
out = []
for src in json.load(sys.stdin):
    b = src.encode("utf-8")
    if b"\0" in b:
        out.append(["SyntaxError", "source code cannot contain null bytes", b[:b.index(b"\0")].count(b"\n") + 1, 0])
        continue
    try:
        compile(b, "t.py", "exec")
        out.append(["", "", 0, 0])
    except SyntaxError as e:
        out.append([type(e).__name__, e.msg, e.lineno or 0, e.offset or 0])
json.dump(out, sys.stdout)
`
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	in, _ := json.Marshal(srcs)
	cmd := exec.CommandContext(ctx, python3(t), "-c", prog)
	cmd.Stdin = strings.NewReader(string(in))
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("python3: %v", err)
	}
	var rows [][]any
	if err := json.Unmarshal(out, &rows); err != nil {
		t.Fatalf("python3 said %s: %v", out, err)
	}
	var v []pythonVerdict
	for _, r := range rows {
		v = append(v, pythonVerdict{Class: r[0].(string), Msg: r[1].(string), Line: int(r[2].(float64)), Col: int(r[3].(float64))})
	}
	return v
}

// TestSyntaxErrorsAsPython compares the translator's syntax errors with
// python3's: class, message, line and column.
func TestSyntaxErrorsAsPython(t *testing.T) {
	var srcs []string
	for _, c := range syntaxCases {
		srcs = append(srcs, c.src)
	}
	want := pythonSyntax(t, srcs)
	for i, c := range syntaxCases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Python("t.py", []byte(c.src))
			w := want[i]
			if w.Class == "" {
				if err != nil {
					t.Fatalf("python3 compiles it; translate says %v", err)
				}
				return
			}
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("err = %v, want python3's %s: %s (line %d)", err, w.Class, w.Msg, w.Line)
			}
			class := se.Class
			if class == "" {
				class = "SyntaxError"
			}
			if class != w.Class || se.Msg != w.Msg || se.Line != w.Line {
				t.Errorf("got %s: %s (line %d), python3 %s: %s (line %d)", class, se.Msg, se.Line, w.Class, w.Msg, w.Line)
			}
			if w.Col > 0 && se.Col != w.Col && w.Class != "TabError" {
				t.Errorf("column %d, python3 %d", se.Col, w.Col)
			}
			if got := se.PythonMessage(); got != w.Class+": "+w.Msg {
				t.Errorf("PythonMessage() = %q", got)
			}
		})
	}
}

// TestNULAsPython checks the message pythonSyntax assumes for a NUL byte:
// the one python3 prints when it runs such a file.
func TestNULAsPython(t *testing.T) {
	_, stderr, err := runPython(t, "x = 1\ny = 2\x00\n", nil, "")
	if err == nil || !strings.Contains(stderr, `line 2`) || !strings.HasSuffix(strings.TrimSpace(stderr), "SyntaxError: source code cannot contain null bytes") {
		t.Fatalf("python3: %v\n%s", err, stderr)
	}
}
