package scancmd

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"github.com/netstar/netstar/builtins/i18n"
	"io"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/netstar/netstar/modules/socket/netnstest"
	"go.uber.org/goleak"
)

func noEnv(string) (string, bool) { return "", false }

// runScan runs the command in-process.
func runScan(t *testing.T, env map[string]string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	code = run(context.Background(), args, strings.NewReader(""), &out, &errb, lookup)
	return code, out.String(), errb.String()
}

// countingListener counts the connections made to it: bad input must
// be refused before any probe reaches it.
func countingListener(t *testing.T) (port int, accepted *atomic.Int64) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	accepted = new(atomic.Int64)
	var wg sync.WaitGroup
	wg.Go(func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			accepted.Add(1)
			c.Close()
		}
	})
	t.Cleanup(func() { l.Close(); wg.Wait() })
	return l.Addr().(*net.TCPAddr).Port, accepted
}

func TestBadInput(t *testing.T) {
	port, accepted := countingListener(t)
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	bad := write("bad.txt", "127.0.0.1\n# comment\n127.0.0.2, 127.0.0.3\n10.0.0.0/33\n")
	truncated := write("truncated.ckpt", `{"netstar_checkpoint":1,"args":"ab`)
	other := filepath.Join(dir, "other.ckpt")
	if code, _, errs := runScan(t, nil, "127.0.0.1", "-p", "1", "--seed", "1", "--resume", other, "-oJ", filepath.Join(dir, "o.jsonl")); code != 0 {
		t.Fatalf("making a checkpoint: %d %s", code, errs)
	}
	p := fmt.Sprint(port)
	for _, tc := range []struct {
		name string
		env  map[string]string
		args []string
		want string
	}{
		{"shard past N", nil, []string{"127.0.0.1", "-p", p, "--shard", "3/2", "--seed", "1"}, `--shard: invalid shard "3/2": the index must be in 0-1`},
		{"shard 0/0", nil, []string{"127.0.0.1", "-p", p, "--shard", "0/0", "--seed", "1"}, `invalid shard "0/0": the shard count N must be at least 1`},
		{"shard N/N", nil, []string{"127.0.0.1", "-p", p, "--shard", "2/2", "--seed", "1"}, `shards are numbered from 0`},
		{"shard without seed", nil, []string{"127.0.0.1", "-p", p, "--shard", "0/2"}, `--shard 0/2 needs --seed`},
		{"shard /N without index", nil, []string{"127.0.0.1", "-p", p, "--shard", "/4", "--seed", "1"}, `JOB_COMPLETION_INDEX, which is not set`},
		{"shard /N bad index", map[string]string{"JOB_COMPLETION_INDEX": "4"}, []string{"127.0.0.1", "-p", p, "--shard", "/4", "--seed", "1"}, `invalid shard "4/4"`},
		{"rate -1", nil, []string{"127.0.0.1", "-p", p, "--rate", "-1"}, `--rate -1: want probes per second >= 0`},
		{"bad seed", nil, []string{"127.0.0.1", "-p", p, "--seed", "x"}, `--seed "x": want a whole number`},
		{"timeout", nil, []string{"127.0.0.1", "-p", p, "--timeout", "0"}, `--timeout "0"`},
		{"retries", nil, []string{"127.0.0.1", "-p", p, "--retries", "-2"}, `--retries -2: want 0-100`},
		{"concurrency", nil, []string{"127.0.0.1", "-p", p, "--max-concurrency", "0"}, `--max-concurrency 0`},
		{"ports", nil, []string{"127.0.0.1", "-p", "80-"}, `-p: port range "80-" has no end`},
		{"no targets", nil, []string{"-p", p}, `no targets`},
		{"bad target", nil, []string{"10.0.0.1/99", "-p", p}, `invalid CIDR "10.0.0.1/99"`},
		{"too many hosts", nil, []string{"10.0.0.0/8", "-p", p, "--max-hosts", "65536"}, `more than 65536 hosts`},
		{"malformed -iL", nil, []string{"-iL", bad, "-p", p}, bad + `:4: invalid CIDR "10.0.0.0/33"`},
		{"unreadable -iL", nil, []string{"-iL", filepath.Join(dir, "missing.txt"), "-p", p}, `-iL: open ` + filepath.Join(dir, "missing.txt") + `: no such file`},
		{"name excluded", nil, []string{"127.0.0.1", "-p", p, "--exclude", "localhost"}, `host names cannot be excluded`},
		{"truncated checkpoint", nil, []string{"127.0.0.1", "-p", p, "--resume", truncated}, `truncated checkpoint: it has no complete header line`},
		{"other arguments", nil, []string{"127.0.0.1", "-p", p, "--seed", "1", "--resume", other}, `the checkpoint was written by a scan with other arguments`},
		{"unwritable output", nil, []string{"127.0.0.1", "-p", p, "-oJ", filepath.Join(dir, "no/such/dir/out.jsonl")}, `-oJ: open ` + filepath.Join(dir, "no/such/dir/out.jsonl")},
		{"unwritable XML", nil, []string{"127.0.0.1", "-p", p, "-oX", dir}, `-oX: open ` + dir + `: is a directory`},
		{"two outputs on stdout", nil, []string{"127.0.0.1", "-p", p, "-oJ", "-", "-oX", "-"}, `both write to stdout`},
		{"unknown flag", nil, []string{"127.0.0.1", "--bogus"}, `flag provided but not defined: -bogus`},
		{"missing netns", nil, []string{"127.0.0.1", "-p", p, "--netns", filepath.Join(dir, "nonexistent")}, `--netns: namespace ` + filepath.Join(dir, "nonexistent") + `: no such file`},
		{"netns not a namespace", nil, []string{"127.0.0.1", "-p", p, "--netns", bad}, `not a namespace file`},
		{"bad resolver", map[string]string{"NETSTAR_RESOLVER": "dns.example:53"}, []string{"127.0.0.1", "-p", p}, `NETSTAR_RESOLVER: resolver address "dns.example:53": want an IP address`},
		{"bad resolver port", map[string]string{"NETSTAR_RESOLVER": "127.0.0.1:0"}, []string{"127.0.0.1", "-p", p}, `NETSTAR_RESOLVER: resolver address "127.0.0.1:0": port "0": want 1-65535`},
		// nmap 7.93: "Only 1 -p option allowed, separate multiple ranges with commas."
		{"second -p", nil, []string{"127.0.0.1", "-p", p, "-p", "2"}, `-p ` + p + ` -p 2: Only 1 -p option allowed, separate multiple ranges with commas (as nmap: -p ` + p + `,2)`},
		{"second attached -p", nil, []string{"127.0.0.1", "-p" + p, "-p-"}, `Only 1 -p option allowed`},
		{"-sS", nil, []string{"127.0.0.1", "-p", p, "-sS"}, `-sS: netstar scan makes TCP connect scans only (nmap's -sT)`},
		{"-sU", nil, []string{"-sU", "127.0.0.1", "-p", p}, `-sU: netstar scan scans TCP only`},
		{"-sV", nil, []string{"-sV", "127.0.0.1", "-p", p}, `-sV: netstar scan does no version detection; --banner records what each open port sends first`},
		{"-sC", nil, []string{"-sC", "127.0.0.1", "-p", p}, `-sC: netstar scan runs no NSE scripts`},
		{"-O", nil, []string{"-O", "127.0.0.1", "-p", p}, `-O: netstar scan does no OS detection`},
		{"-A", nil, []string{"-A", "127.0.0.1", "-p", p}, `-A: -A is nmap's -sV -O -sC --traceroute`},
		{"-6 with IPv4", nil, []string{"-6", "::1", "127.0.0.0/30", "-p", p}, `-6: 127.0.0.0/30 is an IPv4 target: -6 scans IPv6 addresses only`},
		{"-F with -p", nil, []string{"-F", "127.0.0.1", "-p", p}, `-F and -p both choose the ports`},
		{"-F with --top-ports", nil, []string{"-F", "127.0.0.1", "--top-ports", "3"}, `-F (--top-ports 100) and --top-ports both choose the ports`},
		{"every port excluded", nil, []string{"127.0.0.1", "-p", p, "--exclude-ports", p}, `--exclude-ports ` + p + ` leaves no port to scan`},
		{"bad --exclude-ports", nil, []string{"127.0.0.1", "-p", p, "--exclude-ports", "x"}, `--exclude-ports: `},
		{"bad -v", nil, []string{"127.0.0.1", "-p", p, "-v=x"}, `want -v, -vv or -v=N`},
	} {
		code, out, errs := runScan(t, tc.env, tc.args...)
		if code != ExitUsage || !strings.Contains(errs, tc.want) {
			t.Errorf("%s: exit %d, stderr %q; want exit 2 and %q", tc.name, code, errs, tc.want)
		}
		if out != "" {
			t.Errorf("%s: stdout %q", tc.name, out)
		}
	}
	if n := accepted.Load(); n != 0 {
		t.Errorf("%d probes reached the listener", n)
	}
	if _, err := os.Stat(filepath.Join(dir, "missing.txt")); err == nil {
		t.Error("a file was created")
	}
}

