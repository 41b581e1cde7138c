package interp

import (
	"errors"
	"fmt"
	"strings"

	"go.starlark.net/resolve"
	"go.starlark.net/starlark"
	"go.starlark.net/syntax"
)

// FormatError returns the text to show for an error that ended a
// program or REPL input: the Starlark backtrace for evaluation errors,
// every position and message for syntax and resolution errors.
func FormatError(err error) string {
	var ee *starlark.EvalError
	if errors.As(err, &ee) {
		return collapseRepeats(ee.Backtrace())
	}
	var el resolve.ErrorList
	if errors.As(err, &el) {
		lines := make([]string, len(el))
		for i, e := range el {
			lines[i] = fmt.Sprintf("%s: %s", e.Pos, e.Msg)
		}
		return strings.Join(lines, "\n")
	}
	var se syntax.Error
	if errors.As(err, &se) {
		return fmt.Sprintf("%s: syntax error: %s", se.Pos, se.Msg)
	}
	return err.Error()
}

// Incomplete reports whether a parse error means only that the input
// ended too soon: a REPL asks for another line instead of failing.
func Incomplete(err error) bool {
	var se syntax.Error
	if !errors.As(err, &se) {
		return false
	}
	return strings.Contains(se.Msg, "got end of file") || strings.Contains(se.Msg, "unexpected EOF")
}

// IncompleteInput is Incomplete for a REPL's buffered lines src: it also
// treats a block header that is the last line of src, even inside
// another block ("def f():\n    for x in y:\n"), as asking for more.
func IncompleteInput(err error, src []byte) bool {
	if Incomplete(err) {
		return true
	}
	var se syntax.Error
	if !errors.As(err, &se) || !strings.Contains(se.Msg, "want indent") {
		return false
	}
	lastLine := 0
	for i, line := range strings.Split(string(src), "\n") {
		if strings.TrimSpace(line) != "" {
			lastLine = i + 1
		}
	}
	return int(se.Pos.Line) > lastLine
}

// collapseRepeats shortens runs of identical backtrace lines (deep
// recursion) as Python does: three are kept, then
// "[Previous line repeated N more times]".
func collapseRepeats(bt string) string {
	lines := strings.Split(bt, "\n")
	out := make([]string, 0, len(lines))
	for i := 0; i < len(lines); {
		j := i
		for j < len(lines) && lines[j] == lines[i] {
			j++
		}
		n := j - i
		if n > 3 {
			out = append(out, lines[i], lines[i], lines[i])
			indent := lines[i][:len(lines[i])-len(strings.TrimLeft(lines[i], " "))]
			out = append(out, fmt.Sprintf("%s[Previous line repeated %d more times]", indent, n-3))
		} else {
			out = append(out, lines[i:j]...)
		}
		i = j
	}
	return strings.Join(out, "\n")
}
