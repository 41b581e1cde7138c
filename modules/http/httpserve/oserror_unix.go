//go:build unix

package httpserve

import (
	"errors"
	"net"
	"os"
	"strings"
	"syscall"

	"github.com/netstar/netstar/builtins/pyerr"
)

// errnoTypes are the OSError subclasses Python raises for an errno.
var errnoTypes = map[syscall.Errno]string{
	syscall.EACCES:       "PermissionError",
	syscall.EPERM:        "PermissionError",
	syscall.ENOENT:       "FileNotFoundError",
	syscall.ENOTDIR:      "NotADirectoryError",
	syscall.ECONNREFUSED: "ConnectionRefusedError",
	syscall.ECONNRESET:   "ConnectionResetError",
	syscall.ECONNABORTED: "ConnectionAbortedError",
	syscall.EPIPE:        "BrokenPipeError",
	syscall.ETIMEDOUT:    "TimeoutError",
}

// strerrors are glibc's strerror texts, which Python prints.
var strerrors = map[syscall.Errno]string{
	syscall.EACCES:        "Permission denied",
	syscall.EPERM:         "Operation not permitted",
	syscall.ENOENT:        "No such file or directory",
	syscall.ENOTDIR:       "Not a directory",
	syscall.EADDRINUSE:    "Address already in use",
	syscall.EADDRNOTAVAIL: "Cannot assign requested address",
	syscall.ECONNREFUSED:  "Connection refused",
	syscall.ECONNRESET:    "Connection reset by peer",
	syscall.ECONNABORTED:  "Software caused connection abort",
	syscall.EPIPE:         "Broken pipe",
	syscall.ETIMEDOUT:     "Connection timed out",
	syscall.EHOSTUNREACH:  "No route to host",
	syscall.ENETUNREACH:   "Network is unreachable",
	syscall.EAFNOSUPPORT:  "Address family not supported by protocol",
}

// OSError converts a Go network or file error into the exception Python
// raises for it ("OSError: [Errno 98] Address already in use",
// "PermissionError: [Errno 13] Permission denied", "socket.gaierror:
// [Errno -2] Name or service not known"). filename, when not empty, is
// appended as Python does for file errors (": 'dir'"). Errors without an
// errno are returned unchanged. The result wraps err.
func OSError(err error, filename string) error {
	if err == nil {
		return nil
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		e := &pyerr.Error{Type: "gaierror", Module: "socket", HasErrno: true, Errno: -3, Strerror: "Temporary failure in name resolution", Err: err}
		if dnsErr.IsNotFound {
			e.Errno, e.Strerror = -2, "Name or service not known"
		}
		return e
	}
	var errno syscall.Errno
	if !errors.As(err, &errno) {
		return err
	}
	typ, ok := errnoTypes[errno]
	if !ok {
		typ = "OSError"
	}
	msg, ok := strerrors[errno]
	if !ok {
		msg = errno.Error()
		if msg != "" {
			msg = strings.ToUpper(msg[:1]) + msg[1:]
		}
	}
	var pe *os.PathError
	if filename != "" && errors.As(err, &pe) {
		msg += ": '" + filename + "'"
	}
	return &pyerr.Error{Type: typ, HasErrno: true, Errno: int(errno), Strerror: msg, Err: err}
}

func bindError(err error) error { return OSError(err, "") }