// TestLoopback scans a listener on the machine's loopback with every
// output: the open port is found, and the outputs agree.
func TestLoopback(t *testing.T) {
	port, _ := countingListener(t)
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	dir := t.TempDir()
	jf, xf, gf := filepath.Join(dir, "o.jsonl"), filepath.Join(dir, "o.xml"), filepath.Join(dir, "o.gnmap")
	code, out, errs := runScan(t, nil, "127.0.0.1", "-p", fmt.Sprintf("%d,1-30", port), "-oJ", jf, "-oX", xf, "-oG", gf, "--seed", "7")
	if code != 0 || out != "" {
		t.Fatalf("exit %d, stdout %q, stderr %s", code, out, errs)
	}
	recs := readJSONL(t, jf)
	if len(recs) != 31 {
		t.Fatalf("%d records", len(recs))
	}
	for _, r := range recs {
		want := "closed"
		if r.Port == port {
			want = "open"
		}
		if r.State != want || r.Seed != 7 || r.Proto != "tcp" || r.Time == "" {
			t.Errorf("record %+v", r)
		}
	}
	g, _ := os.ReadFile(gf)
	if !strings.Contains(string(g), fmt.Sprintf("Ports: %d/open/tcp//", port)) || !strings.Contains(string(g), "Ignored State: closed (30)") {
		t.Errorf("grepable:\n%s", g)
	}
	x, _ := os.ReadFile(xf)
	if !strings.Contains(string(x), fmt.Sprintf(`<port protocol="tcp" portid="%d"><state state="open" reason="syn-ack"`, port)) {
		t.Errorf("XML:\n%s", x)
	}
	if !strings.Contains(errs, "31 of 31 probes recorded") {
		t.Errorf("summary: %s", errs)
	}
}

func readJSONL(t *testing.T, path string) []Record {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []Record
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if bytes.HasPrefix(sc.Bytes(), []byte(`{"netstar_summary"`)) {
			continue // a merge's last line
		}
		var r Record
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("%s: %v: %s", path, err, sc.Text())
		}
		out = append(out, r)
	}
	return out
}

// outcome is a record without what differs between equal scans.
type outcome struct {
	IP, State string
	Port      int
}

func outcomes(t *testing.T, recs []Record) map[outcome]int {
	m := map[outcome]int{}
	for _, r := range recs {
		m[outcome{r.IP, r.State, r.Port}]++
	}
	return m
}

func sameOutcomes(t *testing.T, what string, got, want map[outcome]int) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: %d outcomes, want %d", what, len(got), len(want))
	}
	bad := 0
	for k, n := range got {
		if n != 1 {
			t.Errorf("%s: %v recorded %d times", what, k, n)
		}
		if want[k] != 1 && bad < 10 {
			bad++
			t.Errorf("%s: %v not in the reference scan", what, k)
		}
	}
}

