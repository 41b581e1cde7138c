package optparse_test

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	_ "github.com/netstar/netstar/builtins"
	_ "github.com/netstar/netstar/modules/optparse"
	_ "github.com/netstar/netstar/modules/sys"
	"github.com/netstar/netstar/repl/interp"
	"go.starlark.net/starlark"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	// Help is wrapped to $COLUMNS as in Python; pin it.
	os.Setenv("COLUMNS", "80")
	goleak.VerifyTestMain(m)
}

type result struct {
	stdout, stderr string
	code           int
	err            error // a failure other than exit()
}

// run runs src as the program argv[0] with arguments argv[1:].
func run(t testing.TB, src string, argv ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	s := interp.New(interp.Config{Stdout: &out, Stderr: &errb, Argv: argv})
	defer s.Close()
	th := s.NewThread("main")
	s.Lock()
	_, err := s.ExecFile(th, argv[0], []byte(src))
	s.Unlock()
	r := result{stdout: out.String(), stderr: errb.String()}
	if code, ok := interp.ExitCode(err); ok {
		r.code = code
	} else if err != nil {
		var ee *starlark.EvalError
		if errors.As(err, &ee) {
			err = errors.New(ee.Backtrace())
		}
		r.err = err
	}
	return r
}

// The course's domain scanner (section 4), minus the scan.
const courseParser = `import optparse
parser = optparse.OptionParser('socket_portScan '+ '-H <Host> -P <Port>')
parser.add_option('-H', dest='host', type='string', help='specify host')
parser.add_option('-P', dest='port', type='string', help='specify port[s] separated by comma')
(options, args) = parser.parse_args()
host = options.host
ports = str(options.port).split(',')
print(host, ports, args)
print(parser.usage)
print(options)
if (host == None) or (ports[0] == None):
    print(parser.usage)
    exit(0)
`

// richParser exercises every action and type, defaults, help wrapping
// and long options.
const richParser = `import optparse
parser = optparse.OptionParser(usage='%prog [options] target...', version='%prog 1.2',
    description='Scans the ports of the targets given on the command line, with as many threads as asked for, and reports which ones answer.',
    epilog='Only scan machines you are allowed to scan.')
parser.add_option('-p', '--port', dest='port', type='int', default=80, help='port to scan [default: %default]')
parser.add_option('-t', '--timeout', type='float', metavar='SECS', help='connect timeout in seconds, a float; the default waits for as long as the operating system lets a connection attempt last, which can be minutes')
parser.add_option('-v', '--verbose', action='count', help='more output (repeat for even more)')
parser.add_option('-q', '--quiet', action='store_false', dest='loud', default=True, help='less output')
parser.add_option('-r', '--resolve', action='store_true', help='resolve names')
parser.add_option('-a', '--also', action='append', help='extra host')
parser.add_option('-m', '--mode', choices=['fast', 'slow'], default='fast', help='scan mode: fast or slow')
parser.add_option('--pair', nargs=2, help='two values')
parser.add_option('--tcp-only', action='store_const', const='tcp', dest='proto', help='well-known-ports-only scan of the top-of-the-list services')
parser.add_option('--secret', help=optparse.SUPPRESS_HELP)
parser.add_option('-x', '--a-very-long-option-name', dest='long_name')
(options, args) = parser.parse_args()
print(options)
print(args)
print(options.timeout != None and options.timeout > 1e300)
`

// richNoPrint does not print the options: pyfmt.Repr shows an infinite
// float as +inf where Python shows inf.
var richNoPrint = strings.Replace(richParser, "print(options)\n", "print(options.port, options.timeout > 0)\n", 1)

