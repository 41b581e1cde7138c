package pybytes_test

import (
	"encoding/json"
	"os/exec"
	"strings"
	"testing"

	"go.starlark.net/starlark"

	"github.com/netstar/netstar/builtins/pybytes"
	"github.com/netstar/netstar/builtins/pyerr"
	"github.com/netstar/netstar/builtins/pyfmt"
)

// methodCases are receiver, method and arguments: python3 evaluates
// RECV.METHOD(ARGS), netstar pybytes.Call on the same values.
var methodCases = []struct{ recv, method, args string }{
	{`b"a,b,,c"`, "split", `b","`}, {`b"  a b\tc\n"`, "split", ``}, {`b"a b c"`, "split", `None, 1`},
	{`b"a,b,c"`, "split", `b",", maxsplit=1`}, {`b"a,b,c"`, "rsplit", `b",", 1`}, {`b"  a b  c "`, "rsplit", `None, 1`},
	{`b"abc"`, "split", `b""`}, {`b"abc"`, "split", `","`}, {`b""`, "split", ``}, {`b""`, "split", `b","`},
	{`b"GET / HTTP/1.1"`, "startswith", `b"GET"`}, {`b"abc"`, "startswith", `(b"x", b"a")`}, {`b"abc"`, "startswith", `"a"`},
	{`b"abc"`, "startswith", `b"b", 1`}, {`b"abc"`, "endswith", `b"bc"`}, {`b"abc"`, "endswith", `b"b", 0, 2`},
	{`b"abcabc"`, "find", `b"c"`}, {`b"abcabc"`, "find", `b"c", 3`}, {`b"abcabc"`, "find", `b"z"`}, {`b"abc"`, "find", `98`},
	{`b"abcabc"`, "rfind", `b"a"`}, {`b"abc"`, "index", `b"z"`}, {`b"abc"`, "rindex", `b"c"`}, {`b"abc"`, "find", `"a"`},
	{`b"abc"`, "find", `b"", 5`}, {`b"abc"`, "find", `300`}, {`b"abc"`, "find", `b"c", -1`},
	{`b"\x00\xffAB"`, "hex", ``}, {`b"\x01\x02\x03"`, "hex", `":"`}, {`b"\x01\x02\x03"`, "hex", `"-", 2`}, {`b"\x01\x02\x03"`, "hex", `b" ", -2`},
	{`b"ab"`, "hex", `"::"`}, {`b""`, "hex", `":"`},
	{`b"Hola Mundo"`, "upper", ``}, {`b"Hola \xc3\x89"`, "lower", ``}, {`b"  hi \r\n"`, "strip", ``}, {`b"xxhixx"`, "strip", `b"x"`},
	{`b"  hi  "`, "lstrip", ``}, {`b"  hi  "`, "rstrip", ``}, {`b"hi"`, "strip", `"h"`}, {`b"hi"`, "strip", `None`},
	{`b"a-b-c"`, "replace", `b"-", b"+"`}, {`b"a-b-c"`, "replace", `b"-", b"", 1`}, {`b"ab"`, "replace", `b"", b"."`},
	{`b"ab"`, "replace", `"a", b"b"`},
	{`b","`, "join", `[b"a", b"b"]`}, {`b""`, "join", `[]`}, {`b","`, "join", `[b"a", "b"]`}, {`b"-"`, "join", `(b"x",)`},
	{`b"banana"`, "count", `b"a"`}, {`b"banana"`, "count", `b"an", 2`}, {`b"banana"`, "count", `b""`}, {`b"banana"`, "count", `97`},
	{`b"hola"`, "decode", ``}, {`b"\xc3\xa9"`, "decode", `"utf-8"`}, {`b"\xff"`, "decode", ``}, {`b"\xff"`, "decode", `"latin-1"`},
	{`b"\xff"`, "decode", `errors="replace"`},
	{`b"123"`, "isdigit", ``}, {`b""`, "isdigit", ``}, {`b"ab1"`, "isalnum", ``}, {`b"ab"`, "isalpha", ``}, {`b" \t"`, "isspace", ``},
	{`b"ab1"`, "islower", ``}, {`b"AB1"`, "isupper", ``}, {`b"1"`, "islower", ``},
	{`b"k=v=w"`, "partition", `b"="`}, {`b"kv"`, "partition", `b"="`}, {`b"a\nb\r\nc\rd"`, "splitlines", ``},
	{`b"a\nb\n"`, "splitlines", `True`}, {`b""`, "splitlines", ``},
}

