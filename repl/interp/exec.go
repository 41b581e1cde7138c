package interp

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"

	"github.com/netstar/netstar/builtins/codec"
	"github.com/netstar/netstar/builtins/i18n"
	"github.com/netstar/netstar/builtins/pybytes"
	"github.com/netstar/netstar/builtins/pyclass"
	"github.com/netstar/netstar/builtins/pyerr"
	"github.com/netstar/netstar/builtins/pyfmt"
	"github.com/netstar/netstar/modules"
	"go.starlark.net/starlark"
	"go.starlark.net/syntax"
)

// ExitError is returned when a program calls exit(n) or sys.exit(n).
type ExitError struct {
	Code int
	// Message is printed to stderr before exiting, as sys.exit("msg")
	// does; it is empty for a numeric exit.
	Message string
}

func (e *ExitError) Error() string {
	if e.Message != "" {
		return e.Message
	}
	return fmt.Sprintf("exit status %d", e.Code)
}

// ExitCode reports the exit status a program asked for through exit(),
// if err carries one.
func ExitCode(err error) (int, bool) {
	var e *ExitError
	if errors.As(err, &e) {
		return e.Code, true
	}
	return 0, false
}

// Predeclared returns the environment of a program: the registry's
// builtins and modules, the dialect's helpers, and __name__.
func (s *Session) Predeclared(name string) starlark.StringDict {
	s.envOnce.Do(func() {
		s.env = modules.Predeclared()
		for k, v := range s.env {
			if ps, ok := v.(modules.PerSession); ok {
				s.env[k] = ps.ForSession(s)
			}
		}
		for k, v := range s.extra {
			s.env[k] = v
		}
	})
	env := make(starlark.StringDict, len(s.env)+3)
	for k, v := range s.env {
		env[k] = v
	}
	env[importFunc] = importBuiltin
	env[methodFunc] = methodBuiltin
	env[opFunc] = opBuiltin
	env[indexFunc] = indexBuiltin
	env[iterFunc] = iterBuiltin
	env[raiseFunc] = raiseBuiltin
	for k, v := range pyclass.Builtins() {
		env[k] = v
	}
	env["__name__"] = starlark.String(name)
	return env
}

// ExecFile runs a program as the main module ("__main__") on thread and
// returns its globals. The caller must hold the interpreter lock.
//
// The globals are not frozen: threads the program started may still be
// running and mutating them, as in Python.
func (s *Session) ExecFile(thread *starlark.Thread, filename string, src []byte) (starlark.StringDict, error) {
	return s.exec(thread, filename, src, s.Predeclared("__main__"))
}

func (s *Session) exec(thread *starlark.Thread, filename string, src []byte, predeclared starlark.StringDict) (starlark.StringDict, error) {
	f, err := Parse(filename, src)
	if err != nil {
		return nil, err
	}
	prog, err := starlark.FileProgram(f, func(name string) bool {
		return predeclared.Has(name)
	})
	if err != nil {
		return nil, err
	}
	return prog.Init(thread, predeclared)
}

// ExecChunk runs one REPL input (already parsed by Parse) against
// globals, which it updates. Globals start as Predeclared("__main__").
// The caller must hold the interpreter lock.
//
// A name that an earlier input bound to a string formats with Python's
// % here too (FMT = "%5d" on one line, FMT % n on the next).
//
// The names a translation of Python invents (they start with Reserved)
// are removed from globals afterwards, even after an error, so the
// session's namespace (dir(), completion) stays the user's; the
// predeclared helpers that translated code calls (__ns_raise__...) stay.
func ExecChunk(thread *starlark.Thread, f *syntax.File, globals starlark.StringDict) error {
	wrapPercent(f, func(name string) bool {
		_, ok := globals[name].(starlark.String)
		return ok
	})
	err := starlark.ExecREPLChunk(f, thread, globals)
	keep := reservedHelpers()
	if s := SessionOf(thread); s != nil {
		keep = s.reservedHelpers()
	}
	for name := range globals {
		if strings.HasPrefix(name, Reserved) && !keep[name] && name != ReservedGlobals {
			delete(globals, name)
		}
	}
	return err
}

// ReservedGlobals is the one invented name that outlives its input: the
// dict where a translation keeps the module globals that functions
// rebind (Python's global statement), which later inputs and notebook
// cells read and write.
const ReservedGlobals = Reserved + "g"

// Reserved starts every name that repl/translate invents
// (translate.Reserved is the same string).
const Reserved = "__ns_"

// reservedHelpers are the predeclared names that start with Reserved,
// without a session's Extra.
var reservedHelpers = sync.OnceValue(func() map[string]bool {
	names := map[string]bool{raiseFunc: true}
	for name := range pyclass.Builtins() {
		names[name] = true
	}
	for name := range modules.Predeclared() {
		if strings.HasPrefix(name, Reserved) {
			names[name] = true
		}
	}
	return names
})