// lab is a namespace where the whole 127.0.0.0/8 is local, with
// listeners on chosen addresses.
func lab(t *testing.T) *netnstest.Net {
	n := netnstest.Start(t)
	for _, addr := range []string{"127.0.0.1:22", "127.0.3.7:80", "127.0.15.200:443", "127.0.9.9:22", "127.0.40.1:80"} {
		if _, err := n.Local.Serve(addr, ""); err != nil {
			t.Fatal(err)
		}
	}
	return n
}

func child(mode string, args ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], append([]string{"-test.run=^$", "--"}, args...)...)
	cmd.Env = append(os.Environ(), "NETSTAR_SCANCMD_CHILD="+mode)
	return cmd
}

// TestShardProcesses runs 4 shard processes side by side, as an Indexed
// Job runs them (--shard /4 with JOB_COMPLETION_INDEX), and merges their
// outputs: no (ip, port) is probed twice and the union is exactly the
// unsharded scan.
func TestShardProcesses(t *testing.T) {
	n := lab(t)
	dir := t.TempDir()
	common := []string{"127.0.0.0/18", "-p", "22,80,443", "--seed", "1234", "--netns", n.Local.Path}
	whole := filepath.Join(dir, "whole.jsonl")
	if out, err := child("scan", append(common, "-oJ", whole)...).CombinedOutput(); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	ref := outcomes(t, readJSONL(t, whole))
	if len(ref) != 16384*3 {
		t.Fatalf("unsharded scan: %d outcomes", len(ref))
	}
	open := 0
	for k := range ref {
		if k.State == "open" {
			open++
		}
	}
	if open != 5 { // every listener of lab is in 127.0.0.0/18
		t.Errorf("%d open ports, want 5", open)
	}

	var cmds []*exec.Cmd
	var files []string
	var outs []*bytes.Buffer
	for i := range 4 {
		f := filepath.Join(dir, fmt.Sprintf("shard-%d.jsonl", i))
		files = append(files, f)
		cmd := child("scan", append(common, "--shard", "/4", "-oJ", f)...)
		cmd.Env = append(cmd.Env, fmt.Sprintf("JOB_COMPLETION_INDEX=%d", i))
		var b bytes.Buffer
		cmd.Stdout, cmd.Stderr = &b, &b
		outs = append(outs, &b)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		cmds = append(cmds, cmd)
	}
	var all []Record
	for i, cmd := range cmds {
		if err := cmd.Wait(); err != nil {
			t.Fatalf("shard %d: %v\n%s", i, err, outs[i])
		}
		recs := readJSONL(t, files[i])
		for _, r := range recs {
			if r.Shard != fmt.Sprintf("%d/4", i) || r.Seed != 1234 {
				t.Fatalf("shard %d wrote %+v", i, r)
			}
		}
		all = append(all, recs...)
	}
	sameOutcomes(t, "4 shards", outcomes(t, all), ref)

	// netstar merge joins them into the same set.
	merged := filepath.Join(dir, "merged.jsonl")
	var errb bytes.Buffer
	if code := MergeMain(append([]string{"-o", merged, "--strict"}, files...), nil, new(bytes.Buffer), &errb); code != 0 {
		t.Fatalf("merge: exit %d\n%s", code, errb.String())
	}
	sameOutcomes(t, "merged", outcomes(t, readJSONL(t, merged)), ref)
	if !strings.Contains(errb.String(), "all 4 shards present") {
		t.Errorf("merge audit: %s", errb.String())
	}
	// Three shards of four: the audit says which one is missing, and so
	// do the merged outputs and the exit status.
	errb.Reset()
	if code := MergeMain(append([]string{"-o", merged, "--strict"}, files[:3]...), nil, new(bytes.Buffer), &errb); code != ExitPartial || !strings.Contains(errb.String(), "shards missing: 3/4") {
		t.Errorf("merge of 3 shards: exit %d\n%s", code, errb.String())
	}
	data, _ := os.ReadFile(merged)
	if !bytes.Contains(data, []byte(`{"netstar_summary":1,"shards":["0/4","1/4","2/4"],"missing":["3/4"],`)) || !bytes.Contains(data, []byte(`"complete":false,"partial":"partial merge: 3 of 4 shards merged (missing: 3/4)"}`)) {
		t.Errorf("merged JSON Lines of 3 shards end with:\n%s", data[max(0, len(data)-400):])
	}
	errb.Reset()
	mx := filepath.Join(dir, "merged.xml")
	if code := MergeMain(append([]string{"-o", mx, "--allow-partial"}, files[:3]...), nil, new(bytes.Buffer), &errb); code != 0 {
		t.Errorf("merge of 3 shards --allow-partial: exit %d\n%s", code, errb.String())
	}
	x, _ := os.ReadFile(mx)
	if !bytes.Contains(x, []byte(`complete=true missing=3/4" exit="error" errormsg="partial merge: 3 of 4 shards merged (missing: 3/4)"/>`)) {
		t.Errorf("merged XML of 3 shards ends with:\n%s", x[max(0, len(x)-400):])
	}
}

