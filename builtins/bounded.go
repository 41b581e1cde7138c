package builtins

import (
	"fmt"
	"sort"

	"github.com/netstar/netstar/builtins/pyerr"
	"github.com/netstar/netstar/repl/interp"
	"go.starlark.net/starlark"
	"go.starlark.net/syntax"
)

// Starlark's own list, tuple and sorted run in Go without a look at the
// thread's context: sorted(range(20000000)) went on for 9-17 s after
// Ctrl-C, and list(range(10**9)) asked for 16 GB at once. These
// replacements check the context every checkEvery items or comparisons
// and refuse a result past maxElements with Python's MemoryError.

// maxElements bounds the elements of a list or tuple the builtins
// build: 1 GiB of Starlark values. Python's limit is the machine's
// memory; a program that reaches this one is almost always a mistake
// (list(range(10**9))), and past it the machine swaps or the process is
// killed without a word.
const maxElements = 1 << 26

// checkEvery is how many items or comparisons pass between two looks at
// the context: a few microseconds of work.
const checkEvery = 1 << 14

func init() {
	register("sorted", sortedBuiltin, `sorted(iterable, key=None, reverse=False)
Returns a new list of the iterable's elements in ascending order (as
Starlark's sorted; stable). Ctrl-C stops it, however long it is.`)
	register("list", listBuiltin, `list(iterable=())
Returns a new list with the iterable's elements (as Starlark's list).
Ctrl-C stops it; past 67,108,864 elements it raises MemoryError.`)
	register("tuple", tupleBuiltin, `tuple(iterable=())
Returns a tuple with the iterable's elements (as Starlark's tuple).
Ctrl-C stops it; past 67,108,864 elements it raises MemoryError.`)
}

// memoryError is Python's MemoryError, which has no message.
func memoryError() error { return pyerr.New("MemoryError", "") }

// cancelled returns the error for a cancelled evaluation, or nil.
func cancelled(thread *starlark.Thread, b *starlark.Builtin) error {
	if err := interp.Context(thread).Err(); err != nil {
		return fmt.Errorf("%s: %w", b.Name(), err)
	}
	return nil
}

// collectBounded returns the elements of iterable, checking for cancellation
// and the size bound as it goes.
func collectBounded(thread *starlark.Thread, b *starlark.Builtin, iterable starlark.Iterable) ([]starlark.Value, error) {
	n := starlark.Len(iterable)
	if n > maxElements {
		return nil, memoryError()
	}
	var values []starlark.Value
	if n > 0 {
		values = make([]starlark.Value, 0, n)
	}
	iter := iterable.Iterate()
	defer iter.Done()
	var x starlark.Value
	for i := 1; iter.Next(&x); i++ {
		if len(values) == maxElements {
			return nil, memoryError()
		}
		values = append(values, x)
		if i%checkEvery == 0 {
			if err := cancelled(thread, b); err != nil {
				return nil, err
			}
		}
	}
	return values, nil
}

func listBuiltin(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var iterable starlark.Iterable
	if err := starlark.UnpackPositionalArgs(b.Name(), args, kwargs, 0, &iterable); err != nil {
		return nil, err
	}
	if iterable == nil {
		return starlark.NewList(nil), nil
	}
	values, err := collectBounded(thread, b, iterable)
	if err != nil {
		return nil, err
	}
	return starlark.NewList(values), nil
}

func tupleBuiltin(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var iterable starlark.Iterable
	if err := starlark.UnpackPositionalArgs(b.Name(), args, kwargs, 0, &iterable); err != nil {
		return nil, err
	}
	if iterable == nil {
		return starlark.Tuple(nil), nil
	}
	if t, ok := iterable.(starlark.Tuple); ok {
		return t, nil
	}
	values, err := collectBounded(thread, b, iterable)
	if err != nil {
		return nil, err
	}
	return starlark.Tuple(values), nil
}

// sortAbort carries an error out of sort.Stable: a failed comparison or
// a cancellation ends the sort at once.
type sortAbort struct{ err error }

// sortSlice is Starlark's: values ordered by keys (the values
// themselves without key=), with a look at the context every
// checkEvery comparisons.
type sortSlice struct {
	thread *starlark.Thread
	b      *starlark.Builtin
	keys   []starlark.Value
	values []starlark.Value
	calls  int
}

func (s *sortSlice) Len() int { return len(s.values) }

func (s *sortSlice) Less(i, j int) bool {
	s.calls++
	if s.calls%checkEvery == 0 {
		if err := cancelled(s.thread, s.b); err != nil {
			panic(sortAbort{err})
		}
		// The keys and values are this call's own copy: other threads
		// (a server's other handlers) may run meanwhile.
		interp.Yield(s.thread)
	}
	keys := s.values
	if s.keys != nil {
		keys = s.keys
	}
	ok, err := starlark.Compare(syntax.LT, keys[i], keys[j])
	if err != nil {
		panic(sortAbort{err})
	}
	return ok
}

func (s *sortSlice) Swap(i, j int) {
	if s.keys != nil {
		s.keys[i], s.keys[j] = s.keys[j], s.keys[i]
	}
	s.values[i], s.values[j] = s.values[j], s.values[i]
}

func sortedBuiltin(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (v starlark.Value, err error) {
	// As Starlark's (and Python's) sorted, every argument may be positional.
	var iterable starlark.Iterable
	var key starlark.Callable
	var reverse bool
	if err := starlark.UnpackArgs(b.Name(), args, kwargs, "iterable", &iterable, "key?", &key, "reverse?", &reverse); err != nil {
		return nil, err
	}
	values, err := collectBounded(thread, b, iterable)
	if err != nil {
		return nil, err
	}
	s := &sortSlice{thread: thread, b: b, values: values}
	if key != nil {
		s.keys = make([]starlark.Value, len(values))
		for i, v := range values {
			k, err := starlark.Call(thread, key, starlark.Tuple{v}, nil)
			if err != nil {
				return nil, err // the key function's own error, with its backtrace
			}
			s.keys[i] = k
		}
	}
	defer func() {
		if r := recover(); r != nil {
			a, ok := r.(sortAbort)
			if !ok {
				panic(r)
			}
			v, err = nil, a.err
		}
	}()
	if reverse {
		sort.Stable(sort.Reverse(s))
	} else {
		sort.Stable(s)
	}
	if err := cancelled(thread, b); err != nil {
		return nil, err
	}
	return starlark.NewList(values), nil
}
