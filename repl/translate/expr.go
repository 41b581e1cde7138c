package translate

import (
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/go-python/gpython/ast"
	"github.com/go-python/gpython/py"
	"github.com/netstar/netstar/modules"
	"go.starlark.net/starlark"
)

// Operator precedences, lowest first (the same in Python and Starlark).
const (
	precLambda = iota + 1
	precIf
	precOr
	precAnd
	precNot
	precCmp
	precBitOr
	precBitXor
	precBitAnd
	precShift
	precAdd
	precMul
	precUnary
	precPow
	precPrimary
	precAtom
)

type binOp struct {
	op   string
	prec int
}

var binOps = map[ast.OperatorNumber]binOp{
	ast.Add: {"+", precAdd}, ast.Sub: {"-", precAdd},
	ast.Mult: {"*", precMul}, ast.Div: {"/", precMul}, ast.Modulo: {"%", precMul}, ast.FloorDiv: {"//", precMul},
	ast.Pow:    {"**", precPow},
	ast.LShift: {"<<", precShift}, ast.RShift: {">>", precShift},
	ast.BitOr: {"|", precBitOr}, ast.BitXor: {"^", precBitXor}, ast.BitAnd: {"&", precBitAnd},
}

var cmpOps = map[ast.CmpOp]string{
	ast.Eq: "==", ast.NotEq: "!=", ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=",
	ast.Is: "==", ast.IsNot: "!=", ast.In: "in", ast.NotIn: "not in",
}

// fail records the first untranslatable construct of the statement being
// written; the statement becomes a TODO.
func (t *translator) fail(e *todoErr) string {
	if t.exprErr == nil {
		t.exprErr = e
	}
	return "None"
}

// exprList prints an expression where an unparenthesized tuple is fine
// (assignments, return, for, expression statements).
func (t *translator) exprList(e ast.Expr) string {
	if tup, ok := e.(*ast.Tuple); ok && len(tup.Elts) > 1 {
		var parts []string
		for _, x := range tup.Elts {
			parts = append(parts, t.expr(x, precLambda))
		}
		return strings.Join(parts, ", ")
	}
	return t.expr(e, precLambda)
}

// target prints an assignment target.
func (t *translator) target(e ast.Expr, top bool) string {
	switch e := e.(type) {
	case *ast.Name:
		if c := t.cell(string(e.Id)); c != "" {
			return c
		}
		return ident(string(e.Id))
	case *ast.Tuple, *ast.List:
		var elts []ast.Expr
		if tup, ok := e.(*ast.Tuple); ok {
			elts = tup.Elts
		} else {
			elts = e.(*ast.List).Elts
		}
		var parts []string
		for _, x := range elts {
			parts = append(parts, t.target(x, false))
		}
		s := strings.Join(parts, ", ")
		if len(parts) == 1 {
			s += ","
		}
		if top && len(parts) > 1 {
			return s
		}
		return "(" + s + ")"
	case *ast.Attribute, *ast.Subscript:
		return t.expr(e, precPrimary)
	case *ast.Starred:
		return t.fail(todof(secOther, "translate.todo.starredAssign"))
	}
	return t.fail(todof(secOther, "translate.todo.assignTo", e))
}

// expr prints e, parenthesized if its precedence is below min.
func (t *translator) expr(e ast.Expr, min int) string {
	s, p := t.expr1(e)
	if p < min {
		return "(" + s + ")"
	}
	return s
}