// TestResumeAfterKill kills a scan at random moments (SIGKILL, and
// SIGTERM once) and resumes it each time with its checkpoint, until it
// finishes: the result equals an uninterrupted scan's.
func TestResumeAfterKill(t *testing.T) {
	n := lab(t)
	dir := t.TempDir()
	common := []string{"127.0.0.0/20", "-p", "22,80,443", "--seed", "99", "--shard", "1/2", "--netns", n.Local.Path}
	whole := filepath.Join(dir, "whole.jsonl")
	if out, err := child("scan", append(common, "-oJ", whole)...).CombinedOutput(); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	ref := outcomes(t, readJSONL(t, whole))

	ckpt, out := filepath.Join(dir, "scan.ckpt"), filepath.Join(dir, "resumed.jsonl")
	args := append(common, "--resume", ckpt, "-oJ", out, "--rate", "5000")
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 1))
	kills := 0
	for attempt := 0; ; attempt++ {
		if attempt > 60 {
			t.Fatal("the scan never finished")
		}
		before := fileSize(ckpt)
		cmd := child("scan", args...)
		var b bytes.Buffer
		cmd.Stderr = &b
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		sig := syscall.SIGKILL
		if attempt == 1 {
			sig = syscall.SIGTERM
		}
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("run %d: %v\n%s", attempt, err, b.String())
			}
		case <-time.After(time.Duration(100+rng.IntN(300)+100*attempt) * time.Millisecond):
			if sig == syscall.SIGTERM {
				// SIGTERM must find the scan's handler installed: wait
				// until this run has written to its checkpoint.
				for i := 0; i < 500 && fileSize(ckpt) <= before; i++ {
					time.Sleep(10 * time.Millisecond)
				}
			}
			cmd.Process.Signal(sig)
			err := <-done
			kills++
			if sig == syscall.SIGTERM {
				if ee, ok := err.(*exec.ExitError); ok && ee.ExitCode() != ExitInterrupted {
					t.Errorf("SIGTERM: exit %d, want %d\n%s", ee.ExitCode(), ExitInterrupted, b.String())
				}
			}
			continue
		}
		break
	}
	t.Logf("finished after %d kills", kills)
	if kills == 0 {
		t.Log("the scan finished before any kill: the test proved little")
	}
	sameOutcomes(t, "resumed", outcomes(t, readJSONL(t, out)), ref)
	// The checkpoint itself merges into the same result.
	var merged, errb bytes.Buffer
	if code := MergeMain([]string{"--allow-partial", ckpt}, nil, &merged, &errb); code != 0 {
		t.Fatalf("merge of the checkpoint: %d %s", code, errb.String())
	}
	p := filepath.Join(dir, "m.jsonl")
	os.WriteFile(p, merged.Bytes(), 0o644)
	sameOutcomes(t, "checkpoint merged", outcomes(t, readJSONL(t, p)), ref)
}

// TestXMLTools validates the XML against the DTD Debian's nmap installs
// and reads it with ndiff, and checks that the JSON Lines and the XML of
// one scan merge into the same records.
func TestXMLTools(t *testing.T) {
	const dtd = "/usr/share/nmap/nmap.dtd"
	if _, err := exec.LookPath("xmllint"); err != nil {
		t.Skip("needs xmllint (libxml2-utils)")
	}
	if _, err := os.Stat(dtd); err != nil {
		t.Skip("needs nmap's DTD (" + dtd + ", package nmap-common)")
	}
	port, _ := countingListener(t)
	dir := t.TempDir()
	x1, x2, j1 := filepath.Join(dir, "1.xml"), filepath.Join(dir, "2.xml"), filepath.Join(dir, "1.jsonl")
	ports := fmt.Sprintf("%d,1-40", port)
	if code, _, errs := runScan(t, nil, "127.0.0.1,127.0.0.2", "-p", ports, "--seed", "3", "-oX", x1, "-oJ", j1, "--banner"); code != 0 {
		t.Fatal(errs)
	}
	if code, _, errs := runScan(t, nil, "127.0.0.1,127.0.0.2", "-p", "1-40", "--shard", "0/2", "--seed", "3", "-oX", x2); code != 0 {
		t.Fatal(errs)
	}
	for _, f := range []string{x1, x2} {
		if out, err := exec.Command("xmllint", "--noout", "--dtdvalid", dtd, f).CombinedOutput(); err != nil {
			x, _ := os.ReadFile(f)
			t.Fatalf("xmllint %s: %v\n%s\n%s", f, err, out, x)
		}
	}
	// JSON Lines and XML of one scan merge into the same records.
	var fromX, fromJ bytes.Buffer
	if code := MergeMain([]string{"-f", "jsonl", x1}, nil, &fromX, new(bytes.Buffer)); code != 0 {
		t.Fatal("merge of XML failed")
	}
	if code := MergeMain([]string{j1}, nil, &fromJ, new(bytes.Buffer)); code != 0 {
		t.Fatal("merge of JSON Lines failed")
	}
	px, pj := filepath.Join(dir, "x.jsonl"), filepath.Join(dir, "j.jsonl")
	os.WriteFile(px, fromX.Bytes(), 0o644)
	os.WriteFile(pj, fromJ.Bytes(), 0o644)
	sameOutcomes(t, "XML merged", outcomes(t, readJSONL(t, px)), outcomes(t, readJSONL(t, j1)))
	sameOutcomes(t, "JSONL merged", outcomes(t, readJSONL(t, pj)), outcomes(t, readJSONL(t, j1)))
	// Merged XML is valid XML too.
	mx := filepath.Join(dir, "m.xml")
	if code := MergeMain([]string{"-o", mx, x1, x2}, nil, new(bytes.Buffer), new(bytes.Buffer)); code != 0 {
		t.Fatal("merge of XML to XML failed")
	}
	if out, err := exec.Command("xmllint", "--noout", "--dtdvalid", dtd, mx).CombinedOutput(); err != nil {
		t.Fatalf("merged XML: %v\n%s", err, out)
	}

	if _, err := exec.LookPath("ndiff"); err != nil {
		t.Skip("needs ndiff (package ndiff)")
	}
	if out, err := exec.Command("ndiff", x1, x1).CombinedOutput(); err != nil {
		t.Errorf("ndiff of a file with itself: %v\n%s", err, out)
	}
	out, err := exec.Command("ndiff", x1, x2).CombinedOutput()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 {
		t.Fatalf("ndiff of two scans: %v (want exit 1: different)\n%s", err, out)
	}
	if !strings.Contains(string(out), fmt.Sprintf("-%d/tcp open", port)) {
		t.Errorf("ndiff does not report the open port %d going away:\n%s", port, out)
	}
}

func TestMergeBadInput(t *testing.T) {
	dir := t.TempDir()
	g := filepath.Join(dir, "o.gnmap")
	os.WriteFile(g, []byte("# netstar scan\nHost: 127.0.0.1 ()\tStatus: Up\n"), 0o644)
	j := filepath.Join(dir, "bad.jsonl")
	os.WriteFile(j, []byte(`{"ip":"127.0.0.1","port":80,"proto":"tcp","state":"open","reason":"syn-ack","seed":1,"time":""}`+"\n"+`{"ip":"x","port":80}`+"\n"), 0o644)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{nil, "no input files"},
		{[]string{"-f", "csv", j}, `-f "csv"`},
		{[]string{g}, "grepable output cannot be merged"},
		{[]string{j}, `bad.jsonl: line 2: field "ip" is "x": want an IP address`},
		{[]string{filepath.Join(dir, "missing")}, "no such file"},
	} {
		var errb bytes.Buffer
		if code := MergeMain(tc.args, nil, new(bytes.Buffer), &errb); code != ExitUsage || !strings.Contains(errb.String(), tc.want) {
			t.Errorf("merge %v: exit %d, %q; want %q", tc.args, code, errb.String(), tc.want)
		}
	}
}

