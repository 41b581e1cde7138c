package scan_test

import (
	"context"
	"net"
	"net/netip"
	"strings"
	"testing"

	"github.com/netstar/netstar/modules/socket/dnstest"
	"github.com/netstar/netstar/modules/socket/scan"
)

func TestResolverAddr(t *testing.T) {
	for _, c := range []struct{ in, want, err string }{
		{in: "127.0.0.1:5353", want: "127.0.0.1:5353"},
		{in: "127.0.0.1", want: "127.0.0.1:53"},
		{in: "::1", want: "[::1]:53"},
		{in: "[::1]", want: "[::1]:53"},
		{in: "[::1]:5353", want: "[::1]:5353"},
		{in: "dns.example:53", err: `resolver address "dns.example:53": want an IP address and an optional port, e.g. "127.0.0.1:5353"`},
		{in: "", err: `resolver address "": want an IP address`},
		{in: "127.0.0.1:0", err: `resolver address "127.0.0.1:0": port 0 out of range 1-65535`},
		{in: "127.0.0.1:x", err: `resolver address "127.0.0.1:x": invalid port "x"`},
		{in: "[fe80::1%eth0]:53", err: `want an IP address`},
	} {
		got, err := scan.ResolverAddr(c.in)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("ResolverAddr(%q) = %q, %v; want error %q", c.in, got, err, c.err)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("ResolverAddr(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
}

// TestScanUsesResolverFor: with ResolverFor(fixture), a name only the
// fixture knows is scanned and a PTR only the fixture knows names the
// result; nothing reaches the system's resolver.
func TestScanUsesResolverFor(t *testing.T) {
	dns := dnstest.NewServer()
	defer dns.Close()
	// 127.0.0.3 is in no /etc/hosts, which Go's resolver reads first.
	const ip = "127.0.0.3"
	dns.AddA("only-the-fixture.netstar.test", ip)
	dns.AddPTR(ip, "ptr-only-the-fixture.netstar.test")
	l, err := net.Listen("tcp", ip+":0")
	if err != nil {
		t.Skipf("needs 127.0.0.3 on loopback: %v", err)
	}
	defer l.Close()
	port := l.Addr().(*net.TCPAddr).Port

	r, err := scan.ResolverFor(dns.Addr)
	if err != nil {
		t.Fatal(err)
	}
	s := &scan.Scanner{Resolver: r}
	for _, target := range []string{"only-the-fixture.netstar.test", ip} {
		targets, err := scan.ParseTargets(target, 1)
		if err != nil {
			t.Fatal(err)
		}
		res, err := s.Scan(context.Background(), targets, []int{port})
		if err != nil {
			t.Fatalf("%s: %v", target, err)
		}
		if len(res) != 1 || res[0].IP != netip.MustParseAddr(ip) || len(res[0].Open()) != 1 {
			t.Fatalf("%s: results %+v", target, res)
		}
		if res[0].Name != "ptr-only-the-fixture.netstar.test" {
			t.Errorf("%s: reverse name %q, want the fixture's PTR", target, res[0].Name)
		}
	}
	if dns.Queries() == 0 {
		t.Error("the fixture got no query")
	}
}
