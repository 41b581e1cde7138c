package scan_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/netstar/netstar/modules/socket/netnstest"
	"github.com/netstar/netstar/modules/socket/scan"
)

// rejectPortUnreachable makes ns answer SYNs to ports first..last with
// ICMP port-unreachable, which the client sees as ECONNREFUSED: closed,
// as nmap -sT reports it (conn-refused).
func rejectPortUnreachable(t *testing.T, ns *netnstest.Namespace, first, last int) {
	t.Helper()
	out, err := ns.Command("iptables", "-w", "-A", "INPUT", "-p", "tcp", "--syn", "--dport", fmt.Sprintf("%d:%d", first, last),
		"-j", "REJECT", "--reject-with", "icmp-port-unreachable").CombinedOutput()
	if err != nil {
		t.Fatalf("iptables: %v: %s", err, out)
	}
}

// TestClosedUnderICMPRateLimit: a host that refuses closed ports with
// ICMP port-unreachable under Linux's default ICMP rate limit (a burst
// of about 6, then one a second) answers every port eventually; the
// scanner must wait for those answers, as nmap does, and call every
// one of them closed, not filtered.
func TestClosedUnderICMPRateLimit(t *testing.T) {
	if testing.Short() {
		t.Skip("takes about 30 s: the target answers one refusal a second")
	}
	n := netnstest.Start(t)
	// The kernel's default, which netnstest turns off for its other tests.
	if err := n.Remote.Sysctl("net.ipv4.icmp_ratelimit", "1000"); err != nil {
		t.Fatal(err)
	}
	if _, err := n.Remote.Serve("0.0.0.0:22", ""); err != nil {
		t.Fatal(err)
	}
	rejectPortUnreachable(t, n.Remote, 1, 21)
	rejectPortUnreachable(t, n.Remote, 23, 30)
	s := &scan.Scanner{Namespace: n.Local.Path, NoReverse: true}
	start := time.Now()
	res, err := s.Scan(context.Background(), mustTargets(t, n.Remote.Addr.String()), mustPorts(t, "1-30"))
	if err != nil {
		t.Fatal(err)
	}
	r := res[0]
	if got := r.Open(); !slices.Equal(got, []int{22}) {
		t.Errorf("open = %v, want [22]", got)
	}
	if got := r.Filtered(); len(got) != 0 {
		t.Errorf("filtered = %v, want none: every closed port answers, slowly", got)
	}
	for _, p := range r.Ports {
		if p.State == scan.Closed && p.Reason != "ECONNREFUSED" {
			t.Errorf("port %d closed with reason %q", p.Port, p.Reason)
		}
	}
	t.Logf("29 refused ports under the ICMP rate limit: %v, %d retries", time.Since(start).Round(time.Millisecond), r.Retries)
}

// TestSparseSubnet: on a /24 where one address answers and the others
// are empty (ARP fails: EHOSTUNREACH after the kernel's ARP timeout, or
// no answer), the scan stays fast and the live host's ports exact. An
// unreachable address is not evidence of congestion, so it must not
// shrink the window the live host is scanned with.
var sparseRange = ".2-60"

func TestSparseSubnet(t *testing.T) {
	n := netnstest.Start(t)
	for _, p := range []int{22, 80} {
		if _, err := n.Remote.Serve(fmt.Sprintf("0.0.0.0:%d", p), ""); err != nil {
			t.Fatal(err)
		}
	}
	prefix := n.Remote.Addr.String()[:strings.LastIndexByte(n.Remote.Addr.String(), '.')]
	// .2 is Remote; .3-.40 are empty.
	targets := mustTargets(t, prefix+sparseRange)
	s := &scan.Scanner{Namespace: n.Local.Path, NoReverse: true}
	start := time.Now()
	res, err := s.Scan(context.Background(), targets, mustPorts(t, "1-100"))
	if err != nil {
		t.Fatal(err)
	}
	elapsed := time.Since(start)
	for _, r := range res {
		if r.IP == n.Remote.Addr {
			if got := r.Open(); !slices.Equal(got, []int{22, 80}) {
				t.Errorf("%s open = %v, want [22 80]", r.IP, got)
			}
			if got := len(r.Closed()); got != 98 {
				t.Errorf("%s: %d closed, want 98", r.IP, got)
			}
			continue
		}
		if len(r.Open())+len(r.Closed()) != 0 {
			t.Errorf("%s (empty) has open %v closed %v", r.IP, r.Open(), r.Closed())
		}
	}
	var retries, local int
	for _, r := range res {
		retries += r.Retries
		local += r.LocalErrors
	}
	t.Logf("%d addresses × 100 ports, 1 live: %v, %d retries, %d local errors", len(res), elapsed.Round(time.Millisecond), retries, local)
}

