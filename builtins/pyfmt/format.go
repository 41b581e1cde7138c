package pyfmt

import (
	"math"
	"math/big"
	"strconv"
	"strings"
	"unicode/utf8"

	"go.starlark.net/starlark"

	"github.com/netstar/netstar/builtins/pyerr"
)

// Python's string formatting, which Starlark keeps small: its % and
// str.format take no width, precision, alignment or padding. The dialect
// routes s.format(...), and x % values where x is a string literal or a
// name that only holds strings, here (see RewriteMethods and ExecChunk),
// so that "%-5d|%6.2f" % (port, secs) and "{:<15}{:>8}".format(host, n)
// print what they print in Python, and containers inside show Python's
// repr (['a'], not ["a"]).

// Str returns Python's str(x): a string is itself, containers and bytes
// show their elements as Python's repr does (str([b"a"]) is "[b'a']"),
// and other values their own string form.
func Str(x starlark.Value) string {
	switch x := x.(type) {
	case starlark.String:
		return string(x)
	case starlark.Bytes, *starlark.List, starlark.Tuple, *starlark.Dict, *starlark.Set, starlark.Float:
		return Repr(x)
	}
	if r, ok := rangeRepr(x); ok {
		return r
	}
	return x.String()
}

// asciiRepr is Python's ascii(x): repr with non-ASCII characters escaped.
func asciiRepr(x starlark.Value) string {
	r := Repr(x)
	var sb strings.Builder
	for _, c := range r {
		if c < 0x80 {
			sb.WriteRune(c)
		} else {
			sb.WriteString(EscapeRune(c))
		}
	}
	return sb.String()
}

// Percent formats values into format as Python's format % values does.
func Percent(format string, values starlark.Value) (string, error) {
	var args starlark.Tuple
	mapping, isMapping := values.(starlark.Mapping)
	if t, ok := values.(starlark.Tuple); ok {
		args = t
	} else {
		args = starlark.Tuple{values}
	}
	var sb strings.Builder
	next := 0
	usedMapping := false
	for i := 0; i < len(format); {
		c := format[i]
		if c != '%' {
			j := strings.IndexByte(format[i:], '%')
			if j < 0 {
				j = len(format) - i
			}
			sb.WriteString(format[i : i+j])
			i += j
			continue
		}
		start := i
		i++
		if i >= len(format) {
			return "", pyerr.New("ValueError", "incomplete format")
		}
		var arg starlark.Value
		haveArg := false
		if format[i] == '(' {
			if !isMapping {
				return "", pyerr.New("TypeError", "format requires a mapping")
			}
			depth, j := 1, i+1
			for ; j < len(format) && depth > 0; j++ {
				switch format[j] {
				case '(':
					depth++
				case ')':
					depth--
				}
			}
			if depth > 0 {
				return "", pyerr.New("ValueError", "incomplete format key")
			}
			key := format[i+1 : j-1]
			v, found, err := mapping.Get(starlark.String(key))
			if err != nil {
				return "", err
			}
			if !found {
				return "", pyerr.Errorf("KeyError", "%s", Repr(starlark.String(key)))
			}
			arg, haveArg, usedMapping = v, true, true
			i = j
		}
		var spec fmtSpec
		spec.precision = -1
	flags:
		for ; i < len(format); i++ {
			switch format[i] {
			case '-':
				spec.align = '<'
			case '+':
				spec.sign = '+'
			case ' ':
				if spec.sign != '+' {
					spec.sign = ' '
				}
			case '#':
				spec.alt = true
			case '0':
				spec.zero = true
			default:
				break flags
			}
		}
		takeStar := func() (int, error) {
			if next >= len(args) {
				return 0, pyerr.New("TypeError", "not enough arguments for format string")
			}
			v := args[next]
			next++
			n, err := starlark.AsInt32(v)
			if err != nil {
				return 0, pyerr.New("TypeError", "* wants int")
			}
			return n, nil
		}
		if i < len(format) && format[i] == '*' {
			n, err := takeStar()
			if err != nil {
				return "", err
			}
			if n < 0 {
				spec.align, n = '<', -n
			}
			spec.width = n
			i++
		} else {
			var ok bool
			if spec.width, i, ok = number(format, i); !ok {
				return "", pyerr.New("ValueError", "width too big")
			}
		}
		if i < len(format) && format[i] == '.' {
			i++
			spec.precision = 0
			if i < len(format) && format[i] == '*' {
				n, err := takeStar()
				if err != nil {
					return "", err
				}
				spec.precision = max(n, 0)
				i++
			} else {
				var ok bool
				if spec.precision, i, ok = number(format, i); !ok {
					return "", pyerr.New("ValueError", "precision too big")
				}
			}
		}
		for i < len(format) && (format[i] == 'h' || format[i] == 'l' || format[i] == 'L') {
			i++
		}
		if i >= len(format) {
			return "", pyerr.New("ValueError", "incomplete format")
		}
		conv := format[i]
		i++
		if conv == '%' {
			sb.WriteByte('%')
			continue
		}
		if !haveArg {
			if next >= len(args) {
				return "", pyerr.New("TypeError", "not enough arguments for format string")
			}
			arg = args[next]
			next++
		}
		if spec.align == '<' {
			spec.zero = false
		}
		s, err := percentOne(conv, arg, &spec, start, format)
		if err != nil {
			return "", err
		}
		sb.WriteString(s)
	}
	if next < len(args) && !(usedMapping || isMapping && !isTuple(values)) {
		return "", pyerr.New("TypeError", "not all arguments converted during string formatting")
	}
	return sb.String(), nil
}