func (t *translator) expr1(e ast.Expr) (string, int) {
	switch e := e.(type) {
	case *ast.Name:
		return t.name(e), precAtom
	case *ast.NameConstant:
		switch e.Value {
		case py.True:
			return "True", precAtom
		case py.False:
			return "False", precAtom
		}
		return "None", precAtom
	case *ast.Num:
		return t.num(e.N), precAtom
	case *ast.Str:
		return t.str(e), precAtom
	case *ast.Bytes:
		return quoteBytes([]byte(e.S), t.quoteAt(e.Lineno, e.ColOffset)), precAtom
	case *ast.Attribute:
		x := t.expr(e.Value, precPrimary)
		if _, ok := e.Value.(*ast.Num); ok {
			x = "(" + x + ")"
		}
		if string(e.Attr) == "load" {
			return "getattr(" + x + `, "load")`, precPrimary
		}
		return x + "." + string(e.Attr), precPrimary
	case *ast.Subscript:
		return t.expr(e.Value, precPrimary) + "[" + t.slice(e.Slice) + "]", precPrimary
	case *ast.Call:
		return t.call(e), precPrimary
	case *ast.BinOp:
		return t.binop(e)
	case *ast.BoolOp:
		op, prec := " and ", precAnd
		if e.Op == ast.Or {
			op, prec = " or ", precOr
		}
		var parts []string
		for _, v := range e.Values {
			parts = append(parts, t.expr(v, prec+1))
		}
		return strings.Join(parts, op), prec
	case *ast.UnaryOp:
		switch e.Op {
		case ast.Not:
			return "not " + t.expr(e.Operand, precNot), precNot
		case ast.USub:
			return "-" + t.expr(e.Operand, precUnary), precUnary
		case ast.UAdd:
			return "+" + t.expr(e.Operand, precUnary), precUnary
		case ast.Invert:
			return "~" + t.expr(e.Operand, precUnary), precUnary
		}
	case *ast.Compare:
		return t.compare(e)
	case *ast.IfExp:
		return t.expr(e.Body, precOr) + " if " + t.expr(e.Test, precOr) + " else " + t.expr(e.Orelse, precIf), precIf
	case *ast.Lambda:
		p := t.params(e.Args)
		if p != "" {
			p = " " + p
		}
		leave := t.enter(e)
		defer leave()
		return "lambda" + p + ": " + t.expr(e.Body, precLambda), precLambda
	case *ast.Tuple:
		var parts []string
		for _, x := range e.Elts {
			parts = append(parts, t.expr(x, precLambda))
		}
		if len(parts) == 1 {
			return "(" + parts[0] + ",)", precAtom
		}
		return "(" + strings.Join(parts, ", ") + ")", precAtom
	case *ast.List:
		return "[" + t.exprs(e.Elts) + "]", precAtom
	case *ast.Set:
		return "set([" + t.exprs(e.Elts) + "])", precPrimary
	case *ast.Dict:
		var parts []string
		for i := range e.Keys {
			if e.Keys[i] == nil {
				return t.fail(todof(secOther, "translate.todo.dictStar")), precAtom
			}
			parts = append(parts, t.expr(e.Keys[i], precLambda)+": "+t.expr(e.Values[i], precLambda))
		}
		return "{" + strings.Join(parts, ", ") + "}", precAtom
	case *ast.ListComp:
		first := t.firstIter(e.Generators)
		defer t.enter(e)()
		return "[" + t.expr(e.Elt, precLambda) + t.comprehension(e.Generators, first) + "]", precAtom
	case *ast.GeneratorExp:
		first := t.firstIter(e.Generators)
		defer t.enter(e)()
		return "[" + t.expr(e.Elt, precLambda) + t.comprehension(e.Generators, first) + "]", precAtom
	case *ast.SetComp:
		first := t.firstIter(e.Generators)
		defer t.enter(e)()
		return "set([" + t.expr(e.Elt, precLambda) + t.comprehension(e.Generators, first) + "])", precPrimary
	case *ast.DictComp:
		first := t.firstIter(e.Generators)
		defer t.enter(e)()
		return "{" + t.expr(e.Key, precLambda) + ": " + t.expr(e.Value, precLambda) + t.comprehension(e.Generators, first) + "}", precAtom
	case *ast.Yield, *ast.YieldFrom:
		return t.fail(todof(secClasses, "translate.todo.yield")), precAtom
	case *ast.Starred:
		return t.fail(todof(secOther, "translate.todo.starHere")), precAtom
	case *ast.Ellipsis:
		return t.fail(todof(secOther, "translate.todo.ellipsis")), precAtom
	}
	return t.fail(todof(secOther, "translate.todo.exprType", e)), precAtom
}

func (t *translator) exprs(list []ast.Expr) string {
	var parts []string
	for _, x := range list {
		parts = append(parts, t.expr(x, precLambda))
	}
	return strings.Join(parts, ", ")
}

