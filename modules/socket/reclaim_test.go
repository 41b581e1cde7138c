package socket_test

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"

	"github.com/netstar/netstar/repl/interp"
	"go.starlark.net/starlarktest"
)

// envReclaimChild makes the test binary run reclaimChild instead of the
// tests: a Starlark program under a low descriptor limit.
const envReclaimChild = "NETSTAR_SOCKET_RECLAIM_CHILD"

// reclaimProgram opens many more sockets than the descriptor limit
// allows without closing them (the course's scan loop), as Python's
// reference counting lets it; sockets still referenced and sockets
// closed explicitly must behave as before.
const reclaimProgram = `
import socket
l = socket.socket()
l.bind(("127.0.0.1", 0))
l.listen(50)
keep = []
for i in range(5):
    c = socket.socket()
    c.connect(l.getsockname())
    keep.append((c, l.accept()[0]))
closed = socket.socket()
closed_fd = closed.fileno()
closed.close()
refused = 0
for i in range(600):
    s = socket.socket()
    s.settimeout(0.2)
    if s.connect_ex(("127.0.0.1", CLOSED)) != 0:
        refused += 1
assert.eq(refused, 600)
for i in range(600):
    socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
# accept() on a listener whose client sockets are all dropped.
for i in range(300):
    c = socket.socket()
    c.connect(l.getsockname())
    l.accept()
for c, a in keep:
    c.sendall(b"still here")
    assert.eq(a.recv(100), b"still here")
assert.eq(closed.fileno(), -1)
assert.fails(lambda: closed.recv(1), r"\[Errno 9\]")
print("ok")
`

// reclaimChild runs reclaimProgram with RLIMIT_NOFILE at 64.
func reclaimChild() {
	// Start the runtime's poller before lowering the limit: it needs
	// descriptors of its own.
	r, w, err := os.Pipe()
	if err != nil {
		fmt.Println("pipe:", err)
		os.Exit(2)
	}
	r.Close()
	w.Close()
	lim := syscall.Rlimit{Cur: 64, Max: 64}
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		fmt.Println("setrlimit:", err)
		os.Exit(2)
	}
	extra, err := starlarktest.LoadAssertModule()
	if err != nil {
		fmt.Println(err)
		os.Exit(2)
	}
	var out bytes.Buffer
	s := interp.New(interp.Config{Stdout: &out, Stderr: &out, Extra: extra})
	th := s.NewThread("reclaim")
	var failed []string
	starlarktest.SetReporter(th, reporterFunc(func(msg string) { failed = append(failed, msg) }))
	s.Lock()
	_, err = s.ExecFile(th, "reclaim.star", []byte("CLOSED = "+os.Getenv(envReclaimChild)+"\n"+reclaimProgram))
	s.Unlock()
	s.Close()
	fmt.Print(out.String())
	if err != nil || len(failed) > 0 {
		fmt.Println("error:", err, failed)
		os.Exit(1)
	}
	os.Exit(0)
}

type reporterFunc func(string)

func (f reporterFunc) Error(args ...any) { f(fmt.Sprint(args...)) }

// TestUnreachableSocketsClosed checks that sockets the program drops
// give their descriptors back (as CPython's refcounting does), so a scan
// loop without close() does not fail with EMFILE.
func TestUnreachableSocketsClosed(t *testing.T) {
	closed, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := closed.Addr().(*net.TCPAddr).Port
	closed.Close()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), fmt.Sprintf("%s=%d", envReclaimChild, port))
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.HasSuffix(string(out), "ok\n") {
		t.Fatalf("child under RLIMIT_NOFILE=64: %v\n%s", err, out)
	}
}
