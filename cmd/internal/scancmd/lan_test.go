package scancmd

import (
	"bufio"
	"bytes"
	"fmt"
	"net/netip"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/netstar/netstar/modules/socket/netnstest"
)

// lanPorts are the ports the LAN tests scan: few, so that the host that
// refuses with rate-limited ICMP answers them all in a few seconds.
const lanPorts = "21-26,80,443"

// smallLAN is a LAN as a pentester meets one: a host that resets closed
// ports, one that refuses them with ICMP under the kernel's rate limit,
// one that drops everything but FTP, one behind a firewall that rejects
// with ICMP errors, a switched-off host, and empty addresses. It returns
// the fixture and the target spec: from .2 to two addresses past the last host.
func smallLAN(t *testing.T) (*netnstest.LAN, string) {
	t.Helper()
	lan := netnstest.StartLAN(t, netnstest.LANConfig{Hosts: []netnstest.HostConfig{
		{Ports: map[int]netnstest.Behavior{22: netnstest.Open, 80: netnstest.Open}},
		{Default: netnstest.PortUnreachable, Ports: map[int]netnstest.Behavior{22: netnstest.Open}},
		{Default: netnstest.Dropped, Ports: map[int]netnstest.Behavior{21: netnstest.Open}},
		{Ports: map[int]netnstest.Behavior{23: netnstest.AdminProhibited, 25: netnstest.HostUnreachable, 26: netnstest.Dropped, 443: netnstest.Open}},
		{Down: true},
	}})
	first := lan.Subnet().Addr().Next().Next() // .2: .1 is the scanner
	last := first
	for _, ip := range append(lan.Hosts(), lan.Down()...) {
		if ip.Compare(last) > 0 {
			last = ip
		}
	}
	// Two empty addresses past the last host.
	return lan, fmt.Sprintf("%s-%d", first, last.As4()[3]+2)
}

// checkAgainstLAN checks every record against the state the fixture
// defines for its port; it returns the hosts the records cover.
func checkAgainstLAN(t *testing.T, what string, lan *netnstest.LAN, recs []Record) map[string]bool {
	t.Helper()
	hosts := map[string]bool{}
	for _, r := range recs {
		ip, err := netip.ParseAddr(r.IP)
		if err != nil {
			t.Fatalf("%s: record %+v: %v", what, r, err)
		}
		hosts[r.IP] = true
		if want := lan.Want(ip, r.Port); r.State != want.State {
			t.Errorf("%s: %s:%d is %s (%s), the fixture says %s", what, r.IP, r.Port, r.State, r.Reason, want)
		}
	}
	return hosts
}