func isTuple(v starlark.Value) bool { _, ok := v.(starlark.Tuple); return ok }

// maxWidth bounds widths and precisions, so that a format cannot ask for
// gigabytes.
const maxWidth = 1 << 20

// number reads the decimal digits of s from i: their value and the index
// after them; ok is false past maxWidth.
func number(s string, i int) (n, next int, ok bool) {
	for ; i < len(s) && '0' <= s[i] && s[i] <= '9'; i++ {
		n = n*10 + int(s[i]-'0')
		if n > maxWidth {
			return n, i, false
		}
	}
	return n, i, true
}

// percentOne formats one % conversion.
func percentOne(conv byte, arg starlark.Value, spec *fmtSpec, at int, format string) (string, error) {
	switch conv {
	case 's', 'r', 'a':
		var s string
		switch conv {
		case 's':
			s = Str(arg)
		case 'r':
			s = Repr(arg)
		default:
			s = asciiRepr(arg)
		}
		if spec.precision >= 0 && utf8.RuneCountInString(s) > spec.precision {
			s = string([]rune(s)[:spec.precision])
		}
		if spec.align == 0 {
			spec.align = '>'
		}
		spec.zero = false
		return pad(s, spec), nil
	case 'd', 'i', 'u':
		n, err := percentInt(conv, arg, true)
		if err != nil {
			return "", err
		}
		return formatInt(n, 'd', spec), nil
	case 'o', 'x', 'X':
		n, err := percentInt(conv, arg, false)
		if err != nil {
			return "", err
		}
		return formatInt(n, conv, spec), nil
	case 'e', 'E', 'f', 'F', 'g', 'G':
		f, ok := asFloat(arg)
		if !ok {
			return "", pyerr.Errorf("TypeError", "must be real number, not %s", pyTypeName(arg))
		}
		if spec.precision < 0 {
			spec.precision = 6
		}
		return formatFloat(f, conv, spec), nil
	case 'c':
		var s string
		switch x := arg.(type) {
		case starlark.String:
			if utf8.RuneCountInString(string(x)) != 1 {
				return "", pyerr.New("TypeError", "%c requires int or char")
			}
			s = string(x)
		default:
			n, ok := asBigInt(arg)
			if !ok {
				return "", pyerr.New("TypeError", "%c requires int or char")
			}
			if !n.IsInt64() || n.Int64() < 0 || n.Int64() >= 0x110000 {
				return "", pyerr.New("OverflowError", "%c arg not in range(0x110000)")
			}
			s = string(rune(n.Int64()))
		}
		if spec.align == 0 {
			spec.align = '>'
		}
		spec.zero = false
		return pad(s, spec), nil
	}
	return "", pyerr.Errorf("ValueError", "unsupported format character '%c' (0x%x) at index %d", conv, conv, at+strings.IndexByte(format[at+1:], conv)+1)
}

