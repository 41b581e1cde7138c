package socket

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
// that replaces the system's resolver for every lookup, like setresolver.
const EnvResolver = "NETSTAR_RESOLVER"

// The getaddrinfo error codes Python reports in socket.gaierror.
// (glibc's values and gai_strerror texts).
const (
	eaiBadFlags   = -1
	eaiNoName     = -2
	eaiAgain      = -3
	eaiFail       = -4
	eaiNoData     = -5
	eaiFamily     = -6
	eaiSocktype   = -7
	eaiService    = -8
	eaiAddrFamily = -9
	eaiMemory     = -10
	eaiSystem     = -11
	eaiOverflow   = -12
)

var eaiMessages = map[int]string{
	eaiBadFlags:   "Bad value for ai_flags",
	eaiNoName:     "Name or service not known",
	eaiAgain:      "Temporary failure in name resolution",
	eaiFail:       "Non-recoverable failure in name resolution",
	eaiNoData:     "No address associated with hostname",
	eaiFamily:     "ai_family not supported",
	eaiSocktype:   "ai_socktype not supported",
	eaiService:    "Servname not supported for ai_socktype",
	eaiAddrFamily: "Address family for hostname not supported",
	eaiMemory:     "Memory allocation failure",
	eaiSystem:     "System error",
	eaiOverflow:   "Argument buffer overflow",
}

func gaiError(code int) *pyerr.Error {
	return &pyerr.Error{Type: "gaierror", Module: "socket", HasErrno: true, Errno: code, Strerror: eaiMessages[code]}
}

// herror codes (h_errno) for gethostbyaddr.
func hError(code int) *pyerr.Error {
	msg := "Unknown host"
	if code == 2 {
		msg = "Host name lookup failure"
	}
	return &pyerr.Error{Type: "herror", Module: "socket", HasErrno: true, Errno: code, Strerror: msg}
}

// resolver answers the lookups of the socket module.
type resolver interface {
	// lookupHost returns the addresses of host for family (AF_INET,
	// AF_INET6 or 0 for both) and, when canon is set or it costs no
	// query, the aliases (CNAMEs) met on the way, the canonical name
	// last. An IPv6 literal with a zone comes back with the zone set to
	// the decimal scope id. Errors are socket.gaierror values.
	lookupHost(ctx context.Context, host string, family int, canon bool) (addrs []netip.Addr, chain []string, err error)
	// lookupAddr returns the names of an address (PTR). Errors are
	// socket.herror values.
	lookupAddr(ctx context.Context, ip netip.Addr) ([]string, error)
}

var resolverState struct {
	mu   sync.Mutex
	set  bool
	r    resolver
	addr string
}

// SetResolver points every lookup at the DNS server addr ("127.0.0.1:5353";
// the port defaults to 53). An empty addr restores the system resolver.
func SetResolver(addr string) error {
	r, norm, err := newResolverFor(addr)
	if err != nil {
		return err
	}
	resolverState.mu.Lock()
	resolverState.set, resolverState.r, resolverState.addr = true, r, norm
	resolverState.mu.Unlock()
	return nil
}

// Resolver returns the DNS server set with SetResolver or NETSTAR_RESOLVER,
// or "" when the system resolver is in use.
func Resolver() string {
	currentResolver()
	resolverState.mu.Lock()
	defer resolverState.mu.Unlock()
	return resolverState.addr
}

func newResolverFor(addr string) (resolver, string, error) {
	if addr == "" {
		return systemResolver{}, "", nil
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		host, port = strings.Trim(addr, "[]"), "53"
	}
	if _, err := netip.ParseAddr(host); err != nil {
		return nil, "", fmt.Errorf("resolver address %q: want an IP address and an optional port, e.g. \"127.0.0.1:5353\"", addr)
	}
	norm := net.JoinHostPort(host, port)
	return &dnsResolver{server: norm, timeout: 2 * time.Second, attempts: 2}, norm, nil
}

// currentResolver returns the resolver in use, reading NETSTAR_RESOLVER
// on first use.
func currentResolver() resolver {
	resolverState.mu.Lock()
	defer resolverState.mu.Unlock()
	if !resolverState.set {
		resolverState.set = true
		resolverState.r = systemResolver{}
		if env := os.Getenv(EnvResolver); env != "" {
			if r, norm, err := newResolverFor(env); err == nil {
				resolverState.r, resolverState.addr = r, norm
			}
		}
	}
	return resolverState.r
}

