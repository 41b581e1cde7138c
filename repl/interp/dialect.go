package interp

import (
	"bytes"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/netstar/netstar/builtins/pybytes"
	"github.com/netstar/netstar/modules"
	"go.starlark.net/starlark"
	"go.starlark.net/syntax"
)

// Options is netstar's Starlark dialect, used by every entry point (REPL,
// scripts, -c, loaded files): while loops, top-level control flow,
// global reassignment, recursion and sets, as the course's Python needs.
var Options = &syntax.FileOptions{
	Set:               true,
	While:             true,
	TopLevelControl:   true,
	GlobalReassign:    true,
	LoadBindsGlobally: true,
	Recursion:         true,
}

// importFunc is the predeclared function the import pre-pass calls.
const importFunc = "__import__"

// methodFunc is the predeclared function the method rewrite calls.
const methodFunc = "__pymethod__"

// opFunc wraps the left operand of |, & and ^ (see RewriteMethods).
const opFunc = "__pyop__"

var (
	// The patterns compile on first use: start-up does no work that can wait.
	importRE = lazyRE(`^([ \t]*)import[ \t]+([A-Za-z_][\w.]*(?:[ \t]+as[ \t]+[A-Za-z_]\w*)?(?:[ \t]*,[ \t]*[A-Za-z_][\w.]*(?:[ \t]+as[ \t]+[A-Za-z_]\w*)?)*)[ \t]*;?[ \t]*(#.*)?$`)
	fromRE   = lazyRE(`^([ \t]*)from[ \t]+([A-Za-z_][\w.]*)[ \t]+import[ \t]+(\*|\(?[ \t]*[A-Za-z_]\w*(?:[ \t]+as[ \t]+[A-Za-z_]\w*)?(?:[ \t]*,[ \t]*[A-Za-z_]\w*(?:[ \t]+as[ \t]+[A-Za-z_]\w*)?)*[ \t]*,?[ \t]*\)?)[ \t]*;?[ \t]*(#.*)?$`)
	asRE     = lazyRE(`^([\w.]+)(?:[ \t]+as[ \t]+(\w+))?$`)
)

func lazyRE(pattern string) func() *regexp.Regexp {
	return sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(pattern) })
}

// RewriteImports turns the Python import statements the course uses into
// netstar calls, line for line, so line numbers in errors stay right:
//
//	import socket, sys           ->  socket, sys = __import__("socket"), __import__("sys")
//	import socket as s           ->  s = __import__("socket")
//	from socket import a, b as c ->  a, c = __import__("socket", "a", "b")
//	from time import sleep       ->  sleep = __import__("time", "sleep")[0]
//	from socket import *         ->  every public member of socket, bound by name
//
// Lines inside triple-quoted strings are left alone.
func RewriteImports(src []byte) []byte {
	if !bytes.Contains(src, []byte("import")) {
		return src
	}
	lines := strings.SplitAfter(string(src), "\n")
	changed := false
	inString := "" // the open triple quote, if any
	for i, line := range lines {
		body := strings.TrimRight(line, "\r\n")
		if inString == "" {
			if out, ok := rewriteImportLine(body); ok {
				lines[i] = out + line[len(body):]
				changed = true
				continue
			}
		}
		inString = scanTripleQuotes(body, inString)
	}
	if !changed {
		return src
	}
	return []byte(strings.Join(lines, ""))
}

// scanTripleQuotes returns the triple quote left open at the end of line,
// given the one open at its start. It is a heuristic good enough to keep
// the import rewrite out of docstrings.
func scanTripleQuotes(line, open string) string {
	for i := 0; i < len(line); i++ {
		if open == "" && line[i] == '#' {
			return ""
		}
		for _, q := range []string{`"""`, `'''`} {
			if strings.HasPrefix(line[i:], q) {
				switch open {
				case "":
					open = q
				case q:
					open = ""
				default:
					continue
				}
				i += 2
				break
			}
		}
	}
	return open
}

func rewriteImportLine(line string) (string, bool) {
	// `import sys; print(sys.argv)`: rewrite the part before the first
	// semicolon and keep the rest.
	if i := strings.IndexByte(line, ';'); i >= 0 && !strings.ContainsAny(line[:i], "'\"#") {
		if out, ok := rewriteImportStmt(line[:i]); ok {
			if rest := line[i+1:]; strings.TrimSpace(rest) != "" {
				if more, ok := rewriteImportLine(strings.TrimLeft(rest, " \t")); ok {
					rest = " " + more
				}
				return out + ";" + rest, true
			}
			return out, true
		}
	}
	return rewriteImportStmt(line)
}

