package scan_test

import (
	"context"
	"net"
	"os/exec"
	"regexp"
	"strconv"
	"testing"

	"github.com/netstar/netstar/modules/socket/netnstest"
	"github.com/netstar/netstar/modules/socket/scan"
)

// udpResponder answers every datagram on addr inside ns with "ok".
func udpResponder(t *testing.T, ns *netnstest.Namespace, addr string) {
	t.Helper()
	var pc net.PacketConn
	if err := ns.Do(func() (err error) {
		pc, err = net.ListenPacket("udp", addr)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pc.Close() })
	go func() {
		buf := make([]byte, 2048)
		for {
			_, from, err := pc.ReadFrom(buf)
			if err != nil {
				return
			}
			pc.WriteTo([]byte("ok"), from)
		}
	}()
}

// TestUDP: a UDP scan decides ports from replies and queued ICMP errors
// as nmap -sU does: a reply is open, port unreachable closed, admin
// prohibited filtered, silence open|filtered; compared with nmap -sU on
// the same host in the same run.
func TestUDP(t *testing.T) {
	n := netnstest.Start(t)
	udpResponder(t, n.Remote, "0.0.0.0:53")
	udpResponder(t, n.Remote, "0.0.0.0:123")
	for _, rule := range [][]string{
		{"-A", "INPUT", "-p", "udp", "--dport", "161", "-j", "DROP"},
		{"-A", "INPUT", "-p", "udp", "--dport", "162", "-j", "REJECT", "--reject-with", "icmp-admin-prohibited"},
		{"-A", "INPUT", "-p", "udp", "--dport", "163", "-j", "REJECT", "--reject-with", "icmp-host-unreachable"},
	} {
		if out, err := n.Remote.Command("iptables", append([]string{"-w"}, rule...)...).CombinedOutput(); err != nil {
			t.Fatalf("iptables: %v: %s", err, out)
		}
	}
	want := map[int]scan.State{53: scan.Open, 123: scan.Open, 161: scan.OpenFiltered, 162: scan.Filtered, 163: scan.Filtered}
	const ports = "50-55,120-125,161-163"
	s := &scan.Scanner{Namespace: n.Local.Path, NoReverse: true, UDP: true}
	res, err := s.Scan(context.Background(), mustTargets(t, n.Remote.Addr.String()), mustPorts(t, ports))
	if err != nil {
		t.Fatal(err)
	}
	got := map[int]scan.State{}
	for _, p := range res[0].Ports {
		got[p.Port] = p.State
		w, ok := want[p.Port]
		if !ok {
			w = scan.Closed
		}
		if p.State != w {
			t.Errorf("udp %d: %v (%s), want %v", p.Port, p.State, p.Reason, w)
		}
		if p.State == scan.Closed && p.Reason != scan.ReasonPortUnreach {
			t.Errorf("udp %d: closed for %q, want %s", p.Port, p.Reason, scan.ReasonPortUnreach)
		}
	}
	if len(res[0].Ports) != 15 {
		t.Errorf("%d ports, want 15", len(res[0].Ports))
	}

	nmap, err := exec.LookPath("nmap")
	if err != nil {
		t.Skip("needs nmap (apt-get install nmap) to compare with nmap -sU")
	}
	out, err := n.Local.Command(nmap, "-sU", "-Pn", "-n", "-p", ports, "-oX", "-", n.Remote.Addr.String()).Output()
	if err != nil {
		t.Fatalf("nmap -sU: %v", err)
	}
	portRE := regexp.MustCompile(`<port protocol="udp" portid="(\d+)"><state state="([a-z|]+)"`)
	seen := 0
	for _, m := range portRE.FindAllStringSubmatch(string(out), -1) {
		port, _ := strconv.Atoi(m[1])
		seen++
		if got[port].String() != m[2] {
			t.Errorf("udp %d: netstar %v, nmap -sU %s", port, got[port], m[2])
		}
	}
	// nmap folds the closed ports into "Not shown" unless there are few.
	if seen == 0 {
		t.Errorf("no port in nmap's XML:\n%s", out)
	}
	t.Logf("nmap -sU listed %d ports; netstar agrees on each", seen)
}

// TestUDPUnderICMPRateLimit: closed UDP ports are answered by ICMP port
// unreachable, which Linux rate-limits (a burst of about 6, then one a
// second): the scan waits for those answers and calls every one closed,
// not open|filtered.
func TestUDPUnderICMPRateLimit(t *testing.T) {
	if testing.Short() {
		t.Skip("about 20 s: the target answers one closed port a second")
	}
	n := netnstest.Start(t)
	if err := n.Remote.Sysctl("net.ipv4.icmp_ratelimit", "1000"); err != nil {
		t.Fatal(err)
	}
	udpResponder(t, n.Remote, "0.0.0.0:53")
	s := &scan.Scanner{Namespace: n.Local.Path, NoReverse: true, UDP: true}
	res, err := s.Scan(context.Background(), mustTargets(t, n.Remote.Addr.String()), mustPorts(t, "40-60"))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range res[0].Ports {
		want := scan.Closed
		if p.Port == 53 {
			want = scan.Open
		}
		if p.State != want {
			t.Errorf("udp %d: %v (%s), want %v", p.Port, p.State, p.Reason, want)
		}
	}
	t.Logf("20 closed UDP ports under the ICMP rate limit: %d retries", res[0].Retries)
}
