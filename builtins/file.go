package builtins

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode/utf8"

	"github.com/netstar/netstar/builtins/pyerr"
	"github.com/netstar/netstar/repl/interp"
	"go.starlark.net/starlark"
)

func init() {
	register("open", openBuiltin, `open(file, mode="r", encoding="utf-8")
Opens a file as Python's open() does: mode "r" (read), "w" (write, from
empty), "a" (append) or "x" (create, failing if it exists), with "b" for
bytes instead of text. The file reads with read(), readline(),
readlines() and for line in f; writes with write() and writelines();
close() closes it (with open(...) as f: does, in a translated script).
Wordlists and target lists are files.`)
}

// File is an open file, as Python's text or binary file objects.
type File struct {
	name, mode string
	binary     bool
	readable   bool
	writable   bool
	f          *os.File
	r          *bufio.Reader
	untrack    func()
	closed     bool
}

var (
	_ starlark.HasAttrs = (*File)(nil)
	_ starlark.Iterable = (*File)(nil)
	_ io.Closer         = (*File)(nil)
)

func openBuiltin(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var name, mode, encoding string = "", "r", "utf-8"
	if err := starlark.UnpackArgs(b.Name(), args, kwargs, "file", &name, "mode?", &mode, "encoding?", &encoding); err != nil {
		return nil, err
	}
	switch strings.ToLower(strings.ReplaceAll(encoding, "-", "")) {
	case "utf8", "ascii":
	default:
		return nil, pyerr.Errorf("LookupError", "unknown encoding: %s (netstar's files read and write utf-8)", encoding)
	}
	f := &File{name: name, mode: mode}
	flags := 0
	kinds := strings.Count(mode, "r") + strings.Count(mode, "w") + strings.Count(mode, "a") + strings.Count(mode, "x")
	if kinds != 1 || strings.Trim(mode, "rwaxb+t") != "" || strings.Contains(mode, "b") && strings.Contains(mode, "t") {
		return nil, pyerr.Errorf("ValueError", "invalid mode: '%s'", mode)
	}
	f.binary = strings.Contains(mode, "b")
	plus := strings.Contains(mode, "+")
	switch {
	case strings.Contains(mode, "r"):
		f.readable, f.writable, flags = true, plus, os.O_RDONLY
	case strings.Contains(mode, "w"):
		f.readable, f.writable, flags = plus, true, os.O_WRONLY|os.O_CREATE|os.O_TRUNC
	case strings.Contains(mode, "a"):
		f.readable, f.writable, flags = plus, true, os.O_WRONLY|os.O_CREATE|os.O_APPEND
	case strings.Contains(mode, "x"):
		f.readable, f.writable, flags = plus, true, os.O_WRONLY|os.O_CREATE|os.O_EXCL
	}
	if plus {
		flags = flags&^(os.O_RDONLY|os.O_WRONLY) | os.O_RDWR
	}
	// O_NONBLOCK: a FIFO opened by mistake does not hang the program.
	osf, err := os.OpenFile(name, flags|syscallNonblock, 0o666)
	if err != nil {
		return nil, pyerr.OSError(err)
	}
	if st, err := osf.Stat(); err == nil && st.IsDir() {
		osf.Close()
		return nil, pyerr.WithErrno("IsADirectoryError", 21, "Is a directory: '"+name+"'")
	}
	f.f = osf
	f.r = bufio.NewReader(osf)
	if sess := interp.SessionOf(thread); sess != nil {
		f.untrack = sess.Track(f) // closed at exit if the program forgets
	}
	return f, nil
}

// String is Python's repr of a file object.
func (f *File) String() string {
	if f.binary {
		return fmt.Sprintf("<_io.BufferedReader name='%s'>", f.name)
	}
	return fmt.Sprintf("<_io.TextIOWrapper name='%s' mode='%s' encoding='utf-8'>", f.name, f.mode)
}

// Type returns "file".
func (f *File) Type() string { return "file" }

// Freeze does nothing: a file is not shared state.
func (f *File) Freeze() {}

// Truth is true.
func (f *File) Truth() starlark.Bool { return true }

// Hash fails: files are not hashable here.
func (f *File) Hash() (uint32, error) { return 0, errors.New("unhashable: file") }

// Close closes the file; again is harmless.
func (f *File) Close() error {
	if f.closed {
		return nil
	}
	f.closed = true
	if f.untrack != nil {
		f.untrack()
	}
	return f.f.Close()
}

var fileAttrs = []string{"close", "closed", "flush", "mode", "name", "read", "readline", "readlines", "write", "writelines"}

// AttrNames lists the methods and fields.
func (f *File) AttrNames() []string { return fileAttrs }

// Attr returns a method or field.
func (f *File) Attr(name string) (starlark.Value, error) {
	switch name {
	case "name":
		return starlark.String(f.name), nil
	case "mode":
		return starlark.String(f.mode), nil
	case "closed":
		return starlark.Bool(f.closed), nil
	}
	method, ok := fileMethods[name]
	if !ok {
		return nil, nil
	}
	return starlark.NewBuiltin(name, func(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
		switch {
		case strings.HasPrefix(name, "read") && !f.readable:
			return nil, f.unsupported("read", "not readable")
		case strings.HasPrefix(name, "write") && !f.writable:
			return nil, f.unsupported("write", "not writable")
		case f.closed && name != "close":
			msg := "I/O operation on closed file."
			if f.binary && strings.HasPrefix(name, "write") {
				msg = "write to closed file"
			} else if f.binary && strings.HasPrefix(name, "read") {
				msg = "read of closed file"
			}
			return nil, pyerr.New("ValueError", msg)
		}
		return method(f, b, args, kwargs)
	}).BindReceiver(f), nil
}

