//go:build unix

package scan

import (
	"errors"
	"syscall"

	"golang.org/x/sys/unix"
)

// verdict is what a connect(2) error means for a probe.
type verdict uint8

const (
	vOpen         verdict = iota // connected
	vClosed                      // the host answered with RST
	vFiltered                    // an ICMP error or a local firewall: no point retrying
	vLocal                       // a local shortage: wait and probe again
	vPending                     // still connecting
	vOpenFiltered                // a UDP probe that never got an answer
)

// classify maps a connect(2) or SO_ERROR outcome to a verdict and the
// reason recorded with the port, following nmap's connect scan. Errnos
// are compared with errors.Is, never by message; they differ on Windows,
// hence this file.
func classify(err error) (verdict, string) {
	switch {
	case err == nil, errors.Is(err, syscall.EISCONN):
		return vOpen, ReasonSynAck
	case errors.Is(err, syscall.EINPROGRESS), errors.Is(err, syscall.EALREADY):
		return vPending, ""
	case errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET):
		return vClosed, errnoName(err)
	case errors.Is(err, syscall.EMFILE), errors.Is(err, syscall.ENFILE),
		errors.Is(err, syscall.EADDRNOTAVAIL), errors.Is(err, syscall.EADDRINUSE),
		errors.Is(err, syscall.ENOBUFS), errors.Is(err, syscall.ENOMEM),
		errors.Is(err, syscall.EAGAIN), errors.Is(err, syscall.EINTR):
		return vLocal, errnoName(err)
	case errors.Is(err, syscall.ETIMEDOUT):
		return vFiltered, ReasonTimeout
	}
	// EHOSTUNREACH, ENETUNREACH, ENETDOWN, EHOSTDOWN, EACCES, EPERM,
	// ENOPROTOOPT, ENONET and anything unexpected: nmap calls these
	// filtered.
	return vFiltered, errnoName(err)
}

// isLocal reports whether err from socket(2) is a resource shortage.
func isLocal(err error) bool {
	v, _ := classify(err)
	return v == vLocal
}

func errnoName(err error) string {
	if en, ok := err.(syscall.Errno); ok { // the engine's errors are bare errnos
		return nameOf(en)
	}
	var en syscall.Errno
	if errors.As(err, &en) {
		return nameOf(en)
	}
	return err.Error()
}

func nameOf(en syscall.Errno) string {
	if name := unix.ErrnoName(en); name != "" {
		return name
	}
	return "errno " + en.Error()
}
