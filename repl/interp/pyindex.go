package interp

import (
	"github.com/netstar/netstar/builtins/pybytes"
	"go.starlark.net/starlark"
	"go.starlark.net/syntax"
)

// indexFunc is the predeclared function x[i] is rewritten into.
const indexFunc = "__pyindex__"

// iterFunc wraps what a for loop or comprehension iterates over.
const iterFunc = "__pyiter__"

// The rewrite turns x[i] into (__pyindex__ ^ x)[i] and `for c in x`
// into `for c in __pyiter__ ^ x`. The helpers are left operands of ^
// rather than functions because Starlark's binary operation costs a
// fraction of a builtin call (no frame, no copy of the arguments), and
// it gives back x itself when x is neither bytes nor a string, so a list
// indexed in a hot loop allocates nothing more. They are also callable,
// for a program that calls them by hand: __pyindex__(x, i),
// __pyiter__(x).
type helper struct {
	name string
	// of returns what stands for x.
	of func(x starlark.Value) starlark.Value
}

var (
	_ starlark.HasBinary = (*helper)(nil)
	_ starlark.Callable  = (*helper)(nil)

	indexBuiltin = &helper{name: indexFunc, of: func(x starlark.Value) starlark.Value {
		switch x.(type) {
		case *starlark.List, starlark.Tuple, *starlark.Dict, starlark.String:
			// Starlark's subscript is Python's; the report path gives
			// its errors Python's texts (pythonError).
			return x
		}
		return pyIndexed{x}
	}}
	iterBuiltin = &helper{name: iterFunc, of: func(x starlark.Value) starlark.Value {
		switch x.(type) {
		case starlark.Bytes, starlark.String:
			return pybytes.Iterable(x)
		}
		return x
	}}
)

func (h *helper) Name() string          { return h.name }
func (h *helper) String() string        { return "<built-in function " + h.name + ">" }
func (h *helper) Type() string          { return "builtin_function_or_method" }
func (h *helper) Freeze()               {}
func (h *helper) Truth() starlark.Bool  { return true }
func (h *helper) Hash() (uint32, error) { return starlark.String(h.name).Hash() }

// Binary gives what stands for y in __pyindex__ ^ y and __pyiter__ ^ y.
func (h *helper) Binary(op syntax.Token, y starlark.Value, side starlark.Side) (starlark.Value, error) {
	if op != syntax.CIRCUMFLEX || side != starlark.Left {
		return nil, nil
	}
	return h.of(y), nil
}

// CallInternal is __pyindex__(x, i) or __pyiter__(x) called by hand.
func (h *helper) CallInternal(thread *starlark.Thread, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	if h == indexBuiltin {
		var x, i starlark.Value
		if err := starlark.UnpackPositionalArgs(h.name, args, kwargs, 2, &x, &i); err != nil {
			return nil, err
		}
		return pybytes.Index(x, i)
	}
	var x starlark.Value
	if err := starlark.UnpackPositionalArgs(h.name, args, kwargs, 1, &x); err != nil {
		return nil, err
	}
	return h.of(x), nil
}

// pyIndexed is a value about to be indexed as Python does it
// (pybytes.Index): bytes give ints, and a value that has no subscript
// gives Python's TypeError.
type pyIndexed struct{ v starlark.Value }

var _ starlark.Mapping = pyIndexed{}

func (x pyIndexed) String() string        { return x.v.String() }
func (x pyIndexed) Type() string          { return x.v.Type() }
func (x pyIndexed) Freeze()               {}
func (x pyIndexed) Truth() starlark.Bool  { return x.v.Truth() }
func (x pyIndexed) Hash() (uint32, error) { return x.v.Hash() }

// Get returns v[k] as Python does.
func (x pyIndexed) Get(k starlark.Value) (starlark.Value, bool, error) {
	v, err := pybytes.Index(x.v, k)
	return v, err == nil, err
}

// rewriteIndex turns every x[i] that f reads (not a slice, not an
// assignment target) into (__pyindex__ ^ x)[i], and each for loop and
// comprehension over x into one over __pyiter__ ^ x, so that bytes index and
// iterate as ints as in Python. Receivers and iterables that cannot be
// bytes (list, tuple and dict displays, comprehensions, string
// literals, range(...)) keep Starlark's faster native operations.
func rewriteIndex(f *syntax.File) {
	ix := indexRewriter{}
	ix.stmts(f.Stmts)
}

type indexRewriter struct{}

func (ix indexRewriter) stmts(list []syntax.Stmt) {
	for _, s := range list {
		ix.stmt(s)
	}
}

func (ix indexRewriter) stmt(s syntax.Stmt) {
	switch s := s.(type) {
	case *syntax.AssignStmt:
		s.LHS = ix.target(s.LHS)
		s.RHS = ix.expr(s.RHS)
	case *syntax.ExprStmt:
		s.X = ix.expr(s.X)
	case *syntax.ForStmt:
		s.Vars = ix.target(s.Vars)
		s.X = ix.iter(ix.expr(s.X))
		ix.stmts(s.Body)
	case *syntax.WhileStmt:
		s.Cond = ix.expr(s.Cond)
		ix.stmts(s.Body)
	case *syntax.IfStmt:
		s.Cond = ix.expr(s.Cond)
		ix.stmts(s.True)
		ix.stmts(s.False)
	case *syntax.ReturnStmt:
		if s.Result != nil {
			s.Result = ix.expr(s.Result)
		}
	case *syntax.DefStmt:
		ix.params(s.Params)
		ix.stmts(s.Body)
	}
}

