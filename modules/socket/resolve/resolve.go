// Package resolve is the socket module's name-resolution engine, without
// Starlark: the system resolver (/etc/hosts, then DNS, as getaddrinfo
// does), or every query sent to one DNS server (SetServer,
// NETSTAR_RESOLVER) with miekg/dns; numeric hosts parsed as glibc parses
// them; bulk forward and reverse lookups in parallel (Resolve,
// Reverse), bulk lookups of other record types (Records: MX, TXT, NS,
// SRV, CNAME, SOA, PTR) and zone transfers (Transfer, AXFR over TCP).
// Failures are socket.gaierror and socket.herror as
// *pyerr.Error values, with glibc's codes. IP literals and "localhost"
// never cause a query.
package resolve

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net"
	"net/netip"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/miekg/dns"
	"github.com/netstar/netstar/builtins/pyerr"
	"golang.org/x/sys/unix"
)

// EnvResolver is the environment variable naming a DNS server ("host:port")
// that replaces the system's Resolver for every lookup, like setresolver.
const EnvResolver = "NETSTAR_RESOLVER"

// The getaddrinfo error codes Python reports in socket.gaierror.
// (glibc's values and gai_strerror texts).
const (
	EAIBadFlags   = -1
	EAINoName     = -2
	EAIAgain      = -3
	EAIFail       = -4
	EAINoData     = -5
	EAIFamily     = -6
	EAISocktype   = -7
	EAIService    = -8
	EAIAddrFamily = -9
	EAIMemory     = -10
	EAISystem     = -11
	EAIOverflow   = -12
)

var eaiMessages = map[int]string{
	EAIBadFlags:   "Bad value for ai_flags",
	EAINoName:     "Name or service not known",
	EAIAgain:      "Temporary failure in name resolution",
	EAIFail:       "Non-recoverable failure in name resolution",
	EAINoData:     "No address associated with hostname",
	EAIFamily:     "ai_family not supported",
	EAISocktype:   "ai_socktype not supported",
	EAIService:    "Servname not supported for ai_socktype",
	EAIAddrFamily: "Address family for hostname not supported",
	EAIMemory:     "Memory allocation failure",
	EAISystem:     "System error",
	EAIOverflow:   "Argument buffer overflow",
}

func GaiError(code int) *pyerr.Error {
	return &pyerr.Error{Type: "gaierror", Module: "socket", HasErrno: true, Errno: code, Strerror: eaiMessages[code]}
}

// herror codes (h_errno) for gethostbyaddr.
func HError(code int) *pyerr.Error {
	msg := "Unknown host"
	if code == 2 {
		msg = "Host name lookup failure"
	}
	return &pyerr.Error{Type: "herror", Module: "socket", HasErrno: true, Errno: code, Strerror: msg}
}

// Resolver answers the lookups of the socket module.
type Resolver interface {
	// LookupHost returns the addresses of host for family (AF_INET,
	// AF_INET6 or 0 for both) and, when canon is set or it costs no
	// query, the aliases (CNAMEs) met on the way, the canonical name
	// last. An IPv6 Literal with a zone comes back with the zone set to
	// the decimal scope id. Errors are socket.gaierror values.
	LookupHost(ctx context.Context, host string, family int, canon bool) (addrs []netip.Addr, chain []string, err error)
	// LookupAddr returns the names of an address (PTR). Errors are
	// socket.herror values.
	LookupAddr(ctx context.Context, ip netip.Addr) ([]string, error)
}

var resolverState struct {
	mu   sync.Mutex
	set  bool
	r    Resolver
	addr string
}

// SetServer points every lookup at the DNS server addr ("127.0.0.1:5353";
// the port defaults to 53). An empty addr restores the system resolver.
func SetServer(addr string) error {
	r, norm, err := ForServer(addr)
	if err != nil {
		return err
	}
	resolverState.mu.Lock()
	resolverState.set, resolverState.r, resolverState.addr = true, r, norm
	resolverState.mu.Unlock()
	return nil
}

// Server returns the DNS server set with SetServer or NETSTAR_RESOLVER,
// or "" when the system Resolver is in use.
func Server() string {
	Current()
	resolverState.mu.Lock()
	defer resolverState.mu.Unlock()
	return resolverState.addr
}

