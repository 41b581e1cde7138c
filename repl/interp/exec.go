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

	"github.com/netstar/netstar/modules/socket/idna"
	"github.com/netstar/netstar/modules"
	"github.com/netstar/netstar/builtins/pyerr"
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
func ExecChunk(thread *starlark.Thread, f *syntax.File, globals starlark.StringDict) error {
	wrapPercent(f, func(name string) bool {
		_, ok := globals[name].(starlark.String)
		return ok
	})
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

// methodBuiltin implements the Python method spellings Starlark lacks
// or keeps small: str.encode, bytes.decode and str.format (with format
// specs). Any other receiver gets its own method.
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
			out, err := Format(string(x), rest, kwargs)
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
			return EncodeErrors("str.encode", x, encoding, errs)
		}
	case starlark.Bytes:
		if name == "decode" {
			var encoding, errs string = "utf-8", "strict"
			if err := starlark.UnpackArgs("bytes.decode", rest, kwargs, "encoding?", &encoding, "errors?", &errs); err != nil {
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

// codec returns the canonical name of a supported encoding: "utf-8",
// "ascii", "latin-1" or "idna"; anything else is Python's LookupError.
func codec(fn, encoding string) (string, error) {
	switch strings.ReplaceAll(strings.ToLower(encoding), "_", "-") {
	case "utf-8", "utf8", "u8":
		return "utf-8", nil
	case "ascii", "us-ascii":
		return "ascii", nil
	case "latin-1", "latin1", "iso-8859-1":
		return "latin-1", nil
	case "idna":
		return "idna", nil
	}
	return "", pyerr.Errorf("LookupError", "%s: unknown encoding: %s", fn, encoding)
}

// checkErrors accepts the error handlers netstar implements.
func checkErrors(fn, errs string) error {
	switch errs {
	case "strict", "replace", "ignore":
		return nil
	}
	return pyerr.Errorf("LookupError", "%s: unknown error handler name '%s'", fn, errs)
}

// Encode converts a string to bytes as Python's str.encode does for
// UTF-8, ASCII and Latin-1, with errors="strict".
func Encode(fn string, s starlark.String, encoding string) (starlark.Value, error) {
	return EncodeErrors(fn, s, encoding, "strict")
}

// EncodeErrors is Encode with Python's errors argument: "strict" fails
// with UnicodeEncodeError, "replace" writes '?', "ignore" drops the
// character.
func EncodeErrors(fn string, s starlark.String, encoding, errs string) (starlark.Value, error) {
	enc, err := codec(fn, encoding)
	if err != nil {
		return nil, err
	}
	if err := checkErrors(fn, errs); err != nil {
		return nil, err
	}
	switch enc {
	case "utf-8":
		return starlark.Bytes(s), nil
	case "idna":
		if errs != "strict" {
			return nil, pyerr.Errorf("UnicodeError", "encoding with 'idna' codec failed (UnicodeError: unsupported error handling %s)", errs)
		}
		name, err := idna.Encode(string(s))
		if err != nil {
			return nil, err
		}
		return starlark.Bytes(name), nil
	}
	limit := rune(0x7f)
	if enc == "latin-1" {
		limit = 0xff
	}
	runes := []rune(string(s))
	out := make([]byte, 0, len(runes))
	for i := 0; i < len(runes); i++ {
		r := runes[i]
		if r <= limit {
			out = append(out, byte(r))
			continue
		}
		switch errs {
		case "replace":
			out = append(out, '?')
			continue
		case "ignore":
			continue
		}
		// Python reports the whole run of unencodable characters.
		j := i + 1
		for j < len(runes) && runes[j] > limit {
			j++
		}
		if j-i == 1 {
			return nil, pyerr.Errorf("UnicodeEncodeError", "'%s' codec can't encode character '%s' in position %d: ordinal not in range(%d)", enc, escapeRune(r), i, limit+1)
		}
		return nil, pyerr.Errorf("UnicodeEncodeError", "'%s' codec can't encode characters in position %d-%d: ordinal not in range(%d)", enc, i, j-1, limit+1)
	}
	return starlark.Bytes(out), nil
}

// escapeRune writes r as Python's repr escapes a non-printable character.
func escapeRune(r rune) string {
	switch {
	case r < 0x100:
		return fmt.Sprintf(`\x%02x`, r)
	case r < 0x10000:
		return fmt.Sprintf(`\u%04x`, r)
	}
	return fmt.Sprintf(`\U%08x`, r)
}

// Decode converts bytes to a string as Python's bytes.decode does for
// UTF-8, ASCII and Latin-1; errs is "strict", "replace" or "ignore".
// Invalid UTF-8 is split into errors as CPython does (one U+FFFD per
// maximal invalid subsequence), and a strict failure has CPython's text.
func Decode(fn string, b starlark.Bytes, encoding, errs string) (starlark.Value, error) {
	enc, err := codec(fn, encoding)
	if err != nil {
		return nil, err
	}
	if err := checkErrors(fn, errs); err != nil {
		return nil, err
	}
	var sb strings.Builder
	switch enc {
	case "idna":
		if errs != "strict" {
			return nil, pyerr.Errorf("UnicodeError", "decoding with 'idna' codec failed (UnicodeError: Unsupported error handling %s)", errs)
		}
		name, err := idna.Decode(string(b))
		if err != nil {
			return nil, err
		}
		return starlark.String(name), nil
	case "latin-1":
		for i := 0; i < len(b); i++ {
			sb.WriteRune(rune(b[i]))
		}
		return starlark.String(sb.String()), nil
	case "ascii":
		for i := 0; i < len(b); i++ {
			if b[i] < 0x80 {
				sb.WriteByte(b[i])
				continue
			}
			switch errs {
			case "replace":
				sb.WriteRune(utf8.RuneError)
			case "strict":
				return nil, pyerr.Errorf("UnicodeDecodeError", "'ascii' codec can't decode byte 0x%02x in position %d: ordinal not in range(128)", b[i], i)
			}
		}
		return starlark.String(sb.String()), nil
	}
	s := string(b)
	if utf8.ValidString(s) {
		return starlark.String(s), nil
	}
	for i := 0; i < len(s); {
		n, reason := utf8Seq(s[i:])
		if reason == "" {
			sb.WriteString(s[i : i+n])
			i += n
			continue
		}
		switch errs {
		case "replace":
			sb.WriteRune(utf8.RuneError)
		case "strict":
			if n == 1 {
				return nil, pyerr.Errorf("UnicodeDecodeError", "'utf-8' codec can't decode byte 0x%02x in position %d: %s", s[i], i, reason)
			}
			return nil, pyerr.Errorf("UnicodeDecodeError", "'utf-8' codec can't decode bytes in position %d-%d: %s", i, i+n-1, reason)
		}
		i += n
	}
	return starlark.String(sb.String()), nil
}

// utf8Seq measures the UTF-8 sequence at the start of s (non-empty). For
// a valid sequence it returns its length and "". For an invalid one it
// returns the length of the maximal invalid subsequence and CPython's
// reason: "invalid start byte", "invalid continuation byte" or
// "unexpected end of data".
func utf8Seq(s string) (int, string) {
	c := s[0]
	var size int
	lo, hi := byte(0x80), byte(0xbf) // valid range of the second byte
	switch {
	case c < 0x80:
		return 1, ""
	case 0xc2 <= c && c <= 0xdf:
		size = 2
	case 0xe0 <= c && c <= 0xef:
		size = 3
		if c == 0xe0 {
			lo = 0xa0
		} else if c == 0xed {
			hi = 0x9f
		}
	case 0xf0 <= c && c <= 0xf4:
		size = 4
		if c == 0xf0 {
			lo = 0x90
		} else if c == 0xf4 {
			hi = 0x8f
		}
	default:
		return 1, "invalid start byte"
	}
	for k := 1; k < size; k++ {
		if k >= len(s) {
			return k, "unexpected end of data"
		}
		if s[k] < lo || s[k] > hi {
			return k, "invalid continuation byte"
		}
		lo, hi = 0x80, 0xbf
	}
	return size, ""
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
		// A loaded module is shared by every file that loads it.
		e.globals.Freeze()
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