func TestMergeTable(t *testing.T) {
	in := `{"ip":"127.0.0.2","port":80,"proto":"tcp","state":"open","reason":"syn-ack","shard":"0/2","seed":1,"time":"2026-01-01T00:00:00Z"}
{"ip":"127.0.0.2","port":81,"proto":"tcp","state":"closed","reason":"ECONNREFUSED","shard":"1/2","seed":1,"time":"2026-01-01T00:00:00Z"}
{"ip":"127.0.0.2","port":81,"proto":"tcp","state":"closed","reason":"ECONNREFUSED","shard":"1/2","seed":1,"time":"2026-01-01T00:00:00Z"}
{"ip":"127.0.0.3","port":80,"proto":"tcp","state":"closed","reason":"ECONNREFUSED","shard":"0/2","seed":1,"time":"2026-01-01T00:00:00Z"}
`
	var out, errb bytes.Buffer
	if code := MergeMain([]string{"-f", "table", "-"}, strings.NewReader(in), &out, &errb); code != 0 {
		t.Fatal(errb.String())
	}
	// Port 81 is nmap's hosts2-ns, unnamed in /etc/services.
	name81 := cmpOr(serviceName(81), "unknown")
	want := `# netstar merge initiated Thu Jan  1 00:00:00 2026 as: netstar merge -f table -
Nmap scan report for 127.0.0.2
Host is up.

` + fmt.Sprintf("%-7s%-7s%s\n%-7s%-7s%s\n%-7s%-7s%s\n", "PORT", "STATE", "SERVICE", "80/tcp", "open", "http", "81/tcp", "closed", name81) + `
Nmap scan report for 127.0.0.3
Host is up.

PORT   STATE  SERVICE
80/tcp closed http

# Nmap done at Thu Jan  1 00:00:00 2026 -- 2 IP addresses (2 hosts up) scanned in 0.00 seconds
# netstar shard=0/2+1/2 seed=1 probes=3 sent=0 retries=0 local_errors=0 drops=0 complete=true
`
	if out.String() != want {
		t.Errorf("normal output:\n%s\nwant:\n%s", out.String(), want)
	}
	if !strings.Contains(errb.String(), "3 records from 1 files, 1 duplicates dropped") || !strings.Contains(errb.String(), "all 2 shards present") {
		t.Errorf("audit: %s", errb.String())
	}
}

// TestMergeOpen: merge --open keeps the open ports (JSON Lines) or the
// hosts with one (XML), as scan --open does.
func TestMergeOpen(t *testing.T) {
	in := `{"ip":"127.0.0.2","port":80,"proto":"tcp","state":"open","reason":"syn-ack","shard":"0/2","seed":1,"time":"2026-01-01T00:00:00Z"}
{"ip":"127.0.0.2","port":81,"proto":"tcp","state":"closed","reason":"ECONNREFUSED","shard":"1/2","seed":1,"time":"2026-01-01T00:00:00Z"}
{"ip":"127.0.0.3","port":80,"proto":"tcp","state":"closed","reason":"ECONNREFUSED","shard":"0/2","seed":1,"time":"2026-01-01T00:00:00Z"}

{"ip":"127.0.0.2","port":82,"proto":"tcp","state":"filtered","reason":"ETIMEDOUT","shard":"1/2","seed":1,"time":"2026-01-01T00:00:00Z"}`
	for _, tt := range []struct {
		format       string
		want, unwant []string
	}{
		{"jsonl", []string{`"ip":"127.0.0.2","port":80,`}, []string{`"port":81`, `"port":82`, `"ip":"127.0.0.3"`}},
		{"xml", []string{`<address addr="127.0.0.2"`, `<hosts up="2" down="0" total="2"/>`, `<extrareasons reason="conn-refused" count="1" proto="tcp" ports="81"/>`,
			`<extrareasons reason="no-response" count="1" proto="tcp" ports="82"/>`, `<port protocol="tcp" portid="80"><state state="open"`}, []string{`addr="127.0.0.3"`, `portid="81"`, `portid="82"`}},
		{"normal", []string{"Nmap scan report for 127.0.0.2\nHost is up.\nNot shown: 1 closed tcp port (conn-refused), 1 filtered tcp port (no-response)\nPORT   STATE SERVICE\n80/tcp open  http\n\n", "-- 2 IP addresses (2 hosts up)"}, []string{"127.0.0.3", "82/tcp"}},
		{"grep", []string{"Host: 127.0.0.2 ()\tPorts: 80/open/tcp//http///\n"}, []string{"127.0.0.3", "Ignored", "82/", "81/"}},
	} {
		var out, errb bytes.Buffer
		if code := MergeMain([]string{"-f", tt.format, "--open", "-"}, strings.NewReader(in), &out, &errb); code != 0 {
			t.Fatalf("%s: exit %d: %s", tt.format, code, errb.String())
		}
		for _, w := range tt.want {
			if !strings.Contains(out.String(), w) {
				t.Errorf("%s lacks %s:\n%s", tt.format, w, out.String())
			}
		}
		for _, w := range tt.unwant {
			if strings.Contains(out.String(), w) {
				t.Errorf("%s has %s with --open:\n%s", tt.format, w, out.String())
			}
		}
	}
}

