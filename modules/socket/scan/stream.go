package scan

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"time"
)

// Record is the outcome of one probe of a streamed scan.
type Record struct {
	// Pos is the probe's position in this shard's walk (0-based); a
	// checkpoint keeps the positions that are done.
	Pos uint64
	// Host is the target's name when it was given as a name, else "".
	Host string
	// IP is the probed address.
	IP netip.Addr
	// Port is the outcome (Service is set).
	Port
}

// StreamOptions are the per-call options of Stream.
type StreamOptions struct {
	// Exclude lists addresses, ranges and CIDR blocks not to probe (host
	// names are refused). Excluded hosts leave the index space before it
	// is permuted and sharded, so every shard must be given the same list.
	Exclude []Target
	// From is the first position of the walk to probe: a resumed scan
	// starts at its checkpoint's position.
	From uint64
	// Done, when not nil, reports positions at or after From that are
	// already done (a resumed scan's probes decided out of order). It is
	// called from several goroutines at once and must not change.
	Done func(pos uint64) bool
	// Sink receives every outcome, one call at a time, soon after it is
	// decided: the event loops hand their outcomes over in batches of up
	// to 256, and at the latest before they wait for the network or
	// stop. An error from Sink stops the scan, and Stream returns it.
	Sink func(Record) error
	// Up, when not nil, is called once for every host discovery finds
	// up, before any of its ports is probed, with nmap's reason and, for
	// a host that answered ARP, its Ethernet address. It is not called
	// without Scanner.Discover or PingOnly.
	Up func(HostUp)
	// Counters, when not nil, receives the scan's counters as it runs,
	// so that a checkpoint written during the scan can hold them. It
	// must be new (zero) for each call.
	Counters *Counters
}

// Stats counts what a streamed scan did; the counters make merged
// results auditable (a shard that ran out of descriptors says so).
type Stats struct {
	// Hosts and Ports are the sizes of the whole index space (all
	// shards): Hosts × Ports probes.
	Hosts uint64
	Ports int
	// Positions is how many probes this shard's walk holds.
	Positions uint64
	// Skipped counts positions not probed because a checkpoint said
	// they were done, or because discovery found their host down.
	Skipped uint64
	// Open, Closed, Filtered and OpenFiltered (UDP) count the outcomes
	// of this run.
	Open, Closed, Filtered, OpenFiltered uint64
	// Sent counts connect attempts, retries included.
	Sent uint64
	// Retries counts probes sent again after a timeout or self-connect.
	Retries uint64
	// LocalErrors counts local shortages (EMFILE, EADDRNOTAVAIL...)
	// that made a probe wait and start again.
	LocalErrors uint64
	// Drops counts probes that timed out but whose retry was answered:
	// the congestion signal that makes the scanner slow down.
	Drops uint64
	// HostsUp counts the hosts discovery found up, and PingsSent its
	// probes (both zero without Scanner.Discover). The positions of the
	// hosts found down count as Skipped.
	HostsUp, PingsSent uint64
	// Elapsed is the wall time of the run.
	Elapsed time.Duration
}

// Decided returns Open + Closed + Filtered + OpenFiltered.
func (s Stats) Decided() uint64 { return s.Open + s.Closed + s.Filtered + s.OpenFiltered }

// Positions returns how many probes shard makes of targets × ports
// after exclusions, without resolving names (each counts as one host).
func Positions(targets, exclude []Target, ports []int, shard Shard) (uint64, error) {
	ts := make([]Target, len(targets))
	for i, t := range targets {
		if t.Name != "" && !t.First.IsValid() {
			t.First = netip.IPv6Unspecified() // a placeholder address: one host
		}
		if !t.Last.IsValid() {
			t.Last = t.First
		}
		ts[i] = t
	}
	space, err := buildSpace(ts, exclude)
	if err != nil {
		return 0, err
	}
	n := space.total * uint64(len(ports))
	if space.total != 0 && n/space.total != uint64(len(ports)) {
		return 0, ErrSpaceTooLarge
	}
	return shard.positions(n), nil
}

// Stream probes ports on every host of targets, minus opt.Exclude,
// walking this Scanner's shard of the seeded order (see Shard,
// Permutation), and hands each outcome to opt.Sink as soon as it is
// decided. Unlike Scan it keeps nothing per host or port, so its memory
// does not grow with the size of the scan; it does no reverse lookups.
//
// Names are resolved before any probe is sent (a failure is an error
// wrapping the *net.DNSError). Stream returns when the walk is done or
// soon after ctx is done (then with ctx's error), with what it counted.
func (s *Scanner) Stream(ctx context.Context, targets []Target, ports []int, opt StreamOptions) (Stats, error) {
	start := time.Now()
	if opt.Sink == nil {
		return Stats{}, errors.New("scan: Stream needs a Sink")
	}
	ports, err := NormalizePorts(ports)
	if err != nil {
		return Stats{}, err
	}
	if err := s.check(); err != nil {
		return Stats{}, err
	}
	resolved, err := s.resolve(ctx, targets)
	if err != nil {
		return Stats{}, err
	}
	space, err := buildSpace(resolved, opt.Exclude)
	if err != nil {
		return Stats{}, err
	}
	p, err := s.newPlan(space, ports, start)
	if err != nil {
		return Stats{}, err
	}
	st := Stats{Hosts: space.total, Ports: len(ports), Positions: p.count}
	if opt.From > p.count {
		return st, fmt.Errorf("scan: resume position %d is past the end of the walk (%d probes)", opt.From, p.count)
	}
	p.from, p.skip, p.sink = opt.From, opt.Done, opt.Sink
	if opt.Counters != nil {
		p.Counters = opt.Counters
	}
	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	p.fail = func(error) { cancel() }
	if s.Discover || s.PingOnly {
		var pings *Counters
		p.down, pings, err = s.discover(sctx, space, start)
		if pings != nil {
			st.PingsSent = uint64(pings.sent.Load())
		}
		if p.down != nil {
			st.HostsUp = uint64(p.down.up.Load())
			if opt.Up != nil && err == nil {
				for h := range space.total {
					if up, reason := p.down.reason(h); up {
						_, ip, _ := space.host(h)
						opt.Up(HostUp{IP: ip, Reason: reason, MAC: p.down.mac(h)})
					}
				}
			}
		}
	}
	if err == nil && !s.PingOnly {
		err = s.run(sctx, p)
	}
	counts := p.Stats()
	st.Skipped, st.Open, st.Closed, st.Filtered, st.OpenFiltered = counts.Skipped, counts.Open, counts.Closed, counts.Filtered, counts.OpenFiltered
	st.Sent, st.Retries, st.LocalErrors, st.Drops = counts.Sent, counts.Retries, counts.LocalErrors, counts.Drops
	st.Elapsed = time.Since(start)
	p.mu.Lock()
	serr := p.sinkErr
	p.mu.Unlock()
	if serr != nil {
		return st, serr
	}
	if err := ctx.Err(); err != nil {
		return st, err
	}
	return st, err
}