var parityCases = []struct {
	name, src string
	args      []string
}{
	{"course none", courseParser, nil},
	{"course host ports", courseParser, []string{"-H", "127.0.0.1", "-P", "80,21,22,23"}},
	{"course attached", courseParser, []string{"-H127.0.0.1", "-P80"}},
	{"course positional", courseParser, []string{"a", "-H", "h", "b"}},
	{"course double dash", courseParser, []string{"--", "-H", "x"}},
	{"course dash", courseParser, []string{"-", "-H", "x"}},
	{"course missing value", courseParser, []string{"-H"}},
	{"course missing value 2", courseParser, []string{"-H", "x", "-P"}},
	{"course unknown short", courseParser, []string{"-x"}},
	{"course unknown long", courseParser, []string{"--host", "x"}},
	{"course help", courseParser, []string{"-h"}},
	{"course help long", courseParser, []string{"--help"}},
	{"course help abbrev", courseParser, []string{"--he"}},
	{"course cluster", courseParser, []string{"-hH", "x"}},
	{"rich defaults", richParser, nil},
	{"rich help", richParser, []string{"--help"}},
	{"rich version", richParser, []string{"--version"}},
	{"rich ambiguous", richParser, []string{"--ver"}},
	{"rich all", richParser, []string{"-p", "443", "--timeout=2.5", "-vvv", "-q", "-r", "-a", "x", "--also=y", "-mslow", "--pair", "a", "b", "--tcp", "--secret", "s", "t1", "t2"}},
	{"rich bad int", richParser, []string{"-p", "abc"}},
	{"rich hex", richParser, []string{"-p", "0x1F"}},
	{"rich octal", richParser, []string{"-p", "010"}},
	{"rich bad octal", richParser, []string{"-p", "08"}},
	{"rich binary", richParser, []string{"-p", "0b101"}},
	{"rich spaces", richParser, []string{"-p", " -12 "}},
	{"rich underscores", richParser, []string{"--port=1_000"}},
	{"rich bad underscores", richParser, []string{"--port=1__000"}},
	{"rich big", richParser, []string{"-p", "123456789012345678901234567890"}},
	{"rich bad float", richParser, []string{"-t", "1.2.3"}},
	{"rich huge float", richNoPrint, []string{"-t", "1e400"}},
	{"rich hex float", richParser, []string{"-t", "0x1p3"}},
	{"rich inf", richNoPrint, []string{"-t", "-inf"}},
	{"rich bad choice", richParser, []string{"--mode", "medium"}},
	{"rich flag with value", richParser, []string{"--verbose=2"}},
	{"rich nargs missing", richParser, []string{"--pair", "a"}},
	{"rich bad quote", richParser, []string{"-p", "it's"}},
	{"rich unicode", richParser, []string{"-p", "ñ\t"}},
	{"error method", "import optparse\np = optparse.OptionParser(prog='tool')\np.error('bad things: %s' % 'x')\n", nil},
	{"exit method", "import optparse\np = optparse.OptionParser()\np.exit(3, 'bye\\n')\n", nil},
	{"default usage", "import optparse\np = optparse.OptionParser()\nprint(p.usage)\np.print_usage()\nprint(p.get_usage())\nprint(p.format_help())\n", nil},
	{"suppressed usage", "import optparse\np = optparse.OptionParser(usage=optparse.SUPPRESS_USAGE, add_help_option=False)\nprint(p.usage)\np.print_usage()\nprint(len(p.format_help()))\np.parse_args(['-z'])\n", nil},
	{"usage prefix", "import optparse\np = optparse.OptionParser(usage='usage: %prog FILE')\nprint(p.usage)\np.print_help()\n", nil},
	{"no interspersed", "import optparse\np = optparse.OptionParser()\np.add_option('-a', action='store_true')\np.disable_interspersed_args()\nprint(p.parse_args(['x', '-a'])[1])\nprint(p.parse_args(['-a', 'x', '-a'])[1])\n", nil},
	{"defaults", "import optparse\np = optparse.OptionParser()\np.add_option('-n', type='int', default='0x10')\np.add_option('-l', action='append', default=['a'])\np.set_defaults(extra=1)\nprint(p.defaults)\n(o, a) = p.parse_args(['-l', 'b'])\nprint(o)\n", nil},
	{"dest from long", "import optparse\np = optparse.OptionParser()\np.add_option('-d', '--dry-run', action='store_true')\np.add_option('-f')\nprint(p.parse_args(['--dry', '-fx'])[0])\n", nil},
	{"narrow help", "import optparse\np = optparse.OptionParser(description='one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen')\np.add_option('-s', '--super-long-option-name-that-pushes', metavar='VALUE', help='x')\np.add_option('-o', help='Supercalifragilisticexpialidocious-and-then-some-more-hyphenated-words-that-go-on-and-on-for-ever-and-ever-without-spaces')\np.add_option('-e')\np.print_help()\n", nil},
}