// TestLANOutputs scans the LAN with netstar scan's default discovery and
// nmap -sT side by side: netstar's XML validates against nmap's DTD,
// ndiff finds no difference in hosts, states or service names that the
// fixture does not prove to be nmap's (the rate limit now and then holds
// an answer back from nmap), sharded runs merge into the unsharded
// result, and a scan killed and resumed equals one that was not.
// Discovery runs in every shard, over every host (it is not part of the
// sharded walk), so every shard skips the same down hosts.
func TestLANOutputs(t *testing.T) {
	if testing.Short() {
		t.Skip("about 30 s: the ICMP rate limit sets the pace")
	}
	nmap, err := exec.LookPath("nmap")
	if err != nil {
		t.Skip("needs nmap (apt-get install nmap)")
	}
	if _, err := exec.LookPath("ndiff"); err != nil {
		t.Skip("needs ndiff (apt-get install ndiff)")
	}
	lan, spec := smallLAN(t)
	dir := t.TempDir()
	common := []string{spec, "-p", lanPorts, "--seed", "5", "--netns", lan.Scanner.Path}

	whole := filepath.Join(dir, "whole")
	if out, err := child("scan", append(common, "-oX", whole+".xml", "-oJ", whole+".jsonl")...).CombinedOutput(); err != nil {
		t.Fatalf("netstar scan: %v\n%s", err, out)
	}
	ref := readJSONL(t, whole+".jsonl")
	scanned := checkAgainstLAN(t, "unsharded", lan, ref)
	// ARP (the test runs as root) finds the 4 live hosts, whatever their
	// firewalls; the switched-off host and the empty addresses are down.
	if len(scanned) != 4 {
		t.Errorf("hosts scanned: %v, want the 4 live ones", scanned)
	}
	validXML(t, whole+".xml")

	nmapXML := filepath.Join(dir, "nmap.xml")
	if out, err := lan.Scanner.Command(nmap, "-sT", "-n", "-p", lanPorts, spec, "-oX", nmapXML).CombinedOutput(); err != nil {
		t.Fatalf("nmap: %v\n%s", err, out)
	}
	out, err := exec.Command("ndiff", nmapXML, whole+".xml").CombinedOutput()
	if ee, ok := err.(*exec.ExitError); err != nil && !(ok && ee.ExitCode() == 1) {
		t.Fatalf("ndiff: %v\n%s", err, out)
	}
	t.Logf("ndiff nmap netstar:\n%s", out)
	for _, d := range ndiffPorts(string(out)) {
		// A port line netstar's side has (+) and nmap's (-) differs on.
		if !d.ours {
			continue
		}
		ip, _ := netip.ParseAddr(d.host)
		if want := lan.Want(ip, d.port); d.state != want.State {
			t.Errorf("ndiff: %s:%d: netstar says %s, nmap differs, the fixture says %s", d.host, d.port, d.line, want)
		} else {
			t.Logf("ndiff: %s:%d: nmap missed what netstar and the fixture agree on: %s", d.host, d.port, d.line)
		}
	}
	for line := range strings.Lines(string(out)) {
		if strings.HasPrefix(line, "-") && !strings.HasPrefix(line, "-Nmap ") && !portLine.MatchString(line[1:]) ||
			strings.HasPrefix(line, "+") && !strings.HasPrefix(line, "+Nmap ") && !portLine.MatchString(line[1:]) {
			t.Errorf("ndiff reports a difference that is not a port's: %q\n%s", line, out)
		}
	}

	// Three shards of the same seeded walk merge into the unsharded scan.
	var files []string
	for i := range 3 {
		f := filepath.Join(dir, fmt.Sprintf("shard-%d.jsonl", i))
		files = append(files, f)
		if out, err := child("scan", append(common, "--shard", fmt.Sprintf("%d/3", i), "-oJ", f)...).CombinedOutput(); err != nil {
			t.Fatalf("shard %d: %v\n%s", i, err, out)
		}
	}
	merged := filepath.Join(dir, "merged")
	var errb bytes.Buffer
	if code := MergeMain(append([]string{"-o", merged + ".jsonl", "--strict"}, files...), nil, new(bytes.Buffer), &errb); code != 0 {
		t.Fatalf("merge: exit %d\n%s", code, errb.String())
	}
	sameOutcomes(t, "3 shards merged", outcomes(t, readJSONL(t, merged+".jsonl")), outcomes(t, ref))
	if code := MergeMain(append([]string{"-o", merged + ".xml", "--strict"}, files...), nil, new(bytes.Buffer), &errb); code != 0 {
		t.Fatalf("merge -o .xml: exit %d\n%s", code, errb.String())
	}
	validXML(t, merged+".xml")

	// A scan killed while the rate-limited host holds answers back, then
	// resumed, equals the uninterrupted one.
	ckpt, resumed := filepath.Join(dir, "scan.ckpt"), filepath.Join(dir, "resumed.jsonl")
	cmd := child("scan", append(common, "--resume", ckpt, "-oJ", resumed)...)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 300 && fileSize(ckpt) <= 0; i++ {
		time.Sleep(10 * time.Millisecond)
	}
	cmd.Process.Kill()
	cmd.Wait()
	if out, err := child("scan", append(common, "--resume", ckpt, "-oJ", resumed)...).CombinedOutput(); err != nil {
		t.Fatalf("resumed scan: %v\n%s", err, out)
	}
	sameOutcomes(t, "killed and resumed", outcomes(t, readJSONL(t, resumed)), outcomes(t, ref))
}

// ndiffDiff is one port line of ndiff's text output.
type ndiffDiff struct {
	ours        bool // the line is the second scan's (+)
	host, state string
	port        int
	line        string
}

// ndiffPorts reads the port lines ndiff marks as different, with the
// host each belongs to (ndiff names the host on an unmarked line
// "ADDRESS:", "ADDRESS, MAC:" or "ADDRESS (NAME):").
func ndiffPorts(out string) []ndiffDiff {
	var diffs []ndiffDiff
	host := ""
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		line := sc.Text()
		if line == "" {
			continue
		}
		if line[0] == ' ' && strings.HasSuffix(line, ":") {
			host = strings.TrimSuffix(strings.Fields(strings.TrimSuffix(line, ":"))[0], ",")
			continue
		}
		if line[0] != '-' && line[0] != '+' {
			continue
		}
		m := portLine.FindStringSubmatch(line[1:])
		if m == nil {
			continue
		}
		port, _ := strconv.Atoi(m[1])
		diffs = append(diffs, ndiffDiff{ours: line[0] == '+', host: host, port: port, state: m[2], line: line[1:]})
	}
	return diffs
}

// portLine is a port line of ndiff's text output: "22/tcp open ssh".
var portLine = regexp.MustCompile(`^(\d+)/tcp\s+(\S+)`)
