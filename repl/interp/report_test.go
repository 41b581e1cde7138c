package interp_test

import (
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"testing"

	"github.com/netstar/netstar/repl/interp"
	"go.starlark.net/starlark"
)

func TestFormatError(t *testing.T) {
	tests := []struct {
		name, src string
		want      []string // substrings, in order
	}{
		{"syntax", "x = )\n", []string{"t.star:1:5: syntax error: unexpected ')'"}},
		{"syntax after import", "import interptest\nx = )\n", []string{"t.star:2:5: syntax error"}},
		{"python statement", "try:\n    pass\n", []string{"t.star:1:1: syntax error"}},
		{"resolve", "print(undefined_x)\n", []string{"t.star:1:7: undefined: undefined_x"}},
		{"several resolve errors", "a1\nb2\n", []string{"t.star:1:1: undefined: a1", "\n", "t.star:2:1: undefined: b2"}},
		{"eval", "def f():\n    return 1 // 0\nf()\n", []string{"Traceback (most recent call last):", "t.star:3:2: in <toplevel>", "t.star:2:14: in f", "Error: ZeroDivisionError: integer division or modulo by zero"}},
		{"python exception", "import nosuch\n", []string{"t.star:1:", "ModuleNotFoundError: no module named 'nosuch'"}},
	}
	for _, tt := range tests {
		_, _, err := run(t, "t.star", tt.src, interp.Config{})
		if err == nil {
			t.Errorf("%s: no error", tt.name)
			continue
		}
		msg := interp.FormatError(err)
		rest := msg
		for _, w := range tt.want {
			i := strings.Index(rest, w)
			if i < 0 {
				t.Errorf("%s: FormatError = %q, missing %q (in order)", tt.name, msg, w)
				break
			}
			rest = rest[i+len(w):]
		}
	}
	if got := interp.FormatError(errors.New("plain")); got != "plain" {
		t.Errorf("FormatError(plain) = %q", got)
	}
}

func TestIncomplete(t *testing.T) {
	tests := []struct {
		src  string
		want bool
	}{
		{"def f():\n", true},
		{"if x:\n", true},
		{"x = (1,\n", true},
		{"x = [1,\n", true},
		{"d = {'a':\n", true},
		{"s = '''abc\n", true},
		{"print(\n", true},
		{"x = 1\n", false},
		{"x = )\n", false},
		{"s = 'abc\n", false},
		{"undefined_name\n", false},
	}
	for _, tt := range tests {
		_, err := interp.Parse("<stdin>", []byte(tt.src))
		if got := interp.Incomplete(err); got != tt.want {
			t.Errorf("Incomplete(Parse(%q)) = %v (err %v), want %v", tt.src, got, err, tt.want)
		}
	}
	if interp.Incomplete(errors.New("got end of file")) {
		t.Error("a non-syntax error is Incomplete")
	}
}

func TestExitError(t *testing.T) {
	tests := []struct {
		err      error
		code     int
		ok       bool
		errorStr string
	}{
		{&interp.ExitError{Code: 3}, 3, true, "exit status 3"},
		{&interp.ExitError{Code: 1, Message: "bye"}, 1, true, "bye"},
		{fmt.Errorf("wrapped: %w", &interp.ExitError{Code: 4}), 4, true, "wrapped: exit status 4"},
		{errors.New("other"), 0, false, "other"},
		{nil, 0, false, ""},
	}
	for _, tt := range tests {
		code, ok := interp.ExitCode(tt.err)
		if code != tt.code || ok != tt.ok {
			t.Errorf("ExitCode(%v) = %d, %v; want %d, %v", tt.err, code, ok, tt.code, tt.ok)
		}
		if tt.err != nil && tt.err.Error() != tt.errorStr {
			t.Errorf("Error() = %q, want %q", tt.err.Error(), tt.errorStr)
		}
	}
	// Through the interpreter: a builtin's ExitError survives EvalError.
	exit := starlark.NewBuiltin("exit7", func(*starlark.Thread, *starlark.Builtin, starlark.Tuple, []starlark.Tuple) (starlark.Value, error) {
		return nil, &interp.ExitError{Code: 7}
	})
	out, _, err := run(t, "t.star", "print('before')\nexit7()\nprint('after')\n", interp.Config{Extra: starlark.StringDict{"exit7": exit}})
	if code, ok := interp.ExitCode(err); !ok || code != 7 {
		t.Errorf("ExitCode(%v) = %d, %v; want 7", err, code, ok)
	}
	if out != "before\n" {
		t.Errorf("stdout = %q", out)
	}
}

func TestFormatErrorCollapsesRecursion(t *testing.T) {
	s := interp.New(interp.Config{Stdout: io.Discard, Stderr: io.Discard})
	defer s.Close()
	th := s.NewThread("t")
	s.Lock()
	_, err := s.ExecFile(th, "rec.star", []byte("def rec(n):\n    return rec(n + 1)\nrec(0)\n"))
	s.Unlock()
	if err == nil {
		t.Fatal("no error from infinite recursion")
	}
	text := interp.FormatError(err)
	if n := strings.Count(text, "\n"); n > 20 {
		t.Errorf("backtrace has %d lines, want a collapsed one:\n%.2000s", n, text)
	}
	if !strings.Contains(text, "[Previous line repeated ") || !strings.HasSuffix(text, "RecursionError: maximum recursion depth exceeded") {
		t.Errorf("backtrace lacks the repeat note or Python's error:\n%s", text)
	}
}

// TestFormatErrorCapsMutualRecursion: a cycle of two functions repeats
// no single line, so collapsing cannot shorten it; the backtrace keeps
// its first and last 50 frames and counts the others.
func TestFormatErrorCapsMutualRecursion(t *testing.T) {
	s := interp.New(interp.Config{Stdout: io.Discard, Stderr: io.Discard})
	defer s.Close()
	th := s.NewThread("t")
	s.Lock()
	_, err := s.ExecFile(th, "mr.star", []byte("def a(n):\n    return b(n + 1)\ndef b(n):\n    return a(n + 1)\na(0)\n"))
	s.Unlock()
	if err == nil {
		t.Fatal("no error from infinite recursion")
	}
	text := interp.FormatError(err)
	if n := strings.Count(text, "\n"); n > 110 {
		t.Errorf("backtrace has %d lines, want about 100", n)
	}
	if !regexp.MustCompile(`\n  \[\d+ frames left out\]\n`).MatchString(text) || !strings.HasPrefix(text, "Traceback (most recent call last):\n  mr.star:5:2: in <toplevel>") {
		t.Errorf("capped backtrace:\n%.3000s", text)
	}
}
