package scancmd

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/netstar/netstar/modules/socket/netnstest"
)

// TestHostStatus: netstar scan says which hosts are up as nmap does.
// On a /24 where one address lives, discovery finds it up and the rest
// down (XML <hosts up down total>, -oN's "Nmap done" line), only the
// live host is reported, and -Pn reports every host up, user-set; -sn
// scans no port.
func TestHostStatus(t *testing.T) {
	n := netnstest.Start(t)
	if _, err := n.Remote.Serve("0.0.0.0:22", ""); err != nil {
		t.Fatal(err)
	}
	prefix := n.Remote.Addr.String()[:strings.LastIndexByte(n.Remote.Addr.String(), '.')]
	targets := prefix + ".2-9" // .2 is Remote, .3-.9 are empty
	dir := t.TempDir()
	hostsLine := regexp.MustCompile(`<hosts up="(\d+)" down="(\d+)" total="(\d+)"/>`)
	for _, tt := range []struct {
		name     string
		flags    []string
		hosts    string // up down total
		status   string
		done     string
		wantPort bool
	}{
		// As root, discovery asks the segment by ARP, as nmap does.
		{"discovery", nil, "1 7 8", `<status state="up" reason="arp-response"`, "8 IP addresses (1 host up)", true},
		{"-Pn", []string{"-Pn", "--timeout", "200ms", "--retries", "0"}, "8 0 8", `<status state="up" reason="user-set"`, "8 IP addresses (8 hosts up)", true},
		{"-sn", []string{"-sn"}, "1 7 8", "", "8 IP addresses (1 host up)", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			base := filepath.Join(dir, strings.TrimPrefix(tt.name, "-"))
			args := append([]string{targets, "-p", "22,23", "--netns", n.Local.Path, "-oA", base}, tt.flags...)
			if code, _, stderr := runScan(t, nil, args...); code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			x, err := os.ReadFile(base + ".xml")
			if err != nil {
				t.Fatal(err)
			}
			m := hostsLine.FindStringSubmatch(string(x))
			if m == nil || strings.Join(m[1:], " ") != tt.hosts {
				t.Errorf("XML hosts %q, want up down total %s", m, tt.hosts)
			}
			if tt.status != "" && !strings.Contains(string(x), tt.status) {
				t.Errorf("XML lacks %s:\n%s", tt.status, x)
			}
			if got := strings.Contains(string(x), `portid="22"`); got != tt.wantPort {
				t.Errorf("XML has port 22: %v, want %v", got, tt.wantPort)
			}
			normal, err := os.ReadFile(base + ".nmap")
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(normal), tt.done) {
				t.Errorf("-oN lacks %q:\n%s", tt.done, normal)
			}
			validXML(t, base+".xml")
		})
	}
}
