package scan_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/netstar/netstar/modules/socket/netnstest"
	"github.com/netstar/netstar/modules/socket/scan"
	"go.uber.org/goleak"
)

// loopbackLab starts a Net whose Local namespace listens on 11 ports of
// its loopback, some in the ephemeral range 32768-60999, and returns
// them sorted.
func loopbackLab(t testing.TB) (*netnstest.Net, []int) {
	n := netnstest.Start(t)
	var open []int
	for _, addr := range []string{"127.0.0.1:22", "0.0.0.0:80", "127.0.0.1:443", "127.0.0.1:8080", "127.0.0.1:32768",
		"127.0.0.1:45000", "127.0.0.1:60999", "127.0.0.1:65535", "127.0.0.1:0", "127.0.0.1:0", "127.0.0.1:0"} {
		p, err := n.Local.Serve(addr, "")
		if err != nil {
			t.Fatal(err)
		}
		open = append(open, p)
	}
	slices.Sort(open)
	return n, open
}

func mustTargets(t testing.TB, spec string) []scan.Target {
	ts, err := scan.ParseTargets(spec, 0)
	if err != nil {
		t.Fatal(err)
	}
	return ts
}

func mustPorts(t testing.TB, spec string) []int {
	ps, err := scan.ParsePorts(spec)
	if err != nil {
		t.Fatal(err)
	}
	return ps
}

// checkExact fails unless r has exactly the wanted open and filtered
// ports, and every other scanned port closed, each with its reason.
func checkExact(t testing.TB, r scan.Result, nports int, open, filtered []int) {
	t.Helper()
	if len(r.Ports) != nports {
		t.Fatalf("%d port records, want %d", len(r.Ports), nports)
	}
	if got := r.Open(); !slices.Equal(got, open) {
		t.Errorf("open = %v, want %v", got, open)
	}
	if got := r.Filtered(); !slices.Equal(got, filtered) {
		t.Errorf("filtered = %d ports %v, want %d ports", len(got), head(got), len(filtered))
	}
	if got, want := len(r.Closed()), nports-len(open)-len(filtered); got != want {
		t.Errorf("%d closed, want %d", got, want)
	}
	for _, p := range r.Ports {
		var ok bool
		switch p.State {
		case scan.Open:
			ok = p.Reason == scan.ReasonSynAck
		case scan.Closed:
			ok = p.Reason == "ECONNREFUSED" || p.Reason == scan.ReasonSelfConnect
		case scan.Filtered:
			ok = p.Reason == scan.ReasonTimeout || p.Reason == "EHOSTUNREACH"
		}
		if !ok {
			t.Errorf("port %d %s has reason %q", p.Port, p.State, p.Reason)
		}
	}
}

func head(xs []int) []int { return xs[:min(len(xs), 10)] }

func TestLoopbackExact(t *testing.T) {
	n, open := loopbackLab(t)
	s := &scan.Scanner{Namespace: n.Local.Path, NoReverse: true}
	for i := range 3 {
		res, err := s.Scan(context.Background(), mustTargets(t, "127.0.0.1"), mustPorts(t, "-"))
		if err != nil {
			t.Fatal(err)
		}
		if len(res) != 1 || res[0].IP.String() != "127.0.0.1" || res[0].Host != "127.0.0.1" {
			t.Fatalf("results = %+v", res)
		}
		t.Logf("run %d: %v, %d retries, %d local errors", i, res[0].Elapsed, res[0].Retries, res[0].LocalErrors)
		checkExact(t, res[0], 65535, open, nil)
	}
}

// TestSelfConnect narrows the namespace's ephemeral port range to the
// ports being scanned, so that the kernel often connects a probe to
// itself; none of those may be reported open.
func TestSelfConnect(t *testing.T) {
	n := netnstest.Start(t)
	if err := n.Local.Sysctl("net.ipv4.ip_local_port_range", "40000 40007"); err != nil {
		t.Fatal(err)
	}
	listener, err := n.Local.Serve("127.0.0.1:40003", "")
	if err != nil {
		t.Fatal(err)
	}
	// One probe at a time: with two, a probe from local port A to B and
	// one from B to A can open a connection to each other (TCP's
	// simultaneous open), which the engine does not detect yet and
	// reports as two open ports.
	s := &scan.Scanner{Namespace: n.Local.Path, NoReverse: true, Workers: 1}
	retries := 0
	for range 50 {
		res, err := s.Scan(context.Background(), mustTargets(t, "127.0.0.1"), mustPorts(t, "40000-40007"))
		if err != nil {
			t.Fatal(err)
		}
		checkExact(t, res[0], 8, []int{listener}, nil)
		retries += res[0].Retries
	}
	if retries == 0 {
		t.Error("no self-connection happened in 50 scans: the test proves nothing")
	}
	t.Logf("%d self-connections detected", retries)
}

