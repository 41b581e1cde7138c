// Package optparse registers a small version of Python's optparse
// module: OptionParser with add_option, parse_args, the usage and help
// texts and error handling, byte for byte as Python prints them, so the
// course's command-line scripts translate line for line.
package optparse

import (
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/netstar/netstar/builtins/pyfmt"

	"github.com/netstar/netstar/builtins/pyerr"
	"github.com/netstar/netstar/modules"
	"github.com/netstar/netstar/repl/interp"
	"go.starlark.net/starlark"
	"go.starlark.net/starlarkstruct"
)

// Module is the optparse module.
//
//	def OptionParser(usage=None, option_list=None, option_class=None, version=None,
//	                 conflict_handler="error", description=None, formatter=None,
//	                 add_help_option=True, prog=None, epilog=None)
//	SUPPRESS_HELP
//	SUPPRESS_USAGE
//
// A parser has add_option(*opts, action=, type=, dest=, default=, nargs=,
// const=, choices=, help=, metavar=), parse_args(args=None, values=None)
// -> (options, args), print_help(), print_usage(), print_version(),
// format_help(), get_usage(), get_version(), get_prog_name(), error(msg),
// exit(status=0, msg=None), set_usage(), set_default(), set_defaults(),
// has_option(), get_option(), remove_option(), get_default_values(),
// enable_interspersed_args(), disable_interspersed_args(), and the
// attributes usage (the raw usage string, as Python keeps it), prog,
// version, description, epilog, defaults, option_list and
// allow_interspersed_args.
//
// Actions: store, store_const, store_true, store_false, append,
// append_const, count, help, version. Types: string, int (also "long"),
// float, choice. parse_args reads sys.argv[1:] of the program by default.
// Option values not given on the command line are None unless a default
// says otherwise. -h/--help prints the help and exits with status 0; a
// bad command line prints the usage and "prog: error: msg" to stderr and
// exits with status 2, as Python does. Not supported: callback actions,
// option groups, custom formatters and option classes, complex numbers.
var Module = &starlarkstruct.Module{
	Name: "optparse",
	Members: starlark.StringDict{
		"OptionParser":   starlark.NewBuiltin("optparse.OptionParser", newParser),
		"SUPPRESS_HELP":  starlark.String(suppressHelp),
		"SUPPRESS_USAGE": starlark.String(suppressUsage),
	},
}

const (
	suppressHelp  = "SUPPRESSHELP"
	suppressUsage = "SUPPRESSUSAGE"
)

// parser is an OptionParser.
type parser struct {
	usage        *string // nil: no usage line
	prog         *string // nil: the script's name
	version      string
	description  string
	epilog       string
	options      []*option
	shortOpt     map[string]*option
	longOpt      map[string]*option
	defaults     *values
	interspersed bool
	frozen       bool
}

var (
	_ starlark.HasAttrs    = (*parser)(nil)
	_ starlark.HasSetField = (*parser)(nil)
)

func newParser(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var usage, optionList, optionClass, version, description, formatter, prog, epilog starlark.Value = starlark.None, starlark.None, starlark.None, starlark.None, starlark.None, starlark.None, starlark.None, starlark.None
	conflict := "error"
	addHelp := true
	if err := starlark.UnpackArgs(b.Name(), args, kwargs,
		"usage?", &usage, "option_list?", &optionList, "option_class?", &optionClass, "version?", &version,
		"conflict_handler?", &conflict, "description?", &description, "formatter?", &formatter,
		"add_help_option?", &addHelp, "prog?", &prog, "epilog?", &epilog); err != nil {
		return nil, err
	}
	for name, v := range map[string]starlark.Value{"option_list": optionList, "option_class": optionClass, "formatter": formatter} {
		if v != starlark.None {
			return nil, fmt.Errorf("%s: %s is not supported by netstar's optparse (use add_option)", b.Name(), name)
		}
	}
	if conflict != "error" {
		return nil, pyerr.Errorf("ValueError", "%s: conflict_handler %s is not supported (only 'error')", b.Name(), pyRepr(conflict))
	}
	p := &parser{shortOpt: map[string]*option{}, longOpt: map[string]*option{}, defaults: newValues(), interspersed: true}
	if err := p.setUsage(b.Name(), usage); err != nil {
		return nil, err
	}
	var err error
	if p.prog, err = optString(b.Name(), "prog", prog); err != nil {
		return nil, err
	}
	for _, f := range []struct {
		name string
		v    starlark.Value
		dst  *string
	}{{"version", version, &p.version}, {"description", description, &p.description}, {"epilog", epilog, &p.epilog}} {
		s, err := optString(b.Name(), f.name, f.v)
		if err != nil {
			return nil, err
		}
		if s != nil {
			*f.dst = *s
		}
	}
	if p.version != "" {
		p.mustAdd([]string{"--version"}, map[string]starlark.Value{"action": starlark.String("version"), "help": starlark.String("show program's version number and exit")})
	}
	if addHelp {
		p.mustAdd([]string{"-h", "--help"}, map[string]starlark.Value{"action": starlark.String("help"), "help": starlark.String("show this help message and exit")})
	}
	return p, nil
}

