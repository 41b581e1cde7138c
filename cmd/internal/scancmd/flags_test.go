package scancmd

import (
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/netstar/netstar/modules/socket/dnstest"
)

// listen6 starts a listener on [::1] that accepts and closes, or skips
// the test where IPv6 loopback is missing.
func listen6(t *testing.T) int {
	l, err := net.Listen("tcp", "[::1]:0")
	if err != nil {
		t.Skipf("no IPv6 loopback: %v", err)
	}
	var wg sync.WaitGroup
	wg.Go(func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	})
	t.Cleanup(func() { l.Close(); wg.Wait() })
	return l.Addr().(*net.TCPAddr).Port
}

// TestOtherAddresses: a name with several addresses is scanned at one,
// and the others are named as nmap names them ("Other addresses for
// NAME (not scanned): ..."), on stderr and in -oN; with -6 the scanned
// one is its IPv6 address. nmap 7.93, for a name /etc/hosts gives
// 127.0.0.1, 127.0.0.2, 127.0.0.3 and ::1, writes
// "Nmap scan report for multi.test (127.0.0.1)", "Host is up (...).",
// "Other addresses for multi.test (not scanned): ::1 127.0.0.2 127.0.0.3"
// (its resolver's order; netstar keeps its resolver's order too).
func TestOtherAddresses(t *testing.T) {
	dns := dnstest.NewServer()
	defer dns.Close()
	dns.AddA("multi.netstar.test", "127.0.0.1", "127.0.0.2")
	dns.AddAAAA("multi.netstar.test", "::1")
	dns.AddA("v4only.netstar.test", "127.0.0.1")
	env := map[string]string{"NETSTAR_RESOLVER": dns.Addr}
	port, _ := countingListener(t)
	nf := filepath.Join(t.TempDir(), "o.nmap")
	code, out, errs := runScan(t, env, "multi.netstar.test", "-p", fmt.Sprint(port), "--seed", "1", "-oN", nf, "-oJ", "-")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if want := "netstar scan: Other addresses for multi.netstar.test (not scanned): 127.0.0.2 ::1\n"; !strings.Contains(errs, want) {
		t.Errorf("stderr lacks %q:\n%s", want, errs)
	}
	if !strings.Contains(out, `"ip":"127.0.0.1","host":"multi.netstar.test"`) || !strings.Contains(out, `"state":"open"`) {
		t.Errorf("JSON Lines:\n%s", out)
	}
	n, _ := os.ReadFile(nf)
	if want := "Nmap scan report for multi.netstar.test (127.0.0.1)\nHost is up"; !strings.Contains(string(n), want) {
		t.Errorf("-oN lacks %q:\n%s", want, n)
	}
	if want := ").\nOther addresses for multi.netstar.test (not scanned): 127.0.0.2 ::1\n\nPORT "; !strings.Contains(string(n), want) {
		t.Errorf("-oN lacks %q:\n%s", want, n)
	}

	// -6: the IPv6 address is scanned, the IPv4 ones are the others.
	port6 := listen6(t)
	code, out, errs = runScan(t, env, "-6", "multi.netstar.test", "-p", fmt.Sprint(port6), "--seed", "1")
	if code != 0 || !strings.Contains(out, `"ip":"::1","host":"multi.netstar.test","port":`+fmt.Sprint(port6)+`,"proto":"tcp","state":"open"`) {
		t.Errorf("-6: exit %d, stdout %s, stderr %s", code, out, errs)
	}
	if want := "Other addresses for multi.netstar.test (not scanned): 127.0.0.1 127.0.0.2\n"; !strings.Contains(errs, want) {
		t.Errorf("-6: stderr lacks %q:\n%s", want, errs)
	}
	// A name without an IPv6 address fails to resolve under -6, as in
	// nmap ("Hostname ... resolves, but not to any IPv6 address").
	code, _, errs = runScan(t, env, "-6", "v4only.netstar.test", "::1", "-p", fmt.Sprint(port6), "--seed", "1")
	if code != ExitPartial || !strings.Contains(errs, `Failed to resolve "v4only.netstar.test". (no IPv6 address (scan it without -6))`) {
		t.Errorf("-6 v4only: exit %d, stderr %s", code, errs)
	}
}