// numericHost parses host as glibc's getaddrinfo parses a numeric host:
// IPv4 in inet_aton's lenient forms ("127.1"), IPv6 with an optional
// zone ("fe80::1%lo", "fe80::1%2"). The answer respects family: an
// address of the other family is EAI_ADDRFAMILY (-9), except an
// IPv4-mapped IPv6 address asked as AF_INET, which is its IPv4 address.
// A zone becomes the decimal scope id in the address's zone: an
// interface name for link-local and multicast link- or node-local
// addresses, a number for any address; else EAI_NONAME. ok is false when
// host is no numeric address.
func numericHost(host string, family int) (addrs []netip.Addr, err error, ok bool) {
	if b, aerr := inetAton(host); aerr == nil {
		if family == unix.AF_INET6 {
			return nil, gaiError(eaiAddrFamily), true
		}
		return []netip.Addr{netip.AddrFrom4(b)}, nil, true
	}
	addrPart, zone, zoned := strings.Cut(host, "%")
	ip, perr := netip.ParseAddr(addrPart)
	if perr != nil || !ip.Is6() || ip.Zone() != "" {
		if zoned {
			// glibc refuses a "%" that follows no IPv6 address without
			// asking anyone.
			return nil, gaiError(eaiNoName), true
		}
		return nil, nil, false
	}
	if family == unix.AF_INET {
		if !ip.Is4In6() {
			return nil, gaiError(eaiAddrFamily), true
		}
		ip = ip.Unmap()
	}
	if zoned {
		scope, ok := scopeID(ip, zone)
		if !ok {
			return nil, gaiError(eaiNoName), true
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

// zoneScope returns the scope id numericHost stored in an address's zone.
func zoneScope(ip netip.Addr) uint32 {
	n, _ := strconv.ParseUint(ip.Zone(), 10, 32)
	return uint32(n)
}

// literal answers lookups that never need a resolver: IP literals,
// "localhost" (from the hosts file, as glibc answers it), and names that
// glibc refuses without asking DNS (numeric-looking non-addresses,
// empty labels, labels over 63 bytes, names over 253). ok is false when
// the resolver must be asked.
func literal(host string, family int) (addrs []netip.Addr, err error, ok bool) {
	if addrs, err, ok := numericHost(host, family); ok {
		return addrs, err, true
	}
	lower := strings.ToLower(strings.TrimSuffix(host, "."))
	if lower == "localhost" || strings.HasSuffix(lower, ".localhost") {
		return localhostAddrs(hostsFile, lower, family), nil, true
	}
	if host == "" || strings.Trim(host, "0123456789.") == "" || !validName(host) {
		return nil, gaiError(eaiNoName), true
	}
	return nil, nil, false
}

// validName reports whether a DNS query can be made for host: glibc's
// resolver fails without sending one for an empty label, a label over
// 63 bytes or a name over 253 (255 on the wire).
func validName(host string) bool {
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

// localhostAddrs answers a localhost name from the hosts file at path as
// glibc does: the addresses of its lines, in file order, of the family
// asked (so no ::1 when the file has none), ::1 first. A name the file does not
// have, or has for the other family only, gets the loopback address
// (RFC 6761) instead of a DNS query.
func localhostAddrs(path, name string, family int) []netip.Addr {
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

// systemResolver is the machine's resolver (/etc/hosts, resolv.conf),
// through Go's net.Resolver.
type systemResolver struct{}

func (systemResolver) lookupHost(ctx context.Context, host string, family int, canon bool) ([]netip.Addr, []string, error) {
	if addrs, err, ok := literal(host, family); ok {
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
		return nil, nil, gaiError(eaiNoData)
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

func (systemResolver) lookupAddr(ctx context.Context, ip netip.Addr) ([]string, error) {
	// glibc answers from the first /etc/hosts line with the address: its
	// first name is the host name, the others on that line its aliases.
	// Go's resolver merges every line, so read the file first.
	if names := hostsLine(hostsFile, ip); len(names) > 0 {
		return names, nil
	}
	names, err := net.DefaultResolver.LookupAddr(ctx, ip.String())
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		var de *net.DNSError
		if errors.As(err, &de) && (de.IsTimeout || de.IsTemporary) {
			return nil, hError(2)
		}
		return nil, hError(1)
	}
	if len(names) == 0 {
		return nil, hError(1)
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
			return gaiError(eaiNoName)
		case de.IsTimeout, de.IsTemporary:
			return gaiError(eaiAgain)
		}
	}
	return gaiError(eaiNoName)
}

// dnsResolver sends every query to one DNS server (setresolver), with
// miekg/dns. It does not read /etc/hosts: a lab's server is the whole
// truth, except for IP literals and localhost.
type dnsResolver struct {
	server   string
	timeout  time.Duration
	attempts int

	// conn, when reuse is set, is one UDP socket kept across queries: a
	// bulk lookup gives each worker its own copy of the resolver, which
	// saves a socket per query (replies are matched by message ID).
	reuse bool
	conn  *dns.Conn
}

// forWorker returns a copy of r for one bulk worker, keeping its UDP
// socket between queries, and the function that closes that socket.
func (r *dnsResolver) forWorker() (*dnsResolver, func()) {
	w := *r
	w.reuse, w.conn = true, nil
	return &w, func() {
		if w.conn != nil {
			w.conn.Close()
		}
	}
}

// query sends one question and returns the answer, retrying timeouts
// and falling back to TCP for truncated answers.
func (r *dnsResolver) query(ctx context.Context, name string, qtype uint16) (*dns.Msg, error) {
	m := new(dns.Msg)
	m.SetQuestion(dns.Fqdn(name), qtype)
	m.RecursionDesired = true
	c := &dns.Client{Net: "udp", Timeout: r.timeout}
	var err error
	for i := 0; i < r.attempts; i++ {
		var in *dns.Msg
		if r.reuse {
			in, err = r.exchangeReused(ctx, c, m)
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

// exchangeReused is exchange on the worker's kept socket; any failure
// drops the socket so a late reply cannot be mistaken for the next one.
func (r *dnsResolver) exchangeReused(ctx context.Context, c *dns.Client, m *dns.Msg) (*dns.Msg, error) {
	if r.conn == nil {
		conn, err := c.DialContext(ctx, r.server)
		if err != nil {
			return nil, err
		}
		r.conn = conn
	}
	conn := r.conn
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	in, _, err := c.ExchangeWithConnContext(ctx, m, conn)
	if !stop() || err != nil {
		conn.Close()
		r.conn = nil
	}
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

func (r *dnsResolver) lookupHost(ctx context.Context, host string, family int, canon bool) ([]netip.Addr, []string, error) {
	if addrs, err, ok := literal(host, family); ok {
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
		return nil, nil, gaiError(eaiNoName)
	case failed > 0:
		return nil, nil, gaiError(eaiAgain)
	}
	return nil, nil, gaiError(eaiNoData)
}

func (r *dnsResolver) lookupAddr(ctx context.Context, ip netip.Addr) ([]string, error) {
	// 127.0.0.1 and ::1 are localhost everywhere; the rest of 127/8 is
	// the lab's to name (scans of whole loopback blocks use it).
	if ip.Unmap() == netip.AddrFrom4([4]byte{127, 0, 0, 1}) || ip == netip.IPv6Loopback() {
		return []string{"localhost"}, nil
	}
	arpa, err := dns.ReverseAddr(ip.String())
	if err != nil {
		return nil, hError(1)
	}
	in, err := r.query(ctx, arpa, dns.TypePTR)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, hError(2)
	}
	if in.Rcode == dns.RcodeServerFailure {
		return nil, hError(2)
	}
	var names []string
	for _, rr := range in.Answer {
		if p, ok := rr.(*dns.PTR); ok {
			names = append(names, strings.TrimSuffix(p.Ptr, "."))
		}
	}
	if len(names) == 0 {
		return nil, hError(1)
	}
	return names, nil
}

// hostsFile is the hosts database the system resolver reads.
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

// hostsLine returns the names on the first line of the hosts file at
// path whose address is ip, or nil.
func hostsLine(path string, ip netip.Addr) []string {
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
