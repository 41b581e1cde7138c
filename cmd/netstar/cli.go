// The netstar command line: flag parsing, the script runner and the
// hand-off to the REPL. run takes its streams as arguments so tests run
// it in-process (testscript) and with buffers.

package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"text/tabwriter"

	"github.com/netstar/netstar/builtins/i18n"
	"github.com/netstar/netstar/cmd/internal/kernelcmd"
	"github.com/netstar/netstar/cmd/internal/reportcmd"
	"github.com/netstar/netstar/cmd/internal/scancmd"
	"github.com/netstar/netstar/cmd/internal/servecmd"
	"github.com/netstar/netstar/modules/socket/resolve"
	"github.com/netstar/netstar/repl"
	"github.com/netstar/netstar/repl/interp"
	"github.com/netstar/netstar/repl/translate"
	"go.starlark.net/starlark"
	"go.starlark.net/syntax"
	"golang.org/x/term"
)

// streams holds the standard streams, swappable for tests, and the
// command's name as the user runs it.
type streams struct {
	Stdin          *os.File
	Stdout, Stderr io.Writer
	// Prog is how the user runs netstar ("netstar", "go run
	// ./cmd/netstar", "./netstar"...): the usage text and every hint
	// that names a command say it so that it can be typed as shown.
	// "" means "netstar".
	Prog string
}

// osStreams returns the process's standard streams.
func osStreams() streams {
	return streams{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Prog: progName(os.Args[0], exec.LookPath)}
}

// prog returns s.Prog, or "netstar" when it is not set.
func (s streams) prog() string {
	if s.Prog == "" {
		return "netstar"
	}
	return s.Prog
}

// usage is the command's usage text in the locale's language, with prog
// as the command's name.
func usage(prog string) string {
	var b strings.Builder
	b.WriteString(i18n.T("cli.synopsis", prog))
	b.WriteString("\n")
	// The descriptions line up after the longest command, however long
	// prog is; a row without a command continues the one above.
	tw := tabwriter.NewWriter(&b, 0, 0, 3, ' ', 0)
	for _, row := range strings.Split(i18n.T("cli.commands", prog), "\n") {
		fmt.Fprintf(tw, "  %s\n", row)
	}
	tw.Flush()
	b.WriteString(i18n.T("cli.environment"))
	return b.String()
}

// flagError words an error of the flag package in the locale's language
// (the package's own texts are English).
func flagError(err error) string {
	msg := err.Error()
	for prefix, key := range map[string]string{
		"flag provided but not defined: ": "cli.flag.undefined",
		"flag needs an argument: ":        "cli.flag.needsArg",
	} {
		if name, ok := strings.CutPrefix(msg, prefix); ok {
			return i18n.T(key, name)
		}
	}
	return msg
}

// checkResolverEnv refuses a malformed NETSTAR_RESOLVER at start-up,
// with the parser netstar scan uses, rather than let lookups fail later
// (and never fall back to the system's resolver): ok is false, with the
// exit status 2, when it is malformed.
func checkResolverEnv(stdio streams) (status int, ok bool) {
	if _, err := resolve.EnvServer(); err != nil {
		fmt.Fprintf(stdio.Stderr, "netstar: %v\n", err)
		return 2, false
	}
	return 0, true
}