// reservedHelpers are the session's predeclared names that start with
// Reserved.
func (s *Session) reservedHelpers() map[string]bool {
	s.reservedOnce.Do(func() {
		s.reserved = map[string]bool{}
		for name := range s.Predeclared("__main__") {
			if strings.HasPrefix(name, Reserved) {
				s.reserved[name] = true
			}
		}
	})
	return s.reserved
}

// importBuiltin implements the import pre-pass: __import__("socket")
// returns the module, __import__("socket", "a", "b") returns the tuple of
// members a and b.
var importBuiltin *starlark.Builtin

func init() { importBuiltin = starlark.NewBuiltin(importFunc, importModule) }

func importModule(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	if len(args) == 0 || len(kwargs) > 0 {
		return nil, errors.New(i18n.T("import.wantName"))
	}
	name, ok := starlark.AsString(args[0])
	if !ok {
		return nil, errors.New(i18n.T("import.notString", args[0].Type()))
	}
	m, err := modules.Get(name)
	if err != nil {
		return nil, &pyerr.Error{Type: "ModuleNotFoundError", Strerror: err.Error()}
	}
	value := m.Value
	if s := SessionOf(thread); s != nil {
		value = s.Predeclared(name)[name]
	}
	if len(args) == 1 {
		return value, nil
	}
	ha, _ := value.(starlark.HasAttrs)
	out := make(starlark.Tuple, 0, len(args)-1)
	for _, a := range args[1:] {
		member, _ := starlark.AsString(a)
		var v starlark.Value
		if ha != nil {
			v, _ = ha.Attr(member)
		}
		if v == nil {
			return nil, &pyerr.Error{Type: "ImportError", Strerror: fmt.Sprintf("cannot import name '%s' from '%s'", member, name)}
		}
		out = append(out, v)
	}
	return out, nil
}

// methodBuiltin implements the Python method spellings Starlark lacks
// or keeps small: str.encode, bytes.decode, str.format (with format
// specs) and Python's bytes methods (pybytes). Any other receiver gets
// its own method.
var methodBuiltin = starlark.NewBuiltin(methodFunc, func(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	// The rewrite always passes (receiver, "name", ...), but __pymethod__
	// is a visible global a program may call by hand.
	if len(args) < 2 {
		return nil, fmt.Errorf("%s: want a receiver and a method name", b.Name())
	}
	name, ok := starlark.AsString(args[1])
	if !ok {
		return nil, fmt.Errorf("%s: for parameter name: got %s, want string", b.Name(), args[1].Type())
	}
	recv, rest := args[0], args[2:]
	switch x := recv.(type) {
	case starlark.String:
		if name == "format" {
			out, err := pyfmt.Format(string(x), rest, kwargs)
			if err != nil {
				return nil, err
			}
			return starlark.String(out), nil
		}
		if name == "encode" {
			var encoding, errs string = "utf-8", "strict"
			if err := starlark.UnpackArgs("str.encode", rest, kwargs, "encoding?", &encoding, "errors?", &errs); err != nil {
				return nil, err
			}
			return codec.EncodeErrors("str.encode", x, encoding, errs)
		}
	case starlark.Bytes:
		if name == "decode" {
			var encoding, errs string = "utf-8", "strict"
			if err := starlark.UnpackArgs("bytes.decode", rest, kwargs, "encoding?", &encoding, "errors?", &errs); err != nil {
				return nil, err
			}
			return codec.Decode("bytes.decode", x, encoding, errs)
		}
		if v, ok, err := pybytes.Call("bytes", []byte(x), name, rest, kwargs, pybytes.Wrap); ok {
			return v, err
		}
	}
	ha, ok := recv.(starlark.HasAttrs)
	if !ok {
		return nil, fmt.Errorf("%s has no .%s field or method", recv.Type(), name)
	}
	fn, err := ha.Attr(name)
	if err != nil {
		return nil, err
	}
	if fn == nil {
		return nil, starlark.NoSuchAttrError(fmt.Sprintf("%s has no .%s field or method", recv.Type(), name))
	}
	return starlark.Call(thread, fn, rest, kwargs)
})

// stdinReader returns an input() implementation reading lines from r and
// writing prompts to out.
func stdinReader(r io.Reader, out io.Writer) func(string) (string, error) {
	var once sync.Once
	var br *bufio.Reader
	var mu sync.Mutex
	return func(prompt string) (string, error) {
		once.Do(func() { br = bufio.NewReader(r) })
		mu.Lock()
		defer mu.Unlock()
		io.WriteString(out, prompt)
		line, err := br.ReadString('\n')
		if err != nil && (line == "" || err != io.EOF) {
			return "", err
		}
		return strings.TrimRight(line, "\r\n"), nil
	}
}

// loadCache memoizes loaded files and detects load cycles.
type loadCache struct {
	mu      sync.Mutex
	entries map[string]*loadEntry
}

type loadEntry struct {
	globals starlark.StringDict
	err     error
	loading bool
}

