// global and nonlocal: Python's scopes resolved before translation, and
// the cells that let a function rebind a name of another scope.
//
// Starlark functions cannot rebind a global or a variable of an
// enclosing function. So a name that some function declares global and
// rebinds lives in a module-level dict (__ns_g["total"]), and a variable
// that an inner function declares nonlocal and rebinds lives in a dict
// local to the function that owns it (__ns_c1["count"]). Every reference
// that resolves to such a name, at module level, in the functions that
// declare it, and in any function that reads it, goes through the dict.

package translate

import (
	"fmt"

	"github.com/go-python/gpython/ast"
)

type pyScopeKind int

const (
	scModule pyScopeKind = iota
	scFunc
	scClass
	scComp // a comprehension: its targets are its own
)

// pyScope is one Python scope as Python's compiler sees it (a try
// block's local function is no scope of its own).
type pyScope struct {
	parent    *pyScope
	kind      pyScopeKind
	binds     map[string]bool // names bound in the scope (params too)
	globals   map[string]bool // declared global
	nonlocals map[string]bool // declared nonlocal
	// cells are the scope's own variables that an inner function
	// rebinds through nonlocal; they live in the dict cellVar.
	cells   map[string]bool
	cellVar string
	// params are the function's parameters, in order.
	params []string
	// badNonlocal is a nonlocal name no enclosing function binds.
	badNonlocal string
}

func newPyScope(parent *pyScope, kind pyScopeKind) *pyScope {
	return &pyScope{parent: parent, kind: kind, binds: map[string]bool{}, globals: map[string]bool{}, nonlocals: map[string]bool{}, cells: map[string]bool{}}
}

// local reports whether n is a variable of the scope itself.
func (s *pyScope) local(n string) bool {
	return s.binds[n] && !s.globals[n] && !s.nonlocals[n]
}

// pyScopes is the scope analysis of a whole translation.
type pyScopes struct {
	module *pyScope
	of     map[ast.Ast]*pyScope
	all    []*pyScope
	// gcells are the module-level names that live in the dict gvar.
	gcells map[string]bool
	gvar   string
}

// analyzeScopes resolves the scopes of the units' statements (notebook
// cells share the module scope). unique invents the dicts' names.
func analyzeScopes(bodies [][]ast.Stmt, unique func(string) string) *pyScopes {
	a := &pyScopes{of: map[ast.Ast]*pyScope{}, gcells: map[string]bool{}}
	a.module = newPyScope(nil, scModule)
	a.all = append(a.all, a.module)
	for _, b := range bodies {
		a.stmts(a.module, b)
	}
	for _, s := range a.all {
		for n := range s.globals {
			if s.binds[n] && s.kind != scModule {
				a.gcells[n] = true
			}
		}
		for n := range s.nonlocals {
			owner := s.parent
			for owner != nil && owner.kind != scModule && (owner.kind == scClass || !owner.local(n)) {
				owner = owner.parent
			}
			if owner == nil || owner.kind == scModule {
				if s.badNonlocal == "" {
					s.badNonlocal = n
				}
				continue
			}
			if s.binds[n] {
				owner.cells[n] = true
			}
		}
	}
	if len(a.gcells) > 0 {
		a.gvar = unique("g")
	}
	k := 0
	for _, s := range a.all {
		if len(s.cells) > 0 {
			k++
			s.cellVar = unique(fmt.Sprintf("c%d", k))
		}
	}
	return a
}

func (a *pyScopes) child(parent *pyScope, kind pyScopeKind, node ast.Ast) *pyScope {
	s := newPyScope(parent, kind)
	a.of[node] = s
	a.all = append(a.all, s)
	return s
}

func (a *pyScopes) stmts(sc *pyScope, list []ast.Stmt) {
	for _, st := range list {
		a.walk(sc, st)
	}
}

func (a *pyScopes) exprs(sc *pyScope, list []ast.Expr) {
	for _, e := range list {
		if e != nil {
			a.walk(sc, e)
		}
	}
}

func (a *pyScopes) defaults(sc *pyScope, args *ast.Arguments) {
	if args != nil {
		a.exprs(sc, args.Defaults)
		a.exprs(sc, args.KwDefaults)
	}
}

func (a *pyScopes) params(sc *pyScope, args *ast.Arguments) {
	for _, p := range paramNames(args) {
		sc.binds[p] = true
		sc.params = append(sc.params, p)
	}
}

