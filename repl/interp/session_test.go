package interp_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/netstar/netstar/repl/interp"
	"go.starlark.net/starlark"
)

// hangGuard is how long a test waits before it declares a deadlock. It
// is not a speed assertion: it only turns a hang into a failure.
const hangGuard = 2 * time.Minute

func waitThreads(t *testing.T, s *interp.Session) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), hangGuard)
	defer cancel()
	if err := s.Wait(ctx); err != nil {
		t.Fatalf("threads did not finish: %v", err)
	}
}

// newSession runs src in a new session and returns the session (lock
// released) and the program's globals.
func newSession(t *testing.T, src string, extra starlark.StringDict) (*interp.Session, starlark.StringDict, *bytes.Buffer) {
	t.Helper()
	var out bytes.Buffer
	s := interp.New(interp.Config{Stdout: &out, Stderr: &out, Extra: extra})
	th := s.NewThread("main")
	s.Lock()
	g, err := s.ExecFile(th, "t.star", []byte(src))
	s.Unlock()
	if err != nil {
		s.Close()
		t.Fatal(interp.FormatError(err))
	}
	return s, g, &out
}

// Many threads mutating one dict and one list under the interpreter lock
// lose no update, and -race sees no data race. Each thread runs enough
// steps to be preempted (it yields the lock every few thousand steps).
func TestLockSharedState(t *testing.T) {
	const threads, per = 16, 3000
	src := `
d = {}
l = []
counter = {"n": 0}
def work(i):
    for j in range(PER):
        d[i * PER + j] = j
        l.append(j)
        counter["n"] += 1
`
	s, g, _ := newSession(t, strings.Replace(src, "PER", "3000", -1), nil)
	defer s.Close()
	work := g["work"]
	errs := make([]error, threads)
	for i := 0; i < threads; i++ {
		s.Go("worker", func(th *starlark.Thread) {
			_, errs[i] = starlark.Call(th, work, starlark.Tuple{starlark.MakeInt(i)}, nil)
		})
	}
	waitThreads(t, s)
	for i, err := range errs {
		if err != nil {
			t.Errorf("thread %d: %v", i, err)
		}
	}
	s.Lock()
	defer s.Unlock()
	if n := g["d"].(*starlark.Dict).Len(); n != threads*per {
		t.Errorf("len(d) = %d, want %d", n, threads*per)
	}
	if n := g["l"].(*starlark.List).Len(); n != threads*per {
		t.Errorf("len(l) = %d, want %d", n, threads*per)
	}
	if v, _, _ := g["counter"].(*starlark.Dict).Get(starlark.String("n")); v.String() != "48000" {
		t.Errorf("counter = %s, want 48000", v)
	}
}

// A thread spinning in pure Starlark must not starve another: the
// spinner waits for a flag that only the second thread sets. Without the
// periodic yield this test hangs (and fails at hangGuard).
func TestLockNoStarvation(t *testing.T) {
	spinning := make(chan struct{})
	var once sync.Once
	extra := starlark.StringDict{"signal": starlark.NewBuiltin("signal", func(*starlark.Thread, *starlark.Builtin, starlark.Tuple, []starlark.Tuple) (starlark.Value, error) {
		once.Do(func() { close(spinning) })
		return starlark.None, nil
	})}
	s, g, _ := newSession(t, `
flag = {"done": False}
spins = [0]
def spin():
    signal()
    while not flag["done"]:
        spins[0] += 1
def stop():
    flag["done"] = True
`, extra)
	defer s.Close()
	var spinErr, stopErr error
	s.Go("spinner", func(th *starlark.Thread) { _, spinErr = starlark.Call(th, g["spin"], nil, nil) })
	<-spinning // the spinner holds the lock and loops
	s.Go("stopper", func(th *starlark.Thread) { _, stopErr = starlark.Call(th, g["stop"], nil, nil) })
	waitThreads(t, s)
	if spinErr != nil || stopErr != nil {
		t.Fatalf("spin: %v, stop: %v", spinErr, stopErr)
	}
}

