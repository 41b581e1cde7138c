package threading_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	_ "github.com/netstar/netstar/builtins"
	_ "github.com/netstar/netstar/modules/threading"
	_ "github.com/netstar/netstar/modules/time"
	"github.com/netstar/netstar/repl/interp"
	"go.starlark.net/starlark"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// result is what a program run produced.
type result struct {
	stdout, stderr string
	err            error // from ExecFile
	waitErr        error // from Session.Wait
}

// run executes src as a program the way the runner does: ExecFile with
// the lock held, then Wait for non-daemon threads, then Close.
func run(t *testing.T, src string) result {
	t.Helper()
	return runCtx(t, src, nil, nil)
}

// runCtx is run with a hook called with the main thread before the
// program starts (to replace its context), and waitCtx bounding Wait as
// the runner's Ctrl-C would (nil: no bound).
func runCtx(t *testing.T, src string, setup func(th *starlark.Thread), waitCtx context.Context) result {
	t.Helper()
	var out, errb bytes.Buffer
	s := interp.New(interp.Config{Stdout: &out, Stderr: &errb, Argv: []string{"t.star"}})
	th := s.NewThread("main")
	if setup != nil {
		setup(th)
	}
	s.Lock()
	_, err := s.ExecFile(th, "t.star", []byte(src))
	s.Unlock()
	// The bound only keeps a broken test from hanging the suite.
	if waitCtx == nil {
		waitCtx = context.Background()
	}
	ctx, cancel := context.WithTimeout(waitCtx, time.Minute)
	defer cancel()
	werr := s.Wait(ctx)
	if cerr := s.Close(); cerr != nil {
		t.Errorf("Close: %v", cerr)
	}
	if ee, ok := err.(*starlark.EvalError); ok {
		err = errors.New(ee.Backtrace())
	}
	return result{stdout: out.String(), stderr: errb.String(), err: err, waitErr: werr}
}

func mustRun(t *testing.T, src string) result {
	t.Helper()
	r := run(t, src)
	if r.err != nil {
		t.Fatalf("program failed: %v\nstdout:\n%s\nstderr:\n%s", r.err, r.stdout, r.stderr)
	}
	if r.waitErr != nil {
		t.Fatalf("Wait: %v", r.waitErr)
	}
	return r
}

func TestSharedStateRaceFree(t *testing.T) {
	src := `
import threading
from threading import Thread, Lock

results = []
counts = {"n": 0}
lock = Lock()

def worker(i, rounds):
    for j in range(rounds):
        results.append((i, j))
        lock.acquire()
        counts["n"] += 1
        counts[i] = counts.get(i, 0) + 1
        lock.release()

threads = [Thread(target=worker, args=(i,), kwargs={"rounds": 300}) for i in range(40)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print(len(results), counts["n"], len([k for k in counts if k != "n"]))
for i in range(40):
    if counts[i] != 300:
        fail("worker", i, "counted", counts[i])
if sorted(results) != sorted([(i, j) for i in range(40) for j in range(300)]):
    fail("results differ")
print(threading.active_count())
`
	r := mustRun(t, src)
	if want := "12000 12000 40\n1\n"; r.stdout != want {
		t.Errorf("stdout = %q, want %q", r.stdout, want)
	}
	if r.stderr != "" {
		t.Errorf("stderr = %q", r.stderr)
	}
}

func TestProgramWaitsForThreads(t *testing.T) {
	// The main program ends before its threads; Wait lets them finish,
	// as Python waits for non-daemon threads.
	src := `
import time
from threading import *
done = []
def late(n):
    time.sleep(0.01)
    done.append(n)  # the program's globals stay mutable after it ends
    print("late", n)
for n in range(3):
    Thread(target=late, args=[n]).start()
print("main done")
`
	r := mustRun(t, src)
	if r.stderr != "" {
		t.Errorf("stderr = %q", r.stderr)
	}
	if !strings.HasPrefix(r.stdout, "main done\n") {
		t.Errorf("stdout = %q, want main done first", r.stdout)
	}
	for _, want := range []string{"late 0\n", "late 1\n", "late 2\n"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("stdout = %q, missing %q", r.stdout, want)
		}
	}
}

