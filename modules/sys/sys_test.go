package sys_test

import (
	"context"
	"errors"
	"io"
	"os/exec"
	"runtime"
	"strings"
	"testing"

	_ "github.com/netstar/netstar/builtins" // next()
	"github.com/netstar/netstar/modules"
	_ "github.com/netstar/netstar/modules/sys"
	"github.com/netstar/netstar/repl/interp"
	"github.com/netstar/netstar/repl/interp/interptest"
	"go.starlark.net/starlark"
	"go.starlark.net/starlarkstruct"
)

func TestSys(t *testing.T) {
	res := interptest.Run(t, "prog.star", `
assert.eq(dir(sys), ["argv", "exit", "path", "platform", "stderr", "stdin", "stdout", "version"])
assert.eq(sys.argv, ["prog.star", "-v", "host"])
assert.eq(sys.path, ["/lib/a", "/lib/b"])
assert.eq(sys.platform, PLATFORM)
assert.true(sys.version.startswith("netstar " + VERSION + " (go"))
assert.eq(type(sys.stdout), "file")
assert.fails(lambda: sys.exit(1, 2), "sys.exit: got 2 arguments, want at most 1")
assert.fails(lambda: sys.exit(1 << 40), "sys.exit: exit code 1099511627776 out of range")
sys.argv.append("mine")   # a program may edit its own argv
print(sys.argv[-1])
import sys as s2
assert.eq(s2.argv[-1], "mine")
sys.stderr.write("to stderr\n")
sys.exit(3)
`, interp.Config{
		Argv: []string{"prog.star", "-v", "host"},
		Path: []string{"/lib/a", "/lib/b"},
		Extra: starlark.StringDict{
			"PLATFORM": starlark.String(runtime.GOOS),
			"VERSION":  starlark.String(interp.Version),
		},
	})
	if code, ok := interp.ExitCode(res.Err); !ok || code != 3 {
		t.Errorf("sys.exit(3): %v", res.Err)
	}
	if res.Stdout != "mine\n" || res.Stderr != "to stderr\n" {
		t.Errorf("stdout %q, stderr %q", res.Stdout, res.Stderr)
	}
}

// Each program has its own sys: argv does not leak between sessions, and
// the registered value is not modified.
func TestSysPerSession(t *testing.T) {
	a := interptest.Run(t, "a.star", "sys.argv.append('x')\nn = len(sys.argv)\n", interp.Config{Argv: []string{"a.star"}})
	b := interptest.Run(t, "b.star", "n = len(sys.argv)\n", interp.Config{Argv: []string{"b.star", "1", "2"}})
	if a.Err != nil || b.Err != nil {
		t.Fatal(a.Err, b.Err)
	}
	if a.Globals["n"] != starlark.MakeInt(2) || b.Globals["n"] != starlark.MakeInt(3) {
		t.Errorf("len(sys.argv) = %v and %v, want 2 and 3", a.Globals["n"], b.Globals["n"])
	}
	m, ok := modules.Lookup("sys")
	if !ok {
		t.Fatal("sys not registered")
	}
	argv, _ := m.Value.(starlark.HasAttrs).Attr("argv")
	if argv.(*starlark.List).Len() != 0 {
		t.Errorf("the registered sys.argv = %v, want []", argv)
	}
	if _, ok := m.Value.(modules.PerSession); !ok {
		t.Error("sys is not PerSession")
	}
	if _, ok := m.Value.(interface{ Unwrap() *starlarkstruct.Module }); ok {
		t.Log("sys unwraps to a struct module")
	}
	if got := modules.Doc("sys.exit"); !strings.HasPrefix(got, "exit(code=0)") {
		t.Errorf("Doc(sys.exit) = %q", got)
	}
}

// stdinProgram reads sys.stdin every way Python offers; it runs in
// python3 and in netstar alike.
const stdinProgram = `import sys
print(repr(sys.stdin.readline()))
print(repr(next(sys.stdin)))
for line in sys.stdin:
    print(repr(line.strip()))
    if line.startswith("stop"):
        break
print(repr(sys.stdin.readlines()))
print(repr(sys.stdin.readline()))
print(repr(sys.stdin.read()))
print(next(sys.stdin, "end"))
`

// lineInput returns an input() that answers lines, then err.
func lineInput(err error, lines ...string) func(string) (string, error) {
	return func(string) (string, error) {
		if len(lines) == 0 {
			return "", err
		}
		l := lines[0]
		lines = lines[1:]
		return l, nil
	}
}

// TestStdin compares sys.stdin's readline, next, for loop, readlines and
// read with python3 reading the same lines.
func TestStdin(t *testing.T) {
	lines := []string{"a", "b", "c", "stop here", "d", "e"}
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("needs python3 to compare sys.stdin against")
	}
	cmd := exec.Command(py, "-c", stdinProgram)
	cmd.Stdin = strings.NewReader(strings.Join(lines, "\n") + "\n")
	want, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("python3: %v\n%s", err, want)
	}
	res := interptest.Run(t, "stdin.py", stdinProgram, interp.Config{Input: lineInput(io.EOF, lines...)})
	if res.Err != nil {
		t.Fatal(interp.FormatError(res.Err))
	}
	if res.Stdout != string(want) {
		t.Errorf("netstar:\n%s\npython3:\n%s", res.Stdout, want)
	}
}

// TestStdinInterrupted: an input error (Ctrl-C in the REPL answers
// context.Canceled) fails readline and next, and ends a for loop with
// the error raised by the next read rather than lost.
func TestStdinInterrupted(t *testing.T) {
	for _, src := range []string{
		"sys.stdin.readline()",
		"next(sys.stdin)",
		"sys.stdin.readlines()",
		"for l in sys.stdin:\n    pass\nsys.stdin.readline()",
	} {
		res := interptest.Run(t, "int.star", src, interp.Config{Input: lineInput(context.Canceled)})
		if !errors.Is(res.Err, context.Canceled) && (res.Err == nil || !strings.Contains(res.Err.Error(), "context canceled")) {
			t.Errorf("%q: err = %v, want context.Canceled", src, res.Err)
		}
	}
}