func rewriteImportStmt(line string) (string, bool) {
	if m := importRE().FindStringSubmatch(line); m != nil {
		var names, calls []string
		for _, part := range strings.Split(m[2], ",") {
			am := asRE().FindStringSubmatch(strings.TrimSpace(part))
			if am == nil {
				return "", false
			}
			name, bind := am[1], am[2]
			if bind == "" {
				bind = strings.SplitN(name, ".", 2)[0]
			}
			names = append(names, bind)
			calls = append(calls, fmt.Sprintf("%s(%s)", importFunc, strconv.Quote(name)))
		}
		return m[1] + strings.Join(names, ", ") + " = " + strings.Join(calls, ", ") + trailingComment(m[3]), true
	}
	if m := fromRE().FindStringSubmatch(line); m != nil {
		module, list := m[2], strings.Trim(m[3], "() \t")
		var binds, members []string
		if list == "*" {
			members = publicMembers(module)
			binds = members
			if len(members) == 0 {
				// Unknown module (or nothing to bind): raise the import error.
				return m[1] + fmt.Sprintf("%s(%s)", importFunc, strconv.Quote(module)) + trailingComment(m[4]), true
			}
		} else {
			for _, part := range strings.Split(strings.TrimSuffix(list, ","), ",") {
				am := asRE().FindStringSubmatch(strings.TrimSpace(part))
				if am == nil || strings.Contains(am[1], ".") {
					return "", false
				}
				bind := am[2]
				if bind == "" {
					bind = am[1]
				}
				binds = append(binds, bind)
				members = append(members, am[1])
			}
		}
		args := []string{strconv.Quote(module)}
		for _, name := range members {
			args = append(args, strconv.Quote(name))
		}
		call := importFunc + "(" + strings.Join(args, ", ") + ")"
		if len(binds) == 1 {
			call += "[0]" // Starlark has no `x, = ...`
		}
		return m[1] + strings.Join(binds, ", ") + " = " + call + trailingComment(m[4]), true
	}
	return "", false
}

func trailingComment(c string) string {
	if c == "" {
		return ""
	}
	return "  " + c
}

