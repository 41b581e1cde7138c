package scancmd

import (
	"context"
	"fmt"
	"net/netip"
	"slices"
	"sync"

	"github.com/netstar/netstar/modules/socket/resolve"
)

// resolveWorkers is how many names are looked up at once.
const resolveWorkers = 32

// resolveTargets resolves the host names among the targets before the
// scan, as nmap does: a name that does not resolve is reported on stderr
// in nmap's words (`Failed to resolve "NAME".`, with the FILE:LINE of a
// name from -iL) and left out, and the other targets are scanned (the
// run then ends with ExitPartial). A name with several addresses is
// scanned at one — the first IPv4 address the resolver gives (with -6,
// the first IPv6 one; without -6, the first IPv6 one when it has no IPv4
// address) — and the others are reported, as nmap's "Other addresses for
// NAME (not scanned): ..." line, on stderr and in -oN.
//
// Names are left out of the walk, so every shard of a split must resolve
// the same names (a checkpoint refuses a resume whose names resolve to
// fewer or more hosts). A nil resolver is resolve.Current(). The error is
// ctx's, when it is done.
func (s *scanRun) resolveTargets(ctx context.Context, r resolve.Resolver) error {
	c := s.cfg
	if r == nil {
		r = resolve.Current()
	}
	var names []string
	seen := map[string]bool{}
	for _, t := range c.targets {
		if t.Name != "" && !t.First.IsValid() && !seen[t.Name] {
			seen[t.Name] = true
			names = append(names, t.Name)
		}
	}
	if len(names) == 0 {
		return nil
	}
	type answer struct {
		addrs []netip.Addr
		err   error
	}
	answers := make([]answer, len(names))
	var wg sync.WaitGroup
	next := make(chan int)
	for range min(resolveWorkers, len(names)) {
		wg.Go(func() {
			for i := range next {
				addrs, _, err := r.LookupHost(ctx, names[i], 0, false)
				answers[i] = answer{addrs, err}
			}
		})
	}
	for i := range names {
		next <- i
	}
	close(next)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return err
	}

	chosen := map[string]netip.Addr{}
	for i, name := range names {
		a := answers[i]
		ip, ok := pickAddr(a.addrs, c.ipv6)
		if a.err != nil || !ok {
			why := "no address"
			if a.err != nil {
				why = a.err.Error()
			} else if c.ipv6 {
				why = "no IPv6 address (scan it without -6)"
			}
			where := ""
			if at, ok := c.where[name]; ok {
				where = at + ": "
			}
			fmt.Fprintf(s.stderr, "netstar scan: %sFailed to resolve %q. (%s)\n", where, name, why)
			s.failed = append(s.failed, name)
			continue
		}
		chosen[name] = ip
		var others []netip.Addr
		for _, o := range a.addrs {
			if o.Unmap() != ip && !slices.Contains(others, o.Unmap()) {
				others = append(others, o.Unmap())
			}
		}
		if len(others) > 0 {
			if s.others == nil {
				s.others = map[string][]netip.Addr{}
			}
			s.others[name] = others
			fmt.Fprintf(s.stderr, "netstar scan: Other addresses for %s (not scanned): %s\n", name, joinAddrs(others))
		}
	}
	kept := c.targets[:0]
	for _, t := range c.targets {
		if t.Name != "" && !t.First.IsValid() {
			ip, ok := chosen[t.Name]
			if !ok {
				continue
			}
			t.First, t.Last = ip, ip
		}
		kept = append(kept, t)
	}
	c.targets = kept
	if len(c.targets) == 0 {
		return fmt.Errorf("no target to scan: %s did not resolve", quoteList(s.failed))
	}
	return nil
}

// pickAddr chooses the address of a name to scan: the first IPv4 one,
// else the first IPv6 one; with ipv6, the first IPv6 one only.
func pickAddr(addrs []netip.Addr, ipv6 bool) (netip.Addr, bool) {
	for _, a := range addrs {
		if a = a.Unmap(); a.Is4() != ipv6 {
			return a, true
		}
	}
	if !ipv6 && len(addrs) > 0 {
		return addrs[0].Unmap(), true
	}
	return netip.Addr{}, false
}
