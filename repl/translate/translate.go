// Package translate turns Python 3 scripts and Jupyter notebooks into
// netstar source. It is a library: the commands built on it, `netstar
// translate` and the notebook stepper `netstar step`, live in cmd/netstar;
// the REPL and the script runner use Suggest for their "this looks like
// Python" hint.
//
// Python is parsed with the pure-Go parser of github.com/go-python/gpython
// (Python 3.4 grammar); a pre-pass turns f-strings, which that parser
// lacks, into str.format calls without moving any line. The syntax tree
// is then printed as netstar's Starlark dialect. What netstar runs as it
// is (imports, while, top-level control flow, print's keywords, %
// formatting, encode/decode) is printed back unchanged; what Starlark
// lacks is rewritten:
//
//	try/except/else/finally  ->  the try block in a local function, run by catch()
//	f"x={x}"                 ->  "x={}".format(x)
//	with A as a: ...         ->  a = A; ...; a.close()
//	a is None, a is not None ->  a == None, a != None
//	(a == b) | (c == d)      ->  (a == b) or (c == d)
//	a < b < c                ->  a < b and b < c
//	raise X("m")             ->  fail("X: m")
//	del d[k]                 ->  d.pop(k)
//	n ** 2, x **= 2          ->  pow(n, 2), x = pow(x, 2) (2 ** 10 -> 1024)
//	global n; n += 1         ->  __ns_g["n"] += 1 (everywhere n is that global)
//	nonlocal n; n += 1       ->  __ns_c1["n"] += 1 (a dict of n's function)
//
// A name that a function declares global and rebinds lives in one
// module-level dict, and a variable that an inner function rebinds
// through nonlocal in a dict of the function that owns it, because
// Starlark functions cannot rebind either: cells.go resolves Python's
// scopes first. Reading such a global before it exists is a KeyError
// where Python says NameError. The REPL translates input by input, so a
// typed function that rebinds a global is a TODO there (Untranslatable
// says why); nonlocal works there too.
//
// What cannot be translated (generators, an import of a module netstar
// lacks...) is kept as a comment
// under a "# TODO(netstar): why — see scripts/README.md#section" line and
// listed in Result.TODOs; the rest of the output still runs.
package translate

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/go-python/gpython/ast"
	"github.com/go-python/gpython/parser"
	"github.com/go-python/gpython/py"
	"github.com/netstar/netstar/builtins/i18n"
)

// Guide is the document TODO comments point to.
const Guide = "scripts/README.md"

// Result is a translation.
type Result struct {
	// Code is the netstar source.
	Code string
	// TODOs lists what was kept as a comment because netstar cannot run
	// it, in source order.
	TODOs []TODO
}

// TODO is one construct the translator kept as a comment.
type TODO struct {
	// Cell is the notebook cell (or the step of a script run by netstar
	// step), 1-based; 0 for a .py file translated as a whole.
	Cell int
	// Line is the line of the construct in the Python source (in its
	// cell, for a notebook).
	Line int
	// Reason says why it was not translated.
	Reason string
	// Section is the anchor of the guide section that explains the
	// hand translation, e.g. "classes".
	Section string
}

func (t TODO) String() string {
	where := i18n.T("translate.where.line", t.Line)
	if t.Cell > 0 {
		where = i18n.T("translate.where.cell", t.Cell, t.Line)
	}
	return i18n.T("translate.todoString", where, t.Reason, Guide, t.Section)
}

// SyntaxError is Python source the translator cannot parse. For the
// mistakes students make most (brackets never closed, indentation, tabs,
// NUL bytes) Class, Msg, Line and Col are CPython 3.11's.
type SyntaxError struct {
	Filename string
	// Class is the Python exception: "SyntaxError" (also when empty),
	// "IndentationError" or "TabError".
	Class string
	Cell  int    // notebook cell (1-based), 0 for a .py file
	Line  int    // 1-based
	Col   int    // 1-based; 0 when unknown
	Msg   string // Python's message, without the class
	Text  string // the offending source line, if known
}

// PythonMessage is the last line Python prints for the error: the class
// and the message ("IndentationError: unexpected indent").
func (e *SyntaxError) PythonMessage() string {
	class := e.Class
	if class == "" {
		class = classSyntax
	}
	return class + ": " + e.Msg
}

func (e *SyntaxError) Error() string {
	var b strings.Builder
	b.WriteString(e.Filename)
	if e.Cell > 0 {
		fmt.Fprintf(&b, ": cell %d", e.Cell)
	}
	fmt.Fprintf(&b, ": line %d", e.Line)
	if e.Col > 0 {
		fmt.Fprintf(&b, ", column %d", e.Col)
	}
	b.WriteString(": ")
	if e.Class != "" && e.Class != classSyntax {
		b.WriteString(e.Class + ": ")
	}
	b.WriteString(e.Msg)
	if t := strings.TrimSpace(e.Text); t != "" {
		b.WriteString("\n    " + t)
	}
	return b.String()
}

// Python translates a Python 3 source file to netstar. It fails only
// when src is not Python (a *SyntaxError, or a *SyntaxError list joined
// with errors.Join); anything else that cannot be translated is kept as
// a commented TODO.
func Python(filename string, src []byte) (Result, error) {
	return PythonContext(context.Background(), filename, src)
}

