// The cell runner behind netstar step.

package main

import (
	"context"
	"fmt"
	"sync"

	"github.com/netstar/netstar/builtins/pyfmt"
	"github.com/netstar/netstar/repl/interp"
	"go.starlark.net/starlark"
	"go.starlark.net/syntax"
)

// cellRunner runs netstar code chunk after chunk in one interp.Session
// and keeps the globals between chunks, as a notebook kernel does. The
// stepper runs cells with it.
type cellRunner struct {
	// Echo shows the value of a chunk's last expression statement, as
	// Jupyter shows a cell's last value.
	Echo bool

	s       *interp.Session
	thread  *starlark.Thread
	globals starlark.StringDict

	mu     sync.Mutex
	cancel context.CancelFunc
}

// echoFunc is the hidden builtin that shows a cell's last value.
const echoFunc = "__step_echo__"

// newCellRunner returns a cellRunner whose globals start as the session's
// predeclared environment for "__main__".
func newCellRunner(s *interp.Session) *cellRunner {
	r := &cellRunner{s: s, thread: s.NewThread("main"), globals: s.Predeclared("__main__")}
	r.globals[echoFunc] = starlark.NewBuiltin(echoFunc, func(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
		if len(args) == 1 && args[0] != starlark.None {
			fmt.Fprintln(s.Stdout(), pyfmt.Repr(args[0]))
		}
		return starlark.None, nil
	})
	return r
}

// Run parses and runs one chunk of netstar code, then waits for the
// threads it started (as a script run does). It holds the interpreter
// lock while the code runs. A Go panic in a builtin is returned as an
// error. exit() is returned as an *interp.ExitError.
func (r *cellRunner) Run(filename, code string) (err error) {
	f, err := interp.Parse(filename, []byte(code))
	if err != nil {
		return err
	}
	if r.Echo && len(f.Stmts) > 0 {
		if es, ok := f.Stmts[len(f.Stmts)-1].(*syntax.ExprStmt); ok {
			pos, _ := es.X.Span()
			es.X = &syntax.CallExpr{Fn: &syntax.Ident{NamePos: pos, Name: echoFunc}, Lparen: pos, Args: []syntax.Expr{es.X}, Rparen: pos}
		}
	}
	ctx, cancel := context.WithCancel(r.s.Context())
	defer cancel()
	r.mu.Lock()
	r.cancel = cancel
	r.mu.Unlock()
	defer func() {
		r.mu.Lock()
		r.cancel = nil
		r.mu.Unlock()
	}()
	interp.SetContext(r.thread, ctx)
	r.thread.Uncancel()
	err = r.exec(f)
	if err == nil {
		err = r.s.Wait(ctx)
	}
	if ctx.Err() != nil && err != nil {
		if _, ok := interp.ExitCode(err); !ok {
			return fmt.Errorf("KeyboardInterrupt")
		}
	}
	return err
}

// exec runs a chunk holding the interpreter lock; a Go panic in a
// builtin becomes an error.
func (r *cellRunner) exec(f *syntax.File) error {
	return r.s.Run(func() error { return interp.ExecChunk(r.thread, f, r.globals) })
}

// Interrupt stops the chunk that is running, if any, as Ctrl-C does.
func (r *cellRunner) Interrupt() {
	r.mu.Lock()
	cancel := r.cancel
	r.mu.Unlock()
	if cancel != nil {
		r.thread.Cancel("KeyboardInterrupt")
		cancel()
	}
}
