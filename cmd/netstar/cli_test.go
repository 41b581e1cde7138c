package main

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/netstar/netstar/repl/interp"
	"github.com/netstar/netstar/repl/interp/interptest"
)

// stdinFile returns a regular file holding data, opened for reading: a
// standard input that is not a terminal.
func stdinFile(t *testing.T, data string) *os.File {
	t.Helper()
	p := filepath.Join(t.TempDir(), "stdin")
	if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// TestRun runs the command in-process with its streams swapped: every
// case checks the status and the whole of stdout and stderr.
func TestRun(t *testing.T) {
	setLang(t, "")
	dir := t.TempDir()
	write := func(name, data string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	argvScript := write("argv.star", "import sys\nprint(sys.argv)\n")
	exitScript := write("exit.star", "print('antes')\nexit(5)\nprint('después')\n")
	failScript := write("fail.star", "def f():\n    return 1 // 0\n\nf()\n")
	pyScript := write("t.py", "x = 2\nprint(f'x={x}')\n")
	nb := write("nb.ipynb", string(notebook("x = 40 + 2\n", "md:texto", "print(f\"hola {x}\")\n")))
	stepScript := write("s.py", "import sys\nprint(sys.argv[1:])\n")
	missing := filepath.Join(dir, "missing.star")

	const usageRE = `usage: netstar \[-i\] \[FILE\.star \| FILE\.py \| - \| -c CODE\] \[ARGS\.\.\.\]\n.*\nExit status: .*\n`
	for _, tc := range []struct {
		name   string
		args   []string
		stdin  string // standard input: a regular file, never a terminal
		status int
		// stdout and stderr are regular expressions that must match the
		// whole of each stream; "" means the stream stays empty.
		stdout, stderr string
	}{
		{name: "-c with argv", args: []string{"-c", "import sys; print(sys.argv)", "a", "b"},
			stdout: `\['-c', 'a', 'b'\]\n`},
		// As in Python, -c CODE ends the options.
		{name: "-c with flags in argv", args: []string{"-c", "import sys; print(sys.argv)", "-i", "--x"},
			stdout: `\['-c', '-i', '--x'\]\n`},
		{name: "-c=CODE", args: []string{"-c=print(7)", "-h"}, stdout: `7\n`},
		{name: "-c ignores stdin", args: []string{"-c", "print(1)"}, stdin: "print(2)\n",
			stdout: `1\n`},
		{name: "script with args", args: []string{argvScript, "x", "--y"},
			stdout: regexp.QuoteMeta("['"+argvScript+"', 'x', '--y']") + `\n`},
		{name: "program on stdin", stdin: "import sys\nprint('from stdin', sys.argv)\n",
			stdout: `from stdin \[''\]\n`},
		{name: "--version", args: []string{"--version"},
			stdout: `netstar ` + regexp.QuoteMeta(interp.Version) + `\n`},
		{name: "-h", args: []string{"-h"}, stdout: usageRE},
		{name: "--help", args: []string{"--help"}, stdout: usageRE},
		{name: "unknown flag", args: []string{"--bogus"}, status: 2,
			stderr: `netstar: flag provided but not defined: -bogus\n` + usageRE},
		{name: "-c without code", args: []string{"-c"}, status: 2,
			stderr: `netstar: flag needs an argument: -c\n` + usageRE},
		{name: "-i without a program", args: []string{"-i"}, status: 2,
			stderr: `netstar: -i needs a FILE or -c CODE\n` + usageRE},
		// Without a terminal -i runs the program and stops: no REPL reads
		// the rest of stdin.
		{name: "-i without a terminal", args: []string{"-i", argvScript, "z"}, stdin: "print('repl')\n",
			stdout: regexp.QuoteMeta("['"+argvScript+"', 'z']") + `\n`},
		{name: "-i keeps the status", args: []string{"-i", failScript}, status: 1,
			stderr: `(?s)Traceback.*ZeroDivisionError: integer division or modulo by zero\n`},
		{name: "missing file", args: []string{missing}, status: 2,
			stderr: regexp.QuoteMeta("netstar: can't open file '"+missing+"': no such file or directory") + `\n`},
		{name: "a directory", args: []string{dir}, status: 2,
			stderr: regexp.QuoteMeta("netstar: can't open file '"+dir+"': is a directory") + `\n`},
		{name: "exit(n)", args: []string{exitScript}, status: 5, stdout: `antes\n`},
		{name: "sys.exit(n)", args: []string{"-c", "import sys\nsys.exit(4)\nprint('no')"}, status: 4},
		{name: "exit()", args: []string{"-c", "exit()\nprint('no')"}},
		{name: "sys.exit(message)", args: []string{"-c", "import sys; sys.exit('adiós')"}, status: 1,
			stderr: `adiós\n`},
		{name: "uncaught error", args: []string{failScript}, status: 1,
			stderr: `Traceback \(most recent call last\):\n` +
				`  ` + regexp.QuoteMeta(failScript) + `:4:2: in <toplevel>\n` +
				`  ` + regexp.QuoteMeta(failScript) + `:2:14: in f\n` +
				`Error: ZeroDivisionError: integer division or modulo by zero\n`},
		{name: "uncaught error on stdin", stdin: "x = 1\nfail('boom')\n", status: 1,
			stderr: `Traceback \(most recent call last\):\n  <stdin>:2:5: in <toplevel>\n.*boom\n`},
		{name: "Python gets a hint", args: []string{"-c", `print(f"{1 + 1}")`}, status: 1,
			stderr: `<string>:1:\d+: syntax error: .*\n` +
				`hint: this is Python that netstar does not run as it is; in netstar it reads:\n\n` +
				regexp.QuoteMeta(`print("{}".format(1 + 1))`) + `\n`},
		{name: "translate", args: []string{"translate", pyScript},
			stdout: `(?s)# Translated from t\.py.*\nx = 2\nprint\('x=\{\}'\.format\(x\)\)\n`,
			stderr: regexp.QuoteMeta(`netstar translate: `+pyScript+`: 0 TODO`) + `\n`},
		{name: "translate without a file", args: []string{"translate"}, status: 2,
			stderr: `(?s)netstar translate: missing FILE\.py or FILE\.ipynb\nusage: netstar translate .*`},
		{name: "step --all", args: []string{"step", nb, "--all"},
			stdout: "\n── cell 1 ──\n\n── cell 3 ──\nhola 42\n"},
		{name: "step --all with argv", args: []string{"step", stepScript, "a", "--all", "b"},
			stdout: "\n── cell 1 ──\n\\['a', 'b'\\]\n"},
		{name: "step a missing file", args: []string{"step", missing, "--all"}, status: 1,
			stderr: `netstar step: open ` + regexp.QuoteMeta(missing) + `: no such file or directory\n`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr interptest.Buffer
			status := run(tc.args, streams{Stdin: stdinFile(t, tc.stdin), Stdout: &stdout, Stderr: &stderr})
			if status != tc.status {
				t.Errorf("status %d, want %d", status, tc.status)
			}
			for _, s := range []struct {
				name, got, want string
			}{{"stdout", stdout.String(), tc.stdout}, {"stderr", stderr.String(), tc.stderr}} {
				if !regexp.MustCompile(`(?s)^(?:` + s.want + `)$`).MatchString(s.got) {
					t.Errorf("%s:\n%s\nwant it to match:\n%s", s.name, s.got, s.want)
				}
			}
		})
	}
}