// run runs the netstar command with args (without the program name)
// and returns its exit status.
func run(args []string, stdio streams) int {
	if len(args) > 0 {
		switch args[0] {
		case "translate":
			return translateMain(stdio.prog(), args[1:], stdio.Stdout, stdio.Stderr)
		case "scan":
			return scancmd.Main(args[1:], stdio.Stdin, stdio.Stdout, stdio.Stderr)
		case "merge":
			return scancmd.MergeMain(args[1:], stdio.Stdin, stdio.Stdout, stdio.Stderr)
		case "report":
			return reportcmd.Main(args[1:], stdio.Stdin, stdio.Stdout, stdio.Stderr)
		case "serve":
			return servecmd.Main(args[1:], stdio.Stdin, stdio.Stdout, stdio.Stderr)
		case "kernel":
			if status, ok := checkResolverEnv(stdio); !ok {
				return status
			}
			return kernelcmd.Main(args[1:], stdio.Stdin, stdio.Stdout, stdio.Stderr)
		case "step":
			if status, ok := checkResolverEnv(stdio); !ok {
				return status
			}
			var stdin io.Reader = stdio.Stdin
			if stdio.Stdin == nil {
				stdin = strings.NewReader("")
			}
			return stepMain(stdio.prog(), args[1:], stdin, stdio.Stdout, stdio.Stderr)
		}
	}
	fs := flag.NewFlagSet("netstar", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	code := fs.String("c", "", "run `CODE`")
	interactive := fs.Bool("i", false, "stay interactive after running the script")
	version := fs.Bool("version", false, "print the version")
	help := fs.Bool("h", false, "show usage")
	fs.BoolVar(help, "help", false, "show usage")
	opts, progArgs := splitAtCode(args)
	if err := fs.Parse(opts); err != nil {
		fmt.Fprintf(stdio.Stderr, "netstar: %s\n%s", flagError(err), usage(stdio.prog()))
		return 2
	}
	codeSet := false
	fs.Visit(func(f *flag.Flag) { codeSet = codeSet || f.Name == "c" })
	rest := append(fs.Args(), progArgs...)
	switch {
	case *help:
		io.WriteString(stdio.Stdout, usage(stdio.prog()))
		return 0
	case *version:
		fmt.Fprintf(stdio.Stdout, "netstar %s\n", interp.Version)
		return 0
	}

	if status, ok := checkResolverEnv(stdio); !ok {
		return status
	}

	var path []string
	if p := os.Getenv("NETSTAR_PATH"); p != "" {
		path = filepath.SplitList(p)
	}
	isTTY := stdio.Stdin != nil && term.IsTerminal(int(stdio.Stdin.Fd()))

	// Ctrl-C and SIGTERM work while the source is read and translated.
	loadCtx, loadSignal, stopLoadSignals := watchSignals()
	defer stopLoadSignals()
	interrupted := func() int {
		if <-loadSignal == syscall.SIGTERM {
			return 143
		}
		fmt.Fprintln(stdio.Stderr, "KeyboardInterrupt")
		return 130
	}

	var filename string
	var src []byte
	var argv []string
	lang := langStarlark
	switch {
	case codeSet:
		filename, src, argv = "<string>", []byte(*code), append([]string{"-c"}, rest...)
	case len(rest) > 0 && rest[0] == "-":
		// As in Python, `-` is the program on standard input.
		filename, argv, lang = "<stdin>", rest, langSniff
		if stdio.Stdin == nil {
			src = []byte{}
			break
		}
		b, err := readSource(loadCtx, stdio.Stdin, maxSource)
		if err != nil {
			if loadCtx.Err() != nil {
				return interrupted()
			}
			fmt.Fprintf(stdio.Stderr, "netstar: %s\n", i18n.T("cli.readingStdin", err))
			return 1
		}
		src = b
	case len(rest) > 0:
		filename, argv, lang = rest[0], rest, languageOf(rest[0])
		b, status, err := readFile(loadCtx, filename)
		if err != nil {
			if loadCtx.Err() != nil {
				return interrupted()
			}
			fmt.Fprintf(stdio.Stderr, "netstar: %v\n", err)
			return status
		}
		src = b
	case *interactive:
		fmt.Fprintf(stdio.Stderr, "netstar: %s\n%s", i18n.T("cli.interactiveNeeds"), usage(stdio.prog()))
		return 2
	case !isTTY && stdio.Stdin != nil:
		b, err := readSource(loadCtx, stdio.Stdin, maxSource)
		if err != nil {
			if loadCtx.Err() != nil {
				return interrupted()
			}
			fmt.Fprintf(stdio.Stderr, "netstar: %s\n", i18n.T("cli.readingStdin", err))
			return 1
		}
		filename, src, argv, lang = "<stdin>", b, []string{""}, langSniff
	default:
		argv = []string{""}
	}

	python := false
	if src != nil {
		if err := nulError(filename, src); err != nil {
			fmt.Fprintln(stdio.Stderr, err)
			return 1
		}
		var res translate.Result
		var terr error
		switch lang {
		case langPython:
			python = true
			res, terr = translatePython(loadCtx, filename, src)
		case langSniff:
			if !parsesAsStarlark(filename, src) {
				res, terr = translatePython(loadCtx, filename, src)
				// Neither Starlark nor Python: report it as netstar.
				python = terr == nil
			}
		}
		switch {
		case loadCtx.Err() != nil:
			return interrupted()
		case lang == langPython && terr != nil:
			formatPythonError(stdio.Stderr, terr)
			return 1
		case python && len(res.TODOs) > 0:
			reportTODOs(stdio.Stderr, filename, src, res.TODOs)
			return 1
		case python:
			src = []byte(dropHeader(res.Code))
		}
	}
	stopLoadSignals()

	s := interp.New(interp.Config{
		Stdout:   stdio.Stdout,
		Stderr:   stdio.Stderr,
		Argv:     argv,
		Path:     path,
		Progress: isTerminal(stdio.Stderr) && os.Getenv("NO_PROGRESS") == "",
	})
	defer s.Close()

	if src == nil {
		return repl.Run(repl.Config{Session: s, Stdin: stdio.Stdin, Stdout: stdio.Stdout, Stderr: stdio.Stderr})
	}
	globals, status := runProgram(s, filename, src, stdio.Stderr, stdio.prog(), !python)
	if *interactive && status == 0 && isTTY {
		return repl.Run(repl.Config{Session: s, Globals: globals, Stdin: stdio.Stdin, Stdout: stdio.Stdout, Stderr: stdio.Stderr})
	}
	return status
}

// splitAtCode splits args after -c CODE: as in Python, the words after
// the code are the program's arguments even when they look like flags.
func splitAtCode(args []string) (opts, progArgs []string) {
	for i, a := range args {
		switch {
		case a == "--" || a == "-" || !strings.HasPrefix(a, "-"):
			return args, nil
		case a == "-c" || a == "--c":
			if i+1 < len(args) {
				return args[:i+2], args[i+2:]
			}
			return args, nil
		case strings.HasPrefix(a, "-c=") || strings.HasPrefix(a, "--c="):
			return args[:i+1], args[i+1:]
		}
	}
	return args, nil
}

// runProgram runs src as the main module, then waits for the threads it
// started, as Python does. Ctrl-C and SIGTERM cancel it. prog names the
// command in hints; hint enables the "this is Python" hint on a syntax
// error (src was not translated from Python already).
func runProgram(s *interp.Session, filename string, src []byte, stderr io.Writer, prog string, hint bool) (starlark.StringDict, int) {
	thread := s.NewThread("main")
	ctx, cancel := context.WithCancelCause(s.Context())
	defer cancel(nil)
	interp.SetContext(thread, ctx)

	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sigs)
	var got os.Signal
	done := make(chan struct{})
	defer close(done)
	caught := make(chan os.Signal, 1)
	go func() {
		select {
		case sig := <-sigs:
			caught <- sig
			thread.Cancel("KeyboardInterrupt")
			if sig == syscall.SIGTERM {
				cancel(interp.ErrTerminated)
			} else {
				cancel(nil)
			}
		case <-done:
		}
	}()

	var globals starlark.StringDict
	err := s.Run(func() (err error) {
		globals, err = s.ExecFile(thread, filename, src)
		return err
	})
	// Python waits for the program's threads also after exit() or an
	// uncaught error in the main thread.
	if werr := s.Wait(ctx); err == nil {
		err = werr
	}
	select {
	case got = <-caught:
	default:
	}
	switch {
	case got == syscall.SIGTERM:
		return globals, 143
	case got != nil:
		fmt.Fprintln(stderr, "KeyboardInterrupt")
		return globals, 130
	case err == nil:
		return globals, 0
	}
	if status, ok := interp.ExitCode(err); ok {
		var ee *interp.ExitError
		if errors.As(err, &ee) && ee.Message != "" {
			fmt.Fprintln(stderr, ee.Message)
		}
		return globals, status
	}
	fmt.Fprintln(stderr, strings.TrimRight(interp.FormatError(err), "\n"))
	if !hint {
		return globals, 1
	}
	if h := pythonHint(err, filename, src, prog); h != "" {
		fmt.Fprint(stderr, h)
	}
	return globals, 1
}

