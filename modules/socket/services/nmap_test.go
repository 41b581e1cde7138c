package services_test

import (
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/netstar/netstar/modules/socket/scan"
	"github.com/netstar/netstar/modules/socket/services"
)

// TestTopPortsLikeNmap compares TopPorts with the port list nmap itself
// scans for --top-ports (its XML scaninfo), on loopback.
func TestTopPortsLikeNmap(t *testing.T) {
	nmap, err := exec.LookPath("nmap")
	if err != nil {
		t.Skip("needs nmap (.ci/run installs it)")
	}
	scaninfo := regexp.MustCompile(`<scaninfo [^>]*services="([^"]*)"`)
	for _, n := range []int{1, 10, 100, 1000} {
		out, err := exec.Command(nmap, "-sT", "-Pn", "-n", "--top-ports", strconv.Itoa(n), "-oX", "-", "127.0.0.1").Output()
		if err != nil {
			t.Fatalf("nmap: %v", err)
		}
		m := scaninfo.FindSubmatch(out)
		if m == nil {
			t.Fatalf("no scaninfo in nmap's output:\n%s", out)
		}
		want, err := scan.ParsePorts(string(m[1]))
		if err != nil {
			t.Fatalf("nmap's list %q: %v", m[1], err)
		}
		got, err := services.TopPorts(n, "tcp")
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, want) {
			t.Errorf("top %d: %v, nmap scans %v", n, got, want)
		}
	}
}

func ExampleParseFrequencies() {
	table := `# name port/proto open-frequency
http	80/tcp	0.48
domain	53/udp	0.21
ssh	22/tcp	0.18
https	443/tcp	0.20
`
	freqs, _ := services.ParseFrequencies(strings.NewReader(table), "tcp")
	for _, f := range freqs {
		fmt.Println(f.Port, f.Ratio)
	}
	// Output:
	// 80 0.48
	// 443 0.2
	// 22 0.18
}

// TestParseNmapServices: nmap's names, in file order, and bad lines
// refused with their number.
func TestParseNmapServices(t *testing.T) {
	tab, err := services.ParseNmapServices(strings.NewReader("# comment\nident\t113/tcp\t0.01\t# Authentication\nhttp-proxy 8080/tcp 0.04\nident 113/udp 0.001\n\n"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		port  int
		proto string
		want  string
	}{{113, "tcp", "ident"}, {8080, "tcp", "http-proxy"}, {113, "udp", "ident"}, {22, "tcp", ""}} {
		if got, _ := tab.ByPort(tt.port, tt.proto); got != tt.want {
			t.Errorf("ByPort(%d, %s) = %q, want %q", tt.port, tt.proto, got, tt.want)
		}
	}
	for _, bad := range []string{"ident\n", "ident 113\n", "ident x/tcp 0.1\n", "ident 70000/tcp 0.1\n"} {
		if _, err := services.ParseNmapServices(strings.NewReader("ok 1/tcp 0.1\n" + bad)); err == nil || !strings.Contains(err.Error(), "line 2") {
			t.Errorf("%q: err = %v, want line 2", bad, err)
		}
	}
}

// TestScanTableIsNmaps: with nmap installed, the scanner's names are
// nmap's, which /etc/services does not have.
func TestScanTableIsNmaps(t *testing.T) {
	if _, err := os.Stat("/usr/share/nmap/nmap-services"); err != nil {
		t.Skip("needs nmap's nmap-services (apt-get install nmap)")
	}
	if got, _ := services.ScanTable().ByPort(24, "tcp"); got != "priv-mail" {
		t.Errorf("port 24 is %q, want nmap's priv-mail", got)
	}
	if got, _ := services.ScanTable().ByPort(113, "tcp"); got != "ident" {
		t.Errorf("port 113 is %q, want nmap's ident", got)
	}
}