// ForServer returns the resolver SetServer would install for addr and
// the address normalized: the system's for "", else one that sends every
// query to the DNS server addr.
func ForServer(addr string) (Resolver, string, error) {
	if addr == "" {
		return System{}, "", nil
	}
	norm, err := ServerAddr(addr)
	if err != nil {
		return nil, "", err
	}
	return &dnsResolver{server: norm, timeout: 2 * time.Second, attempts: 2}, norm, nil
}

// AddrError is a DNS server address that SetServer, NETSTAR_RESOLVER and
// ServerAddr refuse.
type AddrError struct {
	// Addr is the address as given.
	Addr string
	// Port is the port part as given, when the problem is the port.
	Port string
	// BadPort is set when the port is the problem: no number, 0, or
	// (OutOfRange) a number outside 0-65535.
	BadPort bool
	// OutOfRange is set for a port number outside 0-65535, for which
	// Python raises OverflowError ("port must be 0-65535").
	OutOfRange bool
}

func (e *AddrError) Error() string {
	if e.BadPort {
		return fmt.Sprintf("resolver address %q: port %q: want 1-65535", e.Addr, e.Port)
	}
	return fmt.Sprintf("resolver address %q: want an IP address and an optional port, e.g. \"127.0.0.1:5353\"", e.Addr)
}

// ServerAddr checks a DNS server address as SetServer and NETSTAR_RESOLVER
// take it ("127.0.0.1:5353", "::1", "[::1]:53"; the port defaults to 53)
// and returns it as "ip:port". The IP address is written in full (not
// inet_aton's "127.1"), without spaces or a zone; a host name is refused,
// since a resolver named by a name would itself need resolving. Errors
// are *AddrError.
func ServerAddr(addr string) (string, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		host, port = strings.TrimSuffix(strings.TrimPrefix(addr, "["), "]"), "53"
	}
	ip, err := netip.ParseAddr(host)
	if err != nil || ip.Zone() != "" {
		return "", &AddrError{Addr: addr}
	}
	if digits := strings.TrimPrefix(port, "-"); digits == "" || strings.Trim(digits, "0123456789") != "" {
		return "", &AddrError{Addr: addr, Port: port, BadPort: true}
	}
	n, err := strconv.Atoi(port)
	if err != nil || n < 0 || n > 65535 {
		return "", &AddrError{Addr: addr, Port: port, BadPort: true, OutOfRange: true}
	}
	if n == 0 {
		return "", &AddrError{Addr: addr, Port: port, BadPort: true}
	}
	return net.JoinHostPort(ip.String(), strconv.Itoa(n)), nil
}

// EnvServer returns the DNS server NETSTAR_RESOLVER names, checked by
// ServerAddr, or "" when the variable is unset or empty (the system's
// resolver). It is the one reading of the variable: the interpreter
// checks it at start-up and Current obeys it; an error names the
// variable ("NETSTAR_RESOLVER: resolver address ...").
func EnvServer() (string, error) {
	return ServerFromEnv(os.LookupEnv)
}

// ServerFromEnv is EnvServer with the environment read through lookup
// (os.LookupEnv, or a test's map).
func ServerFromEnv(lookup func(string) (string, bool)) (string, error) {
	env, ok := lookup(EnvResolver)
	if !ok || env == "" {
		return "", nil
	}
	norm, err := ServerAddr(env)
	if err != nil {
		return "", fmt.Errorf("%s: %w", EnvResolver, err)
	}
	return norm, nil
}

// Current returns the Resolver in use, reading NETSTAR_RESOLVER
// on first use. A malformed NETSTAR_RESOLVER does not fall back to the
// system's resolver, which in a lab would leak every name: lookups that
// need a query fail with a ValueError naming the variable (IP literals
// and localhost are still answered). netstar refuses to start with it
// (EnvServer).
func Current() Resolver {
	resolverState.mu.Lock()
	defer resolverState.mu.Unlock()
	if !resolverState.set {
		resolverState.set = true
		resolverState.r = System{}
		norm, err := EnvServer()
		switch {
		case err != nil:
			resolverState.r = refusing{&pyerr.Error{Type: "ValueError", Strerror: err.Error(), Err: err}}
		case norm != "":
			resolverState.r, _, _ = ForServer(norm)
			resolverState.addr = norm
		}
	}
	return resolverState.r
}

