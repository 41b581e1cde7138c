package interp

import (
	"fmt"
	"io"

	"go.starlark.net/starlark"
)

// Stream is sys.stdout or sys.stderr: a file-like value with write and
// flush that writes to the session's streams.
type Stream struct {
	name   string
	stderr bool
}

var _ starlark.HasAttrs = (*Stream)(nil)

// Stdout and Stderr are the values of sys.stdout and sys.stderr.
var (
	Stdout = &Stream{name: "<stdout>"}
	Stderr = &Stream{name: "<stderr>", stderr: true}
)

func (s *Stream) writer(thread *starlark.Thread) io.Writer {
	sess := SessionOf(thread)
	if sess == nil {
		return io.Discard
	}
	if s.stderr {
		return sess.Stderr()
	}
	return sess.Stdout()
}

// Write writes text to the session stream s stands for (nothing without a
// session).
func (s *Stream) Write(thread *starlark.Thread, text string) error {
	_, err := io.WriteString(s.writer(thread), text)
	return err
}

// String returns a repr like Python's.
func (s *Stream) String() string {
	return fmt.Sprintf("<_io.TextIOWrapper name='%s' mode='w' encoding='utf-8'>", s.name)
}

// Type returns "file".
func (s *Stream) Type() string { return "file" }

// Freeze does nothing: a Stream has no mutable state.
func (s *Stream) Freeze() {}

// Truth is true.
func (s *Stream) Truth() starlark.Bool { return true }

// Hash returns a fixed hash per stream.
func (s *Stream) Hash() (uint32, error) {
	if s.stderr {
		return 2, nil
	}
	return 1, nil
}

// AttrNames lists write and flush.
func (s *Stream) AttrNames() []string { return []string{"flush", "write"} }

// Attr returns the bound methods write(s) and flush().
func (s *Stream) Attr(name string) (starlark.Value, error) {
	switch name {
	case "write":
		return starlark.NewBuiltin("file.write", func(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
			var text string
			if err := starlark.UnpackPositionalArgs(b.Name(), args, kwargs, 1, &text); err != nil {
				return nil, err
			}
			if err := s.Write(thread, text); err != nil {
				return nil, err
			}
			return starlark.MakeInt(len([]rune(text))), nil
		}), nil
	case "flush":
		return starlark.NewBuiltin("file.flush", func(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
			return starlark.None, starlark.UnpackPositionalArgs(b.Name(), args, kwargs, 0)
		}), nil
	}
	return nil, nil
}
