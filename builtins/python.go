package builtins

import (
	"fmt"
	"math"
	"math/big"
	"reflect"
	"strings"
	"unsafe"

	"go.starlark.net/starlark"
	"go.starlark.net/syntax"

	"github.com/netstar/netstar/builtins/pybytes"
	"github.com/netstar/netstar/builtins/pyerr"
	"github.com/netstar/netstar/builtins/pyfmt"
)

// Python's builtins that Starlark lacks. They take the same arguments
// as Python's and fail with Python's exception classes and texts.
//
// map and filter compute their results when called and return a list,
// where Python returns a one-pass iterator: list(map(...)), for loops,
// "".join(map(str, ports)), sorted() and len() all behave as students
// expect, and an error raised by the function is raised by map itself
// (a Starlark iterator cannot fail). print(map(...)) shows the list
// rather than <map object at 0x...>.
func init() {
	register("sum", sumBuiltin, `sum(iterable, start=0)
Returns start plus the sum of the iterable's items (numbers, or lists
with start=[]). For strings use "".join(items).`)
	register("round", roundBuiltin, `round(number, ndigits=None)
Rounds to ndigits decimals as Python does: halves go to the even
neighbour (round(2.5) is 2, round(0.125, 2) is 0.12). Without ndigits
the result is an int.`)
	register("map", mapBuiltin, `map(function, iterable, *iterables)
Returns the list of function(x) for each x (with several iterables,
function(x, y, ...) until the shortest ends). Python returns an
iterator; netstar returns the list at once, which list(), for loops and
join() use the same way.`)
	register("filter", filterBuiltin, `filter(function, iterable)
Returns the list of the items for which function(item) is true (with
function None, the true items). Python returns an iterator; netstar
returns the list at once.`)
	register("hex", func(t *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
		return baseText(b, args, kwargs, 16, "0x")
	}, `hex(x)
Returns the int x in hexadecimal: hex(255) is '0xff', hex(-1) is '-0x1'.`)
	register("oct", func(t *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
		return baseText(b, args, kwargs, 8, "0o")
	}, `oct(x)
Returns the int x in octal: oct(8) is '0o10'.`)
	register("bin", func(t *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
		return baseText(b, args, kwargs, 2, "0b")
	}, `bin(x)
Returns the int x in binary: bin(5) is '0b101'.`)
	register("pow", powBuiltin, `pow(base, exp, mod=None)
Returns base ** exp; with mod, (base ** exp) % mod computed efficiently
(a negative exp then means the modular inverse). An int to a negative
power is a float, as in Python.`)
	register("divmod", divmodBuiltin, `divmod(a, b)
Returns (a // b, a % b), with Python's floor division.`)
	register("format", formatBuiltin, `format(value, format_spec="")
Formats value with Python's format-spec mini-language: format(255, "x")
is 'ff', format(3.14159, ".2f") is '3.14', format("ab", ">5") is '   ab'.`)
	register("setattr", setattrBuiltin, `setattr(object, name, value)
Sets the attribute name of object to value, as object.name = value does.`)
	register("delattr", delattrBuiltin, `delattr(object, name)
Deletes the attribute name of an object that allows it.`)
	register("getattr", getattrBuiltin, `getattr(object, name, default=<none>)
Returns object.name, or default if it has no such attribute (without a
default, AttributeError).`)
	register("iter", iterBuiltin, `iter(iterable)
Returns an iterator over the iterable (a list, tuple, dict, set, string,
bytes, range, sys.stdin...): next(it) returns its items one at a time,
and a for loop takes what is left.`)
	register("next", nextBuiltin, `next(iterator, default=<none>)
Returns the iterator's next item; when it is exhausted, default if given,
else StopIteration.`)
	register("callable", callableBuiltin, `callable(object)
Reports whether object can be called (functions, builtins, classes...).`)
	register("id", idBuiltin, `id(object)
Returns an int that identifies object while it lives: two lists have
different ids, the same list always the same. Equal immutable values
(ints, strings) may share an id.`)
}

