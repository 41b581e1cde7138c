package socket_test

import (
	"fmt"
	"net"
	"os/exec"
	"strings"
	"sync"
	"testing"

	"golang.org/x/sys/unix"
)

// reuseCases are sequences of calls on ONE socket, run by python3 and by
// netstar on the same kernel against the same listeners. Each step is
// ("timeout", seconds or None), ("blocking", bool), ("ex", target):
// connect_ex, or ("connect", target): connect, whose exception is
// recorded. Targets: CLOSED (nothing listens), OPEN and OPEN2 (two
// listeners), FULL (a listener whose accept queue is full, so that the
// kernel drops the SYN and the handshake stays in SYN_SENT).
//
// The numbers are the kernel's answers to the calls CPython makes on its
// descriptor (connect(2), then poll and SO_ERROR with a timeout), so
// Linux gives [111, 103, 0] for refused, open, open with a timeout and
// [111, 0, 106] without one.
var reuseCases = []struct {
	name, family string // family: "4", "6", "udp"
	steps        string // Python/Starlark list literal of steps
}{
	{"timeout/refused-open-open", "4", `[("timeout", 0.5), ("ex", "CLOSED"), ("ex", "OPEN"), ("ex", "OPEN")]`},
	{"timeout/refused-open-open2-closed", "4", `[("timeout", 0.5), ("ex", "CLOSED"), ("ex", "OPEN"), ("ex", "OPEN"), ("ex", "OPEN2"), ("ex", "CLOSED")]`},
	{"timeout/open-open-open2", "4", `[("timeout", 0.5), ("ex", "OPEN"), ("ex", "OPEN"), ("ex", "OPEN2")]`},
	{"timeout/refused-refused-refused", "4", `[("timeout", 0.5), ("ex", "CLOSED"), ("ex", "CLOSED"), ("ex", "CLOSED")]`},
	{"none/refused-open-open", "4", `[("ex", "CLOSED"), ("ex", "OPEN"), ("ex", "OPEN")]`},
	{"none/refused-open2-closed", "4", `[("ex", "CLOSED"), ("ex", "OPEN2"), ("ex", "CLOSED"), ("ex", "OPEN")]`},
	{"none/refused-refused", "4", `[("ex", "CLOSED"), ("ex", "CLOSED"), ("ex", "CLOSED")]`},
	{"blocking-true/refused-open-open", "4", `[("blocking", True), ("ex", "CLOSED"), ("ex", "OPEN"), ("ex", "OPEN")]`},
	{"nonblocking/refused-open-open", "4", `[("blocking", False), ("ex", "CLOSED"), ("ex", "CLOSED"), ("ex", "OPEN"), ("ex", "OPEN"), ("ex", "OPEN")]`},
	{"timeout0/open-open", "4", `[("timeout", 0), ("ex", "OPEN"), ("ex", "OPEN"), ("ex", "OPEN2")]`},
	// The timeout changes between calls on the same descriptor.
	{"timeout-then-none/refused-open", "4", `[("timeout", 0.5), ("ex", "CLOSED"), ("timeout", None), ("ex", "OPEN"), ("ex", "OPEN")]`},
	{"none-then-timeout/refused-open", "4", `[("ex", "CLOSED"), ("timeout", 0.5), ("ex", "OPEN"), ("ex", "OPEN"), ("ex", "OPEN")]`},
	{"nonblocking-then-timeout/open", "4", `[("blocking", False), ("ex", "OPEN"), ("timeout", 0.5), ("ex", "OPEN"), ("ex", "OPEN")]`},
	{"nonblocking-then-none/refused", "4", `[("blocking", False), ("ex", "CLOSED"), ("blocking", True), ("ex", "CLOSED"), ("ex", "OPEN")]`},
	// A handshake that does not end: timed out, then still in progress.
	{"timeout/full-full-open", "4", `[("timeout", 0.2), ("ex", "FULL"), ("ex", "FULL"), ("ex", "OPEN")]`},
	{"timeout0/full-full-open", "4", `[("timeout", 0), ("ex", "FULL"), ("ex", "FULL"), ("ex", "OPEN")]`},
	{"timeout0-then-timeout/full", "4", `[("timeout", 0), ("ex", "FULL"), ("timeout", 0.2), ("ex", "FULL"), ("connect", "OPEN")]`},
	// connect raises what connect_ex returns.
	{"connect/timeout/refused-open-open", "4", `[("timeout", 0.5), ("connect", "CLOSED"), ("connect", "OPEN"), ("connect", "OPEN"), ("connect", "OPEN")]`},
	{"connect/none/refused-open-open", "4", `[("connect", "CLOSED"), ("connect", "OPEN"), ("connect", "OPEN")]`},
	{"connect/nonblocking/refused-open", "4", `[("blocking", False), ("connect", "CLOSED"), ("connect", "CLOSED"), ("connect", "OPEN"), ("connect", "OPEN"), ("connect", "OPEN")]`},
	{"connect/timeout/full", "4", `[("timeout", 0.2), ("connect", "FULL"), ("connect", "FULL"), ("ex", "OPEN")]`},
	{"mixed/timeout/refused-then-connect", "4", `[("timeout", 0.5), ("ex", "CLOSED"), ("connect", "OPEN"), ("ex", "OPEN"), ("connect", "OPEN")]`},
	// IPv6 on ::1.
	{"ipv6/timeout/refused-open-open", "6", `[("timeout", 0.5), ("ex", "CLOSED"), ("ex", "OPEN"), ("ex", "OPEN")]`},
	{"ipv6/none/refused-open-open", "6", `[("ex", "CLOSED"), ("ex", "OPEN"), ("ex", "OPEN")]`},
	// UDP: connect only sets the peer.
	{"udp/timeout/closed-open", "udp", `[("timeout", 0.5), ("ex", "CLOSED"), ("ex", "OPEN"), ("connect", "CLOSED")]`},
	{"udp/none/closed-open", "udp", `[("ex", "CLOSED"), ("ex", "OPEN"), ("connect", "OPEN")]`},
}

