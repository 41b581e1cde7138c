package netnstest

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
)

// A LAN is an ordinary Ethernet segment as a pentester meets it: a
// scanner machine and a few hosts on one bridge, in one IPv4 subnet
// whose other addresses are empty.
//
//	lan := netnstest.StartLAN(t, netnstest.LANConfig{Hosts: []netnstest.HostConfig{
//		{Ports: map[int]netnstest.Behavior{22: netnstest.Open, 81: netnstest.Dropped}},
//		{Default: netnstest.Dropped, Ports: map[int]netnstest.Behavior{443: netnstest.Open}},
//	}})
//	s := &scan.Scanner{Namespace: lan.Scanner.Path}
//	// scan lan.Subnet(); compare each answer with lan.Want(ip, port)
//
// Every machine is a namespace with a loopback and an eth0. The bridge,
// br0, lives in a namespace of its own (Bridge), with one veth port per
// machine and no address, so the scanner's namespace holds nothing but
// its own interface, routes and firewall, as a laptop plugged into a
// switch does. The scanner has the subnet's first address (.1); hosts
// have the addresses their HostConfig names, or the next free ones from
// .10 up. Nothing answers ARP for any other address: a connect to it
// fails with EHOSTUNREACH once ARP gives up (about 3 s with the
// kernel's defaults), or times out first, as on a real sparse LAN.
//
// The hosts keep the kernel's default ICMP rate limits
// (net.ipv4.icmp_ratelimit 1000 ms per destination with a burst of 6,
// icmp_msgs_per_sec 1000, icmp_msgs_burst 50): a host that REJECTs
// answers the first few SYNs of a burst with ICMP errors and the rest
// with silence, as real hosts do. Namespace.Sysctl changes that for a
// test that wants it.
//
// Close (or the end of the test, with StartLAN) stops the servers and
// deletes every namespace, which removes the bridge, the veth pairs and
// the iptables rules with them.
type LAN struct {
	// Scanner is the machine a test scans from: its Path is what
	// scan.Scanner.Namespace wants, its Command runs a process there
	// (nmap, the netstar binary), its Do creates sockets there.
	Scanner *Namespace
	// Bridge holds br0 and the switch side of every veth pair (port
	// "scan" for the scanner, "h1", "h2"... for the hosts in the order
	// of LANConfig.Hosts). It has no address; it is there to watch the
	// wire: lan.Bridge.Command("tcpdump", "-ni", "br0").
	Bridge *Namespace

	subnet  netip.Prefix
	hosts   []*lanHost // live hosts, in LANConfig order
	byAddr  map[netip.Addr]*lanHost
	down    []netip.Addr
	created []*Namespace // every namespace that exists, for Close

	closeOnce sync.Once
	closeErr  error
}

// LANConfig describes a LAN for NewLAN.
type LANConfig struct {
	// Hosts are the machines besides the scanner. A host with Down set
	// has an address and no machine behind it.
	Hosts []HostConfig
	// Subnet is the LAN's IPv4 network, /16 to /24. The zero value
	// picks a /24 of 198.18.0.0/15 (RFC 2544's benchmark range) that no
	// other LAN of this process has; since each LAN lives in its own
	// namespaces, LANs in other processes (go test runs packages side
	// by side) cannot see one another even with the same subnet.
	Subnet netip.Prefix
}

// HostConfig describes one host of a LAN.
type HostConfig struct {
	// Addr is the host's address, inside the subnet; the zero value
	// takes the next free address from the subnet's .10 up.
	Addr netip.Addr
	// Ports gives TCP ports a behaviour; ports not listed behave as
	// Default says.
	Ports map[int]Behavior
	// Default is what every port not in Ports does: Closed (the zero
	// value: the kernel answers RST), or Dropped, PortUnreachable,
	// AdminProhibited or HostUnreachable. With a Default other than
	// Closed the host's firewall treats all of its other traffic from
	// eth0 alike: Dropped drops every packet (pings too), the REJECTs
	// answer every TCP segment; ports listed as Open or Closed stay
	// reachable. {Default: Dropped, Ports: {22: Open}} is the host that
	// drops everything except port 22.
	Default Behavior
	// Banner is what the host's Open ports write to each connection
	// before closing it; empty writes nothing.
	Banner string
	// Down makes the address that of a machine that is switched off or
	// does not exist: no namespace, no ARP answer. Ports, Default and
	// Banner must be empty.
	Down bool
}

