package socket_test

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/netstar/netstar/modules/socket/netnstest"
)

// TestScanNamespaces runs socket.scan from a child process inside the
// fixture's Local namespace against Remote, where ports are open (one
// with a banner), dropped (filtered) and closed.
func TestScanNamespaces(t *testing.T) {
	n := netnstest.Start(t)
	if _, err := n.Remote.Serve("0.0.0.0:22", "SSH-2.0-netnstest\r\n"); err != nil {
		t.Fatal(err)
	}
	if _, err := n.Remote.Serve("0.0.0.0:80", ""); err != nil {
		t.Fatal(err)
	}
	if err := n.Remote.DropSYN(50, 51, 52, 53, 54, 55, 56, 57, 58, 59); err != nil {
		t.Fatal(err)
	}
	cmd := n.Local.Command(os.Args[0], "-test.run=^TestScanChild$", "-test.v")
	cmd.Env = append(os.Environ(), "NETSTAR_SCAN_CHILD="+n.Remote.Addr.String())
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	// As root, discovery asks the segment by ARP and keeps the MAC.
	if !regexp.MustCompile(`discovery: True arp-response [0-9a-f]{2}(:[0-9a-f]{2}){5}\n`).Match(out) {
		t.Errorf("child output lacks the ARP discovery line:\n%s", out)
	}
	for _, want := range []string{
		"[22, 80] [50, 51, 52, 53, 54, 55, 56, 57, 58, 59] 88\n",
		"['SSH-2.0-netnstest\\r\\n', '']\n",
		"[('filtered', 'ETIMEDOUT'), ('closed', 'ECONNREFUSED')]\n",
		"Not shown: 88 closed ports\n",
		"│ 22/tcp │ open     │ ssh ", "│ SSH-2.0-netnstest │", /* the column's width follows the longest service name */
		"│ 50/tcp │ filtered │ ", /* service names vary with /etc/services */
		"100 ports scanned in",
	} {
		if !strings.Contains(string(out), want) {
			t.Errorf("child output lacks %q:\n%s", want, out)
		}
	}
}

func TestScanChild(t *testing.T) {
	addr := os.Getenv("NETSTAR_SCAN_CHILD")
	if addr == "" {
		t.Skip("run by TestScanNamespaces")
	}
	out, err := runScan(t, nil, `import socket
r = socket.scan("`+addr+`", ports="1-100", timeout=0.3, banner=True, reverse=False)
print(r.open, r.filtered, len(r.closed))
print("discovery:", r.up, r.reason, r.mac)
print([p.banner for p in r.ports if p.state == "open"])
print([(p.state, p.reason) for p in r.ports if p.port in (50, 60)])
print(r)
`)
	os.Stdout.WriteString(out)
	if err != nil {
		t.Fatal(err)
	}
}
