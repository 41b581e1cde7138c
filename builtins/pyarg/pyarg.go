// Package pyarg reads the arguments that many of netstar's builtins take
// alike, so that every builtin accepts the same values and fails with the
// same words: the function's qualified name, the parameter, and Python's
// exception class (TypeError for a wrong type, ValueError for a bad value).
package pyarg

import (
	"math"
	"strconv"
	"time"

	"github.com/netstar/netstar/builtins/pyerr"
	"go.starlark.net/starlark"
)

// TimeoutOptions say which timeouts a parameter accepts.
type TimeoutOptions struct {
	// Max is the longest timeout accepted; zero means a year.
	Max time.Duration
	// None accepts None, for "no limit"; Timeout then returns 0.
	None bool
}

// Timeout reads a timeout in seconds: an int or a float above zero and
// at most opts.Max, or None when opts.None is set (the result is then 0).
// fn is the builtin's qualified name and param the parameter's.
func Timeout(fn, param string, v starlark.Value, opts TimeoutOptions) (time.Duration, error) {
	want := "int or float"
	if opts.None {
		want = "int, float or None"
	}
	if v == starlark.None && opts.None {
		return 0, nil
	}
	max := opts.Max
	if max <= 0 {
		max = 365 * 24 * time.Hour
	}
	var secs float64
	switch x := v.(type) {
	case starlark.Int, starlark.Float:
		secs, _ = starlark.AsFloat(x)
	default:
		return 0, pyerr.Errorf("TypeError", "%s: for parameter %s: got %s, want %s", fn, param, v.Type(), want)
	}
	if math.IsNaN(secs) || secs <= 0 || secs > max.Seconds() {
		bound := "a positive number of seconds"
		if opts.Max > 0 {
			bound = "a number of seconds in (0, " + strconv.FormatFloat(max.Seconds(), 'g', -1, 64) + "]"
		}
		if opts.None {
			bound += " or None"
		}
		return 0, pyerr.Errorf("ValueError", "%s: for parameter %s: got %s, want %s", fn, param, v.String(), bound)
	}
	return time.Duration(secs * float64(time.Second)), nil
}

// Port reads a port number as CPython does for a socket address, a
// service lookup or a server: an int in 0-65535. what prefixes the
// messages as CPython words them: "connect()" gives "OverflowError:
// connect(): port must be 0-65535."; a non-int is "TypeError: 'str'
// object cannot be interpreted as an integer".
func Port(what string, v starlark.Value) (int, error) {
	i, ok := v.(starlark.Int)
	if !ok {
		return 0, pyerr.Errorf("TypeError", "'%s' object cannot be interpreted as an integer", TypeName(v))
	}
	n, ok := i.Int64()
	if !ok || n < 0 || n > 65535 {
		return 0, pyerr.Errorf("OverflowError", "%s: port must be 0-65535.", what)
	}
	return int(n), nil
}

// TypeName names a Starlark value's type as Python's messages do
// ("str", "NoneType", "list"), which is not always Starlark's name.
func TypeName(v starlark.Value) string {
	switch v.(type) {
	case starlark.String:
		return "str"
	case starlark.Bytes:
		return "bytes"
	case starlark.Int:
		return "int"
	case starlark.Float:
		return "float"
	case starlark.NoneType:
		return "NoneType"
	case starlark.Tuple:
		return "tuple"
	case *starlark.List:
		return "list"
	case *starlark.Dict:
		return "dict"
	case starlark.Bool:
		return "bool"
	}
	return v.Type()
}
