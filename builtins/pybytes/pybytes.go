// Package pybytes gives Starlark's bytes Python's behaviour: indexing
// gives an int (Index), iterating gives ints (Iterable), and Python's
// bytes methods (Call: split, startswith, find, hex, strip, join...).
//
// go.starlark.net's bytes value has none of that, and its compiler makes
// every b'..' literal a starlark.Bytes, so netstar keeps starlark.Bytes
// as its one bytes type (socket.recv, str.encode, bytes() and literals
// all give it, and they compare equal) and reaches these functions from
// the dialect's hooks, which route x[i], for loops and method calls
// through them. netstar's bytearray uses the same methods.
package pybytes

import (
	"bytes"
	"encoding/hex"
	"sort"
	"strings"

	"go.starlark.net/starlark"

	"github.com/netstar/netstar/builtins/codec"
	"github.com/netstar/netstar/builtins/pyerr"
)

// BytesLike is implemented by values other than starlark.Bytes that
// Python accepts where it wants a bytes-like object (bytearray).
type BytesLike interface {
	starlark.Value
	// PyBytes returns the value's bytes; the caller must not modify them.
	PyBytes() []byte
}

// AsBytes returns the bytes of a bytes-like value: starlark.Bytes or a
// BytesLike.
func AsBytes(v starlark.Value) ([]byte, bool) {
	switch x := v.(type) {
	case starlark.Bytes:
		return []byte(x), true
	case BytesLike:
		return x.PyBytes(), true
	}
	return nil, false
}

// typeName is Python's name for v's type in messages.
func typeName(v starlark.Value) string {
	switch v.(type) {
	case starlark.String:
		return "str"
	case starlark.NoneType:
		return "NoneType"
	}
	return v.Type()
}

// needBytes is Python's TypeError for a str (or other) where bytes are
// wanted.
func needBytes(v starlark.Value) error {
	return pyerr.Errorf("TypeError", "a bytes-like object is required, not '%s'", typeName(v))
}

// Index returns x[i] as Python gives it: an int for bytes, and for any
// other value what Starlark's x[i] gives, with Python's IndexError,
// KeyError and TypeError texts.
func Index(x, i starlark.Value) (starlark.Value, error) {
	if m, ok := x.(starlark.Mapping); ok {
		v, found, err := m.Get(i)
		if err != nil {
			return nil, err
		}
		if !found {
			return nil, pyerr.New("KeyError", reprKey(i))
		}
		return v, nil
	}
	seq, ok := x.(starlark.Indexable)
	if !ok {
		return nil, pyerr.Errorf("TypeError", "'%s' object is not subscriptable", typeName(x))
	}
	var n int
	switch v := i.(type) {
	case starlark.Bool:
		if v {
			n = 1
		}
	case starlark.Int:
		var err error
		if n, err = starlark.AsInt32(v); err != nil {
			return nil, pyerr.New("IndexError", "cannot fit 'int' into an index-sized integer")
		}
	default:
		return nil, pyerr.Errorf("TypeError", "%s indices must be integers or slices, not %s", seqName(x), typeName(i))
	}
	l := seq.Len()
	if n < 0 {
		n += l
	}
	if n < 0 || n >= l {
		if _, ok := x.(starlark.Bytes); ok {
			return nil, pyerr.New("IndexError", "index out of range")
		}
		return nil, pyerr.Errorf("IndexError", "%s index out of range", seqName(x))
	}
	if b, ok := x.(starlark.Bytes); ok {
		return starlark.MakeInt(int(b[n])), nil
	}
	return seq.Index(n), nil
}

func seqName(x starlark.Value) string {
	switch x.(type) {
	case starlark.String:
		return "string"
	case starlark.Bytes:
		return "byte"
	}
	return typeName(x)
}

func reprKey(k starlark.Value) string {
	if s, ok := k.(starlark.String); ok {
		return "'" + strings.ReplaceAll(string(s), "'", `\'`) + "'"
	}
	return k.String()
}

// Iterable returns what a for loop iterates over for x in Python: the
// ints of bytes, the one-character strings of a string, x itself for
// anything else.
func Iterable(x starlark.Value) starlark.Value {
	switch x := x.(type) {
	case starlark.Bytes:
		return Ints([]byte(x))
	case starlark.String:
		chars := make(starlark.Tuple, 0, len(x))
		for _, r := range string(x) {
			chars = append(chars, starlark.String(string(r)))
		}
		return chars
	}
	return x
}

// Ints returns the bytes of b as a tuple of ints.
func Ints(b []byte) starlark.Tuple {
	t := make(starlark.Tuple, len(b))
	for i, c := range b {
		t[i] = starlark.MakeInt(int(c))
	}
	return t
}

