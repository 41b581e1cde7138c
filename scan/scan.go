// Package scan is netstar's TCP connect scanner: the engine behind
// socket.scan, usable from Go without Starlark.
//
// A scan probes every (host, port) pair with a non-blocking connect(2)
// and decides each port's state the way nmap's connect scan (-sT) does:
//
//	connected                                   open      reason "syn-ack"
//	ECONNREFUSED (the host answered RST)        closed    reason "ECONNREFUSED"
//	no answer within Timeout, after Retries     filtered  reason "ETIMEDOUT"
//	EHOSTUNREACH, ENETUNREACH, EACCES, EPERM,
//	ENOPROTOOPT, ENONET (ICMP errors, firewall) filtered  reason the errno name
//
// The reason is the errno name behind the state (nmap's --reason shows
// the same facts as "conn-refused", "no-response", "host-unreach"...); an
// open port has no errno, so it gets nmap's word "syn-ack".
//
// The scanner is exact where simpler scanners are not:
//
//   - A connection a host makes to itself (on loopback the kernel may pick
//     the destination port as the source port, and the two SYNs meet in a
//     "simultaneous open") is not an open port: it is detected by comparing
//     the local and remote addresses and the port is probed again. Should
//     it keep happening, the port is closed with reason "self-connect":
//     the kernel never picks a port that a listening socket holds.
//   - Local shortages (EMFILE, ENFILE, EADDRNOTAVAIL, ENOBUFS, ENOMEM,
//     EAGAIN) are never port states: the scanner sizes its concurrency
//     from the descriptor limit (RLIMIT_NOFILE), and when a shortage still
//     happens it lowers its concurrency, waits and probes the port again.
//   - Open connections are closed with SO_LINGER 0 (an RST), so they leave
//     no TIME_WAIT behind and back-to-back scans do not run out of ports.
package scan

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/netip"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/netstar/netstar/services"
)

// maxSelfConnects is how many self-connections in a row a port may
// produce before it is called closed (see the package doc).
const maxSelfConnects = 5

// Defaults used for zero Scanner fields.
const (
	DefaultTimeout       = time.Second
	DefaultRetries       = 1
	DefaultWorkers       = 4096
	DefaultBannerTimeout = 500 * time.Millisecond
	// BannerMax is the most bytes read from an open port for its banner.
	BannerMax = 256
	// MaxProbes bounds hosts × ports in one call of Scan, whose results
	// are all held in memory (about 80 bytes a port): larger jobs are
	// scanned in parts.
	MaxProbes = 1 << 22
)

// State is a port's state.
type State uint8

// Port states, as nmap names them.
const (
	Open State = iota + 1
	Closed
	Filtered
)

// String returns "open", "closed" or "filtered".
func (s State) String() string {
	switch s {
	case Open:
		return "open"
	case Closed:
		return "closed"
	case Filtered:
		return "filtered"
	}
	return "State(" + strconv.Itoa(int(s)) + ")"
}

// MarshalText encodes the state as its name (for JSON).
func (s State) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// Reasons that are not errno names.
const (
	// ReasonSynAck is the reason of an open port: the connection was made.
	ReasonSynAck = "syn-ack"
	// ReasonSelfConnect is the reason of a closed port that only ever
	// produced self-connections (see the package doc).
	ReasonSelfConnect = "self-connect"
	// ReasonTimeout is the reason of a port that never answered.
	ReasonTimeout = "ETIMEDOUT"
)

// Port is the outcome of probing one port of one host.
type Port struct {
	Port  int   `json:"port"`
	State State `json:"state"`
	// Reason is the errno name behind the state ("ECONNREFUSED",
	// "ETIMEDOUT", "EHOSTUNREACH"...) or "syn-ack" for an open port.
	Reason string `json:"reason"`
	// Service is the name services.ByPort gives the port ("" if none).
	Service string `json:"service"`
	// Banner is what an open port sent first, when Scanner.Banner is set.
	Banner string `json:"banner,omitempty"`
	// RTT is the time from connect(2) to its outcome, for the last
	// attempt (the timeout for a port that never answered).
	RTT time.Duration `json:"rtt"`
}