// refusing is the Resolver of a malformed NETSTAR_RESOLVER: it answers
// what needs no query and refuses the rest with err.
type refusing struct{ err error }

func (r refusing) LookupHost(ctx context.Context, host string, family int, canon bool) ([]netip.Addr, []string, error) {
	if addrs, err, ok := Literal(host, family); ok {
		return addrs, nil, err
	}
	return nil, nil, r.err
}

func (r refusing) LookupAddr(ctx context.Context, ip netip.Addr) ([]string, error) {
	if ip.Unmap() == netip.AddrFrom4([4]byte{127, 0, 0, 1}) || ip == netip.IPv6Loopback() {
		return []string{"localhost"}, nil
	}
	return nil, r.err
}

// NumericHost parses host as glibc's getaddrinfo parses a numeric host:
// IPv4 in inet_aton's lenient forms ("127.1"), IPv6 with an optional
// zone ("fe80::1%lo", "fe80::1%2"). The answer respects family: an
// address of the other family is EAI_ADDRFAMILY (-9), except an
// IPv4-mapped IPv6 address asked as AF_INET, which is its IPv4 address.
// A zone becomes the decimal scope id in the address's zone: an
// interface name for link-local and multicast link- or node-local
// addresses, a number for any address; else EAI_NONAME. ok is false when
// host is no numeric address.
func NumericHost(host string, family int) (addrs []netip.Addr, err error, ok bool) {
	if b, aerr := InetAton(host); aerr == nil {
		if family == unix.AF_INET6 {
			return nil, GaiError(EAIAddrFamily), true
		}
		return []netip.Addr{netip.AddrFrom4(b)}, nil, true
	}
	addrPart, zone, zoned := strings.Cut(host, "%")
	ip, perr := netip.ParseAddr(addrPart)
	if perr != nil || !ip.Is6() || ip.Zone() != "" {
		if zoned {
			// glibc refuses a "%" that follows no IPv6 address without
			// asking anyone.
			return nil, GaiError(EAINoName), true
		}
		return nil, nil, false
	}
	if family == unix.AF_INET {
		if !ip.Is4In6() {
			return nil, GaiError(EAIAddrFamily), true
		}
		ip = ip.Unmap()
	}
	if zoned {
		scope, ok := scopeID(ip, zone)
		if !ok {
			return nil, GaiError(EAINoName), true
		}
		if ip.Is6() {
			ip = ip.WithZone(strconv.FormatUint(uint64(scope), 10))
		}
	}
	return []netip.Addr{ip}, nil, true
}

// scopeID turns a zone into a scope id as glibc's __inet6_scopeid_pton
// does: an interface name only for link-local unicast and node- or
// link-local multicast addresses, else a decimal number up to 2^32-1.
func scopeID(ip netip.Addr, zone string) (uint32, bool) {
	b := ip.As16()
	if ip.IsLinkLocalUnicast() || b[0] == 0xff && (b[1]&0xf == 1 || b[1]&0xf == 2) {
		if ifi, err := net.InterfaceByName(zone); err == nil && ifi.Index > 0 {
			return uint32(ifi.Index), true
		}
	}
	if zone == "" || zone[0] < '0' || zone[0] > '9' {
		return 0, false
	}
	n, err := strconv.ParseUint(zone, 10, 32)
	return uint32(n), err == nil
}

// ZoneScope returns the scope id NumericHost stored in an address's zone.
func ZoneScope(ip netip.Addr) uint32 {
	n, _ := strconv.ParseUint(ip.Zone(), 10, 32)
	return uint32(n)
}

