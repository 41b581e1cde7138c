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
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/netstar/netstar/modules/socket/resolve"
	"github.com/netstar/netstar/modules/socket/services"
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
	// OpenFiltered is a UDP port that never answered: an open port
	// whose service ignored the probe looks the same as a filtered one.
	OpenFiltered
)

// String returns "open", "closed", "filtered" or "open|filtered".
func (s State) String() string {
	switch s {
	case Open:
		return "open"
	case Closed:
		return "closed"
	case Filtered:
		return "filtered"
	case OpenFiltered:
		return "open|filtered"
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
	// ReasonUDPResponse is the reason of a UDP port that replied.
	ReasonUDPResponse = "udp-response"
	// ReasonPortUnreach is the reason of a UDP port closed by ICMP
	// port-unreachable.
	ReasonPortUnreach = "port-unreach"
	// ReasonHostTimeout is the reason of a port left undecided when its
	// host ran out of Scanner.HostTimeout.
	ReasonHostTimeout = "host-timeout"
)

// Port is the outcome of probing one port of one host.
type Port struct {
	Port  int   `json:"port"`
	State State `json:"state"`
	// Reason is the errno name behind the state ("ECONNREFUSED",
	// "ETIMEDOUT", "EHOSTUNREACH"...) or "syn-ack" for an open port.
	Reason string `json:"reason"`
	// Service is the port's name in services.ScanTable: nmap's
	// nmap-services when installed ("" if none).
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
	// Up says whether the host answered: a ping (Discover) or, without
	// discovery, any probe. A host that is down has no ports.
	Up bool `json:"up"`
	// Reason is why, as nmap's <status reason> says it: syn-ack or
	// conn-refused (a ping, or a port without discovery), no-response.
	Reason string `json:"reason"`
	// Proto is "udp" for a UDP scan's result, "" (tcp) otherwise.
	Proto string `json:"proto,omitempty"`
	// MAC is the host's Ethernet address when discovery found it by
	// ARP ("1a:c7:26:e2:ce:1f"), else "".
	MAC string `json:"mac,omitempty"`
}

// Open returns the open ports, sorted.
func (r Result) Open() []int { return r.withState(Open) }

// Closed returns the closed ports, sorted.
func (r Result) Closed() []int { return r.withState(Closed) }

// Filtered returns the filtered ports, sorted.
func (r Result) Filtered() []int { return r.withState(Filtered) }

// OpenFiltered returns the UDP ports that never answered, sorted.
func (r Result) OpenFiltered() []int { return r.withState(OpenFiltered) }

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
	// Timeout is how long a probe waits for an answer from a host that
	// has not answered yet (nmap's --initial-rtt-timeout) and the most any
	// probe waits (--max-rtt-timeout); zero means DefaultTimeout (a
	// scanner always has a timeout). Once a host answers, its probes wait
	// its smoothed round-trip time plus four deviations, as TCP's
	// retransmission timer does, but at least MinRTTTimeout.
	Timeout time.Duration
	// MinRTTTimeout is the shortest timeout a host's round-trip time can
	// give its probes (nmap's --min-rtt-timeout); zero means
	// DefaultMinRTTTimeout.
	MinRTTTimeout time.Duration
	// InitialRTTTimeout and MaxRTTTimeout, when set, replace Timeout in
	// its two roles (nmap's --initial-rtt-timeout and --max-rtt-timeout):
	// the timeout of a host that has not answered yet, and the cap of
	// any probe's timeout.
	InitialRTTTimeout, MaxRTTTimeout time.Duration
	// HostTimeout, when positive, gives up on a host that long after its
	// first probe, as nmap's --host-timeout: its ports not yet decided
	// are recorded filtered with the reason ReasonHostTimeout, without
	// another probe.
	HostTimeout time.Duration
	// MinRate keeps at least this many probes a second in flight, as
	// nmap's --min-rate: the congestion window is never cut below
	// MinRate × the probe timeout (Workers still caps it).
	MinRate float64
	// RateLimitRounds caps the slow retries of one unanswered port on a
	// host that refuses other ports at the pace of a rate limit (see
	// DefaultRateLimitWindow); zero means DefaultRateLimitRounds, negative
	// none (such ports are then filtered once Retries are spent).
	RateLimitRounds int
	// Retries is how many times an unanswered port is probed again
	// before it is called filtered. Zero means DefaultRetries; a negative
	// value means no retry.
	Retries int
	// MaxRetries is the retries a lossy host earns, as nmap's
	// --max-retries caps them: once a host has answered a probe only on
	// a retry, its unanswered ports get MaxRetries retries, so the ports
	// of a host that drops some SYNs come out exact instead of filtered.
	// Zero means DefaultMaxRetries (nmap's 10); it is never below
	// Retries, and with a negative Retries there are none.
	MaxRetries int
	// Workers is the most probes in flight at once; zero means
	// DefaultWorkers. It is lowered to fit the descriptor limit.
	Workers int
	// Banner makes the scanner read what each open port sends first,
	// waiting at most BannerTimeout (zero means DefaultBannerTimeout).
	Banner        bool
	BannerTimeout time.Duration
	// Resolver resolves host names and, unless NoReverse is set, the
	// reverse names of the scanned addresses. Nil means resolve.Current():
	// the system's resolver, or the DNS server NETSTAR_RESOLVER names.
	Resolver resolve.Resolver
	// NoReverse skips reverse DNS lookups (nmap's -n).
	NoReverse bool
	// Discover pings every host before the port scan, as nmap does
	// unless -Pn: a TCP connect to each of PingPorts (zero: 80 and 443).
	// A host none of them answers is down: its ports are not probed
	// (Scan gives it no ports; Stream skips them). Without Discover every
	// host is scanned, and a host is up when any port answered.
	Discover bool
	// PingOnly stops after discovery (nmap's -sn): Scan's results say
	// which hosts are up and hold no ports.
	PingOnly bool
	// PingPorts are the ports discovery connects to; nil means
	// DefaultPingPorts.
	PingPorts []int
	// NoARP makes discovery ping hosts on an attached Ethernet segment
	// over TCP too, instead of asking ARP (which needs CAP_NET_RAW and is
	// used only where it works).
	NoARP bool
	// NoICMP leaves ICMP echo out of discovery: only TCP pings (and ARP
	// unless NoARP), as nmap's --unprivileged. By default, where raw
	// sockets are allowed (CAP_NET_RAW), the hosts ARP does not decide
	// are also sent an ICMP echo request; a reply makes them up
	// (ReasonEchoReply).
	NoICMP bool
	// Progress, when not nil, receives a one-line progress bar redrawn
	// with carriage returns while a scan runs longer than half a second.
	// Pass a terminal only (socket.scan passes stderr when it is one).
	Progress io.Writer
	// Namespace is the path of a network namespace file (such as
	// /run/netns/NAME) whose network the probes are sent from; empty
	// means the process's own. Entering one needs CAP_SYS_ADMIN.
	Namespace string

	// Shard, when not zero, restricts the scan to one shard of the
	// seeded walk of the (host × port) space: see Shard. Every shard of
	// a split must use the same Seed, targets and ports.
	Shard Shard
	// Seed seeds the pseudo-random order of the walk (see Permutation).
	Seed uint64
	// Random walks the (host × port) space in the seeded pseudo-random
	// order, which spreads the load across hosts and networks. It is
	// implied by a Shard; without either, hosts are probed in order.
	Random bool
	// Rate caps the probes sent per second (connect attempts, retries
	// included) by this scanner; zero means no cap.
	Rate float64

	// UDP scans UDP ports instead of TCP (nmap's -sU), without root:
	// each probe is a connected UDP socket with IP_RECVERR, sent the
	// port's protocol payload (see Payload). A reply is open
	// (ReasonUDPResponse); the ICMP error the kernel queues decides the
	// rest as nmap does: port unreachable is closed, the other
	// unreachables filtered; no answer after the retries is
	// OpenFiltered. Host discovery (Discover) still pings over TCP, ARP
	// and ICMP.
	UDP bool

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

// DefaultMaxRetries is nmap's default --max-retries.
const DefaultMaxRetries = 10

func (s *Scanner) maxRetries() int {
	if s.Retries < 0 {
		return 0
	}
	m := s.MaxRetries
	if m <= 0 {
		m = DefaultMaxRetries
	}
	return max(m, s.retries())
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

// initialRTTTimeout is a probe's timeout until its host answers.
func (s *Scanner) initialRTTTimeout() time.Duration {
	if s.InitialRTTTimeout > 0 {
		return s.InitialRTTTimeout
	}
	return s.timeout()
}

// maxRTTTimeout caps every probe's timeout; it is never below the
// initial one.
func (s *Scanner) maxRTTTimeout() time.Duration {
	t := s.timeout()
	if s.MaxRTTTimeout > 0 {
		t = s.MaxRTTTimeout
	}
	return max(t, s.initialRTTTimeout())
}

func (s *Scanner) minRTTTimeout() time.Duration {
	if s.MinRTTTimeout > 0 {
		return s.MinRTTTimeout
	}
	return DefaultMinRTTTimeout
}

func (s *Scanner) rateLimitRounds() int {
	switch {
	case s.RateLimitRounds < 0:
		return 0
	case s.RateLimitRounds == 0:
		return DefaultRateLimitRounds
	}
	return s.RateLimitRounds
}

func (s *Scanner) bannerTimeout() time.Duration {
	if s.BannerTimeout > 0 {
		return s.BannerTimeout
	}
	return DefaultBannerTimeout
}

func (s *Scanner) resolver() resolve.Resolver {
	if s.Resolver != nil {
		return s.Resolver
	}
	return resolve.Current()
}

// Scan probes ports (1-65535; see ParsePorts) on every host of targets
// (see ParseTargets) and returns one Result per host, in target order.
// Host names are resolved first, like gethostbyname (an IPv4 address is
// preferred); a name that does not resolve fails the scan before any
// probe is sent, with an error wrapping the *net.DNSError.
//
// Scan holds every outcome in memory, so one call is limited to
// MaxProbes hosts × ports; Stream has no such limit. With a Shard, each
// Result holds only the ports of that shard (a host may have none).
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
	if err := s.check(); err != nil {
		return nil, err
	}
	var nhosts uint64
	for _, t := range targets {
		nhosts += min(t.Len(), MaxProbes+1)
	}
	if nhosts*uint64(len(ports)) > MaxProbes {
		return nil, fmt.Errorf("%d hosts × %d ports is more than %d probes for one scan: scan fewer hosts or ports at a time, or stream the results (netstar scan)", nhosts, len(ports), MaxProbes)
	}
	resolved, err := s.resolve(ctx, targets)
	if err != nil {
		return nil, err
	}
	space, err := buildSpace(resolved, nil)
	if err != nil {
		return nil, err
	}
	results := make([]Result, space.total)
	for i := range results {
		name, ip, _ := space.host(uint64(i))
		if name == "" {
			name = ip.String()
		}
		results[i] = Result{Host: name, IP: ip, Ports: make([]Port, len(ports))}
		if s.UDP {
			results[i].Proto = "udp"
		}
	}
	// One host: look its name up while probing. Several: only the hosts
	// found with an open port, after probing (as nmap resolves only the
	// hosts that are up), so a /16 does not send 65536 PTR queries.
	rctx, stopReverse := context.WithCancel(ctx)
	var reverseDone <-chan struct{}
	if len(results) == 1 {
		reverseDone = s.reverse(rctx, results)
	}

	p, err := s.newPlan(space, ports, start)
	if err != nil {
		stopReverse()
		if reverseDone != nil {
			<-reverseDone
		}
		return nil, err
	}
	p.results = results
	if s.Discover || s.PingOnly {
		p.status, _, err = s.discover(ctx, space, start)
		for i := range results {
			results[i].Up, results[i].Reason = p.status.reason(uint64(i))
			if mac := p.status.mac(uint64(i)); mac != nil {
				results[i].MAC = mac.String()
			}
			if !results[i].Up || s.PingOnly {
				results[i].Ports = nil
			}
		}
		p.down = p.status
		p.status = nil
	}
	if err == nil && !s.PingOnly {
		err = s.run(ctx, p)
	}

	if reverseDone == nil {
		reverseDone = s.reverseUp(rctx, results)
	}
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
		if !s.Discover && !s.PingOnly {
			r.Up, r.Reason = false, ReasonNoResponse
			for _, port := range r.Ports {
				if port.State == Open || port.State == Closed {
					r.Up, r.Reason = true, ReasonSynAck
					if port.State == Closed {
						r.Reason = ReasonConnRefused
					}
					break
				}
			}
		}
		if err != nil || !s.Shard.Whole() {
			r.Ports = slices.DeleteFunc(r.Ports, func(p Port) bool { return p.State == 0 })
		}
		for j := range r.Ports {
			r.Ports[j].Service = serviceName(r.Ports[j].Port, p.proto())
		}
	}
	return results, err
}

