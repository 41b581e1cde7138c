package scancmd

import (
	"cmp"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/netstar/netstar/modules/socket/scan"
)

// hostTable gathers records by host for the formats that group ports
// by host (nmap XML, grepable, the table). It keeps 8 bytes a port
// (banners aside), so a /16 × 10 ports stays a few megabytes.
type hostTable struct {
	hosts   map[netip.Addr]*hostAgg
	reasons []string
	reasonN map[string]uint8
	banners map[bannerKey]string
	dups    int
}

type bannerKey struct {
	ip   netip.Addr
	port uint16
}

type hostAgg struct {
	ip    netip.Addr
	name  string
	ports []portEntry
	// extra holds ports known only by count (nmap XML extraports
	// without a port list).
	extra []extraCount
}

type portEntry struct {
	port   uint16
	state  scan.State
	reason uint8
	rtt    float32
}

type extraCount struct {
	state  scan.State
	reason string
	count  int
}

func newHostTable() *hostTable {
	return &hostTable{hosts: map[netip.Addr]*hostAgg{}, reasonN: map[string]uint8{}, banners: map[bannerKey]string{}}
}

func (t *hostTable) reason(r string) uint8 {
	if n, ok := t.reasonN[r]; ok {
		return n
	}
	if len(t.reasons) == 255 {
		return 255 // "other": more distinct reasons than any scan has
	}
	t.reasons = append(t.reasons, r)
	t.reasonN[r] = uint8(len(t.reasons) - 1)
	return uint8(len(t.reasons) - 1)
}

func (t *hostTable) reasonName(n uint8) string {
	if int(n) < len(t.reasons) {
		return t.reasons[n]
	}
	return "other"
}

func (t *hostTable) host(ip netip.Addr) *hostAgg {
	h := t.hosts[ip]
	if h == nil {
		h = &hostAgg{ip: ip}
		t.hosts[ip] = h
	}
	return h
}

// add records one port; the record must be checked.
func (t *hostTable) add(r *Record) {
	ip, _ := netip.ParseAddr(r.IP)
	h := t.host(ip)
	if r.Host != "" {
		h.name = r.Host
	}
	st, _ := stateOf(r.State)
	h.ports = append(h.ports, portEntry{port: uint16(r.Port), state: st, reason: t.reason(r.Reason), rtt: float32(r.RTT)})
	if r.Banner != "" {
		t.banners[bannerKey{ip, uint16(r.Port)}] = r.Banner
	}
}

// sorted returns the hosts by address, each with its ports sorted and
// duplicates removed (counted in t.dups).
func (t *hostTable) sorted() []*hostAgg {
	hs := make([]*hostAgg, 0, len(t.hosts))
	for _, h := range t.hosts {
		slices.SortStableFunc(h.ports, func(a, b portEntry) int { return cmp.Compare(a.port, b.port) })
		n := len(h.ports)
		h.ports = slices.CompactFunc(h.ports, func(a, b portEntry) bool { return a.port == b.port })
		t.dups += n - len(h.ports)
		hs = append(hs, h)
	}
	slices.SortFunc(hs, func(a, b *hostAgg) int { return a.ip.Compare(b.ip) })
	return hs
}

// grouped splits a host's ports into those listed one by one and the
// states summarized as nmap's "extraports" ("Not shown" in -oN): like
// nmap, a state other than open with more than maxListed ports (25, 50
// with -v, 75 with -vv) is summarized, and with --open every state but
// open is. Summarized states come most numerous first, and so do their
// reasons, as nmap orders them.
const maxListed = 25

type extraGroup struct {
	state   scan.State
	count   int
	reasons []extraReason
}

type extraReason struct {
	reason string
	count  int
	ports  []uint16
}