// Literal answers lookups that never need a resolver: IP literals,
// "localhost" (from the hosts file, as glibc answers it), and names that
// glibc refuses without asking DNS (numeric-looking non-addresses,
// empty labels, labels over 63 bytes, names over 253). ok is false when
// the Resolver must be asked.
func Literal(host string, family int) (addrs []netip.Addr, err error, ok bool) {
	if addrs, err, ok := NumericHost(host, family); ok {
		return addrs, err, true
	}
	lower := strings.ToLower(strings.TrimSuffix(host, "."))
	if lower == "localhost" || strings.HasSuffix(lower, ".localhost") {
		return LocalhostAddrs(hostsFile, lower, family), nil, true
	}
	if host == "" || strings.Trim(host, "0123456789.") == "" || !ValidName(host) {
		return nil, GaiError(EAINoName), true
	}
	return nil, nil, false
}

// ValidName reports whether a DNS query can be made for host: glibc's
// Resolver fails without sending one for an empty label, a label over
// 63 bytes or a name over 253 (255 on the wire).
func ValidName(host string) bool {
	name := strings.TrimSuffix(host, ".")
	if name == "" || len(name) > 253 {
		return false
	}
	for _, label := range strings.Split(name, ".") {
		if label == "" || len(label) > 63 {
			return false
		}
	}
	return true
}

// LocalhostAddrs answers a localhost name from the hosts file at path as
// glibc does: the addresses of its lines, in file order, of the family
// asked (so no ::1 when the file has none), ::1 first. A name the file does not
// have, or has for the other family only, gets the loopback address
// (RFC 6761) instead of a DNS query.
func LocalhostAddrs(path, name string, family int) []netip.Addr {
	var out []netip.Addr
	for _, ip := range hostsAddrs(path, name) {
		if family == unix.AF_INET && !ip.Is4() || family == unix.AF_INET6 && !ip.Is6() || slices.Contains(out, ip) {
			continue
		}
		out = append(out, ip)
	}
	if len(out) > 0 {
		// glibc's RFC 3484 sort puts ::1 (precedence 50) before IPv4.
		slices.SortStableFunc(out, func(a, b netip.Addr) int {
			return cmpBool(b == netip.IPv6Loopback(), a == netip.IPv6Loopback())
		})
		return out
	}
	switch family {
	case unix.AF_INET:
		return []netip.Addr{netip.AddrFrom4([4]byte{127, 0, 0, 1})}
	case unix.AF_INET6:
		return []netip.Addr{netip.IPv6Loopback()}
	}
	return []netip.Addr{netip.IPv6Loopback(), netip.AddrFrom4([4]byte{127, 0, 0, 1})}
}

func cmpBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	}
	return -1
}

// System is the machine's Resolver (/etc/hosts, resolv.conf),
// through Go's net.Resolver.
type System struct{}

func (System) LookupHost(ctx context.Context, host string, family int, canon bool) ([]netip.Addr, []string, error) {
	if addrs, err, ok := Literal(host, family); ok {
		return addrs, nil, err
	}
	network := "ip"
	switch family {
	case unix.AF_INET:
		network = "ip4"
	case unix.AF_INET6:
		network = "ip6"
	}
	addrs, err := net.DefaultResolver.LookupNetIP(ctx, network, host)
	if err != nil {
		return nil, nil, dnsErrorToGai(ctx, err)
	}
	if len(addrs) == 0 {
		return nil, nil, GaiError(EAINoData)
	}
	for i := range addrs {
		addrs[i] = addrs[i].Unmap()
	}
	var chain []string
	if !canon {
		return addrs, nil, nil
	}
	if cname, err := net.DefaultResolver.LookupCNAME(ctx, host); err == nil {
		cname = strings.TrimSuffix(cname, ".")
		if cname != "" && !strings.EqualFold(cname, strings.TrimSuffix(host, ".")) {
			chain = []string{cname}
		}
	}
	return addrs, chain, nil
}

func (System) LookupAddr(ctx context.Context, ip netip.Addr) ([]string, error) {
	// glibc answers from the first /etc/hosts line with the address: its
	// first name is the host name, the others on that line its aliases.
	// Go's Resolver merges every line, so read the file first.
	if names := HostsLine(hostsFile, ip); len(names) > 0 {
		return names, nil
	}
	names, err := net.DefaultResolver.LookupAddr(ctx, ip.String())
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		var de *net.DNSError
		if errors.As(err, &de) && (de.IsTimeout || de.IsTemporary) {
			return nil, HError(2)
		}
		return nil, HError(1)
	}
	if len(names) == 0 {
		return nil, HError(1)
	}
	for i := range names {
		names[i] = strings.TrimSuffix(names[i], ".")
	}
	return names, nil
}

