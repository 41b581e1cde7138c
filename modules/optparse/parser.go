package optparse

import (
	"fmt"
	"math"
	"math/big"
	"sort"
	"strconv"
	"strings"
	"unicode"

	"github.com/netstar/netstar/builtins/pyerr"
	"go.starlark.net/starlark"
)

// option is one option of a parser, as Python's optparse.Option after
// its constructor checks.
type option struct {
	short, long []string
	action      string
	typ         string // "" for actions that take no value
	dest        string // "" for help and version
	def         starlark.Value
	hasDefault  bool
	nargs       int
	constant    starlark.Value
	choices     []string
	help        string
	hasHelp     bool
	metavar     string
}

var (
	actions       = set("store", "store_const", "store_true", "store_false", "append", "append_const", "count", "help", "version")
	storeActions  = set("store", "store_const", "store_true", "store_false", "append", "append_const", "count")
	typedActions  = set("store", "append")
	constActions  = set("store_const", "append_const")
	optionTypes   = set("string", "int", "long", "float", "choice")
	optionKeyword = []string{"action", "type", "dest", "default", "nargs", "const", "choices", "callback", "callback_args", "callback_kwargs", "help", "metavar"}
)

func set(xs ...string) map[string]bool {
	m := map[string]bool{}
	for _, x := range xs {
		m[x] = true
	}
	return m
}

// String returns the option's strings joined by "/", as Python's
// str(option): "-H/--host".
func (o *option) String() string {
	return strings.Join(append(append([]string(nil), o.short...), o.long...), "/")
}

func (o *option) takesValue() bool { return o.typ != "" }

// optString is the option's name in messages: the first long option, or
// the first short one.
func (o *option) optString() string {
	if len(o.long) > 0 {
		return o.long[0]
	}
	return o.short[0]
}

// optionError is Python's optparse.OptionError, raised by add_option.
func optionError(o *option, format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	if id := o.String(); id != "" {
		msg = fmt.Sprintf("option %s: %s", id, msg)
	}
	return &pyerr.Error{Type: "OptionError", Module: "optparse", Strerror: msg}
}

