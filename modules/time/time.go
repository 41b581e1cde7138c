// Package time registers go.starlark.net's time module with Python's
// sleep, time, monotonic and perf_counter added.
package time

import (
	"context"
	"fmt"
	"math"
	gotime "time"

	"github.com/netstar/netstar/builtins/pyerr"
	"github.com/netstar/netstar/modules"
	"github.com/netstar/netstar/repl/interp"
	"go.starlark.net/lib/time"
	"go.starlark.net/starlark"
	"go.starlark.net/starlarkstruct"
)

// Module is go.starlark.net/lib/time plus
//
//	def sleep(secs)       waits secs seconds (int or float); Ctrl-C interrupts it
//	def time()            seconds since the epoch as a float; with arguments, lib/time's constructor
//	def monotonic()       a monotonic clock in seconds, for measuring intervals
//	def perf_counter()    same as monotonic
var Module = &starlarkstruct.Module{Name: "time", Members: members()}

var start = gotime.Now()

func members() starlark.StringDict {
	m := starlark.StringDict{}
	for k, v := range time.Module.Members {
		m[k] = v
	}
	m["sleep"] = starlark.NewBuiltin("time.sleep", sleep)
	m["time"] = starlark.NewBuiltin("time.time", now)
	m["monotonic"] = starlark.NewBuiltin("time.monotonic", monotonic)
	m["perf_counter"] = starlark.NewBuiltin("time.perf_counter", monotonic)
	return m
}

func sleep(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var secs starlark.Value
	if err := starlark.UnpackPositionalArgs(b.Name(), args, kwargs, 1, &secs); err != nil {
		return nil, err
	}
	f, ok := starlark.AsFloat(secs)
	if !ok {
		if d, isDur := secs.(time.Duration); isDur {
			f, ok = gotime.Duration(d).Seconds(), true
		}
	}
	if !ok {
		return nil, pyerr.Errorf("TypeError", "%s: for parameter secs: got %s, want int or float", b.Name(), secs.Type())
	}
	if math.IsNaN(f) || f < 0 {
		return nil, pyerr.Errorf("ValueError", "%s: sleep length must be non-negative", b.Name())
	}
	if f >= math.MaxInt64/1e9 { // the Duration would overflow
		return nil, pyerr.Errorf("OverflowError", "%s: sleep length is too large", b.Name())
	}
	_, err := interp.Blocking(thread, func(ctx context.Context) (struct{}, error) {
		t := gotime.NewTimer(gotime.Duration(f * float64(gotime.Second)))
		defer t.Stop()
		select {
		case <-t.C:
			return struct{}{}, nil
		case <-ctx.Done():
			return struct{}{}, fmt.Errorf("%s: %w", b.Name(), ctx.Err())
		}
	})
	if err != nil {
		return nil, err
	}
	return starlark.None, nil
}

func now(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	if len(args) > 0 || len(kwargs) > 0 {
		return starlark.Call(thread, time.Module.Members["time"], args, kwargs)
	}
	return starlark.Float(float64(gotime.Now().UnixNano()) / 1e9), nil
}

func monotonic(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	if err := starlark.UnpackPositionalArgs(b.Name(), args, kwargs, 0); err != nil {
		return nil, err
	}
	return starlark.Float(gotime.Since(start).Seconds()), nil
}

func init() {
	modules.Register(modules.Module{
		Name:  "time",
		Doc:   "time, durations and sleep (Python's time.sleep/time.time plus Starlark's time library)",
		Value: Module,
		Docs: map[string]string{
			"time.sleep":        "sleep(secs)\nWaits secs seconds (int or float). Ctrl-C interrupts it.",
			"time.time":         "time()\nReturns the seconds since the Unix epoch as a float.\ntime(year=..., month=..., ...) builds a time value (Starlark's constructor).",
			"time.monotonic":    "monotonic()\nReturns a monotonic clock reading in seconds, for measuring intervals.",
			"time.perf_counter": "perf_counter()\nSame as monotonic().",
			"time.now":          "now()\nReturns the current local time as a time value.",
		},
	})
}