func TestJoin(t *testing.T) {
	src := `
from threading import *
ev = Event()
def waiter():
    ev.wait()
t = Thread(target=waiter, name="w")
ok, err = catch(t.join)
print(str(err))
print(t.is_alive(), t.ident)
t.start()
print(t.is_alive(), t.ident != None)
t.join(0.01)
print("after timeout", t.is_alive())
t.join(timeout=-1)
ev.set()
t.join()
print("after join", t.is_alive())
t.join()
print(t)
def self_join():
    print(str(catch(current_thread().join)[1]))
s = Thread(target=self_join)
s.start()
s.join()
print(str(catch(main_thread().join)[1]))
`
	r := mustRun(t, src)
	want := `cannot join thread before it is started
False None
True True
after timeout True
after join False
<Thread(w, stopped `
	if !strings.HasPrefix(r.stdout, want) {
		t.Errorf("stdout = %q, want prefix %q", r.stdout, want)
	}
	if !strings.HasSuffix(r.stdout, ")>\ncannot join current thread\ncannot join current thread\n") {
		t.Errorf("stdout = %q, want two 'cannot join current thread'", r.stdout)
	}
}

func TestThreadAttributes(t *testing.T) {
	src := `
import threading
def worker(a, b=0):
    me = threading.current_thread()
    print(me.name, a, b, me.ident == threading.get_ident(), me.daemon)
    print(threading.active_count(), len(threading.enumerate()))
t1 = threading.Thread(target=worker, args=(1,), kwargs={"b": 2})
t2 = threading.Thread(target=worker, args=(3,), name="custom")
t3 = threading.Thread(target=worker, args=(4,))
print(t1.name, t2.name, t3.name)
print(t1)
t1.start(); t1.join()
t2.daemon = True
t2.setName("renamed")
t2.start(); t2.join()
print(str(catch(t1.start)[1]))
def set_daemon(t):
    t.daemon = False
print(str(catch(set_daemon, t1)[1]))
main = threading.current_thread()
print(main.name, main == threading.main_thread(), main.is_alive(), main.daemon)
print(threading.main_thread())
t4 = threading.Thread()
t4.start(); t4.join()
print(t4.name)
def inherit():
    print("inherited daemon", threading.Thread(target=worker).daemon)
d = threading.Thread(target=inherit, daemon=True)
d.start(); d.join()
print(type(t1), type(threading.Lock()), type(threading.RLock()), type(threading.Event()))
print(dir(t1))
`
	r := mustRun(t, src)
	lines := strings.Split(r.stdout, "\n")
	checks := []struct {
		line int
		want string
	}{
		{0, "Thread-1 (worker) custom Thread-2 (worker)"},
		{1, "<Thread(Thread-1 (worker), initial)>"},
		{2, "Thread-1 (worker) 1 2 True False"},
		{3, "2 2"},
		{4, "renamed 3 0 True True"},
		{5, "2 2"},
		{6, "threads can only be started once"},
		{7, "cannot set daemon status of active thread"},
		{8, "MainThread True True False"},
		{10, "Thread-3"},
		{11, "inherited daemon True"},
		{12, "Thread lock RLock Event"},
		{13, `['daemon', 'getName', 'ident', 'isDaemon', 'is_alive', 'join', 'name', 'native_id', 'run', 'setDaemon', 'setName', 'start']`},
	}
	for _, c := range checks {
		if c.line >= len(lines) || lines[c.line] != c.want {
			t.Errorf("line %d: got %q, want %q\nstdout:\n%s", c.line, at(lines, c.line), c.want, r.stdout)
		}
	}
	if !strings.HasPrefix(at(lines, 9), "<_MainThread(MainThread, started ") {
		t.Errorf("main thread repr = %q", at(lines, 9))
	}
}

