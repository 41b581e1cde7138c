package threading

import (
	"context"
	"fmt"
	"sync"

	"github.com/netstar/netstar/builtins/pyerr"
	"github.com/netstar/netstar/repl/interp"
	"go.starlark.net/starlark"
)

// method is the Go form of a value's Starlark method.
type method[T any] func(T, *starlark.Thread, *starlark.Builtin, starlark.Tuple, []starlark.Tuple) (starlark.Value, error)

// bind returns a method table entry bound to its receiver, named Type.name.
func bind[T any](typ, name string, recv T, m method[T]) starlark.Value {
	return starlark.NewBuiltin(typ+"."+name, func(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
		return m(recv, thread, b, args, kwargs)
	})
}

// acquireArgs unpacks Python's acquire(blocking=True, timeout=-1).
func acquireArgs(b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (blocking bool, to timeout, err error) {
	blocking = true
	var tv starlark.Value = starlark.MakeInt(-1)
	if err := starlark.UnpackArgs(b.Name(), args, kwargs, "blocking?", &blocking, "timeout?", &tv); err != nil {
		return false, to, err
	}
	f, ok := starlark.AsFloat(tv)
	if tv == starlark.None {
		f, ok = -1, true
	}
	if !ok {
		return false, to, pyerr.Errorf("TypeError", "%s: for parameter timeout: got %s, want int or float", b.Name(), tv.Type())
	}
	if f != -1 && !blocking {
		return false, to, pyerr.New("ValueError", "can't specify a timeout for a non-blocking call")
	}
	if f < 0 && f != -1 {
		return false, to, pyerr.New("ValueError", "timeout value must be positive")
	}
	if f >= 0 {
		to = timeout{set: true, secs: f}
	}
	return blocking, to, nil
}

// sem is a binary semaphore: the lock is held while the channel holds a
// token. Acquiring without waiting keeps the interpreter lock; waiting
// releases it.
type sem chan struct{}

func (s sem) tryAcquire() bool {
	select {
	case s <- struct{}{}:
		return true
	default:
		return false
	}
}

func (s sem) acquire(thread *starlark.Thread, fn string, blocking bool, to timeout) (bool, error) {
	if s.tryAcquire() {
		return true, nil
	}
	if !blocking || (to.set && to.secs == 0) {
		return false, nil
	}
	return interp.Blocking(thread, func(ctx context.Context) (bool, error) {
		var timer <-chan struct{}
		if to.set {
			c, cancel := context.WithTimeout(ctx, to.duration())
			defer cancel()
			timer = c.Done()
		}
		select {
		case s <- struct{}{}:
			return true, nil
		case <-timer:
			if ctx.Err() == nil {
				return false, nil
			}
			return false, fmt.Errorf("%s: %w", fn, ctx.Err())
		case <-ctx.Done():
			return false, fmt.Errorf("%s: %w", fn, ctx.Err())
		}
	})
}

func (s sem) release() bool {
	select {
	case <-s:
		return true
	default:
		return false
	}
}

// Lock is a threading.Lock: a mutual-exclusion lock that any thread may
// release. Waiting for it releases the interpreter lock and is
// interrupted by Ctrl-C.
type Lock struct {
	s    sem
	hash uint32
}

var _ starlark.HasAttrs = (*Lock)(nil)

func newLock(_ *state, thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	if err := starlark.UnpackPositionalArgs(b.Name(), args, kwargs, 0); err != nil {
		return nil, err
	}
	return &Lock{s: make(sem, 1), hash: objectIDs.Add(1)}, nil
}

// String returns Python's repr without the address.
func (l *Lock) String() string {
	if len(l.s) > 0 {
		return "<locked _thread.lock object>"
	}
	return "<unlocked _thread.lock object>"
}

// Type returns "lock", as Python's type(Lock()).__name__.
func (l *Lock) Type() string { return "lock" }

// Freeze does nothing: a lock is meant to be shared and changed.
func (l *Lock) Freeze() {}

// Truth returns True.
func (l *Lock) Truth() starlark.Bool { return true }

// Hash hashes the lock's identity.
func (l *Lock) Hash() (uint32, error) { return l.hash, nil }

var lockMethods = map[string]method[*Lock]{
	"acquire": func(l *Lock, thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
		blocking, to, err := acquireArgs(b, args, kwargs)
		if err != nil {
			return nil, err
		}
		ok, err := l.s.acquire(thread, b.Name(), blocking, to)
		if err != nil {
			return nil, err
		}
		return starlark.Bool(ok), nil
	},
	"release": func(l *Lock, thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
		if err := starlark.UnpackPositionalArgs(b.Name(), args, kwargs, 0); err != nil {
			return nil, err
		}
		if !l.s.release() {
			return nil, pyerr.New("RuntimeError", "release unlocked lock")
		}
		return starlark.None, nil
	},
	"locked": func(l *Lock, thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
		if err := starlark.UnpackPositionalArgs(b.Name(), args, kwargs, 0); err != nil {
			return nil, err
		}
		return starlark.Bool(len(l.s) > 0), nil
	},
}

// AttrNames lists acquire, locked and release.
func (l *Lock) AttrNames() []string { return sortedNames(lockMethods) }

// Attr returns a method.
func (l *Lock) Attr(name string) (starlark.Value, error) {
	m, ok := lockMethods[name]
	if !ok {
		return nil, nil
	}
	return bind("Lock", name, l, m), nil
}

// RLock is a threading.RLock: a lock its owner may acquire again, and
// only its owner may release.
type RLock struct {
	s    sem
	hash uint32

	mu    sync.Mutex
	owner *starlark.Thread
	count int
}

var _ starlark.HasAttrs = (*RLock)(nil)

func newRLock(_ *state, thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	if err := starlark.UnpackPositionalArgs(b.Name(), args, kwargs, 0); err != nil {
		return nil, err
	}
	return &RLock{s: make(sem, 1), hash: objectIDs.Add(1)}, nil
}

// String returns Python's repr without the address.
func (l *RLock) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	state, owner := "unlocked", "0"
	if l.count > 0 {
		state, owner = "locked", l.owner.Name
		if owner == "" {
			owner = "?"
		}
	}
	return fmt.Sprintf("<%s _thread.RLock object owner=%s count=%d>", state, owner, l.count)
}

