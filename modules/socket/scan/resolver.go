package scan

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"strings"
)

// EnvResolver is the environment variable naming the DNS server
// ("ip:port", or "ip" for port 53) that netstar sends every lookup to
// instead of the system's resolver. The socket module reads it too.
const EnvResolver = "NETSTAR_RESOLVER"

// ResolverFor returns a resolver that sends every query, forward and
// reverse, to the DNS server addr: "127.0.0.1:5353", "::1", "[::1]:53"
// (the port defaults to 53). It is Go's own resolver (PreferGo), so
// /etc/hosts is still read first, as Go's resolver does; only the DNS
// server is replaced. An addr that is not an IP address (with an
// optional port) is an error: a resolver named by a host name would
// itself need resolving.
func ResolverFor(addr string) (*net.Resolver, error) {
	server, err := ResolverAddr(addr)
	if err != nil {
		return nil, err
	}
	return &net.Resolver{
		PreferGo: true,
		Dial: func(ctx context.Context, network, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, network, server)
		},
	}, nil
}

// ResolverAddr checks a DNS server address as ResolverFor takes it and
// returns it as "ip:port".
func ResolverAddr(addr string) (string, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		host, port = strings.TrimSuffix(strings.TrimPrefix(addr, "["), "]"), "53"
	}
	ip, err := netip.ParseAddr(host)
	if err != nil || ip.Zone() != "" {
		return "", fmt.Errorf("resolver address %q: want an IP address and an optional port, e.g. \"127.0.0.1:5353\"", addr)
	}
	if _, err := parsePortNumber(port); err != nil {
		return "", fmt.Errorf("resolver address %q: %v", addr, err)
	}
	return net.JoinHostPort(ip.String(), port), nil
}