func TestRemoteExact(t *testing.T) {
	n := netnstest.Start(t)
	var open []int
	for _, p := range []int{22, 80, 1500, 2999} {
		if _, err := n.Remote.Serve(fmt.Sprintf("0.0.0.0:%d", p), ""); err != nil {
			t.Fatal(err)
		}
		open = append(open, p)
	}
	var filtered []int
	for p := 1001; p <= 2000; p++ {
		if p != 1500 {
			filtered = append(filtered, p)
		}
	}
	if err := n.Remote.DropSYN(filtered...); err != nil {
		t.Fatal(err)
	}
	rejected := []int{2500, 2501, 2502}
	if err := n.Remote.RejectSYN(rejected...); err != nil {
		t.Fatal(err)
	}
	filtered = append(filtered, rejected...)
	slices.Sort(filtered)

	s := &scan.Scanner{Namespace: n.Local.Path, NoReverse: true, Timeout: 300 * time.Millisecond}
	res, err := s.Scan(context.Background(), mustTargets(t, n.Remote.Addr.String()), mustPorts(t, "1-3000"))
	if err != nil {
		t.Fatal(err)
	}
	r := res[0]
	checkExact(t, r, 3000, open, filtered)
	for _, p := range r.Ports {
		if slices.Contains(rejected, p.Port) && p.Reason != "EHOSTUNREACH" {
			t.Errorf("rejected port %d: reason %q, want EHOSTUNREACH", p.Port, p.Reason)
		}
	}
	// Every dropped port was probed again once (Retries defaults to 1).
	if r.Retries < 999 {
		t.Errorf("%d retries, want at least 999", r.Retries)
	}
	t.Logf("elapsed %v", r.Elapsed)
}

func TestBanner(t *testing.T) {
	n := netnstest.Start(t)
	ssh, err := n.Local.Serve("127.0.0.1:0", "SSH-2.0-netnstest\r\n")
	if err != nil {
		t.Fatal(err)
	}
	quiet, err := n.Local.Serve("127.0.0.1:0", "")
	if err != nil {
		t.Fatal(err)
	}
	s := &scan.Scanner{Namespace: n.Local.Path, NoReverse: true, Banner: true, BannerTimeout: 200 * time.Millisecond}
	res, err := s.Scan(context.Background(), mustTargets(t, "127.0.0.1"), []int{ssh, quiet, 1})
	if err != nil {
		t.Fatal(err)
	}
	got := map[int]scan.Port{}
	for _, p := range res[0].Ports {
		got[p.Port] = p
	}
	if p := got[ssh]; p.State != scan.Open || p.Banner != "SSH-2.0-netnstest\r\n" {
		t.Errorf("banner port = %+v", p)
	}
	if p := got[quiet]; p.State != scan.Open || p.Banner != "" {
		t.Errorf("quiet port = %+v", p)
	}
	if p := got[1]; p.State != scan.Closed || p.Service != "tcpmux" {
		t.Errorf("port 1 = %+v", p)
	}
}

// TestNoTimeWait checks that back-to-back scans leave no TIME_WAIT
// sockets behind on either side.
func TestNoTimeWait(t *testing.T) {
	for _, banner := range []bool{false, true} {
		n, open := loopbackLab(t)
		s := &scan.Scanner{Namespace: n.Local.Path, NoReverse: true, Banner: banner, BannerTimeout: 50 * time.Millisecond}
		for range 3 {
			res, err := s.Scan(context.Background(), mustTargets(t, "127.0.0.1"), mustPorts(t, "1-1024,32768,45000,60999,65535"))
			if err != nil {
				t.Fatal(err)
			}
			if got := res[0].Open(); len(got) < 5 {
				t.Fatalf("open = %v (listening: %v)", got, open)
			}
		}
		states, err := n.Local.TCPStates()
		if err != nil {
			t.Fatal(err)
		}
		if states["TIME_WAIT"] != 0 || states["LISTEN"] != len(open) {
			t.Errorf("banner=%v: sockets after scans: %v", banner, states)
		}
	}
}

// TestCancel cancels a scan of silent ports: Scan returns ctx's error,
// closes its sockets and leaves no goroutine behind.
func TestCancel(t *testing.T) {
	n := netnstest.Start(t)
	if err := n.Remote.DropSYN(1, 2, 3, 4, 5, 6, 7, 8, 9, 10); err != nil {
		t.Fatal(err)
	}
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	before := openFDs(t)
	ctx, cancel := context.WithCancel(context.Background())
	s := &scan.Scanner{Namespace: n.Local.Path, NoReverse: true, Timeout: time.Hour}
	done := make(chan struct{})
	var res []scan.Result
	var err error
	go func() {
		defer close(done)
		res, err = s.Scan(ctx, mustTargets(t, n.Remote.Addr.String()), mustPorts(t, "1-20"))
	}()
	time.Sleep(100 * time.Millisecond) // let the probes start; not an assertion
	cancel()
	<-done
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	// The closed ports answered at once; the dropped ones are missing.
	if len(res) != 1 || len(res[0].Ports) != 10 || len(res[0].Closed()) != 10 {
		t.Errorf("partial result = %+v", res)
	}
	if after := openFDs(t); after != before {
		t.Errorf("%d descriptors open after the scan, %d before", after, before)
	}
}