func dnsErrorToGai(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	var de *net.DNSError
	if errors.As(err, &de) {
		switch {
		case de.IsNotFound:
			return GaiError(EAINoName)
		case de.IsTimeout, de.IsTemporary:
			return GaiError(EAIAgain)
		}
	}
	return GaiError(EAINoName)
}

// dnsResolver sends every query to one DNS server (setresolver), with
// miekg/dns. It does not read /etc/hosts: a lab's server is the whole
// truth, except for IP literals and localhost.
type dnsResolver struct {
	server   string
	timeout  time.Duration
	attempts int

	// bulk, set for the workers of a bulk lookup (forWorker), makes
	// each query go through exchangeRetrans on udp, one UDP socket kept
	// across the worker's queries (replies are matched by ID and
	// question), with the RTT estimate and window the workers share.
	bulk *bulkState
	udp  *net.UDPConn
	buf  []byte
}

// forWorker returns a copy of r for one bulk worker, sharing b, and the
// function that closes the worker's socket.
func (r *dnsResolver) forWorker(b *bulkState) (*dnsResolver, func()) {
	w := *r
	w.bulk, w.udp, w.buf = b, nil, nil
	return &w, func() {
		if w.udp != nil {
			w.udp.Close()
		}
	}
}

// query sends one question and returns the answer, retrying timeouts
// (bulk workers retransmit, exchangeRetrans) and falling back to TCP for
// truncated answers.
func (r *dnsResolver) query(ctx context.Context, name string, qtype uint16) (*dns.Msg, error) {
	m := new(dns.Msg)
	m.SetQuestion(dns.Fqdn(name), qtype)
	m.RecursionDesired = true
	c := &dns.Client{Net: "udp", Timeout: r.timeout}
	attempts := r.attempts
	if r.bulk != nil {
		attempts = 1 // exchangeRetrans resends within the same budget
	}
	var err error
	for i := 0; i < attempts; i++ {
		var in *dns.Msg
		if r.bulk != nil {
			in, err = r.exchangeRetrans(ctx, m)
		} else {
			in, err = exchange(ctx, c, m, r.server)
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if err == nil && in.Truncated {
			tc := &dns.Client{Net: "tcp", Timeout: r.timeout}
			in, err = exchange(ctx, tc, m, r.server)
		}
		if err == nil {
			return in, nil
		}
	}
	return nil, err
}

// exchange is Client.ExchangeContext made cancellable: miekg/dns only
// takes the context's deadline, so closing the connection is what
// interrupts a pending read when ctx is cancelled (Ctrl-C).
func exchange(ctx context.Context, c *dns.Client, m *dns.Msg, server string) (*dns.Msg, error) {
	conn, err := c.DialContext(ctx, server)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	in, _, err := c.ExchangeWithConnContext(ctx, m, conn)
	return in, err
}

// hostAnswer is what one A or AAAA question taught about a name.
type hostAnswer struct {
	addrs  []netip.Addr
	chain  []string
	rcode  int
	failed bool // no answer (timeout, network error, SERVFAIL)
}

func (r *dnsResolver) ask(ctx context.Context, host string, qtype uint16) (hostAnswer, error) {
	in, err := r.query(ctx, host, qtype)
	if err != nil {
		if ctx.Err() != nil {
			return hostAnswer{}, ctx.Err()
		}
		return hostAnswer{failed: true}, nil
	}
	ans := hostAnswer{rcode: in.Rcode}
	if in.Rcode == dns.RcodeServerFailure || in.Rcode == dns.RcodeRefused {
		ans.failed = true
	}
	for _, rr := range in.Answer {
		switch rr := rr.(type) {
		case *dns.CNAME:
			ans.chain = append(ans.chain, strings.TrimSuffix(rr.Target, "."))
		case *dns.A:
			if ip, ok := netip.AddrFromSlice(rr.A.To4()); ok {
				ans.addrs = append(ans.addrs, ip)
			}
		case *dns.AAAA:
			if ip, ok := netip.AddrFromSlice(rr.AAAA.To16()); ok {
				ans.addrs = append(ans.addrs, ip.Unmap())
			}
		}
	}
	return ans, nil
}

func (r *dnsResolver) LookupHost(ctx context.Context, host string, family int, canon bool) ([]netip.Addr, []string, error) {
	if addrs, err, ok := Literal(host, family); ok {
		return addrs, nil, err
	}
	var qtypes []uint16
	switch family {
	case unix.AF_INET:
		qtypes = []uint16{dns.TypeA}
	case unix.AF_INET6:
		qtypes = []uint16{dns.TypeAAAA}
	default:
		qtypes = []uint16{dns.TypeA, dns.TypeAAAA}
	}
	var addrs []netip.Addr
	var chain []string
	nx, failed := 0, 0
	for _, qt := range qtypes {
		ans, err := r.ask(ctx, host, qt)
		if err != nil {
			return nil, nil, err
		}
		addrs = append(addrs, ans.addrs...)
		if chain == nil {
			chain = ans.chain
		}
		if ans.failed {
			failed++
		}
		if ans.rcode == dns.RcodeNameError {
			nx++
		}
	}
	switch {
	case len(addrs) > 0:
		return addrs, chain, nil
	case nx == len(qtypes):
		return nil, nil, GaiError(EAINoName)
	case failed > 0:
		return nil, nil, GaiError(EAIAgain)
	}
	return nil, nil, GaiError(EAINoData)
}

func (r *dnsResolver) LookupAddr(ctx context.Context, ip netip.Addr) ([]string, error) {
	// 127.0.0.1 and ::1 are localhost everywhere; the rest of 127/8 is
	// the lab's to name (scans of whole loopback blocks use it).
	if ip.Unmap() == netip.AddrFrom4([4]byte{127, 0, 0, 1}) || ip == netip.IPv6Loopback() {
		return []string{"localhost"}, nil
	}
	arpa, err := dns.ReverseAddr(ip.String())
	if err != nil {
		return nil, HError(1)
	}
	in, err := r.query(ctx, arpa, dns.TypePTR)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, HError(2)
	}
	if in.Rcode == dns.RcodeServerFailure {
		return nil, HError(2)
	}
	var names []string
	for _, rr := range in.Answer {
		if p, ok := rr.(*dns.PTR); ok {
			names = append(names, strings.TrimSuffix(p.Ptr, "."))
		}
	}
	if len(names) == 0 {
		return nil, HError(1)
	}
	return names, nil
}

