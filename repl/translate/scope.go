// Scope analysis: which names the source binds and reads, which a try
// block must pass back, and the fresh names the translation invents.

package translate

import (
	"fmt"
	"strings"

	"github.com/go-python/gpython/ast"
)

// ---- names ----

// addIdents adds the identifier-like words of a line to set.
func addIdents(line string, set map[string]bool) {
	for i := 0; i < len(line); {
		c := line[i]
		if c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' {
			j := i + 1
			for j < len(line) && (line[j] == '_' || line[j] >= 'a' && line[j] <= 'z' || line[j] >= 'A' && line[j] <= 'Z' || line[j] >= '0' && line[j] <= '9') {
				j++
			}
			set[line[i:j]] = true
			i = j
			continue
		}
		if c >= '0' && c <= '9' {
			for i < len(line) && (line[i] == '_' || line[i] >= '0' && line[i] <= '9' || line[i] >= 'a' && line[i] <= 'z' || line[i] >= 'A' && line[i] <= 'Z') {
				i++
			}
			continue
		}
		i++
	}
}

// uniqueLive is unique for the names of a try statement (its local
// function, error, result and state variables): they must differ from
// those of the try statements being written around it, so they carry
// the nesting depth (err, err_2, err_3...), and sibling try statements
// reuse them.
func (t *translator) uniqueLive(base string) string {
	base = Reserved + base
	n := base
	if t.tryDepth > 1 {
		n = fmt.Sprintf("%s_%d", base, t.tryDepth)
	}
	for t.sh.idents[n] {
		n += "_"
	}
	return n
}

// Reserved starts every name the translation invents (the try blocks'
// local functions, their state dicts and results, temporaries). No Python
// program uses it, so the translation never clobbers a user's variable,
// and repl/interp removes the names it leaves in a session's globals
// after each chunk (interp.HideReserved).
const Reserved = "__ns_"

// unique returns a name based on base that the source does not use.
func (t *translator) unique(base string) string { return t.sh.unique(base) }

// unique returns a name based on base that the source does not use.
func (sh *shared) unique(base string) string {
	base = Reserved + strings.TrimPrefix(base, "_")
	if !sh.idents[base] {
		return base
	}
	for i := 2; ; i++ {
		n := fmt.Sprintf("%s_%d", base, i)
		if !sh.idents[n] {
			return n
		}
	}
}

// ---- scopes ----

// scope is what the translator knows about one Python scope.
type scope struct {
	parent *scope
	fn     bool            // a function (or a try block's local function)
	try    bool            // a try block's local function
	bound  map[string]bool // names bound so far
	// loads counts the names the enclosing real function reads; nil at
	// module level (every variable a try block binds is kept).
	loads map[string]int
}

func newModuleScope() *scope {
	return &scope{bound: map[string]bool{}}
}

func newFuncScope(parent *scope, f *ast.FunctionDef) *scope {
	sc := &scope{parent: parent, fn: true, bound: map[string]bool{}, loads: map[string]int{}}
	for _, n := range paramNames(f.Args) {
		sc.bound[n] = true
	}
	for _, st := range f.Body {
		countLoads(st, sc.loads)
	}
	return sc
}

func newTryScope(parent *scope, params []string) *scope {
	sc := &scope{parent: parent, fn: true, try: true, bound: map[string]bool{}, loads: parent.loads}
	for _, p := range params {
		sc.bound[p] = true
	}
	return sc
}

func (sc *scope) isBound(n string) bool {
	for s := sc; s != nil; s = s.parent {
		if s.bound[n] {
			return true
		}
	}
	return false
}

// isLocalBound reports whether n is already bound in the scope a try
// block belongs to: the enclosing function (through the local functions
// of enclosing try blocks), or the module for a try at top level.
func (sc *scope) isLocalBound(n string) bool {
	for s := sc; s != nil; s = s.parent {
		if s.bound[n] {
			return true
		}
		if !s.try {
			break
		}
	}
	return false
}

// propagate reports whether a variable bound in a try block must be
// passed back to the enclosing scope: always at module level, else when
// the function reads it outside the block.
func (sc *scope) propagate(n string, inBlock map[string]int) bool {
	if sc.loads == nil {
		return true
	}
	return sc.loads[n] > inBlock[n]
}

