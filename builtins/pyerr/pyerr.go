// Package pyerr models Python's exceptions as Go errors, so that netstar's
// modules fail with the same text Python prints and scripts can inspect the
// failure with catch() the way Python code inspects an exception.
//
// An *Error prints as Python's traceback line ("ConnectionRefusedError:
// [Errno 111] Connection refused"); its Str method gives Python's str(e)
// ("[Errno 111] Connection refused").
package pyerr

import (
	"errors"
	"fmt"
	"strings"
)

// Error is a Python exception raised by a netstar builtin.
type Error struct {
	// Type is the exception's class name as Python's type(e).__name__
	// gives it: "OSError", "gaierror", "timeout", "ConnectionRefusedError".
	Type string
	// Module qualifies Type in the printed form, as Python's traceback
	// does for classes outside builtins ("socket" for socket.gaierror).
	Module string
	// Errno is the error number; it is meaningful only when HasErrno is set.
	Errno int
	// HasErrno records whether the exception carries an errno, as
	// Python's OSError(errno, strerror) does.
	HasErrno bool
	// Strerror is the errno's message, or the whole message when there
	// is no errno.
	Strerror string
	// Err is the Go error behind the exception, if any.
	Err error
	// Value is the Python object raised, for an exception class the
	// program defined (a *pyclass.Instance); nil otherwise.
	Value any
	// Chain lists the classes of Value from its own up to the builtin
	// class it derives from ("MyError", "AppError", "ValueError"), so
	// that except clauses match user classes and their bases.
	Chain []string
}

// IsA reports whether the exception is an instance of the class named
// base: one of its Chain, or a builtin class its chain derives from.
func (e *Error) IsA(base string) bool {
	if base == "BaseException" || base == "Exception" && !IsSubclass(e.root(), "BaseException") {
		return true
	}
	for _, c := range e.Chain {
		if c == base {
			return true
		}
	}
	return IsSubclass(e.root(), base)
}

// root is the builtin class at the end of the chain.
func (e *Error) root() string {
	if n := len(e.Chain); n > 0 {
		return e.Chain[n-1]
	}
	return e.Type
}

// New returns an exception without errno: typ is the class name and msg
// Python's str(e).
func New(typ, msg string) *Error {
	return &Error{Type: typ, Strerror: msg}
}

// Errorf is New with a formatted message.
func Errorf(typ, format string, args ...any) *Error {
	return New(typ, fmt.Sprintf(format, args...))
}

// WithErrno returns an OSError-style exception: str(e) is
// "[Errno N] strerror".
func WithErrno(typ string, errno int, strerror string) *Error {
	return &Error{Type: typ, Errno: errno, HasErrno: true, Strerror: strerror}
}

// QualifiedType returns the class name as Python prints it in a traceback
// (e.g. "socket.gaierror").
func (e *Error) QualifiedType() string {
	if e.Module == "" {
		return e.Type
	}
	return e.Module + "." + e.Type
}

// Str returns Python's str(e).
func (e *Error) Str() string {
	if e.HasErrno {
		return fmt.Sprintf("[Errno %d] %s", e.Errno, e.Strerror)
	}
	return e.Strerror
}

// Error returns Python's traceback line for the exception.
func (e *Error) Error() string {
	s := e.Str()
	if s == "" {
		return e.QualifiedType()
	}
	return e.QualifiedType() + ": " + s
}

// Unwrap returns the Go error behind the exception.
func (e *Error) Unwrap() error { return e.Err }

// Is reports whether e is an instance of the Python class named by typ,
// following Python's hierarchy for the classes netstar raises
// (ConnectionRefusedError is an OSError; socket.error is OSError).
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	if !ok || t.Errno != 0 || t.Strerror != "" {
		return false
	}
	return e.IsA(t.Type)
}