// methods are Python's bytes methods that Call implements. decode is
// among them for bytearray; starlark.Bytes gets decode from the dialect.
var methods = map[string]func(c *call) (starlark.Value, error){
	"count":      (*call).count,
	"decode":     (*call).decode,
	"endswith":   func(c *call) (starlark.Value, error) { return c.affix(false) },
	"find":       func(c *call) (starlark.Value, error) { return c.find(false, false) },
	"hex":        (*call).hex,
	"index":      func(c *call) (starlark.Value, error) { return c.find(false, true) },
	"isalnum":    func(c *call) (starlark.Value, error) { return c.is(isAlnum) },
	"isalpha":    func(c *call) (starlark.Value, error) { return c.is(isAlpha) },
	"isdigit":    func(c *call) (starlark.Value, error) { return c.is(isDigit) },
	"islower":    (*call).islower,
	"isspace":    func(c *call) (starlark.Value, error) { return c.is(isSpace) },
	"isupper":    (*call).isupper,
	"join":       (*call).join,
	"lower":      func(c *call) (starlark.Value, error) { return c.mapBytes(toLower) },
	"lstrip":     func(c *call) (starlark.Value, error) { return c.strip(true, false) },
	"partition":  (*call).partition,
	"replace":    (*call).replace,
	"rfind":      func(c *call) (starlark.Value, error) { return c.find(true, false) },
	"rindex":     func(c *call) (starlark.Value, error) { return c.find(true, true) },
	"rsplit":     func(c *call) (starlark.Value, error) { return c.split(true) },
	"rstrip":     func(c *call) (starlark.Value, error) { return c.strip(false, true) },
	"split":      func(c *call) (starlark.Value, error) { return c.split(false) },
	"splitlines": (*call).splitlines,
	"startswith": func(c *call) (starlark.Value, error) { return c.affix(true) },
	"strip":      func(c *call) (starlark.Value, error) { return c.strip(true, true) },
	"upper":      func(c *call) (starlark.Value, error) { return c.mapBytes(toUpper) },
}

