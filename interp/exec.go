package interp

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/netstar/netstar/modules"
	"github.com/netstar/netstar/pyerr"
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
	})
	env := make(starlark.StringDict, len(s.env)+3)
	for k, v := range s.env {
		env[k] = v
	}
	env[importFunc] = importBuiltin
	env[methodFunc] = methodBuiltin
	env["__name__"] = starlark.String(name)
	return env
}

// ExecFile runs a program as the main module ("__main__") on thread and
// returns its globals. The caller must hold the interpreter lock.
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
	g, err := prog.Init(thread, predeclared)
	g.Freeze()
	return g, err
}

// ExecChunk runs one REPL input (already parsed by Parse) against
// globals, which it updates. Globals start as Predeclared("__main__").
// The caller must hold the interpreter lock.
func ExecChunk(thread *starlark.Thread, f *syntax.File, globals starlark.StringDict) error {
	return starlark.ExecREPLChunk(f, thread, globals)
}

// importBuiltin implements the import pre-pass: __import__("socket")
// returns the module, __import__("socket", "a", "b") returns the tuple of
// members a and b.
var importBuiltin *starlark.Builtin

func init() { importBuiltin = starlark.NewBuiltin(importFunc, importModule) }

func importModule(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	if len(args) == 0 || len(kwargs) > 0 {
		return nil, fmt.Errorf("import: want a module name")
	}
	name, ok := starlark.AsString(args[0])
	if !ok {
		return nil, fmt.Errorf("import: module name must be a string")
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

// methodBuiltin implements the Python method spellings Starlark lacks:
// str.encode and bytes.decode. Any other receiver gets its own method.
var methodBuiltin = starlark.NewBuiltin(methodFunc, func(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	recv, name := args[0], string(args[1].(starlark.String))
	rest := args[2:]
	switch x := recv.(type) {
	case starlark.String:
		if name == "encode" {
			var encoding, errs string = "utf-8", "strict"
			if err := starlark.UnpackArgs("encode", rest, kwargs, "encoding?", &encoding, "errors?", &errs); err != nil {
				return nil, err
			}
			return Encode("str.encode", x, encoding)
		}
	case starlark.Bytes:
		if name == "decode" {
			var encoding, errs string = "utf-8", "strict"
			if err := starlark.UnpackArgs("decode", rest, kwargs, "encoding?", &encoding, "errors?", &errs); err != nil {
				return nil, err
			}
			return Decode("bytes.decode", x, encoding, errs)
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

// checkEncoding accepts the spellings of UTF-8 (and ASCII/Latin-1 for
// text that is ASCII) and rejects others with Python's LookupError.
func checkEncoding(fn, encoding string) error {
	switch strings.ReplaceAll(strings.ToLower(encoding), "_", "-") {
	case "utf-8", "utf8", "u8", "ascii", "us-ascii", "latin-1", "latin1", "iso-8859-1":
		return nil
	}
	return pyerr.Errorf("LookupError", "%s: unknown encoding: %s", fn, encoding)
}

// Encode converts a string to bytes as Python's str.encode does for
// UTF-8, ASCII and Latin-1.
func Encode(fn string, s starlark.String, encoding string) (starlark.Value, error) {
	if err := checkEncoding(fn, encoding); err != nil {
		return nil, err
	}
	switch strings.ReplaceAll(strings.ToLower(encoding), "_", "-") {
	case "utf-8", "utf8", "u8":
		return starlark.Bytes(s), nil
	}
	limit, codec := rune(0x7f), "ascii"
	if !strings.Contains(strings.ToLower(encoding), "ascii") {
		limit, codec = 0xff, "latin-1"
	}
	out := make([]byte, 0, len(s))
	for i, r := range string(s) {
		if r > limit {
			return nil, pyerr.Errorf("UnicodeEncodeError", "'%s' codec can't encode character '\\u%04x' in position %d: ordinal not in range(%d)", codec, r, i, limit+1)
		}
		out = append(out, byte(r))
	}
	return starlark.Bytes(out), nil
}

// Decode converts bytes to a string as Python's bytes.decode does for
// UTF-8, ASCII and Latin-1; errors is "strict", "replace" or "ignore".
func Decode(fn string, b starlark.Bytes, encoding, errs string) (starlark.Value, error) {
	if err := checkEncoding(fn, encoding); err != nil {
		return nil, err
	}
	enc := strings.ReplaceAll(strings.ToLower(encoding), "_", "-")
	if strings.Contains(enc, "ascii") {
		for i := 0; i < len(b); i++ {
			if b[i] > 0x7f && errs == "strict" {
				return nil, pyerr.Errorf("UnicodeDecodeError", "'ascii' codec can't decode byte 0x%02x in position %d: ordinal not in range(128)", b[i], i)
			}
		}
	}
	if enc == "latin-1" || enc == "latin1" || enc == "iso-8859-1" {
		var sb strings.Builder
		for i := 0; i < len(b); i++ {
			sb.WriteRune(rune(b[i]))
		}
		return starlark.String(sb.String()), nil
	}
	s := string(b)
	if utf8.ValidString(s) {
		return starlark.String(s), nil
	}
	switch errs {
	case "replace":
		return starlark.String(strings.ToValidUTF8(s, "\uFFFD")), nil
	case "ignore":
		return starlark.String(strings.ToValidUTF8(s, "")), nil
	}
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			return nil, pyerr.Errorf("UnicodeDecodeError", "'utf-8' codec can't decode byte 0x%02x in position %d: invalid start byte", s[i], i)
		}
		i += size
	}
	return starlark.String(s), nil
}

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
			return nil, fmt.Errorf("cycle in load graph at %s", module)
		}
		return e.globals, e.err
	}
	e = &loadEntry{loading: true}
	s.loads.entries[path] = e
	s.loads.mu.Unlock()

	src, err := os.ReadFile(path)
	if err == nil {
		child := s.NewThread("load " + module)
		name := strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
		child.SetMaxExecutionSteps(^uint64(0)) // the loader already holds the lock
		e.globals, err = s.exec(child, path, src, s.Predeclared(name))
		if ee, ok := err.(*starlark.EvalError); ok {
			err = fmt.Errorf("%s", ee.Backtrace())
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
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			if abs, err := filepath.Abs(p); err == nil {
				return abs, nil
			}
			return p, nil
		}
	}
	return "", fmt.Errorf("cannot load %s: not found in %s (NETSTAR_PATH)", module, strings.Join(dirs, ", "))
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
