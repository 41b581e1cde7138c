package services_test

import (
	"fmt"
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
