// Package repl is netstar's interactive loop: a chzyer/readline line
// editor in front of an interp.Session. It knows the terminal (prompts,
// paste, completion, history, Ctrl-C) and nothing about networks.
package repl

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"

	"github.com/netstar/netstar/builtins/i18n"
	"github.com/netstar/netstar/builtins/pyfmt"

	"github.com/chzyer/readline"
	"github.com/netstar/netstar/repl/interp"
	"github.com/netstar/netstar/repl/translate"
	"go.starlark.net/starlark"
	"go.starlark.net/syntax"
	"golang.org/x/term"
)

// Config configures Run.
type Config struct {
	// Session runs the code; its output is redirected through the line
	// editor while the REPL runs.
	Session *interp.Session
	// Globals are the starting globals (for netstar -i); nil starts from
	// the session's predeclared environment.
	Globals starlark.StringDict
	// HistoryFile is where history persists; "" uses NETSTAR_HISTORY or
	// ~/.netstar_history. "-" disables persistence.
	HistoryFile string
	Stdin       *os.File
	Stdout      io.Writer
	Stderr      io.Writer
}

const (
	prompt1 = ">>> "
	prompt2 = "... "
)

// Run runs the REPL until Ctrl-D, exit() or SIGTERM and returns the exit
// status. The terminal is restored on every exit path.
func Run(cfg Config) (status int) {
	if cfg.Stdin == nil {
		cfg.Stdin = os.Stdin
	}
	if cfg.Stdout == nil {
		cfg.Stdout = os.Stdout
	}
	if cfg.Stderr == nil {
		cfg.Stderr = os.Stderr
	}
	fd := int(cfg.Stdin.Fd())
	if saved, err := term.GetState(fd); err == nil {
		defer term.Restore(fd, saved)
	}
	return run(cfg, cfg.Stdin, nil, styleFor(term.IsTerminal(fd), os.Getenv))
}

// run is Run reading from stdin, which need not be a terminal. editor,
// if set, adjusts the line editor's configuration: tests use it to run
// the loop on a pipe, away from the process's terminal. style is how
// notes are shown.
func run(cfg Config, stdin io.ReadCloser, editor func(*readline.Config), style noteStyle) int {
	r, err := newREPL(cfg, stdin, editor)
	if err != nil {
		fmt.Fprintf(cfg.Stderr, "netstar: %v\n", err)
		return 1
	}
	r.style = style
	defer r.close()
	return r.loop()
}

type repl struct {
	cfg     Config
	s       *interp.Session
	rl      *readline.Instance
	paste   *pasteReader
	screen  *screen
	thread  *starlark.Thread
	globals starlark.StringDict
	history *history

	style noteStyle

	mu      sync.Mutex
	running context.CancelFunc // cancels the current evaluation, nil at the prompt
	echo    *starlark.Builtin
	sigterm bool
}

func newREPL(cfg Config, stdin io.ReadCloser, editor func(*readline.Config)) (*repl, error) {
	r := &repl{cfg: cfg, s: cfg.Session}
	r.paste = newPasteReader(stdin)
	r.paste.coalescing = true
	r.screen = newScreen(cfg.Stdout, cfg.Stderr)
	ins := &inserter{paste: r.paste, op: func() *readline.Operation { return r.rl.Operation }}
	r.globals = cfg.Globals
	if r.globals == nil {
		r.globals = r.s.Predeclared("__main__")
	} else {
		g := r.s.Predeclared("__main__")
		for k, v := range cfg.Globals {
			g[k] = v
		}
		r.globals = g
	}
	rlc := &readline.Config{
		Prompt:                 prompt1,
		HistoryLimit:           historyKeep,
		DisableAutoSaveHistory: true,
		AutoComplete:           &completer{lock: r.s, globals: r.globals},
		InterruptPrompt:        "^C",
		EOFPrompt:              "",
		Stdin:                  r.paste,
		Stdout:                 r.screen.Stdout(),
		Stderr:                 r.screen.Stderr(),
		// Linear redraws of long lines: see screen and inserter.
		Painter:             r.screen,
		Listener:            ins,
		FuncFilterInputRune: ins.filterRune,
	}
	if editor != nil {
		editor(rlc)
	}
	rl, err := readline.NewEx(rlc)
	if err != nil {
		return nil, err
	}
	r.rl = rl
	r.history = openHistory(cfg.HistoryFile)
	for _, e := range r.history.load() {
		rl.SaveHistory(e)
	}
	r.s.SetStdout(rl.Stdout())
	r.s.SetStderr(rl.Stderr())
	r.s.SetInput(r.input)
	r.thread = r.s.NewThread("main")
	r.echo = starlark.NewBuiltin(echoFunc, r.echoValue)
	io.WriteString(r.screen.Stdout(), "\x1b[?2004h") // ask the terminal for bracketed paste
	return r, nil
}