// TestVerbose: -v names open ports as they are found on stderr (nmap's
// "Discovered open port 22/tcp on 127.0.0.1") and sets the XML's
// verbose level; -vv adds status lines and filtered ports.
func TestVerbose(t *testing.T) {
	port, _ := countingListener(t)
	xf := filepath.Join(t.TempDir(), "o.xml")
	code, _, errs := runScan(t, nil, "127.0.0.1", "-p", fmt.Sprintf("%d,1-3", port), "--seed", "1", "-v", "-oX", xf)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if want := fmt.Sprintf("Discovered open port %d/tcp on 127.0.0.1\n", port); !strings.Contains(errs, want) {
		t.Errorf("stderr lacks %q:\n%s", want, errs)
	}
	if !strings.Contains(errs, "netstar scan: connect scan of 1 hosts × 4 ports: 4 probes in shard all, seed 1\n") {
		t.Errorf("stderr lacks the start line:\n%s", errs)
	}
	if x, _ := os.ReadFile(xf); !strings.Contains(string(x), `<verbose level="1"/>`) {
		t.Errorf("XML:\n%s", x)
	}

	old := statusEvery
	statusEvery = 250 * time.Millisecond // -vv: every 50 ms
	defer func() { statusEvery = old }()
	var errb strings.Builder
	code = run(context.Background(), []string{"127.0.0.1", "-p", fmt.Sprintf("%d,1-5", port), "--rate", "20", "--seed", "1", "-vv", "-oJ", os.DevNull},
		strings.NewReader(""), io.Discard, &errb, noEnv)
	if code != 0 || !strings.Contains(errb.String(), "% done: ") {
		t.Errorf("-vv: exit %d, no status line:\n%s", code, errb.String())
	}
	c, err := parseArgs([]string{"127.0.0.1", "-vvv"}, nil, noEnv, io.Discard)
	if err != nil || c.verbose != 3 {
		t.Errorf("-vvv: %v, verbose %d", err, c.verbose)
	}
}

// TestPortSelection: -F is --top-ports 100; --exclude-ports leaves ports
// out of -p, and out of --top-ports and -F before the top N are taken,
// as nmap does (nmap 7.93: --top-ports 3 gives 23,80,443 and with
// --exclude-ports 80 gives 21,23,443).
func TestPortSelection(t *testing.T) {
	dir := t.TempDir()
	var table strings.Builder
	for p := 1; p <= 120; p++ {
		fmt.Fprintf(&table, "s%d\t%d/tcp\t%f\n", p, p, 1/float64(p)) // port 1 first
	}
	if err := os.WriteFile(filepath.Join(dir, "nmap-services"), []byte(table.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("NMAPDIR", dir)
	seq := func(lo, hi int) []int {
		var ps []int
		for p := lo; p <= hi; p++ {
			ps = append(ps, p)
		}
		return ps
	}
	for _, tt := range []struct {
		args []string
		want []int
	}{
		{[]string{"-F"}, seq(1, 100)},
		{[]string{"-F", "--exclude-ports", "1-10"}, seq(11, 110)},
		{[]string{"--top-ports", "3", "--exclude-ports", "2"}, []int{1, 3, 4}},
		{[]string{"-p", "1-10", "--exclude-ports", "3-5,9"}, []int{1, 2, 6, 7, 8, 10}},
		{[]string{"--exclude-ports", "2-1024"}, []int{1}},
	} {
		c, err := parseArgs(append([]string{"127.0.0.1"}, tt.args...), nil, noEnv, io.Discard)
		if err != nil {
			t.Errorf("%q: %v", tt.args, err)
			continue
		}
		if !slices.Equal(c.ports, tt.want) {
			t.Errorf("%q: ports %v, want %v", tt.args, c.ports, tt.want)
		}
	}
}
