package socket_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/netstar/netstar/modules"
	"github.com/netstar/netstar/modules/socket"
	"github.com/netstar/netstar/modules/socket/netnstest"
	_ "github.com/netstar/netstar/modules/standard"
	"github.com/netstar/netstar/repl/interp"
	"go.starlark.net/starlark"
	"go.uber.org/goleak"
)

func runScan(t *testing.T, ctx context.Context, src string) (string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	s := interp.New(interp.Config{Stdout: &out, Stderr: &errb, Argv: []string{"t.star"}})
	defer s.Close()
	th := s.NewThread("test")
	if ctx != nil {
		interp.SetContext(th, ctx)
	}
	s.Lock()
	_, err := s.ExecFile(th, "t.star", []byte(src))
	s.Unlock()
	return out.String() + errb.String(), err
}

// listener returns a loopback port that listens and one that does not.
func scanListener(t *testing.T) (open, closed int) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	l2, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed = l2.Addr().(*net.TCPAddr).Port
	l2.Close()
	return l.Addr().(*net.TCPAddr).Port, closed
}

func TestScanRegistered(t *testing.T) {
	m, ok := modules.Lookup("socket")
	if !ok {
		t.Skip("the socket module is not registered")
	}
	v, err := m.Value.(starlark.HasAttrs).Attr("scan")
	if err != nil || v != socket.Module.Members["scan"] {
		t.Errorf("socket.scan = %v, %v", v, err)
	}
	if doc := modules.Doc("socket.scan"); !strings.HasPrefix(doc, "scan(target, ports=") {
		t.Errorf("help text = %q", doc)
	}
}