func (r *repl) close() {
	io.WriteString(r.screen.Stdout(), "\x1b[?2004l")
	r.s.SetStdout(r.cfg.Stdout)
	r.s.SetStderr(r.cfg.Stderr)
	r.rl.Close()
}

// input is input() while the REPL runs: it reads through the line editor
// so the prompt and the user's typing are drawn properly.
func (r *repl) input(prompt string) (string, error) {
	r.rl.SetPrompt(prompt)
	defer r.rl.SetPrompt(prompt1)
	r.screen.reset()
	line, err := r.rl.Readline()
	r.paste.next()
	if errors.Is(err, readline.ErrInterrupt) {
		r.interrupt()
		return "", context.Canceled
	}
	return line, err
}

func (r *repl) loop() int {
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sigs)
	quit := make(chan struct{})
	defer close(quit)
	go func() {
		for {
			select {
			case sig := <-sigs:
				if sig == syscall.SIGTERM {
					r.mu.Lock()
					r.sigterm = true
					r.mu.Unlock()
					r.interrupt()
					r.rl.Close() // unblocks Readline; the deferred Restore resets the terminal
					continue
				}
				r.interrupt()
			case <-quit:
				return
			}
		}
	}()

	io.WriteString(r.screen.Stdout(), i18n.T("repl.banner", interp.Version))
	var lines block
	for {
		if r.terminated() {
			return 143
		}
		if lines.Pending() {
			r.rl.SetPrompt(prompt2)
		} else {
			r.rl.SetPrompt(prompt1)
		}
		r.screen.reset()
		line, err := r.rl.Readline()
		if r.terminated() {
			return 143
		}
		switch {
		case errors.Is(err, readline.ErrInterrupt):
			lines.Reset()
			fmt.Fprintln(r.rl.Stderr(), "KeyboardInterrupt")
			continue
		case err == io.EOF:
			fmt.Fprintln(r.screen.Stdout())
			return 0
		case err != nil:
			return 0
		}
		for _, in := range lines.Feed(line, r.paste.next()) {
			if status, exit := r.run(in); exit {
				return status
			}
		}
	}
}

// run records a complete input in the history and evaluates it. It
// reports exit() as (status, true).
func (r *repl) run(in input) (int, bool) {
	r.rl.SaveHistory(in.entry)
	r.history.add(in.entry)
	return r.eval(in.src)
}

// noteStyle is how the REPL shows its one-line notes (a Python input
// it translated and ran).
type noteStyle int

const (
	noteNone  noteStyle = iota // standard input is not a terminal: say nothing extra
	notePlain                  // a terminal with NO_COLOR set
	noteDim                    // a terminal: dim text
)

// styleFor returns the note style for a REPL reading from a terminal or
// not, under the environment's NO_COLOR (https://no-color.org: set and
// not empty turns colour off).
func styleFor(terminal bool, getenv func(string) string) noteStyle {
	switch {
	case !terminal:
		return noteNone
	case getenv("NO_COLOR") != "":
		return notePlain
	}
	return noteDim
}

