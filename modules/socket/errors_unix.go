package socket

import (
	"errors"

	"github.com/netstar/netstar/builtins/pyerr"
	"golang.org/x/sys/unix"
)

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
			if _, isErrno := pyerr.Errno(pe.Err); isErrno {
				return pe.Errno, true
			}
		}
		return 0, false
	}
	if en, ok := pyerr.Errno(err); ok {
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