// Type returns "RLock".
func (l *RLock) Type() string { return "RLock" }

// Freeze does nothing: a lock is meant to be shared and changed.
func (l *RLock) Freeze() {}

// Truth returns True.
func (l *RLock) Truth() starlark.Bool { return true }

// Hash hashes the lock's identity.
func (l *RLock) Hash() (uint32, error) { return l.hash, nil }

var rlockMethods = map[string]method[*RLock]{
	"acquire": func(l *RLock, thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
		blocking, to, err := acquireArgs(b, args, kwargs)
		if err != nil {
			return nil, err
		}
		l.mu.Lock()
		if l.count > 0 && l.owner == thread {
			l.count++
			l.mu.Unlock()
			return starlark.True, nil
		}
		l.mu.Unlock()
		ok, err := l.s.acquire(thread, b.Name(), blocking, to)
		if err != nil || !ok {
			return starlark.False, err
		}
		l.mu.Lock()
		l.owner, l.count = thread, 1
		l.mu.Unlock()
		return starlark.True, nil
	},
	"release": func(l *RLock, thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
		if err := starlark.UnpackPositionalArgs(b.Name(), args, kwargs, 0); err != nil {
			return nil, err
		}
		l.mu.Lock()
		defer l.mu.Unlock()
		if l.count == 0 || l.owner != thread {
			return nil, pyerr.New("RuntimeError", "cannot release un-acquired lock")
		}
		l.count--
		if l.count == 0 {
			l.owner = nil
			l.s.release()
		}
		return starlark.None, nil
	},
	"locked": func(l *RLock, thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
		if err := starlark.UnpackPositionalArgs(b.Name(), args, kwargs, 0); err != nil {
			return nil, err
		}
		l.mu.Lock()
		defer l.mu.Unlock()
		return starlark.Bool(l.count > 0), nil
	},
}

