package socket_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"testing"
	"time"

	"github.com/netstar/netstar/repl/interp"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	if os.Getenv(envReclaimChild) != "" {
		reclaimChild()
	}
	goleak.VerifyTestMain(m)
}

func openFDs(t *testing.T) int {
	t.Helper()
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skip("needs /proc/self/fd")
	}
	return len(ents)
}

// TestLeftoverSocketsClosed checks that sockets a script leaves open
// (listeners, accepted and connected sockets, UDP, UNIX) are closed when
// its session ends: no descriptor leaks.
func TestLeftoverSocketsClosed(t *testing.T) {
	dir := t.TempDir()
	before := openFDs(t)
	mustRun(t, "leak.star", `
import socket
l = socket.socket()
l.bind(("127.0.0.1", 0))
l.listen()
c = socket.create_connection(l.getsockname(), 5)
a, _ = l.accept()
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
x = socket.socket(socket.AF_UNIX)
x.bind("`+dir+`/x.sock")
x.listen()
y = socket.socket(socket.AF_UNIX)
y.connect("`+dir+`/x.sock")
z = x.accept()[0]
z.send(b"over unix")
assert.eq(y.recv(100), b"over unix")
for i in range(50):
    socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
`)
	if after := openFDs(t); after != before {
		t.Errorf("%d descriptors open after the session, %d before", after, before)
	}
}

// TestCtrlC checks that cancelling the evaluation context interrupts
// blocking accept and recv, and that catch() does not swallow it.
func TestCtrlC(t *testing.T) {
	for _, tc := range []struct{ name, src string }{
		{"accept", "l = socket.socket()\nl.bind(('127.0.0.1', 0))\nl.listen()\nl.accept()\n"},
		{"recv", "u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\nu.bind(('127.0.0.1', 0))\ncatch(u.recv, 10)\n"},
		{"recv-timeout", "u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\nu.bind(('127.0.0.1', 0))\nu.settimeout(3600)\nu.recvfrom(10)\n"},
		// A listener whose accept queue is full drops SYNs: connect waits.
		{"connect", "l = socket.socket()\nl.bind(('127.0.0.1', 0))\nl.listen(0)\nfill = [socket.socket() for i in range(8)]\nfor f in fill:\n    f.setblocking(False)\n    f.connect_ex(l.getsockname())\ns = socket.socket()\ns.connect_ex(l.getsockname())\n"},
		// A blocking connect on a socket still connecting waits for the
		// handshake, as the kernel's does for CPython (no EALREADY).
		{"connect-again", "l = socket.socket()\nl.bind(('127.0.0.1', 0))\nl.listen(0)\nfill = [socket.socket() for i in range(8)]\nfor f in fill:\n    f.setblocking(False)\n    f.connect_ex(l.getsockname())\ns = socket.socket()\ns.setblocking(False)\nif s.connect_ex(l.getsockname()) != 115:\n    fail(\"want EINPROGRESS\")\ns.setblocking(True)\ns.connect_ex(l.getsockname())\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			s := interp.New(interp.Config{Stdout: &out, Stderr: &out})
			defer s.Close()
			th := s.NewThread("main")
			ctx, cancel := context.WithCancel(context.Background())
			interp.SetContext(th, ctx)
			time.AfterFunc(50*time.Millisecond, cancel)
			s.Lock()
			_, err := s.ExecFile(th, tc.name+".star", []byte("import socket\n"+tc.src))
			s.Unlock()
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("err = %v, want context.Canceled", err)
			}
		})
	}
}

// TestCloseFromOtherThread checks that closing a socket wakes a thread
// blocked in recv on it, with Python's EBADF error.
func TestCloseFromOtherThread(t *testing.T) {
	out := mustRun(t, "close.star", `
import socket
import threading
import time
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u.bind(("127.0.0.1", 0))
res = []
def reader():
    res.append(catch(u.recv, 10)[1])
t = threading.Thread(target=reader)
t.start()
time.sleep(0.05)
u.close()
t.join()
print(res[0].type, res[0].errno)
`)
	if out != "OSError 9\n" {
		t.Errorf("got %q, want %q", out, "OSError 9\n")
	}
}
