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
