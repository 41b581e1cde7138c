package pyerr_test

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"syscall"
	"testing"

	"github.com/netstar/netstar/builtins/pyerr"
)

func TestErrorText(t *testing.T) {
	tests := []struct {
		err       *pyerr.Error
		str, text string
		qualified string
	}{
		{pyerr.WithErrno("ConnectionRefusedError", 111, "Connection refused"), "[Errno 111] Connection refused", "ConnectionRefusedError: [Errno 111] Connection refused", "ConnectionRefusedError"},
		{&pyerr.Error{Type: "gaierror", Module: "socket", HasErrno: true, Errno: -2, Strerror: "Name or service not known"}, "[Errno -2] Name or service not known", "socket.gaierror: [Errno -2] Name or service not known", "socket.gaierror"},
		{&pyerr.Error{Type: "timeout", Module: "socket", Strerror: "timed out"}, "timed out", "socket.timeout: timed out", "socket.timeout"},
		{pyerr.New("ValueError", "bad port"), "bad port", "ValueError: bad port", "ValueError"},
		{pyerr.Errorf("TypeError", "%s: got %d", "f", 3), "f: got 3", "TypeError: f: got 3", "TypeError"},
		{pyerr.New("KeyboardInterrupt", ""), "", "KeyboardInterrupt", "KeyboardInterrupt"},
		{pyerr.WithErrno("OSError", 0, "Success"), "[Errno 0] Success", "OSError: [Errno 0] Success", "OSError"},
	}
	for _, tt := range tests {
		if got := tt.err.Str(); got != tt.str {
			t.Errorf("Str() = %q, want %q", got, tt.str)
		}
		if got := tt.err.Error(); got != tt.text {
			t.Errorf("Error() = %q, want %q", got, tt.text)
		}
		if got := tt.err.QualifiedType(); got != tt.qualified {
			t.Errorf("QualifiedType() = %q, want %q", got, tt.qualified)
		}
	}
}

func TestIsSubclass(t *testing.T) {
	tests := []struct {
		typ, base string
		want      bool
	}{
		{"ConnectionRefusedError", "ConnectionRefusedError", true},
		{"ConnectionRefusedError", "ConnectionError", true},
		{"ConnectionRefusedError", "OSError", true},
		{"ConnectionRefusedError", "Exception", true},
		{"ConnectionRefusedError", "BaseException", true},
		{"ConnectionRefusedError", "socket.error", true},
		{"ConnectionRefusedError", "error", true},
		{"ConnectionRefusedError", "TimeoutError", false},
		{"ConnectionRefusedError", "ValueError", false},
		{"gaierror", "OSError", true},
		{"socket.gaierror", "OSError", true},
		{"herror", "socket.herror", true},
		{"timeout", "OSError", true},
		{"TimeoutError", "OSError", true},
		{"RemoteDisconnected", "ConnectionResetError", true},
		{"RemoteDisconnected", "ConnectionError", true},
		{"MemoryError", "Exception", true},
		{"TabError", "SyntaxError", true},
		{"UnicodeDecodeError", "ValueError", true},
		{"UnicodeEncodeError", "UnicodeError", true},
		{"UnicodeEncodeError", "ValueError", true},
		{"KeyError", "LookupError", true},
		{"ZeroDivisionError", "ArithmeticError", true},
		{"ModuleNotFoundError", "ImportError", true},
		{"KeyboardInterrupt", "Exception", false},
		{"SystemExit", "Exception", false},
		{"SystemExit", "BaseException", true},
		{"OSError", "ConnectionError", false},
		{"MadeUpError", "MadeUpError", true},
		{"MadeUpError", "Exception", false},
		{"", "", false},
	}
	for _, tt := range tests {
		if got := pyerr.IsSubclass(tt.typ, tt.base); got != tt.want {
			t.Errorf("IsSubclass(%q, %q) = %v, want %v", tt.typ, tt.base, got, tt.want)
		}
	}
}

// errors.Is with a bare *Error target tests the class, as except does.
func TestIs(t *testing.T) {
	refused := pyerr.WithErrno("ConnectionRefusedError", 111, "Connection refused")
	wrapped := fmt.Errorf("socket.connect: %w", refused)
	tests := []struct {
		err    error
		target error
		want   bool
	}{
		{refused, &pyerr.Error{Type: "OSError"}, true},
		{wrapped, &pyerr.Error{Type: "ConnectionError"}, true},
		{wrapped, &pyerr.Error{Type: "TimeoutError"}, false},
		// A target with a message or errno is a specific error, not a class.
		{refused, pyerr.New("OSError", "x"), false},
		{refused, &pyerr.Error{Type: "OSError", Errno: 111}, false},
		{refused, io.EOF, false},
	}
	for _, tt := range tests {
		if got := errors.Is(tt.err, tt.target); got != tt.want {
			t.Errorf("errors.Is(%v, %#v) = %v, want %v", tt.err, tt.target, got, tt.want)
		}
	}
}