// hostsFile is the hosts database the system Resolver reads.
var hostsFile = "/etc/hosts"

// hostsEntries reads the hosts file at path: each line's address and
// names, in file order, comments and malformed lines left out.
func hostsEntries(path string) iter.Seq2[netip.Addr, []string] {
	return func(yield func(netip.Addr, []string) bool) {
		data, err := os.ReadFile(path)
		if err != nil {
			return
		}
		for line := range strings.Lines(string(data)) {
			if i := strings.IndexByte(line, '#'); i >= 0 {
				line = line[:i]
			}
			fields := strings.Fields(line)
			if len(fields) < 2 {
				continue
			}
			addr, err := netip.ParseAddr(fields[0])
			if err != nil {
				continue
			}
			if !yield(addr, fields[1:]) {
				return
			}
		}
	}
}

// HostsLine returns the names on the first line of the hosts file at
// path whose address is ip, or nil.
func HostsLine(path string, ip netip.Addr) []string {
	for addr, names := range hostsEntries(path) {
		if addr.Unmap() == ip.Unmap() {
			return names
		}
	}
	return nil
}

// hostsAddrs returns the addresses of every line of the hosts file at
// path that names name (case-insensitive), in file order.
func hostsAddrs(path, name string) []netip.Addr {
	var out []netip.Addr
	for addr, names := range hostsEntries(path) {
		for _, n := range names {
			if strings.EqualFold(strings.TrimSuffix(n, "."), name) {
				out = append(out, addr.WithZone(""))
				break
			}
		}
	}
	return out
}