// newOption builds and checks an option the way Python's Option
// constructor does. attrs holds the keyword arguments given.
func newOption(strs []string, attrs map[string]starlark.Value) (*option, error) {
	o := &option{}
	if len(strs) == 0 {
		return nil, pyerr.New("TypeError", "at least one option string must be supplied")
	}
	for _, s := range strs {
		r := []rune(s)
		switch {
		case len(r) < 2:
			return nil, optionError(o, "invalid option string %s: must be at least two characters long", pyRepr(s))
		case len(r) == 2:
			if r[0] != '-' || r[1] == '-' {
				return nil, optionError(o, "invalid short option string %s: must be of the form -x, (x any non-dash char)", pyRepr(s))
			}
			o.short = append(o.short, s)
		default:
			if !strings.HasPrefix(s, "--") || r[2] == '-' {
				return nil, optionError(o, "invalid long option string %s: must start with --, followed by non-dash", pyRepr(s))
			}
			o.long = append(o.long, s)
		}
	}
	var unknown []string
	for k := range attrs {
		if !contains(optionKeyword, k) {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return nil, optionError(o, "invalid keyword arguments: %s", strings.Join(unknown, ", "))
	}
	for _, k := range []string{"callback", "callback_args", "callback_kwargs"} {
		if v, ok := attrs[k]; ok && v != starlark.None {
			return nil, optionError(o, "%s is not supported by netstar's optparse: use action='store' and check the value after parse_args()", k)
		}
	}
	str := func(name string) (string, bool, error) {
		v, ok := attrs[name]
		if !ok || v == starlark.None {
			return "", false, nil
		}
		s, isStr := v.(starlark.String)
		if !isStr {
			return "", false, optionError(o, "%s must be a string, not %s", name, v.Type())
		}
		return string(s), true, nil
	}
	var err error
	var has bool
	if o.action, has, err = str("action"); err != nil {
		return nil, err
	} else if !has {
		o.action = "store"
	} else if !actions[o.action] {
		if o.action == "callback" {
			return nil, optionError(o, "action 'callback' is not supported by netstar's optparse")
		}
		return nil, optionError(o, "invalid action: %s", pyRepr(o.action))
	}

	// type: a name, or the int/float/str builtins.
	if v, ok := attrs["type"]; ok && v != starlark.None {
		switch t := v.(type) {
		case starlark.String:
			o.typ = string(t)
		case *starlark.Builtin:
			o.typ = t.Name()
		default:
			return nil, optionError(o, "invalid option type: %s", v.String())
		}
		if o.typ == "str" {
			o.typ = "string"
		}
		if o.typ == "complex" {
			return nil, optionError(o, "option type 'complex' is not supported by netstar")
		}
		if !optionTypes[o.typ] {
			return nil, optionError(o, "invalid option type: %s", pyRepr(o.typ))
		}
		if !typedActions[o.action] {
			return nil, optionError(o, "must not supply a type for action %s", pyRepr(o.action))
		}
	}
	choices, hasChoices := attrs["choices"]
	if hasChoices && choices == starlark.None {
		hasChoices = false
	}
	if o.typ == "" && typedActions[o.action] {
		if hasChoices {
			o.typ = "choice"
		} else {
			o.typ = "string"
		}
	}
	if o.typ == "choice" {
		if !hasChoices {
			return nil, optionError(o, "must supply a list of choices for type 'choice'")
		}
		seq, ok := choices.(starlark.Indexable)
		if _, isStr := choices.(starlark.String); isStr || !ok {
			return nil, optionError(o, "choices must be a list of strings ('%s' supplied)", choices.Type())
		}
		for i := 0; i < seq.Len(); i++ {
			s, ok := seq.Index(i).(starlark.String)
			if !ok {
				return nil, optionError(o, "choices must be a list of strings (%s found)", seq.Index(i).Type())
			}
			o.choices = append(o.choices, string(s))
		}
	} else if hasChoices {
		return nil, optionError(o, "must not supply choices for type %s", pyRepr(o.typ))
	}

	if o.dest, has, err = str("dest"); err != nil {
		return nil, err
	}
	if !has && (storeActions[o.action] || o.typ != "") {
		if len(o.long) > 0 {
			o.dest = strings.ReplaceAll(o.long[0][2:], "-", "_")
		} else {
			o.dest = o.short[0][1:]
		}
	}
	if c, ok := attrs["const"]; ok && c != starlark.None {
		if !constActions[o.action] {
			return nil, optionError(o, "'const' must not be supplied for action %s", pyRepr(o.action))
		}
		o.constant = c
	}
	if o.constant == nil {
		o.constant = starlark.None
	}
	if n, ok := attrs["nargs"]; ok && n != starlark.None {
		if !typedActions[o.action] {
			return nil, optionError(o, "'nargs' must not be supplied for action %s", pyRepr(o.action))
		}
		i, err := starlark.AsInt32(n)
		if err != nil || i < 1 {
			return nil, optionError(o, "nargs must be a positive int, not %s", n.String())
		}
		o.nargs = i
	} else if typedActions[o.action] {
		o.nargs = 1
	}
	if d, ok := attrs["default"]; ok {
		o.def, o.hasDefault = d, true
	}
	if o.help, o.hasHelp, err = str("help"); err != nil {
		return nil, err
	}
	if o.metavar, _, err = str("metavar"); err != nil {
		return nil, err
	}
	return o, nil
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if x == y {
			return true
		}
	}
	return false
}

// usageError is a command-line mistake: parse_args reports it through
// error(), which prints the usage and exits with status 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

// exitRequest is -h/--help or --version: print and exit with status 0.
type exitRequest struct{ action string }

func (e *exitRequest) Error() string { return e.action }

// values is the result of parse_args, in the order the parser's
// defaults were declared.
type values struct {
	keys   []string
	m      map[string]starlark.Value
	frozen bool
}

func newValues() *values { return &values{m: map[string]starlark.Value{}} }

func (v *values) get(k string) (starlark.Value, bool) {
	x, ok := v.m[k]
	return x, ok
}

func (v *values) set(k string, x starlark.Value) {
	if _, ok := v.m[k]; !ok {
		v.keys = append(v.keys, k)
	}
	v.m[k] = x
}

// parse processes args as Python's OptionParser._process_args does,
// storing into vals. It returns the positional arguments left.
func (p *parser) parse(args []string, vals *values) ([]string, error) {
	rargs := append([]string(nil), args...)
	var largs []string
	for len(rargs) > 0 {
		arg := rargs[0]
		switch {
		case arg == "--":
			return append(largs, rargs[1:]...), nil
		case strings.HasPrefix(arg, "--"):
			var err error
			if rargs, err = p.processLong(rargs, vals); err != nil {
				return nil, err
			}
		case strings.HasPrefix(arg, "-") && len(arg) > 1:
			var err error
			if rargs, err = p.processShort(rargs, vals); err != nil {
				return nil, err
			}
		case p.interspersed:
			largs = append(largs, arg)
			rargs = rargs[1:]
		default:
			return append(largs, rargs...), nil
		}
	}
	return largs, nil
}

