package builtins_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/netstar/netstar/builtins"
	"github.com/netstar/netstar/builtins/pyerr"
	"github.com/netstar/netstar/builtins/table"
	"github.com/netstar/netstar/modules"
	_ "github.com/netstar/netstar/modules/sys"
	"github.com/netstar/netstar/repl/interp"
	"go.starlark.net/starlark"
	"go.starlark.net/starlarkstruct"
	"go.starlark.net/starlarktest"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	// help() speaks the locale's language; these tests expect English,
	// the default, whatever the machine's locale.
	for _, name := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		os.Unsetenv(name)
	}
	goleak.VerifyTestMain(m)
}

// testModule is a module registered only in this test binary, with
// documentation for help().
const testModule = "builtinstest"

func init() {
	modules.Register(modules.Module{
		Name: testModule,
		Doc:  "a module for the builtins tests",
		Value: &starlarkstruct.Module{Name: testModule, Members: starlark.StringDict{
			"ping": starlark.NewBuiltin(testModule+".ping", func(*starlark.Thread, *starlark.Builtin, starlark.Tuple, []starlark.Tuple) (starlark.Value, error) {
				return starlark.String("pong"), nil
			}),
			"nodoc": starlark.NewBuiltin(testModule+".nodoc", func(*starlark.Thread, *starlark.Builtin, starlark.Tuple, []starlark.Tuple) (starlark.Value, error) {
				return starlark.None, nil
			}),
			"LIMIT":   starlark.MakeInt(10),
			"_hidden": starlark.None,
		}},
		Docs: map[string]string{
			testModule:           "A module for the builtins tests.\nIt has two functions.",
			testModule + ".ping": "ping()\nReturns \"pong\".",
		},
	})
}

// throw is a test builtin: throw(type, msg) or throw(type, errno,
// strerror, module="") fails with that Python exception; throw(None,
// msg) fails with a plain Go error.
var throw = starlark.NewBuiltin("throw", func(_ *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var typ starlark.Value
	var a, c starlark.Value
	var module string
	if err := starlark.UnpackArgs(b.Name(), args, kwargs, "type", &typ, "a", &a, "strerror?", &c, "module?", &module); err != nil {
		return nil, err
	}
	if typ == starlark.None {
		return nil, errors.New(string(a.(starlark.String)))
	}
	t := string(typ.(starlark.String))
	if c == nil {
		return nil, pyerr.New(t, string(a.(starlark.String)))
	}
	n, _ := starlark.AsInt32(a)
	e := pyerr.WithErrno(t, n, string(c.(starlark.String)))
	e.Module = module
	return nil, e
})

type session struct {
	*interp.Session
	stdout, stderr bytes.Buffer
	prompts        []string
}

// newSession returns a session whose programs see the assert module,
// throw(), and an input() that answers from lines then hits EOF.
func newSession(t *testing.T, lines ...string) *session {
	t.Helper()
	assert, err := starlarktest.LoadAssertModule()
	if err != nil {
		t.Fatal(err)
	}
	s := &session{}
	s.Session = interp.New(interp.Config{
		Stdout: &s.stdout,
		Stderr: &s.stderr,
		Argv:   []string{"t.star", "arg1"},
		Input: func(prompt string) (string, error) {
			s.prompts = append(s.prompts, prompt)
			if len(lines) == 0 {
				return "", io.EOF
			}
			line := lines[0]
			lines = lines[1:]
			return line, nil
		},
		Extra: starlark.StringDict{"assert": assert["assert"], "throw": throw},
	})
	t.Cleanup(func() { s.Close() })
	return s
}

func (s *session) exec(t *testing.T, name, src string) error {
	t.Helper()
	th := s.NewThread("test")
	starlarktest.SetReporter(th, t)
	s.Lock()
	defer s.Unlock()
	_, err := s.ExecFile(th, name, []byte(src))
	return err
}

// TestStarlarkFiles runs testdata/*.star, each in a fresh session.
func TestStarlarkFiles(t *testing.T) {
	files, err := filepath.Glob("testdata/*.star")
	if err != nil || len(files) == 0 {
		t.Fatalf("no testdata/*.star: %v", err)
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			src, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			s := newSession(t)
			if err := s.exec(t, file, string(src)); err != nil {
				t.Error(interp.FormatError(err))
			}
		})
	}
}

