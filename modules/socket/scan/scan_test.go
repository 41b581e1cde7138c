package scan_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"strings"
	"testing"

	"github.com/netstar/netstar/modules/socket/resolve"
	"github.com/netstar/netstar/modules/socket/scan"
	"go.uber.org/goleak"
)

// noDNS resolves IP literals and "localhost" and nothing else: it sends
// no query.
var noDNS noDNSResolver

type noDNSResolver struct{}

func (noDNSResolver) LookupHost(ctx context.Context, host string, family int, canon bool) ([]netip.Addr, []string, error) {
	if addrs, err, ok := resolve.Literal(host, family); ok {
		return addrs, nil, err
	}
	return nil, nil, resolve.GaiError(resolve.EAINoName)
}

func (noDNSResolver) LookupAddr(ctx context.Context, ip netip.Addr) ([]string, error) {
	return nil, resolve.HError(1)
}

func openFDs(t testing.TB) int {
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skip("needs /proc/self/fd")
	}
	return len(ents)
}

// freePort returns a loopback port that nothing listens on (it did a
// moment ago).
func freePort(t testing.TB) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := l.Addr().(*net.TCPAddr).Port
	l.Close()
	return p
}

// TestScanLoopback scans a listener of the test and a free port on the
// machine's own loopback: no namespace needed.
func TestScanLoopback(t *testing.T) {
	defer goleak.VerifyNone(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	port := l.Addr().(*net.TCPAddr).Port
	free := freePort(t)
	before := openFDs(t)
	// The resolver dials nothing.
	s := &scan.Scanner{Resolver: noDNS}
	res, err := s.Scan(context.Background(), mustTargets(t, "127.0.0.1"), []int{port, free})
	if err != nil {
		t.Fatal(err)
	}
	r := res[0]
	if fmt.Sprint(r.Open(), r.Closed(), r.Filtered()) != fmt.Sprint([]int{port}, []int{free}, []int{}) {
		t.Errorf("open %v closed %v filtered %v", r.Open(), r.Closed(), r.Filtered())
	}
	for _, p := range r.Ports {
		if p.Port == port && (p.State != scan.Open || p.Reason != "syn-ack") || p.Port == free && (p.State != scan.Closed || p.Reason != "ECONNREFUSED") {
			t.Errorf("port record %+v", p)
		}
	}
	if r.Name != "localhost" {
		t.Logf("reverse name of 127.0.0.1: %q", r.Name) // depends on /etc/hosts
	}
	if after := openFDs(t); after != before {
		t.Errorf("%d descriptors open after the scan, %d before", after, before)
	}
}

func TestScanIPv6Loopback(t *testing.T) {
	l, err := net.Listen("tcp", "[::1]:0")
	if err != nil {
		t.Skip("needs IPv6 loopback:", err)
	}
	defer l.Close()
	port := l.Addr().(*net.TCPAddr).Port
	s := &scan.Scanner{NoReverse: true}
	res, err := s.Scan(context.Background(), mustTargets(t, "::1"), []int{port})
	if err != nil {
		t.Fatal(err)
	}
	if got := res[0].Open(); len(got) != 1 || got[0] != port {
		t.Errorf("open = %v, want [%d]", got, port)
	}
}

func TestScanCancelledBeforeStart(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	s := &scan.Scanner{NoReverse: true}
	_, err := s.Scan(ctx, mustTargets(t, "127.0.0.1"), mustPorts(t, "1-100"))
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

func TestScanBadInput(t *testing.T) {
	s := &scan.Scanner{NoReverse: true}
	if _, err := s.Scan(context.Background(), mustTargets(t, "127.0.0.1"), []int{0}); err == nil {
		t.Error("port 0 accepted")
	}
	if _, err := s.Scan(context.Background(), nil, []int{1}); err == nil {
		t.Error("no targets accepted")
	}
	if _, err := s.Scan(context.Background(), mustTargets(t, "10.0.0.0/16"), mustPorts(t, "1-100")); err == nil || !strings.Contains(err.Error(), "probes for one scan") {
		t.Errorf("6.5 million probes: err = %v", err)
	}
	// A name that does not resolve fails with the resolver's error, and
	// no query leaves the machine: the resolver dials nothing.
	s.Resolver = noDNS
	_, err := s.Scan(context.Background(), mustTargets(t, "no-such-host.invalid"), []int{1})
	var rerr *scan.ResolveError
	if !errors.As(err, &rerr) || rerr.Name != "no-such-host.invalid" || !strings.Contains(err.Error(), "Name or service not known") {
		t.Errorf("err = %v, want a *scan.ResolveError naming the host", err)
	}
}

func TestStateText(t *testing.T) {
	for s, want := range map[scan.State]string{scan.Open: "open", scan.Closed: "closed", scan.Filtered: "filtered", 0: "State(0)"} {
		if got, _ := s.MarshalText(); string(got) != want {
			t.Errorf("%d: %s, want %s", s, got, want)
		}
	}
}

// Scan a listener and a free port of the loopback.
func ExampleScanner_Scan() {
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	defer l.Close()
	port := l.Addr().(*net.TCPAddr).Port

	targets, _ := scan.ParseTargets("127.0.0.1", 0)
	s := &scan.Scanner{NoReverse: true}
	results, err := s.Scan(context.Background(), targets, []int{port})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, p := range results[0].Ports {
		fmt.Println(p.State, p.Reason)
	}
	// Output: open syn-ack
}

func ExampleParsePorts() {
	ports, _ := scan.ParsePorts("443,ssh,20-22")
	fmt.Println(ports)
	_, err := scan.ParsePorts("80-")
	fmt.Println(err)
	// Output:
	// [20 21 22 443]
	// port range "80-" has no end (write "1-65535" or "-" for every port)
}

func ExampleParseTargets() {
	targets, _ := scan.ParseTargets("10.0.0.1-20, 192.168.1.0/24, localhost", 0)
	for _, t := range targets {
		fmt.Println(t.Spec, t.Len())
	}
	_, err := scan.ParseTargets("10.0.0.0/8", 0)
	fmt.Println(err)
	// Output:
	// 10.0.0.1-20 20
	// 192.168.1.0/24 256
	// localhost 1
	// target "10.0.0.0/8" expands to more than 65536 hosts (16777216 in all); raise max_hosts to scan it
}