// TestParity runs each case with python3's optparse and with netstar's and
// compares stdout, stderr and the exit status.
func TestParity(t *testing.T) {
	if testing.Short() {
		t.Skip("starts python3 once per case: skipped in -short mode")
	}
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("needs python3")
	}
	for _, tc := range parityCases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			script := filepath.Join(dir, "scan.py")
			if err := os.WriteFile(script, []byte(tc.src), 0o644); err != nil {
				t.Fatal(err)
			}
			cmd := exec.Command(py, append([]string{"scan.py"}, tc.args...)...)
			cmd.Dir = dir
			cmd.Env = append(os.Environ(), "COLUMNS=80", "PYTHONIOENCODING=utf-8")
			var pout, perr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &pout, &perr
			pcode := 0
			if err := cmd.Run(); err != nil {
				var ee *exec.ExitError
				if !errors.As(err, &ee) {
					t.Fatal(err)
				}
				pcode = ee.ExitCode()
			}
			r := run(t, tc.src, append([]string{"scan.py"}, tc.args...)...)
			if r.err != nil {
				t.Fatalf("netstar failed: %v\npython stdout:\n%s\npython stderr:\n%s", r.err, pout.String(), perr.String())
			}
			if r.stdout != pout.String() {
				t.Errorf("stdout differs\nnetstar:\n%s\npython:\n%s", r.stdout, pout.String())
			}
			if r.stderr != perr.String() {
				t.Errorf("stderr differs\nnetstar:\n%s\npython:\n%s", r.stderr, perr.String())
			}
			if r.code != pcode {
				t.Errorf("exit status %d, python %d", r.code, pcode)
			}
		})
	}
}

func TestCourseScript(t *testing.T) {
	// No python3 needed: the outputs the course's scanner relies on.
	r := run(t, courseParser, "socket_portScan.py", "-H", "localhost", "-P", "80,22")
	if r.err != nil || r.code != 0 {
		t.Fatalf("err = %v, code = %d", r.err, r.code)
	}
	want := "localhost ['80', '22'] []\nsocket_portScan -H <Host> -P <Port>\n{'host': 'localhost', 'port': '80,22'}\n"
	if r.stdout != want {
		t.Errorf("stdout = %q, want %q", r.stdout, want)
	}
	r = run(t, courseParser, "socket_portScan.py", "-P", "x", "-Z")
	if r.code != 2 || r.stdout != "" {
		t.Errorf("code = %d, stdout = %q", r.code, r.stdout)
	}
	if want := "Usage: socket_portScan -H <Host> -P <Port>\n\nsocket_portScan.py: error: no such option: -Z\n"; r.stderr != want {
		t.Errorf("stderr = %q, want %q", r.stderr, want)
	}
}

func TestBitwiseOrOnBools(t *testing.T) {
	// The course writes (host == None) | (ports[0] == None). go.starlark.net
	// has no | for bools: record what happens so a dialect change shows.
	r := run(t, "x = (None == None) | (1 == 2)\nprint(x)\n", "t.star")
	if r.err == nil {
		if r.stdout != "True\n" {
			t.Errorf("stdout = %q, want True", r.stdout)
		}
		return
	}
	if !strings.Contains(r.err.Error(), "unknown binary op: bool | bool") {
		t.Errorf("err = %v", r.err)
	}
}