// check validates the walk options.
func (s *Scanner) check() error {
	if err := s.Shard.Check(); err != nil {
		return err
	}
	if s.Rate < 0 || s.Rate != s.Rate {
		return fmt.Errorf("rate %v: want a number of probes per second >= 0", s.Rate)
	}
	return nil
}

var serviceCache sync.Map // int → string

func serviceName(port int, proto string) string {
	key := port
	if proto == "udp" {
		key = -port
	}
	if v, ok := serviceCache.Load(key); ok {
		return v.(string)
	}
	name, _ := services.ScanTable().ByPort(port, proto)
	serviceCache.Store(key, name)
	return name
}

// resolve returns targets with every name resolved to one address (its
// First and Last), leaving targets itself unchanged.
func (s *Scanner) resolve(ctx context.Context, targets []Target) ([]Target, error) {
	out := make([]Target, 0, len(targets))
	for _, t := range targets {
		if t.Name != "" && t.First.IsValid() { // resolved by the caller
			t.Last = t.First
			out = append(out, t)
			continue
		}
		if t.Name == "" {
			if !t.First.IsValid() {
				return nil, fmt.Errorf("invalid target %q", t.Spec)
			}
			out = append(out, t)
			continue
		}
		ips, _, err := s.resolver().LookupHost(ctx, t.Name, 0, false)
		if err != nil {
			return nil, &ResolveError{Name: t.Name, Err: err}
		}
		ip := ips[0]
		for _, a := range ips {
			if a.Unmap().Is4() {
				ip = a.Unmap()
				break
			}
		}
		t.First, t.Last = ip, ip
		out = append(out, t)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no hosts to scan")
	}
	return out, nil
}

