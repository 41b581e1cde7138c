package services_test

import (
	"os/exec"
	"regexp"
	"slices"
	"strconv"
	"testing"

	"github.com/netstar/netstar/scan"
	"github.com/netstar/netstar/services"
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
