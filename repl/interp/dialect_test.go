package interp_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/netstar/netstar/builtins/pyfmt"

	"github.com/netstar/netstar/builtins/pyerr"
	"github.com/netstar/netstar/repl/interp"
	"go.starlark.net/lib/json"
	"go.starlark.net/starlark"
	"go.starlark.net/syntax"
)

func TestRewriteImports(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"plain", "import socket\n", `socket = __import__("socket")` + "\n"},
		{"two modules", "import socket, sys\n", `socket, sys = __import__("socket"), __import__("sys")` + "\n"},
		{"no spaces after comma", "import socket,sys\n", `socket, sys = __import__("socket"), __import__("sys")` + "\n"},
		{"as", "import socket as s\n", `s = __import__("socket")` + "\n"},
		{"as and plain", "import socket as s, sys\n", `s, sys = __import__("socket"), __import__("sys")` + "\n"},
		{"dotted binds first part", "import os.path\n", `os = __import__("os.path")` + "\n"},
		{"from star", "from " + testModule + " import *\n", `alpha, beta, double = __import__("interptest", "alpha", "beta", "double")` + "\n"},
		{"from star single member", "from " + testSingle + " import *\n", `only = __import__("interptest_single", "only")[0]` + "\n"},
		{"from star unknown module", "from nosuchmodule import *\n", `__import__("nosuchmodule")` + "\n"},
		{"from list", "from m import a, b as c\n", `a, c = __import__("m", "a", "b")` + "\n"},
		{"from single", "from time import sleep\n", `sleep = __import__("time", "sleep")[0]` + "\n"},
		{"from single as", "from time import sleep as nap\n", `nap = __import__("time", "sleep")[0]` + "\n"},
		{"from parenthesized", "from m import (a, b)\n", `a, b = __import__("m", "a", "b")` + "\n"},
		{"from trailing comma", "from m import (a, b,)\n", `a, b = __import__("m", "a", "b")` + "\n"},
		{"indented in def", "def f():\n    import socket\n    return socket\n", "def f():\n" + `    socket = __import__("socket")` + "\n    return socket\n"},
		{"tab indented", "if True:\n\tfrom m import a\n", "if True:\n\t" + `a = __import__("m", "a")[0]` + "\n"},
		{"trailing comment", "import socket # the module\n", `socket = __import__("socket")  # the module` + "\n"},
		{"from trailing comment", "from m import a  # c\n", `a = __import__("m", "a")[0]  # c` + "\n"},
		{"trailing semicolon", "import socket;\n", `socket = __import__("socket")` + "\n"},
		{"crlf kept", "import socket\r\nx = 1\r\n", `socket = __import__("socket")` + "\r\nx = 1\r\n"},
		{"no final newline", "import sys", `sys = __import__("sys")`},
		{"inside triple double quotes", "s = \"\"\"\nimport socket\n\"\"\"\nimport sys\n", "s = \"\"\"\nimport socket\n\"\"\"\n" + `sys = __import__("sys")` + "\n"},
		{"inside triple single quotes", "def f():\n    '''Doc.\n    from socket import *\n    '''\n", "def f():\n    '''Doc.\n    from socket import *\n    '''\n"},
		{"docstring on one line", "\"\"\"doc\"\"\"\nimport sys\n", "\"\"\"doc\"\"\"\n" + `sys = __import__("sys")` + "\n"},
		{"triple quote in comment ignored", "x = 1 # '''\nimport sys\n", "x = 1 # '''\n" + `sys = __import__("sys")` + "\n"},
		{"string mentioning import", "x = \"import socket\"\n", "x = \"import socket\"\n"},
		{"commented out", "# import socket\n", "# import socket\n"},
		{"identifier starting with import", "important = 1\nimport_x = 2\n", "important = 1\nimport_x = 2\n"},
		{"import followed by code", "import socket; print(1)\n", `socket = __import__("socket"); print(1)` + "\n"},
		{"two imports on a line", "import socket; from m import a\n", `socket = __import__("socket"); a = __import__("m", "a")[0]` + "\n"},
		{"semicolon in a string is not ours", "x = 'import a; b'\n", "x = 'import a; b'\n"},
		{"relative import is not ours", "from . import x\n", "from . import x\n"},
		{"no import at all", "x = 1\n", "x = 1\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := string(interp.RewriteImports([]byte(tt.in)))
			if got != tt.want {
				t.Errorf("RewriteImports(%q)\n got %q\nwant %q", tt.in, got, tt.want)
			}
			if strings.Count(got, "\n") != strings.Count(tt.in, "\n") {
				t.Errorf("line count changed: %q -> %q", tt.in, got)
			}
		})
	}
}