func TestErrors(t *testing.T) {
	tests := []struct{ code, want string }{
		{"p.add_option()", "TypeError: at least one option string must be supplied"},
		{"p.add_option('H')", "optparse.OptionError: invalid option string 'H': must be at least two characters long"},
		{"p.add_option('-HH')", "invalid long option string '-HH': must start with --, followed by non-dash"},
		{"p.add_option('--')", "invalid short option string '--': must be of the form -x, (x any non-dash char)"},
		{"p.add_option('---x')", "invalid long option string '---x'"},
		{"p.add_option('-H', action='stor')", "optparse.OptionError: option -H: invalid action: 'stor'"},
		{"p.add_option('-H', type='integer')", "option -H: invalid option type: 'integer'"},
		{"p.add_option('-H', type=int)", ""},
		{"p.add_option('-H', type=str)", ""},
		{"p.add_option('-H', type=5)", "option -H: invalid option type: 5"},
		{"p.add_option('-H', type='complex')", "option type 'complex' is not supported by netstar"},
		{"p.add_option('-H', action='store_true', type='int')", "must not supply a type for action 'store_true'"},
		{"p.add_option('-H', type='choice')", "must supply a list of choices for type 'choice'"},
		{"p.add_option('-H', choices='ab')", "choices must be a list of strings ('string' supplied)"},
		{"p.add_option('-H', choices=[1])", "choices must be a list of strings (int found)"},
		{"p.add_option('-H', type='int', choices=['a'])", "must not supply choices for type 'int'"},
		{"p.add_option('-H', const=1)", "'const' must not be supplied for action 'store'"},
		{"p.add_option('-H', action='count', nargs=2)", "'nargs' must not be supplied for action 'count'"},
		{"p.add_option('-H', nargs=0)", "nargs must be a positive int"},
		{"p.add_option('-H', dst='host')", "option -H: invalid keyword arguments: dst"},
		{"p.add_option('-H', callback=print)", "callback is not supported"},
		{"p.add_option('-H', action='callback')", "action 'callback' is not supported"},
		{"p.add_option('-H', dest=1)", "dest must be a string, not int"},
		{"p.add_option(5)", "OptionParser.add_option: option string 1: got int, want string such as '-H' or '--host'"},
		{"p.add_option('-h')", "optparse.OptionConflictError: option -h: conflicting option string(s): -h"},
		{"p.add_option('-a', '--help')", "conflicting option string(s): --help"},
		{"p.parse_args('-H x')", "OptionParser.parse_args: for parameter args: got string, want list of strings"},
		{"p.parse_args([1])", "for parameter args: element 0 is int, want string"},
		{"p.parse_args(values=1)", "for parameter values: got int, want Values or None"},
		{"p.print_help(file=1)", "for parameter file: got int, want sys.stdout, sys.stderr or None"},
		{"p.remove_option('-z')", "ValueError: no such option '-z'"},
		{"p.nothing", "OptionParser has no .nothing field or method"},
		{"p.usage = 1", "for parameter usage: got int, want string or None"},
		{"optparse.OptionParser(usage=1)", "optparse.OptionParser: for parameter usage: got int, want string or None"},
		{"optparse.OptionParser(formatter=1)", "formatter is not supported"},
		{"optparse.OptionParser(conflict_handler='resolve')", "conflict_handler 'resolve' is not supported"},
		{"optparse.OptionParser(bogus=1)", "optparse.OptionParser: unexpected keyword argument \"bogus\""},
	}
	for _, tc := range tests {
		t.Run(tc.code, func(t *testing.T) {
			r := run(t, "import optparse\np = optparse.OptionParser()\n"+tc.code+"\n", "t.star")
			if tc.want == "" {
				if r.err != nil {
					t.Errorf("err = %v", r.err)
				}
				return
			}
			if r.err == nil || !strings.Contains(r.err.Error(), tc.want) {
				t.Errorf("err = %v, want %q", r.err, tc.want)
			}
		})
	}
}