// firstIter writes a comprehension's first iterable, which Python
// evaluates in the enclosing scope.
func (t *translator) firstIter(gens []ast.Comprehension) string {
	if len(gens) == 0 {
		return ""
	}
	return t.expr(gens[0].Iter, precOr)
}

// comprehension writes the for and if clauses; first is the first
// iterable, written by firstIter.
func (t *translator) comprehension(gens []ast.Comprehension, first string) string {
	var b strings.Builder
	for i, g := range gens {
		it := first
		if i > 0 {
			it = t.expr(g.Iter, precOr)
		}
		b.WriteString(" for " + t.target(g.Target, true) + " in " + it)
		for _, c := range g.Ifs {
			b.WriteString(" if " + t.expr(c, precOr))
		}
	}
	return b.String()
}

func (t *translator) slice(s ast.Slicer) string {
	switch s := s.(type) {
	case *ast.Index:
		return t.exprList(s.Value)
	case *ast.Slice:
		var b strings.Builder
		if s.Lower != nil {
			b.WriteString(t.expr(s.Lower, precLambda))
		}
		b.WriteString(":")
		if s.Upper != nil {
			b.WriteString(t.expr(s.Upper, precLambda))
		}
		if s.Step != nil {
			b.WriteString(":" + t.expr(s.Step, precLambda))
		}
		return b.String()
	}
	return t.fail(todof(secOther, "translate.todo.extSlice"))
}

// name prints a variable reference, refusing names bound only by
// untranslated code and Python builtins netstar lacks.
func (t *translator) name(e *ast.Name) string {
	n := string(e.Id)
	if c := t.cell(n); c != "" {
		return c
	}
	if e.Ctx != ast.Store && !t.sc.isBound(n) {
		if why, ok := t.sh.missing[n]; ok {
			return t.fail(todof(secOther, "translate.todo.untranslated", n, why))
		}
		if pythonOnlyBuiltins[n] && !t.sh.fileBound[n] && !netstarHas(n) {
			return t.fail(todof(secBuiltin, "translate.todo.noBuiltin", n))
		}
	}
	return ident(n)
}

// pythonOnlyBuiltins are Python builtins Starlark does not have; using
// one (unless the program defines it) is a TODO.
var pythonOnlyBuiltins = map[string]bool{
	"open": true, "sum": true, "map": true, "filter": true,
	"round": true, "pow": true, "divmod": true, "hex": true, "oct": true, "bin": true, "format": true,
	"iter": true, "next": true, "id": true, "callable": true, "globals": true, "locals": true,
	"vars": true, "object": true, "property": true, "exec": true, "eval": true, "compile": true, "memoryview": true,
	"bytearray": true, "frozenset": true, "slice": true, "complex": true, "ascii": true,
	"breakpoint": true, "delattr": true, "setattr": true, "__import__": true,
}

// netstarHas reports whether a global name exists in netstar: Starlark's
// universe or a registered builtin or module.
func netstarHas(n string) bool {
	if _, ok := starlark.Universe[n]; ok {
		return true
	}
	for _, b := range modules.Builtins() {
		if b.Name == n {
			return true
		}
	}
	_, ok := modules.Lookup(n)
	return ok
}

func knownModule(name string) bool {
	_, ok := modules.Lookup(name)
	return ok
}

func moduleNames() []string { return modules.Names() }

func moduleMembers(name string) []string {
	m, ok := modules.Lookup(name)
	if !ok {
		return nil
	}
	ha, ok := m.Value.(starlark.HasAttrs)
	if !ok {
		return nil
	}
	var out []string
	for _, n := range ha.AttrNames() {
		if !strings.HasPrefix(n, "_") {
			out = append(out, n)
		}
	}
	return out
}

func moduleHas(module, member string) bool {
	m, ok := modules.Lookup(module)
	if !ok {
		return false
	}
	ha, ok := m.Value.(starlark.HasAttrs)
	if !ok {
		return true
	}
	v, err := ha.Attr(member)
	return err == nil && v != nil
}

