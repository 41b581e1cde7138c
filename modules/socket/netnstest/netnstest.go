// Package netnstest builds throw-away networks for tests, the way
// net/http/httptest starts throw-away servers: two Linux network
// namespaces joined by a veth pair, so that a test has open, closed and
// filtered ports without touching any real network.
//
//	n := netnstest.Start(t)           // skips without root, iproute2 and iptables
//	n.Local.Serve("127.0.0.1:2222", "SSH-2.0-test\r\n")
//	n.Remote.Serve("0.0.0.0:80", "")
//	n.Remote.DropSYN(1000, 1001)      // filtered: iptables drops the SYNs
//	// probe 127.0.0.1 and n.Remote.Addr from inside n.Local (its Path, its Do)
//
// Local and Remote each have their own loopback (up) and one end of the
// veth pair (eth0, 198.18.0.1/24 and 198.18.0.2/24, from the range
// RFC 2544 sets aside for benchmarks). Sockets are created
// inside a namespace by locking a goroutine to its OS thread and
// setns(2)-ing that thread (Do); once created they work from any thread.
// Processes run inside with Command (ip netns exec). Close removes the
// namespaces and stops everything Serve started.
//
// StartLAN builds a bigger network: a scanner and several hosts on one
// bridge, each port of each host open, closed, dropped or rejected with
// a chosen ICMP error, and the rest of the subnet empty (see LAN).
//
// Namespace names start with netstar-PID-SEQ-RAND, so that parallel
// tests and namespaces a killed run left behind never collide.
package netnstest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// ErrUnavailable is wrapped by the errors of New when the machine cannot
// host the fixture (not root, iproute2 or iptables missing, namespaces
// not permitted).
var ErrUnavailable = errors.New("netnstest: needs root, iproute2 and iptables")

// Available reports whether New can work here: nil, or an error wrapping
// ErrUnavailable that says what is missing.
func Available() error {
	if runtime.GOOS != "linux" {
		return fmt.Errorf("%w (Linux network namespaces)", ErrUnavailable)
	}
	if os.Geteuid() != 0 {
		return fmt.Errorf("%w: not running as root", ErrUnavailable)
	}
	for _, tool := range []string{"ip", "iptables"} {
		if _, err := exec.LookPath(tool); err != nil {
			return fmt.Errorf("%w: %s not found", ErrUnavailable, tool)
		}
	}
	return nil
}

// Net is two namespaces joined by a veth pair.
type Net struct {
	// Local is where a test's client (a scanner) runs.
	Local *Namespace
	// Remote is the other end of the veth pair.
	Remote *Namespace

	closeOnce sync.Once
	closeErr  error
}

// Namespace is one network namespace of a Net or a LAN.
type Namespace struct {
	// Name is the namespace's name for ip netns.
	Name string
	// Path is its file (/run/netns/Name), for setns(2) and scan.Scanner.Namespace.
	Path string
	// Addr is its veth address.
	Addr netip.Addr

	mu        sync.Mutex
	listeners []net.Listener
	conns     sync.WaitGroup
	closed    bool
}

var seq atomic.Int64

// newID returns a prefix for namespace names that no other test of
// this process has; the random part keeps it apart from leftovers of a
// killed run whose PID this process got again.
func newID() string {
	return fmt.Sprintf("netstar-%d-%d-%04x", os.Getpid(), seq.Add(1), rand.N(0x10000))
}

// nsPath is the file of the namespace ip netns calls name.
func nsPath(name string) string {
	p := filepath.Join("/run/netns", name)
	if _, err := os.Stat(p); err != nil {
		return filepath.Join("/var/run/netns", name)
	}
	return p
}

// delNamespace deletes a namespace ip netns made; one already gone is
// not an error.
func delNamespace(name string) error {
	if err := ip("netns", "del", name); err != nil && !strings.Contains(err.Error(), "No such file") {
		return err
	}
	return nil
}