// percentInt converts a % argument to an integer: %d truncates a float,
// %x and %o want an integer.
func percentInt(conv byte, arg starlark.Value, allowFloat bool) (*big.Int, error) {
	if n, ok := asBigInt(arg); ok {
		return n, nil
	}
	if f, ok := arg.(starlark.Float); ok && allowFloat {
		return floatToInt(float64(f))
	}
	if allowFloat {
		return nil, pyerr.Errorf("TypeError", "%%%c format: a real number is required, not %s", conv, pyTypeName(arg))
	}
	return nil, pyerr.Errorf("TypeError", "%%%c format: an integer is required, not %s", conv, pyTypeName(arg))
}

func floatToInt(f float64) (*big.Int, error) {
	switch {
	case math.IsInf(f, 0):
		return nil, pyerr.New("OverflowError", "cannot convert float infinity to integer")
	case math.IsNaN(f):
		return nil, pyerr.New("ValueError", "cannot convert float NaN to integer")
	}
	n, _ := big.NewFloat(math.Trunc(f)).Int(nil)
	return n, nil
}

func asBigInt(v starlark.Value) (*big.Int, bool) {
	switch x := v.(type) {
	case starlark.Int:
		return x.BigInt(), true
	case starlark.Bool:
		if x {
			return big.NewInt(1), true
		}
		return big.NewInt(0), true
	}
	return nil, false
}

func asFloat(v starlark.Value) (float64, bool) {
	switch x := v.(type) {
	case starlark.Float:
		return float64(x), true
	case starlark.Int:
		f, _ := new(big.Float).SetInt(x.BigInt()).Float64()
		return f, true
	case starlark.Bool:
		if x {
			return 1, true
		}
		return 0, true
	}
	return 0, false
}

// pyTypeName is the Python name of v's type, for error messages.
func pyTypeName(v starlark.Value) string {
	switch v.(type) {
	case starlark.String:
		return "str"
	case *starlark.List:
		return "list"
	case *starlark.Dict:
		return "dict"
	case starlark.NoneType:
		return "NoneType"
	}
	return v.Type()
}

// fmtSpec is a parsed conversion: Python's format-spec mini-language
// [[fill]align][sign][z][#][0][width][grouping][.precision][type], which
// % conversions fill in from their flags.
type fmtSpec struct {
	fill      rune
	align     byte // '<', '>', '^', '=' or 0
	sign      byte // '+', '-', ' ' or 0
	alt       bool
	zero      bool
	width     int
	grouping  byte // ',', '_' or 0
	every     int  // digits per group: 3, or 4 in bases 2, 8 and 16
	precision int  // -1: none
	typ       byte // 0: none
}