func TestImportsRun(t *testing.T) {
	tests := []struct {
		name, src string
		want      string // stdout
		wantErr   string // substring of the error, "" for success
	}{
		{"import binds module", "import interptest\nprint(interptest.alpha)\n", "1\n", ""},
		{"import two", "import interptest, interptest_single\nprint(interptest.beta, interptest_single.only)\n", "b 42\n", ""},
		{"import as", "import interptest as t\nprint(t.double(4))\n", "8\n", ""},
		{"from star binds public members", "from interptest import *\nprint(alpha, beta, double(2))\n", "1 b 4\n", ""},
		{"from star skips private", "from interptest import *\nprint(_hidden)\n", "", "undefined: _hidden"},
		{"from star single", "from interptest_single import *\nprint(only)\n", "42\n", ""},
		{"from list", "from interptest import alpha, beta as b2\nprint(alpha, b2)\n", "1 b\n", ""},
		{"from single", "from interptest import double\nprint(double(5))\n", "10\n", ""},
		{"import in def binds a local", "def f():\n    import interptest\n    return interptest.alpha\nprint(f())\n", "1\n", ""},
		{"from in def binds locals", "def f():\n    from interptest import alpha as a\n    return a + 1\nprint(f())\n", "2\n", ""},
		{"import then code on one line", "import interptest; print(interptest.alpha)\n", "1\n", ""},
		{"import twice reassigns", "import interptest\nimport interptest\nprint(interptest.alpha)\n", "1\n", ""},
		{"unknown module", "import nosuch\n", "", "ModuleNotFoundError: no module named 'nosuch' (available: "},
		{"unknown module lists available", "import nosuch\n", "", testModule},
		{"unknown module star", "from nosuch import *\n", "", "no module named 'nosuch'"},
		{"unknown member", "from interptest import nope\n", "", "ImportError: cannot import name 'nope' from 'interptest'"},
		{"name main", "if __name__ == '__main__':\n    print('main')\n", "main\n", ""},
		{"__import__ without args", "__import__()\n", "", "import: want a module name"},
		{"__import__ non-string", "__import__(1)\n", "", "import: module name must be a string"},
		{"docstring untouched", "'''\nimport nosuch\n'''\nprint('ok')\n", "ok\n", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, _, err := run(t, "t.star", tt.src, interp.Config{})
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("error: %v", interp.FormatError(err))
				}
			} else if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("error = %v, want it to contain %q", err, tt.wantErr)
			}
			if out != tt.want {
				t.Errorf("stdout = %q, want %q", out, tt.want)
			}
		})
	}
}

// An error after an import line must report the line as written.
func TestImportsKeepLineNumbers(t *testing.T) {
	tests := []struct{ src, pos string }{
		{"import interptest\n\nx = 1 // 0\n", "t.star:3:7"},
		{"from interptest import *\nfrom interptest import alpha, beta as b\nimport interptest, interptest_single\nx = alpha // 0\n", "t.star:4:11"},
		{"def f():\n    import interptest\n    return 1 // 0\nf()\n", "t.star:3:14"},
		{"'''\nimport x\n'''\nimport interptest  # c\nundefined_name\n", "t.star:5:1"},
	}
	for _, tt := range tests {
		_, _, err := run(t, "t.star", tt.src, interp.Config{})
		if err == nil {
			t.Errorf("%q: no error", tt.src)
			continue
		}
		if msg := interp.FormatError(err); !strings.Contains(msg, tt.pos) {
			t.Errorf("%q: error %q does not mention %s", tt.src, msg, tt.pos)
		}
	}
}