// Result is the outcome of scanning one host.
type Result struct {
	// Host is the target as given: the host name, or the address for
	// address targets.
	Host string `json:"host"`
	// IP is the address that was probed.
	IP netip.Addr `json:"ip"`
	// Name is the reverse DNS name of IP, if it has one and reverse
	// lookups are enabled.
	Name string `json:"name,omitempty"`
	// Ports holds one record per probed port, sorted by port.
	Ports []Port `json:"ports"`
	// Elapsed is the wall time of the whole scan the host was part of.
	Elapsed time.Duration `json:"elapsed"`
	// Retries counts probes sent again after a timeout or self-connect.
	Retries int `json:"retries"`
	// LocalErrors counts local failures (EMFILE, EADDRNOTAVAIL...) that
	// made a probe wait and start again; they never decide a state.
	LocalErrors int `json:"local_errors"`
}

// Open returns the open ports, sorted.
func (r Result) Open() []int { return r.withState(Open) }

// Closed returns the closed ports, sorted.
func (r Result) Closed() []int { return r.withState(Closed) }

// Filtered returns the filtered ports, sorted.
func (r Result) Filtered() []int { return r.withState(Filtered) }

func (r Result) withState(s State) []int {
	out := []int{}
	for _, p := range r.Ports {
		if p.State == s {
			out = append(out, p.Port)
		}
	}
	return out
}

// Scanner holds the options of a scan. The zero value is ready to use;
// a Scanner may run several scans at once.
type Scanner struct {
	// Timeout is how long a probe waits for an answer; zero means
	// DefaultTimeout (a scanner always has a timeout).
	Timeout time.Duration
	// Retries is how many times an unanswered port is probed again
	// before it is called filtered. Zero means DefaultRetries; a negative
	// value means no retry.
	Retries int
	// Workers is the most probes in flight at once; zero means
	// DefaultWorkers. It is lowered to fit the descriptor limit.
	Workers int
	// Banner makes the scanner read what each open port sends first,
	// waiting at most BannerTimeout (zero means DefaultBannerTimeout).
	Banner        bool
	BannerTimeout time.Duration
	// Resolver resolves host names and, unless NoReverse is set, the
	// reverse names of the scanned addresses. Nil means net.DefaultResolver.
	Resolver *net.Resolver
	// NoReverse skips reverse DNS lookups (nmap's -n).
	NoReverse bool
	// Progress, when not nil, receives a one-line progress bar redrawn
	// with carriage returns while a scan runs longer than half a second.
	// Pass a terminal only (socket.scan passes stderr when it is one).
	Progress io.Writer
	// Namespace is the path of a network namespace file (such as
	// /run/netns/NAME) whose network the probes are sent from; empty
	// means the process's own. Entering one needs CAP_SYS_ADMIN.
	Namespace string

	// fdLimit, when positive, replaces RLIMIT_NOFILE in sizing the
	// concurrency (tests use it to provoke EMFILE).
	fdLimit int
}

func (s *Scanner) timeout() time.Duration {
	if s.Timeout > 0 {
		return s.Timeout
	}
	return DefaultTimeout
}

func (s *Scanner) retries() int {
	switch {
	case s.Retries < 0:
		return 0
	case s.Retries == 0:
		return DefaultRetries
	}
	return s.Retries
}

func (s *Scanner) workers() int {
	if s.Workers > 0 {
		return s.Workers
	}
	return DefaultWorkers
}

func (s *Scanner) bannerTimeout() time.Duration {
	if s.BannerTimeout > 0 {
		return s.BannerTimeout
	}
	return DefaultBannerTimeout
}

func (s *Scanner) resolver() *net.Resolver {
	if s.Resolver != nil {
		return s.Resolver
	}
	return net.DefaultResolver
}

// host is one address to probe.
type host struct {
	name string // as given
	ip   netip.Addr
}

