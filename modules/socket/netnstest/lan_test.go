package netnstest

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"go.uber.org/goleak"
)

// outcome is what one connect from the scanner saw.
type outcome struct {
	err     error
	banner  string
	elapsed time.Duration
}

// dialAll connects from ns to every target at once, each with its own
// timeout, so that the slow ones (ARP failures) overlap.
func dialAll(ns *Namespace, targets map[netip.AddrPort]time.Duration) map[netip.AddrPort]outcome {
	var (
		mu  sync.Mutex
		wg  sync.WaitGroup
		out = map[netip.AddrPort]outcome{}
	)
	for ap, timeout := range targets {
		wg.Go(func() {
			var o outcome
			o.err = ns.Do(func() error {
				start := time.Now()
				defer func() { o.elapsed = time.Since(start) }()
				c, err := (&net.Dialer{Timeout: timeout}).Dial("tcp", ap.String())
				if err != nil {
					return err
				}
				defer c.Close()
				c.SetReadDeadline(time.Now().Add(timeout))
				b, err := io.ReadAll(c)
				o.banner = string(b)
				return err
			})
			mu.Lock()
			out[ap] = o
			mu.Unlock()
		})
	}
	wg.Wait()
	return out
}

// observed names a connect's result as nmap -sT does
// (scan_engine_connect.cc), independently of the fixture's Want.
func observed(err error) PortState {
	var ne net.Error
	switch {
	case err == nil:
		return PortState{"open", "syn-ack"}
	case errors.Is(err, syscall.ECONNREFUSED):
		return PortState{"closed", "conn-refused"}
	case errors.Is(err, syscall.EHOSTUNREACH):
		return PortState{"filtered", "host-unreach"}
	case errors.Is(err, syscall.EACCES):
		return PortState{"filtered", "admin-prohibited"}
	case errors.Is(err, syscall.ENETUNREACH):
		return PortState{"filtered", "net-unreach"}
	case errors.As(err, &ne) && ne.Timeout():
		return PortState{"filtered", "no-response"}
	}
	return PortState{"error", err.Error()}
}

func errnoName(err error) string {
	var errno syscall.Errno
	switch {
	case err == nil:
		return "ok"
	case errors.As(err, &errno):
		return fmt.Sprintf("%d (%v)", int(errno), errno)
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return "timeout"
	}
	return err.Error()
}

func leftNamespaces(t *testing.T, prefix string) string {
	t.Helper()
	out, err := exec.Command("ip", "netns", "list").Output()
	if err != nil {
		t.Fatal(err)
	}
	var left []string
	for _, line := range strings.Split(string(out), "\n") {
		if strings.HasPrefix(line, prefix) {
			left = append(left, line)
		}
	}
	return strings.Join(left, "\n")
}