func TestRewriteMethods(t *testing.T) {
	tests := []struct {
		name, expr, want string
		wantErr          string
	}{
		{"str.encode default", `"héllo".encode()`, `b'h\xc3\xa9llo'`, ""},
		{"str.encode utf-8", `"é".encode("utf-8")`, `b'\xc3\xa9'`, ""},
		{"str.encode latin-1", `"é".encode("latin-1")`, `b'\xe9'`, ""},
		{"str.encode errors kw", `"é".encode("ascii", errors="replace")`, `b'?'`, ""},
		{"bytes.decode", `b"\xc3\xa9".decode("utf-8")`, `'é'`, ""},
		{"bytes.decode default", `b"abc".decode()`, `'abc'`, ""},
		{"bytes.decode encoding kw", `b"\xe9".decode(encoding="latin-1")`, `'é'`, ""},
		{"json.encode still json's", `json.encode({"a": [1]})`, `'{"a":[1]}'`, ""},
		{"json.decode still json's", `json.decode("[1, 2]")`, `[1, 2]`, ""},
		{"chained", `"ñ".encode().decode()`, `'ñ'`, ""},
		{"bytes has no encode", `b"x".encode()`, "", "bytes has no .encode field or method"},
		{"str has no decode", `"x".decode()`, "", "string has no .decode field or method"},
		{"int has no encode", `(1).encode()`, "", "int has no .encode field or method"},
		{"bad encoding", `"x".encode("ebcdic")`, "", "LookupError: str.encode: unknown encoding: ebcdic"},
		{"bad errors", `b"x".decode("utf-8", "bogus")`, "", "unknown error handler name 'bogus'"},
		{"encode wrong type", `"x".encode(1)`, "", "str.encode: for parameter encoding: got int, want string"},
		{"decode too many", `b"x".decode("utf-8", "strict", 3)`, "", "bytes.decode: got 3 arguments, want at most 2"},
		{"__pymethod__ by hand", `__pymethod__()`, "", "__pymethod__: want a receiver and a method name"},
		{"__pymethod__ bad name", `__pymethod__("x", 1)`, "", "__pymethod__: for parameter name: got int, want string"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, g, err := run(t, "t.star", "r = "+tt.expr+"\n", interp.Config{Extra: starlark.StringDict{"json": json.Module}})
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(interp.FormatError(err))
			}
			if got := pyfmt.Repr(g["r"]); got != tt.want {
				t.Errorf("%s = %s, want %s", tt.expr, got, tt.want)
			}
		})
	}
}

// RewriteMethods works on the syntax tree: only calls of .encode and
// .decode change, into __pymethod__(receiver, "name", args...).
func TestRewriteMethodsTree(t *testing.T) {
	f, err := interp.Options.Parse("t.star", "x.encode('a')\ny.title()\nz.decode\n", 0)
	if err != nil {
		t.Fatal(err)
	}
	interp.RewriteMethods(f)
	call := f.Stmts[0].(*syntax.ExprStmt).X.(*syntax.CallExpr)
	if id, ok := call.Fn.(*syntax.Ident); !ok || id.Name != "__pymethod__" || len(call.Args) != 3 {
		t.Errorf("x.encode('a') not rewritten: %#v", call.Fn)
	}
	if lit, ok := call.Args[1].(*syntax.Literal); !ok || lit.Value != "encode" {
		t.Errorf("method name argument = %#v", call.Args[1])
	}
	if _, ok := f.Stmts[1].(*syntax.ExprStmt).X.(*syntax.CallExpr).Fn.(*syntax.DotExpr); !ok {
		t.Error("y.title() was rewritten")
	}
	if _, ok := f.Stmts[2].(*syntax.ExprStmt).X.(*syntax.DotExpr); !ok {
		t.Error("z.decode (no call) was rewritten")
	}
}

func TestParseDialect(t *testing.T) {
	src := "x = 0\nwhile x < 3:\n    x += 1\nfor i in range(2):\n    x += i\nif x:\n    s = set([1, 2])\ndef fact(n):\n    return 1 if n < 2 else n * fact(n - 1)\ny = fact(5)\n"
	_, g, err := run(t, "t.star", src, interp.Config{})
	if err != nil {
		t.Fatal(interp.FormatError(err))
	}
	if g["x"].String() != "4" || g["y"].String() != "120" {
		t.Errorf("x = %s, y = %s; want 4 and 120", g["x"], g["y"])
	}
}

// The import errors are Python exceptions that catch() can classify.
func TestImportErrorIsPyerr(t *testing.T) {
	_, _, err := run(t, "t.star", "import nosuch\n", interp.Config{})
	pe, ok := pyerr.As(err)
	if !ok || pe.Type != "ModuleNotFoundError" || !pyerr.IsSubclass(pe.Type, "ImportError") {
		t.Fatalf("error %v (%T) is not a ModuleNotFoundError", err, errors.Unwrap(err))
	}
}