// parseSpec parses a format spec of str.format.
func parseSpec(s string) (fmtSpec, error) {
	spec := fmtSpec{precision: -1}
	invalid := pyerr.New("ValueError", "Invalid format specifier")
	tooMany := pyerr.New("ValueError", "Too many decimal digits in format string")
	isAlign := func(c byte) bool { return c == '<' || c == '>' || c == '^' || c == '=' }
	i := 0
	if fill, n := utf8.DecodeRuneInString(s); n < len(s) && isAlign(s[n]) {
		spec.fill, spec.align = fill, s[n]
		i = n + 1
	} else if len(s) >= 1 && isAlign(s[0]) {
		spec.align = s[0]
		i = 1
	}
	if i < len(s) && (s[i] == '+' || s[i] == '-' || s[i] == ' ') {
		spec.sign = s[i]
		i++
	}
	if i < len(s) && s[i] == 'z' {
		i++
	}
	if i < len(s) && s[i] == '#' {
		spec.alt = true
		i++
	}
	if i < len(s) && s[i] == '0' {
		spec.zero = true
		i++
	}
	var ok bool
	if spec.width, i, ok = number(s, i); !ok {
		return spec, tooMany
	}
	if i < len(s) && (s[i] == ',' || s[i] == '_') {
		spec.grouping = s[i]
		i++
		if i < len(s) && (s[i] == ',' || s[i] == '_') {
			if s[i] != spec.grouping {
				return spec, pyerr.New("ValueError", "Cannot specify both ',' and '_'.")
			}
			return spec, pyerr.Errorf("ValueError", "Cannot specify '%c' with '%c'.", s[i], s[i])
		}
	}
	if i < len(s) && s[i] == '.' {
		i++
		if i >= len(s) || s[i] < '0' || s[i] > '9' {
			return spec, pyerr.New("ValueError", "Format specifier missing precision")
		}
		if spec.precision, i, ok = number(s, i); !ok {
			return spec, tooMany
		}
	}
	switch rest := s[i:]; {
	case len(rest) > 1:
		return spec, invalid
	case len(rest) == 1:
		if rest[0] >= 0x80 {
			return spec, invalid
		}
		spec.typ = rest[0]
	}
	if spec.zero && spec.align == 0 {
		spec.fill, spec.align = '0', '='
	}
	return spec, nil
}

// FormatValue returns Python's format(v, spec): the format-spec
// mini-language ([[fill]align][sign][#][0][width][grouping][.precision][type])
// for ints, floats and strings, and str(v) for other values with an empty
// spec (any other spec is Python's TypeError).
func FormatValue(v starlark.Value, spec string) (string, error) { return formatValue(v, spec) }

// formatValue is Python's format(v, spec) for the values Starlark has.
func formatValue(v starlark.Value, specText string) (string, error) {
	spec, err := parseSpec(specText)
	if err != nil {
		return "", err
	}
	unknown := func(kind string) error {
		if spec.typ >= 0x20 && spec.typ < 0x7f {
			return pyerr.Errorf("ValueError", "Unknown format code '%c' for object of type '%s'", spec.typ, kind)
		}
		return pyerr.Errorf("ValueError", "Unknown format code '\\x%x' for object of type '%s'", spec.typ, kind)
	}
	switch x := v.(type) {
	case starlark.String:
		if spec.typ != 0 && spec.typ != 's' {
			return "", unknown("str")
		}
		if spec.sign != 0 {
			return "", pyerr.New("ValueError", "Sign not allowed in string format specifier")
		}
		if spec.alt {
			return "", pyerr.New("ValueError", "Alternate form (#) not allowed in string format specifier")
		}
		if spec.grouping != 0 {
			return "", pyerr.Errorf("ValueError", "Cannot specify '%c' with 's'.", spec.grouping)
		}
		if spec.align == '=' {
			return "", pyerr.New("ValueError", "'=' alignment not allowed in string format specifier")
		}
		s := string(x)
		if spec.precision >= 0 && utf8.RuneCountInString(s) > spec.precision {
			s = string([]rune(s)[:spec.precision])
		}
		if spec.align == 0 {
			spec.align = '<'
		}
		return pad(s, &spec), nil
	case starlark.Int, starlark.Bool:
		if specText == "" {
			return Str(v), nil
		}
		n, _ := asBigInt(v)
		switch spec.typ {
		case 0, 'd', 'n', 'b', 'o', 'x', 'X', 'c':
			if spec.typ == 'c' {
				if spec.sign != 0 {
					return "", pyerr.New("ValueError", "Sign not allowed with integer format specifier 'c'")
				}
				if !n.IsInt64() || n.Int64() < 0 || n.Int64() >= 0x110000 {
					return "", pyerr.New("OverflowError", "%c arg not in range(0x110000)")
				}
				if spec.align == 0 {
					spec.align = '>'
				}
				return pad(string(rune(n.Int64())), &spec), nil
			}
			if spec.precision >= 0 {
				return "", pyerr.New("ValueError", "Precision not allowed in integer format specifier")
			}
			typ := spec.typ
			if typ == 0 || typ == 'n' {
				typ = 'd'
			}
			return formatInt(n, typ, &spec), nil
		case 'e', 'E', 'f', 'F', 'g', 'G', '%':
			f, _ := asFloat(v)
			return formatFloatSpec(f, &spec), nil
		}
		return "", unknown("int")
	case starlark.Float:
		if specText == "" {
			return Str(v), nil
		}
		switch spec.typ {
		case 0, 'e', 'E', 'f', 'F', 'g', 'G', 'n', '%':
			return formatFloatSpec(float64(x), &spec), nil
		}
		return "", unknown("float")
	}
	if specText != "" {
		return "", pyerr.Errorf("TypeError", "unsupported format string passed to %s.__format__", pyTypeName(v))
	}
	return Str(v), nil
}

