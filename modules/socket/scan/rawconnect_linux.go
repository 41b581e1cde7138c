//go:build linux

package scan

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// rawSockaddr is a probe's destination in the kernel's own layout, built
// on the stack: the engine's hot path neither allocates a unix.Sockaddr
// nor converts it again for the second connect(2).
type rawSockaddr struct {
	in4 unix.RawSockaddrInet4
	in6 unix.RawSockaddrInet6
	is6 bool
}

// set fills r with the destination of pr; zone is the scope id of an
// IPv6 link-local address.
func (r *rawSockaddr) set(pr *probe, zone uint32) (domain int) {
	ip := pr.ip
	if ip.Is4() || ip.Is4In6() {
		r.is6 = false
		r.in4 = unix.RawSockaddrInet4{Family: unix.AF_INET, Addr: ip.Unmap().As4()}
		putPort(&r.in4.Port, pr.port)
		return unix.AF_INET
	}
	r.is6 = true
	r.in6 = unix.RawSockaddrInet6{Family: unix.AF_INET6, Addr: ip.As16(), Scope_id: zone}
	putPort(&r.in6.Port, pr.port)
	return unix.AF_INET6
}

// putPort stores port in network byte order.
func putPort(dst *uint16, port uint16) {
	b := (*[2]byte)(unsafe.Pointer(dst))
	b[0], b[1] = byte(port>>8), byte(port)
}

// connect calls connect(2) on the non-blocking socket fd. It is a raw
// system call: a non-blocking connect returns at once, and skipping the
// runtime's entersyscall/exitsyscall keeps sysmon from handing the
// processor to another thread when the kernel is slow to return, which
// on a loaded machine (several shards side by side) costs more than the
// call itself.
func (r *rawSockaddr) connect(fd int) unix.Errno {
	var p unsafe.Pointer
	var n uintptr
	if r.is6 {
		p, n = unsafe.Pointer(&r.in6), unsafe.Sizeof(r.in6)
	} else {
		p, n = unsafe.Pointer(&r.in4), unsafe.Sizeof(r.in4)
	}
	_, _, e := unix.RawSyscall(unix.SYS_CONNECT, uintptr(fd), uintptr(p), n)
	return e
}