// MethodNames lists the methods Call implements, sorted.
var MethodNames = func() []string {
	names := make([]string, 0, len(methods))
	for n := range methods {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}()

// HasMethod reports whether Call implements the method name.
func HasMethod(name string) bool { _, ok := methods[name]; return ok }

// Call runs Python's bytes method name on data: typ is the receiver's
// type name ("bytes", "bytearray") for messages, and wrap makes results
// that are bytes-like into the receiver's type. ok is false when name is
// not a bytes method.
func Call(typ string, data []byte, name string, args starlark.Tuple, kwargs []starlark.Tuple, wrap func([]byte) starlark.Value) (v starlark.Value, ok bool, err error) {
	m, ok := methods[name]
	if !ok {
		return nil, false, nil
	}
	v, err = m(&call{name: typ + "." + name, method: name, data: data, args: args, kwargs: kwargs, wrap: wrap})
	return v, true, err
}

type call struct {
	name, method string
	data         []byte
	args         starlark.Tuple
	kwargs       []starlark.Tuple
	wrap         func([]byte) starlark.Value
}

func (c *call) noArgs() error { return starlark.UnpackPositionalArgs(c.name, c.args, c.kwargs, 0) }

// subArg reads the sub argument of find, count and index: bytes-like or
// an int in range(256).
func subArg(v starlark.Value) ([]byte, error) {
	if b, ok := AsBytes(v); ok {
		return b, nil
	}
	if i, ok := v.(starlark.Int); ok {
		n, ok := i.Int64()
		if !ok || n < 0 || n > 255 {
			return nil, pyerr.New("ValueError", "byte must be in range(0, 256)")
		}
		return []byte{byte(n)}, nil
	}
	return nil, pyerr.Errorf("TypeError", "argument should be integer or bytes-like object, not '%s'", typeName(v))
}

// span resolves Python's optional start and end arguments against n.
func span(n int, start, end starlark.Value) (int, int, error) {
	lo, hi := 0, n
	for i, v := range []starlark.Value{start, end} {
		if v == nil || v == starlark.None {
			continue
		}
		x, err := starlark.AsInt32(v)
		if err != nil {
			return 0, 0, pyerr.New("TypeError", "slice indices must be integers or None or have an __index__ method")
		}
		if x < 0 {
			x += n
			if x < 0 {
				x = 0
			}
		}
		if x > n && i == 1 {
			x = n // a start past the end stays there: find gives -1, count 0
		}
		if i == 0 {
			lo = x
		} else {
			hi = x
		}
	}
	return lo, hi, nil
}

func (c *call) subRange() (sub []byte, lo, hi int, err error) {
	var subV, start, end starlark.Value
	if err := starlark.UnpackPositionalArgs(c.name, c.args, c.kwargs, 1, &subV, &start, &end); err != nil {
		return nil, 0, 0, err
	}
	if sub, err = subArg(subV); err != nil {
		return nil, 0, 0, err
	}
	lo, hi, err = span(len(c.data), start, end)
	return sub, lo, hi, err
}

func (c *call) count() (starlark.Value, error) {
	sub, lo, hi, err := c.subRange()
	if err != nil {
		return nil, err
	}
	if lo > hi {
		return starlark.MakeInt(0), nil
	}
	if len(sub) == 0 {
		return starlark.MakeInt(hi - lo + 1), nil
	}
	return starlark.MakeInt(bytes.Count(c.data[lo:hi], sub)), nil
}

func (c *call) find(last, raise bool) (starlark.Value, error) {
	sub, lo, hi, err := c.subRange()
	if err != nil {
		return nil, err
	}
	i := -1
	if lo <= hi {
		if last {
			i = bytes.LastIndex(c.data[lo:hi], sub)
		} else {
			i = bytes.Index(c.data[lo:hi], sub)
		}
		if i >= 0 {
			i += lo
		}
	}
	if i < 0 && raise {
		return nil, pyerr.New("ValueError", "subsection not found")
	}
	return starlark.MakeInt(i), nil
}

func (c *call) affix(prefix bool) (starlark.Value, error) {
	var affix, start, end starlark.Value
	if err := starlark.UnpackPositionalArgs(c.name, c.args, c.kwargs, 1, &affix, &start, &end); err != nil {
		return nil, err
	}
	var cands [][]byte
	if t, ok := affix.(starlark.Tuple); ok {
		for _, e := range t {
			b, ok := AsBytes(e)
			if !ok {
				return nil, needBytes(e)
			}
			cands = append(cands, b)
		}
	} else if b, ok := AsBytes(affix); ok {
		cands = append(cands, b)
	} else {
		return nil, pyerr.Errorf("TypeError", "%s first arg must be bytes or a tuple of bytes, not %s", c.method, typeName(affix))
	}
	lo, hi, err := span(len(c.data), start, end)
	if err != nil {
		return nil, err
	}
	if lo > hi {
		return starlark.False, nil
	}
	s := c.data[lo:hi]
	for _, b := range cands {
		if prefix && bytes.HasPrefix(s, b) || !prefix && bytes.HasSuffix(s, b) {
			return starlark.True, nil
		}
	}
	return starlark.False, nil
}

func (c *call) decode() (starlark.Value, error) {
	encoding, errs := "utf-8", "strict"
	if err := starlark.UnpackArgs(c.name, c.args, c.kwargs, "encoding?", &encoding, "errors?", &errs); err != nil {
		return nil, err
	}
	return codec.Decode(c.name, starlark.Bytes(c.data), encoding, errs)
}

func (c *call) hex() (starlark.Value, error) {
	var sep starlark.Value = starlark.None
	perSep := 1
	if err := starlark.UnpackArgs(c.name, c.args, c.kwargs, "sep?", &sep, "bytes_per_sep?", &perSep); err != nil {
		return nil, err
	}
	h := hex.EncodeToString(c.data)
	if sep == starlark.None || len(c.data) == 0 {
		return starlark.String(h), nil
	}
	var s string
	if b, ok := AsBytes(sep); ok {
		s = string(b)
	} else if str, ok := sep.(starlark.String); ok {
		s = string(str)
	} else {
		return nil, pyerr.New("TypeError", "sep must be str or bytes.")
	}
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return nil, pyerr.New("ValueError", "sep must be ASCII.")
		}
	}
	if len(s) != 1 {
		return nil, pyerr.New("ValueError", "sep must be length 1.")
	}
	if perSep == 0 {
		return starlark.String(h), nil
	}
	n := perSep
	fromLeft := n < 0
	if fromLeft {
		n = -n
	}
	var groups []string
	if fromLeft {
		for i := 0; i < len(c.data); i += n {
			groups = append(groups, h[2*i:2*min(i+n, len(c.data))])
		}
	} else {
		first := len(c.data) % n
		if first > 0 {
			groups = append(groups, h[:2*first])
		}
		for i := first; i < len(c.data); i += n {
			groups = append(groups, h[2*i:2*(i+n)])
		}
	}
	return starlark.String(strings.Join(groups, s)), nil
}