func TestPrint(t *testing.T) {
	tests := []struct {
		src            string
		stdout, stderr string
	}{
		{`print("a", 1, None)`, "a 1 None\n", ""},
		{`print()`, "\n", ""},
		{`print("a", "b", sep="-", end="!")`, "a-b!", ""},
		{`print("a", "b", sep=None, end=None)`, "a b\n", ""},
		{`print("x", sep="")`, "x\n", ""},
		{`print(["s", b"b"], ("t",), {"k": 1.5})`, "['s', b'b'] ('t',) {'k': 1.5}\n", ""},
		{`print(b"\xc3\xa9")`, "b'\\xc3\\xa9'\n", ""},
		{`print("err", file=sys.stderr)`, "", "err\n"},
		{`print("out", file=sys.stdout, flush=True)`, "out\n", ""},
		{`sys.stdout.write("w")`, "w", ""},
		{`sys.stderr.write("w")`, "", "w"},
		{`print(catch(throw, "ConnectionRefusedError", 111, "Connection refused")[1])`, "[Errno 111] Connection refused\n", ""},
		{`print([catch(throw, "OSError", 9, "Bad file descriptor")[1]])`, "[OSError(9, 'Bad file descriptor')]\n", ""},
		{`print(catch(throw, "timeout", "timed out")[1])`, "timed out\n", ""},
		{`print(sys.stdout)`, "<_io.TextIOWrapper name='<stdout>' mode='w' encoding='utf-8'>\n", ""},
	}
	for _, tt := range tests {
		s := newSession(t)
		if err := s.exec(t, "t.star", tt.src+"\n"); err != nil {
			t.Errorf("%s: %v", tt.src, interp.FormatError(err))
			continue
		}
		if s.stdout.String() != tt.stdout || s.stderr.String() != tt.stderr {
			t.Errorf("%s: stdout %q, stderr %q; want %q, %q", tt.src, s.stdout.String(), s.stderr.String(), tt.stdout, tt.stderr)
		}
	}
}

// Prints from many threads never interleave within a line.
func TestPrintConcurrent(t *testing.T) {
	s := newSession(t)
	th := s.NewThread("main")
	s.Lock()
	g, err := s.ExecFile(th, "t.star", []byte("def say(i):\n    for j in range(100):\n        print('thread', i, 'line', j, sep='-', end='|end\\n')\n"))
	s.Unlock()
	if err != nil {
		t.Fatal(err)
	}
	errs := make([]error, 8)
	for i := range errs {
		s.Go("printer", func(th *starlark.Thread) {
			_, errs[i] = starlark.Call(th, g["say"], starlark.Tuple{starlark.MakeInt(i)}, nil)
		})
	}
	s.Close() // waits for the threads
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	lines := strings.Split(strings.TrimSuffix(s.stdout.String(), "\n"), "\n")
	if len(lines) != 800 {
		t.Fatalf("%d lines, want 800", len(lines))
	}
	for _, l := range lines {
		if !strings.HasPrefix(l, "thread-") || !strings.HasSuffix(l, "|end") || strings.Count(l, "thread") != 1 {
			t.Fatalf("garbled line %q", l)
		}
	}
}

func TestExit(t *testing.T) {
	tests := []struct {
		src     string
		code    int
		message string
		wantErr string // a non-exit error
	}{
		{"exit()", 0, "", ""},
		{"exit(None)", 0, "", ""},
		{"exit(3)", 3, "", ""},
		{"quit(4)", 4, "", ""},
		{"sys.exit(5)", 5, "", ""},
		{"sys.exit()", 0, "", ""},
		{"exit(-1)", -1, "", ""},
		{"exit(True)", 1, "", ""},
		{"exit(False)", 0, "", ""},
		{"exit('bye')", 1, "bye", ""},
		{"sys.exit('fatal: no host')", 1, "fatal: no host", ""},
		{"exit([1])", 1, "[1]", ""},
		{"exit(1 << 40)", 0, "", "exit: exit code 1099511627776 out of range"},
		{"sys.exit(-(1 << 40))", 0, "", "sys.exit: exit code -1099511627776 out of range"},
		{"exit(1, 2)", 0, "", "exit: got 2 arguments, want at most 1"},
		{"sys.exit(code=1)", 0, "", "sys.exit: unexpected keyword argument"},
		// catch() never swallows an exit.
		{"catch(exit, 6)", 6, "", ""},
		{"catch(sys.exit, 'm')", 1, "m", ""},
		{"catch(lambda: catch(exit, 7))", 7, "", ""},
	}
	for _, tt := range tests {
		s := newSession(t)
		err := s.exec(t, "t.star", tt.src+"\nprint('after')\n")
		if strings.Contains(s.stdout.String(), "after") {
			t.Errorf("%s: the program went on after exiting", tt.src)
		}
		if tt.wantErr != "" {
			if _, isExit := interp.ExitCode(err); isExit || err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("%s: error %v, want %q", tt.src, err, tt.wantErr)
			}
			continue
		}
		code, ok := interp.ExitCode(err)
		var ee *interp.ExitError
		errors.As(err, &ee)
		if !ok || code != tt.code || ee.Message != tt.message {
			t.Errorf("%s: ExitCode = %d, %v (%v); want %d with message %q", tt.src, code, ok, err, tt.code, tt.message)
		}
	}
}