func (t *hostTable) grouped(h *hostAgg, info runInfo) (listed []portEntry, extras []extraGroup) {
	var counts [4]int
	for _, p := range h.ports {
		counts[p.state&3]++
	}
	limit := maxListed * (info.verbose + 1)
	summarize := func(s scan.State) bool { return s != scan.Open && (info.openOnly || counts[s&3] > limit) }
	if !summarize(scan.Closed) && !summarize(scan.Filtered) && len(h.extra) == 0 {
		return h.ports, nil // the common case of a streamed report: nothing summarized
	}
	var byState [4]*extraGroup
	group := func(s scan.State) *extraGroup {
		if byState[s&3] == nil {
			byState[s&3] = &extraGroup{state: s}
		}
		return byState[s&3]
	}
	for _, p := range h.ports {
		if !summarize(p.state) {
			listed = append(listed, p)
			continue
		}
		g := group(p.state)
		g.count++
		name := t.reasonName(p.reason)
		k := slices.IndexFunc(g.reasons, func(r extraReason) bool { return r.reason == name })
		if k < 0 {
			g.reasons = append(g.reasons, extraReason{reason: name})
			k = len(g.reasons) - 1
		}
		g.reasons[k].count++
		g.reasons[k].ports = append(g.reasons[k].ports, p.port)
	}
	for _, e := range h.extra {
		g := group(e.state)
		g.count += e.count
		g.reasons = append(g.reasons, extraReason{reason: e.reason, count: e.count})
	}
	for _, s := range []scan.State{scan.Closed, scan.Filtered, scan.Open} {
		if g := byState[s&3]; g != nil {
			slices.SortStableFunc(g.reasons, func(a, b extraReason) int { return cmp.Compare(b.count, a.count) })
			extras = append(extras, *g)
		}
	}
	slices.SortStableFunc(extras, func(a, b extraGroup) int { return cmp.Compare(b.count, a.count) })
	return listed, extras
}

// latency is the shortest round trip of the host's answered probes
// (nmap's "Host is up (0.00012s latency)"), or 0 when none is known.
func (h *hostAgg) latency() float64 {
	var best float32
	for _, p := range h.ports {
		if p.state != scan.Filtered && p.rtt > 0 && (best == 0 || p.rtt < best) {
			best = p.rtt
		}
	}
	return float64(best)
}

// portRanges writes ports as nmap does in extrareasons: "1-21,23-79".
func portRanges(ports []uint16) string {
	var sb strings.Builder
	for i := 0; i < len(ports); {
		j := i
		for j+1 < len(ports) && ports[j+1] == ports[j]+1 {
			j++
		}
		if sb.Len() > 0 {
			sb.WriteByte(',')
		}
		sb.WriteString(strconv.Itoa(int(ports[i])))
		if j > i {
			sb.WriteByte('-')
			sb.WriteString(strconv.Itoa(int(ports[j])))
		}
		i = j + 1
	}
	return sb.String()
}

// nmapReason turns netstar's errno-name reasons into the words nmap
// writes in its XML, so tools that know nmap's vocabulary read them.
func nmapReason(r string) string {
	switch r {
	case scan.ReasonSynAck:
		return "syn-ack"
	case "ECONNREFUSED", "ECONNRESET", scan.ReasonSelfConnect:
		return "conn-refused"
	case scan.ReasonTimeout:
		return "no-response"
	case "EHOSTUNREACH":
		return "host-unreach"
	case "ENETUNREACH":
		return "net-unreach"
	case "EACCES", "EPERM":
		return "admin-prohibited"
	}
	return strings.ToLower(r)
}

// netstarReason is nmapReason's inverse, for XML read back.
func netstarReason(r string) string {
	switch r {
	case "syn-ack":
		return scan.ReasonSynAck
	case "conn-refused", "reset":
		return "ECONNREFUSED"
	case "no-response":
		return scan.ReasonTimeout
	case "host-unreach":
		return "EHOSTUNREACH"
	case "net-unreach":
		return "ENETUNREACH"
	case "admin-prohibited":
		return "EACCES"
	}
	return strings.ToUpper(r)
}