// typeName is Python's name for v's type, as its messages show it.
func typeName(v starlark.Value) string {
	switch v.(type) {
	case starlark.String:
		return "str"
	case starlark.NoneType:
		return "NoneType"
	case *starlark.Function:
		return "function"
	case *starlark.Builtin:
		return "builtin_function_or_method"
	}
	return v.Type()
}

// notIterable is Python's TypeError for a value a loop cannot walk.
func notIterable(v starlark.Value) error {
	return pyerr.Errorf("TypeError", "'%s' object is not iterable", typeName(v))
}

// iterate returns an iterator over v as Python iterates it: bytes give
// ints and strings give characters.
func iterate(v starlark.Value) (starlark.Iterator, error) {
	if it := starlark.Iterate(pybytes.Iterable(v)); it != nil {
		return it, nil
	}
	return nil, notIterable(v)
}

func unsupported(op string, x, y starlark.Value) error {
	return pyerr.Errorf("TypeError", "unsupported operand type(s) for %s: '%s' and '%s'", op, typeName(x), typeName(y))
}

func sumBuiltin(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var iterable starlark.Value
	var start starlark.Value = starlark.MakeInt(0)
	if err := starlark.UnpackArgs(b.Name(), args, kwargs, "iterable", &iterable, "start?", &start); err != nil {
		return nil, err
	}
	switch start.(type) {
	case starlark.String:
		return nil, pyerr.New("TypeError", "sum() can't sum strings [use ''.join(seq) instead]")
	case starlark.Bytes:
		return nil, pyerr.New("TypeError", "sum() can't sum bytes [use b''.join(seq) instead]")
	case *Bytearray:
		return nil, pyerr.New("TypeError", "sum() can't sum bytearray [use b''.join(seq) instead]")
	}
	it, err := iterate(iterable)
	if err != nil {
		return nil, err
	}
	defer it.Done()
	acc := start
	var x starlark.Value
	for it.Next(&x) {
		next, err := starlark.Binary(syntax.PLUS, boolToInt(acc), boolToInt(x))
		if err != nil {
			return nil, unsupported("+", acc, x)
		}
		acc = next
	}
	return acc, nil
}

// indexInt reads an int argument as Python's __index__ does.
func indexInt(v starlark.Value) (*big.Int, error) {
	switch x := v.(type) {
	case starlark.Int:
		return x.BigInt(), nil
	case starlark.Bool:
		if x {
			return big.NewInt(1), nil
		}
		return big.NewInt(0), nil
	}
	return nil, pyerr.Errorf("TypeError", "'%s' object cannot be interpreted as an integer", typeName(v))
}

func baseText(b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple, base int, prefix string) (starlark.Value, error) {
	var x starlark.Value
	if err := starlark.UnpackPositionalArgs(b.Name(), args, kwargs, 1, &x); err != nil {
		return nil, err
	}
	n, err := indexInt(x)
	if err != nil {
		return nil, err
	}
	sign := ""
	if n.Sign() < 0 {
		sign = "-"
		n = new(big.Int).Neg(n)
	}
	return starlark.String(sign + prefix + n.Text(base)), nil
}

var bigTen = big.NewInt(10)

// roundHalfEven rounds r to the nearest integer, halves to even.
func roundHalfEven(r *big.Rat) *big.Int {
	num, den := r.Num(), r.Denom()
	q, m := new(big.Int).DivMod(num, den, new(big.Int)) // floor division, 0 <= m < den
	switch c := new(big.Int).Lsh(m, 1).Cmp(den); {
	case c > 0, c == 0 && q.Bit(0) == 1:
		q.Add(q, big.NewInt(1))
	}
	return q
}

