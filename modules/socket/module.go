// Package socket is netstar's socket module: Python 3's socket API in
// Starlark over real operating-system sockets, plus bulk DNS lookups
// (resolve, reverse) for the toolbox user.
//
// Lookups use the system's resolver (/etc/hosts, /etc/resolv.conf, through
// Go's net.Resolver) unless socket.setresolver or NETSTAR_RESOLVER points
// them at one DNS server, which is then queried with miekg/dns (the tests
// use the in-process server of package dnstest). IP literals and
// "localhost" never cause a query.
package socket

import (
	"context"
	"encoding/binary"
	"errors"
	"net/netip"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/netstar/netstar/builtins/pyarg"
	"github.com/netstar/netstar/builtins/pyerr"
	"github.com/netstar/netstar/modules"
	"github.com/netstar/netstar/modules/socket/idna"
	"github.com/netstar/netstar/modules/socket/resolve"
	"github.com/netstar/netstar/modules/socket/services"
	"go.starlark.net/starlark"
	"go.starlark.net/starlarkstruct"
	"golang.org/x/sys/unix"
)

// Module is the socket module. Its members, as Python 3 names them:
//
//	def socket(family=AF_INET, type=SOCK_STREAM, proto=0)  a new socket object
//	def create_connection(address, timeout=None, source_address=None)
//	def gethostbyname(hostname)          IPv4 address as a string
//	def gethostbyname_ex(hostname)       (name, aliases, addresses)
//	def gethostbyaddr(ip_or_name)        (name, aliases, addresses)
//	def getfqdn(name="")                 the fully qualified name
//	def gethostname()
//	def getaddrinfo(host, port, family=0, type=0, proto=0, flags=0)
//	def getservbyname(servicename, protocolname=None)
//	def getservbyport(port, protocolname=None)
//	def inet_aton(ip) / inet_ntoa(packed) / inet_pton(family, ip) / inet_ntop(family, packed)
//	def htons(x) / ntohs(x) / htonl(x) / ntohl(x)
//	def getdefaulttimeout() / setdefaulttimeout(timeout)
//	def setresolver(addr)                send every lookup to one DNS server ("127.0.0.1:5353"); None: the system's
//	def resolve(names, workers=500, timeout=2.0, family=AF_INET)   dict name -> [addresses] or exception
//	def reverse(targets, workers=500, timeout=2.0)                 dict ip -> [names] or exception (targets: list or CIDR)
//	def scan(target, ports="1-1024", timeout=1.0, ...)             a parallel connect scan (see help(socket.scan))
//	def serve_http(port=8080, host="localhost", handler=None, directory=None, background=False, timeout=30)  an HTTP server
//	error, gaierror, herror, timeout     exception classes for err.is_a(...)
//	AF_*, SOCK_*, SOL_*, SO_*, IPPROTO_*, TCP_*, SHUT_*, AI_*, MSG_*, EAI_*, has_ipv6 ...
//
// Errors are Python's exceptions (socket.gaierror: [Errno -2] Name or
// service not known; ConnectionRefusedError: [Errno 111] Connection
// refused; TimeoutError: timed out). The default timeout and the
// resolver are process-wide, as in Python.
var Module = &starlarkstruct.Module{Name: "socket", Members: members()}

func members() starlark.StringDict {
	m := starlark.StringDict{}
	for name, fn := range functions {
		m[name] = starlark.NewBuiltin("socket."+name, fn)
	}
	for name, v := range constants {
		m[name] = starlark.MakeInt(v)
	}
	m["has_ipv6"] = starlark.Bool(hasIPv6())
	// Exception classes are their names: err.is_a(socket.timeout) asks
	// err.is_a("TimeoutError"), as socket.timeout is TimeoutError in 3.10+.
	m["error"] = starlark.String("OSError")
	m["gaierror"] = starlark.String("socket.gaierror")
	m["herror"] = starlark.String("socket.herror")
	m["timeout"] = starlark.String("TimeoutError")
	m["SocketType"] = m["socket"]
	return m
}

type builtinFunc = func(*starlark.Thread, *starlark.Builtin, starlark.Tuple, []starlark.Tuple) (starlark.Value, error)

var functions map[string]builtinFunc

