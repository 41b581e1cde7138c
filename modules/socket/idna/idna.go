// Package idna converts internationalized host names as Python's
// "idna" codec does (IDNA 2003: nameprep, then Punycode), so that
// socket.gethostbyname("españa.es") asks for xn--espaa-rta.es as Python
// would, and the scanner reads such names the same way.
package idna

import (
	"fmt"
	"strings"

	xidna "golang.org/x/net/idna"
)

// idnaProfile maps and converts one non-ASCII label as Python's "idna"
// codec (IDNA 2003: nameprep, then Punycode) does for the names people
// type: case folded, compatibility forms mapped (Ⅷ is viii), ß and ς
// mapped transitionally (straße is strasse), and no STD3 or hyphen rules.
var idnaProfile = xidna.New(xidna.MapForLookup(), xidna.Transitional(true),
	xidna.StrictDomainName(false), xidna.CheckHyphens(false), xidna.VerifyDNSLength(false))

// idnaDots are the label separators of Python's idna codec.
var idnaDots = strings.NewReplacer("\u3002", ".", "\uff0e", ".", "\uff61", ".")

// Encode converts a host name as Python's str.encode("idna") does:
// ASCII labels are kept as written (case too), other labels become
// "xn--" Punycode, and an empty (but not last) or over-long label is a
// UnicodeError with Python's message.
func Encode(name string) (string, error) {
	if name == "" {
		return "", nil
	}
	if IsASCII(name) { // Python's fast path, with its own messages
		labels := strings.Split(name, ".")
		for _, l := range labels[:len(labels)-1] {
			if len(l) == 0 || len(l) >= 64 {
				return "", errorf("UnicodeError", "encoding with 'idna' codec failed (UnicodeError: label empty or too long)")
			}
		}
		if len(labels[len(labels)-1]) >= 64 {
			return "", errorf("UnicodeError", "encoding with 'idna' codec failed (UnicodeError: label too long)")
		}
		return name, nil
	}
	labels := strings.Split(idnaDots.Replace(name), ".")
	trailing := len(labels) > 1 && labels[len(labels)-1] == ""
	if trailing {
		labels = labels[:len(labels)-1]
	}
	for i, l := range labels {
		if !IsASCII(l) {
			a, err := idnaProfile.ToASCII(l)
			if err != nil {
				return "", errorf("UnicodeError", "encoding with 'idna' codec failed (UnicodeError: %s)", idnaReason(err))
			}
			l = a
		}
		if len(l) == 0 || len(l) >= 64 {
			return "", errorf("UnicodeError", "encoding with 'idna' codec failed (UnicodeError: label empty or too long)")
		}
		labels[i] = l
	}
	out := strings.Join(labels, ".")
	if trailing {
		out += "."
	}
	return out, nil
}

// Decode converts an ASCII host name back as Python's
// bytes.decode("idna") does: "xn--" labels become Unicode, the others
// are kept as they are.
func Decode(name string) (string, error) {
	for i := 0; i < len(name); i++ {
		if name[i] >= 0x80 {
			return "", errorf("UnicodeDecodeError", "'ascii' codec can't decode byte 0x%02x in position %d: ordinal not in range(128)", name[i], i)
		}
	}
	labels := strings.Split(name, ".")
	for i, l := range labels {
		if !strings.HasPrefix(strings.ToLower(l), "xn--") {
			continue
		}
		u, err := xidna.Punycode.ToUnicode(strings.ToLower(l))
		if err != nil {
			return "", errorf("UnicodeError", "decoding with 'idna' codec failed (UnicodeError: %s)", idnaReason(err))
		}
		labels[i] = u
	}
	return strings.Join(labels, "."), nil
}

// idnaReason is x/net/idna's error without its package prefix.
func idnaReason(err error) string {
	return strings.TrimPrefix(err.Error(), "idna: ")
}

// IsASCII reports whether s is ASCII only.
func IsASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// Error is a failed conversion. It prints as Python's exception does
// ("UnicodeError: encoding with 'idna' codec failed (...)"), and names
// its Python class through PythonException, so that package pyerr sees
// it as that exception without this package depending on it.
type Error struct {
	// Class is the Python exception class: "UnicodeError" or
	// "UnicodeDecodeError".
	Class string
	// Msg is Python's str(e).
	Msg string
}

func errorf(class, format string, args ...any) *Error {
	return &Error{Class: class, Msg: fmt.Sprintf(format, args...)}
}

// Error returns Python's traceback line for e.
func (e *Error) Error() string { return e.Class + ": " + e.Msg }

// PythonException returns e's Python class and str(e).
func (e *Error) PythonException() (class, msg string) { return e.Class, e.Msg }
