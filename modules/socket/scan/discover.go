package scan

import (
	"context"
	"net"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"
)

// DefaultPingPorts are the ports host discovery connects to: nmap's
// unprivileged host discovery (TCP connect to 80 and 443).
var DefaultPingPorts = []int{80, 443}

// Reasons a host is up or down, as nmap's <status reason=...> gives them.
const (
	ReasonConnRefused = "conn-refused" // up: a ping port refused
	ReasonNoResponse  = "no-response"  // down: no ping port answered
	ReasonUserSet     = "user-set"     // up because discovery was off (-Pn)
	ReasonARP         = "arp-response" // up: it answered ARP (needs CAP_NET_RAW)
	ReasonEchoReply   = "echo-reply"   // up: it answered an ICMP echo (needs CAP_NET_RAW)
)

// hostStatus is what discovery learned of each host: four bits a host,
// 0 for no answer.
type hostStatus struct {
	words []atomic.Uint32
	up    atomic.Int64
	// macs holds the Ethernet address of each host that answered ARP
	// (host index → net.HardwareAddr).
	macs sync.Map
}

// HostUp is a host discovery found up (see StreamOptions.Up).
type HostUp struct {
	IP netip.Addr
	// Reason is nmap's: ReasonARP, ReasonSynAck or ReasonConnRefused.
	Reason string
	// MAC is the host's Ethernet address when it answered ARP, else nil.
	MAC net.HardwareAddr
}

// mac returns host h's Ethernet address, if it answered ARP.
func (hs *hostStatus) mac(h uint64) net.HardwareAddr {
	if v, ok := hs.macs.Load(h); ok {
		return v.(net.HardwareAddr)
	}
	return nil
}

const (
	hostRefused   = 1 // a ping port refused
	hostConnected = 2 // a ping port accepted
	hostARP       = 4 // the host answered ARP
	hostEcho      = 8 // the host answered an ICMP echo request
)

func newHostStatus(hosts uint64) *hostStatus {
	return &hostStatus{words: make([]atomic.Uint32, (hosts+7)/8)}
}

// set records a ping port's answer from host h.
func (hs *hostStatus) set(h uint64, st State) {
	bit := uint32(hostRefused)
	if st == Open {
		bit = hostConnected
	}
	hs.mark(h, bit)
}

// mark sets bit for host h.
func (hs *hostStatus) mark(h uint64, bit uint32) {
	w := &hs.words[h/8]
	shift := 4 * (h % 8)
	for {
		old := w.Load()
		cur := old >> shift & 15
		if cur&bit != 0 {
			return
		}
		if w.CompareAndSwap(old, old|bit<<shift) {
			if cur == 0 {
				hs.up.Add(1)
			}
			return
		}
	}
}

// get returns host h's bits.
func (hs *hostStatus) get(h uint64) uint32 { return hs.words[h/8].Load() >> (4 * (h % 8)) & 15 }

// reason returns nmap's status reason of host h.
func (hs *hostStatus) reason(h uint64) (up bool, reason string) {
	switch b := hs.get(h); {
	case b&hostARP != 0:
		return true, ReasonARP
	case b&hostEcho != 0:
		return true, ReasonEchoReply
	case b&hostConnected != 0:
		return true, ReasonSynAck
	case b&hostRefused != 0:
		return true, ReasonConnRefused
	}
	return false, ReasonNoResponse
}

// discover finds which hosts of space are up: with CAP_NET_RAW, hosts on
// an attached Ethernet segment by ARP (see arpDiscover); the others by
// TCP connect pings to PingPorts and, with CAP_NET_RAW, an ICMP echo
// request at the same time (see echoDiscover). The pings are a scan of their own,
// host by host in order and never sharded: every shard of a split scan
// pings every host, so each knows which hosts to skip.
func (s *Scanner) discover(ctx context.Context, space *hostSpace, start time.Time) (*hostStatus, *Counters, error) {
	ports := s.PingPorts
	if len(ports) == 0 {
		ports = DefaultPingPorts
	}
	ports, err := NormalizePorts(ports)
	if err != nil {
		return nil, nil, err
	}
	status := newHostStatus(space.total)
	var decided *hostStatus
	if !s.NoARP {
		if decided, err = s.arpDiscover(ctx, space, status); err != nil {
			return nil, nil, err
		}
	}
	ping := *s
	ping.Shard, ping.Random, ping.Banner, ping.UDP = Shard{}, false, false, false
	p, err := ping.newPlan(space, ports, start)
	if err != nil {
		return nil, nil, err
	}
	p.status = status
	if decided != nil && decided.up.Load() == int64(space.total) {
		return status, p.Counters, nil // ARP decided every host
	}
	// The hosts ARP did not decide are also sent ICMP echo requests
	// (as root), alongside their TCP pings.
	echoDone := make(chan error, 1)
	if s.NoICMP {
		echoDone <- nil
	} else {
		go func() {
			echoDone <- s.echoDiscover(ctx, space, status, func(h uint64) bool { return decided == nil || decided.get(h) == 0 })
		}()
	}
	if decided != nil {
		// ARP decided these hosts: ping only the others.
		p.down = &hostStatus{words: make([]atomic.Uint32, len(decided.words))}
		for h := uint64(0); h < space.total; h++ {
			if decided.get(h) == 0 {
				p.down.mark(h, hostRefused)
			}
		}
	}
	err = ping.run(ctx, p)
	if eerr := <-echoDone; err == nil {
		err = eerr
	}
	return status, p.Counters, err
}