// ident renames Python identifiers that are Starlark keywords.
func ident(n string) string {
	if n == "load" {
		return "load_"
	}
	return n
}

func (t *translator) call(e *ast.Call) string {
	if n, ok := e.Func.(*ast.Name); ok && !t.sh.fileBound[string(n.Id)] && e.Starargs == nil && e.Kwargs == nil && len(e.Keywords) == 0 {
		if s, ok := t.builtinCall(string(n.Id), e.Args); ok {
			return s
		}
	}
	if s, ok := t.reprFormat(e); ok {
		return s
	}
	fn := t.expr(e.Func, precPrimary)
	var args []string
	for _, a := range e.Args {
		args = append(args, t.expr(a, precLambda))
	}
	for _, k := range e.Keywords {
		args = append(args, string(k.Arg)+"="+t.expr(k.Value, precLambda))
	}
	if e.Starargs != nil {
		args = append(args, "*"+t.expr(e.Starargs, precLambda))
	}
	if e.Kwargs != nil {
		args = append(args, "**"+t.expr(e.Kwargs, precLambda))
	}
	return fn + "(" + strings.Join(args, ", ") + ")"
}

// typeNames maps Python classes to Starlark's type() names.
var typeNames = map[string]string{
	"str": "string", "int": "int", "float": "float", "bool": "bool", "list": "list",
	"dict": "dict", "tuple": "tuple", "bytes": "bytes", "set": "set",
}

// builtinCall rewrites a few Python builtins Starlark lacks.
func (t *translator) builtinCall(name string, args []ast.Expr) (string, bool) {
	switch name {
	case "isinstance", "issubclass":
		if len(args) != 2 {
			return "", false
		}
		return "__ns_" + name + "__(" + t.expr(args[0], precLambda) + ", " + t.classInfo(args[1]) + ")", true
	case "super":
		if len(args) == 0 && t.cls != nil && t.cls.self != "" {
			return "__ns_super__(" + ident(t.cls.name) + ", " + ident(t.cls.self) + ")", true
		}
	}
	return "", false
}

func (t *translator) binop(e *ast.BinOp) (string, int) {
	if (e.Op == ast.BitOr || e.Op == ast.BitAnd) && boolish(e.Left) && boolish(e.Right) {
		// (host == None) | (port == None): Starlark has no bool |.
		op, prec := " or ", precOr
		if e.Op == ast.BitAnd {
			op, prec = " and ", precAnd
		}
		return t.expr(e.Left, prec) + op + t.expr(e.Right, prec+1), prec
	}
	if e.Op == ast.BitXor && boolish(e.Left) && boolish(e.Right) {
		return t.expr(e.Left, precCmp+1) + " != " + t.expr(e.Right, precCmp+1), precCmp
	}
	if e.Op == ast.Pow {
		if v, ok := foldPow(e); ok {
			return v, precAtom
		}
		// Starlark has no **: netstar's pow() is Python's.
		return t.powCall(e.Left, e.Right), precPrimary
	}
	op, ok := binOps[e.Op]
	if !ok {
		return t.fail(todof(secOther, "translate.todo.operator")), precAtom
	}
	return t.expr(e.Left, op.prec) + " " + op.op + " " + t.expr(e.Right, op.prec+1), op.prec
}

// powCall writes a ** b as pow(a, b); a program that defines its own
// pow keeps ** as a TODO.
func (t *translator) powCall(a, b ast.Expr) string {
	if t.sh.fileBound["pow"] || !netstarHas("pow") {
		return t.fail(todof(secOther, "translate.todo.powRedefined"))
	}
	return "pow(" + t.expr(a, precLambda) + ", " + t.expr(b, precLambda) + ")"
}

func foldPow(e *ast.BinOp) (string, bool) {
	a, ok1 := e.Left.(*ast.Num)
	b, ok2 := e.Right.(*ast.Num)
	if !ok1 || !ok2 {
		return "", false
	}
	x, okx := a.N.(py.Int)
	y, oky := b.N.(py.Int)
	if !okx || !oky || y < 0 || y > 256 {
		return "", false
	}
	return new(big.Int).Exp(big.NewInt(int64(x)), big.NewInt(int64(y)), nil).String(), true
}