func TestAsAndUnwrap(t *testing.T) {
	cause := syscall.ECONNREFUSED
	e := &pyerr.Error{Type: "ConnectionRefusedError", HasErrno: true, Errno: 111, Strerror: "Connection refused", Err: cause}
	wrapped := fmt.Errorf("outer: %w", fmt.Errorf("inner: %w", e))
	got, ok := pyerr.As(wrapped)
	if !ok || got != e {
		t.Fatalf("As(wrapped) = %v, %v", got, ok)
	}
	if !errors.Is(wrapped, syscall.ECONNREFUSED) {
		t.Error("the Go cause is not reachable through Unwrap")
	}
	if _, ok := pyerr.As(errors.New("plain")); ok {
		t.Error("As(plain error) succeeded")
	}
	if _, ok := pyerr.As(nil); ok {
		t.Error("As(nil) succeeded")
	}
	if errors.Join(io.EOF, e) == nil {
		t.Fatal("unreachable")
	}
	if got, ok := pyerr.As(errors.Join(io.EOF, e)); !ok || got != e {
		t.Error("As does not find the exception in a joined error")
	}
}

func Example() {
	err := fmt.Errorf("connect: %w", pyerr.WithErrno("ConnectionRefusedError", 111, "Connection refused"))
	if e, ok := pyerr.As(err); ok {
		fmt.Println(e)       // the traceback line
		fmt.Println(e.Str()) // str(e)
		fmt.Println(errors.Is(err, &pyerr.Error{Type: "OSError"}))
	}
	gai := &pyerr.Error{Type: "gaierror", Module: "socket", HasErrno: true, Errno: -2, Strerror: "Name or service not known"}
	fmt.Println(gai)
	// Output:
	// ConnectionRefusedError: [Errno 111] Connection refused
	// [Errno 111] Connection refused
	// true
	// socket.gaierror: [Errno -2] Name or service not known
}

// TestOSError checks the one errno table: Go's system-call, file and
// lookup errors become the exceptions Python raises, and keep their cause.
func TestOSError(t *testing.T) {
	tests := []struct {
		err   error
		want  string
		errno syscall.Errno
	}{
		{&net.OpError{Op: "listen", Net: "tcp", Err: os.NewSyscallError("bind", syscall.EADDRINUSE)}, "OSError: [Errno 98] Address already in use", syscall.EADDRINUSE},
		{&net.OpError{Op: "listen", Net: "tcp", Err: os.NewSyscallError("bind", syscall.EACCES)}, "PermissionError: [Errno 13] Permission denied", syscall.EACCES},
		{&net.OpError{Op: "listen", Net: "tcp", Err: os.NewSyscallError("bind", syscall.EADDRNOTAVAIL)}, "OSError: [Errno 99] Cannot assign requested address", syscall.EADDRNOTAVAIL},
		{&net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}, "ConnectionRefusedError: [Errno 111] Connection refused", syscall.ECONNREFUSED},
		{syscall.EAGAIN, "BlockingIOError: [Errno 11] Resource temporarily unavailable", syscall.EAGAIN},
		{syscall.EEXIST, "FileExistsError: [Errno 17] File exists", syscall.EEXIST},
		{syscall.EINTR, "InterruptedError: [Errno 4] Interrupted system call", syscall.EINTR},
		{syscall.EIO, "OSError: [Errno 5] Input/output error", syscall.EIO},
		{os.ErrClosed, "OSError: [Errno 9] Bad file descriptor", 0},
		{&os.PathError{Op: "openat", Path: "/no/dir", Err: syscall.ENOENT}, "FileNotFoundError: [Errno 2] No such file or directory: '/no/dir'", syscall.ENOENT},
		{&os.PathError{Op: "open", Path: "f", Err: syscall.ENOTDIR}, "NotADirectoryError: [Errno 20] Not a directory: 'f'", syscall.ENOTDIR},
		{&net.DNSError{Err: "no such host", Name: "nothing.invalid", IsNotFound: true}, "socket.gaierror: [Errno -2] Name or service not known", 0},
		{&net.DNSError{Err: "server misbehaving", Name: "x.test", IsTemporary: true}, "socket.gaierror: [Errno -3] Temporary failure in name resolution", 0},
		{errors.New("plain"), "plain", 0},
		{pyerr.New("ValueError", "kept"), "ValueError: kept", 0},
	}
	for _, tt := range tests {
		got := pyerr.OSError(tt.err)
		if got.Error() != tt.want {
			t.Errorf("OSError(%v) = %q, want %q", tt.err, got, tt.want)
		}
		if !errors.Is(got, tt.err) && got != tt.err {
			t.Errorf("OSError(%v) does not wrap its cause", tt.err)
		}
		if tt.errno != 0 && !errors.Is(got, tt.errno) {
			t.Errorf("OSError(%v): errors.Is(_, %v) = false", tt.err, tt.errno)
		}
	}
	if pyerr.OSError(nil) != nil {
		t.Error("OSError(nil) != nil")
	}
}