// load resolves load() statements: a registered module name loads that
// module's members (load("socket", "gethostbyname")); anything else is a
// .star file, looked up beside the loading file, then along the path.
func (s *Session) load(thread *starlark.Thread, module string) (starlark.StringDict, error) {
	if _, ok := modules.Lookup(module); ok {
		return moduleMembers(s.Predeclared(module)[module]), nil
	}
	path, err := s.resolveLoad(thread, module)
	if err != nil {
		return nil, err
	}
	s.loads.mu.Lock()
	if s.loads.entries == nil {
		s.loads.entries = map[string]*loadEntry{}
	}
	e := s.loads.entries[path]
	if e != nil {
		s.loads.mu.Unlock()
		if e.loading {
			return nil, errors.New(i18n.T("load.cycle", module))
		}
		return e.globals, e.err
	}
	e = &loadEntry{loading: true}
	s.loads.entries[path] = e
	s.loads.mu.Unlock()

	src, err := os.ReadFile(path)
	if err != nil {
		err = fileError(path, err)
	} else {
		child := s.NewThread("load " + module)
		name := strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
		child.SetMaxExecutionSteps(^uint64(0)) // the loader already holds the lock
		e.globals, err = s.exec(child, path, src, s.Predeclared(name))
		// A loaded module is shared by every file that loads it.
		e.globals.Freeze()
		if err != nil {
			// The loaded file's report, as text: its syntax error is
			// not the loading program's (no Python hint for it), and
			// its backtrace reads as its own.
			err = errors.New(FormatError(err))
		}
	}
	s.loads.mu.Lock()
	e.err, e.loading = err, false
	s.loads.mu.Unlock()
	return e.globals, e.err
}

func (s *Session) resolveLoad(thread *starlark.Thread, module string) (string, error) {
	if filepath.IsAbs(module) {
		return module, nil
	}
	var dirs []string
	if stack := thread.CallStack(); len(stack) > 0 {
		if fn := stack.At(0).Pos.Filename(); fn != "" && !strings.HasPrefix(fn, "<") {
			dirs = append(dirs, filepath.Dir(fn))
		}
	}
	if len(dirs) == 0 {
		dirs = append(dirs, ".")
	}
	dirs = append(dirs, s.path...)
	for _, d := range dirs {
		p := filepath.Join(d, module)
		st, err := os.Stat(p)
		if err == nil && !st.IsDir() {
			if abs, err := filepath.Abs(p); err == nil {
				return abs, nil
			}
			return p, nil
		}
		if err != nil && !errors.Is(err, fs.ErrNotExist) && !errors.Is(err, syscall.ENOTDIR) {
			// There, but out of reach (a directory without x permission):
			// say so rather than "not found".
			return "", fileError(p, err)
		}
	}
	// Starlark writes "cannot load MODULE: " before this.
	return "", errors.New(i18n.T("load.notFound", strings.Join(dirs, ", ")))
}

// fileError is the error of a file that load() found but cannot read:
// the file and the system's reason ("permission denied"), in the
// user's language.
func fileError(path string, err error) error {
	var errno syscall.Errno
	if errors.As(err, &errno) {
		for key, no := range errnoKeys {
			if no == errno {
				return fmt.Errorf("%s: %s", path, i18n.T(key))
			}
		}
		return fmt.Errorf("%s: %s", path, errno.Error())
	}
	return err
}

// errnoKeys are the catalogue's texts of system errors, by key.
var errnoKeys = map[string]syscall.Errno{
	"errno.EACCES":  syscall.EACCES,
	"errno.ENOENT":  syscall.ENOENT,
	"errno.EISDIR":  syscall.EISDIR,
	"errno.ENOTDIR": syscall.ENOTDIR,
}

func moduleMembers(v starlark.Value) starlark.StringDict {
	out := starlark.StringDict{}
	if ha, ok := v.(starlark.HasAttrs); ok {
		for _, name := range ha.AttrNames() {
			if x, err := ha.Attr(name); err == nil && x != nil {
				out[name] = x
			}
		}
	}
	return out
}

// Exit returns the error that ends a program as exit(code) or
// sys.exit(code) does: None is status 0, an int is that status, anything
// else is printed and gives status 1.
func Exit(fn string, code starlark.Value) error {
	switch c := code.(type) {
	case starlark.NoneType:
		return &ExitError{Code: 0}
	case starlark.Int:
		n, ok := c.Int64()
		if !ok || n < -(1<<31) || n >= 1<<31 {
			return fmt.Errorf("%s: exit code %s out of range", fn, c)
		}
		return &ExitError{Code: int(n)}
	case starlark.Bool:
		if c {
			return &ExitError{Code: 1}
		}
		return &ExitError{Code: 0}
	case starlark.String:
		return &ExitError{Code: 1, Message: string(c)}
	default:
		return &ExitError{Code: 1, Message: code.String()}
	}
}
