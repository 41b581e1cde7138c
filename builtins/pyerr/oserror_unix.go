//go:build unix

package pyerr

import (
	"errors"
	"net"
	"os"
	"strings"
	"syscall"
	"unicode"

	"golang.org/x/sys/unix"
)

// errnoClasses maps errnos to the OSError subclass Python 3 raises for
// them (PEP 3151). Any other errno is a plain OSError.
var errnoClasses = map[syscall.Errno]string{
	unix.ECONNREFUSED: "ConnectionRefusedError",
	unix.ECONNRESET:   "ConnectionResetError",
	unix.ECONNABORTED: "ConnectionAbortedError",
	unix.EPIPE:        "BrokenPipeError",
	unix.ESHUTDOWN:    "BrokenPipeError",
	unix.ETIMEDOUT:    "TimeoutError",
	unix.EAGAIN:       "BlockingIOError",
	unix.EALREADY:     "BlockingIOError",
	unix.EINPROGRESS:  "BlockingIOError",
	unix.EACCES:       "PermissionError",
	unix.EPERM:        "PermissionError",
	unix.ENOENT:       "FileNotFoundError",
	unix.EEXIST:       "FileExistsError",
	unix.EISDIR:       "IsADirectoryError",
	unix.ENOTDIR:      "NotADirectoryError",
	unix.EINTR:        "InterruptedError",
	unix.ECHILD:       "ChildProcessError",
	unix.ESRCH:        "ProcessLookupError",
}

// ErrnoClass returns the OSError subclass Python raises for errno:
// "ConnectionRefusedError" for ECONNREFUSED, "OSError" for an errno
// without a class of its own.
func ErrnoClass(errno syscall.Errno) string {
	if c, ok := errnoClasses[errno]; ok {
		return c
	}
	return "OSError"
}

// Errno returns the errno behind err. The poller's sentinel for a closed
// file is EBADF, as Python reports it.
func Errno(err error) (syscall.Errno, bool) {
	var en syscall.Errno
	if errors.As(err, &en) {
		return en, true
	}
	if errors.Is(err, os.ErrClosed) {
		return unix.EBADF, true
	}
	return 0, false
}

// Strerror returns the C library's message for an errno, as Python
// prints it ("Connection refused"): Go's table has the same words with a
// lower-case initial.
func Strerror(en syscall.Errno) string {
	s := en.Error()
	if s == "" {
		return s
	}
	r := []rune(s)
	r[0] = unicode.ToUpper(r[0])
	return strings.ReplaceAll(string(r), "i/o", "I/O")
}

// OSError converts a Go system-call, file or name-lookup error into the
// exception Python raises for it: "ConnectionRefusedError: [Errno 111]
// Connection refused", "OSError: [Errno 98] Address already in use",
// "FileNotFoundError: [Errno 2] No such file or directory: 'dir'" (a
// file error names its path, as Python's does), "socket.gaierror:
// [Errno -2] Name or service not known". An error that already is a
// Python exception, or has no errno, is returned unchanged. The result
// wraps err, so errors.Is(result, syscall.ECONNREFUSED) holds.
func OSError(err error) error {
	if err == nil {
		return nil
	}
	if _, ok := As(err); ok {
		return err
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		e := &Error{Type: "gaierror", Module: "socket", HasErrno: true, Errno: -3, Strerror: "Temporary failure in name resolution", Err: err}
		if dnsErr.IsNotFound {
			e.Errno, e.Strerror = -2, "Name or service not known"
		}
		return e
	}
	en, ok := Errno(err)
	if !ok {
		return err
	}
	e := WithErrno(ErrnoClass(en), int(en), Strerror(en))
	var pe *os.PathError
	if errors.As(err, &pe) && pe.Path != "" {
		e.Strerror += ": '" + pe.Path + "'"
	}
	e.Err = err
	return e
}
