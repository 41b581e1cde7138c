package scancmd

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

const nmapDTD = "/usr/share/nmap/nmap.dtd"

// validXML checks path against nmap's DTD when xmllint and the DTD are
// installed.
func validXML(t *testing.T, path string) {
	t.Helper()
	if _, err := exec.LookPath("xmllint"); err != nil {
		return
	}
	if _, err := os.Stat(nmapDTD); err != nil {
		return
	}
	if out, err := exec.Command("xmllint", "--noout", "--dtdvalid", nmapDTD, path).CombinedOutput(); err != nil {
		x, _ := os.ReadFile(path)
		t.Errorf("xmllint %s: %v\n%s\n%s", path, err, out, x)
	}
}

// xmlHosts reads an XML file as far as it goes, as a tolerant reader
// would: the complete <host> elements before the end or the first error,
// and whether the document was whole.
func xmlHosts(t *testing.T, data []byte) (hosts int, whole bool) {
	d := xml.NewDecoder(bytes.NewReader(data))
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return hosts, true
		}
		if err != nil {
			return hosts, false
		}
		if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "host" {
			if err := d.Skip(); err != nil {
				return hosts, false
			}
			hosts++
		}
	}
}

// TestStreamedOutputsSurviveKill: -oX, -oG and -oN files are written as
// records arrive, so a scan killed with SIGKILL leaves files that end
// early but read up to there (XML: complete <host> elements; grepable:
// complete lines); netstar merge takes the partial XML and says it is
// partial; --resume then completes the files, and they equal an
// uninterrupted scan's.
func TestStreamedOutputsSurviveKill(t *testing.T) {
	port, _ := countingListener(t)
	dir := t.TempDir()
	common := []string{"127.0.0.1,2", "-p", fmt.Sprintf("%d,1-199", port), "--seed", "4"}
	ref := filepath.Join(dir, "ref")
	if out, err := child("scan", append(common, "-oA", ref)...).CombinedOutput(); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	base, ckpt := filepath.Join(dir, "scan"), filepath.Join(dir, "scan.ckpt")
	args := append(common, "-oA", base, "--resume", ckpt)
	cmd := child("scan", append(args, "--rate", "200")...) // 400 probes: 2 s
	var errb bytes.Buffer
	cmd.Stderr = &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 500; i++ {
		time.Sleep(10 * time.Millisecond)
		if x, _ := os.ReadFile(base + ".xml"); bytes.Count(x, []byte("</host>")) >= 2 {
			break
		}
	}
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()

	x, _ := os.ReadFile(base + ".xml")
	hosts, whole := xmlHosts(t, x)
	if hosts < 2 || whole || !bytes.HasPrefix(x, []byte("<?xml")) {
		t.Fatalf("killed scan's XML: %d complete hosts, whole %t:\n%s", hosts, whole, x)
	}
	t.Logf("killed after %d complete <host> elements, %d bytes of XML", hosts, len(x))
	g, _ := os.ReadFile(base + ".gnmap")
	lines := strings.Split(string(g), "\n")
	portsLine := regexp.MustCompile(`^Host: 127\.0\.0\.[12] \(\)\t(Status: Up|Ports: (\d+/(open|closed|filtered)/tcp//[^/]*///(, )?)*(\tIgnored State: [a-z]+ \(\d+\)(, [a-z]+ \(\d+\))*)?)$`)
	for i, line := range lines[1 : len(lines)-1] { // the last one may be cut
		if !portsLine.MatchString(line) {
			t.Errorf("killed scan's grepable line %d: %q", i+2, line)
		}
	}
	if !strings.HasPrefix(lines[0], "# netstar scan initiated ") {
		t.Errorf("grepable header %q", lines[0])
	}
	// merge takes what the cut XML holds, and calls it partial.
	var mout, merr bytes.Buffer
	code := MergeMain([]string{"-f", "jsonl", base + ".xml"}, nil, &mout, &merr)
	if code != ExitPartial || !strings.Contains(merr.String(), "the XML is cut short") || !strings.Contains(merr.String(), "shard all did not finish") {
		t.Errorf("merge of the cut XML: exit %d\n%s", code, merr.String())
	}
	p := filepath.Join(dir, "partial.jsonl")
	os.WriteFile(p, mout.Bytes(), 0o644)
	if got := readJSONL(t, p); len(got) == 0 || len(got) >= 400 {
		t.Errorf("the cut XML gave %d records", len(got))
	}

	// --resume completes the same files.
	out, err := child("scan", args...).CombinedOutput()
	if err != nil || !bytes.Contains(out, []byte("netstar scan: resuming from ")) {
		t.Fatalf("resume: %v\n%s", err, out)
	}
	validXML(t, base+".xml")
	validXML(t, ref+".xml")
	for _, ext := range []string{".xml", ".gnmap", ".nmap"} {
		got, _ := os.ReadFile(base + ext)
		want, _ := os.ReadFile(ref + ext)
		if a, b := stripVolatile(string(got)), stripVolatile(string(want)); a != b {
			t.Errorf("resumed %s differs from an uninterrupted scan's:\n%s\nwant:\n%s", ext, a, b)
		}
	}
}

var volatileRE = regexp.MustCompile(`(?m)^#.*$|<!--.*-->|(start|end|time|endtime|starttime)="[^"]*"|(startstr|timestr|elapsed|summary|args)="[^"]*"|\([0-9.]+s latency\)`)