// formatInt writes n in base typ ('d', 'b', 'o', 'x', 'X') under spec.
func formatInt(n *big.Int, typ byte, spec *fmtSpec) string {
	base := 10
	prefix := ""
	switch typ {
	case 'b':
		base, prefix = 2, "0b"
	case 'o':
		base, prefix = 8, "0o"
	case 'x':
		base, prefix = 16, "0x"
	case 'X':
		base, prefix = 16, "0X"
	}
	digits := new(big.Int).Abs(n).Text(base)
	if typ == 'X' {
		digits = strings.ToUpper(digits)
	}
	if spec.precision > 0 && len(digits) < spec.precision { // %.3d
		digits = strings.Repeat("0", spec.precision-len(digits)) + digits
	}
	if spec.grouping != 0 {
		every := 3
		if base != 10 {
			every = 4
		}
		digits = groupInt(digits, spec.grouping, every)
		spec.every = every
	}
	sign := signOf(n.Sign() < 0, spec.sign)
	if spec.alt {
		sign += prefix
	}
	return padNumber(sign, digits, spec)
}

func signOf(negative bool, flag byte) string {
	switch {
	case negative:
		return "-"
	case flag == '+':
		return "+"
	case flag == ' ':
		return " "
	}
	return ""
}

// group inserts sep every n digits from the right of the integer part
// of a float's digits.
func group(digits string, sep byte, n int) string {
	intPart, rest := digits, ""
	if i := strings.IndexAny(digits, ".eE%"); i >= 0 {
		intPart, rest = digits[:i], digits[i:]
	}
	return groupInt(intPart, sep, n) + rest
}

// groupInt inserts sep every n digits from the right.
func groupInt(intPart string, sep byte, n int) string {
	if len(intPart) <= n {
		return intPart
	}
	var sb strings.Builder
	first := len(intPart) % n
	if first > 0 {
		sb.WriteString(intPart[:first])
	}
	for i := first; i < len(intPart); i += n {
		if sb.Len() > 0 {
			sb.WriteByte(sep)
		}
		sb.WriteString(intPart[i : i+n])
	}
	return sb.String()
}

// formatFloat is a % float conversion (precision already set).
func formatFloat(f float64, conv byte, spec *fmtSpec) string {
	body, neg := floatBody(f, conv, spec.precision, spec.alt)
	return padNumber(signOf(neg, spec.sign), body, spec)
}

// formatFloatSpec is format(f, spec) for the float presentation types.
func formatFloatSpec(f float64, spec *fmtSpec) string {
	typ := spec.typ
	prec := spec.precision
	var body string
	var neg bool
	switch typ {
	case 0:
		if prec < 0 {
			// repr's digits, as str(f)
			neg = math.Signbit(f) && !math.IsNaN(f)
			body = strings.TrimPrefix(Repr(starlark.Float(f)), "-")
		} else {
			body, neg = floatBody(f, 'g', max(prec, 1), spec.alt)
			if !strings.ContainsAny(body, ".eni") { // at least one digit past the point
				body += ".0"
			} else if i := strings.IndexByte(body, 'e'); i >= 0 && !strings.Contains(body[:i], ".") && spec.alt {
				body = body[:i] + "." + body[i:]
			}
		}
	case '%':
		if prec < 0 {
			prec = 6
		}
		body, neg = floatBody(f*100, 'f', prec, spec.alt)
		body += "%"
	case 'n':
		if prec < 0 {
			prec = 6
		}
		body, neg = floatBody(f, 'g', prec, spec.alt)
	default:
		if prec < 0 {
			prec = 6
		}
		body, neg = floatBody(f, typ, prec, spec.alt)
	}
	if spec.grouping != 0 && !math.IsInf(f, 0) && !math.IsNaN(f) {
		body = group(body, spec.grouping, 3)
		spec.every = 3
	}
	return padNumber(signOf(neg, spec.sign), body, spec)
}

