package scancmd

import (
	"errors"
	"fmt"
	"github.com/netstar/netstar/builtins/i18n"
	"os"

	"golang.org/x/sys/unix"
)

// errLocked is wrapped by openLocked when another process holds the file.
var errLocked = errors.New("locked")

// lockedError says that another netstar scan holds path.
func lockedError(lang i18n.Lang, flag, path string) error {
	return &lockError{lang.T("scan.locked", flag, path)}
}

// lockError is the error of a file another process holds; it wraps
// errLocked.
type lockError struct{ text string }

func (e *lockError) Error() string { return e.text }
func (e *lockError) Unwrap() error { return errLocked }

// openLocked opens path with flag (plus O_CREATE) and, when it is a
// regular file, takes an exclusive lock on it (flock, not waiting), so
// that a second netstar scan writing to the same file is refused
// instead of corrupting it. The lock lasts until the file is closed.
// Devices and pipes (/dev/null, a FIFO) are not locked. flag must not
// hold O_TRUNC: the caller truncates once it holds the lock.
//
// A file renamed over path between the open and the lock (a finished
// scan replacing its output) is opened again, so the lock is always on
// the file path names.
func openLocked(lang i18n.Lang, flagName, path string, flag int) (*os.File, error) {
	for try := 0; ; try++ {
		f, err := os.OpenFile(path, flag|os.O_CREATE, 0o644)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", flagName, err)
		}
		fi, err := f.Stat()
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("%s: %w", flagName, err)
		}
		if !fi.Mode().IsRegular() {
			return f, nil
		}
		if err := flock(f); err != nil {
			f.Close()
			if errors.Is(err, unix.EWOULDBLOCK) {
				return nil, lockedError(lang, flagName, path)
			}
			return nil, fmt.Errorf("%s %s: locking it: %w", flagName, path, err)
		}
		if now, err := os.Stat(path); err == nil && os.SameFile(fi, now) {
			return f, nil
		}
		f.Close()
		if try == 2 {
			return nil, lockedError(lang, flagName, path)
		}
	}
}

// flock takes an exclusive lock on f without waiting.
func flock(f *os.File) error {
	rc, err := f.SyscallConn()
	if err != nil {
		return err
	}
	var ferr error
	if err := rc.Control(func(fd uintptr) {
		for {
			ferr = unix.Flock(int(fd), unix.LOCK_EX|unix.LOCK_NB)
			if ferr != unix.EINTR {
				return
			}
		}
	}); err != nil {
		return err
	}
	return ferr
}