// maxHintSource bounds the programs pythonHint translates: a hint must
// not cost more than the error it explains.
const maxHintSource = 256 << 10

// pythonHint explains a syntax error in code that is Python netstar can
// translate: it shows the translation, or for a file the command (run
// as prog) that writes it.
func pythonHint(err error, filename string, src []byte, prog string) string {
	var se syntax.Error
	if !errors.As(err, &se) || len(src) > maxHintSource {
		return ""
	}
	code, ok := translate.Suggest(string(src))
	if !ok {
		return ""
	}
	if filename == "<string>" || filename == "<stdin>" || len(strings.Split(code, "\n")) <= 12 {
		return i18n.T("hint.python.inline", code)
	}
	return i18n.T("hint.python.file", prog, filename)
}

// readFile reads the program in filename with readSource. Its error
// reads "can't open file 'NAME': why", as Python's does, with status 2
// when the file cannot be opened and 1 when it is not a program.
func readFile(ctx context.Context, filename string) ([]byte, int, error) {
	f, err := os.Open(filename)
	if err != nil {
		return nil, 2, openError{filename, err}
	}
	defer f.Close()
	b, err := readSource(ctx, f, maxSource)
	switch {
	case errors.Is(err, errTooLarge):
		return nil, 1, fmt.Errorf("%s: %w", filename, err)
	case err != nil:
		return nil, 2, openError{filename, err}
	}
	return b, 0, nil
}

