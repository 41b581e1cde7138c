// Package interp sets up netstar's Starlark interpreter: the dialect, the
// predeclared environment built from the module registry, the pre-pass
// that accepts the course's Python lines, module loading, and the
// per-program Session that every builtin reaches through its thread.
//
// # Concurrency model
//
// Like CPython, a Session has one interpreter lock. Every goroutine that
// runs Starlark code holds it; builtins that block (connect, accept,
// recv, sleep, DNS, scans) release it with [Blocking] while they wait.
// Starlark threads started by the threading module or by serve_http
// handlers therefore share globals, lists and dicts without data races,
// and a CPU-bound thread yields the lock every few thousand steps so the
// others make progress.
package interp

import (
	"context"
	"errors"
	"io"
	"os"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/netstar/netstar/builtins/i18n"
	"go.starlark.net/starlark"
)

const (
	sessionKey = "netstar.session"
	// contextKey is the thread-local key go.starlark.net's own REPL uses
	// for the context of the current evaluation.
	contextKey = "context"
	// quantum is the number of Starlark steps a thread runs before it
	// offers the interpreter lock to other threads.
	quantum = 1 << 14
)

// Version is netstar's version, shown by the REPL's banner, --version and
// sys.version. Release builds set it with
// -ldflags "-X github.com/netstar/netstar/repl/interp.Version=...".
var Version = "0.1.0"

// Config configures a new Session. Zero fields take the process's
// standard streams and an empty argv.
type Config struct {
	Stdout io.Writer
	Stderr io.Writer
	// Input reads a line for input(); nil reads from os.Stdin.
	Input func(prompt string) (string, error)
	// Argv is sys.argv.
	Argv []string
	// Path lists directories searched by load() after the loading
	// script's own directory (NETSTAR_PATH).
	Path []string
	// Progress allows long operations (scans, bulk DNS) to draw progress
	// on Stderr. Set it when Stderr is a terminal; leave it false for
	// pipes, files and tests.
	Progress bool
	// Extra adds names to every program's predeclared environment, after
	// the registry's (an Extra name replaces a registered one). Tests use
	// it to give .star files starlarktest's assert module.
	Extra starlark.StringDict
}

// Session is the state one running program shares across all of its
// Starlark threads: the interpreter lock, output streams, the context
// that ends with the program, and the resources (sockets, servers) to
// close when it ends.
type Session struct {
	gil      sync.Mutex
	stdout   *syncWriter
	stderr   *syncWriter
	input    func(prompt string) (string, error)
	progress bool
	argv     []string
	path     []string
	extra    starlark.StringDict

	ctx    context.Context
	cancel context.CancelFunc

	mu        sync.Mutex
	resources map[io.Closer]struct{}
	threads   sync.WaitGroup

	loads loadCache

	envOnce sync.Once
	env     starlark.StringDict

	reservedOnce sync.Once
	reserved     map[string]bool
}

// New returns a Session for one program run or REPL session. Call Close
// when it ends.
// ErrTerminated is the cause (context.Cause) of a program's context when
// SIGTERM stopped it, as opposed to Ctrl-C: blocking builtins that say
// "Keyboard interrupt received" (serve_http, as python's http.server)
// stay quiet for it.
var ErrTerminated = errors.New("terminated")

func New(cfg Config) *Session {
	if cfg.Stdout == nil {
		cfg.Stdout = os.Stdout
	}
	if cfg.Stderr == nil {
		cfg.Stderr = os.Stderr
	}
	s := &Session{
		stdout:    &syncWriter{w: cfg.Stdout},
		stderr:    &syncWriter{w: cfg.Stderr},
		input:     cfg.Input,
		progress:  cfg.Progress,
		argv:      cfg.Argv,
		path:      cfg.Path,
		extra:     cfg.Extra,
		resources: map[io.Closer]struct{}{},
	}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	if s.input == nil {
		s.input = stdinReader(os.Stdin, s.stdout)
	}
	return s
}

