// Package threading registers Python's threading module: threads that
// run a Starlark function concurrently, and the Lock, RLock, Semaphore and
// Event that coordinate them.
//
// # Concurrency rules
//
// netstar runs Starlark under one interpreter lock per program, like
// CPython's GIL (see package interp). A thread holds it while it runs
// Starlark code and releases it inside every call that waits: network
// calls, time.sleep, input, Thread.join, Lock.acquire, Event.wait. So:
//
//   - Threads share globals, lists and dicts exactly as in Python. A
//     single operation on them (list.append, d[k] = v, d.get(k)) is atomic
//     and never corrupts anything; go test -race stays clean.
//   - A read-modify-write sequence (d[k] += 1, "if k not in d: d[k] = 0",
//     check-then-act across a blocking call) is not atomic: a thread can
//     be switched out between the read and the write (every few thousand
//     steps, or at any blocking call). Guard such sequences with a Lock
//     (see below).
//   - The program waits for every non-daemon thread before it exits, as
//     Python does. Daemon threads are stopped when the program ends.
//   - Ctrl-C interrupts a join, acquire or wait of the main program. When
//     the program ends, every thread still running is cancelled.
//   - An error in a thread prints "Exception in thread NAME:" and the
//     traceback to stderr; it ends that thread only, not the program.
//
// A counter shared by threads, guarded by a Lock:
//
//	lock = Lock()
//	counts = {}
//	def worker(port):
//	    lock.acquire()
//	    counts["done"] = counts.get("done", 0) + 1
//	    lock.release()
//
// Python's with statement does not exist in Starlark: call acquire() and
// release() explicitly.
package threading

import (
	"context"
	"fmt"
	"math"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/netstar/netstar/modules"
	"go.starlark.net/starlark"
	"go.starlark.net/starlarkstruct"
)

// Module is the threading module as registered; every program gets its
// own copy (see ForSession), so thread names, active_count() and
// current_thread() are per program.
//
//	def Thread(group=None, target=None, name=None, args=(), kwargs={}, daemon=None)
//	def Lock()
//	def RLock()
//	def Semaphore(value=1)
//	def BoundedSemaphore(value=1)
//	def Event()
//	def current_thread()
//	def main_thread()
//	def active_count()
//	def enumerate()
//	def get_ident()
//
// A Thread has start(), run(), join(timeout=None), is_alive() and the
// attributes name, daemon, ident and native_id. Locks and semaphores have
// acquire(blocking=True, timeout=-1) and release(); Lock and RLock also
// have locked(). An Event has set(), clear(), is_set() and
// wait(timeout=None). Errors follow Python: starting a thread twice is
// RuntimeError "threads can only be started once", releasing an unlocked
// lock is RuntimeError "release unlocked lock".
var Module = &module{newModule(newState())}

type module struct{ *starlarkstruct.Module }

var _ modules.PerSession = (*module)(nil)

// ForSession returns the threading module of one program.
func (m *module) ForSession(modules.Session) starlark.Value {
	return newModule(newState())
}

// currentKey is the thread-local key holding the *Thread a Starlark
// thread runs for.
const currentKey = "netstar.threading.thread"

// state is what one program's threading module knows: the thread
// counter for default names and the threads that are alive.
type state struct {
	mu      sync.Mutex
	counter int
	alive   []*Thread
	main    *Thread
}

func newState() *state {
	st := &state{}
	st.main = &Thread{st: st, name: "MainThread", isMain: true, started: true, ident: nextIdent(), done: make(chan struct{})}
	return st
}

func (st *state) newName(target starlark.Value) string {
	st.mu.Lock()
	st.counter++
	n := st.counter
	st.mu.Unlock()
	if fn, ok := target.(starlark.Callable); ok {
		return fmt.Sprintf("Thread-%d (%s)", n, fn.Name())
	}
	return fmt.Sprintf("Thread-%d", n)
}

func (st *state) add(t *Thread) {
	st.mu.Lock()
	st.alive = append(st.alive, t)
	st.mu.Unlock()
}

func (st *state) remove(t *Thread) {
	st.mu.Lock()
	defer st.mu.Unlock()
	for i, x := range st.alive {
		if x == t {
			st.alive = append(st.alive[:i], st.alive[i+1:]...)
			return
		}
	}
}

func (st *state) enumerate() []*Thread {
	st.mu.Lock()
	defer st.mu.Unlock()
	return append([]*Thread{st.main}, st.alive...)
}

