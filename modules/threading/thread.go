package threading

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/netstar/netstar/builtins/pyerr"
	"github.com/netstar/netstar/repl/interp"
	"go.starlark.net/starlark"
)

// Thread is a threading.Thread: a Starlark function run on its own
// goroutine, holding the program's interpreter lock while it runs
// Starlark code. It is safe to use from several Starlark threads.
type Thread struct {
	st     *state
	target starlark.Value // a Callable, or None
	args   starlark.Tuple
	kwargs []starlark.Tuple
	isMain bool
	hash   uint32

	mu      sync.Mutex
	name    string
	daemon  bool
	started bool
	ident   int64         // 0 until started
	done    chan struct{} // closed when the thread has ended
}

var (
	_ starlark.HasAttrs    = (*Thread)(nil)
	_ starlark.HasSetField = (*Thread)(nil)
)

func newThread(st *state, thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var group, target, name, daemon starlark.Value = starlark.None, starlark.None, starlark.None, starlark.None
	var targs starlark.Value = starlark.Tuple{}
	var tkwargs starlark.Value = starlark.None
	if err := starlark.UnpackArgs(b.Name(), args, kwargs,
		"group?", &group, "target?", &target, "name?", &name, "args?", &targs, "kwargs?", &tkwargs, "daemon?", &daemon); err != nil {
		return nil, err
	}
	if group != starlark.None {
		return nil, pyerr.Errorf("TypeError", "%s: for parameter group: must be None (reserved for a future extension)", b.Name())
	}
	if _, ok := target.(starlark.Callable); !ok && target != starlark.None {
		return nil, pyerr.Errorf("TypeError", "%s: for parameter target: got %s, want a function", b.Name(), target.Type())
	}
	t := &Thread{st: st, target: target, hash: objectIDs.Add(1), done: make(chan struct{})}
	switch a := targs.(type) {
	case starlark.Tuple:
		t.args = a
	case *starlark.List:
		t.args = make(starlark.Tuple, a.Len())
		for i := range t.args {
			t.args[i] = a.Index(i)
		}
	default:
		hint := ""
		if targs.Type() == "string" || targs.Type() == "int" {
			hint = " (a one-element tuple needs a comma: args=(x,))"
		}
		return nil, pyerr.Errorf("TypeError", "%s: for parameter args: got %s, want tuple or list%s", b.Name(), targs.Type(), hint)
	}
	switch kw := tkwargs.(type) {
	case starlark.NoneType:
	case *starlark.Dict:
		for _, item := range kw.Items() {
			if _, ok := item[0].(starlark.String); !ok {
				return nil, pyerr.Errorf("TypeError", "%s: for parameter kwargs: keywords must be strings, not %s", b.Name(), item[0].Type())
			}
			t.kwargs = append(t.kwargs, starlark.Tuple{item[0], item[1]})
		}
	default:
		return nil, pyerr.Errorf("TypeError", "%s: for parameter kwargs: got %s, want dict", b.Name(), tkwargs.Type())
	}
	switch n := name.(type) {
	case starlark.NoneType:
		t.name = st.newName(target)
	case starlark.String:
		t.name = string(n)
	default:
		t.name = n.String()
	}
	switch d := daemon.(type) {
	case starlark.NoneType:
		t.daemon = st.current(thread).isDaemon()
	case starlark.Bool:
		t.daemon = bool(d)
	default:
		return nil, pyerr.Errorf("TypeError", "%s: for parameter daemon: got %s, want bool or None", b.Name(), daemon.Type())
	}
	return t, nil
}

func (t *Thread) isDaemon() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.daemon
}

// Name returns the thread's name.
func (t *Thread) Name() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.name
}

// String returns Python's repr: <Thread(Thread-1 (scan), started 7)>.
func (t *Thread) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	status := "initial"
	if t.started {
		status = "started"
		select {
		case <-t.done:
			status = "stopped"
		default:
		}
	}
	if t.daemon {
		status += " daemon"
	}
	if t.ident != 0 {
		status += fmt.Sprintf(" %d", t.ident)
	}
	class := "Thread"
	if t.isMain {
		class = "_MainThread"
	}
	return fmt.Sprintf("<%s(%s, %s)>", class, t.name, status)
}

// Type returns "Thread".
func (t *Thread) Type() string { return "Thread" }