// Stdout is where print writes. It is safe for concurrent use.
func (s *Session) Stdout() io.Writer { return s.stdout }

// Stderr is where errors and logs go. It is safe for concurrent use.
func (s *Session) Stderr() io.Writer { return s.stderr }

// SetStdout redirects print, for example through the REPL's line editor
// so that output from background threads is drawn above the prompt.
func (s *Session) SetStdout(w io.Writer) { s.stdout.set(w) }

// SetStderr redirects error and log output like SetStdout.
func (s *Session) SetStderr(w io.Writer) { s.stderr.set(w) }

// Progress returns where long operations draw their progress, or nil
// when they must not (stderr is not a terminal).
func (s *Session) Progress() io.Writer {
	if !s.progress {
		return nil
	}
	return s.stderr
}

// SetInput replaces the function that input() calls.
func (s *Session) SetInput(f func(prompt string) (string, error)) {
	s.mu.Lock()
	s.input = f
	s.mu.Unlock()
}

// Input reads a line after showing prompt, as Python's input() does.
// It returns io.EOF at the end of input.
func (s *Session) Input(prompt string) (string, error) {
	s.mu.Lock()
	f := s.input
	s.mu.Unlock()
	return f(prompt)
}

// Argv returns sys.argv.
func (s *Session) Argv() []string { return s.argv }

// Path returns the directories load() searches after the loading file's.
func (s *Session) Path() []string { return s.path }

// Context returns the context that is cancelled when the session closes.
func (s *Session) Context() context.Context { return s.ctx }

// Track registers a resource to close when the session closes, so that a
// socket a script leaves open does not leak. The returned function
// forgets it again (call it when the resource is closed explicitly).
func (s *Session) Track(c io.Closer) (untrack func()) {
	s.mu.Lock()
	s.resources[c] = struct{}{}
	s.mu.Unlock()
	return func() {
		s.mu.Lock()
		delete(s.resources, c)
		s.mu.Unlock()
	}
}

