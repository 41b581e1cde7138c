package builtins

import (
	"math"
	"math/big"
	"strconv"
	"strings"
	"unicode"

	"go.starlark.net/starlark"

	"github.com/netstar/netstar/builtins/pybytes"
	"github.com/netstar/netstar/builtins/pyerr"
	"github.com/netstar/netstar/builtins/pyfmt"
)

// int and float replace Starlark's to read strings as Python does:
// surrounding whitespace is ignored (int(" 8004\n") is 8004), bytes are
// accepted, underscores may separate digits, and failures are Python's
// ValueError texts. Numbers convert as in Starlark.
func init() {
	register("int", intBuiltin, `int(x=0, base=10)
Returns x as an int: int("8004"), int(" 42\n"), int("ff", 16),
int("0x1F", 16), int("0b101", 0), int(3.9) is 3. A string that is not a
number is ValueError, as in Python.`)
	register("float", floatBuiltin, `float(x=0.0)
Returns x as a float: float(" 1.5 "), float("1e3"), float("inf"),
float(2). A string that is not a number is ValueError, as in Python.`)
}

// maxStrDigits is Python's default limit on decimal digits in int(str)
// (sys.get_int_max_str_digits()); it also keeps int() linear.
const maxStrDigits = 4300

func intBuiltin(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var x starlark.Value = starlark.MakeInt(0)
	var baseV starlark.Value
	if err := starlark.UnpackArgs(b.Name(), args, kwargs, "x?", &x, "base?", &baseV); err != nil {
		return nil, err
	}
	text, isText := x.(starlark.String)
	raw, isBytes := pybytes.AsBytes(x)
	if isBytes {
		text, isText = starlark.String(raw), true
	}
	if !isText {
		if baseV != nil {
			return nil, pyerr.New("TypeError", "int() can't convert non-string with explicit base")
		}
		switch v := x.(type) {
		case starlark.Int:
			return v, nil
		case starlark.Bool:
			return boolToInt(v), nil
		case starlark.Float:
			f := float64(v)
			switch {
			case math.IsInf(f, 0):
				return nil, pyerr.New("OverflowError", "cannot convert float infinity to integer")
			case math.IsNaN(f):
				return nil, pyerr.New("ValueError", "cannot convert float NaN to integer")
			}
			return starlark.NumberToInt(v)
		}
		return nil, pyerr.Errorf("TypeError", "int() argument must be a string, a bytes-like object or a real number, not '%s'", typeName(x))
	}
	base := 10
	if baseV != nil {
		n, err := indexInt(baseV)
		if err != nil {
			return nil, err
		}
		if !n.IsInt64() || n.Int64() != 0 && (n.Int64() < 2 || n.Int64() > 36) {
			return nil, pyerr.New("ValueError", "int() base must be >= 2 and <= 36, or 0")
		}
		base = int(n.Int64())
	}
	n, err := ParseInt(string(text), base)
	if err != nil {
		lit := pyfmt.Repr(x)
		if isBytes {
			lit = pyfmt.Repr(starlark.Bytes(raw))
		}
		if err == errTooManyDigits {
			return nil, pyerr.Errorf("ValueError", "Exceeds the limit (%d digits) for integer string conversion: value has %d digits; use sys.set_int_max_str_digits() to increase the limit", maxStrDigits, digitCount(string(text)))
		}
		return nil, pyerr.Errorf("ValueError", "invalid literal for int() with base %d: %s", base, lit)
	}
	return starlark.MakeBigInt(n), nil
}

type parseError string

func (e parseError) Error() string { return string(e) }

const (
	errSyntax        = parseError("invalid literal")
	errTooManyDigits = parseError("too many digits")
)

func digitCount(s string) int {
	n := 0
	for _, r := range s {
		if r >= '0' && r <= '9' {
			n++
		}
	}
	return n
}