const reusePythonDriver = `
import json, socket
def one(family, steps):
    fam = socket.AF_INET6 if family == "6" else socket.AF_INET
    typ = socket.SOCK_DGRAM if family == "udp" else socket.SOCK_STREAM
    host = "::1" if family == "6" else "127.0.0.1"
    s = socket.socket(fam, typ)
    fd = s.fileno()
    out = []
    for op, arg in steps:
        if op == "timeout":
            s.settimeout(arg)
        elif op == "blocking":
            s.setblocking(arg)
        elif op == "ex":
            out.append(s.connect_ex((host, PORTS[family][arg])))
        else:
            try:
                s.connect((host, PORTS[family][arg]))
                out.append("ok")
            except Exception as e:
                out.append([type(e).__name__, e.errno, str(e)])
    out.append(s.fileno() == fd)
    s.close()
    return out
for family, steps in CASES:
    print(json.dumps(one(family, steps)))
`

const reuseNetstarDriver = `
import json, socket
def one(family, steps):
    fam = socket.AF_INET6 if family == "6" else socket.AF_INET
    typ = socket.SOCK_DGRAM if family == "udp" else socket.SOCK_STREAM
    host = "::1" if family == "6" else "127.0.0.1"
    s = socket.socket(fam, typ)
    fd = s.fileno()
    out = []
    for op, arg in steps:
        if op == "timeout":
            s.settimeout(arg)
        elif op == "blocking":
            s.setblocking(arg)
        elif op == "ex":
            out.append(s.connect_ex((host, PORTS[family][arg])))
        else:
            v, e = catch(s.connect, (host, PORTS[family][arg]))
            if e == None:
                out.append("ok")
            else:
                out.append([e.type, e.errno, str(e)])
    out.append(s.fileno() == fd)
    s.close()
    return out
for family, steps in CASES:
    print(json.encode(one(family, steps)))
`

// TestConnectReuse runs reuseCases in python3 and in netstar and compares
// them case by case.
func TestConnectReuse(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("needs python3 to compare with")
	}
	ports := map[string]map[string]int{"4": reuseTargets(t, unix.AF_INET), "udp": udpTargets(t)}
	cases := reuseCases
	if hasLoopback6() {
		ports["6"] = reuseTargets(t, unix.AF_INET6)
	} else {
		t.Log("no IPv6 loopback: the ipv6 cases are left out")
		var v4 []struct{ name, family, steps string }
		for _, c := range reuseCases {
			if c.family != "6" {
				v4 = append(v4, c)
			}
		}
		cases = v4
	}
	var b strings.Builder
	b.WriteString("PORTS = {")
	for fam, m := range ports {
		fmt.Fprintf(&b, "%q: {", fam)
		for k, v := range m {
			fmt.Fprintf(&b, "%q: %d, ", k, v)
		}
		b.WriteString("}, ")
	}
	b.WriteString("}\nCASES = [\n")
	for _, c := range cases {
		fmt.Fprintf(&b, "    (%q, %s),\n", c.family, c.steps)
	}
	b.WriteString("]\n")
	prelude := b.String()

	want, err := exec.Command(py, "-c", prelude+reusePythonDriver).CombinedOutput()
	if err != nil {
		t.Fatalf("python3: %v\n%s", err, want)
	}
	got := mustRun(t, "reuse.star", prelude+reuseNetstarDriver)
	wl := strings.Split(strings.TrimSpace(string(want)), "\n")
	gl := strings.Split(strings.TrimSpace(got), "\n")
	if len(wl) != len(cases) || len(gl) != len(cases) {
		t.Fatalf("got %d python lines, %d netstar lines, want %d\npython:\n%s\nnetstar:\n%s", len(wl), len(gl), len(cases), want, got)
	}
	for i, c := range cases {
		if normalize(wl[i]) != normalize(gl[i]) {
			t.Errorf("%s: %s\n python3: %s\n netstar: %s", c.name, c.steps, wl[i], gl[i])
		}
	}
	// The issue's own sequence: say so when this kernel answers python3
	// otherwise than Linux 6 does (both still agree above).
	if i := caseIndex(cases, "timeout/refused-open-open"); i >= 0 && !strings.HasPrefix(normalize(wl[i]), "[111,103,0,") {
		t.Logf("note: python3 gets %s on this kernel for refused, open, open with a timeout (Linux 6: 111, 103, 0)", wl[i])
	}
}

