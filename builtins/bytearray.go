package builtins

import (
	"bytes"
	"fmt"
	"sort"
	"strings"

	"go.starlark.net/starlark"
	"go.starlark.net/syntax"

	"github.com/netstar/netstar/builtins/codec"
	"github.com/netstar/netstar/builtins/pybytes"
	"github.com/netstar/netstar/builtins/pyerr"
	"github.com/netstar/netstar/builtins/pyfmt"
)

func init() {
	register("bytearray", bytearrayBuiltin, `bytearray(source=b"", encoding=None, errors="strict")
Returns a mutable sequence of bytes: bytearray(b"ab"), bytearray(4) (four
zero bytes), bytearray([65, 66]) or bytearray("texto", "utf-8").
ba[i] is an int and ba[i] = 65 sets it; ba.append(x), ba.extend(b),
ba.pop(), ba.insert(i, x), ba.remove(x), ba.clear(), ba.reverse(),
ba.copy(), ba.decode() and bytes' methods (split, find, hex...) work as
in Python; bytes(ba) is its content.`)
}

// Bytearray is Python's bytearray: a mutable sequence of bytes whose
// items are ints.
type Bytearray struct {
	data   []byte
	frozen bool
	iters  int // active Starlark iterators; mutation is refused meanwhile
}

var (
	_ starlark.HasSetIndex = (*Bytearray)(nil)
	_ starlark.Sliceable   = (*Bytearray)(nil)
	_ starlark.Iterable    = (*Bytearray)(nil)
	_ starlark.HasAttrs    = (*Bytearray)(nil)
	_ starlark.HasBinary   = (*Bytearray)(nil)
	_ starlark.Comparable  = (*Bytearray)(nil)
	_ pyfmt.PyReprer       = (*Bytearray)(nil)
)

// NewBytearray returns a bytearray holding a copy of b.
func NewBytearray(b []byte) *Bytearray { return &Bytearray{data: bytes.Clone(b)} }

func wrapBytearray(b []byte) starlark.Value { return &Bytearray{data: b} }

// PyBytes returns the content; the caller must not modify it.
func (ba *Bytearray) PyBytes() []byte { return ba.data }

// String returns Python's repr: bytearray(b'...').
func (ba *Bytearray) String() string {
	r := pyfmt.Repr(starlark.Bytes(ba.data))
	if strings.HasPrefix(r, `b"`) {
		// CPython's bytearray repr escapes ' even inside double quotes.
		r = strings.ReplaceAll(r, "'", `\'`)
	}
	return "bytearray(" + r + ")"
}

// PyRepr is String.
func (ba *Bytearray) PyRepr() string { return ba.String() }

// Type returns "bytearray".
func (ba *Bytearray) Type() string { return "bytearray" }

// Freeze makes the bytearray immutable, as Starlark freezes shared values.
func (ba *Bytearray) Freeze() { ba.frozen = true }

// Truth reports whether it is non-empty.
func (ba *Bytearray) Truth() starlark.Bool { return len(ba.data) > 0 }

// Hash fails: a bytearray is mutable.
func (ba *Bytearray) Hash() (uint32, error) {
	return 0, pyerr.New("TypeError", "unhashable type: 'bytearray'")
}

// Len returns the number of bytes.
func (ba *Bytearray) Len() int { return len(ba.data) }

// Index returns the byte at i as an int.
func (ba *Bytearray) Index(i int) starlark.Value { return starlark.MakeInt(int(ba.data[i])) }

// Slice returns a new bytearray, as Python's ba[a:b:c] does.
func (ba *Bytearray) Slice(start, end, step int) starlark.Value {
	if step == 1 {
		return NewBytearray(ba.data[start:end])
	}
	var out []byte
	for i := start; step > 0 && i < end || step < 0 && i > end; i += step {
		out = append(out, ba.data[i])
	}
	return &Bytearray{data: out}
}