// optString unpacks an optional string argument (None: nil).
func optString(fn, name string, v starlark.Value) (*string, error) {
	switch s := v.(type) {
	case starlark.NoneType:
		return nil, nil
	case starlark.String:
		str := string(s)
		return &str, nil
	}
	return nil, pyerr.Errorf("TypeError", "%s: for parameter %s: got %s, want string or None", fn, name, v.Type())
}

// setUsage is OptionParser.set_usage: None is "%prog [options]",
// SUPPRESS_USAGE removes the usage line, and a leading "usage: " is
// dropped.
func (p *parser) setUsage(fn string, v starlark.Value) error {
	s, err := optString(fn, "usage", v)
	if err != nil {
		return err
	}
	switch {
	case s == nil:
		def := "%prog [options]"
		p.usage = &def
	case *s == suppressUsage:
		p.usage = nil
	case strings.HasPrefix(strings.ToLower(*s), "usage: "):
		rest := (*s)[7:]
		p.usage = &rest
	default:
		p.usage = s
	}
	return nil
}

func (p *parser) mustAdd(strs []string, attrs map[string]starlark.Value) {
	o, err := newOption(strs, attrs)
	if err != nil {
		panic(err)
	}
	if err := p.add(o); err != nil {
		panic(err)
	}
}

// add registers an option, as OptionContainer.add_option does.
func (p *parser) add(o *option) error {
	var conflicts []string
	for _, s := range o.short {
		if _, ok := p.shortOpt[s]; ok {
			conflicts = append(conflicts, s)
		}
	}
	for _, s := range o.long {
		if _, ok := p.longOpt[s]; ok {
			conflicts = append(conflicts, s)
		}
	}
	if len(conflicts) > 0 {
		e := optionError(o, "conflicting option string(s): %s", strings.Join(conflicts, ", "))
		e.(*pyerr.Error).Type = "OptionConflictError"
		return e
	}
	p.options = append(p.options, o)
	for _, s := range o.short {
		p.shortOpt[s] = o
	}
	for _, s := range o.long {
		p.longOpt[s] = o
	}
	if o.dest != "" {
		if o.hasDefault {
			p.defaults.set(o.dest, o.def)
		} else if _, ok := p.defaults.get(o.dest); !ok {
			p.defaults.set(o.dest, starlark.None)
		}
	}
	return nil
}

