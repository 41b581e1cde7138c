package socket

import (
	"errors"
	"os"
	"strings"
	"syscall"
	"unicode"

	"github.com/netstar/netstar/builtins/pyerr"
	"golang.org/x/sys/unix"
)

// errnoClasses maps errnos to the OSError subclass Python 3 raises for
// them (PEP 3151). Any other errno is a plain OSError.
var errnoClasses = []struct {
	errno syscall.Errno
	class string
}{
	{unix.ECONNREFUSED, "ConnectionRefusedError"},
	{unix.ECONNRESET, "ConnectionResetError"},
	{unix.ECONNABORTED, "ConnectionAbortedError"},
	{unix.EPIPE, "BrokenPipeError"},
	{unix.ESHUTDOWN, "BrokenPipeError"},
	{unix.ETIMEDOUT, "TimeoutError"},
	{unix.EAGAIN, "BlockingIOError"},
	{unix.EALREADY, "BlockingIOError"},
	{unix.EINPROGRESS, "BlockingIOError"},
	{unix.EACCES, "PermissionError"},
	{unix.EPERM, "PermissionError"},
	{unix.ENOENT, "FileNotFoundError"},
	{unix.EEXIST, "FileExistsError"},
	{unix.EISDIR, "IsADirectoryError"},
	{unix.ENOTDIR, "NotADirectoryError"},
	{unix.EINTR, "InterruptedError"},
}

// errnoOf extracts the errno behind err, translating the poller's
// sentinel errors: a closed file is EBADF, as Python reports.
func errnoOf(err error) (syscall.Errno, bool) {
	var en syscall.Errno
	if errors.As(err, &en) {
		return en, true
	}
	if errors.Is(err, os.ErrClosed) {
		return unix.EBADF, true
	}
	return 0, false
}

// osError converts a system call error into the Python exception Python
// raises for it: ConnectionRefusedError: [Errno 111] Connection refused.
// Errors without an errno are returned unchanged.
func osError(err error) error {
	if err == nil {
		return nil
	}
	if _, ok := pyerr.As(err); ok {
		return err
	}
	en, ok := errnoOf(err)
	if !ok {
		return err
	}
	class := "OSError"
	for _, c := range errnoClasses {
		if errors.Is(en, c.errno) {
			class = c.class
			break
		}
	}
	e := pyerr.WithErrno(class, int(en), strerror(en))
	e.Err = err
	return e
}

// strerror returns the C library's message for an errno: Go's table has
// the same words with a lower-case initial.
func strerror(en syscall.Errno) string {
	s := en.Error()
	if s == "" {
		return s
	}
	r := []rune(s)
	r[0] = unicode.ToUpper(r[0])
	return strings.ReplaceAll(string(r), "i/o", "I/O")
}

// connectExCode returns the number connect_ex returns for a connect
// error: the errno, or EAGAIN (11) when the socket's timeout expired, as
// CPython does. ok is false for errors connect_ex raises instead (name
// resolution, bad arguments).
func connectExCode(err error) (int, bool) {
	if err == nil {
		return 0, true
	}
	if errors.Is(err, errTimeout) {
		return int(unix.EAGAIN), true
	}
	if pe, ok := pyerr.As(err); ok {
		if pe.HasErrno && pe.Type != "gaierror" && pe.Type != "herror" && pe.Err != nil {
			if _, isErrno := errnoOf(pe.Err); isErrno {
				return pe.Errno, true
			}
		}
		return 0, false
	}
	if en, ok := errnoOf(err); ok {
		return int(en), true
	}
	return 0, false
}

// isAgain reports whether a non-blocking call would block.
func isAgain(err error) bool {
	return errors.Is(err, unix.EAGAIN) || errors.Is(err, unix.EWOULDBLOCK)
}

// isInProgress reports whether a non-blocking connect is still going on.
func isInProgress(err error) bool {
	return errors.Is(err, unix.EINPROGRESS) || errors.Is(err, unix.EALREADY) || errors.Is(err, unix.EINTR)
}