// boolish reports whether e is certainly a bool (a comparison, not, and,
// or, True, False).
func boolish(e ast.Expr) bool {
	switch e := e.(type) {
	case *ast.Compare, *ast.BoolOp:
		return true
	case *ast.UnaryOp:
		return e.Op == ast.Not
	case *ast.NameConstant:
		return e.Value == py.True || e.Value == py.False
	case *ast.BinOp:
		return (e.Op == ast.BitOr || e.Op == ast.BitAnd || e.Op == ast.BitXor) && boolish(e.Left) && boolish(e.Right)
	case *ast.Call:
		if n, ok := e.Func.(*ast.Name); ok {
			return n.Id == "bool" || n.Id == "isinstance" || n.Id == "hasattr"
		}
	}
	return false
}

func (t *translator) compare(e *ast.Compare) (string, int) {
	if len(e.Ops) == 1 {
		return t.expr(e.Left, precCmp+1) + " " + cmpOps[e.Ops[0]] + " " + t.expr(e.Comparators[0], precCmp+1), precCmp
	}
	// a < b < c  ->  a < b and b < c
	var parts []string
	left := e.Left
	for i, op := range e.Ops {
		right := e.Comparators[i]
		if i < len(e.Ops)-1 && !simpleExpr(right) {
			return t.fail(todof(secOther, "translate.todo.chainedCompare")), precAtom
		}
		parts = append(parts, t.expr(left, precCmp+1)+" "+cmpOps[op]+" "+t.expr(right, precCmp+1))
		left = right
	}
	return strings.Join(parts, " and "), precAnd
}

func (t *translator) num(n py.Object) string {
	switch n := n.(type) {
	case py.Int:
		return strconv.FormatInt(int64(n), 10)
	case *py.BigInt:
		return (*big.Int)(n).String()
	case py.Float:
		f := float64(n)
		switch {
		case math.IsInf(f, 1):
			return `float("inf")`
		case math.IsInf(f, -1):
			return `float("-inf")`
		case math.IsNaN(f):
			return `float("nan")`
		}
		s := strconv.FormatFloat(f, 'g', -1, 64)
		if !strings.ContainsAny(s, ".eEn") {
			s += ".0"
		}
		return s
	}
	return t.fail(todof(secOther, "translate.todo.complex"))
}

func pyInt(i int) py.Object { return py.Int(i) }

// quoteAt returns the quote character the source used for the literal at
// (line, col), or '"'.
func (t *translator) quoteAt(line, col int) byte {
	if line <= 0 || line >= len(t.u.lines) || t.inline > 0 {
		return '"'
	}
	l := t.u.lines[line]
	for i := col; i < len(l) && i < col+3; i++ {
		if l[i] == '\'' || l[i] == '"' {
			return l[i]
		}
	}
	return '"'
}

// tripleAt reports whether the literal at (line, col) is triple-quoted.
func (t *translator) tripleAt(line, col int) bool {
	if line <= 0 || line >= len(t.u.lines) || t.inline > 0 {
		return false
	}
	l := t.u.lines[line]
	for i := col; i < len(l) && i < col+3; i++ {
		if l[i] == '\'' || l[i] == '"' {
			return strings.HasPrefix(l[i:], `"""`) || strings.HasPrefix(l[i:], `'''`)
		}
	}
	return false
}

func (t *translator) str(e *ast.Str) string {
	s := string(e.S)
	if t.tripleAt(e.Lineno, e.ColOffset) && strings.Contains(s, "\n") && !strings.Contains(s, `"""`) &&
		!strings.Contains(s, `\`) && !strings.HasSuffix(s, `"`) && printableText(s) {
		return `"""` + s + `"""`
	}
	return quoteStr(s, t.quoteAt(e.Lineno, e.ColOffset))
}

func printableText(s string) bool {
	for _, r := range s {
		if r != '\n' && r != '\t' && !unicode.IsPrint(r) {
			return false
		}
	}
	return utf8.ValidString(s)
}