func at(lines []string, i int) string {
	if i < len(lines) {
		return lines[i]
	}
	return "<missing>"
}

func TestLockSemantics(t *testing.T) {
	src := `
from threading import *
l = Lock()
print(l, l.locked())
print(str(catch(l.release)[1]))
print(l.acquire(), l.locked(), l)
print(l.acquire(False), l.acquire(blocking=False), l.acquire(timeout=0.01), l.acquire(True, 0))
# another thread may release a Lock
def releaser():
    l.release()
t = Thread(target=releaser); t.start(); t.join()
print(l.locked())

r = RLock()
print(r.acquire(), r.acquire(), r.locked())
got = []
def other():
    got.append(r.acquire(False))
    got.append(catch(r.release)[1].type)
t = Thread(target=other); t.start(); t.join()
print(got)
r.release()
print(r.locked())
r.release()
print(r.locked(), r)
print(str(catch(r.release)[1]))

s = Semaphore(2)
print(s.acquire(), s.acquire(), s.acquire(False), s.acquire(timeout=0.01))
s.release(2)
print(s.acquire(False), s)
b = BoundedSemaphore(1)
print(str(catch(b.release)[1]))
b.acquire()
b.release()

e = Event()
print(e.is_set(), e.wait(0.01), e.wait(0), e)
def setter():
    e.set()
Thread(target=setter).start()
print(e.wait(), e.is_set(), e)
e.clear()
print(e.is_set())
`
	r := mustRun(t, src)
	want := `<unlocked _thread.lock object> False
release unlocked lock
True True <locked _thread.lock object>
False False False False
False
True True True
[False, 'RuntimeError']
True
False <unlocked _thread.RLock object owner=0 count=0>
cannot release un-acquired lock
True True False False
True <threading.Semaphore: value=1>
Semaphore released too many times
False False False <threading.Event: unset>
True True <threading.Event: set>
False
`
	if r.stdout != want {
		t.Errorf("stdout:\n%s\nwant:\n%s", r.stdout, want)
	}
}

func TestLockWaitsForHolder(t *testing.T) {
	// A blocked acquire releases the interpreter lock so the holder can
	// run and release: no deadlock, and the waiter gets the lock.
	src := `
from threading import *
import time
l = Lock()
order = []
l.acquire()
def waiter():
    l.acquire()
    order.append("waiter got it")
    l.release()
t = Thread(target=waiter); t.start()
time.sleep(0.01)
order.append("main releases")
l.release()
t.join()
print(order)
`
	r := mustRun(t, src)
	if want := "['main releases', 'waiter got it']\n"; r.stdout != want {
		t.Errorf("stdout = %q, want %q", r.stdout, want)
	}
}

func TestExceptionInThread(t *testing.T) {
	src := `
from threading import Thread
def boom(x):
    return 1 // x
def bye():
    exit(3)
t = Thread(target=boom, args=(0,)); t.start(); t.join()
t = Thread(target=bye); t.start(); t.join()
print("still running")
`
	r := mustRun(t, src)
	if r.stdout != "still running\n" {
		t.Errorf("stdout = %q", r.stdout)
	}
	if !strings.HasPrefix(r.stderr, "Exception in thread Thread-1 (boom):\nTraceback (most recent call last):\n") ||
		!strings.Contains(r.stderr, "t.star:4:14: in boom") || !strings.Contains(r.stderr, "ZeroDivisionError: integer division or modulo by zero") {
		t.Errorf("stderr = %q", r.stderr)
	}
	if strings.Contains(r.stderr, "Thread-2") {
		t.Errorf("exit() in a thread was reported: %q", r.stderr)
	}
}