// ParseInt reads s as Python's int(s, base) does: surrounding
// whitespace, a sign, for base 0 (or the matching base) a 0x/0o/0b
// prefix, and single underscores between digits.
func ParseInt(s string, base int) (*big.Int, error) {
	s = strings.TrimFunc(s, unicode.IsSpace)
	neg := false
	if s != "" && (s[0] == '+' || s[0] == '-') {
		neg = s[0] == '-'
		s = s[1:]
	}
	prefixed := false
	if len(s) >= 2 && s[0] == '0' {
		p := map[byte]int{'x': 16, 'X': 16, 'o': 8, 'O': 8, 'b': 2, 'B': 2}[s[1]]
		if p != 0 && (base == 0 || base == p) {
			base, s, prefixed = p, s[2:], true
		}
	}
	if base == 0 {
		base = 10
		// Python 3 forbids a leading zero in base 0 ("010"), but not "0" or "00".
		if len(s) > 1 && s[0] == '0' && strings.Trim(s, "0_") != "" {
			return nil, errSyntax
		}
	}
	// Single underscores between digits (and after a prefix).
	if s == "" || s[len(s)-1] == '_' || (s[0] == '_' && !prefixed) || strings.Contains(s, "__") {
		return nil, errSyntax
	}
	digits := asciiDigits(strings.ReplaceAll(s, "_", ""))
	if digits == "" {
		return nil, errSyntax
	}
	if base&(base-1) != 0 && len(digits) > maxStrDigits {
		return nil, errTooManyDigits
	}
	n, ok := new(big.Int).SetString(digits, base)
	if !ok {
		return nil, errSyntax
	}
	if neg {
		n.Neg(n)
	}
	return n, nil
}

func floatBuiltin(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var x starlark.Value = starlark.Float(0)
	if err := starlark.UnpackPositionalArgs(b.Name(), args, kwargs, 0, &x); err != nil {
		return nil, err
	}
	text, isText := x.(starlark.String)
	raw, isBytes := pybytes.AsBytes(x)
	if isBytes {
		text, isText = starlark.String(raw), true
	}
	if !isText {
		switch v := x.(type) {
		case starlark.Float:
			return v, nil
		case starlark.Int, starlark.Bool:
			f, err := toFloat(v)
			if err != nil {
				return nil, err
			}
			return starlark.Float(f), nil
		}
		return nil, pyerr.Errorf("TypeError", "float() argument must be a string or a real number, not '%s'", typeName(x))
	}
	f, ok := ParseFloat(string(text))
	if !ok {
		lit := pyfmt.Repr(x)
		if isBytes {
			lit = pyfmt.Repr(starlark.Bytes(raw))
		}
		return nil, pyerr.Errorf("ValueError", "could not convert string to float: %s", lit)
	}
	return starlark.Float(f), nil
}

// ParseFloat reads s as Python's float(s) does: surrounding whitespace,
// a sign, decimal digits with single underscores between them, an
// exponent, or inf, infinity and nan in any case. Too large a value is
// infinity, as in Python.
func ParseFloat(s string) (float64, bool) {
	s = asciiDigits(strings.TrimFunc(s, unicode.IsSpace))
	body := strings.TrimLeft(s, "+-")
	if len(s)-len(body) > 1 {
		return 0, false
	}
	switch strings.ToLower(body) {
	case "inf", "infinity", "nan":
		f, err := strconv.ParseFloat(s, 64)
		return f, err == nil
	}
	// Digits, one '.', an exponent; underscores only between digits.
	seenDigit, seenDot, seenExp := false, false, false
	for i := 0; i < len(body); i++ {
		c := body[i]
		switch {
		case c >= '0' && c <= '9':
			seenDigit = true
		case c == '_':
			if i == 0 || i == len(body)-1 || !isDigitByte(body[i-1]) || !isDigitByte(body[i+1]) {
				return 0, false
			}
		case c == '.':
			if seenDot || seenExp {
				return 0, false
			}
			seenDot = true
		case c == 'e' || c == 'E':
			if seenExp || !seenDigit {
				return 0, false
			}
			seenExp = true
			if i+1 < len(body) && (body[i+1] == '+' || body[i+1] == '-') {
				i++
			}
			if i+1 >= len(body) {
				return 0, false
			}
		default:
			return 0, false
		}
	}
	if !seenDigit {
		return 0, false
	}
	f, err := strconv.ParseFloat(strings.ReplaceAll(s, "_", ""), 64)
	if err != nil {
		if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
			return f, true
		}
		return 0, false
	}
	return f, true
}

// asciiDigits replaces Unicode decimal digits (Arabic-Indic, fullwidth...)
// with ASCII ones, as Python's int() and float() accept them; other
// non-ASCII characters give "".
func asciiDigits(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			ascii = false
			break
		}
	}
	if ascii {
		return s
	}
	var sb strings.Builder
	for _, r := range s {
		switch {
		case r < 0x80:
			sb.WriteRune(r)
		case unicode.Is(unicode.Nd, r):
			// Decimal digits come in runs of ten from 0 to 9.
			k := 0
			for k < 60 && unicode.Is(unicode.Nd, r-rune(k)-1) {
				k++
			}
			sb.WriteByte(byte('0' + k%10))
		default:
			return ""
		}
	}
	return sb.String()
}

func isDigitByte(c byte) bool { return c >= '0' && c <= '9' }