// quoteStr writes a Starlark string literal.
func quoteStr(s string, q byte) string {
	if q != '\'' {
		q = '"'
	}
	// Prefer the quote that needs no escaping.
	if strings.IndexByte(s, q) >= 0 {
		other := byte('"')
		if q == '"' {
			other = '\''
		}
		if strings.IndexByte(s, other) < 0 {
			q = other
		}
	}
	var b strings.Builder
	b.WriteByte(q)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b.WriteString(`\ufffd`)
		case r == rune(q):
			b.WriteByte('\\')
			b.WriteByte(q)
		case r == '\\':
			b.WriteString(`\\`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, r)
		case !unicode.IsPrint(r) && r < 0x10000:
			fmt.Fprintf(&b, `\u%04x`, r)
		case !unicode.IsPrint(r):
			fmt.Fprintf(&b, `\U%08x`, r)
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	b.WriteByte(q)
	return b.String()
}

// quoteBytes writes a Starlark bytes literal.
func quoteBytes(s []byte, q byte) string {
	if q != '\'' {
		q = '"'
	}
	var b strings.Builder
	b.WriteString("b")
	b.WriteByte(q)
	for _, c := range s {
		switch {
		case c == q:
			b.WriteByte('\\')
			b.WriteByte(q)
		case c == '\\':
			b.WriteString(`\\`)
		case c == '\n':
			b.WriteString(`\n`)
		case c == '\r':
			b.WriteString(`\r`)
		case c == '\t':
			b.WriteString(`\t`)
		case c < 0x20 || c >= 0x7f:
			fmt.Fprintf(&b, `\x%02x`, c)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte(q)
	return b.String()
}

// reprFormat rewrites "a {!r}".format(x) as "a {}".format(repr(x)).
// netstar's {!r} is Python's too, but the translation is also read as
// Starlark, whose {!r} quotes strings with "; repr(x) means the same in
// both. Only all-automatic fields ({}, {!r}, {!s}) with one positional
// argument each are rewritten.
func (t *translator) reprFormat(e *ast.Call) (string, bool) {
	attr, ok := e.Func.(*ast.Attribute)
	if !ok || attr.Attr != "format" || len(e.Keywords) > 0 || e.Starargs != nil || e.Kwargs != nil {
		return "", false
	}
	str, ok := attr.Value.(*ast.Str)
	if !ok || !strings.Contains(string(str.S), "!r}") {
		return "", false
	}
	s := string(str.S)
	var out strings.Builder
	var convs []string
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case (c == '{' || c == '}') && i+1 < len(s) && s[i+1] == c:
			out.WriteString(s[i : i+2])
			i++
		case c == '{':
			j := strings.IndexByte(s[i:], '}')
			if j < 0 {
				return "", false
			}
			field := s[i+1 : i+j]
			if field != "" && field != "!r" && field != "!s" {
				return "", false
			}
			convs = append(convs, field)
			out.WriteString("{}")
			i += j
		default:
			out.WriteByte(c)
		}
	}
	if len(convs) != len(e.Args) {
		return "", false
	}
	var args []string
	for k, a := range e.Args {
		x := t.expr(a, precLambda)
		if convs[k] == "!r" {
			x = "repr(" + x + ")"
		}
		args = append(args, x)
	}
	lit := quoteStr(out.String(), t.quoteAt(str.Lineno, str.ColOffset))
	return lit + ".format(" + strings.Join(args, ", ") + ")", true
}

// classInfo writes isinstance's second argument: classes of the program
// as they are, builtin types and exception classes by name.
func (t *translator) classInfo(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.Tuple:
		var parts []string
		for _, x := range e.Elts {
			parts = append(parts, t.classInfo(x))
		}
		if len(parts) == 1 {
			return "(" + parts[0] + ",)"
		}
		return "(" + strings.Join(parts, ", ") + ")"
	case *ast.Name:
		n := string(e.Id)
		if !t.sc.isBound(n) && !t.sh.fileBound[n] {
			if a, ok := exceptionAliases[n]; ok {
				n = a
			}
			return quoteStr(n, '"')
		}
	case *ast.Attribute:
		if a, ok := exceptionAliases[string(e.Attr)]; ok {
			return quoteStr(a, '"')
		}
	}
	return t.expr(e, precLambda)
}
