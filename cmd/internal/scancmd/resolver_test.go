package scancmd

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/netstar/netstar/modules/socket/dnstest"
)

// TestResolverFromEnv: with NETSTAR_RESOLVER set, a name only the DNS
// fixture knows is scanned. Regression test: scancmd resolved names
// with the system's resolver whatever NETSTAR_RESOLVER said.
func TestResolverFromEnv(t *testing.T) {
	dns := dnstest.NewServer()
	defer dns.Close()
	dns.AddA("only-the-fixture.netstar.test", "127.0.0.1")
	port, accepted := countingListener(t)
	code, out, errs := runScan(t, map[string]string{"NETSTAR_RESOLVER": dns.Addr},
		"only-the-fixture.netstar.test", "-p", fmt.Sprint(port), "--seed", "1")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{`"host":"only-the-fixture.netstar.test"`, `"ip":"127.0.0.1"`, `"state":"open"`} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %s:\n%s", want, out)
		}
	}
	// The listener's accept loop runs on its own: give it time to count
	// the probe's connection.
	for i := 0; i < 500 && accepted.Load() == 0; i++ {
		time.Sleep(10 * time.Millisecond)
	}
	if accepted.Load() == 0 || dns.Queries() == 0 {
		t.Errorf("%d probes, %d DNS queries", accepted.Load(), dns.Queries())
	}
	// An internationalized name is looked up in its idna form.
	dns.AddA("xn--espaa-rta.netstar.test", "127.0.0.1")
	code, out, errs = runScan(t, map[string]string{"NETSTAR_RESOLVER": dns.Addr},
		"españa.netstar.test", "-p", fmt.Sprint(port), "--seed", "1")
	if code != ExitOK || !strings.Contains(out, `"host":"xn--espaa-rta.netstar.test","port":`) || !strings.Contains(out, `"state":"open"`) {
		t.Errorf("españa.netstar.test: exit %d, stdout %q, stderr %q", code, out, errs)
	}

	// A name the fixture does not know fails the scan (exit 1), without
	// asking any other resolver.
	before := dns.Queries()
	code, _, errs = runScan(t, map[string]string{"NETSTAR_RESOLVER": dns.Addr},
		"unknown.netstar.test", "-p", fmt.Sprint(port), "--seed", "1")
	if code != ExitFailure || !strings.Contains(errs, "unknown.netstar.test") {
		t.Errorf("unknown name: exit %d, stderr %q", code, errs)
	}
	if dns.Queries() == before {
		t.Error("the unknown name never reached the fixture")
	}
}

// TestUnresolvedNameFromList: a name from -iL that does not resolve is
// reported with the file and line it came from, before any probe.
func TestUnresolvedNameFromList(t *testing.T) {
	dns := dnstest.NewServer()
	defer dns.Close()
	dns.AddA("known.netstar.test", "127.0.0.1")
	port, accepted := countingListener(t)
	list := filepath.Join(t.TempDir(), "targets.txt")
	if err := os.WriteFile(list, []byte("# lab\n127.0.0.1\nknown.netstar.test, typo.netstar.test\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errs := runScan(t, map[string]string{"NETSTAR_RESOLVER": dns.Addr}, "-iL", list, "-p", fmt.Sprint(port), "--seed", "1")
	if code != ExitFailure || out != "" {
		t.Errorf("exit %d, stdout %q", code, out)
	}
	if want := list + ":3: resolving typo.netstar.test"; !strings.Contains(errs, want) {
		t.Errorf("stderr %q lacks %q", errs, want)
	}
	if accepted.Load() != 0 {
		t.Errorf("%d probes reached the listener", accepted.Load())
	}
}
