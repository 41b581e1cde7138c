package pyfmt_test

import (
	"math/rand"
	"os/exec"
	"strings"
	"testing"

	"github.com/netstar/netstar/builtins/pyfmt"

	"go.starlark.net/starlark"
)

// reprCases are expressions valid both in Starlark and in Python 3, with
// Python's repr of their value.
var reprCases = []struct{ expr, want string }{
	{`"abc"`, `'abc'`},
	{`""`, `''`},
	{`"it's"`, `"it's"`},
	{`'say "hi"'`, `'say "hi"'`},
	{`"both ' and \""`, `'both \' and "'`},
	{`"back\\slash"`, `'back\\slash'`},
	{`"tab\tnl\ncr\r"`, `'tab\tnl\ncr\r'`},
	{`"\x00\x1f\x7f"`, `'\x00\x1f\x7f'`},
	{`"\u00e9\u00f1 ok"`, `'éñ ok'`},
	{`"\u00a0"`, `'\xa0'`},
	{`"\u0085"`, `'\x85'`},
	{`"\u200b"`, `'\u200b'`},
	{`"\u2028"`, `'\u2028'`},
	{`"\U0001f600"`, `'😀'`},
	{`"\U000e0001"`, `'\U000e0001'`},
	{`b"abc"`, `b'abc'`},
	{`b""`, `b''`},
	{`b"it's"`, `b"it's"`},
	{`b"'\""`, `b'\'"'`},
	{`b"\x00\xff\x7f\x80"`, `b'\x00\xff\x7f\x80'`},
	{`b"GET / HTTP/1.1\r\n\r\n"`, `b'GET / HTTP/1.1\r\n\r\n'`},
	{`b"\\"`, `b'\\'`},
	{`[]`, `[]`},
	{`[1, "a", b"b", None, True]`, `[1, 'a', b'b', None, True]`},
	{`()`, `()`},
	{`(1,)`, `(1,)`},
	{`("a", ("b",), [])`, `('a', ('b',), [])`},
	{`{}`, `{}`},
	{`{"k": "v", 1: [b"x"]}`, `{'k': 'v', 1: [b'x']}`},
	{`{"nested": {"a": ("x", 2)}}`, `{'nested': {'a': ('x', 2)}}`},
	{`1.5`, `1.5`},
	{`-7`, `-7`},
	{`12345678901234567890`, `12345678901234567890`},
	{`range(5)`, `range(0, 5)`},
	{`range(2, 5)`, `range(2, 5)`},
	{`range(0, 10, 2)`, `range(0, 10, 2)`},
	{`[range(3), range(-1)]`, `[range(0, 3), range(0, -1)]`},
	{`set([1, 2])`, `{1, 2}`},
	{`set()`, `set()`},
}

func TestRepr(t *testing.T) {
	for _, tt := range reprCases {
		v, err := starlark.Eval(&starlark.Thread{}, "repr", tt.expr, nil)
		if err != nil {
			t.Fatalf("%s: %v", tt.expr, err)
		}
		if got := pyfmt.Repr(v); got != tt.want {
			t.Errorf("Repr(%s) = %s, want %s", tt.expr, got, tt.want)
		}
	}
}

// TestReprAgainstPython checks the table itself, and random strings and
// bytes, against the python3 on this machine.
func TestReprAgainstPython(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("needs python3 to compare repr against")
	}
	rng := rand.New(rand.NewSource(1))
	alphabet := []rune("ab'\"\\\n\t\r\x00\x1b\x7fé€\u00a0\u200b\u0301😀 ")
	exprs := make([]string, 0, len(reprCases)+200)
	var values []starlark.Value
	for _, tt := range reprCases {
		exprs = append(exprs, tt.expr)
		v, err := starlark.Eval(&starlark.Thread{}, "repr", tt.expr, nil)
		if err != nil {
			t.Fatal(err)
		}
		values = append(values, v)
	}
	for i := 0; i < 100; i++ {
		var sb strings.Builder
		for n := rng.Intn(8); n > 0; n-- {
			sb.WriteRune(alphabet[rng.Intn(len(alphabet))])
		}
		s := starlark.String(sb.String())
		// Python literal: the string's code points as \U escapes.
		var lit strings.Builder
		lit.WriteByte('"')
		for _, r := range sb.String() {
			lit.WriteString(`\U` + pad(itoa16(int(r)), 8))
		}
		lit.WriteByte('"')
		exprs = append(exprs, lit.String())
		values = append(values, s)

		b := make([]byte, rng.Intn(8))
		rng.Read(b)
		var blit strings.Builder
		blit.WriteString(`b"`)
		for _, c := range b {
			blit.WriteString(`\x` + hex2(int(c)))
		}
		blit.WriteByte('"')
		exprs = append(exprs, blit.String())
		values = append(values, starlark.Bytes(b))
	}
	prog := "import sys\nfor line in sys.stdin.read().split('\\n'):\n    print(ascii(repr(eval(line))))\n"
	cmd := exec.Command(py, "-c", prog)
	cmd.Stdin = strings.NewReader(strings.Join(exprs, "\n"))
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("python3: %v", err)
	}
	lines := strings.Split(strings.TrimRight(string(out), "\n"), "\n")
	if len(lines) != len(exprs) {
		t.Fatalf("python3 printed %d lines for %d expressions", len(lines), len(exprs))
	}
	for i, v := range values {
		// Python printed ascii(repr(v)) so its output is ASCII whatever
		// the locale; do the same to ours.
		want := lines[i]
		got := pyASCII(pyfmt.Repr(v))
		if got != want {
			t.Errorf("Repr(%s) = %s, python3 says %s", exprs[i], got, want)
		}
	}
}

// pyASCII returns Python's ascii() of s: the string quoted, non-ASCII
// escaped. It is computed here so one python3 call suffices.
func pyASCII(s string) string {
	// ascii(str) quotes like repr: single quotes unless s has ' and no ".
	q := `'`
	if strings.Contains(s, "'") && !strings.Contains(s, `"`) {
		q = `"`
	}
	var sb strings.Builder
	sb.WriteString(q)
	for _, r := range s {
		switch {
		case string(r) == q || r == '\\':
			sb.WriteString(`\` + string(r))
		case r == '\n':
			sb.WriteString(`\n`)
		case r == '\r':
			sb.WriteString(`\r`)
		case r == '\t':
			sb.WriteString(`\t`)
		case r < 0x20 || r == 0x7f:
			sb.WriteString(`\x` + hex2(int(r)))
		case r < 0x80:
			sb.WriteRune(r)
		case r < 0x100:
			sb.WriteString(`\x` + hex2(int(r)))
		case r < 0x10000:
			sb.WriteString(`\u` + pad(itoa16(int(r)), 4))
		default:
			sb.WriteString(`\U` + pad(itoa16(int(r)), 8))
		}
	}
	sb.WriteString(q)
	return sb.String()
}

func itoa16(n int) string {
	const digits = "0123456789abcdef"
	if n == 0 {
		return "0"
	}
	var b []byte
	for ; n > 0; n /= 16 {
		b = append([]byte{digits[n%16]}, b...)
	}
	return string(b)
}

func pad(s string, n int) string {
	for len(s) < n {
		s = "0" + s
	}
	return s
}

func hex2(n int) string { return pad(itoa16(n), 2) }
