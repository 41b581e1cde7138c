// Package builtins registers the global functions every netstar program
// sees: print (to stdout, Python's signature), help, input, catch, exit,
// quit, table, modules, Python's two-argument bytes and str, and the
// Python builtins Starlark lacks (sum, round, map, filter, hex, oct, bin,
// pow, divmod, format, setattr, delattr, getattr, iter, next, callable,
// id, bytearray) or keeps stricter (int and float read strings as Python).
//
// Import it for its side effect (modules/standard does).
package builtins

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/netstar/netstar/builtins/codec"
	"github.com/netstar/netstar/builtins/pyfmt"

	"github.com/netstar/netstar/builtins/pyerr"
	"github.com/netstar/netstar/modules"
	"github.com/netstar/netstar/repl/interp"
	"go.starlark.net/starlark"
)

func init() {
	register("print", printBuiltin, `print(*values, sep=" ", end="\n", file=sys.stdout, flush=False)
Prints the values, separated by sep and followed by end, to standard
output (or to file=sys.stderr). Safe to call from several threads.`)
	register("help", helpBuiltin, `help(x=None)
Shows the documentation of a module, function or method: help(socket),
help(socket.gethostbyname), help(s.connect). help() alone lists what
netstar has.`)
	register("input", inputBuiltin, `input(prompt="")
Shows prompt and returns the line the user types, without its newline.
At the end of input it raises EOFError.`)
	register("catch", catchBuiltin, `catch(fn, *args, **kwargs)
Calls fn(*args, **kwargs) and returns (result, None), or (None, err) if it
failed: netstar's try/except. err.type is the Python exception class
("ConnectionRefusedError", "gaierror", "timeout", "OSError"...), err.errno
and err.strerror are as in Python, str(err) equals Python's str(e), and
err.is_a("OSError") tests the class as except OSError would.`)
	register("exit", exitBuiltin, `exit(code=0)
Ends the program with the exit status code (a string is printed to stderr
and gives status 1), like Python's exit() and sys.exit().`)
	register("quit", exitBuiltin, `quit(code=0)
Same as exit().`)
	register("table", tableBuiltin, `table(rows, header=None)
Returns rows (a list of lists, tuples or dicts) drawn as a text table;
printing it, or echoing it in the REPL, shows the table. With dicts the
header defaults to their keys.`)
	register("modules", modulesBuiltin, `modules()
Returns a table of the modules netstar has, with a one-line summary
each: the REPL shows it; in a script, print(modules()).`)
	register("bytes", bytesBuiltin, `bytes(x, encoding="utf-8", errors="strict")
Returns bytes: bytes("text", "utf-8") encodes a string as Python does;
bytes(b), bytes([65, 66]) and bytes("text") work as in Starlark.`)
	register("repr", reprBuiltin, `repr(x)
Returns the text Python's repr(x) gives: 'abc' for a string, b'..' for
bytes, and containers with their elements in that form.`)
	register("str", strBuiltin, `str(x, encoding=None, errors="strict")
Returns the string form of x; str(b, "utf-8") decodes bytes as Python does.`)
}

func register(name string, fn func(*starlark.Thread, *starlark.Builtin, starlark.Tuple, []starlark.Tuple) (starlark.Value, error), doc string) {
	modules.RegisterBuiltin(modules.Builtin{Name: name, Value: starlark.NewBuiltin(name, fn), Doc: doc})
}

func printBuiltin(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	sep, end := " ", "\n"
	var file starlark.Value = starlark.None
	var flush bool
	var sepV, endV starlark.Value = starlark.None, starlark.None
	if err := starlark.UnpackArgs(b.Name(), nil, kwargs, "sep?", &sepV, "end?", &endV, "file?", &file, "flush?", &flush); err != nil {
		return nil, err
	}
	if s, ok := sepV.(starlark.String); ok {
		sep = string(s)
	} else if sepV != starlark.None {
		return nil, fmt.Errorf("%s: sep must be None or a string, not %s", b.Name(), sepV.Type())
	}
	if s, ok := endV.(starlark.String); ok {
		end = string(s)
	} else if endV != starlark.None {
		return nil, fmt.Errorf("%s: end must be None or a string, not %s", b.Name(), endV.Type())
	}
	var sb strings.Builder
	for i, v := range args {
		if i > 0 {
			sb.WriteString(sep)
		}
		sb.WriteString(Str(v)) // Python prints str(e) of an exception, not repr(e)
	}
	sb.WriteString(end)
	s := interp.SessionOf(thread)
	switch f := file.(type) {
	case starlark.NoneType:
		if s == nil {
			thread.Print(thread, strings.TrimSuffix(sb.String(), "\n"))
			return starlark.None, nil
		}
		_, err := s.Stdout().Write([]byte(sb.String()))
		return starlark.None, err
	case *interp.Stream:
		return starlark.None, f.Write(thread, sb.String())
	default:
		return nil, fmt.Errorf("%s: file must be sys.stdout or sys.stderr, not %s", b.Name(), file.Type())
	}
}

