package json

import (
	"fmt"
	"strings"

	"go.starlark.net/lib/json"
	"go.starlark.net/starlark"
)

// dumps is Python's json.dumps with its default separators: it encodes
// like encode, then spaces the output as Python does ({"a": 1, "b": [1, 2]})
// and escapes non-ASCII characters (ensure_ascii=True). indent=N
// pretty-prints instead.
func dumps(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var x starlark.Value
	var indent starlark.Value = starlark.None
	var ensureASCII = true
	if err := starlark.UnpackArgs(b.Name(), args, kwargs, "obj", &x, "indent?", &indent, "ensure_ascii?", &ensureASCII); err != nil {
		return nil, err
	}
	v, err := starlark.Call(thread, json.Module.Members["encode"], starlark.Tuple{x}, nil)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", b.Name(), err)
	}
	text := string(v.(starlark.String))
	if indent != starlark.None {
		n, ok := indent.(starlark.Int)
		if !ok {
			return nil, fmt.Errorf("%s: for parameter indent: got %s, want int or None", b.Name(), indent.Type())
		}
		width, _ := n.Int64()
		if width < 0 || width > 64 {
			return nil, fmt.Errorf("%s: for parameter indent: %d out of range 0-64", b.Name(), width)
		}
		v, err := starlark.Call(thread, json.Module.Members["indent"], starlark.Tuple{starlark.String(text)},
			[]starlark.Tuple{{starlark.String("indent"), starlark.String(strings.Repeat(" ", int(width)))}})
		if err != nil {
			return nil, fmt.Errorf("%s: %v", b.Name(), err)
		}
		text = string(v.(starlark.String))
		if ensureASCII {
			text = pythonSpacing(text, false)
		}
		return starlark.String(text), nil
	}
	return starlark.String(pythonSpacing(text, true) + ""), nil
}

// pythonSpacing rewrites compact JSON text: with space, ", " and ": "
// between items; non-ASCII characters in strings become \uXXXX escapes.
func pythonSpacing(text string, space bool) string {
	var sb strings.Builder
	inString, escaped := false, false
	for _, r := range text {
		switch {
		case inString:
			switch {
			case escaped:
				escaped = false
			case r == '\\':
				escaped = true
			case r == '"':
				inString = false
			}
			if r > 0x7f {
				if r > 0xffff {
					r -= 0x10000
					fmt.Fprintf(&sb, `\u%04x\u%04x`, 0xd800+(r>>10), 0xdc00+(r&0x3ff))
				} else {
					fmt.Fprintf(&sb, `\u%04x`, r)
				}
				continue
			}
		case r == '"':
			inString = true
		case space && r == ',':
			sb.WriteString(", ")
			continue
		case space && r == ':':
			sb.WriteString(": ")
			continue
		}
		sb.WriteRune(r)
	}
	return sb.String()
}
