//go:build linux

package scan

import (
	"net/netip"
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"
)

func TestRawSockaddr(t *testing.T) {
	tests := []struct {
		ip     string
		port   uint16
		domain int
		want   []byte // the kernel's bytes after the family field
	}{
		{"127.0.0.1", 80, unix.AF_INET, []byte{0, 80, 127, 0, 0, 1}},
		{"10.1.2.3", 0x1234, unix.AF_INET, []byte{0x12, 0x34, 10, 1, 2, 3}},
		{"::ffff:192.0.2.1", 443, unix.AF_INET, []byte{1, 187, 192, 0, 2, 1}},
		{"::1", 65535, unix.AF_INET6, []byte{0xff, 0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}},
	}
	for _, tt := range tests {
		var r rawSockaddr
		pr := probe{ip: netip.MustParseAddr(tt.ip), port: tt.port}
		if got := r.set(&pr, 0); got != tt.domain {
			t.Errorf("%s: domain %d, want %d", tt.ip, got, tt.domain)
		}
		var b []byte
		if r.is6 {
			if r.in6.Family != unix.AF_INET6 {
				t.Errorf("%s: family %d", tt.ip, r.in6.Family)
			}
			b = unsafe.Slice((*byte)(unsafe.Pointer(&r.in6.Port)), 2+4+16)
			b = append(b[:2:2], b[6:]...) // skip flowinfo
		} else {
			if r.in4.Family != unix.AF_INET {
				t.Errorf("%s: family %d", tt.ip, r.in4.Family)
			}
			b = unsafe.Slice((*byte)(unsafe.Pointer(&r.in4.Port)), 2+4)
		}
		if string(b) != string(tt.want) {
			t.Errorf("%s port %d: bytes % x, want % x", tt.ip, tt.port, b, tt.want)
		}
	}
	var r rawSockaddr
	pr := probe{ip: netip.MustParseAddr("fe80::1%eth0"), port: 22}
	r.set(&pr, 7)
	if r.in6.Scope_id != 7 {
		t.Errorf("scope id %d, want 7", r.in6.Scope_id)
	}
}

// TestRawConnect checks the raw connect(2) against a real listener and a
// closed port, over IPv4 and IPv6: what the engine's hot path sees.
func TestRawConnect(t *testing.T) {
	for _, tt := range []struct {
		domain int
		addr   unix.Sockaddr
		ip     string
	}{
		{unix.AF_INET, &unix.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}, "127.0.0.1"},
		{unix.AF_INET6, &unix.SockaddrInet6{Addr: netip.IPv6Loopback().As16()}, "::1"},
	} {
		ln, err := unix.Socket(tt.domain, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
		if err != nil {
			t.Fatal(err)
		}
		defer unix.Close(ln)
		if err := unix.Bind(ln, tt.addr); err != nil {
			t.Skipf("%s: bind: %v (no %s loopback here)", tt.ip, err, tt.ip)
		}
		if err := unix.Listen(ln, 8); err != nil {
			t.Fatal(err)
		}
		sa, err := unix.Getsockname(ln)
		if err != nil {
			t.Fatal(err)
		}
		port := 0
		switch sa := sa.(type) {
		case *unix.SockaddrInet4:
			port = sa.Port
		case *unix.SockaddrInet6:
			port = sa.Port
		}
		for _, p := range []struct {
			port int
			want unix.Errno
		}{{port, 0}, {closedPort(t, tt.domain, tt.addr), unix.ECONNREFUSED}} {
			fd, err := unix.Socket(tt.domain, unix.SOCK_STREAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
			if err != nil {
				t.Fatal(err)
			}
			var r rawSockaddr
			r.set(&probe{ip: netip.MustParseAddr(tt.ip), port: uint16(p.port)}, 0)
			e := r.connect(fd)
			for i := 0; (e == unix.EINPROGRESS || e == unix.EALREADY) && i < 1000; i++ {
				unix.Poll([]unix.PollFd{{Fd: int32(fd), Events: unix.POLLOUT}}, 10)
				e = r.connect(fd)
			}
			if e == unix.EISCONN {
				e = 0
			}
			if e != p.want {
				t.Errorf("%s port %d: connect: %v, want %v", tt.ip, p.port, e, p.want)
			}
			closeRST(fd)
		}
	}
}

// closedPort returns a port on addr's loopback that nothing listens on:
// one that was just bound and released.
func closedPort(t *testing.T, domain int, addr unix.Sockaddr) int {
	t.Helper()
	fd, err := unix.Socket(domain, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(fd)
	if err := unix.Bind(fd, addr); err != nil {
		t.Fatal(err)
	}
	sa, err := unix.Getsockname(fd)
	if err != nil {
		t.Fatal(err)
	}
	switch sa := sa.(type) {
	case *unix.SockaddrInet4:
		return sa.Port
	case *unix.SockaddrInet6:
		return sa.Port
	}
	t.Fatalf("getsockname: %T", sa)
	return 0
}

// TestLoopCloseFlushes checks that a loop hands its batched records to
// the sink when it stops, whatever made it stop (a cancel, an error).
func TestLoopCloseFlushes(t *testing.T) {
	var got []Record
	p := &plan{
		sink: func(r Record) error { got = append(got, r); return nil },
		fail: func(err error) { t.Errorf("fail(%v)", err) },
	}
	epfd, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
	if err != nil {
		t.Fatal(err)
	}
	l := &loop{e: &engine{p: p}, epfd: epfd, spare: [2]int{-1, -1}}
	want := []Record{{Pos: 7, IP: netip.MustParseAddr("192.0.2.1"), Port: Port{Port: 22, State: Closed}}, {Pos: 9}}
	l.batch = append(l.batch, want...)
	l.close()
	if len(got) != len(want) || got[0].Pos != 7 || got[1].Pos != 9 {
		t.Errorf("sink got %+v, want %+v", got, want)
	}
	if len(l.batch) != 0 {
		t.Errorf("batch still holds %d records", len(l.batch))
	}
}
