package httpserve

import (
	"bytes"
	"testing"
	"unicode/utf8"
)

func TestAppendEscaped(t *testing.T) {
	cases := []struct{ in, want string }{
		{"GET / HTTP/1.1", "GET / HTTP/1.1"},
		{"a\x1b[31mred", `a\x1b[31mred`},
		{"line\r\nbreak", `line\x0d\x0abreak`},
		{"del\x7f", `del\x7f`},
		{"tab\t", `tab\x09`},
		{"caf\u00e9", "caf\u00e9"},
		{"c1\u0085", `c1\x85`},
		{"bad\xff", `bad\xff`},
	}
	for _, c := range cases {
		if got := string(appendEscaped(nil, c.in)); got != c.want {
			t.Errorf("appendEscaped(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// FuzzAppendEscaped: whatever a client sends, a log line has no control
// characters (no forged lines, no terminal escapes) and is UTF-8.
func FuzzAppendEscaped(f *testing.F) {
	for _, s := range []string{"GET / HTTP/1.1", "\x1b]0;title\x07", "a\r\nb", "\xc3\x28", "\u0085\u009b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := appendEscaped(nil, s)
		if !utf8.Valid(out) {
			t.Fatalf("%q: not UTF-8: %q", s, out)
		}
		for _, r := range string(out) {
			if r < 0x20 || (r >= 0x7f && r < 0xa0) {
				t.Fatalf("%q: control character %U in %q", s, r, out)
			}
		}
		if !bytes.Contains(out, nil) {
			t.Fatal("unreachable")
		}
	})
}
