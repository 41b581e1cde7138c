// Package dnsbench measures socket.resolve against a slow DNS server and,
// where python3 is available, compares it with the usual Python approach:
// a 200-thread pool (concurrent.futures) calling socket.gethostbyname.
//
// Both sides query the same in-process dnstest server, which answers each
// question after 20 ms; in the lossy scenario it also leaves the first
// attempt of every 20th question (5%) unanswered, as a loaded resolver
// drops UDP queries. Python's gethostbyname uses the C library's
// resolver, which only reads /etc/resolv.conf and only talks to port 53,
// so the server listens on 127.53.0.1:53 and Python runs under
// `unshare -m` with a private bind mount of a resolv.conf naming it. That
// needs root (or CAP_SYS_ADMIN and CAP_NET_BIND_SERVICE) and util-linux's
// unshare; without them the Python side is skipped with a message.
package dnsbench

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/netstar/netstar/modules/socket/dnstest"
	"github.com/netstar/netstar/modules/socket/resolve"
)

// Defaults of the comparison, as the issue states them.
const (
	Names      = 10000
	Delay      = 20 * time.Millisecond
	PyThreads  = 200
	pythonAddr = "127.53.0.1:53"
	// LossEvery is the lossy scenario's share: every LossEvery-th
	// question loses its first attempt (dnstest.Server.DropFirst).
	LossEvery = 20
)

// NewServer starts a dnstest server with n names h0.bench.test ... each
// with one A record, answering after delay. addr is "127.0.0.1:0" or a
// fixed address.
func NewServer(addr string, n int, delay time.Duration) (*dnstest.Server, []string, error) {
	srv, err := dnstest.Start(addr)
	if err != nil {
		return nil, nil, err
	}
	names := make([]string, n)
	for i := range names {
		names[i] = fmt.Sprintf("h%d.bench.test", i)
		srv.AddA(names[i], Addr(i))
	}
	srv.SetDelay(delay)
	return srv, names, nil
}

// ResolveNetstar resolves names with socket.Resolve against the DNS
// server at addr and returns the elapsed time and the number resolved to
// their own address (Addr).
// It changes the socket module's resolver for the duration of the call.
func ResolveNetstar(ctx context.Context, addr string, names []string) (time.Duration, int, error) {
	prev := resolve.Server()
	if err := resolve.SetServer(addr); err != nil {
		return 0, 0, err
	}
	defer resolve.SetServer(prev)
	start := time.Now()
	res, err := resolve.Resolve(ctx, names, resolve.Options{})
	elapsed := time.Since(start)
	ok := 0
	for i, r := range res {
		if r.Err == nil && len(r.Values) == 1 && r.Values[0] == Addr(i) {
			ok++
		}
	}
	return elapsed, ok, err
}

// Addr is the address NewServer gives the i-th name.
func Addr(i int) string {
	return fmt.Sprintf("10.%d.%d.%d", i>>16&0xff, i>>8&0xff, i&0xff)
}

// pyPool is the Python side: it prints the pool's time and how many
// names resolved to the address dnsbench gave them (NewServer's scheme).
const pyPool = `
import socket, sys, time
from concurrent.futures import ThreadPoolExecutor
names = [l.strip() for l in open(sys.argv[1])]
def look(n):
    try:
        return socket.gethostbyname(n)
    except OSError:
        return None
def want(i):
    return "10.%d.%d.%d" % (i >> 16 & 255, i >> 8 & 255, i & 255)
start = time.monotonic()
with ThreadPoolExecutor(int(sys.argv[2])) as p:
    res = list(p.map(look, names))
print(time.monotonic() - start, sum(1 for i, r in enumerate(res) if r == want(i)))
`