// walk records what node binds and declares in sc, and the scopes
// nested in it.
func (a *pyScopes) walk(sc *pyScope, node ast.Ast) {
	ast.Walk(node, func(n ast.Ast) bool {
		switch n := n.(type) {
		case *ast.FunctionDef:
			sc.binds[string(n.Name)] = true
			a.exprs(sc, n.DecoratorList)
			a.defaults(sc, n.Args)
			f := a.child(sc, scFunc, n)
			a.params(f, n.Args)
			a.stmts(f, n.Body)
			return false
		case *ast.ClassDef:
			sc.binds[string(n.Name)] = true
			a.exprs(sc, n.DecoratorList)
			a.exprs(sc, n.Bases)
			c := a.child(sc, scClass, n)
			a.stmts(c, n.Body)
			return false
		case *ast.Lambda:
			a.defaults(sc, n.Args)
			f := a.child(sc, scFunc, n)
			a.params(f, n.Args)
			a.walk(f, n.Body)
			return false
		case *ast.ListComp:
			a.comp(sc, n, n.Generators, n.Elt)
			return false
		case *ast.SetComp:
			a.comp(sc, n, n.Generators, n.Elt)
			return false
		case *ast.GeneratorExp:
			a.comp(sc, n, n.Generators, n.Elt)
			return false
		case *ast.DictComp:
			a.comp(sc, n, n.Generators, n.Key, n.Value)
			return false
		case *ast.Name:
			if n.Ctx == ast.Store || n.Ctx == ast.Del {
				sc.binds[string(n.Id)] = true
			}
		case *ast.Global:
			for _, g := range n.Names {
				sc.globals[string(g)] = true
			}
		case *ast.Nonlocal:
			for _, g := range n.Names {
				sc.nonlocals[string(g)] = true
			}
		case *ast.Import, *ast.ImportFrom:
			for _, b := range ownBinds(n.(ast.Stmt)) {
				sc.binds[b] = true
			}
		case *ast.ExceptHandler:
			if n.Name != "" {
				sc.binds[string(n.Name)] = true
			}
		}
		return true
	})
}

// comp is a comprehension's scope: its first iterable is evaluated
// outside it, as in Python.
func (a *pyScopes) comp(sc *pyScope, node ast.Expr, gens []ast.Comprehension, elts ...ast.Expr) {
	c := a.child(sc, scComp, node)
	for i, g := range gens {
		walkTargets(g.Target, func(n string) { c.binds[n] = true })
		if i == 0 {
			a.walk(sc, g.Iter)
		} else {
			a.walk(c, g.Iter)
		}
		a.exprs(c, g.Ifs)
	}
	a.exprs(c, elts)
}

// cell returns the expression that holds name n where the scope s reads
// or writes it, when n lives in a cell; "" for a plain variable.
func (a *pyScopes) cell(s *pyScope, n string) string {
	if d := a.cellDict(s, n); d != "" {
		return d + "[" + quoteStr(n, '"') + "]"
	}
	return ""
}

// cellDict returns the dict that holds n where s uses it, or "".
func (a *pyScopes) cellDict(s *pyScope, n string) string {
	if a == nil || s == nil {
		return ""
	}
	start := s
	for s != nil {
		switch {
		case s.kind == scModule:
			return a.gcell(n)
		case s.kind == scClass && s != start:
			// A class body's names are not seen by its methods.
		case s.globals[n]:
			return a.gcell(n)
		case s.nonlocals[n]:
		case s.binds[n]:
			if s.cells[n] {
				return s.cellVar
			}
			return ""
		}
		s = s.parent
	}
	return ""
}

func (a *pyScopes) gcell(n string) string {
	if a.gcells[n] {
		return a.gvar
	}
	return ""
}

// cell is the translator's pyScopes.cell in the scope being written.
func (t *translator) cell(n string) string { return t.sh.scopes.cell(t.ps, n) }

// cellDict is the translator's pyScopes.cellDict.
func (t *translator) cellDict(n string) string { return t.sh.scopes.cellDict(t.ps, n) }

// enter makes the scope of node (a def, class, lambda or comprehension)
// the one being written and returns the function that leaves it.
func (t *translator) enter(node ast.Ast) func() {
	saved := t.ps
	if s, ok := t.sh.scopes.of[node]; ok {
		t.ps = s
	}
	return func() { t.ps = saved }
}

// cellInit writes, first in a function's body, the dict of its cells and
// the parameters that live there.
func (t *translator) cellInit() {
	if t.ps == nil || t.ps.cellVar == "" {
		return
	}
	t.w.line(t.ps.cellVar + " = {}")
	for _, p := range t.ps.params {
		if t.ps.cells[p] {
			t.w.line(t.ps.cellVar + "[" + quoteStr(p, '"') + "] = " + ident(p))
		}
	}
}

// cellSync writes, after a def, class or import that binds a name living
// in a cell, the copy of the new value into the cell.
func (t *translator) cellSync(s ast.Stmt) {
	switch s.(type) {
	case *ast.FunctionDef, *ast.ClassDef, *ast.Import, *ast.ImportFrom:
	default:
		return
	}
	for _, n := range ownBinds(s) {
		if c := t.cell(n); c != "" {
			t.w.line(c + " = " + ident(n))
		}
	}
}