// AttrNames lists acquire, locked and release.
func (l *RLock) AttrNames() []string { return sortedNames(rlockMethods) }

// Attr returns a method.
func (l *RLock) Attr(name string) (starlark.Value, error) {
	m, ok := rlockMethods[name]
	if !ok {
		return nil, nil
	}
	return bind("RLock", name, l, m), nil
}

// Semaphore is a threading.Semaphore (or BoundedSemaphore, when bound is
// positive): a counter of permits.
type Semaphore struct {
	hash  uint32
	bound int // 0: unbounded

	mu    sync.Mutex
	value int
	wake  chan struct{} // closed and replaced on every release
}

var _ starlark.HasAttrs = (*Semaphore)(nil)

func newSemaphore(_ *state, thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	value := 1
	if err := starlark.UnpackArgs(b.Name(), args, kwargs, "value?", &value); err != nil {
		return nil, err
	}
	if value < 0 {
		return nil, pyerr.New("ValueError", "semaphore initial value must be >= 0")
	}
	s := &Semaphore{hash: objectIDs.Add(1), value: value, wake: make(chan struct{})}
	if b.Name() == "threading.BoundedSemaphore" {
		s.bound = value
		if value == 0 {
			s.bound = -1 // bounded at zero: any release is too many
		}
	}
	return s, nil
}

func (s *Semaphore) typeName() string {
	if s.bound != 0 {
		return "BoundedSemaphore"
	}
	return "Semaphore"
}

// String returns Python's repr without the address.
func (s *Semaphore) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.bound != 0 {
		return fmt.Sprintf("<threading.BoundedSemaphore: %d/%d>", s.value, max(s.bound, 0))
	}
	return fmt.Sprintf("<threading.Semaphore: value=%d>", s.value)
}

// Type returns "Semaphore" or "BoundedSemaphore".
func (s *Semaphore) Type() string { return s.typeName() }

// Freeze does nothing: a semaphore is meant to be shared and changed.
func (s *Semaphore) Freeze() {}

// Truth returns True.
func (s *Semaphore) Truth() starlark.Bool { return true }

// Hash hashes the semaphore's identity.
func (s *Semaphore) Hash() (uint32, error) { return s.hash, nil }

func (s *Semaphore) tryAcquire() (bool, <-chan struct{}) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.value > 0 {
		s.value--
		return true, nil
	}
	return false, s.wake
}