// Behavior is what a host does with a SYN to one port.
type Behavior int

const (
	// Closed: no listener, the kernel answers RST (ECONNREFUSED at once).
	Closed Behavior = iota
	// Open: a listener (Namespace.Serve) accepts and closes the connection.
	Open
	// Dropped: iptables DROP, no answer at all (the connect times out).
	Dropped
	// PortUnreachable: iptables REJECT with ICMP port-unreachable, which
	// Linux reports to the client as ECONNREFUSED; rate limited.
	PortUnreachable
	// AdminProhibited: iptables REJECT with ICMP communication
	// administratively prohibited (type 3 code 13), which Linux reports
	// as EHOSTUNREACH; rate limited.
	AdminProhibited
	// HostUnreachable: iptables REJECT with ICMP host-unreachable (type
	// 3 code 1), which Linux reports as EHOSTUNREACH; rate limited.
	HostUnreachable
)

var behaviorNames = []string{"closed", "open", "dropped", "icmp-port-unreachable", "icmp-admin-prohibited", "icmp-host-unreachable"}

func (b Behavior) String() string {
	if b < 0 || int(b) >= len(behaviorNames) {
		return "Behavior(" + strconv.Itoa(int(b)) + ")"
	}
	return behaviorNames[b]
}

// rejectWith is the iptables REJECT type of b, or "" for the behaviours
// iptables has no part in.
func (b Behavior) rejectWith() string {
	switch b {
	case PortUnreachable:
		return "icmp-port-unreachable"
	case AdminProhibited:
		return "icmp-admin-prohibited"
	case HostUnreachable:
		return "icmp-host-unreachable"
	}
	return ""
}

// firewalled reports whether iptables makes b.
func (b Behavior) firewalled() bool { return b == Dropped || b.rejectWith() != "" }

// Want returns what nmap's connect scan (nmap -sT, which sees only
// connect's errno) reports for a port that behaves as b, given time
// to wait out the ICMP rate limit.
func (b Behavior) Want() PortState {
	switch b {
	case Closed, PortUnreachable:
		return PortState{"closed", "conn-refused"}
	case Open:
		return PortState{"open", "syn-ack"}
	case Dropped:
		return PortState{"filtered", "no-response"}
	case AdminProhibited, HostUnreachable:
		return PortState{"filtered", "host-unreach"}
	}
	return PortState{}
}

// PortState is a port's state and its reason as nmap names them
// ("open", "syn-ack"; "closed", "conn-refused"; "filtered",
// "no-response"). The zero value means the fixture does not say.
type PortState struct {
	State, Reason string
}

// String reads like nmap's columns: "filtered no-response".
func (p PortState) String() string {
	if p.State == "" {
		return "unknown"
	}
	return p.State + " " + p.Reason
}

type lanHost struct {
	ns  *Namespace
	cfg HostConfig
}

func (h *lanHost) behavior(port int) Behavior {
	if b, ok := h.cfg.Ports[port]; ok {
		return b
	}
	return h.cfg.Default
}

var lanSeq atomic.Int64

// lanSubnets is how many /24s of 198.18.0.0/15 LANs use: all but
// 198.18.0.0/24, which is New's.
const lanSubnets = 511