// note writes a one-line note in the REPL's note style.
func (r *repl) note(text string) {
	switch r.style {
	case notePlain:
		fmt.Fprintln(r.rl.Stdout(), text)
	case noteDim:
		fmt.Fprintf(r.rl.Stdout(), "\x1b[2m%s\x1b[0m\n", text)
	}
}

func (r *repl) terminated() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.sigterm
}

// interrupt stops the running evaluation, if any: it cancels the
// evaluation's context (blocking builtins watch it) and the thread (the
// interpreter checks it at every step, so `while True: pass` stops too).
func (r *repl) interrupt() {
	r.mu.Lock()
	cancel := r.running
	r.mu.Unlock()
	if cancel != nil {
		r.thread.Cancel("KeyboardInterrupt")
		cancel()
	}
}

// eval runs one complete input; Python that netstar does not run as it
// is is translated and run, with a note. It reports exit() as (status,
// true).
func (r *repl) eval(src string) (int, bool) {
	// Ctrl-C stops the translation as well as the run.
	ctx, cancel := context.WithCancel(r.s.Context())
	defer cancel()
	interp.SetContext(r.thread, ctx)
	r.thread.Uncancel()
	r.mu.Lock()
	r.running = cancel
	r.mu.Unlock()
	defer func() {
		r.mu.Lock()
		r.running = nil
		r.mu.Unlock()
		r.thread.Uncancel()
	}()

	f, err := interp.Parse("<stdin>", []byte(src))
	if err != nil {
		code, ok := translate.SuggestContext(ctx, src)
		if ctx.Err() != nil {
			fmt.Fprintln(r.rl.Stderr(), "KeyboardInterrupt")
			return 0, false
		}
		if !ok {
			r.printErr(err)
			return 0, false
		}
		// Python input runs without a question: a question would read
		// the next typed or pasted line as its answer.
		if f, err = interp.Parse("<stdin>", []byte(code)); err != nil {
			r.printErr(err)
			return 0, false
		}
		r.note(i18n.T("repl.translated"))
	}

	echoExprs(f)
	r.globals[echoFunc] = r.echo
	err = r.exec(f)

	if err != nil {
		if status, ok := interp.ExitCode(err); ok {
			var ee *interp.ExitError
			if errors.As(err, &ee) && ee.Message != "" {
				fmt.Fprintln(r.rl.Stderr(), ee.Message)
			}
			return status, true
		}
		if ctx.Err() != nil {
			fmt.Fprintln(r.rl.Stderr(), "KeyboardInterrupt")
			return 0, false
		}
		r.printErr(err)
		return 0, false
	}
	return 0, false
}

// exec runs a chunk holding the interpreter lock; a Go panic in a
// builtin becomes an error.
func (r *repl) exec(f *syntax.File) error {
	return r.s.Run(func() error { return interp.ExecChunk(r.thread, f, r.globals) })
}

// echoFunc is the REPL's hidden builtin that shows the value of an
// expression statement.
const echoFunc = "__echo__"

// echoExprs wraps every top-level expression statement of f in a call
// to __echo__, so the REPL shows its value as Python's does, also for
// each expression of a pasted block.
func echoExprs(f *syntax.File) {
	for _, stmt := range f.Stmts {
		if es, ok := stmt.(*syntax.ExprStmt); ok {
			pos, _ := es.X.Span()
			es.X = &syntax.CallExpr{
				Fn:     &syntax.Ident{NamePos: pos, Name: echoFunc},
				Lparen: pos,
				Args:   []syntax.Expr{es.X},
				Rparen: pos,
			}
		}
	}
}

// echo prints the Python repr of a non-None value and keeps it in _.
func (r *repl) echoValue(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	if len(args) == 1 && args[0] != starlark.None {
		fmt.Fprintln(r.rl.Stdout(), pyfmt.Repr(args[0]))
		r.globals["_"] = args[0]
	}
	return starlark.None, nil
}

func (r *repl) printErr(err error) {
	fmt.Fprintln(r.rl.Stderr(), strings.TrimRight(interp.FormatError(err), "\n"))
}
