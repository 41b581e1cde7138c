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

	// A name the fixture does not know, alone, leaves nothing to scan
	// (exit 1), without asking any other resolver.
	before := dns.Queries()
	code, _, errs = runScan(t, map[string]string{"NETSTAR_RESOLVER": dns.Addr},
		"unknown.netstar.test", "-p", fmt.Sprint(port), "--seed", "1")
	if code != ExitFailure || !strings.Contains(errs, `Failed to resolve "unknown.netstar.test".`) || !strings.Contains(errs, "no target to scan") {
		t.Errorf("unknown name: exit %d, stderr %q", code, errs)
	}
	if dns.Queries() == before {
		t.Error("the unknown name never reached the fixture")
	}
}

// TestUnresolvedNameFromList: a name from -iL that does not resolve is
// reported with the file and line it came from, in nmap's words, and the
// other targets are scanned; the exit status says some were not.
func TestUnresolvedNameFromList(t *testing.T) {
	dns := dnstest.NewServer()
	defer dns.Close()
	dns.AddA("known.netstar.test", "127.0.0.1")
	port, accepted := countingListener(t)
	list := filepath.Join(t.TempDir(), "targets.txt")
	if err := os.WriteFile(list, []byte("# lab\n127.0.0.1\nknown.netstar.test, typo.netstar.test\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	nf := filepath.Join(t.TempDir(), "o.nmap")
	code, out, errs := runScan(t, map[string]string{"NETSTAR_RESOLVER": dns.Addr}, "-iL", list, "-p", fmt.Sprint(port), "--seed", "1", "-oJ", "-", "-oN", nf)
	if code != ExitPartial {
		t.Errorf("exit %d, want %d", code, ExitPartial)
	}
	if want := list + `:3: Failed to resolve "typo.netstar.test".`; !strings.Contains(errs, want) {
		t.Errorf("stderr %q lacks %q", errs, want)
	}
	if want := `1 target not scanned: "typo.netstar.test" did not resolve (exit status 4)`; !strings.Contains(errs, want) {
		t.Errorf("stderr %q lacks %q", errs, want)
	}
	if strings.Count(out, "\n") != 2 || !strings.Contains(out, `"host":"known.netstar.test"`) || !strings.Contains(out, `"ip":"127.0.0.1","port"`) {
		t.Errorf("the other targets were not scanned:\n%s", out)
	}
	if n, _ := os.ReadFile(nf); !strings.Contains(string(n), "\nFailed to resolve \"typo.netstar.test\".\nNmap scan report for ") {
		t.Errorf("-oN does not name the name that failed:\n%s", n)
	}
	for i := 0; i < 500 && accepted.Load() < 2; i++ {
		time.Sleep(10 * time.Millisecond)
	}
	if accepted.Load() != 2 {
		t.Errorf("%d probes reached the listener, want 2", accepted.Load())
	}
}