func init() {
	functions = map[string]builtinFunc{
		"socket":            socketNew,
		"create_connection": createConnection,
		"gethostbyname":     gethostbyname,
		"gethostbyname_ex":  gethostbynameEx,
		"gethostbyaddr":     gethostbyaddr,
		"getfqdn":           getfqdn,
		"gethostname":       gethostname,
		"getaddrinfo":       getaddrinfo,
		"getservbyname":     getservbyname,
		"getservbyport":     getservbyport,
		"inet_aton":         inetAtonFn,
		"inet_ntoa":         inetNtoaFn,
		"inet_pton":         inetPtonFn,
		"inet_ntop":         inetNtopFn,
		"htons":             htons,
		"ntohs":             htons,
		"htonl":             htonl,
		"ntohl":             htonl,
		"getdefaulttimeout": getdefaulttimeout,
		"setdefaulttimeout": setdefaulttimeout,
		"setresolver":       setresolver,
		"resolve":           resolveFn,
		"reverse":           reverseFn,
		"axfr":              axfrFn,
		"scan":              scanBuiltin,
		"serve_http":        serveHTTP,
	}
	Module.Members = members()
	modules.Register(modules.Module{
		Name:  "socket",
		Doc:   "Python's socket module: lookups, services, TCP/UDP/UNIX sockets, bulk DNS (resolve, reverse)",
		Value: Module,
		Docs:  docs,
	})
}

// constants are the module's integer constants, from the platform.
var constants = map[string]int{
	"AF_UNSPEC": unix.AF_UNSPEC, "AF_INET": unix.AF_INET, "AF_INET6": unix.AF_INET6, "AF_UNIX": unix.AF_UNIX, "AF_PACKET": unix.AF_PACKET,
	"SOCK_STREAM": unix.SOCK_STREAM, "SOCK_DGRAM": unix.SOCK_DGRAM, "SOCK_RAW": unix.SOCK_RAW,
	"SOCK_NONBLOCK": unix.SOCK_NONBLOCK, "SOCK_CLOEXEC": unix.SOCK_CLOEXEC,
	"SOL_SOCKET": unix.SOL_SOCKET, "SOL_TCP": unix.SOL_TCP, "SOL_UDP": unix.SOL_UDP, "SOL_IP": unix.SOL_IP,
	"SO_REUSEADDR": unix.SO_REUSEADDR, "SO_REUSEPORT": unix.SO_REUSEPORT, "SO_BROADCAST": unix.SO_BROADCAST,
	"SO_KEEPALIVE": unix.SO_KEEPALIVE, "SO_LINGER": unix.SO_LINGER, "SO_ERROR": unix.SO_ERROR, "SO_TYPE": unix.SO_TYPE,
	"SO_RCVBUF": unix.SO_RCVBUF, "SO_SNDBUF": unix.SO_SNDBUF, "SO_RCVTIMEO": unix.SO_RCVTIMEO, "SO_SNDTIMEO": unix.SO_SNDTIMEO,
	"SO_DONTROUTE": unix.SO_DONTROUTE, "SO_OOBINLINE": unix.SO_OOBINLINE, "SO_RCVLOWAT": unix.SO_RCVLOWAT, "SO_SNDLOWAT": unix.SO_SNDLOWAT,
	"SO_BINDTODEVICE": unix.SO_BINDTODEVICE,
	"IPPROTO_IP":      unix.IPPROTO_IP, "IPPROTO_TCP": unix.IPPROTO_TCP, "IPPROTO_UDP": unix.IPPROTO_UDP, "IPPROTO_ICMP": unix.IPPROTO_ICMP,
	"IPPROTO_IPV6": unix.IPPROTO_IPV6, "IPPROTO_ICMPV6": unix.IPPROTO_ICMPV6, "IPPROTO_RAW": unix.IPPROTO_RAW,
	"IP_TTL": unix.IP_TTL, "IP_TOS": unix.IP_TOS, "IP_MULTICAST_TTL": unix.IP_MULTICAST_TTL, "IP_MULTICAST_LOOP": unix.IP_MULTICAST_LOOP,
	"IPV6_V6ONLY": unix.IPV6_V6ONLY, "IPV6_UNICAST_HOPS": unix.IPV6_UNICAST_HOPS,
	"TCP_NODELAY": unix.TCP_NODELAY, "TCP_MAXSEG": unix.TCP_MAXSEG, "TCP_KEEPIDLE": unix.TCP_KEEPIDLE,
	"TCP_KEEPINTVL": unix.TCP_KEEPINTVL, "TCP_KEEPCNT": unix.TCP_KEEPCNT,
	"SHUT_RD": unix.SHUT_RD, "SHUT_WR": unix.SHUT_WR, "SHUT_RDWR": unix.SHUT_RDWR,
	"SOMAXCONN": 4096,
	"MSG_PEEK":  unix.MSG_PEEK, "MSG_DONTWAIT": unix.MSG_DONTWAIT, "MSG_WAITALL": unix.MSG_WAITALL, "MSG_OOB": unix.MSG_OOB,
	"MSG_NOSIGNAL": unix.MSG_NOSIGNAL, "MSG_TRUNC": unix.MSG_TRUNC,
	"AI_PASSIVE": 1, "AI_CANONNAME": 2, "AI_NUMERICHOST": 4, "AI_V4MAPPED": 8, "AI_ALL": 16, "AI_ADDRCONFIG": 32, "AI_NUMERICSERV": 1024,
	"NI_NUMERICHOST": 1, "NI_NUMERICSERV": 2, "NI_NOFQDN": 4, "NI_NAMEREQD": 8, "NI_DGRAM": 16,
	"EAI_NONAME": resolve.EAINoName, "EAI_AGAIN": resolve.EAIAgain, "EAI_FAIL": resolve.EAIFail, "EAI_NODATA": resolve.EAINoData, "EAI_FAMILY": resolve.EAIFamily, "EAI_SERVICE": resolve.EAIService,
	"EAI_BADFLAGS": resolve.EAIBadFlags, "EAI_SOCKTYPE": resolve.EAISocktype, "EAI_ADDRFAMILY": resolve.EAIAddrFamily, "EAI_MEMORY": resolve.EAIMemory,
	"EAI_SYSTEM": resolve.EAISystem, "EAI_OVERFLOW": resolve.EAIOverflow,
	"INADDR_ANY": 0, "INADDR_LOOPBACK": 0x7f000001, "INADDR_BROADCAST": 0xffffffff, "INADDR_NONE": 0xffffffff,
}