func inputBuiltin(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var prompt starlark.Value = starlark.String("")
	if err := starlark.UnpackPositionalArgs(b.Name(), args, kwargs, 0, &prompt); err != nil {
		return nil, err
	}
	p, ok := starlark.AsString(prompt)
	if !ok {
		p = prompt.String()
	}
	s := interp.SessionOf(thread)
	if s == nil {
		return nil, fmt.Errorf("%s: no input available", b.Name())
	}
	line, err := interp.Blocking(thread, func(context.Context) (string, error) { return s.Input(p) })
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, pyerr.New("EOFError", "EOF when reading a line")
		}
		return nil, err
	}
	return starlark.String(line), nil
}

func exitBuiltin(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var code starlark.Value = starlark.None
	if err := starlark.UnpackPositionalArgs(b.Name(), args, kwargs, 0, &code); err != nil {
		return nil, err
	}
	return nil, interp.Exit(b.Name(), code)
}

func modulesBuiltin(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	if err := starlark.UnpackPositionalArgs(b.Name(), args, kwargs, 0); err != nil {
		return nil, err
	}
	return newTable(modulesRows(), []string{"MODULE", "DESCRIPTION"}), nil
}

func modulesRows() [][]string {
	var rows [][]string
	for _, m := range modules.All() {
		rows = append(rows, []string{m.Name, m.Doc})
	}
	return rows
}

func bytesBuiltin(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var x starlark.Value
	var encoding, errs string
	if err := starlark.UnpackArgs(b.Name(), args, kwargs, "x?", &x, "encoding?", &encoding, "errors?", &errs); err != nil {
		return nil, err
	}
	if x == nil {
		return starlark.Bytes(""), nil
	}
	if s, ok := x.(starlark.String); ok && encoding != "" {
		if errs == "" {
			errs = "strict"
		}
		return codec.EncodeErrors(b.Name(), s, encoding, errs)
	}
	if encoding != "" {
		return nil, pyerr.New("TypeError", "bytes: encoding without a string argument")
	}
	switch v := x.(type) {
	case starlark.Bytes:
		return v, nil
	case *Bytearray:
		return starlark.Bytes(v.data), nil
	case starlark.Int:
		size, ok := v.Int64()
		if !ok || size > maxBytearray {
			return nil, pyerr.New("MemoryError", "")
		}
		if size < 0 {
			return nil, pyerr.New("ValueError", "negative count")
		}
		return starlark.Bytes(make([]byte, size)), nil
	case starlark.String:
		return starlark.Call(thread, starlark.Universe["bytes"], starlark.Tuple{x}, nil)
	}
	data, err := bytesOf(x, "bytes")
	if err != nil {
		return nil, err
	}
	return starlark.Bytes(data), nil
}

func strBuiltin(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var x starlark.Value
	var encoding, errs string
	if err := starlark.UnpackArgs(b.Name(), args, kwargs, "x?", &x, "encoding?", &encoding, "errors?", &errs); err != nil {
		return nil, err
	}
	if x == nil {
		return starlark.String(""), nil
	}
	if encoding != "" || errs != "" {
		bs, ok := x.(starlark.Bytes)
		if !ok {
			return nil, pyerr.Errorf("TypeError", "decoding to str: need a bytes-like object, %s found", x.Type())
		}
		if encoding == "" {
			encoding = "utf-8"
		}
		if errs == "" {
			errs = "strict"
		}
		return codec.Decode(b.Name(), bs, encoding, errs)
	}
	return starlark.String(Str(x)), nil
}

// Str returns Python's str(x): a string is itself, containers and bytes
// show their elements as Python's repr does (str([b"a"]) is "[b'a']"),
// and other values their own string form.
func Str(x starlark.Value) string { return pyfmt.Str(x) }

func reprBuiltin(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var x starlark.Value
	if err := starlark.UnpackPositionalArgs(b.Name(), args, kwargs, 1, &x); err != nil {
		return nil, err
	}
	return starlark.String(pyfmt.Repr(x)), nil
}
