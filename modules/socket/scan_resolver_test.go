package socket_test

import (
	"fmt"
	"net"
	"strings"
	"testing"

	"github.com/netstar/netstar/modules/socket/dnstest"
	"github.com/netstar/netstar/modules/socket/resolve"
)

// TestScanFollowsSetresolver: after socket.setresolver, socket.scan
// resolves names and reverse names with that DNS server. Regression
// test: reverse names came from Go's default resolver.
func TestScanFollowsSetresolver(t *testing.T) {
	dns := dnstest.NewServer()
	defer dns.Close()
	t.Cleanup(func() { resolve.SetServer("") })
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
	out, err := runScan(t, nil, fmt.Sprintf(`
import socket
socket.setresolver(%q)
for target in ["only-the-fixture.netstar.test", %q]:
    r = socket.scan(target, ports=[%d])
    print(r.ip, r.name, r.open)
r = socket.scan(%q, ports=[%d], reverse=False)
print("no reverse:", repr(r.name))
`, dns.Addr, ip, port, ip, port))
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	want := fmt.Sprintf("%[1]s ptr-only-the-fixture.netstar.test [%[2]d]\n%[1]s ptr-only-the-fixture.netstar.test [%[2]d]\nno reverse: ''\n", ip, port)
	if out != want {
		t.Fatalf("got:\n%s\nwant:\n%s", out, want)
	}
	if !strings.Contains(resolve.Server(), "127.0.0.1:") {
		t.Errorf("resolve.Server() = %q", resolve.Server())
	}
}
