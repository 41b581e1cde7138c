package scan

import (
	"context"
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
)

// hostStatus is what discovery learned of each host: two bits a host,
// 0 for no answer, hostRefused, hostConnected.
type hostStatus struct {
	words []atomic.Uint32
	up    atomic.Int64
}

const (
	hostRefused   = 1
	hostConnected = 2
)

func newHostStatus(hosts uint64) *hostStatus {
	return &hostStatus{words: make([]atomic.Uint32, (hosts+15)/16)}
}

// set records an answer from host h.
func (hs *hostStatus) set(h uint64, st State) {
	bit := uint32(hostRefused)
	if st == Open {
		bit = hostConnected
	}
	w := &hs.words[h/16]
	shift := 2 * (h % 16)
	for {
		old := w.Load()
		cur := old >> shift & 3
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
func (hs *hostStatus) get(h uint64) uint32 { return hs.words[h/16].Load() >> (2 * (h % 16)) & 3 }

// reason returns nmap's status reason of host h.
func (hs *hostStatus) reason(h uint64) (up bool, reason string) {
	switch b := hs.get(h); {
	case b&hostConnected != 0:
		return true, ReasonSynAck
	case b&hostRefused != 0:
		return true, ReasonConnRefused
	}
	return false, ReasonNoResponse
}

// discover pings every host of space (see Scanner.Discover) and returns
// their status. The pings are a scan of their own, host by host in order
// and never sharded: every shard of a split scan pings every host, so
// each knows which hosts to skip.
func (s *Scanner) discover(ctx context.Context, space *hostSpace, start time.Time) (*hostStatus, *Counters, error) {
	ports := s.PingPorts
	if len(ports) == 0 {
		ports = DefaultPingPorts
	}
	ports, err := NormalizePorts(ports)
	if err != nil {
		return nil, nil, err
	}
	ping := *s
	ping.Shard, ping.Random, ping.Banner = Shard{}, false, false
	p, err := ping.newPlan(space, ports, start)
	if err != nil {
		return nil, nil, err
	}
	p.status = newHostStatus(space.total)
	err = ping.run(ctx, p)
	return p.status, p.Counters, err
}
