package socket

import (
	"context"
	"fmt"
	"io"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"

	"github.com/netstar/netstar/builtins/pyerr"
	"github.com/netstar/netstar/modules/socket/idna"
	"github.com/netstar/netstar/repl/interp"
	"go.starlark.net/starlark"
	"golang.org/x/sys/unix"
)

// Bulk lookup limits.
const (
	defaultWorkers = 500
	maxWorkers     = 10000
	maxReverse     = 1 << 16 // addresses in one reverse() CIDR
)

// Progress reports how far a bulk lookup has got; total is fixed.
type Progress func(done, total int)

// BulkOptions configure Resolve and Reverse. The zero value uses 500
// workers, a 2 s timeout per query and no progress report.
type BulkOptions struct {
	Workers  int
	Timeout  time.Duration // per query; 0 means 2 s
	Family   int           // Resolve: AF_INET (also 0), AF_INET6, or AnyFamily for both
	Progress Progress      // called from worker goroutines, at most every 100 ms
}

// AnyFamily asks Resolve for IPv4 and IPv6 addresses.
const AnyFamily = -1

// Result is the outcome of one name or address in a bulk lookup:
// addresses (Resolve) or names (Reverse), or the error (a socket.gaierror
// or socket.herror as *pyerr.Error).
type Result struct {
	Values []string
	Err    error
}

// workerResolvers returns one resolver per worker: copies of a DNS
// resolver with the bulk timeout and a kept socket each, or the shared
// system resolver. close releases them.
func (o BulkOptions) workerResolvers(n int) (rs []resolver, close func()) {
	r := currentResolver()
	rs = make([]resolver, n)
	d, ok := r.(*dnsResolver)
	if !ok {
		for i := range rs {
			rs[i] = r
		}
		return rs, func() {}
	}
	closers := make([]func(), n)
	for i := range rs {
		w, c := d.forWorker()
		if o.Timeout > 0 {
			w.timeout = o.Timeout
		}
		rs[i], closers[i] = w, c
	}
	return rs, func() {
		for _, c := range closers {
			c()
		}
	}
}

func (o BulkOptions) workers(n int) int {
	w := o.Workers
	if w <= 0 {
		w = defaultWorkers
	}
	return max(1, min(w, n, maxWorkers))
}

// bulk runs fn over n items on opts.Workers goroutines and stops early
// when ctx is cancelled (results of items not reached stay zero).
func bulk(ctx context.Context, n int, opts BulkOptions, fn func(ctx context.Context, r resolver, i int)) error {
	workers := opts.workers(n)
	rs, closeAll := opts.workerResolvers(workers)
	defer closeAll()
	var next, done atomic.Int64
	var wg sync.WaitGroup
	stopProgress := make(chan struct{})
	var pwg sync.WaitGroup
	if opts.Progress != nil {
		pwg.Add(1)
		go func() {
			defer pwg.Done()
			t := time.NewTicker(100 * time.Millisecond)
			defer t.Stop()
			for {
				select {
				case <-t.C:
					opts.Progress(int(done.Load()), n)
				case <-stopProgress:
					opts.Progress(int(done.Load()), n)
					return
				}
			}
		}()
	}
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				fn(ctx, rs[w], i)
				done.Add(1)
			}
		}()
	}
	wg.Wait()
	close(stopProgress)
	pwg.Wait()
	return ctx.Err()
}

// Resolve looks up many names in parallel with the module's resolver
// (system or setresolver), like dnsx. It returns one Result per name, in
// order, and ctx's error if it was cancelled before the end.
func Resolve(ctx context.Context, names []string, opts BulkOptions) ([]Result, error) {
	family := opts.Family
	switch family {
	case 0:
		family = unix.AF_INET
	case AnyFamily:
		family = unix.AF_UNSPEC
	}
	out := make([]Result, len(names))
	err := bulk(ctx, len(names), opts, func(ctx context.Context, r resolver, i int) {
		addrs, _, err := r.lookupHost(ctx, names[i], family, false)
		if err != nil {
			out[i].Err = err
			return
		}
		vals := make([]string, len(addrs))
		for j, a := range addrs {
			vals[j] = a.String()
		}
		out[i].Values = vals
	})
	return out, err
}

// Reverse looks up the names of many addresses (PTR) in parallel.
func Reverse(ctx context.Context, addrs []netip.Addr, opts BulkOptions) ([]Result, error) {
	out := make([]Result, len(addrs))
	err := bulk(ctx, len(addrs), opts, func(ctx context.Context, r resolver, i int) {
		names, err := r.lookupAddr(ctx, addrs[i])
		out[i] = Result{Values: names, Err: err}
	})
	return out, err
}

// progressTo draws "resolve: 1234/10000" on w, only for long runs (after
// the first second); w is nil when stderr is not a terminal.
func progressTo(w io.Writer, what string) (Progress, func()) {
	if w == nil {
		return nil, func() {}
	}
	start := time.Now()
	var drawn atomic.Bool
	return func(done, total int) {
			if time.Since(start) < time.Second || done >= total {
				return
			}
			drawn.Store(true)
			fmt.Fprintf(w, "\r\x1b[K%s: %d/%d", what, done, total)
		}, func() {
			if drawn.Load() {
				fmt.Fprint(w, "\r\x1b[K")
			}
		}
}

type bulkArgs struct {
	workers int
	timeout time.Duration
	family  int
}

func unpackBulk(b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple, withFamily bool) (starlark.Value, bulkArgs, error) {
	var targets starlark.Value
	var timeoutV starlark.Value = starlark.Float(2)
	a := bulkArgs{workers: defaultWorkers, family: unix.AF_INET}
	var err error
	if withFamily {
		err = starlark.UnpackArgs(b.Name(), args, kwargs, "names", &targets, "workers?", &a.workers, "timeout?", &timeoutV, "family?", &a.family)
	} else {
		err = starlark.UnpackArgs(b.Name(), args, kwargs, "targets", &targets, "workers?", &a.workers, "timeout?", &timeoutV)
	}
	if err != nil {
		return nil, a, err
	}
	if a.workers < 1 || a.workers > maxWorkers {
		return nil, a, pyerr.Errorf("ValueError", "%s: for parameter workers: must be 1-%d, got %d", b.Name(), maxWorkers, a.workers)
	}
	d, err := parseTimeout(timeoutV)
	if err != nil || d <= 0 {
		return nil, a, pyerr.Errorf("ValueError", "%s: for parameter timeout: want a positive number of seconds, got %s", b.Name(), timeoutV.String())
	}
	a.timeout = d
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

func resultsDict(keys []string, results []Result) *starlark.Dict {
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
	progress, clear := progressTo(sessionProgress(thread), "resolve")
	family := a.family
	if family == unix.AF_UNSPEC {
		family = AnyFamily
	}
	// Names go through Python's idna codec, as gethostbyname's do; one
	// that cannot be encoded is an error in its own entry.
	results := make([]Result, len(names))
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
	found, err := blocking(thread, b, func(ctx context.Context) ([]Result, error) {
		defer clear()
		return Resolve(ctx, lookup, BulkOptions{Workers: a.workers, Timeout: a.timeout, Family: family, Progress: progress})
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
				return nil, pyerr.Errorf("ValueError", "%s: %s has more than %d addresses", b.Name(), s, maxReverse)
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
	progress, clear := progressTo(sessionProgress(thread), "reverse")
	results, err := blocking(thread, b, func(ctx context.Context) ([]Result, error) {
		defer clear()
		return Reverse(ctx, addrs, BulkOptions{Workers: a.workers, Timeout: a.timeout, Progress: progress})
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