// params rewrites the default values of parameters (name=default).
func (ix indexRewriter) params(params []syntax.Expr) {
	for _, p := range params {
		if b, ok := p.(*syntax.BinaryExpr); ok && b.Op == syntax.EQ {
			b.Y = ix.expr(b.Y)
		}
	}
}

// target rewrites an assignment target: its own subscripts stay
// Starlark's (they are stores, or the load of an augmented assignment),
// the expressions inside them are rewritten.
func (ix indexRewriter) target(e syntax.Expr) syntax.Expr {
	switch t := e.(type) {
	case *syntax.Ident:
	case *syntax.IndexExpr:
		t.X = ix.target(t.X)
		t.Y = ix.expr(t.Y)
	case *syntax.DotExpr:
		t.X = ix.target(t.X)
	case *syntax.ParenExpr:
		t.X = ix.target(t.X)
	case *syntax.TupleExpr:
		for i, x := range t.List {
			t.List[i] = ix.target(x)
		}
	case *syntax.ListExpr:
		for i, x := range t.List {
			t.List[i] = ix.target(x)
		}
	default:
		return ix.expr(e)
	}
	return e
}

func (ix indexRewriter) exprs(list []syntax.Expr) {
	for i, x := range list {
		list[i] = ix.expr(x)
	}
}

func (ix indexRewriter) expr(e syntax.Expr) syntax.Expr {
	switch x := e.(type) {
	case *syntax.IndexExpr:
		x.X = ix.expr(x.X)
		x.Y = ix.expr(x.Y)
		if lit, ok := x.X.(*syntax.Literal); notBytes(x.X) || ok && lit.Token == syntax.STRING {
			return x
		}
		x.X = helperOf(indexFunc, x.X)
		return x
	case *syntax.BinaryExpr:
		x.X = ix.expr(x.X)
		x.Y = ix.expr(x.Y)
	case *syntax.UnaryExpr:
		if x.X != nil {
			x.X = ix.expr(x.X)
		}
	case *syntax.CallExpr:
		x.Fn = ix.expr(x.Fn)
		ix.exprs(x.Args) // name=value is a BinaryExpr whose name is an Ident
	case *syntax.Comprehension:
		for _, c := range x.Clauses {
			switch c := c.(type) {
			case *syntax.ForClause:
				c.Vars = ix.target(c.Vars)
				c.X = ix.iter(ix.expr(c.X))
			case *syntax.IfClause:
				c.Cond = ix.expr(c.Cond)
			}
		}
		x.Body = ix.expr(x.Body)
	case *syntax.CondExpr:
		x.Cond = ix.expr(x.Cond)
		x.True = ix.expr(x.True)
		x.False = ix.expr(x.False)
	case *syntax.DictEntry:
		x.Key = ix.expr(x.Key)
		x.Value = ix.expr(x.Value)
	case *syntax.DictExpr:
		ix.exprs(x.List)
	case *syntax.DotExpr:
		x.X = ix.expr(x.X)
	case *syntax.LambdaExpr:
		ix.params(x.Params)
		x.Body = ix.expr(x.Body)
	case *syntax.ListExpr:
		ix.exprs(x.List)
	case *syntax.TupleExpr:
		ix.exprs(x.List)
	case *syntax.ParenExpr:
		x.X = ix.expr(x.X)
	case *syntax.SliceExpr:
		x.X = ix.expr(x.X)
		for _, p := range []*syntax.Expr{&x.Lo, &x.Hi, &x.Step} {
			if *p != nil {
				*p = ix.expr(*p)
			}
		}
	}
	return e
}

// iter wraps x, what a loop iterates over, in __pyiter__.
func (ix indexRewriter) iter(x syntax.Expr) syntax.Expr {
	if notBytes(x) {
		return x
	}
	if call, ok := x.(*syntax.CallExpr); ok {
		if id, ok := call.Fn.(*syntax.Ident); ok && id.Name == "range" {
			return x
		}
	}
	return helperOf(iterFunc, x)
}

// helperOf returns `helper ^ x`.
func helperOf(helper string, x syntax.Expr) syntax.Expr {
	pos, _ := x.Span()
	return &syntax.BinaryExpr{X: &syntax.Ident{NamePos: pos, Name: helper}, OpPos: pos, Op: syntax.CIRCUMFLEX, Y: x}
}

// notBytes reports whether e is sure to be neither bytes nor a string: a
// list, tuple or dict display or a comprehension, whose subscripts and
// iteration Starlark already gives as Python does.
func notBytes(e syntax.Expr) bool {
	switch e := e.(type) {
	case *syntax.ListExpr, *syntax.TupleExpr, *syntax.DictExpr, *syntax.Comprehension:
		return true
	case *syntax.ParenExpr:
		return notBytes(e.X)
	}
	return false
}