// catch() does not turn a cancellation into a value: Ctrl-C and the end
// of the program must stop the program.
func TestCatchDoesNotCatchCancellation(t *testing.T) {
	t.Run("thread cancelled", func(t *testing.T) {
		s := newSession(t)
		spinning := make(chan struct{})
		th := s.NewThread("main")
		s.Lock()
		g, err := s.ExecFile(th, "t.star", []byte("def spin(started):\n    started()\n    while True:\n        pass\ndef main(started):\n    r = catch(spin, started)\n    print('caught', r)\n"))
		s.Unlock()
		if err != nil {
			t.Fatal(err)
		}
		started := starlark.NewBuiltin("started", func(*starlark.Thread, *starlark.Builtin, starlark.Tuple, []starlark.Tuple) (starlark.Value, error) {
			close(spinning)
			return starlark.None, nil
		})
		var callErr error
		s.Go("worker", func(th2 *starlark.Thread) {
			th = th2
			_, callErr = starlark.Call(th2, g["main"], starlark.Tuple{started}, nil)
		})
		<-spinning
		th.Cancel("KeyboardInterrupt")
		s.Close()
		if callErr == nil || !strings.Contains(callErr.Error(), "cancelled") {
			t.Errorf("main() = %v, want the cancellation", callErr)
		}
		if strings.Contains(s.stdout.String(), "caught") {
			t.Errorf("catch() swallowed the cancellation: %q", s.stdout.String())
		}
	})
	t.Run("context cancelled", func(t *testing.T) {
		s := newSession(t)
		blocked := make(chan struct{})
		wait := starlark.NewBuiltin("wait", func(th *starlark.Thread, _ *starlark.Builtin, _ starlark.Tuple, _ []starlark.Tuple) (starlark.Value, error) {
			return interp.Blocking(th, func(ctx context.Context) (starlark.Value, error) {
				close(blocked)
				<-ctx.Done()
				return nil, fmt.Errorf("wait: %w", ctx.Err())
			})
		})
		var callErr error
		var out starlark.Value
		s.Go("worker", func(th *starlark.Thread) {
			out, callErr = starlark.Call(th, builtinValue(t, "catch"), starlark.Tuple{wait}, nil)
		})
		<-blocked
		s.Close()
		if !errors.Is(callErr, context.Canceled) {
			t.Errorf("catch(wait) = %v, %v; want context.Canceled to propagate", out, callErr)
		}
	})
}

func builtinValue(t *testing.T, name string) starlark.Value {
	for _, b := range modules.Builtins() {
		if b.Name == name {
			return b.Value
		}
	}
	t.Fatalf("builtin %s not registered", name)
	return nil
}

func TestTableOutput(t *testing.T) {
	tests := []struct {
		src    string
		header []string
		rows   [][]string
	}{
		{`table([[1, "a"], (2, None)], header=["n", "s"])`, []string{"n", "s"}, [][]string{{"1", "a"}, {"2", ""}}},
		{`table([("x", 1.5, True)])`, nil, [][]string{{"x", "1.5", "True"}}},
		{`table([{"host": "a", "port": 80}, {"port": 22, "host": "b"}, {"host": "c"}])`, []string{"host", "port"}, [][]string{{"a", "80"}, {"b", "22"}, {"c", ""}}},
		{`table([{"port": 80}], header=("port", "state"))`, []string{"port", "state"}, [][]string{{"80", ""}}},
		{`table([{1: "one", 2: "two"}])`, []string{"1", "2"}, [][]string{{"one", "two"}}},
		{`table([[1, [2, "x"]]])`, nil, [][]string{{"1", `[2, "x"]`}}},
		{`table([], header=["a"])`, []string{"a"}, nil},
	}
	for _, tt := range tests {
		s := newSession(t)
		if err := s.exec(t, "t.star", "print("+tt.src+")\n"); err != nil {
			t.Errorf("%s: %v", tt.src, interp.FormatError(err))
			continue
		}
		want := strings.TrimRight(table.Render(tt.header, tt.rows), "\n") + "\n"
		if got := s.stdout.String(); got != want {
			t.Errorf("%s printed\n%s\nwant\n%s", tt.src, got, want)
		}
	}
}