// TestDiscovery: with Discover, the empty addresses of a sparse subnet
// are found down by their pings and not port-scanned, the live host is
// up with nmap's reason, and its ports are exact; PingOnly stops there.
func TestDiscovery(t *testing.T) {
	n := netnstest.Start(t)
	if _, err := n.Remote.Serve("0.0.0.0:22", ""); err != nil {
		t.Fatal(err)
	}
	prefix := n.Remote.Addr.String()[:strings.LastIndexByte(n.Remote.Addr.String(), '.')]
	targets := mustTargets(t, prefix+".2-254")
	for _, mode := range []struct{ pingOnly, noARP, noICMP bool }{{false, false, false}, {true, false, false}, {false, true, false}, {false, true, true}} {
		pingOnly := mode.pingOnly
		s := &scan.Scanner{Namespace: n.Local.Path, NoReverse: true, Discover: true, PingOnly: pingOnly, NoARP: mode.noARP, NoICMP: mode.noICMP}
		wantReason := scan.ReasonARP // as root, the segment is asked by ARP
		switch {
		case mode.noICMP:
			wantReason = scan.ReasonConnRefused // 80 and 443 are closed
		case mode.noARP:
			wantReason = scan.ReasonEchoReply // as root, an ICMP echo too
		}
		start := time.Now()
		res, err := s.Scan(context.Background(), targets, mustPorts(t, "1-100"))
		if err != nil {
			t.Fatal(err)
		}
		up := 0
		for _, r := range res {
			if r.IP == n.Remote.Addr {
				if !r.Up || r.Reason != wantReason {
					t.Errorf("%+v: %s: up %v reason %q, want up, %s", mode, r.IP, r.Up, r.Reason, wantReason)
				}
				wantPorts := 100
				if pingOnly {
					wantPorts = 0
				}
				if len(r.Ports) != wantPorts {
					t.Errorf("pingOnly %v: %d ports, want %d", pingOnly, len(r.Ports), wantPorts)
				}
				if !pingOnly && !slices.Equal(r.Open(), []int{22}) {
					t.Errorf("open = %v, want [22]", r.Open())
				}
			}
			if r.Up {
				up++
				continue
			}
			if r.Reason != scan.ReasonNoResponse || len(r.Ports) != 0 {
				t.Errorf("%s down: reason %q, %d ports", r.IP, r.Reason, len(r.Ports))
			}
		}
		if up != 1 {
			t.Errorf("%d hosts up, want 1", up)
		}
		t.Logf("%+v: 253 addresses, 1 live: %v", mode, time.Since(start).Round(time.Millisecond))
	}
}

// TestDiscoveryStream: Stream skips the positions of hosts found down
// and reports how many hosts are up.
func TestDiscoveryStream(t *testing.T) {
	n := netnstest.Start(t)
	if _, err := n.Remote.Serve("0.0.0.0:22", ""); err != nil {
		t.Fatal(err)
	}
	prefix := n.Remote.Addr.String()[:strings.LastIndexByte(n.Remote.Addr.String(), '.')]
	s := &scan.Scanner{Namespace: n.Local.Path, NoReverse: true, Discover: true, NoARP: true, Seed: 7, Shard: scan.Shard{Index: 1, Count: 2}}
	var recs []scan.Record
	st, err := s.Stream(context.Background(), mustTargets(t, prefix+".2-20"), mustPorts(t, "1-100"), scan.StreamOptions{
		Sink: func(r scan.Record) error { recs = append(recs, r); return nil },
	})
	if err != nil {
		t.Fatal(err)
	}
	if st.HostsUp != 1 || st.PingsSent < 19*2 {
		t.Errorf("HostsUp %d, PingsSent %d; want 1 and at least 38", st.HostsUp, st.PingsSent)
	}
	for _, r := range recs {
		if r.IP != n.Remote.Addr {
			t.Fatalf("a record for %s, which is down", r.IP)
		}
	}
	if uint64(len(recs))+st.Skipped != st.Positions || len(recs) == 0 {
		t.Errorf("%d records + %d skipped != %d positions", len(recs), st.Skipped, st.Positions)
	}
}

// dropSYNs makes ns drop every SYN it is sent: filtered, no answer.
func dropSYNs(t *testing.T, ns *netnstest.Namespace) {
	t.Helper()
	out, err := ns.Command("iptables", "-w", "-A", "INPUT", "-p", "tcp", "--syn", "-j", "DROP").CombinedOutput()
	if err != nil {
		t.Fatalf("iptables: %v: %s", err, out)
	}
}