// New creates a Net. Call Close when done.
func New() (*Net, error) {
	if err := Available(); err != nil {
		return nil, err
	}
	id := newID()
	n := &Net{
		Local:  &Namespace{Name: id + "-a", Addr: netip.MustParseAddr("198.18.0.1")},
		Remote: &Namespace{Name: id + "-b", Addr: netip.MustParseAddr("198.18.0.2")},
	}
	if err := ip("netns", "add", n.Local.Name); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrUnavailable, err)
	}
	if err := n.setup(); err != nil {
		n.Close()
		return nil, err
	}
	return n, nil
}

func (n *Net) setup() error {
	if err := ip("netns", "add", n.Remote.Name); err != nil {
		return err
	}
	for _, ns := range []*Namespace{n.Local, n.Remote} {
		ns.Path = nsPath(ns.Name)
	}
	steps := [][]string{
		{"-n", n.Local.Name, "link", "add", "eth0", "type", "veth", "peer", "name", "eth0", "netns", n.Remote.Name},
	}
	for _, ns := range []*Namespace{n.Local, n.Remote} {
		steps = append(steps,
			[]string{"-n", ns.Name, "link", "set", "lo", "up"},
			[]string{"-n", ns.Name, "addr", "add", ns.Addr.String() + "/24", "dev", "eth0"},
			[]string{"-n", ns.Name, "link", "set", "eth0", "up"},
		)
	}
	for _, args := range steps {
		if err := ip(args...); err != nil {
			return err
		}
	}
	// Answer every rejected SYN with its ICMP error: the default rate
	// limit would turn some of them into timeouts.
	return n.Remote.Sysctl("net.ipv4.icmp_ratelimit", "0")
}

// Start is New for tests: it skips tb when the machine cannot host the
// fixture, fails it on other errors, and closes the Net when tb ends.
func Start(tb testing.TB) *Net {
	tb.Helper()
	n, err := New()
	if errors.Is(err, ErrUnavailable) {
		tb.Skip(err)
	}
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if err := n.Close(); err != nil {
			tb.Error(err)
		}
	})
	return n
}

// Close stops the servers started with Serve, waits for their goroutines
// and deletes both namespaces (which removes the veth pair and the
// iptables rules). It is idempotent.
func (n *Net) Close() error {
	n.closeOnce.Do(func() {
		var errs []error
		for _, ns := range []*Namespace{n.Local, n.Remote} {
			ns.stop()
		}
		for _, ns := range []*Namespace{n.Local, n.Remote} {
			if err := delNamespace(ns.Name); err != nil {
				errs = append(errs, err)
			}
		}
		n.closeErr = errors.Join(errs...)
	})
	return n.closeErr
}

func ip(args ...string) error {
	out, err := exec.Command("ip", args...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("ip %s: %v: %s", strings.Join(args, " "), err, bytes.TrimSpace(out))
	}
	return nil
}

// Listen opens a TCP listener inside the namespace ("127.0.0.1:0",
// "0.0.0.0:80", "[::1]:0"...). The caller closes it.
func (ns *Namespace) Listen(addr string) (net.Listener, error) {
	var l net.Listener
	err := ns.Do(func() error {
		var err error
		l, err = net.Listen("tcp", addr)
		return err
	})
	return l, err
}

// Serve listens on addr inside the namespace and, for each connection,
// writes banner (if not empty) and closes it. It returns the listening
// port. Close stops it.
func (ns *Namespace) Serve(addr, banner string) (int, error) {
	l, err := ns.Listen(addr)
	if err != nil {
		return 0, err
	}
	ns.mu.Lock()
	if ns.closed {
		ns.mu.Unlock()
		l.Close()
		return 0, net.ErrClosed
	}
	ns.listeners = append(ns.listeners, l)
	ns.conns.Add(1)
	ns.mu.Unlock()
	go func() {
		defer ns.conns.Done()
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			if banner != "" {
				io.WriteString(c, banner)
			}
			c.Close()
		}
	}()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func (ns *Namespace) stop() {
	ns.mu.Lock()
	ns.closed = true
	ls := ns.listeners
	ns.listeners = nil
	ns.mu.Unlock()
	for _, l := range ls {
		l.Close()
	}
	ns.conns.Wait()
}

