// Package pyfmt shows Starlark values as Python does: repr() and str()
// (Repr, Str), the % operator (Percent) and str.format (Format), with
// Python's widths, precisions, alignment and reprs of containers.
package pyfmt

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"go.starlark.net/starlark"
)

// PyReprer is implemented by values whose repr differs from their
// Starlark String form (an exception shows as ValueError('...')).
type PyReprer interface {
	PyRepr() string
}

// Repr returns Python's repr of v: strings in single quotes ('abc'),
// bytes as b'...', and containers with their elements in that form, so
// the REPL echoes what the course shows.
func Repr(v starlark.Value) string {
	var sb strings.Builder
	writeRepr(&sb, v, 0)
	return sb.String()
}

func writeRepr(sb *strings.Builder, v starlark.Value, depth int) {
	if depth > 50 {
		sb.WriteString("...")
		return
	}
	switch x := v.(type) {
	case starlark.Float:
		switch f := float64(x); {
		case math.IsInf(f, 1):
			sb.WriteString("inf")
		case math.IsInf(f, -1):
			sb.WriteString("-inf")
		case math.IsNaN(f):
			sb.WriteString("nan")
		default:
			sb.WriteString(floatRepr(f))
		}
	case starlark.String:
		sb.WriteString(quote(string(x), false))
	case starlark.Bytes:
		sb.WriteString(quote(string(x), true))
	case *starlark.List:
		sb.WriteByte('[')
		for i := 0; i < x.Len(); i++ {
			if i > 0 {
				sb.WriteString(", ")
			}
			writeRepr(sb, x.Index(i), depth+1)
		}
		sb.WriteByte(']')
	case starlark.Tuple:
		sb.WriteByte('(')
		for i, e := range x {
			if i > 0 {
				sb.WriteString(", ")
			}
			writeRepr(sb, e, depth+1)
		}
		if len(x) == 1 {
			sb.WriteByte(',')
		}
		sb.WriteByte(')')
	case *starlark.Dict:
		sb.WriteByte('{')
		for i, item := range x.Items() {
			if i > 0 {
				sb.WriteString(", ")
			}
			writeRepr(sb, item[0], depth+1)
			sb.WriteString(": ")
			writeRepr(sb, item[1], depth+1)
		}
		sb.WriteByte('}')
	case *starlark.Set:
		if x.Len() == 0 {
			sb.WriteString("set()")
			return
		}
		sb.WriteByte('{')
		it := x.Iterate()
		defer it.Done()
		var e starlark.Value
		for i := 0; it.Next(&e); i++ {
			if i > 0 {
				sb.WriteString(", ")
			}
			writeRepr(sb, e, depth+1)
		}
		sb.WriteByte('}')
	case PyReprer:
		sb.WriteString(x.PyRepr())
	default:
		if r, ok := rangeRepr(v); ok {
			sb.WriteString(r)
			return
		}
		sb.WriteString(v.String())
	}
}

// rangeRepr is Python's repr of a range, which always shows the start:
// range(0, 5) where Starlark writes range(5).
func rangeRepr(v starlark.Value) (string, bool) {
	if v.Type() != "range" {
		return "", false
	}
	s := v.String()
	if strings.HasPrefix(s, "range(") && !strings.Contains(s, ",") {
		return "range(0, " + s[len("range("):], true
	}
	return s, true
}

// floatRepr is Python's repr of a finite float: the shortest digits that
// read back the same, in fixed notation from 1e-4 up to 1e16 (with ".0"
// when integral, 1234567.0) and in exponent notation outside (1e+16,
// 1.5e-05).
func floatRepr(f float64) string {
	e := strconv.FormatFloat(f, 'e', -1, 64)
	exp, _ := strconv.Atoi(e[strings.IndexByte(e, 'e')+1:])
	if exp < -4 || exp >= 16 {
		return e
	}
	s := strconv.FormatFloat(f, 'f', -1, 64)
	if !strings.ContainsAny(s, ".") {
		s += ".0"
	}
	return s
}

// quote quotes s as Python's repr does: single quotes unless s contains
// a single quote and no double quote; bytes escape non-ASCII as \xNN.
func quote(s string, isBytes bool) string {
	q := byte('\'')
	if strings.IndexByte(s, '\'') >= 0 && strings.IndexByte(s, '"') < 0 {
		q = '"'
	}
	var sb strings.Builder
	if isBytes {
		sb.WriteByte('b')
	}
	sb.WriteByte(q)
	write := func(r rune) {
		switch {
		case r == rune(q) || r == '\\':
			sb.WriteByte('\\')
			sb.WriteRune(r)
		case r == '\n':
			sb.WriteString(`\n`)
		case r == '\r':
			sb.WriteString(`\r`)
		case r == '\t':
			sb.WriteString(`\t`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&sb, `\x%02x`, r)
		case r >= 0x80 && !unicode.IsPrint(r):
			// Python escapes non-printable characters (U+00A0,
			// U+200B, ...) as \xNN, \uNNNN or \UNNNNNNNN.
			sb.WriteString(EscapeRune(r))
		default:
			sb.WriteRune(r)
		}
	}
	if isBytes {
		for i := 0; i < len(s); i++ {
			if s[i] >= 0x80 {
				fmt.Fprintf(&sb, `\x%02x`, s[i])
			} else {
				write(rune(s[i]))
			}
		}
	} else {
		for i, r := range s {
			if r == utf8.RuneError && !strings.HasPrefix(s[i:], "\uFFFD") {
				// Not UTF-8 (Starlark strings may hold any bytes).
				fmt.Fprintf(&sb, `\x%02x`, s[i])
				continue
			}
			write(r)
		}
	}
	sb.WriteByte(q)
	return sb.String()
}

// EscapeRune writes r as Python's repr escapes a non-printable character.
func EscapeRune(r rune) string {
	switch {
	case r < 0x100:
		return fmt.Sprintf(`\x%02x`, r)
	case r < 0x10000:
		return fmt.Sprintf(`\u%04x`, r)
	}
	return fmt.Sprintf(`\U%08x`, r)
}