// stripVolatile blanks what differs between two runs of one scan:
// times, latencies, the command line and the audit's counters.
func stripVolatile(s string) string { return volatileRE.ReplaceAllString(s, "") }

// serveBytes starts a listener on 127.0.0.1 that sends b to each
// connection.
func serveBytes(t *testing.T, b string) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	wg.Go(func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			c.Write([]byte(b))
			time.Sleep(20 * time.Millisecond)
			c.Close()
		}
	})
	t.Cleanup(func() { l.Close(); wg.Wait() })
	return l.Addr().(*net.TCPAddr).Port
}

// TestBannerBytes: banner bytes that are not UTF-8 survive: JSON Lines
// writes them as Python's backslashreplace text plus banner_b64, the
// checkpoint and merge read them back, and XML and -oN show them as
// nmap's banner script does (SSH-2.0-x\x80\xFE for "SSH-2.0-x\x80\xfe\r\n";
// nmap 7.93 --script banner writes exactly that output attribute).
func TestBannerBytes(t *testing.T) {
	const banner = "SSH-2.0-x\x80\xfe\t\x00é\r\n"
	port := serveBytes(t, banner)
	dir := t.TempDir()
	base, ckpt := filepath.Join(dir, "b"), filepath.Join(dir, "b.ckpt")
	args := []string{"127.0.0.1", "-p", fmt.Sprint(port), "--banner", "--seed", "1", "-oA", base, "--resume", ckpt}
	if code, _, errs := runScan(t, nil, args...); code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	check := func(what string) {
		t.Helper()
		j, _ := os.ReadFile(base + ".jsonl")
		want := `"banner":"SSH-2.0-x\\x80\\xfe\t\u0000é\r\n","banner_b64":"` + base64.StdEncoding.EncodeToString([]byte(banner)) + `"`
		if !bytes.Contains(j, []byte(want)) {
			t.Errorf("%s: JSON Lines lack %s:\n%s", what, want, j)
		}
		recs := readJSONL(t, base+".jsonl")
		if len(recs) != 1 {
			t.Fatalf("%s: %d records", what, len(recs))
		}
		if r := recs[0]; r.check() != nil || r.Banner != banner {
			t.Errorf("%s: banner read back as %q, want %q", what, r.Banner, banner)
		}
		x, _ := os.ReadFile(base + ".xml")
		if want := `<script id="banner" output="SSH-2.0-x\x80\xFE\x09\x00\xC3\xA9"/>`; !bytes.Contains(x, []byte(want)) {
			t.Errorf("%s: XML lacks %s:\n%s", what, want, x)
		}
		validXML(t, base+".xml")
		if n, _ := os.ReadFile(base + ".nmap"); !bytes.Contains(n, []byte("/tcp open  unknown\n|_banner: SSH-2.0-x\\x80\\xFE\\x09\\x00\\xC3\\xA9\n")) {
			t.Errorf("%s: -oN:\n%s", what, n)
		}
	}
	check("scan")
	// A rerun replays the checkpoint: the bytes come back from it.
	if code, _, errs := runScan(t, nil, args...); code != 0 || !strings.Contains(errs, "records a complete scan") {
		t.Fatalf("rerun: exit %d: %s", code, errs)
	}
	check("replayed from the checkpoint")
	// Merged JSON Lines keep the bytes too.
	var out bytes.Buffer
	if code := MergeMain([]string{base + ".jsonl"}, nil, &out, io.Discard); code != 0 {
		t.Fatal("merge failed")
	}
	sc := bufio.NewScanner(&out)
	sc.Scan()
	var r Record
	if err := json.Unmarshal(sc.Bytes(), &r); err != nil || r.check() != nil || r.Banner != banner {
		t.Errorf("merged banner %q (%v), want %q", r.Banner, err, banner)
	}

	// nmap's banner script on the same listener writes the same text.
	nmap, err := exec.LookPath("nmap")
	if err != nil {
		return
	}
	nx, err := exec.Command(nmap, "-sT", "-Pn", "-n", "-p", fmt.Sprint(port), "--script", "banner", "127.0.0.1", "-oX", "-").Output()
	if err != nil {
		t.Fatalf("nmap: %v", err)
	}
	m := regexp.MustCompile(`<script id="banner" output="([^"]*)"`).FindSubmatch(nx)
	if m == nil || string(m[1]) != `SSH-2.0-x\x80\xFE\x09\x00\xC3\xA9` {
		t.Errorf("nmap's banner script writes %q", m)
	}
}

// BenchmarkGroupedFormats writes 16384 hosts with one port each, as a
// streamed report of a random walk has them.
func BenchmarkGroupedFormats(b *testing.B) {
	info := runInfo{command: "netstar scan", start: time.Now(), end: time.Now(), ports: []int{20}}
	for _, f := range []struct {
		name string
		f    groupedFormat
	}{{"xml", xmlFormat{}}, {"grep", grepFormat{}}, {"normal", normalFormat{}}} {
		b.Run(f.name, func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				t := newHostTable()
				for h := range 16384 {
					r := Record{IP: fmt.Sprintf("127.0.%d.%d", h>>8, h&255), Port: 20, Proto: "tcp", State: "closed", Reason: "ECONNREFUSED", RTT: 0.0001}
					t.add(&r)
				}
				b.StartTimer()
				writeDoc(io.Discard, f.f, t, info, audit{})
			}
		})
	}
}