// reverse looks up reverse names in the background; the returned channel
// is closed when every lookup has finished.
func (s *Scanner) reverse(ctx context.Context, results []Result) <-chan struct{} {
	done := make(chan struct{})
	if s.NoReverse {
		close(done)
		return done
	}
	go func() {
		defer close(done)
		var wg sync.WaitGroup
		sem := make(chan struct{}, 16)
		for i := range results {
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				wg.Wait()
				return
			}
			ip := results[i].IP
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer func() { <-sem }()
				names, err := s.resolver().LookupAddr(ctx, ip)
				if err == nil && len(names) > 0 {
					results[i].Name = trimDot(names[0])
				}
			}()
		}
		wg.Wait()
	}()
	return done
}

// reverseUp looks up the reverse names of the hosts with an open port.
func (s *Scanner) reverseUp(ctx context.Context, results []Result) <-chan struct{} {
	var up []int
	for i := range results {
		for _, p := range results[i].Ports {
			if p.State == Open {
				up = append(up, i)
				break
			}
		}
	}
	sub := make([]Result, len(up))
	for k, i := range up {
		sub[k] = Result{IP: results[i].IP}
	}
	inner := s.reverse(ctx, sub)
	done := make(chan struct{})
	go func() {
		defer close(done)
		<-inner
		for k, i := range up {
			results[i].Name = sub[k].Name
		}
	}()
	return done
}