func (ba *Bytearray) checkMutable() error {
	if ba.frozen {
		return fmt.Errorf("cannot modify frozen bytearray")
	}
	if ba.iters > 0 {
		return fmt.Errorf("cannot modify bytearray during iteration")
	}
	return nil
}

// byteValue reads an int in range(256), as Python's bytearray items.
func byteValue(v starlark.Value) (byte, error) {
	n, err := indexInt(v)
	if err != nil {
		return 0, err
	}
	if !n.IsInt64() || n.Int64() < 0 || n.Int64() > 255 {
		return 0, pyerr.New("ValueError", "byte must be in range(0, 256)")
	}
	return byte(n.Int64()), nil
}

// SetIndex sets the byte at i: ba[i] = 65.
func (ba *Bytearray) SetIndex(i int, v starlark.Value) error {
	if err := ba.checkMutable(); err != nil {
		return err
	}
	b, err := byteValue(v)
	if err != nil {
		return err
	}
	ba.data[i] = b
	return nil
}

// Has implements `x in ba` for an int or a bytes-like x.
func (ba *Bytearray) Has(x starlark.Value) (bool, error) {
	if b, ok := pybytes.AsBytes(x); ok {
		return bytes.Contains(ba.data, b), nil
	}
	if _, ok := x.(starlark.Int); ok {
		b, err := byteValue(x)
		if err != nil {
			return false, err
		}
		return bytes.IndexByte(ba.data, b) >= 0, nil
	}
	return false, pyerr.Errorf("TypeError", "a bytes-like object is required, not '%s'", typeName(x))
}

// Iterate returns the bytes as ints.
func (ba *Bytearray) Iterate() starlark.Iterator {
	if !ba.frozen {
		ba.iters++
	}
	return &bytearrayIterator{ba: ba}
}

type bytearrayIterator struct {
	ba *Bytearray
	i  int
}

func (it *bytearrayIterator) Next(p *starlark.Value) bool {
	if it.i < len(it.ba.data) {
		*p = it.ba.Index(it.i)
		it.i++
		return true
	}
	return false
}

func (it *bytearrayIterator) Done() {
	if !it.ba.frozen && it.ba.iters > 0 {
		it.ba.iters--
	}
}

// CompareSameType compares byte by byte, as Python does.
func (ba *Bytearray) CompareSameType(op syntax.Token, y starlark.Value, depth int) (bool, error) {
	c := bytes.Compare(ba.data, y.(*Bytearray).data)
	switch op {
	case syntax.EQL:
		return c == 0, nil
	case syntax.NEQ:
		return c != 0, nil
	case syntax.LT:
		return c < 0, nil
	case syntax.LE:
		return c <= 0, nil
	case syntax.GT:
		return c > 0, nil
	case syntax.GE:
		return c >= 0, nil
	}
	return false, fmt.Errorf("bytearray %s bytearray not implemented", op)
}

// Binary implements + with bytes-like values and * with an int. The
// result has the left operand's type, as in Python.
func (ba *Bytearray) Binary(op syntax.Token, y starlark.Value, side starlark.Side) (starlark.Value, error) {
	switch op {
	case syntax.PLUS:
		other, ok := pybytes.AsBytes(y)
		if !ok {
			return nil, nil
		}
		if side == starlark.Left {
			return &Bytearray{data: append(bytes.Clone(ba.data), other...)}, nil
		}
		out := append(bytes.Clone(other), ba.data...)
		if _, isBytes := y.(starlark.Bytes); isBytes {
			return starlark.Bytes(out), nil
		}
		return &Bytearray{data: out}, nil
	case syntax.STAR:
		n, err := starlark.AsInt32(y)
		if _, isInt := y.(starlark.Int); !isInt || err != nil {
			return nil, nil
		}
		if n < 0 {
			n = 0
		}
		if len(ba.data)*n > 1<<30 {
			return nil, pyerr.New("MemoryError", "")
		}
		return &Bytearray{data: bytes.Repeat(ba.data, n)}, nil
	}
	return nil, nil
}

