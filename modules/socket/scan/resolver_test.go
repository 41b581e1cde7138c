package scan_test

import (
	"context"
	"net"
	"net/netip"
	"testing"

	"github.com/netstar/netstar/modules/socket/dnstest"
	"github.com/netstar/netstar/modules/socket/resolve"
	"github.com/netstar/netstar/modules/socket/scan"
)

// TestScanUsesServer: with resolve.ForServer(fixture), a name only the
// fixture knows is scanned and a PTR only the fixture knows names the
// result; nothing reaches the system's resolver.
func TestScanUsesServer(t *testing.T) {
	dns := dnstest.NewServer()
	defer dns.Close()
	const ip = "127.0.0.3"
	dns.AddA("only-the-fixture.netstar.test", ip)
	dns.AddPTR(ip, "ptr-only-the-fixture.netstar.test")
	l, err := net.Listen("tcp", ip+":0")
	if err != nil {
		t.Skipf("needs 127.0.0.3 on loopback: %v", err)
	}
	defer l.Close()
	port := l.Addr().(*net.TCPAddr).Port

	r, _, err := resolve.ForServer(dns.Addr)
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
