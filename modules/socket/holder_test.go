package socket

import (
	"runtime"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// collect drops nothing itself: it runs the collector until cond holds
// or about a second has passed (cleanups run on their own goroutine).
func collect(cond func() bool) bool {
	for range 200 {
		runtime.GC()
		if cond() {
			return true
		}
		time.Sleep(5 * time.Millisecond)
	}
	return false
}

// drainCleanups lets the cleanups of sockets earlier tests dropped run.
func drainCleanups() {
	last := closedByCleanup.Load()
	for range 100 {
		runtime.GC()
		time.Sleep(10 * time.Millisecond)
		n := closedByCleanup.Load()
		if n == last {
			return
		}
		last = n
	}
}

// TestCleanupNoDoubleClose checks that the cleanup of a socket closed
// explicitly does not close the descriptor number again (by then it
// belongs to another socket), and that a referenced socket stays open.
func TestCleanupNoDoubleClose(t *testing.T) {
	drainCleanups()
	s1, err := newSocket(unix.AF_INET, unix.SOCK_STREAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	fd := s1.Fileno()
	if err := s1.Close(); err != nil {
		t.Fatal(err)
	}
	s2, err := newSocket(unix.AF_INET, unix.SOCK_STREAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if s2.Fileno() != fd {
		t.Skipf("descriptor %d not reused (got %d)", fd, s2.Fileno())
	}
	before := closedByCleanup.Load()
	s1 = nil
	// A third socket dropped without close: its cleanup must run, which
	// shows s1's has had its chance too (they are queued together).
	s3, err := newSocket(unix.AF_INET, unix.SOCK_DGRAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	fd3 := s3.Fileno()
	s3 = nil
	if !collect(func() bool { return closedByCleanup.Load() > before }) {
		t.Fatal("the cleanup of an unreachable socket never ran")
	}
	if got := closedByCleanup.Load() - before; got != 1 {
		t.Errorf("%d descriptors closed by cleanups, want 1 (the explicitly closed one counted?)", got)
	}
	if _, err := unix.FcntlInt(uintptr(fd), unix.F_GETFD, 0); err != nil {
		t.Errorf("descriptor %d of the referenced socket was closed: %v", fd, err)
	}
	if _, err := unix.GetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_TYPE); err != nil {
		t.Errorf("referenced socket unusable: %v", err)
	}
	if fd3 == fd {
		t.Errorf("dropped socket reused a live descriptor")
	}
	runtime.KeepAlive(s2)
}

// TestReclaimRetry checks that newSocket, out of descriptors, collects
// unreachable sockets and succeeds on its second try.
func TestReclaimRetry(t *testing.T) {
	var lim unix.Rlimit
	if err := unix.Getrlimit(unix.RLIMIT_NOFILE, &lim); err != nil {
		t.Skip("needs getrlimit")
	}
	// Fill the table with dropped sockets up to the soft limit, if it is
	// small enough to do that quickly; else lower it for the test.
	low := lim
	low.Cur = 256
	if lim.Cur > low.Cur {
		if err := unix.Setrlimit(unix.RLIMIT_NOFILE, &low); err != nil {
			t.Skipf("cannot lower RLIMIT_NOFILE: %v", err)
		}
		defer unix.Setrlimit(unix.RLIMIT_NOFILE, &lim)
	}
	n := 0
	for {
		s, err := newSocket(unix.AF_INET, unix.SOCK_DGRAM, 0)
		if err != nil {
			t.Fatalf("socket %d: %v", n, err)
		}
		_ = s
		n++
		if n > int(low.Cur)*3 {
			break // every socket past the limit needed a reclaim
		}
	}
}