func TestDefaultIntConversionError(t *testing.T) {
	r := run(t, "import optparse\np = optparse.OptionParser()\np.add_option('--port', type='int', default='http')\np.parse_args([])\n", "t.star")
	if r.err == nil || !strings.Contains(r.err.Error(), "optparse.OptionValueError: option --port: invalid integer value: 'http'") {
		t.Errorf("err = %v", r.err)
	}
}

func TestAttributes(t *testing.T) {
	src := `import optparse
import sys
p = optparse.OptionParser(prog='tool', version='1.0')
o = p.add_option('-H', '--host', dest='host', help='target', metavar='ADDR')
print(str(o), o.dest, o.action, o.type, o.default, o.metavar, o.nargs, o._short_opts, o._long_opts)
print(p.has_option('-H'), p.has_option('--port'), p.get_option('--host').dest, p.get_option('-z'))
print(p.prog, p.version, p.get_prog_name(), p.get_version(), p.description)
print([str(x) for x in p.option_list])
p.remove_option('--host')
print(p.has_option('-H'), len(p.option_list))
(opts, args) = p.parse_args([])
print(dir(opts), type(opts), type(p), type(o))
opts.extra = 5
print(opts.extra, opts)
p.usage = 'new usage'
p.print_usage(file=sys.stderr)
print(p.get_default_values())
`
	r := run(t, src, "t.star")
	if r.err != nil {
		t.Fatal(r.err)
	}
	want := `-H/--host host store string ('NO', 'DEFAULT') ADDR 1 ['-H'] ['--host']
True False host None
tool 1.0 tool 1.0 None
['--version', '-h/--help', '-H/--host']
False 2
['host'] Values OptionParser Option
5 {'host': None, 'extra': 5}
{'host': None}
`
	if r.stdout != want {
		t.Errorf("stdout:\n%s\nwant:\n%s", r.stdout, want)
	}
	if r.stderr != "Usage: new usage\n\n" {
		t.Errorf("stderr = %q", r.stderr)
	}
}

func TestFrozenParser(t *testing.T) {
	// A parser in a loaded module's globals is frozen: parsing still
	// works, adding options does not.
	var out bytes.Buffer
	s := interp.New(interp.Config{Stdout: &out, Stderr: &out, Argv: []string{"t.star", "-v", "x"}})
	defer s.Close()
	th := s.NewThread("main")
	s.Lock()
	defer s.Unlock()
	g, err := s.ExecFile(th, "t.star", []byte("import optparse\np = optparse.OptionParser()\np.add_option('-v', action='append', default=[])\n"))
	if err != nil {
		t.Fatal(err)
	}
	g.Freeze()
	v, err := starlark.Eval(th, "e", "p.parse_args()[0].v", g)
	if err != nil || v.String() != `["x"]` {
		t.Errorf("parse_args on frozen parser = %v, %v", v, err)
	}
	if _, err := starlark.Eval(th, "e", "p.add_option('-x')", g); err == nil || !strings.Contains(err.Error(), "frozen") {
		t.Errorf("add_option on frozen parser: err = %v", err)
	}
}

// FuzzParseArgs checks that no command line panics, hangs or fails with
// anything but a clean exit.
func FuzzParseArgs(f *testing.F) {
	for _, seed := range []string{"", "-H x -P 80", "-vvv --port=0x10 a b", "--", "-", "--ver", "--pair a", "-p 1__0", "-t nan", "--mode=slow -hq", "\x00 -\xff", "-ñ --ñ=ñ"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, cmdline string) {
		args := append([]string{"f.star"}, strings.Fields(cmdline)...)
		r := run(t, richParser, args...)
		if r.err != nil {
			t.Fatalf("args %q: %v", args, r.err)
		}
		if r.code != 0 && r.code != 2 {
			t.Fatalf("args %q: exit status %d", args, r.code)
		}
		if r.code == 2 && !strings.Contains(r.stderr, "f.star: error: ") {
			t.Fatalf("args %q: stderr %q", args, r.stderr)
		}
	})
}