// current returns the Thread the Starlark thread runs for; the main
// program (and any thread the module did not start) is MainThread.
func (st *state) current(thread *starlark.Thread) *Thread {
	if t, ok := thread.Local(currentKey).(*Thread); ok {
		return t
	}
	return st.main
}

var idents atomic.Int64

func nextIdent() int64 { return idents.Add(1) }

// objectIDs gives each lock, event and thread a hash.
var objectIDs atomic.Uint32

func newModule(st *state) *starlarkstruct.Module {
	b := func(name string, fn func(*state, *starlark.Thread, *starlark.Builtin, starlark.Tuple, []starlark.Tuple) (starlark.Value, error)) *starlark.Builtin {
		return starlark.NewBuiltin("threading."+name, func(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
			return fn(st, thread, b, args, kwargs)
		})
	}
	return &starlarkstruct.Module{
		Name: "threading",
		Members: starlark.StringDict{
			"Thread":           b("Thread", newThread),
			"Lock":             b("Lock", newLock),
			"RLock":            b("RLock", newRLock),
			"Semaphore":        b("Semaphore", newSemaphore),
			"BoundedSemaphore": b("BoundedSemaphore", newSemaphore),
			"Event":            b("Event", newEvent),
			"current_thread":   b("current_thread", currentThread),
			"main_thread":      b("main_thread", mainThread),
			"active_count":     b("active_count", activeCount),
			"enumerate":        b("enumerate", enumerateThreads),
			"get_ident":        b("get_ident", getIdent),
		},
	}
}

func currentThread(st *state, thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	if err := starlark.UnpackPositionalArgs(b.Name(), args, kwargs, 0); err != nil {
		return nil, err
	}
	return st.current(thread), nil
}

func mainThread(st *state, thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	if err := starlark.UnpackPositionalArgs(b.Name(), args, kwargs, 0); err != nil {
		return nil, err
	}
	return st.main, nil
}

func activeCount(st *state, thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	if err := starlark.UnpackPositionalArgs(b.Name(), args, kwargs, 0); err != nil {
		return nil, err
	}
	return starlark.MakeInt(len(st.enumerate())), nil
}

func enumerateThreads(st *state, thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	if err := starlark.UnpackPositionalArgs(b.Name(), args, kwargs, 0); err != nil {
		return nil, err
	}
	ts := st.enumerate()
	vs := make([]starlark.Value, len(ts))
	for i, t := range ts {
		vs[i] = t
	}
	return starlark.NewList(vs), nil
}

func getIdent(st *state, thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	if err := starlark.UnpackPositionalArgs(b.Name(), args, kwargs, 0); err != nil {
		return nil, err
	}
	return starlark.MakeInt64(st.current(thread).ident), nil
}

// timeout is an optional timeout argument: None (wait forever) or a
// number of seconds.
type timeout struct {
	set  bool
	secs float64
}

var _ starlark.Unpacker = (*timeout)(nil)

func (t *timeout) Unpack(v starlark.Value) error {
	if v == starlark.None {
		*t = timeout{}
		return nil
	}
	f, ok := starlark.AsFloat(v)
	if !ok {
		return fmt.Errorf("got %s, want None, int or float", v.Type())
	}
	if math.IsNaN(f) {
		return fmt.Errorf("timeout is NaN")
	}
	*t = timeout{set: true, secs: f}
	return nil
}

// duration returns the timeout as a Go duration; negative timeouts are
// zero (Python's join(-1) returns at once) and huge ones are capped.
func (t timeout) duration() time.Duration {
	if t.secs <= 0 {
		return 0
	}
	if t.secs > float64(math.MaxInt64/int64(time.Second)) {
		return math.MaxInt64
	}
	return time.Duration(t.secs * float64(time.Second))
}

// waitFor blocks until ch is closed or receives, the timeout passes, or
// ctx ends. It reports whether ch fired.
func waitFor(ctx context.Context, fn string, ch <-chan struct{}, to timeout) (bool, error) {
	var timer <-chan time.Time
	if to.set {
		t := time.NewTimer(to.duration())
		defer t.Stop()
		timer = t.C
	}
	select {
	case <-ch:
		return true, nil
	case <-timer:
		return false, nil
	case <-ctx.Done():
		return false, fmt.Errorf("%s: %w", fn, ctx.Err())
	}
}

// sortedNames returns the keys of a method table, for AttrNames.
func sortedNames[V any](m map[string]V, extra ...string) []string {
	names := append([]string(nil), extra...)
	for k := range m {
		names = append(names, k)
	}
	sort.Strings(names)
	return names
}