// floatBody writes |f| with a C conversion ('e', 'f', 'g' and capitals)
// at precision prec, as Python does; neg reports the sign.
func floatBody(f float64, conv byte, prec int, alt bool) (body string, neg bool) {
	neg = math.Signbit(f) && !math.IsNaN(f)
	f = math.Abs(f)
	upper := conv == 'E' || conv == 'F' || conv == 'G'
	switch {
	case math.IsInf(f, 0):
		body = "inf"
	case math.IsNaN(f):
		body = "nan"
	default:
		switch conv {
		case 'e', 'E':
			body = strconv.FormatFloat(f, 'e', prec, 64)
			if alt && prec == 0 {
				i := strings.IndexByte(body, 'e')
				body = body[:i] + "." + body[i:]
			}
		case 'f', 'F':
			body = strconv.FormatFloat(f, 'f', prec, 64)
			if alt && prec == 0 {
				body += "."
			}
		default: // 'g', 'G'
			if prec == 0 {
				prec = 1
			}
			exp := 0
			if f != 0 {
				// The exponent after rounding to prec significant digits.
				e := strconv.FormatFloat(f, 'e', prec-1, 64)
				exp, _ = strconv.Atoi(e[strings.IndexByte(e, 'e')+1:])
			}
			if exp < -4 || exp >= prec {
				body = strconv.FormatFloat(f, 'e', prec-1, 64)
				if !alt {
					mant, ex, _ := strings.Cut(body, "e")
					if strings.Contains(mant, ".") {
						mant = strings.TrimRight(strings.TrimRight(mant, "0"), ".")
					}
					body = mant + "e" + ex
				} else if !strings.Contains(body, ".") {
					i := strings.IndexByte(body, 'e')
					body = body[:i] + "." + body[i:]
				}
			} else {
				body = strconv.FormatFloat(f, 'f', max(prec-1-exp, 0), 64)
				if !alt {
					if strings.Contains(body, ".") {
						body = strings.TrimRight(strings.TrimRight(body, "0"), ".")
					}
				} else if !strings.Contains(body, ".") {
					body += "."
				}
			}
		}
	}
	if upper {
		body = strings.ToUpper(body)
	}
	return body, neg
}

// padNumber pads sign+digits to spec's width: '=' puts the fill between
// the sign and the digits (zero padding), the default aligns right.
func padNumber(sign, digits string, spec *fmtSpec) string {
	if spec.align == 0 {
		spec.align = '>'
		if spec.zero {
			spec.align, spec.fill = '=', '0'
		}
	}
	if spec.align == '=' {
		fill := spec.fill
		if fill == 0 {
			fill = ' '
		}
		if n := spec.width - utf8.RuneCountInString(sign) - utf8.RuneCountInString(digits); n > 0 {
			if fill == '0' && spec.grouping != 0 {
				return sign + zeroGroup(digits, n, spec.grouping, spec.every)
			}
			return sign + strings.Repeat(string(fill), n) + digits
		}
		return sign + digits
	}
	return pad(sign+digits, spec)
}

// zeroGroup pads digits with n zeros, keeping the grouping separators
// regular, as Python does for format(1234, "0=12,").
func zeroGroup(digits string, n int, sep byte, every int) string {
	plain := strings.ReplaceAll(digits, string(sep), "")
	intPart, rest := plain, ""
	if i := strings.IndexAny(plain, ".eE%"); i >= 0 && every == 3 { // hex digits hold an e
		intPart, rest = plain[:i], plain[i:]
	}
	target := len(digits) + n
	for {
		g := groupInt(intPart, sep, every) + rest
		if len(g) >= target {
			return g
		}
		intPart = "0" + intPart
	}
}