// watchSignals returns a context that Ctrl-C (SIGINT) or SIGTERM
// cancels, a channel that then holds the signal, and a stop function
// (safe to call twice) that restores the default handling.
func watchSignals() (context.Context, <-chan os.Signal, func()) {
	ctx, cancel := context.WithCancel(context.Background())
	sigs := make(chan os.Signal, 1)
	got := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	exited := make(chan struct{})
	go func() {
		defer close(exited)
		select {
		case sig := <-sigs:
			got <- sig
			cancel()
		case <-done:
		}
	}()
	var once sync.Once
	return ctx, got, func() {
		once.Do(func() {
			signal.Stop(sigs)
			close(done)
			<-exited
			cancel()
		})
	}
}

// openError is a program file that cannot be read. It reads "can't
// open file 'NAME': why", as Python's does, in the locale's language.
type openError struct {
	name string
	err  error
}

func (e openError) Error() string {
	return i18n.T("cli.cantOpen", e.name, errnoText(unwrapPathError(e.err)))
}

func (e openError) Unwrap() error { return e.err }

func unwrapPathError(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// errnoKeys are the catalogue's words for the system's reasons a file
// does not open.
var errnoKeys = map[syscall.Errno]string{
	syscall.ENOENT:  "errno.ENOENT",
	syscall.EACCES:  "errno.EACCES",
	syscall.EISDIR:  "errno.EISDIR",
	syscall.ENOTDIR: "errno.ENOTDIR",
}

// errnoText is err in the locale's language when it is one of the
// common errnos, else err's own text.
func errnoText(err error) string {
	var errno syscall.Errno
	if errors.As(err, &errno) {
		if key, ok := errnoKeys[errno]; ok {
			return i18n.T(key)
		}
	}
	return err.Error()
}

// isTerminal reports whether w is a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}