func TestInput(t *testing.T) {
	s := newSession(t, "first", "second")
	err := s.exec(t, "t.star", `
assert.eq(input("name? "), "first")
assert.eq(input(), "second")
r, e = catch(input, "more? ")
assert.eq(r, None)
assert.eq(e.type, "EOFError")
assert.eq(str(e), "EOF when reading a line")
assert.true(e.is_a("Exception"))
assert.fails(lambda: input(">", ">"), "input: got 2 arguments, want at most 1")
assert.fails(lambda: input(prompt=">"), "input: unexpected keyword argument")
input(42)
`)
	if err == nil || !strings.Contains(err.Error(), "EOFError: EOF when reading a line") {
		t.Errorf("uncaught EOF: %v", err)
	}
	want := []string{"name? ", "", "more? ", "42"}
	if strings.Join(s.prompts, "|") != strings.Join(want, "|") {
		t.Errorf("prompts = %q, want %q", s.prompts, want)
	}
}

func TestHelp(t *testing.T) {
	tests := []struct {
		src  string
		want []string // substrings of the output
		not  []string
	}{
		{"help(" + testModule + ")", []string{
			"Help on module builtinstest:",
			"NAME\n    builtinstest - a module for the builtins tests",
			"DESCRIPTION\n    A module for the builtins tests.\n    It has two functions.",
			"FUNCTIONS\n    nodoc(...)\n\n    ping()\n        Returns \"pong\".",
			"DATA\n    LIMIT = 10",
		}, []string{"_hidden"}},
		{"help('" + testModule + "')", []string{"Help on module builtinstest:"}, nil},
		{"help(" + testModule + ".ping)", []string{"ping()\nReturns \"pong\"."}, nil},
		{"help(" + testModule + ".nodoc)", []string{"builtinstest.nodoc(...): built-in function (no documentation)"}, nil},
		{"help(catch)", []string{"catch(fn, *args, **kwargs)\nCalls fn(*args, **kwargs)"}, nil},
		{"help(print)", []string{"print(*values, sep=\" \", end=\"\\n\", file=sys.stdout, flush=False)"}, nil},
		{"help(sys)", []string{"Help on module sys:", "exit(code=0)"}, nil},
		{"help(sys.exit)", []string{"exit(code=0)\nEnds the program"}, nil},
		{"def f(a, b=1, *rest, c, d='x', **kw):\n    '''Does f.\n\n    More text.'''\n    pass\nhelp(f)", []string{"f(a, b=1, *rest, c, d='x', **kw)\n    Does f.\n\n    More text."}, nil},
		{"def g(a, *, k=None):\n    pass\nhelp(g)", []string{"g(a, *, k=None)\n    (no docstring)"}, nil},
		{"help(sys.stdout)", []string{"file value\nattributes and methods: flush, write"}, nil},
		{"help()", []string{"netstar:", "MODULE", "builtinstest", "a module for the builtins tests", "sys", "Built-in functions: ", "catch", "table"}, nil},
		{"help('nosuch')", []string{`No documentation found for "nosuch".`}, nil},
		{"help('catch')", []string{"catch(fn, *args, **kwargs)"}, nil},
		{"print(modules())", []string{"MODULE", "DESCRIPTION", "builtinstest", "a module for the builtins tests", "sys"}, nil},
	}
	for _, tt := range tests {
		s := newSession(t)
		if err := s.exec(t, "t.star", tt.src+"\n"); err != nil {
			t.Errorf("%s: %v", tt.src, interp.FormatError(err))
			continue
		}
		out := s.stdout.String()
		for _, w := range tt.want {
			if !strings.Contains(out, w) {
				t.Errorf("%s printed\n%s\nmissing %q", tt.src, out, w)
			}
		}
		for _, w := range tt.not {
			if strings.Contains(out, w) {
				t.Errorf("%s printed %q, which should not be there", tt.src, w)
			}
		}
	}
	if builtins.Help(starlark.None) == "" {
		t.Error("Help(None) is empty")
	}
	if got := builtins.Help(documented{}); got != "documented value: its own help" {
		t.Errorf("Help(Documented) = %q", got)
	}
}

// documented is a value with its own help text, like a socket object.
type documented struct{}

var _ builtins.Documented = documented{}

func (documented) String() string        { return "documented" }
func (documented) Type() string          { return "documented" }
func (documented) Freeze()               {}
func (documented) Truth() starlark.Bool  { return true }
func (documented) Hash() (uint32, error) { return 0, nil }
func (documented) Doc() string           { return "documented value: its own help" }