func trimDot(s string) string {
	if len(s) > 1 && s[len(s)-1] == '.' {
		return s[:len(s)-1]
	}
	return s
}

// plan is the work of one scan: the positions 0..count-1 of this
// shard's walk, each mapped to a (host, port) pair, and where their
// outcomes go. Only size, target and record know about the order,
// shards and sinks; the engines just take positions in turn.
type plan struct {
	udp   bool // a UDP scan
	space *hostSpace
	ports []int
	perm  *Permutation // nil: host-major order
	shard Shard
	count uint64 // positions in this shard's walk
	from  uint64 // first position to probe
	skip  func(pos uint64) bool
	start time.Time

	status  *hostStatus        // discovery: where answers go instead
	down    *hostStatus        // hosts discovery found down are skipped
	results []Result           // Scan: outcomes by host and port index
	sink    func(Record) error // Stream: called under mu
	fail    func(error)        // stops the scan when the sink fails
	mu      sync.Mutex
	sinkErr error

	*Counters
}

// Counters are what a scan has done so far. They are safe to read while
// the scan runs: see StreamOptions.Counters.
type Counters struct {
	sent, retries, localErrors, drops, skipped atomic.Int64
	states                                     [OpenFiltered + 1]atomic.Int64
}

// Stats returns the counters as Stats; the fields that are not counters
// (sizes, Elapsed) are left zero.
func (c *Counters) Stats() Stats {
	return Stats{
		Skipped:      uint64(c.skipped.Load()),
		Open:         uint64(c.states[Open].Load()),
		Closed:       uint64(c.states[Closed].Load()),
		Filtered:     uint64(c.states[Filtered].Load()),
		OpenFiltered: uint64(c.states[OpenFiltered].Load()),
		Sent:         uint64(c.sent.Load()),
		Retries:      uint64(c.retries.Load()),
		LocalErrors:  uint64(c.localErrors.Load()),
		Drops:        uint64(c.drops.Load()),
	}
}

func (s *Scanner) newPlan(space *hostSpace, ports []int, start time.Time) (*plan, error) {
	n := space.total * uint64(len(ports))
	if space.total != 0 && n/space.total != uint64(len(ports)) || n >= 1<<62 {
		return nil, ErrSpaceTooLarge
	}
	p := &plan{space: space, ports: ports, shard: s.Shard, start: start, Counters: new(Counters), udp: s.UDP}
	if s.Random || !s.Shard.Whole() {
		perm, err := NewPermutation(n, s.Seed)
		if err != nil {
			return nil, err
		}
		p.perm = perm
	}
	p.count = s.Shard.positions(n)
	return p, nil
}

