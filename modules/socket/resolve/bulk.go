package resolve

import (
	"context"
	"fmt"
	"io"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"

	"github.com/miekg/dns"
	"golang.org/x/sys/unix"
)

const (
	DefaultWorkers = 500
	MaxWorkers     = 10000
	MaxReverse     = 1 << 16 // addresses in one reverse() CIDR
)

// Progress reports how far a bulk lookup has got; total is fixed.
type Progress func(done, total int)

// Options configure Resolve and Reverse. The zero value uses 500
// workers, a 2 s timeout per query and no progress report.
//
// With a DNS server set (SetServer, NETSTAR_RESOLVER), a query that gets
// no answer is sent again after the retransmission timeout (from the
// measured round trip, at least MinRTO, doubling), at most MaxSends
// times and for at most twice Timeout; losses also halve the number of
// queries in flight, which answers widen again (see retransmit.go).
type Options struct {
	Workers  int
	Timeout  time.Duration // per query; 0 means 2 s
	Family   int           // Resolve: AF_INET (also 0), AF_INET6, or AnyFamily for both
	Progress Progress      // called from worker goroutines, at most every 100 ms
}

// AnyFamily asks Resolve for IPv4 and IPv6 addresses.
const AnyFamily = -1

// Result is the outcome of one name or address in a bulk lookup:
// addresses (Resolve) or names (Reverse) in Values, records (Records) in
// RRs, or the error (a socket.gaierror or socket.herror as *pyerr.Error).
type Result struct {
	Values []string
	RRs    []dns.RR
	Err    error
}

// workerResolvers returns one Resolver per worker: copies of a DNS
// Resolver with the bulk timeout, a kept socket each and b shared
// (retransmission, window), or the shared system resolver. close
// releases them.
func (o Options) workerResolvers(n int, b *bulkState) (rs []Resolver, close func()) {
	r := Current()
	rs = make([]Resolver, n)
	d, ok := r.(*dnsResolver)
	if !ok {
		for i := range rs {
			rs[i] = r
		}
		return rs, func() {}
	}
	closers := make([]func(), n)
	for i := range rs {
		w, c := d.forWorker(b)
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

func (o Options) workers(n int) int {
	w := o.Workers
	if w <= 0 {
		w = DefaultWorkers
	}
	return max(1, min(w, n, MaxWorkers))
}

// bulk runs fn over n items on opts.Workers goroutines and stops early
// when ctx is cancelled (results of items not reached stay zero).
func bulk(ctx context.Context, n int, opts Options, fn func(ctx context.Context, r Resolver, i int)) error {
	workers := opts.workers(n)
	state := newBulkState(workers)
	rs, closeAll := opts.workerResolvers(workers, state)
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
				// Send only while the window (cut by losses) has room
				// for this worker.
				if state.win.wait(ctx, w) != nil {
					return
				}
				i := int(next.Add(1) - 1)
				if i >= n {
					state.win.drain()
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

// Resolve looks up many names in parallel with the module's Resolver
// (system or setresolver), like dnsx. It returns one Result per name, in
// order, and ctx's error if it was cancelled before the end.
func Resolve(ctx context.Context, names []string, opts Options) ([]Result, error) {
	family := opts.Family
	switch family {
	case 0:
		family = unix.AF_INET
	case AnyFamily:
		family = unix.AF_UNSPEC
	}
	out := make([]Result, len(names))
	err := bulk(ctx, len(names), opts, func(ctx context.Context, r Resolver, i int) {
		addrs, _, err := r.LookupHost(ctx, names[i], family, false)
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
func Reverse(ctx context.Context, addrs []netip.Addr, opts Options) ([]Result, error) {
	out := make([]Result, len(addrs))
	err := bulk(ctx, len(addrs), opts, func(ctx context.Context, r Resolver, i int) {
		names, err := r.LookupAddr(ctx, addrs[i])
		out[i] = Result{Values: names, Err: err}
	})
	return out, err
}

// ProgressTo draws "resolve: 1234/10000" on w, only for long runs (after
// the first second); w is nil when stderr is not a terminal.
func ProgressTo(w io.Writer, what string) (Progress, func()) {
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