// pad aligns s in spec's width with its fill.
func pad(s string, spec *fmtSpec) string {
	n := spec.width - utf8.RuneCountInString(s)
	if n <= 0 {
		return s
	}
	fill := spec.fill
	if fill == 0 {
		fill = ' '
	}
	f := string(fill)
	switch spec.align {
	case '<':
		return s + strings.Repeat(f, n)
	case '^':
		return strings.Repeat(f, n/2) + s + strings.Repeat(f, n-n/2)
	}
	return strings.Repeat(f, n) + s
}

// Format formats args and kwargs into format as Python's str.format
// does: auto-numbered, numbered and named fields, .attr and [key]
// lookups, !r/!s/!a conversions, and format specs, nested ones too.
func Format(format string, args starlark.Tuple, kwargs []starlark.Tuple) (string, error) {
	f := &formatter{args: args, kwargs: kwargs}
	return f.format(format, 2)
}

type formatter struct {
	args   starlark.Tuple
	kwargs []starlark.Tuple
	auto   int // next automatic field number; -1 once numbered by hand
	manual bool
}

func (f *formatter) format(s string, depth int) (string, error) {
	if depth < 0 {
		return "", pyerr.New("ValueError", "Max string recursion exceeded")
	}
	var sb strings.Builder
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '{' && i+1 < len(s) && s[i+1] == '{':
			sb.WriteByte('{')
			i += 2
		case c == '}' && i+1 < len(s) && s[i+1] == '}':
			sb.WriteByte('}')
			i += 2
		case c == '}':
			return "", pyerr.New("ValueError", "Single '}' encountered in format string")
		case c == '{':
			// Find the matching '}', allowing one level of nested fields
			// in the spec.
			depthB, j := 1, i+1
			for ; j < len(s); j++ {
				if s[j] == '{' {
					depthB++
				} else if s[j] == '}' {
					depthB--
					if depthB == 0 {
						break
					}
				}
			}
			if j >= len(s) {
				switch {
				case i+1 == len(s):
					return "", pyerr.New("ValueError", "Single '{' encountered in format string")
				case strings.ContainsAny(s[i+1:], ":"):
					return "", pyerr.New("ValueError", "unmatched '{' in format spec")
				}
				return "", pyerr.New("ValueError", "expected '}' before end of string")
			}
			out, err := f.field(s[i+1:j], depth)
			if err != nil {
				return "", err
			}
			sb.WriteString(out)
			i = j + 1
		default:
			j := strings.IndexAny(s[i:], "{}")
			if j < 0 {
				j = len(s) - i
			}
			sb.WriteString(s[i : i+j])
			i += j
		}
	}
	return sb.String(), nil
}

// field formats one replacement field (the text between the braces).
func (f *formatter) field(text string, depth int) (string, error) {
	name, spec := text, ""
	conv := byte(0)
	// The field name ends at the first '!' or ':' outside brackets.
	inBracket := false
	for k := 0; k < len(text); k++ {
		switch text[k] {
		case '[':
			inBracket = true
		case ']':
			inBracket = false
		case '!', ':':
			if inBracket {
				continue
			}
			name = text[:k]
			rest := text[k:]
			if rest[0] == '!' {
				if len(rest) < 2 {
					return "", pyerr.New("ValueError", "end of string while looking for conversion specifier")
				}
				conv = rest[1]
				rest = rest[2:]
				if rest != "" && rest[0] != ':' {
					return "", pyerr.New("ValueError", "expected ':' after conversion specifier")
				}
			}
			if rest != "" {
				spec = rest[1:]
			}
			k = len(text)
		}
	}
	v, err := f.lookup(name)
	if err != nil {
		return "", err
	}
	switch conv {
	case 0:
	case 'r':
		v = starlark.String(Repr(v))
	case 's':
		v = starlark.String(Str(v))
	case 'a':
		v = starlark.String(asciiRepr(v))
	default:
		return "", pyerr.Errorf("ValueError", "Unknown conversion specifier %c", conv)
	}
	if strings.ContainsAny(spec, "{}") {
		if spec, err = f.format(spec, depth-1); err != nil {
			return "", err
		}
	}
	return formatValue(v, spec)
}