var bytearrayMethods = map[string]func(ba *Bytearray, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error){
	"append": func(ba *Bytearray, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
		var x starlark.Value
		if err := starlark.UnpackPositionalArgs(b.Name(), args, kwargs, 1, &x); err != nil {
			return nil, err
		}
		c, err := byteValue(x)
		if err != nil {
			return nil, err
		}
		if err := ba.checkMutable(); err != nil {
			return nil, err
		}
		ba.data = append(ba.data, c)
		return starlark.None, nil
	},
	"extend": func(ba *Bytearray, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
		var x starlark.Value
		if err := starlark.UnpackPositionalArgs(b.Name(), args, kwargs, 1, &x); err != nil {
			return nil, err
		}
		more, err := bytesOf(x, "bytearray")
		if err != nil {
			return nil, err
		}
		if err := ba.checkMutable(); err != nil {
			return nil, err
		}
		ba.data = append(ba.data, more...)
		return starlark.None, nil
	},
	"pop": func(ba *Bytearray, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
		i := -1
		if err := starlark.UnpackPositionalArgs(b.Name(), args, kwargs, 0, &i); err != nil {
			return nil, err
		}
		if len(ba.data) == 0 {
			return nil, pyerr.New("IndexError", "pop from empty bytearray")
		}
		if i < 0 {
			i += len(ba.data)
		}
		if i < 0 || i >= len(ba.data) {
			return nil, pyerr.New("IndexError", "pop index out of range")
		}
		if err := ba.checkMutable(); err != nil {
			return nil, err
		}
		c := ba.data[i]
		ba.data = append(ba.data[:i], ba.data[i+1:]...)
		return starlark.MakeInt(int(c)), nil
	},
	"insert": func(ba *Bytearray, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
		var i int
		var x starlark.Value
		if err := starlark.UnpackPositionalArgs(b.Name(), args, kwargs, 2, &i, &x); err != nil {
			return nil, err
		}
		c, err := byteValue(x)
		if err != nil {
			return nil, err
		}
		if err := ba.checkMutable(); err != nil {
			return nil, err
		}
		n := len(ba.data)
		if i < 0 {
			i = max(i+n, 0)
		}
		i = min(i, n)
		ba.data = append(ba.data[:i], append([]byte{c}, ba.data[i:]...)...)
		return starlark.None, nil
	},
	"remove": func(ba *Bytearray, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
		var x starlark.Value
		if err := starlark.UnpackPositionalArgs(b.Name(), args, kwargs, 1, &x); err != nil {
			return nil, err
		}
		c, err := byteValue(x)
		if err != nil {
			return nil, err
		}
		i := bytes.IndexByte(ba.data, c)
		if i < 0 {
			return nil, pyerr.New("ValueError", "value not found in bytearray")
		}
		if err := ba.checkMutable(); err != nil {
			return nil, err
		}
		ba.data = append(ba.data[:i], ba.data[i+1:]...)
		return starlark.None, nil
	},
	"clear": func(ba *Bytearray, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
		if err := starlark.UnpackPositionalArgs(b.Name(), args, kwargs, 0); err != nil {
			return nil, err
		}
		if err := ba.checkMutable(); err != nil {
			return nil, err
		}
		ba.data = ba.data[:0]
		return starlark.None, nil
	},
	"reverse": func(ba *Bytearray, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
		if err := starlark.UnpackPositionalArgs(b.Name(), args, kwargs, 0); err != nil {
			return nil, err
		}
		if err := ba.checkMutable(); err != nil {
			return nil, err
		}
		for i, j := 0, len(ba.data)-1; i < j; i, j = i+1, j-1 {
			ba.data[i], ba.data[j] = ba.data[j], ba.data[i]
		}
		return starlark.None, nil
	},
	"copy": func(ba *Bytearray, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
		if err := starlark.UnpackPositionalArgs(b.Name(), args, kwargs, 0); err != nil {
			return nil, err
		}
		return NewBytearray(ba.data), nil
	},
}