var fileMethods = map[string]func(f *File, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error){
	"close": func(f *File, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
		if err := starlark.UnpackArgs(b.Name(), args, kwargs); err != nil {
			return nil, err
		}
		if err := f.Close(); err != nil {
			return nil, pyerr.OSError(err)
		}
		return starlark.None, nil
	},
	"flush": func(f *File, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
		return starlark.None, starlark.UnpackArgs(b.Name(), args, kwargs)
	},
	"read": func(f *File, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
		n := -1
		if err := starlark.UnpackArgs(b.Name(), args, kwargs, "size?", &n); err != nil {
			return nil, err
		}
		if err := f.mustRead(); err != nil {
			return nil, err
		}
		var data []byte
		var err error
		if n < 0 {
			data, err = io.ReadAll(f.r)
		} else if f.binary {
			data = make([]byte, n)
			var k int
			k, err = io.ReadFull(f.r, data)
			data = data[:k]
			if err == io.ErrUnexpectedEOF || err == io.EOF {
				err = nil
			}
		} else {
			var sb strings.Builder
			for i := 0; i < n; i++ {
				r, _, rerr := f.r.ReadRune()
				if rerr != nil {
					if rerr != io.EOF {
						err = rerr
					}
					break
				}
				sb.WriteRune(r)
			}
			data = []byte(sb.String())
		}
		if err != nil {
			return nil, pyerr.OSError(err)
		}
		return f.value(data)
	},
	"readline": func(f *File, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
		if err := starlark.UnpackArgs(b.Name(), args, kwargs); err != nil {
			return nil, err
		}
		if err := f.mustRead(); err != nil {
			return nil, err
		}
		line, err := f.r.ReadBytes('\n')
		if err != nil && err != io.EOF {
			return nil, pyerr.OSError(err)
		}
		return f.value(line)
	},
	"readlines": func(f *File, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
		if err := starlark.UnpackArgs(b.Name(), args, kwargs); err != nil {
			return nil, err
		}
		if err := f.mustRead(); err != nil {
			return nil, err
		}
		var lines []starlark.Value
		for {
			line, err := f.r.ReadBytes('\n')
			if len(line) > 0 {
				v, verr := f.value(line)
				if verr != nil {
					return nil, verr
				}
				lines = append(lines, v)
			}
			if err == io.EOF {
				return starlark.NewList(lines), nil
			}
			if err != nil {
				return nil, pyerr.OSError(err)
			}
		}
	},
	"write": func(f *File, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
		var v starlark.Value
		if err := starlark.UnpackPositionalArgs(b.Name(), args, kwargs, 1, &v); err != nil {
			return nil, err
		}
		n, err := f.write(v)
		if err != nil {
			return nil, err
		}
		return starlark.MakeInt(n), nil
	},
	"writelines": func(f *File, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
		var lines starlark.Iterable
		if err := starlark.UnpackPositionalArgs(b.Name(), args, kwargs, 1, &lines); err != nil {
			return nil, err
		}
		it := lines.Iterate()
		defer it.Done()
		var v starlark.Value
		for it.Next(&v) {
			if _, err := f.write(v); err != nil {
				return nil, err
			}
		}
		return starlark.None, nil
	},
}

func (f *File) mustRead() error {
	if !f.readable {
		return f.unsupported("read", "not readable")
	}
	return nil
}

// unsupported is Python's io.UnsupportedOperation: a binary file names
// the operation ("read"), a text file says "not readable".
func (f *File) unsupported(binary, text string) error {
	if f.binary {
		return pyerr.New("UnsupportedOperation", binary)
	}
	return pyerr.New("UnsupportedOperation", text)
}

// value returns data as the file's kind: bytes, or text decoded as utf-8
// (Python's UnicodeDecodeError for bytes that are not).
func (f *File) value(data []byte) (starlark.Value, error) {
	if f.binary {
		return starlark.Bytes(data), nil
	}
	if !utf8.Valid(data) {
		return nil, pyerr.New("UnicodeDecodeError", "'utf-8' codec can't decode bytes in "+f.name)
	}
	return starlark.String(data), nil
}

func (f *File) write(v starlark.Value) (int, error) {
	if !f.writable {
		return 0, f.unsupported("write", "not writable")
	}
	var data []byte
	switch v := v.(type) {
	case starlark.String:
		if f.binary {
			return 0, pyerr.New("TypeError", "a bytes-like object is required, not 'str'")
		}
		data = []byte(v)
	case starlark.Bytes:
		if !f.binary {
			return 0, pyerr.New("TypeError", "write() argument must be str, not bytes")
		}
		data = []byte(v)
	default:
		if f.binary {
			return 0, pyerr.Errorf("TypeError", "a bytes-like object is required, not '%s'", v.Type())
		}
		return 0, pyerr.Errorf("TypeError", "write() argument must be str, not %s", v.Type())
	}
	if _, err := f.f.Write(data); err != nil {
		return 0, pyerr.OSError(err)
	}
	if f.binary {
		return len(data), nil
	}
	return utf8.RuneCount(data), nil
}

// Iterate reads the file line by line, as for line in f does in Python.
func (f *File) Iterate() starlark.Iterator { return &fileLines{f: f} }

type fileLines struct{ f *File }

func (it *fileLines) Next(p *starlark.Value) bool {
	if it.f.closed || !it.f.readable {
		return false
	}
	line, err := it.f.r.ReadBytes('\n')
	if len(line) == 0 || err != nil && err != io.EOF {
		return false
	}
	v, verr := it.f.value(line)
	if verr != nil {
		return false
	}
	*p = v
	return true
}

func (it *fileLines) Done() {}
