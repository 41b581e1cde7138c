package scancmd

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/netstar/netstar/modules/socket/netnstest"
)

var (
	latencyRE = regexp.MustCompile(`\([0-9.]+s latency\)`)
	serviceRE = regexp.MustCompile(`<service [^>]*/>`)
	portsRE   = regexp.MustCompile(`(?s)<ports>.*</ports>`)
)

// normalizeNormal keeps what must read as nmap's -oN: the lines between
// header and footer, latencies blanked. nmap 7.93 adds a remark after
// "Not shown" with --open that is about its own raw-socket scans.
func normalizeNormal(s string) string {
	var out []string
	for line := range strings.Lines(s) {
		if strings.HasPrefix(line, "#") || strings.HasPrefix(line, "Some closed ports may be reported as filtered") || strings.HasPrefix(line, "Read data files from: ") {
			continue
		}
		out = append(out, latencyRE.ReplaceAllString(line, "(Xs latency)"))
	}
	return strings.Join(out, "")
}

// normalizeGrepable keeps the Host lines, services blanked (nmap names
// only the first unknown port "unknown").
func normalizeGrepable(s string) string {
	var out []string
	for line := range strings.Lines(s) {
		if strings.HasPrefix(line, "Host: ") {
			out = append(out, strings.ReplaceAll(line, "//unknown///", "/////"))
		}
	}
	return strings.Join(out, "")
}

// normalizeXMLPorts keeps the <ports> element, services left out (nmap
// writes name="unknown" for the first unknown port only).
func normalizeXMLPorts(s string) string {
	return serviceRE.ReplaceAllString(portsRE.FindString(s), "")
}

// TestLikeNmap scans the same listeners with netstar scan and nmap -sT
// (in a namespace of the test's own: two open ports, two whose SYNs are
// dropped, the others closed) and compares the normal, grepable and XML
// outputs line for line, with and without --open and --reason.
func TestLikeNmap(t *testing.T) {
	nmap, err := exec.LookPath("nmap")
	if err != nil {
		t.Skip("needs nmap")
	}
	n := netnstest.Start(t)
	for _, addr := range []string{"127.0.0.1:41010", "127.0.0.1:41020"} {
		if _, err := n.Local.Serve(addr, ""); err != nil {
			t.Fatal(err)
		}
	}
	if err := n.Local.DropSYN(41030, 41031); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for i, variant := range [][]string{
		{"-p", "41000-41100"}, {"-p", "41000-41100", "--reason"}, {"-p", "41000-41100", "--open"}, {"-p", "41000-41100", "--open", "--reason"},
		{"-p", "41000-41100", "-v"}, // 97 closed ports: more than -v's 50 shown
		{"-p", "41000-41040", "-v"}, // 37 closed ports, listed with -v
		{"-p", "41000-41040"},       // summarized without
		{"-p", "41010,41030-41031,1"},
	} {
		base := filepath.Join(dir, fmt.Sprint(i))
		cmd := n.Local.Command(nmap, append(append([]string{"-sT", "-Pn", "-n", "--max-retries", "1"}, variant...),
			"-oN", base+".nmap.n", "-oG", base+".nmap.g", "-oX", base+".nmap.x", "127.0.0.1")...)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("nmap: %v\n%s", err, out)
		}
		ours := child("scan", append(append([]string{"127.0.0.1", "-Pn", "--retries", "1", "--timeout", "300ms", "--seed", "1", "--netns", n.Local.Path}, variant...),
			"-oN", base+".n", "-oG", base+".g", "-oX", base+".x")...)
		if out, err := ours.CombinedOutput(); err != nil {
			t.Fatalf("netstar scan: %v\n%s", err, out)
		}
		read := func(name string) string {
			b, err := os.ReadFile(base + name)
			if err != nil {
				t.Fatal(err)
			}
			return string(b)
		}
		for _, c := range []struct {
			what      string
			normalize func(string) string
			ours      string
		}{
			{"-oN", normalizeNormal, ".n"},
			{"-oG", normalizeGrepable, ".g"},
			{"-oX <ports>", normalizeXMLPorts, ".x"},
		} {
			got, want := c.normalize(read(c.ours)), c.normalize(read(".nmap"+c.ours))
			if got != want {
				t.Errorf("%v %s:\n%s\nnmap 7.93 writes:\n%s", variant, c.what, got, want)
			}
		}
		if got, want := regexp.MustCompile(`<verbose level="\d+"/>`).FindString(read(".x")), regexp.MustCompile(`<verbose level="\d+"/>`).FindString(read(".nmap.x")); got != want {
			t.Errorf("%v: XML %s, nmap %s", variant, got, want)
		}
	}
}
