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
		return ee.Backtrace()
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