func roundBuiltin(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var x starlark.Value
	var nd starlark.Value = starlark.None
	if err := starlark.UnpackArgs(b.Name(), args, kwargs, "number", &x, "ndigits?", &nd); err != nil {
		return nil, err
	}
	var digits int64
	hasDigits := nd != starlark.None
	if hasDigits {
		n, err := indexInt(nd)
		if err != nil {
			return nil, err
		}
		// Python clamps absurd ndigits the same way: nothing to round, or all.
		switch {
		case n.Cmp(big.NewInt(10000)) > 0:
			digits = 10000
		case n.Cmp(big.NewInt(-10000)) < 0:
			digits = -10000
		default:
			digits = n.Int64()
		}
	}
	switch v := x.(type) {
	case starlark.Bool:
		if v {
			return starlark.MakeInt(1), nil
		}
		return starlark.MakeInt(0), nil
	case starlark.Int:
		if !hasDigits || digits >= 0 {
			return v, nil
		}
		scale := new(big.Int).Exp(bigTen, big.NewInt(-digits), nil)
		q := roundHalfEven(new(big.Rat).SetFrac(v.BigInt(), scale))
		return starlark.MakeBigInt(q.Mul(q, scale)), nil
	case starlark.Float:
		f := float64(v)
		if !hasDigits {
			switch {
			case math.IsInf(f, 0):
				return nil, pyerr.New("OverflowError", "cannot convert float infinity to integer")
			case math.IsNaN(f):
				return nil, pyerr.New("ValueError", "cannot convert float NaN to integer")
			}
			return starlark.NumberToInt(starlark.Float(math.RoundToEven(f)))
		}
		if math.IsInf(f, 0) || math.IsNaN(f) || f == 0 || digits > 330 {
			return v, nil
		}
		r := new(big.Rat).SetFloat64(f)
		scale := new(big.Rat).SetInt(new(big.Int).Exp(bigTen, big.NewInt(abs64(digits)), nil))
		if digits >= 0 {
			r.Mul(r, scale)
		} else {
			r.Quo(r, scale)
		}
		res := new(big.Rat).SetInt(roundHalfEven(r))
		if digits >= 0 {
			res.Quo(res, scale)
		} else {
			res.Mul(res, scale)
		}
		out, _ := res.Float64()
		if math.IsInf(out, 0) {
			return nil, pyerr.New("OverflowError", "rounded value too large to represent")
		}
		if out == 0 {
			out = math.Copysign(0, f)
		}
		return starlark.Float(out), nil
	}
	return nil, pyerr.Errorf("TypeError", "type %s doesn't define __round__ method", typeName(x))
}

func abs64(n int64) int64 {
	if n < 0 {
		return -n
	}
	return n
}