func caseIndex(cases []struct{ name, family, steps string }, name string) int {
	for i, c := range cases {
		if c.name == name {
			return i
		}
	}
	return -1
}

// reuseTargets opens the listeners of one family on loopback and closes
// them when the test ends: OPEN and OPEN2 (accepting, and holding what
// they accept open, so that no connection is reset), FULL (backlog 0,
// never accepting, its queue filled by eight connections, so the kernel
// drops further SYNs) and CLOSED (a port that was just free).
func reuseTargets(t *testing.T, family int) map[string]int {
	t.Helper()
	network, host := "tcp4", "127.0.0.1:0"
	if family == unix.AF_INET6 {
		network, host = "tcp6", "[::1]:0"
	}
	m := map[string]int{}
	for _, name := range []string{"OPEN", "OPEN2"} {
		l, err := net.Listen(network, host)
		if err != nil {
			t.Fatal(err)
		}
		m[name] = l.Addr().(*net.TCPAddr).Port
		var wg sync.WaitGroup
		var held []net.Conn
		wg.Go(func() {
			for {
				c, err := l.Accept()
				if err != nil {
					return
				}
				held = append(held, c)
			}
		})
		t.Cleanup(func() {
			l.Close()
			wg.Wait()
			for _, c := range held {
				c.Close()
			}
		})
	}
	fd, port := rawListener(t, family, 0)
	m["FULL"] = port
	t.Cleanup(func() { unix.Close(fd) })
	for range 8 {
		c, err := unix.Socket(family, unix.SOCK_STREAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { unix.Close(c) })
		if err := unix.Connect(c, loopbackSockaddr(family, port)); err != nil && err != unix.EINPROGRESS {
			t.Fatalf("filling the queue: %v", err)
		}
	}
	fd, m["CLOSED"] = rawListener(t, family, 1)
	unix.Close(fd)
	return m
}

// udpTargets are two bound UDP sockets (OPEN, OPEN2) and a free port.
func udpTargets(t *testing.T) map[string]int {
	t.Helper()
	m := map[string]int{}
	for _, name := range []string{"OPEN", "OPEN2", "CLOSED"} {
		c, err := net.ListenPacket("udp4", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		m[name] = c.LocalAddr().(*net.UDPAddr).Port
		if name == "CLOSED" {
			c.Close()
		} else {
			t.Cleanup(func() { c.Close() })
		}
	}
	return m
}

func rawListener(t *testing.T, family, backlog int) (int, int) {
	t.Helper()
	fd, err := unix.Socket(family, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := unix.Bind(fd, loopbackSockaddr(family, 0)); err != nil {
		unix.Close(fd)
		t.Fatal(err)
	}
	if err := unix.Listen(fd, backlog); err != nil {
		unix.Close(fd)
		t.Fatal(err)
	}
	sa, err := unix.Getsockname(fd)
	if err != nil {
		unix.Close(fd)
		t.Fatal(err)
	}
	switch a := sa.(type) {
	case *unix.SockaddrInet4:
		return fd, a.Port
	case *unix.SockaddrInet6:
		return fd, a.Port
	}
	unix.Close(fd)
	t.Fatalf("getsockname: %T", sa)
	return -1, 0
}

func loopbackSockaddr(family, port int) unix.Sockaddr {
	if family == unix.AF_INET6 {
		return &unix.SockaddrInet6{Port: port, Addr: [16]byte{15: 1}}
	}
	return &unix.SockaddrInet4{Port: port, Addr: [4]byte{127, 0, 0, 1}}
}

// hasLoopback6 reports whether ::1 can be bound.
func hasLoopback6() bool {
	l, err := net.Listen("tcp6", "[::1]:0")
	if err != nil {
		return false
	}
	l.Close()
	return true
}