// Freeze does nothing: a Thread is a synchronized object shared between
// threads, like a lock.
func (t *Thread) Freeze() {}

// Truth returns True.
func (t *Thread) Truth() starlark.Bool { return true }

// Hash hashes the thread's identity.
func (t *Thread) Hash() (uint32, error) { return t.hash, nil }

var threadMethods = map[string]method[*Thread]{
	"start":    (*Thread).start,
	"run":      (*Thread).run,
	"join":     (*Thread).join,
	"is_alive": (*Thread).isAlive,
	"getName": func(t *Thread, _ *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
		return t.getAttr(b, args, kwargs, "name")
	},
	"isDaemon": func(t *Thread, _ *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
		return t.getAttr(b, args, kwargs, "daemon")
	},
	"setName": func(t *Thread, _ *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
		return t.setAttr(b, args, kwargs, "name")
	},
	"setDaemon": func(t *Thread, _ *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
		return t.setAttr(b, args, kwargs, "daemon")
	},
}

var threadFields = []string{"daemon", "ident", "name", "native_id"}

// AttrNames lists the thread's methods and attributes.
func (t *Thread) AttrNames() []string { return sortedNames(threadMethods, threadFields...) }

// Attr returns a method or one of name, daemon, ident, native_id.
func (t *Thread) Attr(name string) (starlark.Value, error) {
	if v := t.field(name); v != nil {
		return v, nil
	}
	m, ok := threadMethods[name]
	if !ok {
		return nil, nil
	}
	return bind("Thread", name, t, m), nil
}

// field returns the value of an attribute that is not a method, or nil.
func (t *Thread) field(name string) starlark.Value {
	t.mu.Lock()
	defer t.mu.Unlock()
	switch name {
	case "name":
		return starlark.String(t.name)
	case "daemon":
		return starlark.Bool(t.daemon)
	case "ident", "native_id":
		if t.ident == 0 {
			return starlark.None
		}
		return starlark.MakeInt64(t.ident)
	}
	return nil
}

// SetField sets name (a string) or daemon (a bool, before start).
func (t *Thread) SetField(name string, v starlark.Value) error {
	switch name {
	case "name":
		s, ok := v.(starlark.String)
		if !ok {
			return pyerr.Errorf("TypeError", "Thread.name: got %s, want string", v.Type())
		}
		t.mu.Lock()
		t.name = string(s)
		t.mu.Unlock()
		return nil
	case "daemon":
		d, ok := v.(starlark.Bool)
		if !ok {
			return pyerr.Errorf("TypeError", "Thread.daemon: got %s, want bool", v.Type())
		}
		t.mu.Lock()
		defer t.mu.Unlock()
		if t.started {
			return pyerr.New("RuntimeError", "cannot set daemon status of active thread")
		}
		t.daemon = bool(d)
		return nil
	case "ident", "native_id":
		return pyerr.Errorf("AttributeError", "Thread.%s is read-only", name)
	}
	return starlark.NoSuchAttrError(fmt.Sprintf("Thread has no .%s field", name))
}

func (t *Thread) getAttr(b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple, field string) (starlark.Value, error) {
	if err := starlark.UnpackPositionalArgs(b.Name(), args, kwargs, 0); err != nil {
		return nil, err
	}
	return t.field(field), nil
}

func (t *Thread) setAttr(b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple, field string) (starlark.Value, error) {
	var v starlark.Value
	if err := starlark.UnpackPositionalArgs(b.Name(), args, kwargs, 1, &v); err != nil {
		return nil, err
	}
	if err := t.SetField(field, v); err != nil {
		return nil, fmt.Errorf("%s: %w", b.Name(), err)
	}
	return starlark.None, nil
}