// indexCases are x[i] and list(x) as Python evaluates them.
var indexCases = []struct{ x, i string }{
	{`b"abc"`, `0`}, {`b"abc"`, `-1`}, {`b"abc"`, `3`}, {`b"abc"`, `"a"`}, {`b"\xff"`, `0`}, {`[1, 2]`, `1`}, {`[1]`, `5`},
	{`"abc"`, `1`}, {`"abc"`, `9`}, {`{"k": 1}`, `"k"`}, {`{"k": 1}`, `"z"`}, {`(1, 2)`, `True`}, {`5`, `0`}, {`b"ab"`, `1.0`},
}

const pyDriver = `
for expr in EXPRS:
    try:
        out = ["ok", repr(eval(expr))]
    except Exception as e:
        out = ["err", type(e).__name__, str(e)]
    print(json.dumps(out, ensure_ascii=False))
`

var env = starlark.StringDict{
	"m": starlark.NewBuiltin("m", func(_ *starlark.Thread, _ *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
		v, ok, err := pybytes.Call("bytes", []byte(args[0].(starlark.Bytes)), string(args[1].(starlark.String)), args[2:], kwargs, pybytes.Wrap)
		if !ok {
			return nil, pyerr.New("AttributeError", "no method")
		}
		return v, err
	}),
	"ix": starlark.NewBuiltin("ix", func(_ *starlark.Thread, _ *starlark.Builtin, args starlark.Tuple, _ []starlark.Tuple) (starlark.Value, error) {
		return pybytes.Index(args[0], args[1])
	}),
	"it": starlark.NewBuiltin("it", func(_ *starlark.Thread, _ *starlark.Builtin, args starlark.Tuple, _ []starlark.Tuple) (starlark.Value, error) {
		return starlark.NewList(nil), nil
	}),
}

// TestAgainstPython compares Call and Index with python3.
func TestAgainstPython(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("needs python3 to compare bytes methods against")
	}
	var pyExprs, starExprs []string
	for _, c := range methodCases {
		pyExprs = append(pyExprs, c.recv+"."+c.method+"("+c.args+")")
		args := ""
		if c.args != "" {
			args = ", " + c.args
		}
		starExprs = append(starExprs, "m("+c.recv+", "+`"`+c.method+`"`+args+")")
	}
	for _, c := range indexCases {
		pyExprs = append(pyExprs, c.x+"["+c.i+"]")
		starExprs = append(starExprs, "ix("+c.x+", "+c.i+")")
	}
	for _, x := range []string{`b"AB"`, `b""`, `"añ"`} {
		pyExprs = append(pyExprs, "tuple("+x+")")
		starExprs = append(starExprs, "ITER "+x)
	}
	quoted := make([]string, len(pyExprs))
	for i, e := range pyExprs {
		q, _ := json.Marshal(e)
		quoted[i] = string(q)
	}
	// Output, not CombinedOutput: python3 warns on stderr about x[str] literals.
	want, err := exec.Command(py, "-c", "import json\nEXPRS = ["+strings.Join(quoted, ",\n")+"]\n"+pyDriver).Output()
	if err != nil {
		t.Fatalf("python3: %v\n%s", err, want)
	}
	wl := strings.Split(strings.TrimSpace(string(want)), "\n")
	if len(wl) != len(pyExprs) {
		t.Fatalf("%d python lines for %d cases:\n%s", len(wl), len(pyExprs), want)
	}
	for i, e := range starExprs {
		var v starlark.Value
		var err error
		if x, ok := strings.CutPrefix(e, "ITER "); ok {
			v, err = starlark.Eval(&starlark.Thread{}, "t", x, env)
			if err == nil {
				v = pybytes.Iterable(v)
			}
		} else {
			v, err = starlark.Eval(&starlark.Thread{}, "t", e, env)
		}
		var out []string
		if err != nil {
			pe, ok := pyerr.As(err)
			if !ok {
				out = []string{"err", "Error", err.Error()}
			} else {
				out = []string{"err", pe.Type, pe.Str()}
			}
		} else {
			out = []string{"ok", pyfmt.Repr(v)}
		}
		got, _ := json.Marshal(out)
		if string(got) != strings.ReplaceAll(wl[i], `", "`, `","`) {
			t.Errorf("%s\n python3: %s\n netstar: %s", pyExprs[i], wl[i], got)
		}
	}
}