// NewLAN builds the LAN cfg describes. Call Close when done. Errors
// wrap ErrUnavailable when the machine cannot host it.
func NewLAN(cfg LANConfig) (*LAN, error) {
	subnet := cfg.Subnet
	if !subnet.IsValid() {
		i := 1 + (lanSeq.Add(1)-1)%lanSubnets
		subnet = netip.PrefixFrom(addrAdd(netip.MustParseAddr("198.18.0.0"), uint32(i)<<8), 24)
	}
	l := &LAN{subnet: subnet.Masked(), byAddr: map[netip.Addr]*lanHost{}}
	addrs, err := l.assign(cfg.Hosts)
	if err != nil {
		return nil, err
	}
	if err := Available(); err != nil {
		return nil, err
	}
	id := newID()
	l.Bridge = &Namespace{Name: id + "-lan"}
	if err := l.addNamespace(l.Bridge); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrUnavailable, err)
	}
	l.Scanner = &Namespace{Name: id + "-scan", Addr: addrAdd(l.subnet.Addr(), 1)}
	for i, hc := range cfg.Hosts {
		if hc.Down {
			l.down = append(l.down, addrs[i])
			continue
		}
		h := &lanHost{ns: &Namespace{Name: id + "-h" + strconv.Itoa(i+1), Addr: addrs[i]}, cfg: hc}
		l.hosts = append(l.hosts, h)
		l.byAddr[h.ns.Addr] = h
	}
	if err := l.setup(); err != nil {
		l.Close()
		return nil, err
	}
	return l, nil
}

// assign checks hosts and gives each its address.
func (l *LAN) assign(hosts []HostConfig) ([]netip.Addr, error) {
	if !l.subnet.Addr().Is4() || l.subnet.Bits() < 16 || l.subnet.Bits() > 24 {
		return nil, fmt.Errorf("netnstest: LAN subnet %v: want an IPv4 prefix from /16 to /24", l.subnet)
	}
	size := uint32(1) << (32 - l.subnet.Bits())
	last := addrAdd(l.subnet.Addr(), size-1) // the broadcast address
	used := map[netip.Addr]bool{l.subnet.Addr(): true, addrAdd(l.subnet.Addr(), 1): true, last: true}
	addrs := make([]netip.Addr, len(hosts))
	for i, h := range hosts {
		if err := checkHost(h); err != nil {
			return nil, fmt.Errorf("netnstest: host %d: %w", i+1, err)
		}
		if !h.Addr.IsValid() {
			continue
		}
		if !l.subnet.Contains(h.Addr) || used[h.Addr] {
			return nil, fmt.Errorf("netnstest: host %d: address %v is not free in %v (.0, .1 and the broadcast address are taken)", i+1, h.Addr, l.subnet)
		}
		used[h.Addr] = true
		addrs[i] = h.Addr
	}
	next := addrAdd(l.subnet.Addr(), 10)
	for i := range hosts {
		if addrs[i].IsValid() {
			continue
		}
		for used[next] && next != last {
			next = next.Next()
		}
		if next == last {
			return nil, fmt.Errorf("netnstest: %d hosts do not fit in %v", len(hosts), l.subnet)
		}
		used[next] = true
		addrs[i] = next
	}
	return addrs, nil
}

func checkHost(h HostConfig) error {
	if h.Down {
		if len(h.Ports) > 0 || h.Default != Closed || h.Banner != "" {
			return errors.New("a Down host has no Ports, Default or Banner")
		}
		return nil
	}
	if h.Default != Closed && !h.Default.firewalled() {
		return fmt.Errorf("Default %v: want closed, dropped or an ICMP rejection", h.Default)
	}
	for p, b := range h.Ports {
		if p < 1 || p > 65535 {
			return fmt.Errorf("port %d out of range 1-65535", p)
		}
		if b < Closed || b > HostUnreachable {
			return fmt.Errorf("port %d: unknown %v", p, b)
		}
	}
	return nil
}