func isAlnum(b byte) bool { return isAlpha(b) || isDigit(b) }
func isAlpha(b byte) bool { return 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' }
func isDigit(b byte) bool { return '0' <= b && b <= '9' }
func isSpace(b byte) bool {
	return b == ' ' || b == '\t' || b == '\n' || b == '\r' || b == '\v' || b == '\f'
}
func toLower(b byte) byte {
	if 'A' <= b && b <= 'Z' {
		return b + 'a' - 'A'
	}
	return b
}
func toUpper(b byte) byte {
	if 'a' <= b && b <= 'z' {
		return b - ('a' - 'A')
	}
	return b
}

func (c *call) is(pred func(byte) bool) (starlark.Value, error) {
	if err := c.noArgs(); err != nil {
		return nil, err
	}
	if len(c.data) == 0 {
		return starlark.False, nil
	}
	for _, b := range c.data {
		if !pred(b) {
			return starlark.False, nil
		}
	}
	return starlark.True, nil
}

// cased reports whether data has a cased byte and none of the wrong case.
func (c *call) cased(want, wrong func(byte) bool) (starlark.Value, error) {
	if err := c.noArgs(); err != nil {
		return nil, err
	}
	found := false
	for _, b := range c.data {
		if wrong(b) {
			return starlark.False, nil
		}
		found = found || want(b)
	}
	return starlark.Bool(found), nil
}

func isLower(b byte) bool                        { return 'a' <= b && b <= 'z' }
func isUpper(b byte) bool                        { return 'A' <= b && b <= 'Z' }
func (c *call) islower() (starlark.Value, error) { return c.cased(isLower, isUpper) }
func (c *call) isupper() (starlark.Value, error) { return c.cased(isUpper, isLower) }

func (c *call) mapBytes(f func(byte) byte) (starlark.Value, error) {
	if err := c.noArgs(); err != nil {
		return nil, err
	}
	out := make([]byte, len(c.data))
	for i, b := range c.data {
		out[i] = f(b)
	}
	return c.wrap(out), nil
}

func (c *call) join() (starlark.Value, error) {
	var iterable starlark.Value
	if err := starlark.UnpackPositionalArgs(c.name, c.args, c.kwargs, 1, &iterable); err != nil {
		return nil, err
	}
	it := starlark.Iterate(Iterable(iterable))
	if it == nil {
		return nil, pyerr.New("TypeError", "can only join an iterable")
	}
	defer it.Done()
	var out []byte
	var x starlark.Value
	for i := 0; it.Next(&x); i++ {
		b, ok := AsBytes(x)
		if !ok {
			return nil, pyerr.Errorf("TypeError", "sequence item %d: expected a bytes-like object, %s found", i, typeName(x))
		}
		if i > 0 {
			out = append(out, c.data...)
		}
		out = append(out, b...)
	}
	return c.wrap(out), nil
}

func (c *call) strip(left, right bool) (starlark.Value, error) {
	var chars starlark.Value = starlark.None
	if err := starlark.UnpackPositionalArgs(c.name, c.args, c.kwargs, 0, &chars); err != nil {
		return nil, err
	}
	in := isSpace
	if chars != starlark.None {
		set, ok := AsBytes(chars)
		if !ok {
			return nil, needBytes(chars)
		}
		in = func(b byte) bool { return bytes.IndexByte(set, b) >= 0 }
	}
	lo, hi := 0, len(c.data)
	for left && lo < hi && in(c.data[lo]) {
		lo++
	}
	for right && hi > lo && in(c.data[hi-1]) {
		hi--
	}
	return c.wrap(bytes.Clone(c.data[lo:hi])), nil
}

func (c *call) partition() (starlark.Value, error) {
	var sepV starlark.Value
	if err := starlark.UnpackPositionalArgs(c.name, c.args, c.kwargs, 1, &sepV); err != nil {
		return nil, err
	}
	sep, ok := AsBytes(sepV)
	if !ok {
		return nil, needBytes(sepV)
	}
	if len(sep) == 0 {
		return nil, pyerr.New("ValueError", "empty separator")
	}
	if i := bytes.Index(c.data, sep); i >= 0 {
		return starlark.Tuple{c.wrap(bytes.Clone(c.data[:i])), c.wrap(bytes.Clone(sep)), c.wrap(bytes.Clone(c.data[i+len(sep):]))}, nil
	}
	return starlark.Tuple{c.wrap(bytes.Clone(c.data)), c.wrap(nil), c.wrap(nil)}, nil
}

func (c *call) replace() (starlark.Value, error) {
	var oldV, newV starlark.Value
	count := -1
	if err := starlark.UnpackPositionalArgs(c.name, c.args, c.kwargs, 2, &oldV, &newV, &count); err != nil {
		return nil, err
	}
	old, ok := AsBytes(oldV)
	if !ok {
		return nil, needBytes(oldV)
	}
	nw, ok := AsBytes(newV)
	if !ok {
		return nil, needBytes(newV)
	}
	if count < 0 {
		count = -1
	}
	// Guard the result's size: b'' .replace(b'', big) grows by one per byte.
	if len(nw) > len(old) {
		n := bytes.Count(c.data, old)
		if count >= 0 && count < n {
			n = count
		}
		if size := len(c.data) + n*(len(nw)-len(old)); size > 1<<30 {
			return nil, pyerr.New("MemoryError", "")
		}
	}
	return c.wrap(bytes.Replace(c.data, old, nw, count)), nil
}

func (c *call) split(fromRight bool) (starlark.Value, error) {
	var sepV starlark.Value = starlark.None
	maxsplit := -1
	if err := starlark.UnpackArgs(c.name, c.args, c.kwargs, "sep?", &sepV, "maxsplit?", &maxsplit); err != nil {
		return nil, err
	}
	var parts [][]byte
	if sepV == starlark.None {
		parts = splitSpace(c.data, maxsplit, fromRight)
	} else {
		sep, ok := AsBytes(sepV)
		if !ok {
			return nil, needBytes(sepV)
		}
		if len(sep) == 0 {
			return nil, pyerr.New("ValueError", "empty separator")
		}
		switch {
		case maxsplit < 0:
			parts = bytes.Split(c.data, sep)
		case !fromRight:
			parts = bytes.SplitN(c.data, sep, maxsplit+1)
		default:
			rest := c.data
			for len(parts) < maxsplit {
				i := bytes.LastIndex(rest, sep)
				if i < 0 {
					break
				}
				parts = append(parts, rest[i+len(sep):])
				rest = rest[:i]
			}
			parts = append(parts, rest)
			reverse(parts)
		}
	}
	out := make([]starlark.Value, len(parts))
	for i, p := range parts {
		out[i] = c.wrap(bytes.Clone(p))
	}
	return starlark.NewList(out), nil
}

func reverse(parts [][]byte) {
	for i, j := 0, len(parts)-1; i < j; i, j = i+1, j-1 {
		parts[i], parts[j] = parts[j], parts[i]
	}
}

// splitSpace splits on runs of ASCII whitespace, as bytes.split() does.
func splitSpace(data []byte, maxsplit int, fromRight bool) [][]byte {
	if fromRight {
		var parts [][]byte
		hi := len(data)
		for {
			for hi > 0 && isSpace(data[hi-1]) {
				hi--
			}
			if hi == 0 {
				break
			}
			if maxsplit >= 0 && len(parts) == maxsplit {
				parts = append(parts, data[:hi])
				break
			}
			lo := hi
			for lo > 0 && !isSpace(data[lo-1]) {
				lo--
			}
			parts = append(parts, data[lo:hi])
			hi = lo
		}
		reverse(parts)
		return parts
	}
	var parts [][]byte
	lo := 0
	for {
		for lo < len(data) && isSpace(data[lo]) {
			lo++
		}
		if lo == len(data) {
			break
		}
		if maxsplit >= 0 && len(parts) == maxsplit {
			parts = append(parts, data[lo:])
			break
		}
		hi := lo
		for hi < len(data) && !isSpace(data[hi]) {
			hi++
		}
		parts = append(parts, data[lo:hi])
		lo = hi
	}
	return parts
}

func (c *call) splitlines() (starlark.Value, error) {
	keepends := false
	if err := starlark.UnpackArgs(c.name, c.args, c.kwargs, "keepends?", &keepends); err != nil {
		return nil, err
	}
	var out []starlark.Value
	d := c.data
	for len(d) > 0 {
		i := bytes.IndexAny(d, "\r\n")
		if i < 0 {
			out = append(out, c.wrap(bytes.Clone(d)))
			break
		}
		end := i + 1
		if d[i] == '\r' && i+1 < len(d) && d[i+1] == '\n' {
			end = i + 2
		}
		line := d[:i]
		if keepends {
			line = d[:end]
		}
		out = append(out, c.wrap(bytes.Clone(line)))
		d = d[end:]
	}
	return starlark.NewList(out), nil
}

// Wrap returns b as a starlark.Bytes, the wrap function for Call on a
// bytes receiver.
func Wrap(b []byte) starlark.Value { return starlark.Bytes(b) }