func paramNames(a *ast.Arguments) []string {
	if a == nil {
		return nil
	}
	var out []string
	for _, p := range a.Args {
		out = append(out, string(p.Arg))
	}
	for _, p := range a.Kwonlyargs {
		out = append(out, string(p.Arg))
	}
	if a.Vararg != nil {
		out = append(out, string(a.Vararg.Arg))
	}
	if a.Kwarg != nil {
		out = append(out, string(a.Kwarg.Arg))
	}
	return out
}

// ---- AST analyses ----

// walkTargets calls f for every name an assignment target binds.
func walkTargets(e ast.Expr, f func(string)) {
	switch e := e.(type) {
	case *ast.Name:
		f(string(e.Id))
	case *ast.Tuple:
		for _, x := range e.Elts {
			walkTargets(x, f)
		}
	case *ast.List:
		for _, x := range e.Elts {
			walkTargets(x, f)
		}
	case *ast.Starred:
		walkTargets(e.Value, f)
	}
}

// ownBinds lists the names a statement binds itself, not counting the
// statements nested in it.
func ownBinds(s ast.Stmt) []string {
	var out []string
	add := func(n string) { out = append(out, n) }
	switch s := s.(type) {
	case *ast.Assign:
		for _, t := range s.Targets {
			walkTargets(t, add)
		}
	case *ast.AugAssign:
		walkTargets(s.Target, add)
	case *ast.For:
		walkTargets(s.Target, add)
	case *ast.With:
		for _, it := range s.Items {
			if it.OptionalVars != nil {
				walkTargets(it.OptionalVars, add)
			}
		}
	case *ast.Import:
		for _, a := range s.Names {
			if a.AsName != "" {
				add(string(a.AsName))
			} else {
				add(strings.SplitN(string(a.Name), ".", 2)[0])
			}
		}
	case *ast.ImportFrom:
		for _, a := range s.Names {
			if a.Name == "*" {
				for _, m := range moduleMembers(string(s.Module)) {
					add(m)
				}
				continue
			}
			if a.AsName != "" {
				add(string(a.AsName))
			} else {
				add(string(a.Name))
			}
		}
	case *ast.FunctionDef:
		add(string(s.Name))
	case *ast.ClassDef:
		add(string(s.Name))
	case *ast.Try:
		// The try block's variables come back through catch().
		for _, n := range assignedNames(s.Body) {
			add(n)
		}
	}
	return out
}

// directBinds is ownBinds without a try statement's block, which
// assignedNames visits itself (calling ownBinds there would walk every
// nested try twice per level: exponential in the nesting depth).
func directBinds(s ast.Stmt) []string {
	if _, ok := s.(*ast.Try); ok {
		return nil
	}
	return ownBinds(s)
}

// assignedNames lists, in order of first appearance, the names the
// statements bind (not inside nested functions or classes).
func assignedNames(list []ast.Stmt) []string { return bindMemo(nil).assigned(list) }

// bindMemo remembers what each try statement binds and how it can be
// left, so that the analyses of nested try statements, each of which
// looks at the whole of its block, stay linear in the nesting depth. A
// nil bindMemo remembers nothing.
type bindMemo map[any]any

type escapeKey struct {
	s      *ast.Try
	inLoop bool
}