// Blocking releases the lock: a thread blocked in a builtin lets another
// thread run, which unblocks it. If Blocking kept the lock, this would
// deadlock.
func TestBlockingReleasesLock(t *testing.T) {
	release := make(chan struct{})
	blocked := make(chan struct{})
	extra := starlark.StringDict{
		"block": starlark.NewBuiltin("block", func(th *starlark.Thread, _ *starlark.Builtin, _ starlark.Tuple, _ []starlark.Tuple) (starlark.Value, error) {
			return interp.Blocking(th, func(ctx context.Context) (starlark.Value, error) {
				close(blocked)
				select {
				case <-release:
					return starlark.String("released"), nil
				case <-ctx.Done():
					return nil, ctx.Err()
				}
			})
		}),
		"unblock": starlark.NewBuiltin("unblock", func(*starlark.Thread, *starlark.Builtin, starlark.Tuple, []starlark.Tuple) (starlark.Value, error) {
			close(release)
			return starlark.None, nil
		}),
	}
	s, _, _ := newSession(t, "", extra)
	defer s.Close()
	var got starlark.Value
	var err1, err2 error
	s.Go("blocker", func(th *starlark.Thread) {
		got, err1 = starlark.Call(th, extra["block"], nil, nil)
	})
	<-blocked
	s.Go("releaser", func(th *starlark.Thread) { _, err2 = starlark.Call(th, extra["unblock"], nil, nil) })
	waitThreads(t, s)
	if err1 != nil || err2 != nil || got != starlark.String("released") {
		t.Fatalf("block() = %v, %v; unblock: %v", got, err1, err2)
	}
}

// Without a session, Blocking just runs fn with a live context.
func TestBlockingWithoutSession(t *testing.T) {
	v, err := interp.Blocking(&starlark.Thread{}, func(ctx context.Context) (int, error) {
		return 7, ctx.Err()
	})
	if v != 7 || err != nil {
		t.Fatalf("Blocking = %d, %v", v, err)
	}
}

// Close cancels the context that blocking builtins watch, and ends a
// CPU-bound thread, so it returns instead of waiting forever.
func TestCloseStopsThreads(t *testing.T) {
	waiting := make(chan struct{})
	spinning := make(chan struct{})
	extra := starlark.StringDict{
		"wait_ctx": starlark.NewBuiltin("wait_ctx", func(th *starlark.Thread, b *starlark.Builtin, _ starlark.Tuple, _ []starlark.Tuple) (starlark.Value, error) {
			return interp.Blocking(th, func(ctx context.Context) (starlark.Value, error) {
				close(waiting)
				<-ctx.Done()
				return nil, ctx.Err()
			})
		}),
		"spinning": starlark.NewBuiltin("spinning", func(*starlark.Thread, *starlark.Builtin, starlark.Tuple, []starlark.Tuple) (starlark.Value, error) {
			close(spinning)
			return starlark.None, nil
		}),
	}
	s, g, _ := newSession(t, "def spin():\n    spinning()\n    while True:\n        pass\n", extra)
	var waitErr, spinErr error
	s.Go("waiter", func(th *starlark.Thread) { _, waitErr = starlark.Call(th, extra["wait_ctx"], nil, nil) })
	s.Go("spinner", func(th *starlark.Thread) { _, spinErr = starlark.Call(th, g["spin"], nil, nil) })
	<-waiting
	<-spinning
	done := make(chan error)
	go func() { done <- s.Close() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Close: %v", err)
		}
	case <-time.After(hangGuard):
		t.Fatal("Close did not return")
	}
	if !errors.Is(waitErr, context.Canceled) {
		t.Errorf("blocked thread ended with %v, want context.Canceled", waitErr)
	}
	if spinErr == nil || !strings.Contains(spinErr.Error(), "cancelled") {
		t.Errorf("spinning thread ended with %v, want a cancellation", spinErr)
	}
	if s.Context().Err() == nil {
		t.Error("session context not cancelled after Close")
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

type closer struct {
	mu     sync.Mutex
	closed int
	err    error
}

func (c *closer) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.closed++
	return c.err
}