func (p *plan) size() int64 { return int64(p.count) }

// proto returns "udp" for a UDP scan's plan, else "tcp".
func (p *plan) proto() string {
	if p.udp {
		return "udp"
	}
	return "tcp"
}

// hostDown reports whether position pos belongs to a host discovery
// found down.
func (p *plan) hostDown(pos int64) bool {
	if p.down == nil {
		return false
	}
	h, _ := p.target(pos)
	return p.down.get(h) == 0
}

// target returns the host and port index of position pos.
func (p *plan) target(pos int64) (h uint64, pi int) {
	i := uint64(pos)
	if !p.shard.Whole() {
		i = uint64(p.shard.Index) + i*uint64(p.shard.Count)
	}
	if p.perm != nil {
		i = p.perm.At(i)
	}
	n := uint64(len(p.ports))
	return i / n, int(i % n)
}

// probeOf returns the first probe of position pos.
func (p *plan) probeOf(pos int64) probe {
	h, pi := p.target(pos)
	_, ip, _ := p.space.host(h)
	return probe{pos: pos, host: h, ip: ip, port: uint16(p.ports[pi]), pi: int32(pi)}
}

// countRetry and countLocal count a probe sent again.
func (p *plan) countRetry(pr *probe) {
	p.retries.Add(1)
	if p.results != nil {
		p.mu.Lock()
		p.results[pr.host].Retries++
		p.mu.Unlock()
	}
}

func (p *plan) countLocal(pr *probe) {
	p.localErrors.Add(1)
	if p.results != nil {
		p.mu.Lock()
		p.results[pr.host].LocalErrors++
		p.mu.Unlock()
	}
}

// record stores the outcome of a probe: in results, or through the sink.
func (p *plan) record(pr *probe, port Port) {
	if r, ok := p.outcome(pr, port); ok {
		p.flush([]Record{r})
	}
}

// outcome counts the outcome of a probe and stores it in results; for a
// stream it returns the record for the sink instead, with ok true.
func (p *plan) outcome(pr *probe, port Port) (r Record, ok bool) {
	p.states[min(port.State, OpenFiltered)].Add(1)
	if p.status != nil {
		if port.State == Open || port.State == Closed {
			p.status.set(pr.host, port.State)
		}
		return Record{}, false
	}
	if p.results != nil {
		p.results[pr.host].Ports[pr.pi] = port
		return Record{}, false
	}
	name, _, hasName := p.space.host(pr.host)
	if !hasName {
		name = ""
	}
	port.Service = serviceName(port.Port, p.proto())
	return Record{Pos: uint64(pr.pos), Host: name, IP: pr.ip, Port: port}, true
}

// flush hands records to the sink, taking the lock once for all of them:
// the engine's loops batch their records so that they seldom wait for
// one another (or for a loop the scheduler has descheduled while it held
// the lock).
func (p *plan) flush(batch []Record) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, r := range batch {
		if p.sinkErr != nil {
			return
		}
		if err := p.sink(r); err != nil {
			p.sinkErr = err
			p.fail(err)
		}
	}
}

// EscapeBanner returns a banner on one line for tables and reports:
// trailing line ends dropped, \r \n \t and other control bytes escaped
// (they are not allowed in XML 1.0 either), cut to at most n runes with
// an ellipsis.
func EscapeBanner(s string, n int) string {
	s = strings.TrimRight(s, "\r\n")
	var sb strings.Builder
	count := 0
	for _, c := range s {
		if count >= n {
			sb.WriteString("…")
			break
		}
		switch {
		case c == '\r':
			sb.WriteString(`\r`)
		case c == '\n':
			sb.WriteString(`\n`)
		case c == '\t':
			sb.WriteString(`\t`)
		case c < 0x20 || c == 0x7f || c == 0xfffd:
			fmt.Fprintf(&sb, `\x%02x`, c&0xff)
		default:
			sb.WriteRune(c)
		}
		count++
	}
	return sb.String()
}

// A ResolveError is a target's host name that did not resolve.
type ResolveError struct {
	Name string // the name as the target gave it
	Err  error  // the resolver's error (a socket.gaierror)
}

func (e *ResolveError) Error() string { return "resolving " + e.Name + ": " + e.Err.Error() }

// Unwrap returns the resolver's error.
func (e *ResolveError) Unwrap() error { return e.Err }
