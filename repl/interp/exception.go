package interp

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/netstar/netstar/builtins/pyclass"
	"github.com/netstar/netstar/builtins/pyerr"
	"github.com/netstar/netstar/builtins/pyfmt"
	"go.starlark.net/starlark"
)

// Catchable reports whether catch() may turn err into a value: exits and
// cancellations (Ctrl-C, the end of the program, a request's time
// budget) always propagate.
func Catchable(thread *starlark.Thread, err error) bool {
	if _, ok := ExitCode(err); ok {
		return false
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	if Context(thread).Err() != nil {
		return false
	}
	var ee *starlark.EvalError
	if errors.As(err, &ee) && strings.HasPrefix(ee.Msg, "Starlark computation cancelled") {
		return false
	}
	return true
}

// Exception is the value catch() returns for a failure: Python's
// exception object, seen from Starlark.
type Exception struct {
	err  *pyerr.Error
	from error
}

var (
	_ starlark.HasAttrs = (*Exception)(nil)
	_ pyfmt.PyReprer    = (*Exception)(nil)
)

// NewException converts any error into an Exception. Python exceptions
// raised by netstar's modules keep their class and errno; other
// Starlark errors get a class guessed from the message (KeyError,
// IndexError, ZeroDivisionError, TypeError, ValueError) or "Error".
func NewException(err error) *Exception {
	if pe, ok := pyerr.As(err); ok {
		return &Exception{err: pe, from: err}
	}
	msg := err.Error()
	var ee *starlark.EvalError
	if errors.As(err, &ee) {
		msg = ee.Msg
	}
	if pe := fromFail(msg); pe != nil {
		pe.Err = err
		return &Exception{err: pe, from: err}
	}
	if typ, text, ok := pythonError(msg); ok {
		return &Exception{err: &pyerr.Error{Type: typ, Strerror: text, Err: err}, from: err}
	}
	return &Exception{err: &pyerr.Error{Type: classify(msg), Strerror: msg, Err: err}, from: err}
}

var (
	failedClass = regexp.MustCompile(`^(?:[A-Za-z_]\w*\.)?([A-Za-z_]\w*(?:Error|Exception|Exit|Interrupt|Warning)|timeout|gaierror|herror|error): (.*)$`)
	errnoText   = regexp.MustCompile(`^\[Errno (-?\d+)\] (.*)$`)
)

// fromFail recovers the exception from the message of fail("Class: text"),
// which is how a translated `raise Class("text")` or a re-raised
// exception (fail(err.message)) reads: catch() then sees the class again.
func fromFail(msg string) *pyerr.Error {
	if !strings.HasPrefix(msg, "fail: ") {
		return nil
	}
	for strings.HasPrefix(msg, "fail: ") {
		msg = strings.TrimPrefix(msg, "fail: ")
	}
	m := failedClass.FindStringSubmatch(msg)
	if m == nil {
		return nil
	}
	typ, text := m[1], m[2]
	if typ == "error" {
		typ = "OSError"
	}
	if em := errnoText.FindStringSubmatch(text); em != nil {
		n, _ := strconv.Atoi(em[1])
		return &pyerr.Error{Type: typ, Errno: n, HasErrno: true, Strerror: em[2]}
	}
	return &pyerr.Error{Type: typ, Strerror: text}
}

func classify(msg string) string {
	has := func(subs ...string) bool {
		for _, sub := range subs {
			if strings.Contains(msg, sub) {
				return true
			}
		}
		return false
	}
	switch {
	case has("division by zero", "modulo by zero"):
		return "ZeroDivisionError"
	case has("stack overflow"):
		return "RecursionError"
	case has("json.decode", "json.loads"):
		return "JSONDecodeError"
	case has("out of range (want value in", "too large", "overflow"):
		return "OverflowError"
	case has("not in dict") || has("key ") && has("not found"):
		return "KeyError"
	case has("index ") && has("out of range"):
		return "IndexError"
	case has("has no .", "no such attribute"):
		return "AttributeError"
	case has("missing argument", "unexpected keyword argument", "got multiple values", "accepts no arguments",
		"arguments, want", "unexpected positional argument", "has no len", "not iterable", "not callable",
		"unsupported", "unknown binary op", "unknown unary op", ", want ", "unhashable"):
		return "TypeError"
	case has("invalid literal", "invalid syntax", "out of range", "must be"):
		return "ValueError"
	case has("undefined:", "not defined"):
		return "NameError"
	}
	return "Error"
}

// raiseFunc is the predeclared function a translated raise calls.
const raiseFunc = "__ns_raise__"

// raiseBuiltin is Python's raise: __ns_raise__(x) fails with x, which is
// an exception caught by catch() (re-raised as it was, with its class,
// errno and instance) or an instance or class of an exception class of
// the program.
var raiseBuiltin = starlark.NewBuiltin("raise", func(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var x starlark.Value
	if err := starlark.UnpackPositionalArgs(b.Name(), args, kwargs, 1, &x); err != nil {
		return nil, err
	}
	if e, ok := x.(*Exception); ok {
		return nil, e.from
	}
	pe, err := pyclass.Raise(thread, x)
	if err != nil {
		return nil, err
	}
	return nil, pe
})

// PythonValue returns the instance raised, for an exception class of the
// program; nil otherwise. pyclass.IsInstance reads it.
func (e *Exception) PythonValue() starlark.Value {
	v, _ := e.err.Value.(starlark.Value)
	return v
}

// ExceptionType returns the class name, for isinstance with a builtin
// exception class.
func (e *Exception) ExceptionType() string { return e.err.Type }

// Err returns the Python exception behind the value.
func (e *Exception) Err() *pyerr.Error { return e.err }

// String returns Python's str(e).
func (e *Exception) String() string {
	if v := e.PythonValue(); v != nil {
		return v.String()
	}
	return e.err.Str()
}

// PyRepr returns Python's repr of the exception, e.g.
// ConnectionRefusedError(111, 'Connection refused').
func (e *Exception) PyRepr() string {
	if r, ok := e.PythonValue().(pyfmt.PyReprer); ok {
		return r.PyRepr()
	}
	if e.err.HasErrno {
		return fmt.Sprintf("%s(%d, %s)", e.err.Type, e.err.Errno, pyfmt.Repr(starlark.String(e.err.Strerror)))
	}
	return fmt.Sprintf("%s(%s)", e.err.Type, pyfmt.Repr(starlark.String(e.err.Strerror)))
}

// Type returns "exception".
func (e *Exception) Type() string { return "exception" }

// Freeze does nothing: an Exception is immutable.
func (e *Exception) Freeze() {}

// Truth is always true, so `if err:` reads naturally.
func (e *Exception) Truth() starlark.Bool { return true }

// Hash fails: exceptions are not hashable.
func (e *Exception) Hash() (uint32, error) { return 0, fmt.Errorf("unhashable: exception") }

var exceptionAttrs = []string{"args", "errno", "is_a", "message", "strerror", "type"}

// AttrNames lists the attributes: type, errno, strerror, message, args
// and the method is_a.
func (e *Exception) AttrNames() []string {
	if ha, ok := e.PythonValue().(starlark.HasAttrs); ok {
		seen := map[string]bool{}
		for _, n := range append(ha.AttrNames(), exceptionAttrs...) {
			seen[n] = true
		}
		out := make([]string, 0, len(seen))
		for n := range seen {
			out = append(out, n)
		}
		sort.Strings(out)
		return out
	}
	return exceptionAttrs
}

// Attr returns one attribute of the exception; for an instance of an
// exception class of the program, its own attributes come first.
func (e *Exception) Attr(name string) (starlark.Value, error) {
	if ha, ok := e.PythonValue().(starlark.HasAttrs); ok && name != "is_a" && name != "message" {
		if v, err := ha.Attr(name); err == nil && v != nil {
			return v, nil
		}
	}
	switch name {
	case "type":
		return starlark.String(e.err.Type), nil
	case "errno":
		if e.err.HasErrno {
			return starlark.MakeInt(e.err.Errno), nil
		}
		return starlark.None, nil
	case "strerror":
		if e.err.HasErrno {
			return starlark.String(e.err.Strerror), nil
		}
		return starlark.None, nil
	case "message":
		return starlark.String(e.err.Error()), nil
	case "args":
		if e.err.HasErrno {
			return starlark.Tuple{starlark.MakeInt(e.err.Errno), starlark.String(e.err.Strerror)}, nil
		}
		return starlark.Tuple{starlark.String(e.err.Strerror)}, nil
	case "is_a":
		return starlark.NewBuiltin("exception.is_a", func(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
			var classes []string
			for _, a := range args {
				s, ok := starlark.AsString(a)
				if !ok {
					return nil, fmt.Errorf("%s: for parameter %d: got %s, want string (a class name such as \"OSError\")", b.Name(), len(classes)+1, a.Type())
				}
				classes = append(classes, s)
			}
			if len(classes) == 0 || len(kwargs) > 0 {
				return nil, fmt.Errorf("%s: want one or more class names", b.Name())
			}
			for _, c := range classes {
				if e.err.IsA(c) {
					return starlark.True, nil
				}
			}
			return starlark.False, nil
		}), nil
	}
	return nil, nil
}