func FuzzCheckpoint(f *testing.F) {
	f.Add([]byte(`{"netstar_checkpoint":1,"args":"x","command":"c","seed":1,"positions":3}
{"pos":1,"ip":"127.0.0.1","port":80,"proto":"tcp","state":"open","reason":"syn-ack","seed":1,"time":"t"}
{"mark":0,"sent":1}
{"pos":0,"ip":"::1","port":81,"proto":"tcp","state":"closed","reason":"ECONNREFUSED","seed":1,"time":"t"}
{"mark":2,"sent":2,"complete":true}
{"pos":2,"ip":"127.0.0.1","po`))
	f.Add([]byte(`{"netstar_checkpoint":1`))
	f.Add([]byte("{\"netstar_checkpoint\":1,\"positions\":1}\n{\"pos\":0,\"ip\":\"1.2.3.4\",\"port\":0}\n"))
	f.Add([]byte("{\"netstar_checkpoint\":1,\"positions\":1}\n{\"mark\":5}\n"))
	f.Add([]byte("{\"netstar_checkpoint\":2}\n"))
	f.Add([]byte("\n\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		n := 0
		c, err := readCheckpoint(bytes.NewReader(data), readOptions{replay: func(pos uint64, r *Record) error {
			n++
			if err := r.check(); err != nil {
				t.Fatalf("replayed a bad record: %v", err)
			}
			return nil
		}})
		if err != nil {
			return
		}
		if c.size > int64(len(data)) || c.from() > c.header.Positions || uint64(n) != c.records {
			t.Fatalf("checkpoint %+v from %d bytes, %d replayed", c, len(data), n)
		}
		for p := range c.above {
			if p < c.from() || p >= c.header.Positions {
				t.Fatalf("position %d outside [%d, %d)", p, c.from(), c.header.Positions)
			}
		}
		// Read as a damaged journal (by position, marks not trusted), with
		// a verifier refusing odd ports: each position is replayed at most
		// once, and the bits hold exactly the positions replayed.
		if c.header.Positions > 1<<16 {
			return
		}
		bits := make([]uint64, (c.header.Positions+63)/64)
		seen := map[uint64]bool{}
		d, err := readCheckpoint(bytes.NewReader(data), readOptions{bits: bits,
			verify: func(pos uint64, r *Record) error {
				if r.Port%2 == 1 {
					return fmt.Errorf("odd port %d", r.Port)
				}
				return nil
			},
			replay: func(pos uint64, r *Record) error {
				if seen[pos] || r.Port%2 == 1 {
					t.Fatalf("position %d replayed twice, or refused yet replayed", pos)
				}
				seen[pos] = true
				return nil
			}})
		if err != nil {
			t.Fatalf("read once, refused as a damaged journal: %v", err)
		}
		set := 0
		for p := range c.header.Positions {
			if bitSet(bits, p) {
				set++
				if !seen[p] {
					t.Fatalf("position %d set but not replayed", p)
				}
			}
		}
		if set != len(seen) || uint64(set) != d.records || d.records+d.dropped < c.records {
			t.Fatalf("%d bits, %d replayed, %d kept, %d dropped (first reading: %d)", set, len(seen), d.records, d.dropped, c.records)
		}
	})
}

func FuzzTargetList(f *testing.F) {
	for _, s := range []string{"127.0.0.1\n", "# c\n10.0.0.0/24, host.example\n\n::1 10.0.0.1-20\n", "10.0.0.0/33\n", "a b\tc,d\r\n", "\x00\n", "1.2.3.4-1.2.3.1", "10.0.0.1-3,5\n10.0,1.0.1 # c\n", "10.0.0.1,5,10.0.0.9"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ts, n, err := parseTargetList(i18n.English, strings.NewReader(s), "f", 1<<16, 1<<16, map[string]string{})
		if err != nil {
			if !strings.HasPrefix(err.Error(), "f:") {
				t.Fatalf("error without the file name: %v", err)
			}
			return
		}
		if n > 1<<16 {
			t.Fatalf("%d hosts past the budget", n)
		}
		var sum uint64
		for _, t := range ts {
			sum += t.Len()
		}
		if sum != n {
			t.Fatalf("count %d, sum %d", n, sum)
		}
	})
}

// TestMemory streams a /16 of targets × 10 ports (655,360 probes) in a
// child process and checks its peak RSS (VmHWM, sampled from /proc while
// it runs: ru_maxrss is no use, Linux carries it across execve from this
// big test process): memory must not grow with the number of targets.
func TestMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("655,360 probes: skipped with -short")
	}
	if raceEnabled {
		t.Skip("the race detector multiplies memory: run without -race")
	}
	n := lab(t)
	cmd := child("scan", "127.0.0.0/16", "-p", "20-25,80,443,8080,9000", "--seed", "5", "--netns", n.Local.Path, "-oJ", os.DevNull)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	status := fmt.Sprintf("/proc/%d/status", cmd.Process.Pid)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var peakKB int64
	for waiting := true; waiting; {
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("%v\n%s", err, out.String())
			}
			waiting = false
		case <-time.After(10 * time.Millisecond):
			data, err := os.ReadFile(status)
			if err != nil {
				continue
			}
			for line := range strings.Lines(string(data)) {
				if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
					var kb int64
					fmt.Sscanf(strings.TrimSpace(v), "%d", &kb)
					peakKB = max(peakKB, kb)
				}
			}
		}
	}
	if !strings.Contains(out.String(), "655360 of 655360 probes recorded") {
		t.Errorf("summary: %s", out.String())
	}
	if peakKB == 0 {
		t.Skip("no VmHWM in /proc: cannot measure")
	}
	mb := float64(peakKB) / 1024
	t.Logf("peak RSS %.1f MB", mb)
	if mb >= 50 {
		t.Errorf("peak RSS %.1f MB, want < 50 MB", mb)
	}
}

// fileSize returns the size of the file at path, or -1.
func fileSize(path string) int64 {
	st, err := os.Stat(path)
	if err != nil {
		return -1
	}
	return st.Size()
}

// firstWrite is an io.Writer that keeps a copy of its first write.
type firstWrite struct {
	mu    sync.Mutex
	first []byte
	all   bytes.Buffer
}

func (w *firstWrite) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.first == nil {
		w.first = bytes.Clone(p)
	}
	return w.all.Write(p)
}

