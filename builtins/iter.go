package builtins

import (
	"fmt"

	"go.starlark.net/starlark"

	"github.com/netstar/netstar/builtins/pybytes"
	"github.com/netstar/netstar/builtins/pyerr"
)

// PyIterator is implemented by values that are their own iterator in
// Python, such as sys.stdin: iter(x) returns x, and next(x) calls
// PyNext, which may block (it gets the thread, for its context) and
// fail. ok is false when the iterator is exhausted.
type PyIterator interface {
	starlark.Value
	PyNext(thread *starlark.Thread) (v starlark.Value, ok bool, err error)
}

// Iterator is what iter() returns: a one-pass iterator over a
// snapshot-free view of its source. A list or tuple is read by index, so
// an unfinished iterator never locks the list against appends (a
// Starlark iterator would); a dict's keys and a set's items are copied
// when iter() is called.
type Iterator struct {
	kind  string
	items starlark.Indexable // read by index, or
	it    starlark.Iterator  // a Starlark iterator, Done when exhausted
	pos   int
	done  bool
}

var (
	_ PyIterator         = (*Iterator)(nil)
	_ starlark.Iterable  = (*Iterator)(nil)
	_ pybytes.BytesLike  = (*Bytearray)(nil)
	_ starlark.Container = (*Bytearray)(nil)
)

// NewIterator returns Python's iter(x), or TypeError for a value that
// cannot be iterated.
func NewIterator(x starlark.Value) (starlark.Value, error) {
	switch v := x.(type) {
	case PyIterator:
		return v, nil
	case *starlark.List:
		return &Iterator{kind: "list_iterator", items: v}, nil
	case starlark.Tuple:
		return &Iterator{kind: "tuple_iterator", items: v}, nil
	case starlark.String:
		return &Iterator{kind: "str_ascii_iterator", items: pybytes.Iterable(v).(starlark.Tuple)}, nil
	case starlark.Bytes:
		return &Iterator{kind: "bytes_iterator", items: pybytes.Ints([]byte(v))}, nil
	case *Bytearray:
		return &Iterator{kind: "bytearray_iterator", items: v}, nil
	case *starlark.Dict:
		return &Iterator{kind: "dict_keyiterator", items: starlark.Tuple(v.Keys())}, nil
	case *starlark.Set:
		return &Iterator{kind: "set_iterator", items: collect(v)}, nil
	case starlark.Indexable:
		if x.Type() == "range" {
			return &Iterator{kind: "range_iterator", items: v}, nil
		}
	}
	if it, ok := x.(starlark.Iterable); ok {
		return &Iterator{kind: x.Type() + "_iterator", it: it.Iterate()}, nil
	}
	return nil, notIterable(x)
}

func collect(x starlark.Iterable) starlark.Tuple {
	it := x.Iterate()
	defer it.Done()
	var out starlark.Tuple
	var v starlark.Value
	for it.Next(&v) {
		out = append(out, v)
	}
	return out
}

// next returns the next item.
func (it *Iterator) next() (starlark.Value, bool) {
	if it.done {
		return nil, false
	}
	if it.items != nil {
		if it.pos < it.items.Len() {
			it.pos++
			return it.items.Index(it.pos - 1), true
		}
	} else {
		var v starlark.Value
		if it.it.Next(&v) {
			return v, true
		}
		it.it.Done()
	}
	it.done, it.items = true, nil
	return nil, false
}

// PyNext returns the next item; ok is false at the end.
func (it *Iterator) PyNext(*starlark.Thread) (starlark.Value, bool, error) {
	v, ok := it.next()
	return v, ok, nil
}

// String returns a repr like Python's.
func (it *Iterator) String() string {
	return fmt.Sprintf("<%s object at %#x>", it.kind, ID(it))
}

// Type returns Python's class name, such as "list_iterator".
func (it *Iterator) Type() string { return it.kind }

// Freeze does nothing: an iterator is consumed, not shared.
func (it *Iterator) Freeze() {}

// Truth is true, as for every Python iterator.
func (it *Iterator) Truth() starlark.Bool { return true }

// Hash is the iterator's identity.
func (it *Iterator) Hash() (uint32, error) { return uint32(ID(it)), nil }

// Iterate lets a for loop take the items next() has not returned yet.
func (it *Iterator) Iterate() starlark.Iterator { return iterFunc{it} }

type iterFunc struct{ it *Iterator }

func (f iterFunc) Next(p *starlark.Value) bool {
	v, ok := f.it.next()
	if ok {
		*p = v
	}
	return ok
}

func (iterFunc) Done() {}

func iterBuiltin(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	if len(kwargs) > 0 {
		return nil, pyerr.New("TypeError", "iter() takes no keyword arguments")
	}
	switch len(args) {
	case 1:
		return NewIterator(args[0])
	case 2:
		return nil, pyerr.New("TypeError", "netstar's iter() takes one argument: instead of iter(f, sentinel), loop with while True: x = f(); if x == sentinel: break")
	}
	return nil, pyerr.Errorf("TypeError", "iter expected 1 argument, got %d", len(args))
}

func nextBuiltin(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	if len(kwargs) > 0 {
		return nil, pyerr.New("TypeError", "next() takes no keyword arguments")
	}
	if len(args) < 1 || len(args) > 2 {
		return nil, pyerr.Errorf("TypeError", "next expected at least 1 argument, got %d", len(args))
	}
	it, ok := args[0].(PyIterator)
	if !ok {
		return nil, pyerr.Errorf("TypeError", "'%s' object is not an iterator", typeName(args[0]))
	}
	v, ok, err := it.PyNext(thread)
	if err != nil {
		return nil, err
	}
	if !ok {
		if len(args) == 2 {
			return args[1], nil
		}
		return nil, pyerr.New("StopIteration", "")
	}
	return v, nil
}