func (p *parser) matchLong(opt string) (string, error) {
	if _, ok := p.longOpt[opt]; ok {
		return opt, nil
	}
	var possible []string
	for word := range p.longOpt {
		if strings.HasPrefix(word, opt) {
			possible = append(possible, word)
		}
	}
	switch len(possible) {
	case 1:
		return possible[0], nil
	case 0:
		return "", &usageError{"no such option: " + opt}
	}
	sort.Strings(possible)
	return "", &usageError{fmt.Sprintf("ambiguous option: %s (%s?)", opt, strings.Join(possible, ", "))}
}

func requires(opt string, n int) error {
	if n == 1 {
		return &usageError{fmt.Sprintf("%s option requires 1 argument", opt)}
	}
	return &usageError{fmt.Sprintf("%s option requires %d arguments", opt, n)}
}

func (p *parser) processLong(rargs []string, vals *values) ([]string, error) {
	arg := rargs[0]
	rargs = rargs[1:]
	opt, explicit := arg, false
	if i := strings.IndexByte(arg, '='); i >= 0 {
		opt = arg[:i]
		rargs = append([]string{arg[i+1:]}, rargs...)
		explicit = true
	}
	opt, err := p.matchLong(opt)
	if err != nil {
		return nil, err
	}
	o := p.longOpt[opt]
	var value []string
	if o.takesValue() {
		if len(rargs) < o.nargs {
			return nil, requires(opt, o.nargs)
		}
		value, rargs = rargs[:o.nargs], rargs[o.nargs:]
	} else if explicit {
		return nil, &usageError{opt + " option does not take a value"}
	}
	return rargs, p.process(o, opt, value, vals)
}

func (p *parser) processShort(rargs []string, vals *values) ([]string, error) {
	arg := []rune(rargs[0])
	rargs = rargs[1:]
	for i := 1; i < len(arg); i++ {
		opt := "-" + string(arg[i])
		o, ok := p.shortOpt[opt]
		if !ok {
			return nil, &usageError{"no such option: " + opt}
		}
		var value []string
		stop := false
		if o.takesValue() {
			if i+1 < len(arg) {
				rargs = append([]string{string(arg[i+1:])}, rargs...)
				stop = true
			}
			if len(rargs) < o.nargs {
				return nil, requires(opt, o.nargs)
			}
			value, rargs = rargs[:o.nargs], rargs[o.nargs:]
		}
		if err := p.process(o, opt, value, vals); err != nil {
			return nil, err
		}
		if stop {
			break
		}
	}
	return rargs, nil
}

// process converts an option's value and takes its action.
func (p *parser) process(o *option, opt string, raw []string, vals *values) error {
	var value starlark.Value = starlark.None
	if raw != nil {
		conv := make(starlark.Tuple, len(raw))
		for i, s := range raw {
			v, err := o.check(opt, s)
			if err != nil {
				return err
			}
			conv[i] = v
		}
		if o.nargs == 1 {
			value = conv[0]
		} else {
			value = conv
		}
	}
	switch o.action {
	case "store":
		vals.set(o.dest, value)
	case "store_const":
		vals.set(o.dest, o.constant)
	case "store_true":
		vals.set(o.dest, starlark.True)
	case "store_false":
		vals.set(o.dest, starlark.False)
	case "append", "append_const":
		if o.action == "append_const" {
			value = o.constant
		}
		cur, _ := vals.get(o.dest)
		list, ok := cur.(*starlark.List)
		if !ok {
			list = starlark.NewList(nil)
			vals.set(o.dest, list)
		}
		if err := list.Append(value); err != nil {
			return err
		}
	case "count":
		cur, _ := vals.get(o.dest)
		n, ok := cur.(starlark.Int)
		if !ok {
			n = starlark.MakeInt(0)
		}
		vals.set(o.dest, n.Add(starlark.MakeInt(1)))
	case "help", "version":
		return &exitRequest{o.action}
	}
	return nil
}

func listElems(l *starlark.List) []starlark.Value {
	out := make([]starlark.Value, l.Len())
	for i := range out {
		out[i] = l.Index(i)
	}
	return out
}