var ipv6Once struct {
	sync.Once
	ok bool
}

// hasIPv6 reports whether the kernel can make IPv6 sockets (checked on
// first use, not at init).
func hasIPv6() bool {
	ipv6Once.Do(func() {
		fd, err := unix.Socket(unix.AF_INET6, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
		if err == nil {
			unix.Close(fd)
			ipv6Once.ok = true
		}
	})
	return ipv6Once.ok
}

var defaultTimeoutState struct {
	mu sync.Mutex
	d  time.Duration
}

func init() { defaultTimeoutState.d = -1 }

// defaultTimeout is the timeout new sockets start with (negative: None).
func defaultTimeout() time.Duration {
	defaultTimeoutState.mu.Lock()
	defer defaultTimeoutState.mu.Unlock()
	return defaultTimeoutState.d
}

func getdefaulttimeout(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	if err := noArgs(b, args, kwargs); err != nil {
		return nil, err
	}
	return timeoutValue(defaultTimeout()), nil
}

func setdefaulttimeout(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var v starlark.Value
	if err := starlark.UnpackPositionalArgs(b.Name(), args, kwargs, 1, &v); err != nil {
		return nil, err
	}
	d, err := parseTimeout(v)
	if err != nil {
		return nil, err
	}
	defaultTimeoutState.mu.Lock()
	defaultTimeoutState.d = d
	defaultTimeoutState.mu.Unlock()
	return starlark.None, nil
}

func socketNew(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	family, typ, proto := unix.AF_INET, unix.SOCK_STREAM, 0
	var fileno starlark.Value = starlark.None
	if err := starlark.UnpackArgs(b.Name(), args, kwargs, "family?", &family, "type?", &typ, "proto?", &proto, "fileno?", &fileno); err != nil {
		return nil, err
	}
	if fileno != starlark.None {
		return nil, pyerr.Errorf("ValueError", "%s: fileno is not supported", b.Name())
	}
	if family == -1 {
		family = unix.AF_INET
	}
	if typ == -1 {
		typ = unix.SOCK_STREAM
	}
	if proto == -1 {
		proto = 0
	}
	s, err := newSocketLocked(thread, b, family, typ, proto)
	if err != nil {
		return nil, err
	}
	s.track(thread)
	return s, nil
}

func createConnection(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var addr starlark.Value
	var timeout starlark.Value = starlark.None
	var source starlark.Value = starlark.None
	if err := starlark.UnpackArgs(b.Name(), args, kwargs, "address", &addr, "timeout?", &timeout, "source_address?", &source); err != nil {
		return nil, err
	}
	spec, err := parseAddr("create_connection", unix.AF_INET6, addr)
	if err != nil {
		return nil, err
	}
	d := defaultTimeout()
	if timeout != starlark.None {
		if d, err = parseTimeout(timeout); err != nil {
			return nil, err
		}
	}
	var src *addrSpec
	if source != starlark.None {
		sp, err := parseAddr("bind", unix.AF_INET6, source) // Python binds it
		if err != nil {
			return nil, err
		}
		src = &sp
	}
	s, err := blocking(thread, b, func(ctx context.Context) (*Socket, error) {
		// getaddrinfo(host, port, 0, SOCK_STREAM): None is the
		// loopback addresses, IPv6 first.
		addrs := []netip.Addr{netip.IPv6Loopback(), netip.AddrFrom4([4]byte{127, 0, 0, 1})}
		if !spec.anyHost {
			var err error
			if addrs, _, err = resolve.Current().LookupHost(ctx, spec.host, 0, false); err != nil {
				return nil, err
			}
		}
		var last error
		for _, ip := range addrs {
			family := unix.AF_INET6
			var sa unix.Sockaddr = &unix.SockaddrInet6{Port: spec.port, ZoneId: resolve.ZoneScope(ip), Addr: ip.As16()}
			if ip.Is4() {
				family = unix.AF_INET
				sa = &unix.SockaddrInet4{Port: spec.port, Addr: ip.As4()}
			}
			s, err := newSocket(family, unix.SOCK_STREAM, unix.IPPROTO_TCP)
			if err != nil {
				return nil, err
			}
			s.timeout = d
			if src != nil {
				sp := *src
				sp.family = family
				ssa, err := resolveAddr(ctx, sp)
				if err == nil {
					err = s.control(func(fd int) error { return unix.Bind(fd, ssa) })
				}
				if err != nil {
					s.Close()
					last = err
					continue
				}
			}
			if last = s.connect(ctx, sa); last == nil {
				return s, nil
			}
			s.Close()
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
		}
		return nil, last
	})
	if err != nil {
		return nil, err
	}
	s.track(thread)
	return s, nil
}

// hostArg accepts str or bytes as Python's gethostby* do (their "et"
// format): a str goes through the idna codec first (españa.es is looked
// up as xn--espaa-rta.es), then an embedded NUL is refused.
func hostArg(b *starlark.Builtin, v starlark.Value) (string, error) {
	fn := strings.TrimPrefix(b.Name(), "socket.")
	var host string
	switch h := v.(type) {
	case starlark.String:
		h2, err := idna.Encode(string(h))
		if err != nil {
			return "", err
		}
		host = h2
	case starlark.Bytes:
		host = string(h)
	case starlark.NoneType:
		return "", pyerr.Errorf("TypeError", "%s() argument 1 must be str, bytes or bytearray, not None", fn)
	default:
		return "", pyerr.Errorf("TypeError", "%s() argument 1 must be str, bytes or bytearray, not %s", fn, pyarg.TypeName(v))
	}
	if strings.IndexByte(host, 0) >= 0 {
		return "", pyerr.Errorf("TypeError", "%s() argument 1 must be encoded string without null bytes, not %s", fn, pyarg.TypeName(v))
	}
	return host, nil
}

func oneHost(b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (string, error) {
	var v starlark.Value
	if err := starlark.UnpackPositionalArgs(b.Name(), args, kwargs, 1, &v); err != nil {
		return "", err
	}
	return hostArg(b, v)
}

func gethostbyname(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	host, err := oneHost(b, args, kwargs)
	if err != nil {
		return nil, err
	}
	if host == "" {
		return starlark.String("0.0.0.0"), nil
	}
	addrs, err := blocking(thread, b, func(ctx context.Context) ([]netip.Addr, error) {
		a, _, err := resolve.Current().LookupHost(ctx, host, unix.AF_INET, false)
		return a, err
	})
	if err != nil {
		return nil, err
	}
	return starlark.String(addrs[0].String()), nil
}

func stringList(ss []string) *starlark.List {
	l := make([]starlark.Value, len(ss))
	for i, s := range ss {
		l[i] = starlark.String(s)
	}
	return starlark.NewList(l)
}

func addrList(addrs []netip.Addr) *starlark.List {
	l := make([]starlark.Value, len(addrs))
	for i, a := range addrs {
		l[i] = starlark.String(a.String())
	}
	return starlark.NewList(l)
}

func gethostbynameEx(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	host, err := oneHost(b, args, kwargs)
	if err != nil {
		return nil, err
	}
	type result struct {
		addrs []netip.Addr
		chain []string
	}
	r, err := blocking(thread, b, func(ctx context.Context) (result, error) {
		a, c, err := resolve.Current().LookupHost(ctx, host, unix.AF_INET, true)
		return result{a, c}, err
	})
	if err != nil {
		return nil, err
	}
	name, aliases := host, []string{}
	if len(r.chain) > 0 {
		// The C library names the host by its canonical name and lists
		// the names that led there as aliases.
		name = r.chain[len(r.chain)-1]
		aliases = append([]string{strings.TrimSuffix(host, ".")}, r.chain[:len(r.chain)-1]...)
	}
	return starlark.Tuple{starlark.String(name), stringList(aliases), addrList(r.addrs)}, nil
}

// byAddr is gethostbyaddr's work: the address of host (resolved if it is
// a name), then its names.
func byAddr(ctx context.Context, host string) (netip.Addr, []string, error) {
	ip, err := netip.ParseAddr(host)
	if err != nil {
		addrs, _, err := resolve.Current().LookupHost(ctx, host, 0, false)
		if err != nil {
			return netip.Addr{}, nil, err
		}
		ip = addrs[0]
	}
	ip = ip.WithZone("")
	names, err := resolve.Current().LookupAddr(ctx, ip.Unmap())
	return ip, names, err
}

func gethostbyaddr(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	host, err := oneHost(b, args, kwargs)
	if err != nil {
		return nil, err
	}
	type result struct {
		ip    netip.Addr
		names []string
	}
	r, err := blocking(thread, b, func(ctx context.Context) (result, error) {
		ip, names, err := byAddr(ctx, host)
		return result{ip, names}, err
	})
	if err != nil {
		return nil, err
	}
	return starlark.Tuple{starlark.String(r.names[0]), stringList(r.names[1:]), addrList([]netip.Addr{r.ip})}, nil
}

func getfqdn(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var v starlark.Value = starlark.String("")
	if err := starlark.UnpackPositionalArgs(b.Name(), args, kwargs, 0, &v); err != nil {
		return nil, err
	}
	name, err := hostArg(b, v)
	if err != nil {
		return nil, err
	}
	name = strings.TrimSpace(name)
	if name == "" || name == "0.0.0.0" {
		name, _ = os.Hostname()
	}
	fqdn, err := blocking(thread, b, func(ctx context.Context) (string, error) {
		_, names, err := byAddr(ctx, name)
		if err != nil {
			if ctx.Err() != nil {
				return "", ctx.Err()
			}
			return name, nil
		}
		for _, n := range names {
			if strings.Contains(n, ".") {
				return n, nil
			}
		}
		return names[0], nil
	})
	if err != nil {
		return nil, err
	}
	return starlark.String(fqdn), nil
}

func gethostname(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	if err := noArgs(b, args, kwargs); err != nil {
		return nil, err
	}
	h, err := os.Hostname()
	if err != nil {
		return nil, pyerr.OSError(err)
	}
	return starlark.String(h), nil
}

// servProto checks the optional protocol name of getservbyname/port
// (nil: not given; None is refused, as in Python).
func servProto(b *starlark.Builtin, v starlark.Value) (string, error) {
	switch p := v.(type) {
	case nil:
		return "", nil
	case starlark.String:
		return string(p), nil
	case starlark.NoneType:
		return "", pyerr.Errorf("TypeError", "%s() argument 2 must be str, not None", strings.TrimPrefix(b.Name(), "socket."))
	}
	return "", pyerr.Errorf("TypeError", "%s() argument 2 must be str, not %s", strings.TrimPrefix(b.Name(), "socket."), pyarg.TypeName(v))
}

func getservbyname(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var name string
	var protoV starlark.Value
	if err := starlark.UnpackPositionalArgs(b.Name(), args, kwargs, 1, &name, &protoV); err != nil {
		return nil, err
	}
	proto, err := servProto(b, protoV)
	if err != nil {
		return nil, err
	}
	port, ok := services.ByName(name, proto)
	if !ok {
		return nil, pyerr.New("OSError", "service/proto not found")
	}
	return starlark.MakeInt(port), nil
}

func getservbyport(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var portV starlark.Value
	var protoV starlark.Value
	if err := starlark.UnpackPositionalArgs(b.Name(), args, kwargs, 1, &portV, &protoV); err != nil {
		return nil, err
	}
	port, err := pyarg.Port("getservbyport", portV)
	if err != nil {
		return nil, err
	}
	proto, err := servProto(b, protoV)
	if err != nil {
		return nil, err
	}
	name, ok := services.ByPort(port, proto)
	if !ok {
		return nil, pyerr.New("OSError", "port/proto not found")
	}
	return starlark.String(name), nil
}

// The getaddrinfo flags glibc accepts (AI_PASSIVE ... AI_NUMERICSERV,
// with AI_IDN, AI_CANONIDN and the two deprecated IDN flags).
const (
	aiPassive     = 0x0001
	aiCanonName   = 0x0002
	aiNumericHost = 0x0004
	aiV4Mapped    = 0x0008
	aiNumericServ = 0x0400
	aiKnownFlags  = 0x07ff
)

// typeProto is a row of glibc's gaih_inet_typeproto table: the socket
// types getaddrinfo knows, in its order.
type typeProto struct {
	socktype, protocol  int
	protoAny, noService bool // SOCK_RAW: any protocol, no port
	byDefault           bool // listed when neither type nor protocol is given
	name                string
}

var typeProtos = []typeProto{
	{unix.SOCK_STREAM, unix.IPPROTO_TCP, false, false, true, "tcp"},
	{unix.SOCK_DGRAM, unix.IPPROTO_UDP, false, false, true, "udp"},
	{unix.SOCK_DCCP, unix.IPPROTO_DCCP, false, false, false, "dccp"},
	{unix.SOCK_DGRAM, unix.IPPROTO_UDPLITE, false, false, false, "udplite"},
	{unix.SOCK_STREAM, unix.IPPROTO_SCTP, false, false, false, "sctp"},
	{unix.SOCK_SEQPACKET, unix.IPPROTO_SCTP, false, false, false, "sctp"},
	{unix.SOCK_RAW, 0, true, true, true, "raw"},
}

// servTuple is one (type, protocol, port) getaddrinfo pairs with every
// address.
type servTuple struct{ socktype, protocol, port int }

// parseService reads a service string as glibc does with strtoul: blanks
// and a sign allowed, every byte consumed; the value is truncated to a C
// int, and a negative one means "look the name up".
func parseService(s string) (int, bool) {
	t := strings.TrimLeft(s, " \t\n\v\f\r")
	neg := false
	if t != "" && (t[0] == '+' || t[0] == '-') {
		neg = t[0] == '-'
		t = t[1:]
	}
	if t == "" || strings.Trim(t, "0123456789") != "" {
		return 0, false
	}
	var v uint64
	for _, c := range t {
		d := uint64(c - '0')
		if v > (1<<64-1-d)/10 {
			v = 1<<64 - 1 // strtoul saturates
			neg = false
			break
		}
		v = v*10 + d
	}
	if neg {
		v = -v
	}
	return int(int32(uint32(v))), true
}

// servTuples is gaih_inet's choice of socket types and port, with its
// errors: EAI_SOCKTYPE (-7) for a type it does not know (or a protocol
// that does not fit it), EAI_SERVICE (-8) for a service it cannot find
// or a port with SOCK_RAW.
func servTuples(typ, proto int, hasService bool, num int, service string) ([]servTuple, error) {
	var tp *typeProto
	if typ != 0 || proto != 0 {
		for i := range typeProtos {
			t := &typeProtos[i]
			if (typ == 0 || typ == t.socktype) && (proto == 0 || t.protoAny || proto == t.protocol) {
				tp = t
				break
			}
		}
		if tp == nil {
			if typ != 0 {
				return nil, resolve.GaiError(resolve.EAISocktype)
			}
			return nil, resolve.GaiError(resolve.EAIService)
		}
	}
	protoOf := func(t *typeProto) int {
		if t.protoAny {
			return proto
		}
		return t.protocol
	}
	port := 0
	if hasService {
		if tp != nil && tp.noService {
			return nil, resolve.GaiError(resolve.EAIService)
		}
		if num < 0 {
			if tp != nil {
				p, ok := services.ByName(service, tp.name)
				if !ok {
					return nil, resolve.GaiError(resolve.EAIService)
				}
				return []servTuple{{tp.socktype, protoOf(tp), p}}, nil
			}
			var out []servTuple
			for i := range typeProtos {
				t := &typeProtos[i]
				if t.noService {
					continue
				}
				if p, ok := services.ByName(service, t.name); ok {
					out = append(out, servTuple{t.socktype, t.protocol, p})
				}
			}
			if len(out) == 0 {
				return nil, resolve.GaiError(resolve.EAIService)
			}
			return out, nil
		}
		port = int(uint16(num)) // htons of a C int
	}
	if tp != nil {
		return []servTuple{{tp.socktype, protoOf(tp), port}}, nil
	}
	var out []servTuple
	for _, t := range typeProtos {
		if t.byDefault {
			out = append(out, servTuple{t.socktype, t.protocol, port})
		}
	}
	return out, nil
}

func getaddrinfo(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var hostV, portV starlark.Value
	var family, typ, proto, flags int
	if err := starlark.UnpackArgs(b.Name(), args, kwargs, "host", &hostV, "port", &portV, "family?", &family, "type?", &typ, "proto?", &proto, "flags?", &flags); err != nil {
		return nil, err
	}
	// Python's own checks: the host (str through the idna codec), the
	// port (an int is printed, a str or bytes passed as it is).
	host, hasHost := "", true
	switch h := hostV.(type) {
	case starlark.NoneType:
		hasHost = false
	case starlark.String:
		h2, err := idna.Encode(string(h))
		if err != nil {
			return nil, err
		}
		host = h2
	case starlark.Bytes:
		host = string(h)
	default:
		return nil, pyerr.New("TypeError", "getaddrinfo() argument 1 must be string or None")
	}
	service, hasService := "", true
	switch p := portV.(type) {
	case starlark.NoneType:
		hasService = false
	case starlark.Int:
		n, ok := p.Int64()
		if !ok {
			return nil, pyerr.New("OverflowError", "Python int too large to convert to C long")
		}
		service = strconv.FormatInt(n, 10)
	case starlark.String:
		service = string(p)
	case starlark.Bytes:
		service = string(p)
	default:
		return nil, pyerr.New("OSError", "Int or String expected")
	}
	// The C library sees C strings.
	if i := strings.IndexByte(host, 0); i >= 0 {
		host = host[:i]
	}
	if i := strings.IndexByte(service, 0); i >= 0 {
		service = service[:i]
	}
	// glibc's getaddrinfo, in its order.
	if host == "*" {
		hasHost = false
	}
	if service == "*" || service == "" {
		hasService = false
	}
	if !hasHost && !hasService {
		return nil, resolve.GaiError(resolve.EAINoName)
	}
	if flags&^aiKnownFlags != 0 || flags&aiCanonName != 0 && !hasHost {
		return nil, resolve.GaiError(resolve.EAIBadFlags)
	}
	if family != unix.AF_UNSPEC && family != unix.AF_INET && family != unix.AF_INET6 {
		return nil, resolve.GaiError(resolve.EAIFamily)
	}
	num := -1
	if hasService {
		n, ok := parseService(service)
		if !ok && flags&aiNumericServ != 0 {
			return nil, resolve.GaiError(resolve.EAINoName)
		}
		if ok {
			num = n
		}
	}
	tuples, err := servTuples(typ, proto, hasService, num, service)
	if err != nil {
		return nil, err
	}
	type result struct {
		addrs []netip.Addr
		chain []string
	}
	r, err := blocking(thread, b, func(ctx context.Context) (result, error) {
		if !hasHost {
			// glibc's RFC 3484 sort puts ::1 before 127.0.0.1, but
			// 0.0.0.0 before :: (the source address of :: is ::1,
			// whose label differs).
			var a []netip.Addr
			if flags&aiPassive != 0 {
				a = []netip.Addr{netip.IPv4Unspecified(), netip.IPv6Unspecified()}
			} else {
				a = []netip.Addr{netip.IPv6Loopback(), netip.AddrFrom4([4]byte{127, 0, 0, 1})}
			}
			a = slices.DeleteFunc(a, func(ip netip.Addr) bool {
				return family == unix.AF_INET && ip.Is6() || family == unix.AF_INET6 && ip.Is4()
			})
			return result{addrs: a}, nil
		}
		if flags&aiNumericHost != 0 {
			if _, _, ok := resolve.NumericHost(host, family); !ok {
				return result{}, resolve.GaiError(resolve.EAINoName)
			}
		}
		a, c, err := resolve.Current().LookupHost(ctx, host, family, flags&aiCanonName != 0)
		if family == unix.AF_INET6 && flags&aiV4Mapped != 0 {
			if pe, ok := pyerr.As(err); ok && pe.Errno == resolve.EAIAddrFamily {
				// An IPv4 resolve.Literal asked as AF_INET6 with AI_V4MAPPED.
				v4, _, err4 := resolve.Current().LookupHost(ctx, host, unix.AF_INET, false)
				if err4 == nil {
					a, err = nil, nil
					for _, ip := range v4 {
						a = append(a, netip.AddrFrom16(ip.As16()))
					}
				}
			}
		}
		return result{a, c}, err
	})
	if err != nil {
		return nil, err
	}
	var out []starlark.Value
	for _, ip := range r.addrs {
		var sa starlark.Value
		fam := unix.AF_INET
		if ip.Is4() {
			sa = starlark.Tuple{starlark.String(ip.String()), starlark.MakeInt(0)}
		} else {
			fam = unix.AF_INET6
			sa = starlark.Tuple{starlark.String(ip.WithZone("").String()), starlark.MakeInt(0), starlark.MakeInt(0), starlark.MakeInt64(int64(resolve.ZoneScope(ip)))}
		}
		for _, st := range tuples {
			canon := ""
			if len(out) == 0 && flags&aiCanonName != 0 {
				canon = host
				if len(r.chain) > 0 {
					canon = r.chain[len(r.chain)-1]
				}
			}
			t := sa.(starlark.Tuple)
			withPort := append(starlark.Tuple{t[0], starlark.MakeInt(st.port)}, t[2:]...)
			out = append(out, starlark.Tuple{starlark.MakeInt(fam), starlark.MakeInt(st.socktype), starlark.MakeInt(st.protocol), starlark.String(canon), withPort})
		}
	}
	return starlark.NewList(out), nil
}

func inetAtonFn(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var s string
	if err := starlark.UnpackPositionalArgs(b.Name(), args, kwargs, 1, &s); err != nil {
		return nil, err
	}
	ip, err := resolve.InetAton(s)
	if err != nil {
		return nil, pyerr.New("OSError", "illegal IP address string passed to inet_aton")
	}
	return starlark.Bytes(ip[:]), nil
}

func inetNtoaFn(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var packed starlark.Bytes
	if err := starlark.UnpackPositionalArgs(b.Name(), args, kwargs, 1, &packed); err != nil {
		return nil, err
	}
	if len(packed) != 4 {
		return nil, pyerr.New("OSError", "packed IP wrong length for inet_ntoa")
	}
	return starlark.String(netip.AddrFrom4([4]byte([]byte(packed))).String()), nil
}

func inetPtonFn(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var family int
	var s string
	if err := starlark.UnpackPositionalArgs(b.Name(), args, kwargs, 2, &family, &s); err != nil {
		return nil, err
	}
	switch family {
	case unix.AF_INET:
		ip, err := resolve.InetPton4(s)
		if err != nil {
			return nil, pyerr.New("OSError", "illegal IP address string passed to inet_pton")
		}
		return starlark.Bytes(ip[:]), nil
	case unix.AF_INET6:
		ip, err := resolve.InetPton6(s)
		if err != nil {
			return nil, pyerr.New("OSError", "illegal IP address string passed to inet_pton")
		}
		return starlark.Bytes(ip[:]), nil
	}
	return nil, pyerr.OSError(unix.EAFNOSUPPORT)
}

func inetNtopFn(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var family int
	var packed starlark.Bytes
	if err := starlark.UnpackPositionalArgs(b.Name(), args, kwargs, 2, &family, &packed); err != nil {
		return nil, err
	}
	switch family {
	case unix.AF_INET:
		if len(packed) != 4 {
			return nil, pyerr.New("ValueError", "invalid length of packed IP address string")
		}
		return starlark.String(netip.AddrFrom4([4]byte([]byte(packed))).String()), nil
	case unix.AF_INET6:
		if len(packed) != 16 {
			return nil, pyerr.New("ValueError", "invalid length of packed IP address string")
		}
		return starlark.String(resolve.InetNtop6([16]byte([]byte(packed)))), nil
	}
	return nil, pyerr.Errorf("ValueError", "unknown address family %d", family)
}

// htons is htons and ntohs, with CPython's checks: a C long first, then
// the 16-bit range, named after the call.
func htons(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var v starlark.Value
	if err := starlark.UnpackPositionalArgs(b.Name(), args, kwargs, 1, &v); err != nil {
		return nil, err
	}
	i, ok := v.(starlark.Int)
	if !ok {
		return nil, pyerr.Errorf("TypeError", "'%s' object cannot be interpreted as an integer", pyarg.TypeName(v))
	}
	x, ok := i.Int64()
	if !ok {
		return nil, pyerr.New("OverflowError", "Python int too large to convert to C long")
	}
	fn := strings.TrimPrefix(b.Name(), "socket.")
	if x < 0 {
		return nil, pyerr.Errorf("OverflowError", "%s: can't convert negative Python int to C 16-bit unsigned integer", fn)
	}
	if x > 0xffff {
		return nil, pyerr.Errorf("OverflowError", "%s: Python int too large to convert to C 16-bit unsigned integer", fn)
	}
	var buf [2]byte
	binary.BigEndian.PutUint16(buf[:], uint16(x))
	return starlark.MakeInt(int(binary.LittleEndian.Uint16(buf[:]))), nil
}

// htonl is htonl and ntohl, with CPython's messages.
func htonl(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var v starlark.Value
	if err := starlark.UnpackPositionalArgs(b.Name(), args, kwargs, 1, &v); err != nil {
		return nil, err
	}
	i, ok := v.(starlark.Int)
	if !ok {
		return nil, pyerr.Errorf("TypeError", "expected int, %s found", pyarg.TypeName(v))
	}
	if i.Sign() < 0 {
		return nil, pyerr.New("OverflowError", "can't convert negative value to unsigned int")
	}
	x, ok := i.Uint64()
	if !ok {
		return nil, pyerr.New("OverflowError", "Python int too large to convert to C unsigned long")
	}
	if x > 0xffffffff {
		return nil, pyerr.New("OverflowError", "int larger than 32 bits")
	}
	var buf [4]byte
	binary.BigEndian.PutUint32(buf[:], uint32(x))
	return starlark.MakeInt64(int64(binary.LittleEndian.Uint32(buf[:]))), nil
}

func setresolver(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var v starlark.Value
	if err := starlark.UnpackPositionalArgs(b.Name(), args, kwargs, 1, &v); err != nil {
		return nil, err
	}
	addr := ""
	if v != starlark.None {
		s, ok := starlark.AsString(v)
		if !ok {
			return nil, pyerr.Errorf("TypeError", "%s: for parameter addr: got %s, want str or None", b.Name(), v.Type())
		}
		addr = s
	}
	if err := resolve.SetServer(addr); err != nil {
		var ae *resolve.AddrError
		if errors.As(err, &ae) && ae.OutOfRange {
			// As Python's connect(("127.0.0.1", 99999)):
			// OverflowError: connect(): port must be 0-65535.
			return nil, pyerr.Errorf("OverflowError", "%s: port must be 0-65535, got %s in %q", b.Name(), ae.Port, addr)
		}
		return nil, pyerr.Errorf("ValueError", "%s: %v", b.Name(), err)
	}
	return starlark.None, nil
}