const moduleDoc = `threading: run functions concurrently (Python's threading module)

Thread(target=f, args=(a, b)) runs f(a, b) on its own thread once you call
start(); join() waits for it. The program waits for every non-daemon thread
before it exits.

Concurrency rules. As in CPython, one interpreter lock is held while
Starlark code runs and released while a thread waits (network, sleep,
join, acquire, wait), so threads share globals, lists and dicts safely:
a single operation such as results.append(x) or d[k] = v is atomic.
A read-modify-write sequence such as d[k] += 1 is not: guard it with a
Lock (lock.acquire() ... lock.release(); Starlark has no with statement).
An error in a thread prints "Exception in thread NAME:" and its traceback
to stderr and ends only that thread. Ctrl-C interrupts join, acquire and
wait; threads still running when the program ends are cancelled.`

func init() {
	modules.Register(modules.Module{
		Name:  "threading",
		Doc:   "threads, locks and events (Python's threading module)",
		Value: Module,
		Docs: map[string]string{
			"threading":                  moduleDoc,
			"threading.Thread":           "Thread(group=None, target=None, name=None, args=(), kwargs={}, daemon=None)\nA thread that calls target(*args, **kwargs) once started. name defaults to\n\"Thread-N (target)\"; daemon defaults to the creating thread's (False for the\nmain program). A daemon thread does not keep the program alive.",
			"threading.Lock":             "Lock()\nA mutual-exclusion lock: acquire(blocking=True, timeout=-1) -> bool,\nrelease(), locked(). Any thread may release it.",
			"threading.RLock":            "RLock()\nA reentrant lock: the thread that holds it may acquire it again; it must\nrelease it as many times. Only the owner may release it.",
			"threading.Semaphore":        "Semaphore(value=1)\nA counter of permits: acquire(blocking=True, timeout=None) takes one\n(waiting while there are none), release(n=1) gives n back.",
			"threading.BoundedSemaphore": "BoundedSemaphore(value=1)\nA Semaphore whose release() fails with ValueError if it would exceed value.",
			"threading.Event":            "Event()\nA flag threads wait for: set(), clear(), is_set(), wait(timeout=None) -> bool.",
			"threading.current_thread":   "current_thread()\nReturns the Thread object of the calling thread (MainThread for the program).",
			"threading.main_thread":      "main_thread()\nReturns the MainThread object.",
			"threading.active_count":     "active_count()\nReturns the number of threads alive, the main program included.",
			"threading.enumerate":        "enumerate()\nReturns the list of threads alive, MainThread first.",
			"threading.get_ident":        "get_ident()\nReturns the calling thread's identifier (its ident).",
			"Thread.start":               "start()\nStarts the thread. A thread can be started only once (RuntimeError).",
			"Thread.run":                 "run()\nCalls target(*args, **kwargs) in the calling thread (start() runs it on a new one).",
			"Thread.join":                "join(timeout=None)\nWaits until the thread ends, or timeout seconds. Returns None: check\nis_alive() after a timeout. Ctrl-C interrupts it.",
			"Thread.is_alive":            "is_alive()\nReports whether the thread has started and not yet ended.",
			"Lock.acquire":               "acquire(blocking=True, timeout=-1)\nTakes the lock, waiting up to timeout seconds (-1: forever). Returns True\nif it got the lock. blocking=False never waits. Ctrl-C interrupts it.",
			"Lock.release":               "release()\nReleases the lock; RuntimeError \"release unlocked lock\" if it is not held.",
			"Lock.locked":                "locked()\nReports whether the lock is held.",
			"RLock.acquire":              "acquire(blocking=True, timeout=-1)\nTakes the lock, or increments its count if this thread holds it already.",
			"RLock.release":              "release()\nDecrements the count; the lock is free when it reaches zero. Only the\nowner may release (RuntimeError \"cannot release un-acquired lock\").",
			"RLock.locked":               "locked()\nReports whether some thread holds the lock.",
			"Semaphore.acquire":          "acquire(blocking=True, timeout=None)\nTakes a permit, waiting up to timeout seconds. Returns True if it got one.",
			"Semaphore.release":          "release(n=1)\nGives n permits back, waking waiting threads.",
			"Event.set":                  "set()\nSets the flag and wakes every thread waiting for it.",
			"Event.clear":                "clear()\nResets the flag.",
			"Event.is_set":               "is_set()\nReports whether the flag is set.",
			"Event.wait":                 "wait(timeout=None)\nWaits until the flag is set or timeout seconds pass; returns the flag.",
		},
	})
}