// TestStreamsAsFound checks that a slow scan's records reach standard
// output while it runs, not in one write at the end: with --rate 2 the
// 4 probes are half a second apart, and the first write must hold fewer
// than all 4 records.
func TestStreamsAsFound(t *testing.T) {
	port, _ := countingListener(t)
	var out firstWrite
	var errb bytes.Buffer
	code := run(context.Background(), []string{"127.0.0.1", "-p", fmt.Sprintf("%d,1-3", port), "--rate", "2", "--seed", "1"},
		strings.NewReader(""), &out, &errb, noEnv)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	if n := strings.Count(out.all.String(), "\n"); n != 4 {
		t.Fatalf("%d records, want 4:\n%s", n, out.all.String())
	}
	if n := bytes.Count(out.first, []byte("\n")); n == 0 || n >= 4 {
		t.Errorf("first write held %d records, want 1 to 3: output is not streamed", n)
	}
}

// TestMarksCountWhileRunning kills a scan with SIGKILL, as a pod is
// killed, and reads its checkpoint: the marks written while it ran
// must count the probes it sent, or the merged audit of a resumed scan
// loses everything the killed run did.
func TestMarksCountWhileRunning(t *testing.T) {
	dir := t.TempDir()
	ckpt := filepath.Join(dir, "scan.ckpt")
	cmd := child("scan", "127.0.0.1", "-p", "1-2000", "--rate", "400", "--seed", "3", "--resume", ckpt, "-oJ", filepath.Join(dir, "o.jsonl"))
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cmd.Process.Kill(); cmd.Wait() }()
	var last markLine
	for i := 0; i < 1000; i++ {
		time.Sleep(10 * time.Millisecond)
		data, _ := os.ReadFile(ckpt)
		for line := range strings.Lines(string(data)) {
			var m markLine
			if strings.HasPrefix(line, `{"mark":`) && json.Unmarshal([]byte(line), &m) == nil && m.Mark != nil {
				last = m
			}
		}
		if last.Mark != nil && *last.Mark >= 50 {
			break
		}
	}
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	if last.Mark == nil || *last.Mark < 50 {
		t.Fatalf("no mark past position 50 in 10 s: %+v", last)
	}
	if last.Sent < *last.Mark {
		t.Errorf("mark at position %d counts %d sent: every position below it was sent", *last.Mark, last.Sent)
	}
}

// TestOpenAndAllFormats: -oA writes the three formats; --open keeps
// only open ports in JSON Lines and only hosts with one in XML and
// grepable output, while the summary still counts every probe; nmap's
// -sT and -Pn are accepted.
func TestOpenAndAllFormats(t *testing.T) {
	port, _ := countingListener(t)
	base := filepath.Join(t.TempDir(), "scan")
	code, out, errs := runScan(t, nil, "-sT", "-Pn", "127.0.0.1,127.0.0.2", "-p", fmt.Sprintf("1-5,%d", port), "--open", "-oA", base, "--seed", "2")
	if code != 0 || out != "" {
		t.Fatalf("exit %d, stdout %q, stderr %s", code, out, errs)
	}
	recs := readJSONL(t, base+".jsonl")
	if len(recs) != 1 || recs[0].IP != "127.0.0.1" || recs[0].Port != port || recs[0].State != "open" {
		t.Errorf("JSON Lines with --open: %+v", recs)
	}
	// --open in every output, as nmap 7.93 writes it: only the open
	// port listed; XML keeps the others as extraports.
	g, _ := os.ReadFile(base + ".gnmap")
	for _, want := range []string{fmt.Sprintf("Host: 127.0.0.1 ()\tPorts: %d/open/tcp/////\n", port), "-- 2 IP addresses (2 hosts up)"} {
		if !strings.Contains(string(g), want) {
			t.Errorf("grepable lacks %q:\n%s", want, g)
		}
	}
	if strings.Contains(string(g), "closed") || strings.Contains(string(g), "Ignored State") {
		t.Errorf("grepable with --open lists closed ports:\n%s", g)
	}
	x, _ := os.ReadFile(base + ".xml")
	for _, want := range []string{`<extraports state="closed" count="5">`, `<extrareasons reason="conn-refused" count="5" proto="tcp" ports="1-5"/>`, fmt.Sprintf(`<port protocol="tcp" portid="%d"><state state="open"`, port)} {
		if !strings.Contains(string(x), want) {
			t.Errorf("XML with --open lacks %s:\n%s", want, x)
		}
	}
	if strings.Contains(string(x), `<state state="closed"`) {
		t.Errorf("XML with --open lists a closed port:\n%s", x)
	}
	if n, _ := os.ReadFile(base + ".nmap"); !strings.Contains(string(n), "Nmap scan report for 127.0.0.1\nHost is up") || !strings.Contains(string(n), "Not shown: 5 closed tcp ports (conn-refused)\nPORT ") || !strings.Contains(string(n), fmt.Sprintf("\n%d/tcp open  unknown\n", port)) {
		t.Errorf("-oA's .nmap:\n%s", n)
	}
	if strings.Contains(string(g), "Host: 127.0.0.2") || strings.Contains(string(x), `addr="127.0.0.2"`) {
		t.Errorf("--open listed 127.0.0.2, which has no open port:\n%s\n%s", g, x)
	}
	if !strings.Contains(string(x), `<address addr="127.0.0.1"`) || !strings.Contains(string(x), `<hosts up="2" down="0" total="2"/>`) {
		t.Errorf("XML:\n%s", x)
	}
	if !strings.Contains(errs, "12 of 12 probes recorded") {
		t.Errorf("summary: %s", errs)
	}

	for _, args := range [][]string{
		{"127.0.0.1", "-oA", base, "-oJ", base + ".other"},
		{"127.0.0.1", "-oA", "-"},
	} {
		code, _, errs := runScan(t, nil, args...)
		if code != ExitUsage || !strings.Contains(errs, "-oA") {
			t.Errorf("%q: exit %d, stderr %q", args, code, errs)
		}
	}
}