func TestInterruptJoin(t *testing.T) {
	// Ctrl-C cancels the main evaluation's context: a join (or acquire,
	// or wait) that would block forever returns at once with the error.
	for _, call := range []string{"t.join()", "l.acquire()", "ev.wait()", "s.acquire()"} {
		t.Run(call, func(t *testing.T) {
			src := `
from threading import *
ev = Event()
l = Lock(); l.acquire()
s = Semaphore(0)
t = Thread(target=ev.wait)
t.start()
` + call + `
print("not reached")
`
			ctx, cancel := context.WithCancel(context.Background())
			r := runCtx(t, src, func(th *starlark.Thread) {
				interp.SetContext(th, ctx)
				cancel()
			}, ctx)
			if r.err == nil || !strings.Contains(r.err.Error(), "context canceled") {
				t.Errorf("err = %v, want context canceled", r.err)
			}
			if r.stdout != "" || r.stderr != "" {
				t.Errorf("stdout = %q, stderr = %q", r.stdout, r.stderr)
			}
			if !errors.Is(r.waitErr, context.Canceled) {
				t.Errorf("Wait = %v, want context.Canceled (the thread still waits)", r.waitErr)
			}
		})
	}
}

func TestDaemonThreadsDoNotBlockExit(t *testing.T) {
	src := `
from threading import Thread
import time
def forever():
    while True:
        time.sleep(0.001)
def spin():
    while True:
        pass
Thread(target=forever, daemon=True).start()
t = Thread(target=spin)
t.daemon = True
t.start()
print("bye")
`
	// Wait returns although both daemon threads run forever; Close stops
	// them (a sleeping one through its context, a spinning one through
	// Thread.Cancel); goleak checks they are gone.
	r := mustRun(t, src)
	if r.stdout != "bye\n" || r.stderr != "" {
		t.Errorf("stdout = %q, stderr = %q", r.stdout, r.stderr)
	}
}

func TestCloseStopsNonDaemonThreads(t *testing.T) {
	// A program stopped with Ctrl-C: Close cancels threads that would
	// run forever instead of hanging.
	var out bytes.Buffer
	s := interp.New(interp.Config{Stdout: &out, Stderr: &out})
	th := s.NewThread("main")
	s.Lock()
	_, err := s.ExecFile(th, "t.star", []byte(`
from threading import Thread, Event
def spin():
    while True:
        pass
Thread(target=spin).start()
Thread(target=Event().wait).start()
`))
	s.Unlock()
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if out.String() != "" {
		t.Errorf("output = %q", out.String())
	}
	goleak.VerifyNone(t)
}

func TestStartAfterClose(t *testing.T) {
	s := interp.New(interp.Config{Stdout: &bytes.Buffer{}, Stderr: &bytes.Buffer{}})
	th := s.NewThread("main")
	s.Lock()
	g, err := s.ExecFile(th, "t.star", []byte("from threading import Thread\nt = Thread(target=print)\n"))
	s.Unlock()
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	start, _ := g["t"].(starlark.HasAttrs).Attr("start")
	s.Lock()
	_, err = starlark.Call(th, start, nil, nil)
	s.Unlock()
	if err == nil || !strings.Contains(err.Error(), "can't create new thread at interpreter shutdown") {
		t.Errorf("err = %v", err)
	}
}