// assigned is assignedNames using the memo.
func (m bindMemo) assigned(list []ast.Stmt) []string {
	seen := map[string]bool{}
	var out []string
	add := func(n string) {
		if !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	var visit func([]ast.Stmt)
	visit = func(list []ast.Stmt) {
		for _, s := range list {
			for _, n := range directBinds(s) {
				add(n)
			}
			switch s := s.(type) {
			case *ast.If:
				visit(s.Body)
				visit(s.Orelse)
			case *ast.For:
				visit(s.Body)
				visit(s.Orelse)
			case *ast.While:
				visit(s.Body)
				visit(s.Orelse)
			case *ast.With:
				visit(s.Body)
			case *ast.Try:
				if m == nil {
					for _, part := range tryParts(s) {
						visit(part)
					}
					continue
				}
				names, ok := m[s].([]string)
				if !ok {
					var all []ast.Stmt
					for _, part := range tryParts(s) {
						all = append(all, part...)
					}
					names = m.assigned(all)
					m[s] = names
				}
				for _, n := range names {
					add(n)
				}
			}
		}
	}
	visit(list)
	return out
}

// tryParts returns a try statement's blocks in source order. Python
// deletes the name after "as" when its clause ends: it is not bound
// after the try.
func tryParts(s *ast.Try) [][]ast.Stmt {
	parts := [][]ast.Stmt{s.Body}
	for _, h := range s.Handlers {
		parts = append(parts, h.Body)
	}
	return append(parts, s.Orelse, s.Finalbody)
}

// ownBinds is the package's ownBinds using the memo.
func (m bindMemo) ownBinds(s ast.Stmt) []string {
	if t, ok := s.(*ast.Try); ok {
		return m.assigned(t.Body)
	}
	return ownBinds(s)
}

// collectBound adds every name bound anywhere in list (also in nested
// functions) to out.
func collectBound(list []ast.Stmt, out map[string]bool) {
	for _, s := range list {
		ast.Walk(s, func(n ast.Ast) bool {
			switch n := n.(type) {
			case ast.Stmt:
				for _, b := range directBinds(n) {
					out[b] = true
				}
				if f, ok := n.(*ast.FunctionDef); ok {
					for _, p := range paramNames(f.Args) {
						out[p] = true
					}
				}
			case *ast.ExceptHandler:
				if n.Name != "" {
					out[string(n.Name)] = true
				}
			case *ast.Lambda:
				for _, p := range paramNames(n.Args) {
					out[p] = true
				}
			case *ast.Name:
				if n.Ctx == ast.Store {
					out[string(n.Id)] = true
				}
			}
			return true
		})
	}
}

func countLoads(s ast.Ast, out map[string]int) {
	ast.Walk(s, func(n ast.Ast) bool {
		if n, ok := n.(*ast.Name); ok && n.Ctx != ast.Store {
			out[string(n.Id)]++
		}
		return true
	})
}

func loadedNames(list []ast.Stmt) map[string]int {
	out := map[string]int{}
	for _, s := range list {
		countLoads(s, out)
	}
	return out
}

// escapesOf reports which of return, break and continue leave the
// statements (break and continue only when not inside a loop of theirs).
func escapesOf(list []ast.Stmt) map[string]bool { return bindMemo(nil).escapes(list) }

// escapes is escapesOf using the memo.
func (m bindMemo) escapes(list []ast.Stmt) map[string]bool {
	out := map[string]bool{}
	var visit func(list []ast.Stmt, inLoop bool)
	visit = func(list []ast.Stmt, inLoop bool) {
		for _, s := range list {
			switch s := s.(type) {
			case *ast.Return:
				out["return"] = true
			case *ast.Break:
				if !inLoop {
					out["break"] = true
				}
			case *ast.Continue:
				if !inLoop {
					out["continue"] = true
				}
			case *ast.If:
				visit(s.Body, inLoop)
				visit(s.Orelse, inLoop)
			case *ast.For:
				visit(s.Body, true)
				visit(s.Orelse, inLoop)
			case *ast.While:
				visit(s.Body, true)
				visit(s.Orelse, inLoop)
			case *ast.With:
				visit(s.Body, inLoop)
			case *ast.Try:
				if m == nil {
					for _, part := range tryParts(s) {
						visit(part, inLoop)
					}
					continue
				}
				key := escapeKey{s, inLoop}
				kinds, ok := m[key].(map[string]bool)
				if !ok {
					kinds = map[string]bool{}
					for _, part := range tryParts(s) {
						for k := range m.escapesIn(part, inLoop) {
							kinds[k] = true
						}
					}
					m[key] = kinds
				}
				for k := range kinds {
					out[k] = true
				}
			}
		}
	}
	visit(list, false)
	return out
}

// escapesIn is escapes for a block inside a loop or not.
func (m bindMemo) escapesIn(list []ast.Stmt, inLoop bool) map[string]bool {
	if !inLoop {
		return m.escapes(list)
	}
	// Inside a loop only return leaves.
	out := map[string]bool{}
	if m.escapes(list)["return"] {
		out["return"] = true
	}
	return out
}

func bodyHasYield(list []ast.Stmt) bool {
	found := false
	for _, s := range list {
		ast.Walk(s, func(n ast.Ast) bool {
			switch n.(type) {
			case *ast.FunctionDef, *ast.ClassDef, *ast.Lambda:
				return n == ast.Ast(s)
			case *ast.Yield, *ast.YieldFrom:
				found = true
			}
			return !found
		})
	}
	return found
}

func containsYield(e ast.Expr) bool {
	found := false
	ast.Walk(e, func(n ast.Ast) bool {
		switch n.(type) {
		case *ast.Yield, *ast.YieldFrom:
			found = true
		}
		return !found
	})
	return found
}