// lookup finds the value a field name names: an argument (by position,
// automatic number or keyword), then .attr and [key] steps.
func (f *formatter) lookup(name string) (starlark.Value, error) {
	first := name
	if k := strings.IndexAny(name, ".["); k >= 0 {
		first = name[:k]
	}
	rest := name[len(first):]
	var v starlark.Value
	switch {
	case first == "":
		if f.manual {
			return nil, pyerr.New("ValueError", "cannot switch from manual field specification to automatic field numbering")
		}
		if f.auto >= len(f.args) {
			return nil, pyerr.Errorf("IndexError", "Replacement index %d out of range for positional args tuple", f.auto)
		}
		v = f.args[f.auto]
		f.auto++
	case isDigitsOnly(first):
		if f.auto > 0 {
			return nil, pyerr.New("ValueError", "cannot switch from automatic field numbering to manual field specification")
		}
		f.manual = true
		n, err := strconv.Atoi(first)
		if err != nil || n >= len(f.args) {
			return nil, pyerr.Errorf("IndexError", "Replacement index %s out of range for positional args tuple", first)
		}
		v = f.args[n]
	default:
		found := false
		for _, kv := range f.kwargs {
			if string(kv[0].(starlark.String)) == first {
				v, found = kv[1], true
			}
		}
		if !found {
			return nil, pyerr.Errorf("KeyError", "%s", Repr(starlark.String(first)))
		}
	}
	for rest != "" {
		switch rest[0] {
		case '.':
			k := strings.IndexAny(rest[1:], ".[")
			if k < 0 {
				k = len(rest) - 1
			}
			attr := rest[1 : 1+k]
			rest = rest[1+k:]
			if attr == "" {
				return nil, pyerr.New("ValueError", "Empty attribute in format string")
			}
			ha, ok := v.(starlark.HasAttrs)
			var av starlark.Value
			var err error
			if ok {
				av, err = ha.Attr(attr)
			}
			if !ok || err != nil || av == nil {
				return nil, pyerr.Errorf("AttributeError", "'%s' object has no attribute '%s'", pyTypeName(v), attr)
			}
			v = av
		case '[':
			k := strings.IndexByte(rest, ']')
			if k < 0 {
				return nil, pyerr.New("ValueError", "Missing ']' in format string")
			}
			key := rest[1:k]
			rest = rest[k+1:]
			if rest != "" && rest[0] != '.' && rest[0] != '[' {
				return nil, pyerr.New("ValueError", "Only '.' or '[' may follow ']' in format field specifier")
			}
			var kv starlark.Value = starlark.String(key)
			if isDigitsOnly(key) {
				n, _ := strconv.Atoi(key)
				kv = starlark.MakeInt(n)
			}
			item, err := getItem(v, kv)
			if err != nil {
				return nil, err
			}
			v = item
		default:
			return nil, pyerr.New("ValueError", "Only '.' or '[' may follow ']' in format field specifier")
		}
	}
	return v, nil
}

func isDigitsOnly(s string) bool { return s != "" && strings.Trim(s, "0123456789") == "" }

// getItem is v[key] with Python's errors.
func getItem(v, key starlark.Value) (starlark.Value, error) {
	switch x := v.(type) {
	case starlark.Mapping:
		item, found, err := x.Get(key)
		if err != nil {
			return nil, err
		}
		if !found {
			return nil, pyerr.Errorf("KeyError", "%s", Repr(key))
		}
		return item, nil
	case starlark.Indexable:
		n, ok := key.(starlark.Int)
		if !ok {
			return nil, pyerr.Errorf("TypeError", "%s indices must be integers or slices, not str", pyTypeName(v))
		}
		i, _ := n.Int64()
		if i >= int64(x.Len()) {
			return nil, pyerr.Errorf("IndexError", "%s index out of range", pyTypeName(v))
		}
		return x.Index(int(i)), nil
	}
	return nil, pyerr.Errorf("TypeError", "'%s' object is not subscriptable", pyTypeName(v))
}