func TestNmapPorts(t *testing.T) {
	tests := []struct{ in, want []string }{
		{[]string{"10.0.0.1", "-p-"}, []string{"10.0.0.1", "-p", "-"}},
		{[]string{"-p80,443", "h"}, []string{"-p", "80,443", "h"}},
		{[]string{"-p1-1024"}, []string{"-p", "1-1024"}},
		{[]string{"-p", "22"}, []string{"-p", "22"}},
		{[]string{"-p=22"}, []string{"-p=22"}},
		{[]string{"-Pn", "-pn"}, []string{"-Pn", "-p", "n"}},
		{[]string{"--", "-p80"}, []string{"--", "-p80"}},
		{[]string{"-vv", "h"}, []string{"-v", "-v", "h"}},
		{[]string{"-vvv"}, []string{"-v", "-v", "-v"}},
		{[]string{"-v2"}, []string{"-v=2"}},
		{[]string{"-v"}, []string{"-v"}},
		{[]string{"-vx"}, []string{"-vx"}},
	}
	for _, tt := range tests {
		if got := nmapPorts(tt.in); !slices.Equal(got, tt.want) {
			t.Errorf("nmapPorts(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestTopPorts: --top-ports takes the ports nmap's frequency table ranks
// first ($NMAPDIR's here, so the test does not depend on nmap's version)
// and refuses to be combined with -p.
func TestTopPorts(t *testing.T) {
	dir := t.TempDir()
	table := "a\t7/tcp\t0.1\nb\t9/tcp\t0.3\nc\t9/udp\t0.9\nd\t13/tcp\t0.2\ne\t5/tcp\t0.01\n"
	if err := os.WriteFile(filepath.Join(dir, "nmap-services"), []byte(table), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("NMAPDIR", dir)
	code, out, errs := runScan(t, nil, "127.0.0.1", "--top-ports", "3", "--seed", "1")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var got []int
	for line := range strings.Lines(out) {
		var r Record
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatal(err)
		}
		got = append(got, r.Port)
	}
	slices.Sort(got)
	if !slices.Equal(got, []int{7, 9, 13}) {
		t.Errorf("ports %v, want [7 9 13]", got)
	}
	for _, args := range [][]string{
		{"127.0.0.1", "--top-ports", "3", "-p", "22"},
		{"127.0.0.1", "--top-ports", "0"},
		{"127.0.0.1", "--top-ports", "9"},
	} {
		code, _, errs := runScan(t, nil, args...)
		if code != ExitUsage || !strings.Contains(errs, "--top-ports") {
			t.Errorf("%q: exit %d, stderr %q", args, code, errs)
		}
	}
}

// TestTimingTemplates: nmap's -T0..-T5 and timing knobs set netstar
// scan's pacing and timeouts, and options given explicitly win.
func TestTimingTemplates(t *testing.T) {
	ms := time.Millisecond
	type timing struct {
		workers                          int
		rate, minRate                    float64
		timeout, initRTT, maxRTT, minRTT time.Duration
		hostTimeout                      time.Duration
		retries                          int
	}
	def := timing{workers: 4096, timeout: time.Second, retries: 1}
	with := func(f func(*timing)) timing { t := def; f(&t); return t }
	tests := []struct {
		args []string
		want timing
	}{
		{[]string{"-T0"}, with(func(t *timing) { t.workers, t.rate = 1, 1.0/300 })},
		{[]string{"-T2"}, with(func(t *timing) { t.workers, t.rate = 1, 2.5 })},
		{[]string{"-T3"}, def},
		{[]string{"-T4"}, with(func(t *timing) { t.initRTT, t.maxRTT = 500*ms, 1250*ms })},
		{[]string{"-T5"}, with(func(t *timing) {
			t.initRTT, t.maxRTT, t.minRTT, t.hostTimeout, t.retries = 250*ms, 300*ms, 50*ms, 15*time.Minute, 2
		})},
		{[]string{"-T5", "--timeout", "2", "--retries", "0"}, with(func(t *timing) {
			t.timeout, t.minRTT, t.hostTimeout, t.retries = 2*time.Second, 50*ms, 15*time.Minute, 0
		})},
		{[]string{"-T4", "--max-rtt-timeout", "2s"}, with(func(t *timing) { t.initRTT, t.maxRTT = 500*ms, 2*time.Second })},
		{[]string{"-T1", "--rate", "10"}, with(func(t *timing) { t.workers, t.rate = 1, 10 })},
		{[]string{"--max-rate", "50", "--min-rate", "20"}, with(func(t *timing) { t.rate, t.minRate = 50, 20 })},
		{[]string{"--host-timeout", "30s", "--initial-rtt-timeout", "0.2"}, with(func(t *timing) { t.hostTimeout, t.initRTT = 30*time.Second, 200*ms })},
		{[]string{"--max-hostgroup", "64"}, def},
	}
	for _, tt := range tests {
		c, err := parseArgs(append([]string{"127.0.0.1"}, tt.args...), nil, noEnv, io.Discard)
		if err != nil {
			t.Errorf("%q: %v", tt.args, err)
			continue
		}
		got := timing{c.workers, c.rate, c.minRate, c.timeout, c.initRTT, c.maxRTT, c.minRTT, c.hostTime, c.retries}
		if got != tt.want {
			t.Errorf("%q:\n got %+v\nwant %+v", tt.args, got, tt.want)
		}
	}
	for _, bad := range []struct{ args, want string }{
		{"--rate 10 --max-rate 20", "give one"},
		{"--min-rate 30 --max-rate 20", "above --max-rate"},
		{"--min-rate -1", "--min-rate -1"},
		{"--initial-rtt-timeout 2 --max-rtt-timeout 1", "above --max-rtt-timeout"},
		{"--host-timeout soon", `--host-timeout "soon"`},
	} {
		_, err := parseArgs(append([]string{"127.0.0.1"}, strings.Fields(bad.args)...), nil, noEnv, io.Discard)
		if err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("%s: err = %v, want %q", bad.args, err, bad.want)
		}
	}
	if _, err := parseArgs([]string{"127.0.0.1", "-T4", "-T5"}, nil, noEnv, io.Discard); err == nil || !strings.Contains(err.Error(), "one timing template") {
		t.Errorf("-T4 -T5: err = %v", err)
	}
}
