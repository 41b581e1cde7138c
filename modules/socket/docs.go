package socket

// docs are the help texts of the module, its functions and the methods
// of socket objects, keyed by builtin name (methods are "socket.recv").
var docs = map[string]string{
	"socket": "socket: Python's socket module over real OS sockets.\n" +
		"Lookups (gethostbyname, gethostbyaddr, getaddrinfo...), services (getservbyport...),\n" +
		"socket objects (TCP/UDP over IPv4/IPv6, AF_UNIX), errors as Python's, and bulk DNS:\n" +
		"resolve(names) and reverse(ips or CIDR). setresolver(\"127.0.0.1:5353\") or\n" +
		"NETSTAR_RESOLVER sends every lookup to one DNS server.",
	"socket.socket":            "socket(family=AF_INET, type=SOCK_STREAM, proto=0)\nA new socket object. Methods: accept, bind, close, connect, connect_ex, fileno,\ngetpeername, getsockname, getsockopt, gettimeout, listen, recv, recvfrom, send,\nsendall, sendto, setblocking, setsockopt, settimeout, shutdown.",
	"socket.create_connection": "create_connection((host, port), timeout=None, source_address=None)\nConnects to host (each of its addresses in turn) and returns the connected socket.",
	"socket.gethostbyname":     "gethostbyname(hostname)\nThe IPv4 address of hostname as a string: gethostbyname('localhost') == '127.0.0.1'.",
	"socket.gethostbyname_ex":  "gethostbyname_ex(hostname)\n(canonical name, aliases, IPv4 addresses).",
	"socket.gethostbyaddr":     "gethostbyaddr(ip_address)\n(hostname, aliases, [ip]) from a reverse (PTR) lookup; socket.herror if unknown.",
	"socket.getfqdn":           "getfqdn(name='')\nThe fully qualified name of name (of this host if empty); name itself if unknown.",
	"socket.gethostname":       "gethostname()\nThis machine's host name.",
	"socket.getaddrinfo":       "getaddrinfo(host, port, family=0, type=0, proto=0, flags=0)\nList of (family, type, proto, canonname, sockaddr) to connect to host:port. IP literals\n(IPv6 with a zone: fe80::1%eth0) never cause a query.",
	"socket.getservbyname":     "getservbyname(servicename, protocolname=None)\nThe port of a service: getservbyname('http') == 80 (from /etc/services).",
	"socket.getservbyport":     "getservbyport(port, protocolname=None)\nThe service on a port: getservbyport(80) == 'http'.",
	"socket.inet_aton":         "inet_aton(ip)\nIPv4 string to 4 packed bytes (accepts the C library's short forms, e.g. '127.1').",
	"socket.inet_ntoa":         "inet_ntoa(packed)\n4 packed bytes to an IPv4 string.",
	"socket.inet_pton":         "inet_pton(family, ip)\nIP string to packed bytes for AF_INET or AF_INET6.",
	"socket.inet_ntop":         "inet_ntop(family, packed)\nPacked bytes to an IP string for AF_INET or AF_INET6.",
	"socket.htons":             "htons(x)\n16-bit integer from host to network byte order.",
	"socket.ntohs":             "ntohs(x)\n16-bit integer from network to host byte order.",
	"socket.htonl":             "htonl(x)\n32-bit integer from host to network byte order.",
	"socket.ntohl":             "ntohl(x)\n32-bit integer from network to host byte order.",
	"socket.getdefaulttimeout": "getdefaulttimeout()\nThe timeout new sockets start with (None: blocking).",
	"socket.setdefaulttimeout": "setdefaulttimeout(timeout)\nSets the timeout new sockets start with (seconds, or None).",
	"socket.setresolver":       "setresolver(addr)\nSends every lookup to the DNS server addr ('127.0.0.1:5353'; port 53 by default).\nNone goes back to the system's resolver. NETSTAR_RESOLVER does the same at start.",
	"socket.scan":              scanDoc,
	"socket.serve_http":        serveHTTPDoc,
	"socket.resolve": "resolve(names, workers=500, timeout=2.0, family=AF_INET, type=None)\n" +
		"Resolves many names in parallel and returns a dict name -> list of addresses;\n" +
		"a name that failed maps to its exception (r[name].errno == -2 for NXDOMAIN).\n" +
		"family=AF_INET6 asks AAAA, AF_UNSPEC both. Ctrl-C stops it; progress shows on a terminal.\n" +
		"type='MX', 'TXT', 'NS', 'SRV', 'CNAME', 'SOA', 'PTR' (or 'A', 'AAAA', as family does) asks\n" +
		"records; each name maps to a list of them, shaped like dnspython's rdata fields:\n" +
		"  MX (preference, exchange)   (10, 'mail.lab.test')\n" +
		"  TXT the record's strings joined: 'v=spf1 -all'\n" +
		"  NS, CNAME, PTR a name: 'ns1.lab.test' (PTR of an IP asks its in-addr.arpa name)\n" +
		"  SRV (priority, weight, port, target)   (0, 5, 389, 'dc1.lab.test')\n" +
		"  SOA a dict: mname, rname, serial, refresh, retry, expire, minimum\n" +
		"Names come without the final dot. A name without records of the type maps to\n" +
		"socket.gaierror -5, an unknown name to -2, no answer to -3. Without setresolver, the\n" +
		"servers of /etc/resolv.conf are asked.\n" +
		"With a DNS server set (setresolver, NETSTAR_RESOLVER), a lost query is sent again after a\n" +
		"wait learned from the server's round trips (at most 4 sends per name), and the queries in\n" +
		"flight halve when queries are lost, as bulk resolvers do.",
	"socket.reverse": "reverse(targets, workers=500, timeout=2.0)\n" +
		"PTR lookups in parallel for the targets scan() takes: an IP, a range ('10.0.0.1-20',\n" +
		"'10.0.0.1-10.0.1.5'), a CIDR ('10.0.0.0/24'), nmap's octet patterns, several separated by\n" +
		"commas, or a list of them; at most 65536 addresses. Returns a dict ip -> list of names, or\n" +
		"the exception for that ip (socket.herror).",
	"socket.axfr": "axfr(zone, server, timeout=10.0)\n" +
		"Asks server (an IP, 'ip:port' or a host name; port 53) for a zone transfer (AXFR over TCP)\n" +
		"of zone and returns its records as a list of (name, ttl, type, value) tuples, as\n" +
		"dnspython's zone.iterate_rdatas() gives them: the SOA first, value shaped as resolve()'s\n" +
		"records (('lab.test', 3600, 'MX', (10, 'mail.lab.test'))). A server that refuses raises\n" +
		"dns.xfr.TransferError: Zone transfer error: REFUSED; timeout bounds the connection and\n" +
		"each read. Ctrl-C stops it.",
	"socket.accept":      "accept()\nWaits for a connection: returns (conn, (ip, port)).",
	"socket.bind":        "bind(address)\nBinds to (host, port); '' is every interface. A path for AF_UNIX.",
	"socket.close":       "close()\nCloses the socket (again is harmless). A socket the script can no longer reach is closed\nby the garbage collector, and leftover sockets close at exit.",
	"socket.connect":     "connect(address)\nConnects to (host, port); raises ConnectionRefusedError, TimeoutError...",
	"socket.connect_ex":  "connect_ex(address)\nLike connect, but returns the errno: 0 connected, 111 refused, 11 timed out.",
	"socket.fileno":      "fileno()\nThe file descriptor, -1 once closed.",
	"socket.getblocking": "getblocking()\nFalse when the timeout is 0.",
	"socket.getpeername": "getpeername()\nThe remote address.",
	"socket.getsockname": "getsockname()\nThe local address.",
	"socket.getsockopt":  "getsockopt(level, option, buflen=0)\nAn option's value: an int, or the kernel's bytes (up to buflen) when buflen is given.",
	"socket.gettimeout":  "gettimeout()\nThe timeout in seconds, or None.",
	"socket.listen":      "listen(backlog=128)\nStarts accepting connections.",
	"socket.recv":        "recv(bufsize, flags=0)\nReceives up to bufsize bytes (b'' when the peer closed). With MSG_DONTWAIT in flags a\nblocking socket tries once (BlockingIOError when nothing is waiting).",
	"socket.recvfrom":    "recvfrom(bufsize, flags=0)\n(bytes, address) of a datagram.",
	"socket.send":        "send(data, flags=0)\nSends bytes (a str raises TypeError, as in Python 3: send b\"...\" or s.encode()); returns how many bytes were sent.",
	"socket.sendall":     "sendall(data, flags=0)\nSends all of data (bytes; a str raises TypeError, as in Python 3).",
	"socket.sendto":      "sendto(data, [flags,] address)\nSends a datagram (bytes) to address.",
	"socket.setblocking": "setblocking(flag)\nsetblocking(False) is settimeout(0); setblocking(True) is settimeout(None).",
	"socket.setsockopt":  "setsockopt(level, option, value)\nSets an option (int or bytes), e.g. setsockopt(SOL_SOCKET, SO_REUSEADDR, 1).",
	"socket.settimeout":  "settimeout(seconds)\nNone blocks, 0 never waits, >0 raises TimeoutError after that long.",
	"socket.shutdown":    "shutdown(how)\nShuts down reading (SHUT_RD), writing (SHUT_WR) or both (SHUT_RDWR).",
}