// parents maps each exception class netstar raises to its base class,
// as in Python 3.
var parents = map[string]string{
	"OSError":                 "Exception",
	"gaierror":                "OSError",
	"herror":                  "OSError",
	"timeout":                 "OSError",
	"TimeoutError":            "OSError",
	"ConnectionError":         "OSError",
	"ConnectionRefusedError":  "ConnectionError",
	"ConnectionResetError":    "ConnectionError",
	"ConnectionAbortedError":  "ConnectionError",
	"BrokenPipeError":         "ConnectionError",
	"PermissionError":         "OSError",
	"FileNotFoundError":       "OSError",
	"FileExistsError":         "OSError",
	"IsADirectoryError":       "OSError",
	"NotADirectoryError":      "OSError",
	"InterruptedError":        "OSError",
	"BlockingIOError":         "OSError",
	"OverflowError":           "ArithmeticError",
	"ArithmeticError":         "Exception",
	"ValueError":              "Exception",
	"TypeError":               "Exception",
	"KeyError":                "LookupError",
	"IndexError":              "LookupError",
	"LookupError":             "Exception",
	"RuntimeError":            "Exception",
	"UnicodeDecodeError":      "ValueError",
	"NotImplementedError":     "RuntimeError",
	"KeyboardInterrupt":       "BaseException",
	"SystemExit":              "BaseException",
	"Exception":               "BaseException",
	"Error":                   "Exception",
	"HTTPError":               "OSError",
	"URLError":                "OSError",
	"OptionError":             "Exception",
	"OptionConflictError":     "OptionError",
	"OptionValueError":        "OptionError",
	"BadOptionError":          "OptionError",
	"JSONDecodeError":         "ValueError",
	"UnsupportedOperation":    "OSError",
	"StopIteration":           "Exception",
	"AttributeError":          "Exception",
	"ZeroDivisionError":       "ArithmeticError",
	"RecursionError":          "RuntimeError",
	"NameError":               "Exception",
	"AssertionError":          "Exception",
	"ImportError":             "Exception",
	"ModuleNotFoundError":     "ImportError",
	"UnboundLocalError":       "NameError",
	"EOFError":                "Exception",
	"SyntaxError":             "Exception",
	"IndentationError":        "SyntaxError",
	"TabError":                "IndentationError",
	"MemoryError":             "Exception",
	"UnicodeError":            "ValueError",
	"UnicodeEncodeError":      "UnicodeError",
	"SSLError":                "OSError",
	"CertificateError":        "ValueError",
	"ReadTimeout":             "TimeoutError",
	"ProtocolError":           "Exception",
	"InvalidURL":              "ValueError",
	"HTTPException":           "Exception",
	"RemoteDisconnected":      "ConnectionResetError",
	"IncompleteRead":          "HTTPException",
	"BadStatusLine":           "HTTPException",
	"LineTooLong":             "HTTPException",
	"ImproperConnectionState": "HTTPException",
}

// IsSubclass reports whether class typ is base or derives from it.
// "socket.error" and "error" name OSError, as in Python 3.
func IsSubclass(typ, base string) bool {
	base = strings.TrimPrefix(base, "socket.")
	if base == "error" {
		base = "OSError"
	}
	typ = strings.TrimPrefix(typ, "socket.")
	if typ == "UnsupportedOperation" && base == "ValueError" {
		return true // io.UnsupportedOperation is both an OSError and a ValueError
	}
	for typ != "" {
		if typ == base {
			return true
		}
		typ = parents[typ]
	}
	return false
}

// Exception is an error that stands for a Python exception without being
// an *Error: engines that know nothing of Python's values (package idna,
// say) declare their errors' classes this way. As sees them.
type Exception interface {
	error
	// PythonException returns the class name ("UnicodeError") and
	// Python's str(e).
	PythonException() (class, msg string)
}

// As returns the *Error in err's chain, if any; an Exception in the chain
// is converted to one that wraps it.
func As(err error) (*Error, bool) {
	var e *Error
	if errors.As(err, &e) {
		return e, true
	}
	var x Exception
	if errors.As(err, &x) {
		class, msg := x.PythonException()
		return &Error{Type: class, Strerror: msg, Err: x}, true
	}
	return nil, false
}