// Wait blocks until every thread started with Go has finished, as Python
// waits for non-daemon threads before it exits. It returns early with
// the context's error if ctx is cancelled.
func (s *Session) Wait(ctx context.Context) error {
	done := make(chan struct{})
	go func() { s.threads.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Close cancels the session's context, closes every tracked resource and
// waits for the threads started with Go. It is idempotent.
func (s *Session) Close() error {
	s.cancel()
	s.mu.Lock()
	rs := make([]io.Closer, 0, len(s.resources))
	for r := range s.resources {
		rs = append(rs, r)
	}
	s.resources = map[io.Closer]struct{}{}
	s.mu.Unlock()
	var errs []error
	for _, r := range rs {
		if err := r.Close(); err != nil {
			errs = append(errs, err)
		}
	}
	s.threads.Wait()
	return errors.Join(errs...)
}

// evalContext is a thread's current evaluation context. It is stored by
// pointer so the REPL can replace it for each input without calling
// SetLocal on a running thread.
type evalContext struct {
	v atomic.Pointer[context.Context]
}

// NewThread returns a Starlark thread bound to the session: print goes
// to the session's stdout, load() resolves modules and files, and the
// thread yields the interpreter lock periodically. The caller must hold
// the lock (see Lock) while the thread runs Starlark code.
func (s *Session) NewThread(name string) *starlark.Thread {
	t := &starlark.Thread{
		Name:  name,
		Print: func(_ *starlark.Thread, msg string) { io.WriteString(s.stdout, msg+"\n") },
		Load:  s.load,
	}
	t.SetLocal(sessionKey, s)
	ec := new(evalContext)
	ctx := s.ctx
	ec.v.Store(&ctx)
	t.SetLocal(contextKey, ec)
	t.SetMaxExecutionSteps(quantum)
	t.OnMaxSteps = func(t *starlark.Thread) {
		s.gil.Unlock()
		runtime.Gosched()
		s.gil.Lock()
		t.SetMaxExecutionSteps(t.ExecutionSteps() + quantum)
		// A CPU-bound loop watches no context: stop it here when the
		// session closes (or the evaluation is cancelled), or Close
		// would wait for it forever.
		if err := Context(t).Err(); err != nil {
			t.Cancel(err.Error())
		}
	}
	return t
}

// Lock acquires the session's interpreter lock. Code that calls into
// Starlark from a goroutine of its own (an HTTP handler, a callback)
// holds it around the call.
func (s *Session) Lock() { s.gil.Lock() }

// Unlock releases the interpreter lock.
func (s *Session) Unlock() { s.gil.Unlock() }

// Go runs fn on a new goroutine with a new Starlark thread of the
// session, holding the interpreter lock while fn runs. Wait and Close
// wait for it. It is how the threading module starts threads.
func (s *Session) Go(name string, fn func(thread *starlark.Thread)) {
	s.threads.Add(1)
	go func() {
		defer s.threads.Done()
		t := s.NewThread(name)
		s.gil.Lock()
		defer s.gil.Unlock()
		fn(t)
	}()
}

// SessionOf returns the session a thread belongs to, or nil for a thread
// that was not made by NewThread.
func SessionOf(thread *starlark.Thread) *Session {
	s, _ := thread.Local(sessionKey).(*Session)
	return s
}

// Context returns the context of the thread's current evaluation. It is
// cancelled by Ctrl-C in the REPL and when the program ends; builtins
// that block watch it. A thread not made by NewThread gets a context
// that is never cancelled.
func Context(thread *starlark.Thread) context.Context {
	switch v := thread.Local(contextKey).(type) {
	case *evalContext:
		return *v.v.Load()
	case context.Context:
		return v
	}
	return context.Background()
}

// SetContext replaces the context of the thread's current evaluation. It
// is safe to call between evaluations of a thread made by NewThread.
func SetContext(thread *starlark.Thread, ctx context.Context) {
	if ec, ok := thread.Local(contextKey).(*evalContext); ok {
		ec.v.Store(&ctx)
	}
}

// Blocking runs fn without the interpreter lock, so other Starlark
// threads run while fn waits on the network or a timer. fn must not
// touch Starlark values that other threads may mutate. The context
// passed to fn is the thread's Context.
//
// A thread without a session (a plain starlark.Thread in a Go test)
// simply runs fn.
func Blocking[T any](thread *starlark.Thread, fn func(ctx context.Context) (T, error)) (T, error) {
	ctx := Context(thread)
	s := SessionOf(thread)
	if s == nil {
		return fn(ctx)
	}
	s.gil.Unlock()
	defer s.gil.Lock()
	return fn(ctx)
}

// Yield lets the other Starlark threads run for a moment: it releases the
// interpreter lock and takes it again. A long builtin (sorting millions
// of values) calls it now and then, so that a server's other handlers
// are answered meanwhile, as CPython's interpreter switches threads
// every few milliseconds. Call it only where the builtin touches no
// value another thread may change until it returns: between comparisons
// of a private copy, not while it iterates a caller's list.
func Yield(thread *starlark.Thread) {
	if s := SessionOf(thread); s != nil {
		s.gil.Unlock()
		runtime.Gosched()
		s.gil.Lock()
	}
}

// syncWriter serializes writes so concurrent prints never interleave
// within a line.
type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (w *syncWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.w.Write(p)
}

func (w *syncWriter) set(out io.Writer) {
	w.mu.Lock()
	w.w = out
	w.mu.Unlock()
}

// Run calls fn holding the interpreter lock, as the main thread of a
// program or REPL input runs. A Go panic in a builtin becomes an error
// instead of ending the process (starlark.Call does not recover), so the
// REPL's session and the terminal survive it.
func (s *Session) Run(fn func() error) (err error) {
	s.gil.Lock()
	defer s.gil.Unlock()
	defer func() {
		if p := recover(); p != nil {
			err = errors.New(i18n.T("internal.error", p))
		}
	}()
	return fn()
}
