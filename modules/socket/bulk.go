package socket

import (
	"context"
	"io"
	"net/netip"
	"time"

	"github.com/netstar/netstar/builtins/pyarg"
	"github.com/netstar/netstar/builtins/pyerr"
	"github.com/netstar/netstar/modules/socket/idna"
	"github.com/netstar/netstar/modules/socket/resolve"
	"github.com/netstar/netstar/repl/interp"
	"go.starlark.net/starlark"
	"golang.org/x/sys/unix"
)

// Bulk lookup limits.
type bulkArgs struct {
	workers int
	timeout time.Duration
	family  int
}

func unpackBulk(b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple, withFamily bool) (starlark.Value, bulkArgs, error) {
	var targets starlark.Value
	var timeoutV starlark.Value = starlark.Float(2)
	a := bulkArgs{workers: resolve.DefaultWorkers, family: unix.AF_INET}
	var err error
	if withFamily {
		err = starlark.UnpackArgs(b.Name(), args, kwargs, "names", &targets, "workers?", &a.workers, "timeout?", &timeoutV, "family?", &a.family)
	} else {
		err = starlark.UnpackArgs(b.Name(), args, kwargs, "targets", &targets, "workers?", &a.workers, "timeout?", &timeoutV)
	}
	if err != nil {
		return nil, a, err
	}
	if a.workers < 1 || a.workers > resolve.MaxWorkers {
		return nil, a, pyerr.Errorf("ValueError", "%s: for parameter workers: must be 1-%d, got %d", b.Name(), resolve.MaxWorkers, a.workers)
	}
	if a.timeout, err = pyarg.Timeout(b.Name(), "timeout", timeoutV, pyarg.TimeoutOptions{Max: time.Hour}); err != nil {
		return nil, a, err
	}
	if withFamily && a.family != unix.AF_INET && a.family != unix.AF_INET6 && a.family != unix.AF_UNSPEC {
		return nil, a, pyerr.Errorf("ValueError", "%s: for parameter family: want AF_INET, AF_INET6 or AF_UNSPEC, got %d", b.Name(), a.family)
	}
	return targets, a, nil
}

// stringsOf collects the strings of an iterable (list, tuple, set...).
func stringsOf(b *starlark.Builtin, param string, v starlark.Value) ([]string, error) {
	if s, ok := v.(starlark.String); ok {
		return []string{string(s)}, nil
	}
	it, ok := v.(starlark.Iterable)
	if !ok {
		return nil, pyerr.Errorf("TypeError", "%s: for parameter %s: got %s, want a list of strings", b.Name(), param, v.Type())
	}
	iter := it.Iterate()
	defer iter.Done()
	var out []string
	var x starlark.Value
	for iter.Next(&x) {
		s, ok := starlark.AsString(x)
		if !ok {
			return nil, pyerr.Errorf("TypeError", "%s: for parameter %s: element %d is %s, want string", b.Name(), param, len(out), x.Type())
		}
		out = append(out, s)
	}
	return out, nil
}

func resultsDict(keys []string, results []resolve.Result) *starlark.Dict {
	d := starlark.NewDict(len(keys))
	for i, k := range keys {
		var v starlark.Value
		if results[i].Err != nil {
			v = interp.NewException(results[i].Err)
		} else {
			v = stringList(results[i].Values)
		}
		d.SetKey(starlark.String(k), v) // strings are hashable: cannot fail
	}
	return d
}

// sessionProgress returns where progress may be drawn: the session's
// stderr when it is a terminal, else nil.
func sessionProgress(thread *starlark.Thread) io.Writer {
	if s := interp.SessionOf(thread); s != nil {
		return s.Progress()
	}
	return nil
}

func resolveFn(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	targets, a, err := unpackBulk(b, args, kwargs, true)
	if err != nil {
		return nil, err
	}
	names, err := stringsOf(b, "names", targets)
	if err != nil {
		return nil, err
	}
	progress, clear := resolve.ProgressTo(sessionProgress(thread), "resolve")
	family := a.family
	if family == unix.AF_UNSPEC {
		family = resolve.AnyFamily
	}
	// Names go through Python's idna codec, as gethostbyname's do; one
	// that cannot be encoded is an error in its own entry.
	results := make([]resolve.Result, len(names))
	var lookup []string
	var at []int
	for i, n := range names {
		a, err := idna.Encode(n)
		if err != nil {
			results[i].Err = err
			continue
		}
		lookup, at = append(lookup, a), append(at, i)
	}
	found, err := blocking(thread, b, func(ctx context.Context) ([]resolve.Result, error) {
		defer clear()
		return resolve.Resolve(ctx, lookup, resolve.Options{Workers: a.workers, Timeout: a.timeout, Family: family, Progress: progress})
	})
	if err != nil {
		return nil, err
	}
	for j, i := range at {
		results[i] = found[j]
	}
	return resultsDict(names, results), nil
}

// reverseTargets expands the targets of reverse(): a CIDR string, one
// address, or a list of addresses.
func reverseTargets(b *starlark.Builtin, v starlark.Value) ([]netip.Addr, error) {
	if s, ok := v.(starlark.String); ok {
		if p, err := netip.ParsePrefix(string(s)); err == nil {
			p = p.Masked()
			bits := p.Addr().BitLen() - p.Bits()
			if bits > 16 {
				return nil, pyerr.Errorf("ValueError", "%s: %s has more than %d addresses", b.Name(), s, resolve.MaxReverse)
			}
			var out []netip.Addr
			for a := p.Addr(); p.Contains(a); a = a.Next() {
				out = append(out, a)
				if !a.Next().IsValid() {
					break
				}
			}
			return out, nil
		}
	}
	strs, err := stringsOf(b, "targets", v)
	if err != nil {
		return nil, err
	}
	out := make([]netip.Addr, len(strs))
	for i, s := range strs {
		a, err := netip.ParseAddr(s)
		if err != nil {
			return nil, pyerr.Errorf("ValueError", "%s: for parameter targets: %q is not an IP address or CIDR", b.Name(), s)
		}
		out[i] = a.Unmap()
	}
	return out, nil
}

func reverseFn(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	targets, a, err := unpackBulk(b, args, kwargs, false)
	if err != nil {
		return nil, err
	}
	addrs, err := reverseTargets(b, targets)
	if err != nil {
		return nil, err
	}
	progress, clear := resolve.ProgressTo(sessionProgress(thread), "reverse")
	results, err := blocking(thread, b, func(ctx context.Context) ([]resolve.Result, error) {
		defer clear()
		return resolve.Reverse(ctx, addrs, resolve.Options{Workers: a.workers, Timeout: a.timeout, Progress: progress})
	})
	if err != nil {
		return nil, err
	}
	keys := make([]string, len(addrs))
	for i, a := range addrs {
		keys[i] = a.String()
	}
	return resultsDict(keys, results), nil
}
