package scancmd

import (
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/netstar/netstar/modules/socket/scan"
)

// TestTargetPatterns: nmap's octet patterns work on the command line,
// in -iL lists and in --exclude, and -iL adds to the command line's
// targets (nmap 7.93 ignores command-line targets when -iL is given;
// netstar scans both).
func TestTargetPatterns(t *testing.T) {
	list := filepath.Join(t.TempDir(), "targets.txt")
	if err := os.WriteFile(list, []byte("127.0.1.1-3,5 # a comment\n127.0,1.2.1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	c, err := parseArgs([]string{"127.0.0.1,5", "127.0-1.3.1", "-iL", list, "--exclude", "127.0.1.2,3", "-p", "1"}, nil, noEnv, new(nopWriter))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, tg := range c.targets {
		tg.Addrs(func(a netip.Addr) bool { got = append(got, a.String()); return true })
	}
	want := []string{"127.0.0.1", "127.0.0.5", "127.0.3.1", "127.1.3.1", "127.0.1.1", "127.0.1.2", "127.0.1.3", "127.0.1.5", "127.0.2.1", "127.1.2.1"}
	if !slices.Equal(got, want) {
		t.Errorf("targets %v, want %v", got, want)
	}
	n, err := scan.Positions(c.targets, c.exclude, c.ports, scan.Shard{})
	if err != nil || n != uint64(len(want)-2) {
		t.Errorf("positions %d (%v), want %d: --exclude 127.0.1.2,3 leaves two out", n, err, len(want)-2)
	}

	// Scanned on loopback: 127.0.0.1,2 is two hosts.
	port, _ := countingListener(t)
	code, out, errs := runScan(t, nil, "127.0.0.1,2", "-p", fmt.Sprint(port), "--seed", "1")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if !strings.Contains(out, `"ip":"127.0.0.1",`) || !strings.Contains(out, `"ip":"127.0.0.2",`) || strings.Count(out, "\n") != 2 {
		t.Errorf("127.0.0.1,2 scanned:\n%s", out)
	}
}

type nopWriter struct{}

func (nopWriter) Write(p []byte) (int, error) { return len(p), nil }