// StartLAN is NewLAN for tests: it skips tb when the machine cannot host
// the LAN, fails it on other errors, and closes the LAN when tb ends
// (even when the test fails or stops midway).
func StartLAN(tb testing.TB, cfg LANConfig) *LAN {
	tb.Helper()
	l, err := NewLAN(cfg)
	if errors.Is(err, ErrUnavailable) {
		tb.Skip(err)
	}
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if err := l.Close(); err != nil {
			tb.Error(err)
		}
	})
	return l
}

func (l *LAN) addNamespace(ns *Namespace) error {
	if err := ip("netns", "add", ns.Name); err != nil {
		return err
	}
	l.created = append(l.created, ns)
	ns.Path = nsPath(ns.Name)
	return nil
}

func (l *LAN) setup() error {
	br := l.Bridge.Name
	for _, args := range [][]string{
		{"-n", br, "link", "set", "lo", "up"},
		{"-n", br, "link", "add", "br0", "type", "bridge", "forward_delay", "0"},
		{"-n", br, "link", "set", "br0", "up"},
	} {
		if err := ip(args...); err != nil {
			return err
		}
	}
	// Where br_netfilter is loaded, bridged frames would go through the
	// bridge namespace's iptables; keep the switch a plain switch.
	for _, key := range []string{"net.bridge.bridge-nf-call-iptables", "net.bridge.bridge-nf-call-ip6tables", "net.bridge.bridge-nf-call-arptables"} {
		if err := l.Bridge.Sysctl(key, "0"); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	if err := l.plug(l.Scanner, "scan"); err != nil {
		return err
	}
	for i, h := range l.hosts {
		if err := l.plug(h.ns, "h"+strconv.Itoa(i+1)); err != nil {
			return err
		}
		if err := h.configure(); err != nil {
			return fmt.Errorf("netnstest: host %v: %w", h.ns.Addr, err)
		}
	}
	return nil
}

// plug creates ns and connects its eth0 to port of the bridge.
func (l *LAN) plug(ns *Namespace, port string) error {
	if err := l.addNamespace(ns); err != nil {
		return err
	}
	br := l.Bridge.Name
	for _, args := range [][]string{
		{"-n", br, "link", "add", port, "type", "veth", "peer", "name", "eth0", "netns", ns.Name},
		{"-n", br, "link", "set", port, "master", "br0"},
		{"-n", br, "link", "set", port, "up"},
		{"-n", ns.Name, "link", "set", "lo", "up"},
		{"-n", ns.Name, "addr", "add", netip.PrefixFrom(ns.Addr, l.subnet.Bits()).String(), "dev", "eth0"},
		{"-n", ns.Name, "link", "set", "eth0", "up"},
	} {
		if err := ip(args...); err != nil {
			return err
		}
	}
	return nil
}

// configure writes the host's firewall and starts its servers.
func (h *lanHost) configure() error {
	byBehavior := map[Behavior][]int{}
	for p, b := range h.cfg.Ports {
		byBehavior[b] = append(byBehavior[b], p)
	}
	// Per-port rules first, for SYNs only, as DropSYN and RejectSYN do.
	for _, b := range []Behavior{Dropped, PortUnreachable, AdminProhibited, HostUnreachable} {
		if err := h.ns.iptables(byBehavior[b], target(b)...); err != nil {
			return err
		}
	}
	if d := h.cfg.Default; d != Closed {
		reachable := append(slices.Clone(byBehavior[Open]), byBehavior[Closed]...)
		for _, r := range portRanges(reachable) {
			if err := h.ns.iptablesRule("-A", "INPUT", "-i", "eth0", "-p", "tcp", "--dport", r, "-j", "ACCEPT"); err != nil {
				return err
			}
		}
		rule := []string{"-A", "INPUT", "-i", "eth0"}
		if d != Dropped {
			rule = append(rule, "-p", "tcp")
		}
		if err := h.ns.iptablesRule(append(rule, target(d)...)...); err != nil {
			return err
		}
	}
	open := byBehavior[Open]
	slices.Sort(open)
	for _, p := range open {
		if _, err := h.ns.Serve(net.JoinHostPort("0.0.0.0", strconv.Itoa(p)), h.cfg.Banner); err != nil {
			return err
		}
	}
	return nil
}

func target(b Behavior) []string {
	if b == Dropped {
		return []string{"-j", "DROP"}
	}
	return []string{"-j", "REJECT", "--reject-with", b.rejectWith()}
}

// Close stops every server the LAN's namespaces run, waits for their
// goroutines and deletes the namespaces, which removes the bridge, the
// veth pairs and the iptables rules. It is idempotent.
func (l *LAN) Close() error {
	l.closeOnce.Do(func() {
		for _, ns := range l.created {
			ns.stop()
		}
		var errs []error
		for _, ns := range slices.Backward(l.created) {
			if err := delNamespace(ns.Name); err != nil {
				errs = append(errs, err)
			}
		}
		l.closeErr = errors.Join(errs...)
	})
	return l.closeErr
}

// Subnet is the LAN's network, such as 198.18.1.0/24.
func (l *LAN) Subnet() netip.Prefix { return l.subnet }

// Hosts lists the addresses of the live hosts, in LANConfig order.
func (l *LAN) Hosts() []netip.Addr {
	out := make([]netip.Addr, len(l.hosts))
	for i, h := range l.hosts {
		out[i] = h.ns.Addr
	}
	return out
}

// Down lists the addresses of the hosts configured Down.
func (l *LAN) Down() []netip.Addr { return slices.Clone(l.down) }

// Host returns the namespace of the live host at ip (to Serve more
// ports, Sysctl, run a Command there), or nil.
func (l *LAN) Host(ip netip.Addr) *Namespace {
	if h := l.byAddr[ip]; h != nil {
		return h.ns
	}
	return nil
}

// Behavior reports what the fixture makes the machine at ip do with a
// SYN to port; false for an address without a live host.
func (l *LAN) Behavior(ip netip.Addr, port int) (Behavior, bool) {
	h := l.byAddr[ip]
	if h == nil {
		return 0, false
	}
	return h.behavior(port), true
}

// Want returns what a connect scan from Scanner should find at (ip,
// port), in nmap -sT's words (see Behavior.Want). An empty address of
// the subnet (a Down host or any other) is "filtered no-response", as
// nmap -sT -Pn reports it: nmap stops waiting before ARP gives up. A
// connect that waits longer than ARP's 3 s fails with EHOSTUNREACH
// instead, which nmap would call "filtered host-unreach"; the state is
// filtered either way. Ports that a test opened itself with
// Host(ip).Serve, the scanner's own address (its closed ports refuse at
// once, over loopback), the network address (no ARP answer either),
// the broadcast address (connect fails at once with ENETUNREACH) and
// addresses outside the subnet are not the fixture's to say: the zero
// PortState.
//
// nmap -sS sees the ICMP errors themselves and reports them otherwise:
// "filtered port-unreach", "filtered admin-prohibited", "filtered
// host-unreach".
func (l *LAN) Want(ip netip.Addr, port int) PortState {
	if b, ok := l.Behavior(ip, port); ok {
		return b.Want()
	}
	if l.empty(ip) {
		return PortState{"filtered", "no-response"}
	}
	return PortState{}
}

// empty reports whether ip is an address of the subnet that nobody has.
func (l *LAN) empty(ip netip.Addr) bool {
	if !l.subnet.Contains(ip) || ip == l.subnet.Addr() || ip == l.Scanner.Addr || l.byAddr[ip] != nil {
		return false
	}
	size := uint32(1) << (32 - l.subnet.Bits())
	return ip != addrAdd(l.subnet.Addr(), size-1)
}

// addrAdd returns the IPv4 address n after a.
func addrAdd(a netip.Addr, n uint32) netip.Addr {
	b := a.As4()
	v := uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
	v += n
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
}