// publicMembers lists what `from module import *` binds: the registered
// module's attributes not starting with an underscore.
func publicMembers(module string) []string {
	m, ok := modules.Lookup(module)
	if !ok {
		return nil
	}
	ha, ok := m.Value.(starlark.HasAttrs)
	if !ok {
		return nil
	}
	var names []string
	for _, name := range ha.AttrNames() {
		if !strings.HasPrefix(name, "_") {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	return names
}

// strMethods are Python method spellings that Starlark's string lacks
// or keeps small.
var strMethods = map[string]bool{"encode": true, "decode": true, "format": true}

// pyMethods are Python method spellings Starlark's built-in types lack:
// strMethods and Python's bytes methods (pybytes.MethodNames). Calls of
// these names are routed through __pymethod__, which decides by the
// receiver's type at run time (json.encode(x) stays json.encode,
// s.split(",") stays string's split).
var pyMethods = func() map[string]bool {
	m := map[string]bool{}
	for name := range strMethods {
		m[name] = true
	}
	for _, name := range pybytes.MethodNames {
		m[name] = true
	}
	return m
}()

// RewriteMethods rewrites calls x.encode(...), x.decode(...),
// x.format(...) and of bytes methods (x.split(...), x.hex()...) in f into
// __pymethod__(x, "encode", ...), in place. A string literal's methods
// other than encode and format stay Starlark's (",".join(parts)).
//
// It also rewrites every x[i] it reads into __pyindex__(x, i) and wraps
// what for loops and comprehensions iterate in __pyiter__, so bytes
// index and iterate as ints and strings iterate, as in Python.
//
// It also makes |, & and ^ between two bools give a bool, as in Python
// (the course writes `if (host == None) | (ports[0] == None):`), by
// wrapping the left operand of those operators in __pyop__; and it wraps
// a string literal left of % too, so that "%5d" % n formats as Python's
// % does (Starlark's takes no width or precision).
func RewriteMethods(f *syntax.File) {
	strNames := stringNames(f)
	syntax.Walk(f, func(n syntax.Node) bool {
		if bin, ok := n.(*syntax.BinaryExpr); ok {
			switch bin.Op {
			case syntax.PIPE, syntax.AMP, syntax.CIRCUMFLEX:
				bin.X = pyOp(bin.X)
			case syntax.PERCENT:
				if isStringExpr(bin.X, strNames) {
					bin.X = pyOp(bin.X)
				}
			}
			return true
		}
		call, ok := n.(*syntax.CallExpr)
		if !ok {
			return true
		}
		dot, ok := call.Fn.(*syntax.DotExpr)
		if !ok || !pyMethods[dot.Name.Name] {
			return true
		}
		if lit, ok := dot.X.(*syntax.Literal); ok && !strMethods[dot.Name.Name] && lit.Token != syntax.BYTES {
			return true
		}
		name := &syntax.Literal{Token: syntax.STRING, TokenPos: dot.Name.NamePos, Raw: strconv.Quote(dot.Name.Name), Value: dot.Name.Name}
		call.Args = append([]syntax.Expr{dot.X, name}, call.Args...)
		call.Fn = &syntax.Ident{NamePos: dot.Dot, Name: methodFunc}
		return true
	})
	rewriteIndex(f)
}

// pyOp wraps x in __pyop__(x). The wrapper changes nothing for operands
// its operators do not treat the Python way, so a wrong guess costs
// only speed.
func pyOp(x syntax.Expr) syntax.Expr {
	pos, _ := x.Span()
	return &syntax.CallExpr{Fn: &syntax.Ident{NamePos: pos, Name: opFunc}, Lparen: pos, Args: []syntax.Expr{x}, Rparen: pos}
}

// wrapPercent wraps the left operand of x % y in __pyop__ where x is a
// name isString accepts and RewriteMethods left it alone.
func wrapPercent(f *syntax.File, isString func(name string) bool) {
	syntax.Walk(f, func(n syntax.Node) bool {
		if bin, ok := n.(*syntax.BinaryExpr); ok && bin.Op == syntax.PERCENT {
			if id, ok := bin.X.(*syntax.Ident); ok && isString(id.Name) {
				bin.X = pyOp(bin.X)
			}
		}
		return true
	})
}

// stringNames returns the names that f only ever assigns strings to
// (FMT = "%-15s %5d"), so that FMT % row formats as Python's % does while
// i % 7 keeps Starlark's fast integer operator.
func stringNames(f *syntax.File) map[string]bool {
	str, other := map[string]bool{}, map[string]bool{}
	syntax.Walk(f, func(n syntax.Node) bool {
		switch n := n.(type) {
		case *syntax.AssignStmt:
			if id, ok := n.LHS.(*syntax.Ident); ok {
				if n.Op == syntax.EQ && isStringExpr(n.RHS, nil) {
					str[id.Name] = true
				} else {
					other[id.Name] = true
				}
			} else {
				markAssigned(n.LHS, other)
			}
		case *syntax.ForStmt:
			markAssigned(n.Vars, other)
		case *syntax.DefStmt:
			for _, p := range n.Params {
				markAssigned(p, other)
			}
		}
		return true
	})
	for name := range other {
		delete(str, name)
	}
	return str
}

// markAssigned marks every name an assignment target binds.
func markAssigned(e syntax.Expr, names map[string]bool) {
	syntax.Walk(e, func(n syntax.Node) bool {
		if id, ok := n.(*syntax.Ident); ok {
			names[id.Name] = true
		}
		return true
	})
}

// isStringExpr reports whether e is sure to be a string: a string
// literal, a name in strNames, or a + or parenthesis of those.
func isStringExpr(e syntax.Expr, strNames map[string]bool) bool {
	switch e := e.(type) {
	case *syntax.Literal:
		return e.Token == syntax.STRING
	case *syntax.Ident:
		return strNames[e.Name]
	case *syntax.ParenExpr:
		return isStringExpr(e.X, strNames)
	case *syntax.BinaryExpr:
		return e.Op == syntax.PLUS && isStringExpr(e.X, strNames) && isStringExpr(e.Y, strNames)
	}
	return false
}

// Parse parses a netstar source file: the import pre-pass, then
// Starlark's parser with netstar's Options, then the method rewrite.
func Parse(filename string, src []byte) (*syntax.File, error) {
	src = bytes.TrimPrefix(src, []byte("\ufeff")) // a UTF-8 BOM, as Python accepts
	f, err := Options.Parse(filename, RewriteImports(src), syntax.RetainComments)
	if err != nil {
		return nil, err
	}
	RewriteMethods(f)
	return f, nil
}