func TestBadInput(t *testing.T) {
	tests := []struct {
		code, want string
	}{
		{"Thread(target=5)", "threading.Thread: for parameter target: got int, want a function"},
		{"Thread(target=print, args='ab')", "threading.Thread: for parameter args: got string, want tuple or list (a one-element tuple needs a comma: args=(x,))"},
		{"Thread(target=print, args=5)", "for parameter args: got int, want tuple or list"},
		{"Thread(target=print, kwargs=[1])", "threading.Thread: for parameter kwargs: got list, want dict"},
		{"Thread(target=print, kwargs={1: 2})", "keywords must be strings, not int"},
		{"Thread(target=print, daemon='yes')", "for parameter daemon: got string, want bool or None"},
		{"Thread(1)", "for parameter group: must be None"},
		{"Thread(target=print, bogus=1)", "threading.Thread: unexpected keyword argument \"bogus\""},
		{"Thread().join('x')", "Thread.join: for parameter timeout: got string, want None, int or float"},
		{"Thread().start(1)", "Thread.start: got 1 arguments, want 0"},
		{"Thread().ident = 3", "Thread.ident is read-only"},
		{"Thread().name = 3", "Thread.name: got int, want string"},
		{"Lock().acquire(timeout='x')", "Lock.acquire: for parameter timeout: got string, want int or float"},
		{"Lock().acquire(False, 1)", "can't specify a timeout for a non-blocking call"},
		{"Lock().acquire(timeout=-2)", "timeout value must be positive"},
		{"Lock(1)", "threading.Lock: got 1 arguments, want 0"},
		{"RLock().acquire('x')", "RLock.acquire: for parameter blocking: got string, want bool"},
		{"Semaphore(-1)", "semaphore initial value must be >= 0"},
		{"Semaphore('a')", "threading.Semaphore: for parameter value: got string, want int"},
		{"Semaphore().release(0)", "n must be one or more"},
		{"Event().wait('x')", "Event.wait: for parameter timeout: got string, want None, int or float"},
		{"current_thread(1)", "threading.current_thread: got 1 arguments, want 0"},
		{"Lock().frob()", "lock has no .frob field or method"},
	}
	for _, tc := range tests {
		t.Run(tc.code, func(t *testing.T) {
			r := run(t, "from threading import *\n"+tc.code+"\n")
			if r.err == nil || !strings.Contains(r.err.Error(), tc.want) {
				t.Errorf("err = %v, want %q", r.err, tc.want)
			}
		})
	}
}

func TestWithoutSession(t *testing.T) {
	// A plain starlark.Thread (no session) can make locks but not start
	// threads: starting needs the interpreter lock.
	m := starlark.StringDict{}
	for _, name := range []string{"Thread", "Lock"} {
		v, _ := threadingModule(t).Attr(name)
		m[name] = v
	}
	_, err := starlark.ExecFile(&starlark.Thread{}, "t.star", "l = Lock()\nl.acquire()\nThread(target=print).start()\n", m)
	if err == nil || !strings.Contains(err.Error(), "threads need a netstar session") {
		t.Errorf("err = %v", err)
	}
}

func threadingModule(t *testing.T) starlark.HasAttrs {
	t.Helper()
	s := interp.New(interp.Config{})
	defer s.Close()
	return s.Predeclared("x")["threading"].(starlark.HasAttrs)
}

func TestPerSessionState(t *testing.T) {
	// Thread numbering restarts in every program.
	for range 2 {
		r := mustRun(t, "from threading import Thread\nprint(Thread(target=print).name)\n")
		if r.stdout != "Thread-1 (print)\n" {
			t.Errorf("stdout = %q", r.stdout)
		}
	}
}

func TestHelpDocs(t *testing.T) {
	r := mustRun(t, "import threading\nhelp(threading.Lock().acquire)\nhelp(threading)\n")
	if !strings.Contains(r.stdout, "acquire(blocking=True, timeout=-1)") || !strings.Contains(r.stdout, "Concurrency rules") {
		t.Errorf("help output = %q", r.stdout)
	}
}

func BenchmarkLockAcquireRelease(b *testing.B) {
	s := interp.New(interp.Config{Stdout: &bytes.Buffer{}})
	defer s.Close()
	th := s.NewThread("main")
	s.Lock()
	defer s.Unlock()
	g, err := s.ExecFile(th, "b.star", []byte("from threading import Lock\nl = Lock()\ndef f(n):\n    for i in range(n):\n        l.acquire()\n        l.release()\n"))
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	if _, err := starlark.Call(th, g["f"], starlark.Tuple{starlark.MakeInt(b.N)}, nil); err != nil {
		b.Fatal(err)
	}
}