func TestScan(t *testing.T) {
	defer goleak.VerifyNone(t)
	open, closed := scanListener(t)
	src := fmt.Sprintf(`import socket
import json
r = socket.scan("127.0.0.1", ports=[%[1]d, "%[2]d"], timeout=0.5, reverse=False)
print(type(r), r.host, r.ip, r.open, r.closed, r.filtered, len(r.ports))
print([(p.port, p.state, p.reason) for p in r.ports])
print(dir(r))
print(dir(r.ports[0]))
print(r.ports[0])
d = json.decode(json.encode(r))
print(d["open"], d["ports"][0]["state"], d["ports"][1]["reason"], type(d["elapsed"]))
print(r)
rs = socket.scan(["127.0.0.1"], ports=%[1]d, reverse=False, retries=0, workers=1)
print(type(rs), len(rs), rs[0].open)
print(type(socket.scan("127.0.0.1/32", ports=%[1]d, reverse=False)), type(socket.scan("127.0.0.1-1", ports=%[1]d, reverse=False)), type(socket.scan("127.0.0.1,127.0.0.1", ports=%[1]d, reverse=False)))
`, open, closed)
	out, err := runScan(t, nil, src)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	lo, hi := min(open, closed), max(open, closed)
	states := map[int]string{open: `'open', 'syn-ack'`, closed: `'closed', 'ECONNREFUSED'`}
	for _, want := range []string{
		fmt.Sprintf("scan_result 127.0.0.1 127.0.0.1 [%d] [%d] [] 2\n", open, closed),
		fmt.Sprintf("[(%d, %s), (%d, %s)]\n", lo, states[lo], hi, states[hi]),
		`['closed', 'elapsed', 'filtered', 'host', 'ip', 'local_errors', 'mac', 'name', 'open', 'open_filtered', 'ports', 'proto', 'reason', 'retries', 'up']`,
		`['banner', 'port', 'reason', 'rtt', 'service', 'state']`,
		fmt.Sprintf("[%d] %s", open, map[bool]string{true: "open", false: "closed"}[lo == open]),
		"scan report for 127.0.0.1\nNot shown: 1 closed ports\n",
		fmt.Sprintf("│ %d/tcp │ open  │", open),
		"2 ports scanned in ",
		fmt.Sprintf("scan_port(port=%d, state='%s', reason=", lo, map[bool]string{true: "open", false: "closed"}[lo == open]),
		fmt.Sprintf("list 1 [%d]\n", open),
		"list list list\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestScanBadInput(t *testing.T) {
	for _, tc := range []struct{ call, want string }{
		{`socket.scan("127.0.0.1", ports="80-")`, `socket.scan: for parameter ports: port range "80-" has no end`},
		{`socket.scan("127.0.0.1", ports="90-80")`, `for parameter ports: port range "90-80" is reversed`},
		{`socket.scan("127.0.0.1", ports="abc")`, `for parameter ports: unknown service name "abc"`},
		{`socket.scan("127.0.0.1", ports="")`, `for parameter ports: empty port spec`},
		{`socket.scan("127.0.0.1", ports=0)`, `for parameter ports: port 0 out of range 1-65535`},
		{`socket.scan("127.0.0.1", ports=[80, 70000])`, `for parameter ports: port 70000 out of range`},
		{`socket.scan("127.0.0.1", ports=[])`, `for parameter ports: no ports to scan`},
		{`socket.scan("127.0.0.1", ports=1.5)`, `for parameter ports: got float`},
		{`socket.scan("10.0.0.0/33")`, `socket.scan: for parameter target: invalid CIDR "10.0.0.0/33"`},
		{`socket.scan("10.0.0.0/8")`, `socket.scan: for parameter target: target "10.0.0.0/8" expands to more than 65536 hosts`},
		{`socket.scan("10.0.0.0/15", max_hosts=1000)`, `more than 1000 hosts`},
		{`socket.scan(["127.0.0.1", 3])`, `for parameter target: got int in list`},
		{`socket.scan("")`, `for parameter target: empty target spec`},
		{`socket.scan("127.0.0.1", timeout=0)`, `ValueError: socket.scan: for parameter timeout: got 0, want a number of seconds`},
		{`socket.scan("127.0.0.1", ports=None)`, `TypeError: socket.scan: for parameter ports: got NoneType`},
		{`socket.scan("127.0.0.1", timeout="x")`, `for parameter timeout`},
		{`socket.scan("127.0.0.1", workers=0)`, `for parameter workers`},
		{`socket.scan("127.0.0.1", retries=-1)`, `for parameter retries`},
		{`socket.scan("127.0.0.1", max_hosts=0)`, `for parameter max_hosts`},
		{`socket.scan()`, `socket.scan: missing argument for target`},
		{`socket.scan("127.0.0.1", bogus=1)`, `unexpected keyword argument "bogus"`},
		{`socket.scan("127.0.0.1", shard="3/2", seed=1)`, `ValueError: socket.scan: for parameter shard: invalid shard "3/2": the index must be in 0-1`},
		{`socket.scan("127.0.0.1", shard="0/0", seed=1)`, `for parameter shard: invalid shard "0/0": the shard count N must be at least 1`},
		{`socket.scan("127.0.0.1", shard="0/2")`, `for parameter shard: shards need an explicit seed=`},
		{`socket.scan("127.0.0.1", shard=1, seed=1)`, `TypeError: socket.scan: for parameter shard: got int`},
		{`socket.scan("127.0.0.1", seed=-1)`, `for parameter seed: got -1`},
		{`socket.scan("127.0.0.1", seed="x")`, `TypeError: socket.scan: for parameter seed: got string`},
		{`socket.scan("127.0.0.1", rate=-1)`, `ValueError: socket.scan: for parameter rate: got -1, want probes per second >= 0`},
		{`socket.scan("127.0.0.1", rate="fast")`, `TypeError: socket.scan: for parameter rate`},
		{`socket.scan("127.0.0.1", top_ports=0)`, `ValueError: socket.scan: for parameter top_ports: want at least 1 port, not 0`},
		{`socket.scan("127.0.0.1", top_ports="x")`, `TypeError: socket.scan: for parameter top_ports: got string, want an int`},
		{`socket.scan("127.0.0.1", "22", top_ports=3)`, `TypeError: socket.scan: give ports or top_ports, not both`},
		{`socket.scan("127.0.0.1", ports="22", top_ports=3)`, `TypeError: socket.scan: give ports or top_ports, not both`},
	} {
		out, err := runScan(t, nil, "import socket\n"+tc.call+"\n")
		if err == nil || !strings.Contains(scanUnquoteParam(err.Error()), tc.want) {
			t.Errorf("%s: error %v, want %q\n%s", tc.call, err, tc.want, out)
		}
	}
}

// unquoteParam turns go.starlark.net's `for parameter "x"` into the
// unquoted form the hand-written checks use.
func scanUnquoteParam(s string) string {
	return regexp.MustCompile(`for parameter "(\w+)"`).ReplaceAllString(s, "for parameter $1")
}

func TestScanCatchable(t *testing.T) {
	out, err := runScan(t, nil, `import socket
v, e = catch(socket.scan, "127.0.0.1", ports="80-")
print(v, "|", e.type, "|", str(e))
`)
	if err != nil || !strings.Contains(out, `None | ValueError | socket.scan: for parameter ports: port range "80-" has no end`) {
		t.Errorf("got %q, %v", out, err)
	}
}

// TestCancelled runs socket.scan on a thread whose context is already
// cancelled, as after Ctrl-C: the error wraps context.Canceled.
func TestScanCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := runScan(t, ctx, "import socket\nsocket.scan(\"127.0.0.1\", ports=\"1-1000\", reverse=False)\n")
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

// TestBuiltinWithoutSession calls the builtin on a plain thread, as Go
// code embedding it without a session would.
func TestScanWithoutSession(t *testing.T) {
	open, _ := scanListener(t)
	v, err := starlark.Call(&starlark.Thread{}, socket.Module.Members["scan"],
		starlark.Tuple{starlark.String("127.0.0.1")},
		[]starlark.Tuple{{starlark.String("ports"), starlark.MakeInt(open)}, {starlark.String("reverse"), starlark.False}})
	if err != nil {
		t.Fatal(err)
	}
	r := v.(*socket.ScanResult)
	if got := r.Scan().Open(); len(got) != 1 || got[0] != open {
		t.Errorf("open = %v", got)
	}
}

// TestResolve checks that names go through the socket module's resolver:
// "localhost" needs no query, and a failing resolver (a closed port of
// the loopback) gives socket.gaierror naming the host.
func TestScanResolve(t *testing.T) {
	open, _ := scanListener(t)
	out, err := runScan(t, nil, fmt.Sprintf(`import socket
r = socket.scan("localhost", ports=%d, reverse=False)
print(r.host, r.ip, r.open)
socket.setresolver("127.0.0.1:9")
v, e = catch(socket.scan, "nohost.test", ports=1)
socket.setresolver(None)
print(e.type, "|", e.errno)
`, open))
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if want := fmt.Sprintf("localhost 127.0.0.1 [%d]\ngaierror | -3\n", open); out != want {
		t.Errorf("got %q, want %q", out, want)
	}
	_, err = runScan(t, nil, `import socket
socket.setresolver("127.0.0.1:9")
socket.scan("nohost.test", ports=1)
`)
	runScan(t, nil, "import socket\nsocket.setresolver(None)\n")
	if err == nil || !strings.Contains(err.Error(), "socket.scan: for parameter target: nohost.test: socket.gaierror: [Errno -3]") {
		t.Errorf("err = %v", err)
	}
}

// TestScanShards scans loopback ports in 3 shards of one seeded walk from
// Starlark: the shards are disjoint and their union is the whole scan.
// The scan runs in a child process inside a namespace of the test's own,
// whose loopback has nothing listening but the test's port: on the
// shared loopback any other listener (a DNS server on port 53, say)
// would be in the scan too.
func TestScanShards(t *testing.T) {
	n := netnstest.Start(t)
	open, err := n.Local.Serve("127.0.0.1:0", "")
	if err != nil {
		t.Fatal(err)
	}
	cmd := n.Local.Command(os.Args[0], "-test.run=^TestScanShardsChild$", "-test.v")
	cmd.Env = append(os.Environ(), envScanShardsChild+"="+strconv.Itoa(open))
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	if want := fmt.Sprintf("201 201 True [%d]\n", open); !strings.Contains(string(out), want) {
		t.Errorf("child output lacks %q:\n%s", want, out)
	}
}

// envScanShardsChild carries the open port to TestScanShardsChild.
const envScanShardsChild = "NETSTAR_SCAN_SHARDS_CHILD"

// TestScanShardsChild is TestScanShards' scan, run inside its namespace.
func TestScanShardsChild(t *testing.T) {
	open := os.Getenv(envScanShardsChild)
	if open == "" {
		t.Skip("run by TestScanShards")
	}
	src := fmt.Sprintf(`import socket
whole = socket.scan("127.0.0.1", ports="%[1]s,1-200", seed=5, reverse=False, rate=100000)
seen = {}
for i in range(3):
    r = socket.scan("127.0.0.1", ports="%[1]s,1-200", seed=5, shard="%%d/3" %% i, reverse=False)
    for p in r.ports:
        if p.port in seen:
            fail("port %%d in two shards" %% p.port)
        seen[p.port] = p.state
print(len(whole.ports), len(seen), sorted([p for p in seen if seen[p] == "open"]) == whole.open, whole.open)
`, open)
	out, err := runScan(t, nil, src)
	os.Stdout.WriteString(out)
	if err != nil {
		t.Fatal(err)
	}
}

// TestTopPorts scans the ports of $NMAPDIR's frequency table that rank
// first, as netstar scan --top-ports does.
func TestTopPorts(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "nmap-services"), []byte("a 7/tcp 0.1\nb 9/tcp 0.3\nc 13/tcp 0.2\nd 5/tcp 0.01\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("NMAPDIR", dir)
	out, err := runScan(t, nil, "import socket\nr = socket.scan(\"127.0.0.1\", top_ports=2, reverse=False)\nprint(sorted([p.port for p in r.ports]))\n")
	if err != nil {
		t.Fatal(err)
	}
	if strings.TrimSpace(out) != "[9, 13]" {
		t.Errorf("scanned ports %q, want [9, 13]", out)
	}
}

// TestScanDiscovery: a host whose ping ports refuse is up; discover and
// ping_only reach the engine; a result says up and reason.
func TestScanDiscovery(t *testing.T) {
	open, _ := scanListener(t)
	out, err := runScan(t, context.Background(), fmt.Sprintf(`
r = socket.scan("127.0.0.1", ports=[%d], reverse=False)
print(r.up, r.reason, r.open)
r = socket.scan("127.0.0.1", ports=[%d], reverse=False, discover=False)
print(r.up, r.reason, r.open)
r = socket.scan("127.0.0.1", ports=[%d], reverse=False, ping_only=True)
print(r.up, r.ports)
print(r)
`, open, open, open))
	if err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf("True conn-refused [%d]\nTrue syn-ack [%d]\nTrue []\nscan report for 127.0.0.1\nDiscovery only: no ports scanned.\n", open, open)
	if out != want {
		t.Errorf("got\n%s\nwant\n%s", out, want)
	}
	if _, err := runScan(t, context.Background(), `socket.scan("127.0.0.1", min_rtt_timeout=0)`); err == nil || !strings.Contains(err.Error(), "for parameter min_rtt_timeout") {
		t.Errorf("min_rtt_timeout=0: %v", err)
	}
}

// TestScanTimingKeywords: nmap's timing knobs as socket.scan keywords:
// they are checked as Python checks arguments, and a scan with them
// still decides every port.
func TestScanTimingKeywords(t *testing.T) {
	for _, tt := range []struct{ call, want string }{
		{`socket.scan("127.0.0.1", host_timeout=-1)`, "for parameter host_timeout"},
		{`socket.scan("127.0.0.1", initial_rtt_timeout="x")`, "for parameter initial_rtt_timeout"},
		{`socket.scan("127.0.0.1", initial_rtt_timeout=2, max_rtt_timeout=1)`, "above max_rtt_timeout"},
		{`socket.scan("127.0.0.1", min_rate=-5)`, "for parameter min_rate"},
		{`socket.scan("127.0.0.1", min_rate="fast")`, "for parameter min_rate"},
	} {
		if _, err := runScan(t, context.Background(), tt.call); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err = %v, want %q", tt.call, err, tt.want)
		}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	open := ln.Addr().(*net.TCPAddr).Port
	out, err := runScan(t, context.Background(), fmt.Sprintf(`
r = socket.scan("127.0.0.1", ports=[%d, 1], reverse=False, initial_rtt_timeout=0.5, max_rtt_timeout=1, host_timeout=60, min_rate=100)
print(r.open, r.closed)
`, open))
	if err != nil {
		t.Fatal(err)
	}
	if want := fmt.Sprintf("[%d] [1]\n", open); out != want {
		t.Errorf("got %q, want %q", out, want)
	}
}

// TestScanUDP: socket.scan(proto="udp") on loopback: a port that replies
// is open, one without a listener closed (ICMP port unreachable), and
// the table says udp.
func TestScanUDP(t *testing.T) {
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	go func() {
		buf := make([]byte, 512)
		for {
			_, from, err := pc.ReadFrom(buf)
			if err != nil {
				return
			}
			pc.WriteTo([]byte("pong"), from)
		}
	}()
	open := pc.LocalAddr().(*net.UDPAddr).Port
	closed := freeUDPPort(t)
	out, err := runScan(t, context.Background(), fmt.Sprintf(`
r = socket.scan("127.0.0.1", ports=[%d, %d], proto="udp", reverse=False)
print(r.proto, r.open, r.closed, r.open_filtered)
print([(p.port, p.state, p.reason) for p in r.ports])
print(r)
`, open, closed))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		fmt.Sprintf("udp [%d] [%d] []\n", open, closed),
		fmt.Sprintf("(%d, 'open', 'udp-response')", open),
		fmt.Sprintf("(%d, 'closed', 'port-unreach')", closed),
		fmt.Sprintf("│ %d/udp │ open ", open),
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if _, err := runScan(t, context.Background(), `socket.scan("127.0.0.1", proto="sctp")`); err == nil || !strings.Contains(err.Error(), `for parameter proto: got "sctp"`) {
		t.Errorf("proto=sctp: %v", err)
	}
}

// freeUDPPort returns a loopback UDP port nothing listens on.
func freeUDPPort(t *testing.T) int {
	t.Helper()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := pc.LocalAddr().(*net.UDPAddr).Port
	pc.Close()
	return port
}
