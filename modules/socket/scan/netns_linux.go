//go:build linux

package scan

import (
	"fmt"
	"net"
	"runtime"

	"golang.org/x/sys/unix"
)

// netns holds the descriptors of a network namespace to enter and of the
// one to come back to, opened once per scan so that entering needs no
// descriptor (they may be short once probes run).
type netns struct {
	path           string
	target, origin int
}

func openNetns(path string) (*netns, error) {
	// Threads of the process share its namespace; a goroutine that has
	// moved its locked thread elsewhere does not run this code.
	origin, err := unix.Open("/proc/thread-self/ns/net", unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("scan: namespace: %w", err)
	}
	target, err := unix.Open(path, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		unix.Close(origin)
		return nil, fmt.Errorf("scan: namespace %s: %w", path, err)
	}
	return &netns{path: path, target: target, origin: origin}, nil
}

// nsGetNSType is the ioctl NS_GET_NSTYPE (linux/nsfs.h): the kind of
// namespace a namespace file refers to.
const nsGetNSType = 0xb703

// CheckNamespace reports whether path names a network namespace that
// Scanner.Namespace can enter: a namespace file (such as
// /run/netns/NAME or /proc/PID/ns/net) that can be opened. It sends
// nothing; entering still needs CAP_SYS_ADMIN, which only the scan
// itself finds out.
func CheckNamespace(path string) error {
	fd, err := unix.Open(path, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("namespace %s: %w", path, err)
	}
	defer unix.Close(fd)
	var fs unix.Statfs_t
	if err := unix.Fstatfs(fd, &fs); err != nil {
		return fmt.Errorf("namespace %s: %w", path, err)
	}
	if fs.Type != unix.NSFS_MAGIC {
		return fmt.Errorf("namespace %s: not a namespace file (want e.g. /run/netns/NAME or /proc/PID/ns/net)", path)
	}
	// Kernels before 4.11 lack NS_GET_NSTYPE: then setns tells later.
	if kind, err := unix.IoctlRetInt(fd, nsGetNSType); err == nil && kind != unix.CLONE_NEWNET {
		return fmt.Errorf("namespace %s: not a network namespace", path)
	}
	return nil
}

func (ns *netns) close() {
	unix.Close(ns.target)
	unix.Close(ns.origin)
}

// enter locks the calling goroutine to its thread and moves the thread
// into the namespace. restore moves it back and unlocks it; if moving
// back fails the goroutine stays locked, so that the runtime discards the
// thread instead of reusing it.
func (ns *netns) enter() (restore func() error, err error) {
	runtime.LockOSThread()
	if err := unix.Setns(ns.target, unix.CLONE_NEWNET); err != nil {
		runtime.UnlockOSThread()
		return nil, fmt.Errorf("scan: entering namespace %s: %w", ns.path, err)
	}
	return func() error {
		if err := unix.Setns(ns.origin, unix.CLONE_NEWNET); err != nil {
			return fmt.Errorf("scan: leaving namespace %s: %w", ns.path, err)
		}
		runtime.UnlockOSThread()
		return nil
	}, nil
}

func zoneIndex(zone string) (uint32, error) {
	ifi, err := net.InterfaceByName(zone)
	if err != nil {
		return 0, fmt.Errorf("scan: zone %q: %w", zone, err)
	}
	return uint32(ifi.Index), nil
}