// PythonContext is Python that stops when ctx is done (the REPL passes a
// context that Ctrl-C cancels): it then returns an error wrapping
// ctx.Err(). Translation time is linear in the source's size.
func PythonContext(ctx context.Context, filename string, src []byte) (Result, error) {
	src = stripBOM(src)
	mod, info, err := parsePython(filename, string(src))
	if err != nil {
		return Result{}, err
	}
	u := &unit{lines: splitLines(string(src)), info: info, mod: mod}
	codes, todos, err := translateUnitsContext(ctx, filename, []*unit{u})
	if err != nil {
		return Result{}, err
	}
	header := i18n.T("translate.header", baseName(filename)) + "\n\n"
	return Result{Code: header + codes[0], TODOs: todos}, nil
}

func baseName(p string) string {
	if i := strings.LastIndexAny(p, `/\`); i >= 0 {
		return p[i+1:]
	}
	return p
}

// stripBOM drops a UTF-8 byte order mark at the start, as Python does.
func stripBOM(src []byte) []byte {
	return bytes.TrimPrefix(src, []byte("\ufeff"))
}

// parsePython runs the f-string pre-pass and gpython's parser.
func parsePython(filename, src string) (*ast.Module, []lineInfo, error) {
	src = strings.TrimPrefix(src, "\ufeff")
	src = strings.ReplaceAll(src, "\r\n", "\n")
	if i := strings.IndexByte(src, 0); i >= 0 {
		line := 1 + strings.Count(src[:i], "\n")
		return nil, nil, &SyntaxError{Filename: filename, Class: classSyntax, Line: line, Msg: "source code cannot contain null bytes", Text: strings.ReplaceAll(lineAt(src, line), "\x00", "")}
	}
	structural := checkStructure(filename, src)
	if structural != nil && structural.tokenizer {
		return nil, nil, structural.SyntaxError
	}
	spans, info := scanSource(src)
	pre, err := rewriteFStrings(src, spans)
	if err != nil {
		var fe *fstringError
		if errors.As(err, &fe) {
			line, col := lineCol(src, fe.offset)
			return nil, nil, &SyntaxError{Filename: filename, Line: line, Col: col, Msg: fe.msg, Text: lineAt(src, line)}
		}
		return nil, nil, err
	}
	mod, err := parseGPython(filename, pre)
	if err != nil {
		// The parser's error is generic; CPython's names the mistake
		// unless the parser stopped before it.
		var se *SyntaxError
		if structural != nil && (!errors.As(err, &se) || se.Line >= structural.at) {
			return nil, nil, structural.SyntaxError
		}
		return nil, nil, err
	}
	m, ok := mod.(*ast.Module)
	if !ok {
		return nil, nil, &SyntaxError{Filename: filename, Line: 1, Msg: "not a module"}
	}
	return m, info, nil
}

// parseGPython calls gpython's parser, turning its SyntaxError (and any
// panic of the generated parser) into a *SyntaxError.
func parseGPython(filename, src string) (mod ast.Mod, err error) {
	defer func() {
		if r := recover(); r != nil {
			mod, err = nil, &SyntaxError{Filename: filename, Line: 1, Msg: fmt.Sprintf("invalid syntax (%v)", r)}
		}
	}()
	mod, err = parser.Parse(strings.NewReader(src), filename, py.ExecMode)
	if err == nil {
		return mod, nil
	}
	se := &SyntaxError{Filename: filename, Line: 1, Msg: "invalid syntax"}
	if pe, ok := err.(*py.Exception); ok {
		if n, ok := pe.Dict["lineno"].(py.Int); ok {
			se.Line = int(n)
		}
		if n, ok := pe.Dict["offset"].(py.Int); ok {
			se.Col = int(n)
		}
		if s, ok := pe.Dict["line"].(py.String); ok {
			se.Text = string(s)
		}
		if args, ok := pe.Args.(py.Tuple); ok && len(args) > 0 {
			if s, ok := args[0].(py.String); ok && s != "" {
				se.Msg = string(s)
			}
		}
	} else {
		se.Msg = err.Error()
	}
	if se.Line < 1 {
		se.Line = 1
	}
	if t := lineAt(src, se.Line); t != "" {
		se.Text = t
	}
	if hint := syntaxHint(se.Text); hint != "" {
		se.Msg += " (" + hint + ")"
	}
	return nil, se
}

// syntaxHint recognizes Python that the 3.4 grammar does not know.
func syntaxHint(line string) string {
	l := strings.TrimSpace(line)
	switch {
	case strings.HasPrefix(l, "print ") && !strings.HasPrefix(l, "print (") && !strings.Contains(l, "="):
		return "Python 2 print statement: write print(...)"
	case strings.Contains(l, ":="):
		return "the walrus operator := is not supported"
	case strings.HasPrefix(l, "async ") || strings.HasPrefix(l, "await "):
		return "async/await is not supported"
	case strings.HasPrefix(l, "match "):
		return "match statements are not supported"
	}
	return ""
}

func lineCol(src string, off int) (int, int) {
	if off > len(src) {
		off = len(src)
	}
	line := 1 + strings.Count(src[:off], "\n")
	col := off - strings.LastIndexByte(src[:off], '\n')
	return line, col
}

func lineAt(src string, line int) string {
	for i := 1; i < line; i++ {
		j := strings.IndexByte(src, '\n')
		if j < 0 {
			return ""
		}
		src = src[j+1:]
	}
	if j := strings.IndexByte(src, '\n'); j >= 0 {
		src = src[:j]
	}
	return src
}