// Sysctl sets a per-namespace sysctl such as
// net.ipv4.ip_local_port_range or net.ipv4.icmp_ratelimit.
func (ns *Namespace) Sysctl(key, value string) error {
	return ns.Do(func() error {
		// /proc/sys/net follows the network namespace of the thread
		// that opens it.
		return os.WriteFile(sysctlFile(key), []byte(value), 0)
	})
}

// ReadSysctl reads a per-namespace sysctl, without the trailing newline.
func (ns *Namespace) ReadSysctl(key string) (string, error) {
	var v []byte
	err := ns.Do(func() error {
		var err error
		v, err = os.ReadFile(sysctlFile(key))
		return err
	})
	return strings.TrimSpace(string(v)), err
}

func sysctlFile(key string) string {
	return "/proc/sys/" + strings.ReplaceAll(key, ".", "/")
}

// Command returns a command that runs inside the namespace (ip netns exec).
func (ns *Namespace) Command(name string, args ...string) *exec.Cmd {
	return exec.Command("ip", append([]string{"netns", "exec", ns.Name, name}, args...)...)
}

// DropSYN makes the namespace drop incoming SYNs to ports (iptables
// DROP), so that they look filtered: no answer at all.
func (ns *Namespace) DropSYN(ports ...int) error {
	return ns.iptables(ports, "-j", "DROP")
}

// RejectSYN makes the namespace answer SYNs to ports with ICMP
// host-prohibited, which Linux reports to the client as EHOSTUNREACH:
// filtered, but quickly.
func (ns *Namespace) RejectSYN(ports ...int) error {
	return ns.iptables(ports, "-j", "REJECT", "--reject-with", "icmp-host-prohibited")
}

func (ns *Namespace) iptables(ports []int, target ...string) error {
	for _, r := range portRanges(ports) {
		if err := ns.iptablesRule(append([]string{"-A", "INPUT", "-p", "tcp", "--syn", "--dport", r}, target...)...); err != nil {
			return err
		}
	}
	return nil
}

func (ns *Namespace) iptablesRule(args ...string) error {
	args = append([]string{"-w"}, args...)
	out, err := ns.Command("iptables", args...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("netnstest: iptables %s: %v: %s", strings.Join(args, " "), err, bytes.TrimSpace(out))
	}
	return nil
}

// portRanges compresses ports into iptables ranges ("1000:1999", "22").
func portRanges(ports []int) []string {
	ps := slices.Clone(ports)
	slices.Sort(ps)
	ps = slices.Compact(ps)
	var out []string
	for i := 0; i < len(ps); {
		j := i
		for j+1 < len(ps) && ps[j+1] == ps[j]+1 {
			j++
		}
		if i == j {
			out = append(out, strconv.Itoa(ps[i]))
		} else {
			out = append(out, fmt.Sprintf("%d:%d", ps[i], ps[j]))
		}
		i = j + 1
	}
	return out
}

// TCPStates counts the namespace's TCP sockets by state name
// ("ESTABLISHED", "TIME_WAIT", "LISTEN"...), from /proc/net/tcp and tcp6.
func (ns *Namespace) TCPStates() (map[string]int, error) {
	counts := map[string]int{}
	err := ns.Do(func() error {
		for _, f := range []string{"tcp", "tcp6"} {
			// thread-self: /proc/self/net would show the main thread's namespace.
			data, err := os.ReadFile("/proc/thread-self/net/" + f)
			if err != nil {
				if f == "tcp6" && errors.Is(err, os.ErrNotExist) {
					continue
				}
				return err
			}
			lines := strings.Split(string(data), "\n")
			for _, line := range lines[1:] {
				fields := strings.Fields(line)
				if len(fields) < 4 {
					continue
				}
				st, err := strconv.ParseUint(fields[3], 16, 8)
				if err != nil || st >= uint64(len(tcpStates)) {
					continue
				}
				counts[tcpStates[st]]++
			}
		}
		return nil
	})
	return counts, err
}

var tcpStates = []string{"", "ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT1", "FIN_WAIT2", "TIME_WAIT",
	"CLOSE", "CLOSE_WAIT", "LAST_ACK", "LISTEN", "CLOSING", "NEW_SYN_RECV"}