// check converts a command-line value to the option's type, with
// Python's error messages.
func (o *option) check(opt, s string) (starlark.Value, error) {
	switch o.typ {
	case "int", "long":
		n, ok := parseInt(s)
		if !ok {
			return nil, &usageError{fmt.Sprintf("option %s: invalid integer value: %s", opt, pyRepr(s))}
		}
		return n, nil
	case "float":
		f, ok := parseFloat(s)
		if !ok {
			return nil, &usageError{fmt.Sprintf("option %s: invalid floating-point value: %s", opt, pyRepr(s))}
		}
		return f, nil
	case "choice":
		if !contains(o.choices, s) {
			quoted := make([]string, len(o.choices))
			for i, c := range o.choices {
				quoted[i] = pyRepr(c)
			}
			return nil, &usageError{fmt.Sprintf("option %s: invalid choice: %s (choose from %s)", opt, pyRepr(s), strings.Join(quoted, ", "))}
		}
	}
	return starlark.String(s), nil
}

// parseInt parses as optparse's _parse_int: "0x" is hexadecimal, "0b"
// binary, a leading "0" octal, anything else decimal, each then read by
// Python's int(s, radix) (surrounding whitespace, a sign and underscores
// between digits allowed).
func parseInt(val string) (starlark.Int, bool) {
	radix := 10
	switch {
	case len(val) >= 2 && strings.EqualFold(val[:2], "0x"):
		radix = 16
	case len(val) >= 2 && strings.EqualFold(val[:2], "0b"):
		radix = 2
		val = val[2:]
		if val == "" {
			val = "0"
		}
	case strings.HasPrefix(val, "0"):
		radix = 8
	}
	s := strings.TrimFunc(val, unicode.IsSpace)
	neg := false
	if s != "" && (s[0] == '+' || s[0] == '-') {
		neg = s[0] == '-'
		s = s[1:]
	}
	prefixed := false
	if len(s) >= 2 && s[0] == '0' {
		p := unicode.ToLower(rune(s[1]))
		if (radix == 16 && p == 'x') || (radix == 8 && p == 'o') || (radix == 2 && p == 'b') {
			s, prefixed = s[2:], true
		}
	}
	if prefixed && strings.HasPrefix(s, "_") {
		s = s[1:]
	}
	if s == "" || strings.HasPrefix(s, "_") || strings.HasSuffix(s, "_") || strings.Contains(s, "__") {
		return starlark.Int{}, false
	}
	s = strings.ReplaceAll(s, "_", "")
	for _, r := range s {
		d := digitValue(r)
		if d < 0 || d >= radix {
			return starlark.Int{}, false
		}
	}
	n, ok := new(big.Int).SetString(s, radix)
	if !ok {
		return starlark.Int{}, false
	}
	if neg {
		n.Neg(n)
	}
	return starlark.MakeBigInt(n), true
}

func digitValue(r rune) int {
	switch {
	case '0' <= r && r <= '9':
		return int(r - '0')
	case 'a' <= r && r <= 'z':
		return int(r-'a') + 10
	case 'A' <= r && r <= 'Z':
		return int(r-'A') + 10
	}
	return -1
}

// parseFloat parses as Python's float(s): decimal notation, inf and nan,
// surrounding whitespace, underscores between digits.
func parseFloat(val string) (starlark.Float, bool) {
	s := strings.TrimFunc(val, unicode.IsSpace)
	body := strings.TrimLeft(s, "+-")
	if len(s)-len(body) > 1 || body == "" {
		return 0, false
	}
	switch strings.ToLower(body) {
	case "inf", "infinity", "nan":
	default:
		for i, r := range body {
			switch {
			case r >= '0' && r <= '9', r == '.', r == 'e', r == 'E':
			case (r == '+' || r == '-') && i > 0 && (body[i-1] == 'e' || body[i-1] == 'E'):
			case r == '_' && i > 0 && i+1 < len(body) && isDigit(body[i-1]) && isDigit(body[i+1]):
			default:
				return 0, false
			}
		}
		s = strings.ReplaceAll(s, "_", "")
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		if ne, ok := err.(*strconv.NumError); !ok || ne.Err != strconv.ErrRange || !math.IsInf(f, 0) && f != 0 {
			return 0, false
		}
	}
	return starlark.Float(f), true
}

func isDigit(b byte) bool { return '0' <= b && b <= '9' }