var bytearrayAttrNames = func() []string {
	names := append([]string(nil), pybytes.MethodNames...)
	for n := range bytearrayMethods {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}()

// AttrNames lists the methods.
func (ba *Bytearray) AttrNames() []string { return bytearrayAttrNames }

// Attr returns a bound method.
func (ba *Bytearray) Attr(name string) (starlark.Value, error) {
	if m, ok := bytearrayMethods[name]; ok {
		return starlark.NewBuiltin("bytearray."+name, func(_ *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
			return m(ba, b, args, kwargs)
		}), nil
	}
	if !pybytes.HasMethod(name) {
		return nil, nil
	}
	return starlark.NewBuiltin("bytearray."+name, func(_ *starlark.Thread, _ *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
		v, _, err := pybytes.Call("bytearray", ba.data, name, args, kwargs, wrapBytearray)
		return v, err
	}), nil
}

// bytesOf returns the bytes Python's bytes(x) and bytearray(x) make of
// a bytes-like value or an iterable of ints.
func bytesOf(x starlark.Value, target string) ([]byte, error) {
	if b, ok := pybytes.AsBytes(x); ok {
		return bytes.Clone(b), nil
	}
	if _, ok := x.(starlark.String); ok {
		return nil, pyerr.New("TypeError", "string argument without an encoding")
	}
	it := starlark.Iterate(x)
	if it == nil {
		return nil, pyerr.Errorf("TypeError", "cannot convert '%s' object to %s", typeName(x), target)
	}
	defer it.Done()
	var out []byte
	var v starlark.Value
	for it.Next(&v) {
		if _, ok := v.(starlark.Int); !ok {
			return nil, pyerr.Errorf("TypeError", "'%s' object cannot be interpreted as an integer", typeName(v))
		}
		c, err := byteValue(v)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

// maxBytearray bounds bytearray(n): Python would try to allocate any size.
const maxBytearray = 1 << 30

func bytearrayBuiltin(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var src starlark.Value
	var encoding, errs starlark.Value = starlark.None, starlark.None
	if err := starlark.UnpackArgs(b.Name(), args, kwargs, "source?", &src, "encoding?", &encoding, "errors?", &errs); err != nil {
		return nil, err
	}
	if src == nil {
		if encoding != starlark.None || errs != starlark.None {
			return nil, pyerr.New("TypeError", "encoding or errors without sequence argument")
		}
		return &Bytearray{}, nil
	}
	if s, ok := src.(starlark.String); ok {
		enc, ok := encoding.(starlark.String)
		if !ok {
			return nil, pyerr.New("TypeError", "string argument without an encoding")
		}
		e := "strict"
		if es, ok := errs.(starlark.String); ok {
			e = string(es)
		}
		v, err := codec.EncodeErrors(b.Name(), s, string(enc), e)
		if err != nil {
			return nil, err
		}
		return NewBytearray([]byte(v.(starlark.Bytes))), nil
	}
	if encoding != starlark.None {
		return nil, pyerr.New("TypeError", "encoding without a string argument")
	}
	if errs != starlark.None {
		return nil, pyerr.New("TypeError", "errors without a string argument")
	}
	if n, ok := src.(starlark.Int); ok {
		size, ok := n.Int64()
		if !ok || size > maxBytearray {
			return nil, pyerr.New("MemoryError", "")
		}
		if size < 0 {
			return nil, pyerr.New("ValueError", "negative count")
		}
		return &Bytearray{data: make([]byte, size)}, nil
	}
	data, err := bytesOf(src, "bytearray")
	if err != nil {
		return nil, err
	}
	return &Bytearray{data: data}, nil
}