func TestTrack(t *testing.T) {
	s := interp.New(interp.Config{Stdout: io.Discard, Stderr: io.Discard})
	leftover := &closer{}
	failing := &closer{err: errors.New("boom")}
	forgotten := &closer{}
	s.Track(leftover)
	s.Track(failing)
	untrack := s.Track(forgotten)
	untrack()
	err := s.Close()
	if err == nil || !strings.Contains(err.Error(), "boom") {
		t.Errorf("Close = %v, want the failing closer's error", err)
	}
	if leftover.closed != 1 || failing.closed != 1 {
		t.Errorf("tracked resources closed %d and %d times, want once", leftover.closed, failing.closed)
	}
	if forgotten.closed != 0 {
		t.Error("an untracked resource was closed")
	}
	if err := s.Close(); err != nil || leftover.closed != 1 {
		t.Errorf("second Close = %v, closed %d times", err, leftover.closed)
	}
}

// Concurrent prints from many threads never interleave within a line.
func TestConcurrentPrintLines(t *testing.T) {
	s, g, out := newSession(t, "def say(i):\n    for j in range(200):\n        print('thread', i, 'line', j, 'x' * 50)\n", nil)
	for i := 0; i < 8; i++ {
		s.Go("printer", func(th *starlark.Thread) { starlark.Call(th, g["say"], starlark.Tuple{starlark.MakeInt(i)}, nil) })
	}
	waitThreads(t, s)
	s.Close()
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) != 8*200 {
		t.Fatalf("%d lines, want %d", len(lines), 8*200)
	}
	for _, l := range lines {
		if !strings.HasPrefix(l, "thread ") || !strings.HasSuffix(l, strings.Repeat("x", 50)) || strings.Count(l, "thread") != 1 {
			t.Fatalf("garbled line %q", l)
		}
	}
}

func TestSessionAccessors(t *testing.T) {
	var in []string
	s := interp.New(interp.Config{Argv: []string{"a.star", "x"}, Path: []string{"/p"}, Input: func(p string) (string, error) {
		in = append(in, p)
		return "typed", nil
	}})
	defer s.Close()
	if got := s.Argv(); len(got) != 2 || got[1] != "x" {
		t.Errorf("Argv = %q", got)
	}
	if got := s.Path(); len(got) != 1 || got[0] != "/p" {
		t.Errorf("Path = %q", got)
	}
	if line, err := s.Input("> "); line != "typed" || err != nil || in[0] != "> " {
		t.Errorf("Input = %q, %v (prompts %q)", line, err, in)
	}
	s.SetInput(func(string) (string, error) { return "", io.EOF })
	if _, err := s.Input(""); err != io.EOF {
		t.Errorf("Input after SetInput = %v, want io.EOF", err)
	}
	var a, b bytes.Buffer
	s.SetStdout(&a)
	s.SetStderr(&b)
	io.WriteString(s.Stdout(), "out")
	io.WriteString(s.Stderr(), "err")
	if a.String() != "out" || b.String() != "err" {
		t.Errorf("redirected streams got %q and %q", a.String(), b.String())
	}
	th := s.NewThread("t")
	if interp.SessionOf(th) != s || interp.SessionOf(&starlark.Thread{}) != nil {
		t.Error("SessionOf does not find the thread's session")
	}
	ctx, cancel := context.WithCancel(context.Background())
	interp.SetContext(th, ctx)
	cancel()
	if interp.Context(th).Err() == nil {
		t.Error("SetContext did not replace the thread's context")
	}
	if interp.Context(&starlark.Thread{}).Err() != nil {
		t.Error("a plain thread's context is cancelled")
	}
}

func TestPredeclared(t *testing.T) {
	s := interp.New(interp.Config{Extra: starlark.StringDict{"extra_name": starlark.MakeInt(5), testModule: starlark.String("replaced")}})
	defer s.Close()
	env := s.Predeclared("mymod")
	if env["__name__"] != starlark.String("mymod") {
		t.Errorf("__name__ = %v", env["__name__"])
	}
	if env["extra_name"] != starlark.MakeInt(5) {
		t.Error("Config.Extra name missing")
	}
	if env[testModule] != starlark.String("replaced") {
		t.Error("Config.Extra does not replace a registered name")
	}
	if env[testSingle] == nil || env["__import__"] == nil || env["__pymethod__"] == nil {
		t.Error("registered module or dialect helpers missing")
	}
}