var semMethods = map[string]method[*Semaphore]{
	"acquire": func(s *Semaphore, thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
		blocking := true
		var to timeout
		if err := starlark.UnpackArgs(b.Name(), args, kwargs, "blocking?", &blocking, "timeout?", &to); err != nil {
			return nil, err
		}
		if to.set && !blocking {
			return nil, pyerr.New("ValueError", "can't specify timeout for non-blocking acquire")
		}
		ok, wake := s.tryAcquire()
		if ok || !blocking || (to.set && to.secs <= 0) {
			return starlark.Bool(ok), nil
		}
		got, err := interp.Blocking(thread, func(ctx context.Context) (bool, error) {
			var deadline <-chan struct{}
			if to.set {
				c, cancel := context.WithTimeout(ctx, to.duration())
				defer cancel()
				deadline = c.Done()
			}
			for {
				select {
				case <-wake:
				case <-deadline:
					if ctx.Err() == nil {
						return false, nil
					}
					return false, fmt.Errorf("%s: %w", b.Name(), ctx.Err())
				case <-ctx.Done():
					return false, fmt.Errorf("%s: %w", b.Name(), ctx.Err())
				}
				if ok, wake = s.tryAcquire(); ok {
					return true, nil
				}
			}
		})
		return starlark.Bool(got), err
	},
	"release": func(s *Semaphore, thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
		n := 1
		if err := starlark.UnpackArgs(b.Name(), args, kwargs, "n?", &n); err != nil {
			return nil, err
		}
		if n < 1 {
			return nil, pyerr.New("ValueError", "n must be one or more")
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.bound != 0 && s.value+n > max(s.bound, 0) {
			return nil, pyerr.New("ValueError", "Semaphore released too many times")
		}
		s.value += n
		close(s.wake)
		s.wake = make(chan struct{})
		return starlark.None, nil
	},
}

// AttrNames lists acquire and release.
func (s *Semaphore) AttrNames() []string { return sortedNames(semMethods) }

// Attr returns a method.
func (s *Semaphore) Attr(name string) (starlark.Value, error) {
	m, ok := semMethods[name]
	if !ok {
		return nil, nil
	}
	return bind("Semaphore", name, s, m), nil
}

// Event is a threading.Event: a flag that threads wait for.
type Event struct {
	hash uint32

	mu  sync.Mutex
	set bool
	ch  chan struct{} // closed while the flag is set
}

var _ starlark.HasAttrs = (*Event)(nil)

func newEvent(_ *state, thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	if err := starlark.UnpackPositionalArgs(b.Name(), args, kwargs, 0); err != nil {
		return nil, err
	}
	return &Event{hash: objectIDs.Add(1), ch: make(chan struct{})}, nil
}

// String returns Python's repr without the address.
func (e *Event) String() string {
	if e.isSet() {
		return "<threading.Event: set>"
	}
	return "<threading.Event: unset>"
}

// Type returns "Event".
func (e *Event) Type() string { return "Event" }

// Freeze does nothing: an event is meant to be shared and changed.
func (e *Event) Freeze() {}

// Truth returns True.
func (e *Event) Truth() starlark.Bool { return true }

// Hash hashes the event's identity.
func (e *Event) Hash() (uint32, error) { return e.hash, nil }

func (e *Event) isSet() bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.set
}

var eventMethods = map[string]method[*Event]{
	"set": func(e *Event, thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
		if err := starlark.UnpackPositionalArgs(b.Name(), args, kwargs, 0); err != nil {
			return nil, err
		}
		e.mu.Lock()
		if !e.set {
			e.set = true
			close(e.ch)
		}
		e.mu.Unlock()
		return starlark.None, nil
	},
	"clear": func(e *Event, thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
		if err := starlark.UnpackPositionalArgs(b.Name(), args, kwargs, 0); err != nil {
			return nil, err
		}
		e.mu.Lock()
		if e.set {
			e.set = false
			e.ch = make(chan struct{})
		}
		e.mu.Unlock()
		return starlark.None, nil
	},
	"is_set": func(e *Event, thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
		if err := starlark.UnpackPositionalArgs(b.Name(), args, kwargs, 0); err != nil {
			return nil, err
		}
		return starlark.Bool(e.isSet()), nil
	},
	"wait": func(e *Event, thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
		var to timeout
		if err := starlark.UnpackArgs(b.Name(), args, kwargs, "timeout?", &to); err != nil {
			return nil, err
		}
		e.mu.Lock()
		set, ch := e.set, e.ch
		e.mu.Unlock()
		if set || (to.set && to.secs <= 0) {
			return starlark.Bool(set), nil
		}
		got, err := interp.Blocking(thread, func(ctx context.Context) (bool, error) {
			return waitFor(ctx, b.Name(), ch, to)
		})
		if err != nil {
			return nil, err
		}
		return starlark.Bool(got), nil
	},
}

// AttrNames lists clear, is_set, set and wait.
func (e *Event) AttrNames() []string { return sortedNames(eventMethods) }

// Attr returns a method.
func (e *Event) Attr(name string) (starlark.Value, error) {
	m, ok := eventMethods[name]
	if !ok {
		return nil, nil
	}
	return bind("Event", name, e, m), nil
}
