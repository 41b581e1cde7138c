package interp

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/netstar/netstar/builtins/i18n"
	"github.com/netstar/netstar/builtins/pyfmt"

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
		return localizeLoad(capFrames(collapseRepeats(backtrace(ee)), frameEnds))
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

// cannotLoadRE matches the start of a failed load()'s error, which
// go.starlark.net writes in English, in a report and the reports of the
// files it loaded.
var cannotLoadRE = lazyRE(`(?m)^Error: cannot load (.+?): `)

// localizeLoad translates "cannot load X: " in a report.
func localizeLoad(report string) string {
	if i18n.Current() == i18n.English || !strings.Contains(report, "cannot load ") {
		return report
	}
	return cannotLoadRE().ReplaceAllStringFunc(report, func(m string) string {
		module := cannotLoadRE().FindStringSubmatch(m)[1]
		return "Error: " + i18n.T("load.cannot", module) + ": "
	})
}

// dialectHelpers are the predeclared functions the dialect's rewrites
// call. The program never wrote them, so tracebacks leave them out.
var dialectHelpers = map[string]bool{
	importFunc: true, methodFunc: true, opFunc: true, indexFunc: true, iterFunc: true,
}

// backtrace is ee.Backtrace() without the frames of the dialect's
// helpers, and with Python's texts for Starlark's errors that Python
// has its own texts for (see pythonError).
func backtrace(ee *starlark.EvalError) string {
	stack := make(starlark.CallStack, 0, len(ee.CallStack))
	for _, fr := range ee.CallStack {
		if fr.Pos.Filename() == "<builtin>" && dialectHelpers[fr.Name] {
			continue
		}
		stack = append(stack, fr)
	}
	suffix := ""
	// Only the innermost frame can be a builtin that failed.
	if last := len(stack) - 1; last >= 0 && last == len(ee.CallStack)-1 && stack[last].Pos.Filename() == "<builtin>" {
		suffix = " in " + stack[last].Name
		stack = stack[:last]
	}
	msg := ee.Msg
	if typ, text, ok := pythonError(msg); ok {
		msg = typ + ": " + text
	}
	return fmt.Sprintf("%sError%s: %s", stack, suffix, msg)
}

// zeroDivision maps Starlark's division-by-zero errors to Python's texts.
// Starlark's texts do not tell an int operand from a float one; these
// are Python's for ints, the course's case (1/0 is "division by zero",
// 1.0/0 "float division by zero" in Python).
var zeroDivision = map[string]string{
	"floating-point division by zero": "division by zero",
	"floored division by zero":        "integer division or modulo by zero",
	"integer modulo by zero":          "integer modulo by zero",
	"floating-point modulo by zero":   "float modulo",
}

var (
	indexRangeRE = lazyRE(`^(?:(list|tuple|string) index -?\d+ out of range \[-?\d+:-?\d+\]|index -?\d+ out of range: empty (list|tuple|string))$`)
	keyRE        = lazyRE(`^key (.+) not in dict$`)
	indexTypeRE  = lazyRE(`^(list|tuple|string) index: got (\w+), want int$`)
)

// pythonError returns Python's exception class and text for the errors
// of Starlark's own operations that Python words differently: division
// by zero, an index out of range, a missing dict key, an index of the
// wrong type.
func pythonError(msg string) (typ, text string, ok bool) {
	if text, ok := zeroDivision[msg]; ok {
		return "ZeroDivisionError", text, true
	}
	if msg == "Starlark stack overflow" {
		return "RecursionError", "maximum recursion depth exceeded", true
	}
	if m := indexRangeRE().FindStringSubmatch(msg); m != nil {
		return "IndexError", m[1] + m[2] + " index out of range", true
	}
	if m := keyRE().FindStringSubmatch(msg); m != nil {
		key := m[1]
		if s, err := strconv.Unquote(key); err == nil && strings.HasPrefix(key, `"`) {
			key = pyfmt.Repr(starlark.String(s))
		}
		return "KeyError", key, true
	}
	if m := indexTypeRE().FindStringSubmatch(msg); m != nil {
		got := m[2]
		if got == "string" {
			got = "str"
		}
		if m[1] == "string" {
			return "TypeError", "string indices must be integers, not '" + got + "'", true
		}
		return "TypeError", m[1] + " indices must be integers or slices, not " + got, true
	}
	return "", "", false
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

// frameEnds is how many frames a shown backtrace keeps at each end.
const frameEnds = 50

// capFrames bounds a backtrace that collapseRepeats could not shorten
// (mutual recursion repeats a cycle of lines, not one line): the first
// and last ends frames stay, with a line counting the others.
func capFrames(bt string, ends int) string {
	lines := strings.Split(bt, "\n")
	// Frame lines are indented; the "Traceback" line comes before them,
	// the error after.
	first := 0
	for first < len(lines) && !strings.HasPrefix(lines[first], "  ") {
		first++
	}
	last := first
	for last < len(lines) && strings.HasPrefix(lines[last], "  ") {
		last++
	}
	if last-first <= 2*ends {
		return bt
	}
	out := make([]string, 0, len(lines)-(last-first)+2*ends+1)
	out = append(out, lines[:first+ends]...)
	out = append(out, fmt.Sprintf("  [%d frames left out]", last-first-2*ends))
	out = append(out, lines[last-ends:]...)
	return strings.Join(out, "\n")
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