// ResolvePython runs a ThreadPool of threads calling gethostbyname for
// names, with the C resolver pointed at server (which must listen on port
// 53) through a private mount namespace. It returns the pool's own
// timing and how many names it resolved.
func ResolvePython(ctx context.Context, server string, names []string, threads int) (time.Duration, int, error) {
	py, err := exec.LookPath("python3")
	if err != nil {
		return 0, 0, fmt.Errorf("python3 not found")
	}
	unshare, err := exec.LookPath("unshare")
	if err != nil {
		return 0, 0, fmt.Errorf("unshare (util-linux) not found")
	}
	host, port, _ := strings.Cut(server, ":")
	if port != "53" {
		return 0, 0, fmt.Errorf("the C resolver only queries port 53, server is on %s", server)
	}
	dir, err := os.MkdirTemp("", "dnsbench")
	if err != nil {
		return 0, 0, err
	}
	defer os.RemoveAll(dir)
	rc := filepath.Join(dir, "resolv.conf")
	nl := filepath.Join(dir, "names")
	script := filepath.Join(dir, "pool.py")
	if err := os.WriteFile(rc, []byte("nameserver "+host+"\noptions timeout:2 attempts:2\n"), 0o644); err != nil {
		return 0, 0, err
	}
	if err := os.WriteFile(nl, []byte(strings.Join(names, "\n")+"\n"), 0o644); err != nil {
		return 0, 0, err
	}
	if err := os.WriteFile(script, []byte(pyPool), 0o644); err != nil {
		return 0, 0, err
	}
	cmd := exec.CommandContext(ctx, unshare, "-m", "sh", "-c",
		`mount --bind "$1" /etc/resolv.conf && exec "$2" "$3" "$4" "$5"`, "sh", rc, py, script, nl, fmt.Sprint(threads))
	out, err := cmd.CombinedOutput()
	if err != nil {
		return 0, 0, fmt.Errorf("python pool: %v: %s", err, strings.TrimSpace(string(out)))
	}
	var secs float64
	var ok int
	if _, err := fmt.Sscan(string(out), &secs, &ok); err != nil {
		return 0, 0, fmt.Errorf("python pool output %q: %v", out, err)
	}
	return time.Duration(secs * float64(time.Second)), ok, nil
}

// CompareResolve runs the comparison and writes a report to w: netstar's
// resolve of 10,000 names against a server answering after 20 ms, and
// the 200-thread Python pool against the same server when it can run;
// first without loss, then with the first attempt of 5% of the questions
// dropped.
func CompareResolve(w io.Writer) error {
	ctx := context.Background()
	addr := pythonAddr
	srv, names, err := NewServer(addr, Names, Delay)
	pyReason := ""
	if err != nil {
		pyReason = fmt.Sprintf("cannot listen on %s (%v): the C resolver needs port 53", addr, err)
		srv, names, err = NewServer("127.0.0.1:0", Names, Delay)
		if err != nil {
			return err
		}
	}
	defer srv.Close()
	fmt.Fprintf(w, "resolve %d names, server answers after %v (dnstest on %s)\n", len(names), Delay, srv.Addr)
	for _, loss := range []int{0, LossEvery} {
		if loss == 0 {
			fmt.Fprintf(w, "no loss:\n")
		} else {
			fmt.Fprintf(w, "first attempt of every %dth question dropped (%d%%):\n", loss, 100/loss)
		}
		srv.DropFirst(loss, 1)
		srv.Forget()
		d, ok, err := ResolveNetstar(ctx, srv.Addr, names)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "  netstar socket.resolve (500 workers): %v, %d/%d resolved, %d dropped\n", d.Round(time.Millisecond), ok, len(names), srv.Dropped())
		if pyReason != "" {
			continue
		}
		srv.Forget()
		pd, pok, perr := ResolvePython(ctx, srv.Addr, names, PyThreads)
		if perr != nil {
			pyReason = perr.Error()
			continue
		}
		fmt.Fprintf(w, "  python3 ThreadPoolExecutor(%d) gethostbyname: %v, %d/%d resolved, %d dropped\n", PyThreads, pd.Round(time.Millisecond), pok, len(names), srv.Dropped())
		fmt.Fprintf(w, "  netstar/python time ratio: %.2f (goal <= 0.5)\n", d.Seconds()/pd.Seconds())
	}
	if pyReason != "" {
		fmt.Fprintf(w, "python3 side skipped: %s\n", pyReason)
	}
	return nil
}