// TestLAN builds three hosts with every port behaviour, a Down host and
// empty addresses, connects to each from the scanner and checks the
// errno, the time it took and that lan.Want agrees with what nmap -sT
// would make of it; then that Close leaves nothing behind.
func TestLAN(t *testing.T) {
	defer goleak.VerifyNone(t)
	lan, err := NewLAN(LANConfig{Hosts: []HostConfig{
		{Banner: "hello\n", Ports: map[int]Behavior{
			22: Open, 80: Open, 81: Dropped, 82: PortUnreachable, 83: AdminProhibited, 84: HostUnreachable,
		}},
		{Default: Dropped, Ports: map[int]Behavior{22: Open}},
		{Default: PortUnreachable, Ports: map[int]Behavior{80: Open, 81: Closed}},
		{Down: true},
	}})
	if errors.Is(err, ErrUnavailable) {
		t.Skip(err)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer lan.Close()

	sub := lan.Subnet()
	if sub.Bits() != 24 || !netip.MustParsePrefix("198.18.0.0/15").Contains(sub.Addr()) || sub.Addr() == netip.MustParseAddr("198.18.0.0") {
		t.Errorf("Subnet = %v, want a /24 of 198.18.0.0/15 other than New's", sub)
	}
	at := func(n uint32) netip.Addr { return addrAdd(sub.Addr(), n) }
	if got, want := fmt.Sprint(lan.Hosts()), fmt.Sprint([]netip.Addr{at(10), at(11), at(12)}); got != want {
		t.Errorf("Hosts = %s, want %s", got, want)
	}
	if got, want := fmt.Sprint(lan.Down()), fmt.Sprint([]netip.Addr{at(13)}); got != want {
		t.Errorf("Down = %s, want %s", got, want)
	}
	if lan.Scanner.Addr != at(1) || lan.Host(at(10)) == nil || lan.Host(at(13)) != nil {
		t.Errorf("Scanner.Addr = %v, Host(.10) = %v, Host(.13) = %v", lan.Scanner.Addr, lan.Host(at(10)), lan.Host(at(13)))
	}
	for _, ip := range []netip.Addr{at(0), at(1), at(255), netip.MustParseAddr("192.0.2.1")} {
		if w := lan.Want(ip, 22); w != (PortState{}) {
			t.Errorf("Want(%v, 22) = %v, want the zero PortState", ip, w)
		}
	}
	// The kernel's ICMP rate limit stays on in the hosts.
	for _, h := range lan.Hosts() {
		if v, err := lan.Host(h).ReadSysctl("net.ipv4.icmp_ratelimit"); err != nil || v != "1000" {
			t.Errorf("%v: net.ipv4.icmp_ratelimit = %q, %v; want the default 1000", h, v, err)
		}
	}

	const short = 500 * time.Millisecond
	const arp = 5 * time.Second // longer than ARP's 3 s
	type check struct {
		ip      netip.Addr
		port    int
		timeout time.Duration
		errno   string // the errno as the kernel reports it, measured
		min     time.Duration
		max     time.Duration
	}
	fast := 200 * time.Millisecond
	checks := []check{
		{at(10), 22, short, "ok", 0, fast},
		{at(10), 80, short, "ok", 0, fast},
		{at(10), 81, short, "timeout", short, short + fast},
		{at(10), 82, short, "111 (connection refused)", 0, fast},
		{at(10), 83, short, "113 (no route to host)", 0, fast},
		{at(10), 84, short, "113 (no route to host)", 0, fast},
		{at(10), 85, short, "111 (connection refused)", 0, fast},
		{at(11), 22, short, "ok", 0, fast},
		{at(11), 23, short, "timeout", short, short + fast},
		{at(11), 80, short, "timeout", short, short + fast},
		{at(12), 80, short, "ok", 0, fast},
		{at(12), 81, short, "111 (connection refused)", 0, fast},
		{at(12), 443, short, "111 (connection refused)", 0, fast},
		// Empty addresses: ARP gives up after 3 s, a shorter connect
		// times out first.
		{at(13), 22, arp, "113 (no route to host)", 2 * time.Second, 4500 * time.Millisecond},
		{at(13), 80, time.Second, "timeout", time.Second, time.Second + fast},
		{at(200), 22, arp, "113 (no route to host)", 2 * time.Second, 4500 * time.Millisecond},
		{at(254), 80, time.Second, "timeout", time.Second, time.Second + fast},
	}
	targets := map[netip.AddrPort]time.Duration{}
	for _, c := range checks {
		targets[netip.AddrPortFrom(c.ip, uint16(c.port))] = c.timeout
	}
	got := dialAll(lan.Scanner, targets)
	for _, c := range checks {
		ap := netip.AddrPortFrom(c.ip, uint16(c.port))
		o := got[ap]
		what := "no host"
		if b, ok := lan.Behavior(c.ip, c.port); ok {
			what = b.String()
		}
		t.Logf("%-20v %-22s %-26s in %v", ap, what, errnoName(o.err), o.elapsed.Round(time.Millisecond))
		if e := errnoName(o.err); e != c.errno {
			t.Errorf("%v: %s (%v), want %s", ap, e, o.err, c.errno)
		}
		if o.elapsed < c.min || o.elapsed > c.max {
			t.Errorf("%v: took %v, want %v to %v", ap, o.elapsed, c.min, c.max)
		}
		w, obs := lan.Want(c.ip, c.port), observed(o.err)
		if c.timeout == arp {
			// Want speaks for nmap, which stops waiting before ARP
			// fails: the same state, another reason.
			w.Reason = "host-unreach"
		}
		if w != obs {
			t.Errorf("%v: Want = %v, the connect says %v", ap, w, obs)
		}
		if o.err == nil && c.ip == at(10) && o.banner != "hello\n" {
			t.Errorf("%v: banner %q, want %q", ap, o.banner, "hello\n")
		}
	}

	prefix := strings.TrimSuffix(lan.Bridge.Name, "-lan")
	if err := lan.Close(); err != nil {
		t.Fatal(err)
	}
	if left := leftNamespaces(t, prefix); left != "" {
		t.Errorf("namespaces left after Close:\n%s", left)
	}
	if err := lan.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

// TestLANICMPRateLimit shows the kernel's default ICMP rate limit at
// work: 20 SYNs at once to 20 ports a host REJECTs with ICMP
// port-unreachable get about 6 refusals (the burst) and silence for the
// rest; with net.ipv4.icmp_ratelimit set to 0 all 20 are refused.
func TestLANICMPRateLimit(t *testing.T) {
	defer goleak.VerifyNone(t)
	ports := map[int]Behavior{}
	for p := 1000; p < 1020; p++ {
		ports[p] = PortUnreachable
	}
	lan := StartLAN(t, LANConfig{Hosts: []HostConfig{{Ports: ports}}})
	host := lan.Hosts()[0]
	burst := func() (refused, timedOut int, other []string) {
		targets := map[netip.AddrPort]time.Duration{}
		for p := range ports {
			targets[netip.AddrPortFrom(host, uint16(p))] = 500 * time.Millisecond
		}
		for ap, o := range dialAll(lan.Scanner, targets) {
			var ne net.Error
			switch {
			case errors.Is(o.err, syscall.ECONNREFUSED) && o.elapsed < 200*time.Millisecond:
				refused++
			case errors.As(o.err, &ne) && ne.Timeout():
				timedOut++
			default:
				other = append(other, fmt.Sprintf("%v: %v in %v", ap, o.err, o.elapsed))
			}
		}
		return refused, timedOut, other
	}

	refused, timedOut, other := burst()
	t.Logf("default limit: %d refused quickly, %d timed out after 500 ms", refused, timedOut)
	if refused < 3 || refused > 10 || timedOut != 20-refused || len(other) > 0 {
		t.Errorf("default limit: %d refused, %d timed out, others %q; want about 6 refused and the rest timed out", refused, timedOut, other)
	}

	if err := lan.Host(host).Sysctl("net.ipv4.icmp_ratelimit", "0"); err != nil {
		t.Fatal(err)
	}
	refused, timedOut, other = burst()
	t.Logf("icmp_ratelimit 0: %d refused quickly, %d timed out", refused, timedOut)
	if refused != 20 {
		t.Errorf("icmp_ratelimit 0: %d refused, %d timed out, others %q; want all 20 refused", refused, timedOut, other)
	}
}

// TestLANConfig checks the configurations NewLAN refuses before it
// touches the machine, and the addresses it hands out.
func TestLANConfig(t *testing.T) {
	for _, c := range []struct {
		name string
		cfg  LANConfig
		want string
	}{
		{"port 0", LANConfig{Hosts: []HostConfig{{Ports: map[int]Behavior{0: Open}}}}, "port 0 out of range"},
		{"port 65536", LANConfig{Hosts: []HostConfig{{Ports: map[int]Behavior{65536: Open}}}}, "port 65536 out of range"},
		{"bad behaviour", LANConfig{Hosts: []HostConfig{{Ports: map[int]Behavior{1: 42}}}}, "unknown Behavior(42)"},
		{"default open", LANConfig{Hosts: []HostConfig{{Default: Open}}}, "Default open"},
		{"down with ports", LANConfig{Hosts: []HostConfig{{Down: true, Ports: map[int]Behavior{22: Open}}}}, "Down host"},
		{"outside", LANConfig{Subnet: netip.MustParsePrefix("198.18.7.0/24"), Hosts: []HostConfig{{Addr: netip.MustParseAddr("198.18.8.1")}}}, "not free"},
		{"scanner's", LANConfig{Subnet: netip.MustParsePrefix("198.18.7.0/24"), Hosts: []HostConfig{{Addr: netip.MustParseAddr("198.18.7.1")}}}, "not free"},
		{"twice", LANConfig{Subnet: netip.MustParsePrefix("198.18.7.0/24"), Hosts: []HostConfig{{Addr: netip.MustParseAddr("198.18.7.9")}, {Addr: netip.MustParseAddr("198.18.7.9")}}}, "host 2: address 198.18.7.9 is not free"},
		{"/25", LANConfig{Subnet: netip.MustParsePrefix("198.18.7.0/25")}, "from /16 to /24"},
		{"IPv6", LANConfig{Subnet: netip.MustParsePrefix("2001:db8::/64")}, "from /16 to /24"},
		{"full", LANConfig{Hosts: make([]HostConfig, 246)}, "246 hosts do not fit"},
	} {
		l, err := NewLAN(c.cfg)
		if err == nil {
			l.Close()
		}
		if err == nil || errors.Is(err, ErrUnavailable) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: NewLAN error %v, want one containing %q", c.name, err, c.want)
		}
	}

	l := &LAN{subnet: netip.MustParsePrefix("198.18.7.0/24")}
	addrs, err := l.assign([]HostConfig{{}, {Addr: netip.MustParseAddr("198.18.7.10")}, {Down: true}, {Addr: netip.MustParseAddr("198.18.7.2")}})
	if got, want := fmt.Sprint(addrs), "[198.18.7.11 198.18.7.10 198.18.7.12 198.18.7.2]"; err != nil || got != want {
		t.Errorf("assign = %s, %v; want %s", got, err, want)
	}
	if addrs, err := l.assign(make([]HostConfig, 245)); err != nil || addrs[244] != netip.MustParseAddr("198.18.7.254") {
		t.Errorf("245 hosts: last %v, %v; want 198.18.7.254", addrs[len(addrs)-1], err)
	}
}

func TestBehaviorWant(t *testing.T) {
	got := ""
	for b := Closed; b <= HostUnreachable+1; b++ {
		got += fmt.Sprintf("%v: %v; ", b, b.Want())
	}
	want := "closed: closed conn-refused; open: open syn-ack; dropped: filtered no-response; " +
		"icmp-port-unreachable: closed conn-refused; icmp-admin-prohibited: filtered host-unreach; " +
		"icmp-host-unreachable: filtered host-unreach; Behavior(6): unknown; "
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

// TestLANWantMatchesNmap runs nmap's connect scan from the scanner over
// the hosts of TestLAN and checks that every port is what Want says.
func TestLANWantMatchesNmap(t *testing.T) {
	if testing.Short() {
		t.Skip("nmap waits out ARP failures and rate limits")
	}
	nmap, err := exec.LookPath("nmap")
	if err != nil {
		t.Skip("nmap not installed")
	}
	lan := StartLAN(t, LANConfig{Hosts: []HostConfig{
		{Ports: map[int]Behavior{22: Open, 80: Open, 81: Dropped, 82: PortUnreachable, 83: AdminProhibited, 84: HostUnreachable}},
		{Default: Dropped, Ports: map[int]Behavior{22: Open}},
		{Default: PortUnreachable, Ports: map[int]Behavior{80: Open, 81: Closed}},
		{Down: true},
	}})
	targets := append(lan.Hosts(), lan.Down()...)
	targets = append(targets, addrAdd(lan.Subnet().Addr(), 200))
	args := []string{"-sT", "-Pn", "-n", "--reason", "-p", "22,80-85,443", "-oX", "-"}
	for _, a := range targets {
		args = append(args, a.String())
	}
	start := time.Now()
	out, err := lan.Scanner.Command(nmap, args...).Output()
	if err != nil {
		t.Fatalf("nmap: %v\n%s", err, out)
	}
	t.Logf("nmap %s: %v", strings.Join(args, " "), time.Since(start).Round(time.Millisecond))
	var run struct {
		Hosts []struct {
			Addr struct {
				Addr string `xml:"addr,attr"`
			} `xml:"address"`
			Ports []struct {
				Port  int `xml:"portid,attr"`
				State struct {
					State  string `xml:"state,attr"`
					Reason string `xml:"reason,attr"`
				} `xml:"state"`
			} `xml:"ports>port"`
		} `xml:"host"`
	}
	if err := xml.Unmarshal(out, &run); err != nil {
		t.Fatal(err)
	}
	seen := 0
	for _, h := range run.Hosts {
		ip := netip.MustParseAddr(h.Addr.Addr)
		for _, p := range h.Ports {
			seen++
			got := PortState{p.State.State, p.State.Reason}
			t.Logf("%v:%d nmap %v", ip, p.Port, got)
			if w := lan.Want(ip, p.Port); w != got {
				t.Errorf("%v:%d: nmap says %v, Want %v", ip, p.Port, got, w)
			}
		}
	}
	if want := len(targets) * 8; seen != want {
		t.Errorf("nmap reported %d ports, want %d:\n%s", seen, want, out)
	}
}

// TestLANCleanupOnFailure runs a test that builds a LAN and then fails
// (t.Fatal) or panics midway, in a child process, and checks that the
// LAN's namespaces are gone when the child has exited.
func TestLANCleanupOnFailure(t *testing.T) {
	if mode := os.Getenv("NETNSTEST_LAN_CHILD"); mode != "" {
		lan := StartLAN(t, LANConfig{Hosts: []HostConfig{{Ports: map[int]Behavior{22: Open, 23: Dropped}}}})
		fmt.Printf("LAN %s\n", strings.TrimSuffix(lan.Bridge.Name, "-lan"))
		if mode == "panic" {
			panic("midway")
		}
		t.Fatal("midway")
	}
	if err := Available(); err != nil {
		t.Skip(err)
	}
	for _, mode := range []string{"fatal", "panic"} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestLANCleanupOnFailure$", "-test.v")
		cmd.Env = append(os.Environ(), "NETNSTEST_LAN_CHILD="+mode)
		out, err := cmd.CombinedOutput()
		if err == nil || !strings.Contains(string(out), "midway") {
			t.Errorf("%s: child: %v, want it to fail midway:\n%s", mode, err, out)
		}
		_, after, ok := strings.Cut(string(out), "LAN ")
		prefix, _, _ := strings.Cut(after, "\n")
		if !ok || !strings.HasPrefix(prefix, "netstar-") {
			t.Fatalf("%s: child built no LAN:\n%s", mode, out)
		}
		if left := leftNamespaces(t, prefix); left != "" {
			t.Errorf("%s: namespaces left after the failed test:\n%s", mode, left)
		}
	}
}