// Scan probes ports (1-65535; see ParsePorts) on every host of targets
// (see ParseTargets) and returns one Result per host, in target order.
// Host names are resolved first, like gethostbyname (an IPv4 address is
// preferred); a name that does not resolve fails the scan before any
// probe is sent, with an error wrapping the *net.DNSError.
//
// Scan returns when every port has a state, or soon after ctx is done:
// then it closes its sockets and returns the results so far (ports not
// yet decided are missing from them) and ctx's error.
func (s *Scanner) Scan(ctx context.Context, targets []Target, ports []int) ([]Result, error) {
	start := time.Now()
	ports, err := NormalizePorts(ports)
	if err != nil {
		return nil, err
	}
	var nhosts uint64
	for _, t := range targets {
		nhosts += min(t.Len(), MaxProbes+1)
	}
	if nhosts*uint64(len(ports)) > MaxProbes {
		return nil, fmt.Errorf("%d hosts × %d ports is more than %d probes for one scan: scan fewer hosts or ports at a time", nhosts, len(ports), MaxProbes)
	}
	hosts, err := s.resolve(ctx, targets)
	if err != nil {
		return nil, err
	}
	results := make([]Result, len(hosts))
	for i, h := range hosts {
		results[i] = Result{Host: h.name, IP: h.ip, Ports: make([]Port, len(ports))}
	}
	rctx, stopReverse := context.WithCancel(ctx)
	reverseDone := s.reverse(rctx, hosts, results)

	err = s.run(ctx, &plan{hosts: hosts, ports: ports, results: results, start: start})

	// Give reverse lookups a moment beyond the probes, no more.
	select {
	case <-reverseDone:
	case <-time.After(time.Second):
	case <-ctx.Done():
	}
	stopReverse()
	<-reverseDone

	elapsed := time.Since(start)
	for i := range results {
		r := &results[i]
		r.Elapsed = elapsed
		if err != nil {
			r.Ports = slices.DeleteFunc(r.Ports, func(p Port) bool { return p.State == 0 })
		}
		for j := range r.Ports {
			r.Ports[j].Service = serviceName(r.Ports[j].Port)
		}
	}
	return results, err
}

var serviceCache sync.Map // int → string

func serviceName(port int) string {
	if v, ok := serviceCache.Load(port); ok {
		return v.(string)
	}
	name, _ := services.ByPort(port, "tcp")
	serviceCache.Store(port, name)
	return name
}

// resolve expands targets into hosts, resolving names.
func (s *Scanner) resolve(ctx context.Context, targets []Target) ([]host, error) {
	var hosts []host
	for _, t := range targets {
		if t.Name != "" && t.First.IsValid() { // resolved by the caller
			hosts = append(hosts, host{name: t.Name, ip: t.First})
			continue
		}
		if t.Name == "" {
			t.Addrs(func(a netip.Addr) bool {
				hosts = append(hosts, host{name: a.String(), ip: a})
				return true
			})
			if !t.First.IsValid() {
				return nil, fmt.Errorf("invalid target %q", t.Spec)
			}
			continue
		}
		ips, err := s.resolver().LookupNetIP(ctx, "ip", t.Name)
		if err != nil {
			return nil, fmt.Errorf("resolving %s: %w", t.Name, err)
		}
		ip := ips[0]
		for _, a := range ips {
			if a.Unmap().Is4() {
				ip = a.Unmap()
				break
			}
		}
		hosts = append(hosts, host{name: t.Name, ip: ip})
	}
	if len(hosts) == 0 {
		return nil, fmt.Errorf("no hosts to scan")
	}
	return hosts, nil
}

// reverse looks up reverse names in the background; the returned channel
// is closed when every lookup has finished.
func (s *Scanner) reverse(ctx context.Context, hosts []host, results []Result) <-chan struct{} {
	done := make(chan struct{})
	if s.NoReverse {
		close(done)
		return done
	}
	go func() {
		defer close(done)
		var wg sync.WaitGroup
		sem := make(chan struct{}, 16)
		for i, h := range hosts {
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				wg.Wait()
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer func() { <-sem }()
				names, err := s.resolver().LookupAddr(ctx, h.ip.String())
				if err == nil && len(names) > 0 {
					results[i].Name = trimDot(names[0])
				}
			}()
		}
		wg.Wait()
	}()
	return done
}

func trimDot(s string) string {
	if len(s) > 1 && s[len(s)-1] == '.' {
		return s[:len(s)-1]
	}
	return s
}

// plan is the work of one scan: the (host, port) pairs, numbered
// host-major from 0, and where their outcomes go. The engine takes
// indices in order; a seeded permutation or a shard would only change
// how an index maps to a pair.
type plan struct {
	hosts   []host
	ports   []int
	results []Result
	start   time.Time
}

func (p *plan) size() int { return len(p.hosts) * len(p.ports) }

// pair returns the host and port index of probe i.
func (p *plan) pair(i int) (h, pi int) { return i / len(p.ports), i % len(p.ports) }
