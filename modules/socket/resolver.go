package socket

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/miekg/dns"
	"github.com/netstar/netstar/pyerr"
	"golang.org/x/sys/unix"
)

// EnvResolver is the environment variable naming a DNS server ("host:port")
// that replaces the system's resolver for every lookup, like setresolver.
const EnvResolver = "NETSTAR_RESOLVER"

// The getaddrinfo error codes Python reports in socket.gaierror.
const (
	eaiNoName  = -2
	eaiAgain   = -3
	eaiFail    = -4
	eaiNoData  = -5
	eaiFamily  = -6
	eaiService = -8
)

var eaiMessages = map[int]string{
	eaiNoName:  "Name or service not known",
	eaiAgain:   "Temporary failure in name resolution",
	eaiFail:    "Non-recoverable failure in name resolution",
	eaiNoData:  "No address associated with hostname",
	eaiFamily:  "Address family for hostname not supported",
	eaiService: "Servname not supported for ai_socktype",
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
	// AF_INET6 or 0 for both), its canonical name and the aliases
	// (CNAMEs) met on the way. Errors are socket.gaierror values.
	lookupHost(ctx context.Context, host string, family int) (addrs []netip.Addr, canon []string, err error)
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

// literal answers lookups that never need a resolver: IP literals (in
// inet_aton's lenient IPv4 forms too, as glibc accepts them), "localhost"
// and numeric-looking names that are no address (which glibc refuses
// without asking DNS). ok is false when the resolver must be asked.
func literal(host string, family int) (addrs []netip.Addr, err error, ok bool) {
	if ip, perr := netip.ParseAddr(host); perr == nil && ip.Zone() == "" {
		ip = ip.Unmap()
		if ip.Is4() && family == unix.AF_INET6 || ip.Is6() && family == unix.AF_INET {
			return nil, gaiError(eaiFamily), true
		}
		return []netip.Addr{ip}, nil, true
	}
	if family != unix.AF_INET6 {
		if b, aerr := inetAton(host); aerr == nil {
			return []netip.Addr{netip.AddrFrom4(b)}, nil, true
		}
	}
	lower := strings.ToLower(strings.TrimSuffix(host, "."))
	if lower == "localhost" || strings.HasSuffix(lower, ".localhost") {
		switch family {
		case unix.AF_INET:
			return []netip.Addr{netip.MustParseAddr("127.0.0.1")}, nil, true
		case unix.AF_INET6:
			return []netip.Addr{netip.IPv6Loopback()}, nil, true
		}
		return []netip.Addr{netip.MustParseAddr("127.0.0.1"), netip.IPv6Loopback()}, nil, true
	}
	if host == "" || strings.Trim(host, "0123456789.") == "" {
		return nil, gaiError(eaiNoName), true
	}
	return nil, nil, false
}

// systemResolver is the machine's resolver (/etc/hosts, resolv.conf),
// through Go's net.Resolver.
type systemResolver struct{}

func (systemResolver) lookupHost(ctx context.Context, host string, family int) ([]netip.Addr, []string, error) {
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

func (r *dnsResolver) lookupHost(ctx context.Context, host string, family int) ([]netip.Addr, []string, error) {
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

// hostsLine returns the names on the first line of the hosts file at
// path whose address is ip, or nil.
func hostsLine(path string, ip netip.Addr) []string {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	for _, line := range strings.Split(string(data), "\n") {
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		fields := strings.Fields(line)
		if len(fields) < 2 {
			continue
		}
		addr, err := netip.ParseAddr(fields[0])
		if err != nil || addr.Unmap() != ip.Unmap() {
			continue
		}
		return fields[1:]
	}
	return nil
}