// TestTimingKnobs: nmap's --host-timeout gives up on a silent host
// without probing the rest of its ports, and --initial-rtt-timeout sets
// how long a probe of a host that never answered waits.
func TestTimingKnobs(t *testing.T) {
	n := netnstest.Start(t)
	dropSYNs(t, n.Remote)
	target := mustTargets(t, n.Remote.Addr.String())

	t.Run("host-timeout", func(t *testing.T) {
		s := &scan.Scanner{Namespace: n.Local.Path, NoReverse: true, Workers: 4, Retries: -1,
			Timeout: 300 * time.Millisecond, HostTimeout: 500 * time.Millisecond}
		ps := mustPorts(t, "1-200")
		res, err := s.Scan(context.Background(), target, ps)
		if err != nil {
			t.Fatal(err)
		}
		r := res[0]
		var given int
		for _, p := range r.Ports {
			if p.State != scan.Filtered {
				t.Errorf("port %d: %v, want filtered", p.Port, p.State)
			}
			if p.Reason == scan.ReasonHostTimeout {
				given++
			}
		}
		if len(r.Ports) != len(ps) {
			t.Errorf("%d ports recorded, want %d: every probe has a record", len(r.Ports), len(ps))
		}
		// 4 at a time, 300 ms each: about 8 probes before 500 ms; the
		// other ports are given up without a probe.
		if given < 150 {
			t.Errorf("%d ports given up for the host timeout, want most of the %d", given, len(ps))
		}
	})

	t.Run("initial-rtt-timeout", func(t *testing.T) {
		s := &scan.Scanner{Namespace: n.Local.Path, NoReverse: true, Retries: -1, InitialRTTTimeout: 100 * time.Millisecond}
		res, err := s.Scan(context.Background(), target, mustPorts(t, "1-5"))
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range res[0].Ports {
			if p.State != scan.Filtered || p.Reason != scan.ReasonTimeout {
				t.Errorf("port %d: %v (%s), want filtered (ETIMEDOUT)", p.Port, p.State, p.Reason)
			}
			// The default would be 1 s; the knob makes it 100 ms.
			if p.RTT < 100*time.Millisecond || p.RTT >= time.Second {
				t.Errorf("port %d waited %v, want 100 ms (well under the 1 s default)", p.Port, p.RTT)
			}
		}
	})
}

// TestDiscoveryBroadcast: a /24's network and broadcast addresses are
// targets too; an ICMP echo to them fails locally (EACCES without
// SO_BROADCAST), which means no answer, not a failed scan.
func TestDiscoveryBroadcast(t *testing.T) {
	n := netnstest.Start(t)
	prefix := n.Remote.Addr.String()[:strings.LastIndexByte(n.Remote.Addr.String(), '.')]
	for _, noARP := range []bool{false, true} {
		s := &scan.Scanner{Namespace: n.Local.Path, NoReverse: true, Discover: true, NoARP: noARP, Timeout: 200 * time.Millisecond}
		res, err := s.Scan(context.Background(), mustTargets(t, prefix+".0,255"), mustPorts(t, "22"))
		if err != nil {
			t.Fatalf("noARP %v: %v", noARP, err)
		}
		for _, r := range res {
			if r.Up {
				t.Errorf("noARP %v: %s is up (%s)", noARP, r.IP, r.Reason)
			}
		}
	}
}

// TestLossyHost: a host behind a link that drops every third SYN. Its
// closed and open ports answer a retry, so they must come out exact, not
// filtered: the scanner sees the drops (a retry answered after a
// timeout), gives the host more retries, as nmap does, and narrows the
// host's own window.
func TestLossyHost(t *testing.T) {
	n := netnstest.Start(t)
	for _, p := range []int{22, 80} {
		if _, err := n.Remote.Serve(fmt.Sprintf("0.0.0.0:%d", p), ""); err != nil {
			t.Fatal(err)
		}
	}
	out, err := n.Remote.Command("iptables", "-w", "-A", "INPUT", "-p", "tcp", "--syn", "-m", "statistic", "--mode", "nth", "--every", "3", "--packet", "0", "-j", "DROP").CombinedOutput()
	if err != nil {
		t.Fatalf("iptables: %v: %s", err, out)
	}
	s := &scan.Scanner{Namespace: n.Local.Path, NoReverse: true}
	res, err := s.Scan(context.Background(), mustTargets(t, n.Remote.Addr.String()), mustPorts(t, "1-300"))
	if err != nil {
		t.Fatal(err)
	}
	r := res[0]
	if got := r.Open(); !slices.Equal(got, []int{22, 80}) {
		t.Errorf("open = %v, want [22 80]", got)
	}
	if got := r.Filtered(); len(got) != 0 {
		t.Errorf("filtered = %v, want none: every port answers one try in three", got)
	}
	if r.Retries == 0 {
		t.Error("no retries: the drops were not seen")
	}
	t.Logf("300 ports, every third SYN dropped: %d retries", r.Retries)
}