func (p *parser) String() string {
	return fmt.Sprintf("<optparse.OptionParser usage=%s>", pyRepr(deref(p.usage)))
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// Type returns "OptionParser".
func (p *parser) Type() string { return "OptionParser" }

// Freeze marks the parser read-only (add_option then fails); parsing
// still works.
func (p *parser) Freeze() {
	if p.frozen {
		return
	}
	p.frozen = true
	for _, o := range p.options {
		for _, v := range []starlark.Value{o.def, o.constant} {
			if v != nil {
				v.Freeze()
			}
		}
	}
	p.defaults.Freeze()
}

// Truth returns True.
func (p *parser) Truth() starlark.Bool { return true }

// Hash fails: a parser is mutable.
func (p *parser) Hash() (uint32, error) { return 0, fmt.Errorf("unhashable type: OptionParser") }

var parserFields = []string{"allow_interspersed_args", "defaults", "description", "epilog", "option_list", "prog", "usage", "version"}

// AttrNames lists the parser's methods and attributes.
func (p *parser) AttrNames() []string {
	names := append([]string(nil), parserFields...)
	for k := range parserMethods {
		names = append(names, k)
	}
	sort.Strings(names)
	return names
}

func noneOr(s *string) starlark.Value {
	if s == nil {
		return starlark.None
	}
	return starlark.String(*s)
}

func emptyNone(s string) starlark.Value {
	if s == "" {
		return starlark.None
	}
	return starlark.String(s)
}

// Attr returns a method or attribute.
func (p *parser) Attr(name string) (starlark.Value, error) {
	switch name {
	case "usage":
		return noneOr(p.usage), nil
	case "prog":
		return noneOr(p.prog), nil
	case "version":
		return emptyNone(p.version), nil
	case "description":
		return emptyNone(p.description), nil
	case "epilog":
		return emptyNone(p.epilog), nil
	case "allow_interspersed_args":
		return starlark.Bool(p.interspersed), nil
	case "defaults":
		d := starlark.NewDict(len(p.defaults.keys))
		for _, k := range p.defaults.keys {
			d.SetKey(starlark.String(k), p.defaults.m[k])
		}
		return d, nil
	case "option_list":
		vs := make([]starlark.Value, len(p.options))
		for i, o := range p.options {
			vs[i] = &optionValue{o}
		}
		return starlark.NewList(vs), nil
	}
	m, ok := parserMethods[name]
	if !ok {
		return nil, nil
	}
	return starlark.NewBuiltin("OptionParser."+name, func(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
		return m(p, thread, b, args, kwargs)
	}), nil
}

// SetField sets usage, prog, version, description, epilog or
// allow_interspersed_args.
func (p *parser) SetField(name string, v starlark.Value) error {
	if p.frozen {
		return fmt.Errorf("cannot set .%s of frozen OptionParser", name)
	}
	fn := "OptionParser." + name
	switch name {
	case "usage":
		s, err := optString(fn, "usage", v)
		p.usage = s // set directly, like Python's attribute (no "%prog [options]" default)
		return err
	case "prog":
		s, err := optString(fn, "prog", v)
		if err == nil {
			p.prog = s
		}
		return err
	case "version", "description", "epilog":
		s, err := optString(fn, name, v)
		if err != nil {
			return err
		}
		dst := map[string]*string{"version": &p.version, "description": &p.description, "epilog": &p.epilog}[name]
		*dst = deref(s)
		return nil
	case "allow_interspersed_args":
		p.interspersed = bool(v.Truth())
		return nil
	}
	if contains(parserFields, name) {
		return fmt.Errorf("OptionParser.%s is read-only", name)
	}
	return starlark.NoSuchAttrError(fmt.Sprintf("OptionParser has no .%s field", name))
}

type parserMethod func(*parser, *starlark.Thread, *starlark.Builtin, starlark.Tuple, []starlark.Tuple) (starlark.Value, error)

var parserMethods map[string]parserMethod

func init() {
	parserMethods = map[string]parserMethod{
		"add_option":         (*parser).addOption,
		"parse_args":         (*parser).parseArgs,
		"print_help":         (*parser).printHelp,
		"print_usage":        (*parser).printUsage,
		"print_version":      (*parser).printVersion,
		"format_help":        (*parser).formatHelpMethod,
		"get_usage":          (*parser).getUsageMethod,
		"get_version":        (*parser).getVersion,
		"get_prog_name":      (*parser).getProgName,
		"error":              (*parser).errorMethod,
		"exit":               (*parser).exitMethod,
		"set_usage":          (*parser).setUsageMethod,
		"set_default":        (*parser).setDefault,
		"set_defaults":       (*parser).setDefaults,
		"has_option":         (*parser).hasOption,
		"get_option":         (*parser).getOption,
		"remove_option":      (*parser).removeOption,
		"get_default_values": (*parser).getDefaultValuesMethod,
		"enable_interspersed_args": func(p *parser, t *starlark.Thread, b *starlark.Builtin, a starlark.Tuple, k []starlark.Tuple) (starlark.Value, error) {
			return p.setInterspersed(b, a, k, true)
		},
		"disable_interspersed_args": func(p *parser, t *starlark.Thread, b *starlark.Builtin, a starlark.Tuple, k []starlark.Tuple) (starlark.Value, error) {
			return p.setInterspersed(b, a, k, false)
		},
	}
}

func (p *parser) addOption(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	if p.frozen {
		return nil, fmt.Errorf("%s: cannot add an option to a frozen OptionParser", b.Name())
	}
	if len(args) == 1 && len(kwargs) == 0 {
		if ov, ok := args[0].(*optionValue); ok {
			if err := p.add(ov.o); err != nil {
				return nil, err
			}
			return ov, nil
		}
	}
	var strs []string
	for i, a := range args {
		switch s := a.(type) {
		case starlark.String:
			if s != "" {
				strs = append(strs, string(s))
			}
		case starlark.NoneType:
		default:
			return nil, pyerr.Errorf("TypeError", "%s: option string %d: got %s, want string such as '-H' or '--host'", b.Name(), i+1, a.Type())
		}
	}
	attrs := map[string]starlark.Value{}
	for _, kv := range kwargs {
		attrs[string(kv[0].(starlark.String))] = kv[1]
	}
	o, err := newOption(strs, attrs)
	if err != nil {
		return nil, err
	}
	if err := p.add(o); err != nil {
		return nil, err
	}
	return &optionValue{o}, nil
}

// argv returns the program's sys.argv.
func argv(thread *starlark.Thread) []string {
	if s := interp.SessionOf(thread); s != nil {
		return s.Argv()
	}
	return nil
}

func argv0(thread *starlark.Thread) string {
	if a := argv(thread); len(a) > 0 {
		return a[0]
	}
	return ""
}

// progName is OptionParser.get_prog_name.
func (p *parser) progName(argv0 string) string {
	if p.prog != nil {
		return *p.prog
	}
	return argv0[strings.LastIndexByte(argv0, '/')+1:]
}

func (p *parser) expandProg(s, argv0 string) string {
	return strings.ReplaceAll(s, "%prog", p.progName(argv0))
}

func stdout(thread *starlark.Thread) io.Writer {
	if s := interp.SessionOf(thread); s != nil {
		return s.Stdout()
	}
	return os.Stdout
}

func stderr(thread *starlark.Thread) io.Writer {
	if s := interp.SessionOf(thread); s != nil {
		return s.Stderr()
	}
	return os.Stderr
}

// write writes text to file: None is the program's stdout, anything else
// must have a write method (sys.stdout, sys.stderr).
func write(thread *starlark.Thread, fn string, file starlark.Value, text string) error {
	if file == starlark.None {
		_, err := io.WriteString(stdout(thread), text)
		return err
	}
	ha, ok := file.(starlark.HasAttrs)
	var w starlark.Value
	if ok {
		w, _ = ha.Attr("write")
	}
	if w == nil {
		return pyerr.Errorf("TypeError", "%s: for parameter file: got %s, want sys.stdout, sys.stderr or None", fn, file.Type())
	}
	_, err := starlark.Call(thread, w, starlark.Tuple{starlark.String(text)}, nil)
	return err
}

// defaultValues is OptionParser.get_default_values: the defaults, with
// string defaults converted by the option's type.
func (p *parser) defaultValues() (*values, error) {
	vals := newValues()
	for _, k := range p.defaults.keys {
		v := p.defaults.m[k]
		if l, ok := v.(*starlark.List); ok {
			// Python's append action would grow the default list itself
			// (and a frozen one cannot grow): each parse gets a copy.
			v = starlark.NewList(listElems(l))
		}
		vals.set(k, v)
	}
	for _, o := range p.options {
		if o.dest == "" {
			continue
		}
		if s, ok := vals.m[o.dest].(starlark.String); ok && o.typ != "" {
			v, err := o.check(o.optString(), string(s))
			if err != nil {
				return nil, &pyerr.Error{Type: "OptionValueError", Module: "optparse", Strerror: err.Error()}
			}
			vals.set(o.dest, v)
		}
	}
	return vals, nil
}

func (p *parser) parseArgs(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var argsV, valuesV starlark.Value = starlark.None, starlark.None
	if err := starlark.UnpackArgs(b.Name(), args, kwargs, "args?", &argsV, "values?", &valuesV); err != nil {
		return nil, err
	}
	var cmdline []string
	if argsV == starlark.None {
		if a := argv(thread); len(a) > 1 {
			cmdline = a[1:]
		}
	} else {
		seq, ok := argsV.(starlark.Indexable)
		if _, isStr := argsV.(starlark.String); isStr || !ok {
			return nil, pyerr.Errorf("TypeError", "%s: for parameter args: got %s, want list of strings", b.Name(), argsV.Type())
		}
		for i := 0; i < seq.Len(); i++ {
			s, ok := seq.Index(i).(starlark.String)
			if !ok {
				return nil, pyerr.Errorf("TypeError", "%s: for parameter args: element %d is %s, want string", b.Name(), i, seq.Index(i).Type())
			}
			cmdline = append(cmdline, string(s))
		}
	}
	var vals *values
	switch v := valuesV.(type) {
	case starlark.NoneType:
		var err error
		if vals, err = p.defaultValues(); err != nil {
			return nil, err
		}
	case *valuesValue:
		if v.frozen {
			return nil, fmt.Errorf("%s: for parameter values: Values is frozen", b.Name())
		}
		vals = v.values
	default:
		return nil, pyerr.Errorf("TypeError", "%s: for parameter values: got %s, want Values or None", b.Name(), valuesV.Type())
	}
	rest, err := p.parse(cmdline, vals)
	if err != nil {
		return nil, p.fail(thread, err)
	}
	restV := make([]starlark.Value, len(rest))
	for i, s := range rest {
		restV[i] = starlark.String(s)
	}
	return starlark.Tuple{&valuesValue{vals}, starlark.NewList(restV)}, nil
}

// fail turns a parse failure into the program's exit, after printing
// what Python prints.
func (p *parser) fail(thread *starlark.Thread, err error) error {
	a0 := argv0(thread)
	switch e := err.(type) {
	case *usageError:
		return p.exitWithError(thread, e.msg)
	case *exitRequest:
		text := p.formatHelp(a0)
		if e.action == "version" {
			text = p.expandProg(p.version, a0) + "\n"
		}
		if _, err := io.WriteString(stdout(thread), text); err != nil {
			return err
		}
		return &interp.ExitError{Code: 0}
	}
	return err
}

// exitWithError is OptionParser.error: usage and message to stderr, exit
// status 2.
func (p *parser) exitWithError(thread *starlark.Thread, msg string) error {
	a0 := argv0(thread)
	text := ""
	if u := p.getUsage(a0); u != "" {
		text = u + "\n"
	}
	text += fmt.Sprintf("%s: error: %s\n", p.progName(a0), msg)
	if _, err := io.WriteString(stderr(thread), text); err != nil {
		return err
	}
	return &interp.ExitError{Code: 2}
}

func (p *parser) printHelp(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var file starlark.Value = starlark.None
	if err := starlark.UnpackArgs(b.Name(), args, kwargs, "file?", &file); err != nil {
		return nil, err
	}
	return starlark.None, write(thread, b.Name(), file, p.formatHelp(argv0(thread)))
}

func (p *parser) printUsage(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var file starlark.Value = starlark.None
	if err := starlark.UnpackArgs(b.Name(), args, kwargs, "file?", &file); err != nil {
		return nil, err
	}
	if u := p.getUsage(argv0(thread)); u != "" {
		return starlark.None, write(thread, b.Name(), file, u+"\n")
	}
	return starlark.None, nil
}

func (p *parser) printVersion(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var file starlark.Value = starlark.None
	if err := starlark.UnpackArgs(b.Name(), args, kwargs, "file?", &file); err != nil {
		return nil, err
	}
	if p.version != "" {
		return starlark.None, write(thread, b.Name(), file, p.expandProg(p.version, argv0(thread))+"\n")
	}
	return starlark.None, nil
}

func (p *parser) formatHelpMethod(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	if err := starlark.UnpackPositionalArgs(b.Name(), args, kwargs, 0); err != nil {
		return nil, err
	}
	return starlark.String(p.formatHelp(argv0(thread))), nil
}

func (p *parser) getUsageMethod(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	if err := starlark.UnpackPositionalArgs(b.Name(), args, kwargs, 0); err != nil {
		return nil, err
	}
	return starlark.String(p.getUsage(argv0(thread))), nil
}

func (p *parser) getVersion(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	if err := starlark.UnpackPositionalArgs(b.Name(), args, kwargs, 0); err != nil {
		return nil, err
	}
	if p.version == "" {
		return starlark.String(""), nil
	}
	return starlark.String(p.expandProg(p.version, argv0(thread))), nil
}

func (p *parser) getProgName(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	if err := starlark.UnpackPositionalArgs(b.Name(), args, kwargs, 0); err != nil {
		return nil, err
	}
	return starlark.String(p.progName(argv0(thread))), nil
}

func (p *parser) errorMethod(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var msg starlark.Value
	if err := starlark.UnpackPositionalArgs(b.Name(), args, kwargs, 1, &msg); err != nil {
		return nil, err
	}
	return nil, p.exitWithError(thread, pyStr(msg))
}

func (p *parser) exitMethod(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	status := 0
	var msg starlark.Value = starlark.None
	if err := starlark.UnpackArgs(b.Name(), args, kwargs, "status?", &status, "msg?", &msg); err != nil {
		return nil, err
	}
	if msg != starlark.None && msg.Truth() {
		if _, err := io.WriteString(stderr(thread), pyStr(msg)); err != nil {
			return nil, err
		}
	}
	return nil, &interp.ExitError{Code: status}
}

func (p *parser) setUsageMethod(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var usage starlark.Value
	if err := starlark.UnpackPositionalArgs(b.Name(), args, kwargs, 1, &usage); err != nil {
		return nil, err
	}
	if p.frozen {
		return nil, fmt.Errorf("%s: OptionParser is frozen", b.Name())
	}
	return starlark.None, p.setUsage(b.Name(), usage)
}

func (p *parser) setDefault(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var dest string
	var v starlark.Value
	if err := starlark.UnpackPositionalArgs(b.Name(), args, kwargs, 2, &dest, &v); err != nil {
		return nil, err
	}
	if p.defaults.frozen {
		return nil, fmt.Errorf("%s: OptionParser is frozen", b.Name())
	}
	p.defaults.set(dest, v)
	return starlark.None, nil
}

func (p *parser) setDefaults(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	if len(args) > 0 {
		return nil, fmt.Errorf("%s: takes keyword arguments only (dest=value)", b.Name())
	}
	if p.defaults.frozen {
		return nil, fmt.Errorf("%s: OptionParser is frozen", b.Name())
	}
	for _, kv := range kwargs {
		p.defaults.set(string(kv[0].(starlark.String)), kv[1])
	}
	return starlark.None, nil
}

func (p *parser) lookup(opt string) *option {
	if o, ok := p.shortOpt[opt]; ok {
		return o
	}
	return p.longOpt[opt]
}

func (p *parser) hasOption(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var opt string
	if err := starlark.UnpackPositionalArgs(b.Name(), args, kwargs, 1, &opt); err != nil {
		return nil, err
	}
	return starlark.Bool(p.lookup(opt) != nil), nil
}

func (p *parser) getOption(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var opt string
	if err := starlark.UnpackPositionalArgs(b.Name(), args, kwargs, 1, &opt); err != nil {
		return nil, err
	}
	if o := p.lookup(opt); o != nil {
		return &optionValue{o}, nil
	}
	return starlark.None, nil
}

func (p *parser) removeOption(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var opt string
	if err := starlark.UnpackPositionalArgs(b.Name(), args, kwargs, 1, &opt); err != nil {
		return nil, err
	}
	if p.frozen {
		return nil, fmt.Errorf("%s: OptionParser is frozen", b.Name())
	}
	o := p.lookup(opt)
	if o == nil {
		return nil, pyerr.Errorf("ValueError", "no such option %s", pyRepr(opt))
	}
	for _, s := range o.short {
		delete(p.shortOpt, s)
	}
	for _, s := range o.long {
		delete(p.longOpt, s)
	}
	for i, x := range p.options {
		if x == o {
			p.options = append(p.options[:i:i], p.options[i+1:]...)
			break
		}
	}
	return starlark.None, nil
}

func (p *parser) getDefaultValuesMethod(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	if err := starlark.UnpackPositionalArgs(b.Name(), args, kwargs, 0); err != nil {
		return nil, err
	}
	vals, err := p.defaultValues()
	if err != nil {
		return nil, err
	}
	return &valuesValue{vals}, nil
}

func (p *parser) setInterspersed(b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple, on bool) (starlark.Value, error) {
	if err := starlark.UnpackPositionalArgs(b.Name(), args, kwargs, 0); err != nil {
		return nil, err
	}
	p.interspersed = on
	return starlark.None, nil
}

// optionValue is an Option as add_option returns it (read-only).
type optionValue struct{ o *option }

var (
	_ starlark.HasAttrs = (*optionValue)(nil)
	_ pyfmt.PyReprer    = (*optionValue)(nil)
)

func (v *optionValue) String() string        { return v.o.String() }
func (v *optionValue) PyRepr() string        { return "<Option: " + v.o.String() + ">" }
func (v *optionValue) Type() string          { return "Option" }
func (v *optionValue) Freeze()               {}
func (v *optionValue) Truth() starlark.Bool  { return true }
func (v *optionValue) Hash() (uint32, error) { return 0, fmt.Errorf("unhashable type: Option") }
func (v *optionValue) AttrNames() []string   { return optionAttrs }
func (v *optionValue) Attr(name string) (starlark.Value, error) {
	o := v.o
	str := func(s string) starlark.Value { return emptyNone(s) }
	switch name {
	case "action":
		return starlark.String(o.action), nil
	case "type":
		return str(o.typ), nil
	case "dest":
		return str(o.dest), nil
	case "default":
		if !o.hasDefault {
			return starlark.Tuple{starlark.String("NO"), starlark.String("DEFAULT")}, nil
		}
		return o.def, nil
	case "nargs":
		if o.nargs == 0 {
			return starlark.None, nil
		}
		return starlark.MakeInt(o.nargs), nil
	case "const":
		return o.constant, nil
	case "choices":
		if o.choices == nil {
			return starlark.None, nil
		}
		vs := make([]starlark.Value, len(o.choices))
		for i, c := range o.choices {
			vs[i] = starlark.String(c)
		}
		return starlark.NewList(vs), nil
	case "help":
		if !o.hasHelp {
			return starlark.None, nil
		}
		return starlark.String(o.help), nil
	case "metavar":
		return str(o.metavar), nil
	case "_short_opts", "_long_opts":
		ss := o.short
		if name == "_long_opts" {
			ss = o.long
		}
		vs := make([]starlark.Value, len(ss))
		for i, s := range ss {
			vs[i] = starlark.String(s)
		}
		return starlark.NewList(vs), nil
	}
	return nil, nil
}

var optionAttrs = []string{"_long_opts", "_short_opts", "action", "choices", "const", "default", "dest", "help", "metavar", "nargs", "type"}

// valuesValue is optparse.Values: the options parse_args found, as
// attributes (options.host). Attributes can be set, as in Python.
type valuesValue struct{ *values }

var (
	_ starlark.HasAttrs    = (*valuesValue)(nil)
	_ starlark.HasSetField = (*valuesValue)(nil)
	_ pyfmt.PyReprer       = (*valuesValue)(nil)
)

// String is Python's str(options): the dict of values.
func (v *valuesValue) String() string {
	var sb strings.Builder
	sb.WriteByte('{')
	for i, k := range v.keys {
		if i > 0 {
			sb.WriteString(", ")
		}
		sb.WriteString(pyRepr(k) + ": " + pyfmt.Repr(v.m[k]))
	}
	sb.WriteByte('}')
	return sb.String()
}

func (v *valuesValue) PyRepr() string        { return "<Values at " + v.String() + ">" }
func (v *valuesValue) Type() string          { return "Values" }
func (v *valuesValue) Truth() starlark.Bool  { return true }
func (v *valuesValue) Hash() (uint32, error) { return 0, fmt.Errorf("unhashable type: Values") }

// AttrNames lists the option destinations.
func (v *valuesValue) AttrNames() []string {
	names := append([]string(nil), v.keys...)
	sort.Strings(names)
	return names
}

// Attr returns the value of an option destination.
func (v *valuesValue) Attr(name string) (starlark.Value, error) {
	if x, ok := v.m[name]; ok {
		return x, nil
	}
	return nil, nil
}

// SetField sets an option value.
func (v *valuesValue) SetField(name string, x starlark.Value) error {
	if v.frozen {
		return fmt.Errorf("cannot set .%s of frozen Values", name)
	}
	v.set(name, x)
	return nil
}

// Freeze makes the values and everything they hold read-only.
func (v *values) Freeze() {
	if v.frozen {
		return
	}
	v.frozen = true
	for _, x := range v.m {
		x.Freeze()
	}
}

func init() {
	modules.Register(modules.Module{
		Name:  "optparse",
		Doc:   "command-line options (Python's optparse: OptionParser, add_option, parse_args)",
		Value: Module,
		Docs: map[string]string{
			"optparse": `optparse: parse command-line options as Python's optparse does

parser = optparse.OptionParser('socket_portScan -H <Host> -P <Port>')
parser.add_option('-H', dest='host', type='string', help='specify host')
parser.add_option('-P', dest='port', type='string', help='specify port[s] separated by comma')
(options, args) = parser.parse_args()      # reads sys.argv[1:]
print(options.host, options.port, args)

-h/--help prints the help and exits; a bad option prints the usage and
"prog: error: ..." to stderr and exits with status 2, as in Python.`,
			"optparse.OptionParser":                  "OptionParser(usage=None, version=None, description=None, add_help_option=True, prog=None, epilog=None)\nA command-line parser. usage may contain %prog (the script's name); parser.usage is\nthe string as given. version adds --version; add_help_option adds -h/--help.",
			"OptionParser.add_option":                "add_option(*opts, action='store', type='string', dest=None, default=None, nargs=1, const=None, choices=None, help=None, metavar=None)\nAdds an option such as add_option('-H', '--host', dest='host', help='target host').\nactions: store, store_const, store_true, store_false, append, append_const, count.\ntypes: 'string', 'int', 'float', 'choice'. dest defaults to the long name (or the letter).",
			"OptionParser.parse_args":                "parse_args(args=None, values=None)\nParses args (default sys.argv[1:]) and returns (options, args): options has one\nattribute per dest (None when not given), args the remaining arguments.",
			"OptionParser.print_help":                "print_help(file=None)\nPrints the usage and the options with their help to stdout (or file).",
			"OptionParser.print_usage":               "print_usage(file=None)\nPrints \"Usage: ...\" to stdout (or file).",
			"OptionParser.print_version":             "print_version(file=None)\nPrints the version given to OptionParser.",
			"OptionParser.format_help":               "format_help()\nReturns the text print_help() prints.",
			"OptionParser.get_usage":                 "get_usage()\nReturns \"Usage: ...\\n\" with %prog expanded.",
			"OptionParser.get_version":               "get_version()\nReturns the version with %prog expanded.",
			"OptionParser.get_prog_name":             "get_prog_name()\nReturns prog, or the script's file name.",
			"OptionParser.error":                     "error(msg)\nPrints the usage and \"prog: error: msg\" to stderr and exits with status 2.",
			"OptionParser.exit":                      "exit(status=0, msg=None)\nPrints msg to stderr (if given) and exits with status.",
			"OptionParser.set_usage":                 "set_usage(usage)\nReplaces the usage string (None: \"%prog [options]\").",
			"OptionParser.set_default":               "set_default(dest, value)\nSets the default of one destination.",
			"OptionParser.set_defaults":              "set_defaults(**kwargs)\nSets defaults: set_defaults(port=80, verbose=False).",
			"OptionParser.has_option":                "has_option(opt)\nReports whether the parser has option opt ('-H' or '--host').",
			"OptionParser.get_option":                "get_option(opt)\nReturns the Option for opt, or None.",
			"OptionParser.remove_option":             "remove_option(opt)\nRemoves the option that has opt among its names.",
			"OptionParser.get_default_values":        "get_default_values()\nReturns the Values parse_args starts from.",
			"OptionParser.enable_interspersed_args":  "enable_interspersed_args()\nAllows options after positional arguments (the default).",
			"OptionParser.disable_interspersed_args": "disable_interspersed_args()\nStops option parsing at the first positional argument.",
		},
	})
}