func mapBuiltin(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	if len(kwargs) > 0 {
		return nil, pyerr.New("TypeError", "map() takes no keyword arguments")
	}
	if len(args) < 2 {
		return nil, pyerr.New("TypeError", "map() must have at least two arguments.")
	}
	fn := args[0]
	if _, ok := fn.(starlark.Callable); !ok {
		return nil, pyerr.Errorf("TypeError", "'%s' object is not callable", typeName(fn))
	}
	its := make([]starlark.Iterator, 0, len(args)-1)
	defer func() {
		for _, it := range its {
			it.Done()
		}
	}()
	for _, a := range args[1:] {
		it, err := iterate(a)
		if err != nil {
			return nil, err
		}
		its = append(its, it)
	}
	var out []starlark.Value
	for {
		call := make(starlark.Tuple, len(its))
		for i, it := range its {
			if !it.Next(&call[i]) {
				return starlark.NewList(out), nil
			}
		}
		v, err := starlark.Call(thread, fn, call, nil)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
}

func filterBuiltin(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	if len(kwargs) > 0 {
		return nil, pyerr.New("TypeError", "filter() takes no keyword arguments")
	}
	if len(args) != 2 {
		return nil, pyerr.Errorf("TypeError", "filter expected 2 arguments, got %d", len(args))
	}
	fn := args[0]
	if _, ok := fn.(starlark.Callable); !ok && fn != starlark.None {
		return nil, pyerr.Errorf("TypeError", "'%s' object is not callable", typeName(fn))
	}
	it, err := iterate(args[1])
	if err != nil {
		return nil, err
	}
	defer it.Done()
	var out []starlark.Value
	var x starlark.Value
	for it.Next(&x) {
		keep := x
		if fn != starlark.None {
			keep, err = starlark.Call(thread, fn, starlark.Tuple{x}, nil)
			if err != nil {
				return nil, err
			}
		}
		if keep.Truth() {
			out = append(out, x)
		}
	}
	return starlark.NewList(out), nil
}

// maxPowBits bounds the size of an int power: Python would try to build
// any size and take minutes; netstar says no at once.
const maxPowBits = 1 << 26

func powBuiltin(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var base, exp starlark.Value
	var mod starlark.Value = starlark.None
	if err := starlark.UnpackArgs(b.Name(), args, kwargs, "base", &base, "exp", &exp, "mod?", &mod); err != nil {
		return nil, err
	}
	return Pow(base, exp, mod)
}

// Pow is Python's pow(base, exp, mod) and, with mod None, base ** exp.
func Pow(base, exp, mod starlark.Value) (starlark.Value, error) {
	bi, bInt := asInt(base)
	ei, eInt := asInt(exp)
	if mod != starlark.None {
		mi, mInt := asInt(mod)
		if !bInt || !eInt || !mInt {
			if isNumber(base) && isNumber(exp) && isNumber(mod) {
				return nil, pyerr.New("TypeError", "pow() 3rd argument not allowed unless all arguments are integers")
			}
			return nil, pyerr.Errorf("TypeError", "unsupported operand type(s) for ** or pow(): '%s', '%s', '%s'", typeName(base), typeName(exp), typeName(mod))
		}
		if mi.Sign() == 0 {
			return nil, pyerr.New("ValueError", "pow() 3rd argument cannot be 0")
		}
		m := new(big.Int).Abs(mi)
		if m.Cmp(big.NewInt(1)) == 0 {
			return starlark.MakeInt(0), nil
		}
		x := new(big.Int).Mod(bi, m)
		e := ei
		if e.Sign() < 0 {
			inv := new(big.Int).ModInverse(x, m)
			if inv == nil {
				return nil, pyerr.New("ValueError", "base is not invertible for the given modulus")
			}
			x, e = inv, new(big.Int).Neg(e)
		}
		r := new(big.Int).Exp(x, e, m)
		if mi.Sign() < 0 && r.Sign() != 0 {
			r.Add(r, mi)
		}
		return starlark.MakeBigInt(r), nil
	}
	if !isNumber(base) || !isNumber(exp) {
		return nil, pyerr.Errorf("TypeError", "unsupported operand type(s) for ** or pow(): '%s' and '%s'", typeName(base), typeName(exp))
	}
	if bInt && eInt && ei.Sign() >= 0 {
		if !ei.IsInt64() || int64(bi.BitLen())*ei.Int64() > maxPowBits {
			if bi.CmpAbs(big.NewInt(1)) <= 0 {
				// 0, 1 and -1 to any power are small.
				if bi.Sign() == 0 {
					if ei.Sign() == 0 {
						return starlark.MakeInt(1), nil
					}
					return starlark.MakeInt(0), nil
				}
				if bi.Sign() < 0 && ei.Bit(0) == 1 {
					return starlark.MakeInt(-1), nil
				}
				return starlark.MakeInt(1), nil
			}
			return nil, pyerr.Errorf("OverflowError", "pow(): the result would have more than %d bits", maxPowBits)
		}
		return starlark.MakeBigInt(new(big.Int).Exp(bi, ei, nil)), nil
	}
	x, err := toFloat(base)
	if err != nil {
		return nil, err
	}
	y, err := toFloat(exp)
	if err != nil {
		return nil, err
	}
	if x == 0 && y < 0 {
		return nil, pyerr.New("ZeroDivisionError", "0.0 cannot be raised to a negative power")
	}
	if x < 0 && y != math.Trunc(y) && !math.IsInf(y, 0) {
		return nil, pyerr.New("ValueError", "netstar has no complex numbers: a negative number to a fractional power")
	}
	r := math.Pow(x, y)
	if math.IsInf(r, 0) && !math.IsInf(x, 0) && !math.IsInf(y, 0) {
		return nil, pyerr.New("OverflowError", "(34, 'Numerical result out of range')")
	}
	return starlark.Float(r), nil
}

func asInt(v starlark.Value) (*big.Int, bool) {
	switch v.(type) {
	case starlark.Int, starlark.Bool:
		n, _ := indexInt(v)
		return n, true
	}
	return nil, false
}

func isNumber(v starlark.Value) bool {
	switch v.(type) {
	case starlark.Int, starlark.Bool, starlark.Float:
		return true
	}
	return false
}

func toFloat(v starlark.Value) (float64, error) {
	switch x := v.(type) {
	case starlark.Float:
		return float64(x), nil
	case starlark.Bool:
		if x {
			return 1, nil
		}
		return 0, nil
	case starlark.Int:
		f := x.Float()
		if math.IsInf(float64(f), 0) {
			return 0, pyerr.New("OverflowError", "int too large to convert to float")
		}
		return float64(f), nil
	}
	return 0, pyerr.Errorf("TypeError", "must be real number, not %s", typeName(v))
}

func divmodBuiltin(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var x, y starlark.Value
	if err := starlark.UnpackPositionalArgs(b.Name(), args, kwargs, 2, &x, &y); err != nil {
		return nil, err
	}
	if !isNumber(x) || !isNumber(y) {
		return nil, unsupported("divmod()", x, y)
	}
	_, xInt := asInt(x)
	yi, yInt := asInt(y)
	if xInt && yInt {
		if yi.Sign() == 0 {
			return nil, pyerr.New("ZeroDivisionError", "integer division or modulo by zero")
		}
	} else if f, err := toFloat(y); err != nil {
		return nil, err
	} else if f == 0 {
		return nil, pyerr.New("ZeroDivisionError", "float divmod()")
	}
	x, y = boolToInt(x), boolToInt(y)
	q, err := starlark.Binary(syntax.SLASHSLASH, x, y)
	if err != nil {
		return nil, err
	}
	r, err := starlark.Binary(syntax.PERCENT, x, y)
	if err != nil {
		return nil, err
	}
	return starlark.Tuple{q, r}, nil
}

func boolToInt(v starlark.Value) starlark.Value {
	if b, ok := v.(starlark.Bool); ok {
		if b {
			return starlark.MakeInt(1)
		}
		return starlark.MakeInt(0)
	}
	return v
}

func formatBuiltin(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var v starlark.Value
	var spec starlark.Value = starlark.String("")
	if err := starlark.UnpackPositionalArgs(b.Name(), args, kwargs, 1, &v, &spec); err != nil {
		return nil, err
	}
	s, ok := spec.(starlark.String)
	if !ok {
		return nil, pyerr.Errorf("TypeError", "format() argument 2 must be str, not %s", typeName(spec))
	}
	out, err := pyfmt.FormatValue(v, string(s))
	if err != nil {
		return nil, err
	}
	return starlark.String(out), nil
}

// attrName reads the name argument of setattr, getattr and delattr.
func attrName(v starlark.Value) (string, error) {
	s, ok := v.(starlark.String)
	if !ok {
		return "", pyerr.Errorf("TypeError", "attribute name must be string, not '%s'", typeName(v))
	}
	return string(s), nil
}

// noAttr is Python's AttributeError for a missing attribute.
func noAttr(x starlark.Value, name string) error {
	if x.Type() == "module" {
		return pyerr.Errorf("AttributeError", "module '%s' has no attribute '%s'", strings.TrimSuffix(strings.TrimPrefix(x.String(), "<module \""), "\">"), name)
	}
	return pyerr.Errorf("AttributeError", "'%s' object has no attribute '%s'", typeName(x), name)
}

func setattrBuiltin(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var x, nameV, v starlark.Value
	if err := starlark.UnpackPositionalArgs(b.Name(), args, kwargs, 3, &x, &nameV, &v); err != nil {
		return nil, err
	}
	name, err := attrName(nameV)
	if err != nil {
		return nil, err
	}
	sf, ok := x.(starlark.HasSetField)
	if !ok {
		return nil, noAttr(x, name)
	}
	if err := sf.SetField(name, v); err != nil {
		if _, missing := err.(starlark.NoSuchAttrError); missing {
			return nil, noAttr(x, name)
		}
		return nil, err
	}
	return starlark.None, nil
}

// HasDelAttr is implemented by values whose attributes delattr() can
// delete (instances of a netstar class).
type HasDelAttr interface {
	starlark.Value
	// DelAttr deletes the attribute name, or fails with AttributeError.
	DelAttr(name string) error
}

func delattrBuiltin(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var x, nameV starlark.Value
	if err := starlark.UnpackPositionalArgs(b.Name(), args, kwargs, 2, &x, &nameV); err != nil {
		return nil, err
	}
	name, err := attrName(nameV)
	if err != nil {
		return nil, err
	}
	d, ok := x.(HasDelAttr)
	if !ok {
		if ha, ok := x.(starlark.HasAttrs); ok {
			if v, err := ha.Attr(name); err == nil && v != nil {
				return nil, pyerr.Errorf("AttributeError", "'%s' object attribute '%s' is read-only", typeName(x), name)
			}
		}
		return nil, noAttr(x, name)
	}
	return starlark.None, d.DelAttr(name)
}

func getattrBuiltin(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var x, nameV, dflt starlark.Value
	if err := starlark.UnpackPositionalArgs(b.Name(), args, kwargs, 2, &x, &nameV, &dflt); err != nil {
		return nil, err
	}
	name, err := attrName(nameV)
	if err != nil {
		return nil, err
	}
	if ha, ok := x.(starlark.HasAttrs); ok {
		v, err := ha.Attr(name)
		if err == nil && v != nil {
			return v, nil
		}
		if _, missing := err.(starlark.NoSuchAttrError); err != nil && !missing {
			return nil, err
		}
	}
	if dflt != nil {
		return dflt, nil
	}
	return nil, noAttr(x, name)
}

func callableBuiltin(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var x starlark.Value
	if err := starlark.UnpackPositionalArgs(b.Name(), args, kwargs, 1, &x); err != nil {
		return nil, err
	}
	_, ok := x.(starlark.Callable)
	return starlark.Bool(ok), nil
}

func idBuiltin(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var x starlark.Value
	if err := starlark.UnpackPositionalArgs(b.Name(), args, kwargs, 1, &x); err != nil {
		return nil, err
	}
	return starlark.MakeUint64(uint64(ID(x))), nil
}

// ID is id(x): the address of a value held by pointer (lists, dicts,
// functions, sockets...), else one derived from the value, so equal
// immutable values may share an id.
func ID(x starlark.Value) uintptr {
	rv := reflect.ValueOf(x)
	switch rv.Kind() {
	case reflect.Pointer, reflect.Map, reflect.Func, reflect.Chan, reflect.UnsafePointer:
		return rv.Pointer()
	case reflect.Slice:
		if rv.Len() > 0 {
			return rv.Pointer()
		}
	case reflect.String:
		if rv.Len() > 0 {
			return uintptr(unsafe.Pointer(unsafe.StringData(rv.String())))
		}
	}
	h, err := x.Hash()
	if err != nil {
		h = 0
	}
	t := fmt.Sprintf("%T", x)
	var th uint32 = 2166136261
	for i := 0; i < len(t); i++ {
		th = (th ^ uint32(t[i])) * 16777619
	}
	// A value-derived id, kept apart from heap addresses by its high bit.
	return uintptr(1)<<(unsafe.Sizeof(uintptr(0))*8-1) | uintptr(th)<<16 ^ uintptr(h)
}