func (t *Thread) start(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	if err := starlark.UnpackPositionalArgs(b.Name(), args, kwargs, 0); err != nil {
		return nil, err
	}
	s := interp.SessionOf(thread)
	if s == nil {
		return nil, pyerr.Errorf("RuntimeError", "%s: threads need a netstar session (interp.New)", b.Name())
	}
	if s.Context().Err() != nil {
		return nil, pyerr.New("RuntimeError", "can't create new thread at interpreter shutdown")
	}
	t.mu.Lock()
	if t.started || t.isMain {
		t.mu.Unlock()
		return nil, pyerr.New("RuntimeError", "threads can only be started once")
	}
	t.started = true
	t.ident = nextIdent()
	name, daemon := t.name, t.daemon
	t.mu.Unlock()
	t.st.add(t)

	if !daemon {
		// Session.Go counts the thread: the program waits for it.
		s.Go(name, t.bootstrap)
		return starlark.None, nil
	}
	// A daemon thread does not keep the program alive: it is not counted
	// by Session.Wait, but Session.Close (which cancels it first) still
	// waits for it, so nothing runs after the session is closed.
	untrack := s.Track(&daemonCloser{t})
	go func() {
		defer untrack()
		th := s.NewThread(name)
		s.Lock()
		defer s.Unlock()
		t.bootstrap(th)
	}()
	return starlark.None, nil
}

// daemonCloser waits for a daemon thread when the session closes (the
// session has cancelled it by then).
type daemonCloser struct{ t *Thread }

func (c *daemonCloser) Close() error {
	<-c.t.done
	return nil
}

// bootstrap runs on the new goroutine, holding the interpreter lock.
func (t *Thread) bootstrap(th *starlark.Thread) {
	defer close(t.done)
	defer t.st.remove(t)
	defer func() {
		// A Go panic in a builtin must not kill the program from a thread.
		if p := recover(); p != nil {
			t.report(th, fmt.Errorf("netstar: internal error: %v (please report it)", p))
		}
	}()
	th.SetLocal(currentKey, t)
	// Starlark threads are not interrupted by a cancelled context, only by
	// Cancel: stop this one when the program ends.
	stop := context.AfterFunc(interp.Context(th), func() { th.Cancel("program ended") })
	defer stop()
	if err := t.call(th); err != nil {
		t.report(th, err)
	}
}

func (t *Thread) call(thread *starlark.Thread) error {
	if t.target == starlark.None {
		return nil
	}
	_, err := starlark.Call(thread, t.target, t.args, t.kwargs)
	return err
}

// report prints an uncaught error as Python's threading.excepthook does.
// sys.exit() in a thread just ends the thread, and errors caused by the
// end of the program are not reported.
func (t *Thread) report(th *starlark.Thread, err error) {
	if _, ok := interp.ExitCode(err); ok {
		return
	}
	if interp.Context(th).Err() != nil || errors.Is(err, context.Canceled) {
		return
	}
	s := interp.SessionOf(th)
	if s == nil {
		return
	}
	// The same form the program's own uncaught errors take.
	msg := interp.FormatError(err)
	io.WriteString(s.Stderr(), fmt.Sprintf("Exception in thread %s:\n%s\n", t.Name(), strings.TrimRight(msg, "\n")))
}

func (t *Thread) run(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	if err := starlark.UnpackPositionalArgs(b.Name(), args, kwargs, 0); err != nil {
		return nil, err
	}
	if err := t.call(thread); err != nil {
		return nil, err
	}
	return starlark.None, nil
}

func (t *Thread) join(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var to timeout
	if err := starlark.UnpackArgs(b.Name(), args, kwargs, "timeout?", &to); err != nil {
		return nil, err
	}
	t.mu.Lock()
	started := t.started
	t.mu.Unlock()
	if !started {
		return nil, pyerr.New("RuntimeError", "cannot join thread before it is started")
	}
	if t.st.current(thread) == t {
		return nil, pyerr.New("RuntimeError", "cannot join current thread")
	}
	select {
	case <-t.done:
		return starlark.None, nil
	default:
	}
	if to.set && to.secs <= 0 {
		return starlark.None, nil
	}
	_, err := interp.Blocking(thread, func(ctx context.Context) (bool, error) {
		return waitFor(ctx, b.Name(), t.done, to)
	})
	if err != nil {
		return nil, err
	}
	return starlark.None, nil
}

func (t *Thread) isAlive(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	if err := starlark.UnpackPositionalArgs(b.Name(), args, kwargs, 0); err != nil {
		return nil, err
	}
	return starlark.Bool(t.alive()), nil
}

func (t *Thread) alive() bool {
	t.mu.Lock()
	started := t.started
	t.mu.Unlock()
	if !started {
		return false
	}
	if t.isMain {
		return true
	}
	select {
	case <-t.done:
		return false
	default:
		return true
	}
}
