package sys

import (
	"context"
	"errors"
	"io"
	"strings"

	"github.com/netstar/netstar/builtins/pyerr"
	"github.com/netstar/netstar/modules"
	"github.com/netstar/netstar/repl/interp"
	"go.starlark.net/starlark"
)

// stdin is sys.stdin: the program's input read line by line through the
// session's input(), so in the REPL it reads from the terminal and
// Ctrl-C stops it as it stops input(). readline() returns the line with
// its "\n" ("" at the end of input), read() and readlines() read to the
// end, and a for loop or next() takes one line at a time.
//
// The session's input() drops each line's newline, so a last line
// without one reads back with one.
type stdin struct {
	sess *interp.Session // nil: no input at all
	eof  bool
	err  error // why the last for loop stopped early, reported by the next call
}

var (
	_ starlark.HasAttrs = (*stdin)(nil)
	_ starlark.Iterable = (*stdin)(nil)
)

func newStdin(s modules.Session) *stdin {
	sess, _ := s.(*interp.Session)
	return &stdin{sess: sess}
}

// line reads one line; ok is false at the end of input.
func (f *stdin) line(thread *starlark.Thread) (string, bool, error) {
	if f.err != nil {
		err := f.err
		f.err = nil
		return "", false, err
	}
	if f.eof || f.sess == nil {
		return "", false, nil
	}
	var line string
	var err error
	if thread != nil {
		line, err = interp.Blocking(thread, func(ctx context.Context) (string, error) { return f.read(ctx) })
	} else {
		// A for loop's iterator has no thread: release the lock as Blocking does.
		f.sess.Unlock()
		line, err = f.read(f.sess.Context())
		f.sess.Lock()
	}
	if errors.Is(err, io.EOF) {
		f.eof = true
		return "", false, nil
	}
	if err != nil {
		return "", false, err
	}
	return line + "\n", true, nil
}

func (f *stdin) read(ctx context.Context) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	line, err := f.sess.Input("")
	if err == nil {
		// The REPL's reader answers Ctrl-C with an error of its own; a
		// cancelled evaluation without one still stops here.
		err = ctx.Err()
	}
	return line, err
}

// PyNext is next(sys.stdin): the next line, ok false at the end.
func (f *stdin) PyNext(thread *starlark.Thread) (starlark.Value, bool, error) {
	line, ok, err := f.line(thread)
	if !ok || err != nil {
		return nil, false, err
	}
	return starlark.String(line), true, nil
}

// Iterate reads lines for a for loop until the end of input. A read
// error (Ctrl-C) ends the loop; the evaluation is cancelled too, and the
// next call on sys.stdin reports it.
func (f *stdin) Iterate() starlark.Iterator { return &stdinLines{f: f} }

type stdinLines struct{ f *stdin }

func (it *stdinLines) Next(p *starlark.Value) bool {
	line, ok, err := it.f.line(nil)
	if err != nil {
		it.f.err = err
		return false
	}
	if ok {
		*p = starlark.String(line)
	}
	return ok
}

func (it *stdinLines) Done() {}

// String returns a repr like Python's.
func (f *stdin) String() string {
	return "<_io.TextIOWrapper name='<stdin>' mode='r' encoding='utf-8'>"
}

// Type returns "file", as for sys.stdout.
func (f *stdin) Type() string { return "file" }

// Freeze does nothing: reading is the only state, and it is the session's.
func (f *stdin) Freeze() {}

// Truth is true.
func (f *stdin) Truth() starlark.Bool { return true }

// Hash is fixed: there is one sys.stdin per program.
func (f *stdin) Hash() (uint32, error) { return 0, nil }

var stdinAttrs = []string{"read", "readline", "readlines"}

// AttrNames lists read, readline and readlines.
func (f *stdin) AttrNames() []string { return stdinAttrs }

// Attr returns a bound method.
func (f *stdin) Attr(name string) (starlark.Value, error) {
	switch name {
	case "readline":
		return starlark.NewBuiltin("sys.stdin.readline", func(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
			size := -1
			if err := starlark.UnpackPositionalArgs(b.Name(), args, kwargs, 0, &size); err != nil {
				return nil, err
			}
			line, _, err := f.line(thread)
			if err != nil {
				return nil, err
			}
			return starlark.String(line), nil
		}), nil
	case "read", "readlines":
		return starlark.NewBuiltin("sys.stdin."+name, func(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
			var size starlark.Value = starlark.None
			if err := starlark.UnpackPositionalArgs(b.Name(), args, kwargs, 0, &size); err != nil {
				return nil, err
			}
			if size != starlark.None {
				if n, err := starlark.AsInt32(size); err != nil || n >= 0 {
					return nil, pyerr.Errorf("NotImplementedError", "%s: netstar reads whole lines; call it without a size", b.Name())
				}
			}
			var lines []string
			for {
				line, ok, err := f.line(thread)
				if err != nil {
					return nil, err
				}
				if !ok {
					break
				}
				lines = append(lines, line)
			}
			if name == "read" {
				return starlark.String(strings.Join(lines, "")), nil
			}
			vs := make([]starlark.Value, len(lines))
			for i, l := range lines {
				vs[i] = starlark.String(l)
			}
			return starlark.NewList(vs), nil
		}), nil
	}
	return nil, nil
}
