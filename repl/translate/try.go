// The try/except lowering: a try block becomes a local function run by
// catch(), its handlers an if/elif chain on the error.

package translate

import (
	"fmt"
	"strings"

	"github.com/go-python/gpython/ast"
)

// tryCtx is set while the body of a try block is being written as a
// local function: leaving it with return, break or continue becomes a
// return of a tagged tuple.
type tryCtx struct {
	// state is the dict that keeps the variables the except, finally
	// or later code may read after a failure, as Python keeps whatever
	// the block bound before it failed; record lists them.
	state  string
	record map[string]bool
	// returned are the variables the block hands back; an escape
	// returns them too, after its kind and value.
	returned []string
}

// tryHandler is one except clause.
type tryHandler struct {
	cond string // the arguments of err.is_a()
	name string // the name after "as", or ""
	body []ast.Stmt
	all  bool // a bare except, Exception or BaseException
}

// tryPlan is what tryStmt decides about a try statement before it
// writes anything.
type tryPlan struct {
	handlers []tryHandler
	catchAll bool   // a handler catches every error
	errVar   string // the error catch() returns
	// escapes holds which of return, break and continue leave the block.
	escapes map[string]bool
	// params are the variables the block rebinds that are bound before
	// it: the local function's parameters.
	params  []string
	isParam map[string]bool
	// outer are the variables the block binds that the enclosing scope
	// needs; the local function returns some of them and keeps the
	// others in the state dict as they are bound.
	outer, returned, kept []string
	state                 string // the state dict, when kept is not empty
}

// tryStmt rewrites try/except/else/finally with catch():
//
//	def _try_N(params):      # the try block; params are the variables it rebinds
//	    ...
//	    return ip            # the variables later code needs
//	ip, err = catch(_try_N)
//	if err and err.is_a("OSError"):
//	    ...                  # except OSError as err:
//	elif err:
//	    fail(err.message)    # no handler matched: raise it again
//	else:
//	    ...                  # else:
//	...                      # finally:
func (t *translator) tryStmt(s *ast.Try) error {
	// Until the try statement is written, a nested try (in the block, a
	// handler or a copy of finally) must not reuse its names: they are
	// numbered by nesting depth (see uniqueLive).
	t.tryDepth++
	defer func() { t.tryDepth-- }()
	if len(s.Finalbody) > 0 && (len(s.Handlers) > 0 || len(s.Orelse) > 0) {
		// A handler or the else clause may fail too, and finally must
		// still run: write try/except/else inside a try/finally, whose
		// block is a local function run by catch() as well.
		inner := &ast.Try{StmtBase: s.StmtBase, Body: s.Body, Handlers: s.Handlers, Orelse: s.Orelse}
		if t.u.ends != nil {
			t.u.ends[inner] = t.endLine(s)
		}
		s = &ast.Try{StmtBase: s.StmtBase, Body: []ast.Stmt{inner}, Finalbody: s.Finalbody}
	}
	p, err := t.planTry(s)
	if err != nil {
		return err
	}
	if len(p.kept) > 0 {
		// Nested try statements each need their own dict: the names of
		// those being written are live.
		p.state = t.uniqueLive("state")
		t.w.line(p.state + " = {}")
	}
	fname, pnames := t.tryFunc(s, p)
	resVar, unpack := t.tryCatch(p, fname, pnames)
	t.tryRestore(p)
	// An enclosing try block that fails later must still see them.
	t.recordState(p.kept)

	if len(s.Finalbody) > 0 {
		n := len(t.finals)
		t.finals = append(t.finals, final{stmts: s.Finalbody, loopDepth: t.loop})
		// Whatever happens below (an escape that cannot be written
		// fails the whole statement), the finally leaves the stack.
		defer func() { t.finals = t.finals[:n] }()
	}
	t.tryExcept(s, p)
	if err := t.tryElse(s, p, resVar, unpack); err != nil {
		return err
	}
	if len(s.Finalbody) > 0 {
		t.finals = t.finals[:len(t.finals)-1]
		t.stmts(s.Finalbody)
	}
	t.recordState(p.outer)
	return nil
}

// planTry reads the handlers first (an unknown form makes the whole try
// a TODO), then decides where the block's variables go.
func (t *translator) planTry(s *ast.Try) (*tryPlan, error) {
	p := &tryPlan{}
	if err := t.planHandlers(p, s.Handlers); err != nil {
		return nil, err
	}
	if err := t.planVariables(p, s); err != nil {
		return nil, err
	}
	return p, nil
}

// planHandlers reads the except clauses. The error variable takes the
// name after "as" when every clause that has one uses the same.
func (t *translator) planHandlers(p *tryPlan, handlers []*ast.ExceptHandler) error {
	names := map[string]bool{}
	for _, h := range handlers {
		classes, all, err := t.handlerClasses(h.ExprType)
		if err != nil {
			return err
		}
		p.handlers = append(p.handlers, tryHandler{cond: classes, name: string(h.Name), body: h.Body, all: all})
		p.catchAll = p.catchAll || all
		if h.Name != "" {
			names[string(h.Name)] = true
		}
	}
	p.errVar = t.uniqueLive("err")
	if len(names) == 1 {
		for n := range names {
			p.errVar = ident(n)
		}
	}
	return nil
}

// planVariables decides how each variable the block binds reaches the
// code after it: a variable bound before the try is a parameter; one the
// enclosing scope needs is returned, or kept in the state dict when a
// failure may leave it bound and something reads it after the failure.
func (t *translator) planVariables(p *tryPlan, s *ast.Try) error {
	var reads map[string]int
	if t.sc.loads != nil { // only a function's scope needs them
		reads = loadedNames(s.Body)
	}
	p.escapes = t.sh.binds.escapes(s.Body)
	p.isParam = map[string]bool{}
	for _, n := range t.sh.binds.assigned(s.Body) {
		if t.cell(n) != "" {
			continue // it lives in a cell, not in a variable
		}
		if t.sc.propagate(n, reads) {
			p.outer = append(p.outer, n)
		}
		if t.sc.isLocalBound(n) {
			p.params = append(p.params, n)
			p.isParam[n] = true
		}
	}
	loads, fallsThrough := readsAfterFailure(s)
	partial := t.sh.binds.boundBeforeFailure(s.Body)
	for _, v := range p.outer {
		// An enclosing try block that keeps v needs it after a failure too.
		enclosing := t.try != nil && t.try.record[v]
		if partial[v] && (loads[v] > 0 || fallsThrough || enclosing) {
			p.kept = append(p.kept, v)
		} else {
			p.returned = append(p.returned, v)
		}
	}
	return nil
}

// readsAfterFailure counts the names the handlers and finally read, and
// reports whether a handler falls through to the code after the try
// (which may then read anything).
func readsAfterFailure(s *ast.Try) (loads map[string]int, fallsThrough bool) {
	loads = map[string]int{}
	for _, h := range s.Handlers {
		for _, st := range h.Body {
			countLoads(st, loads)
		}
		fallsThrough = fallsThrough || !endsFlow(h.Body)
	}
	for _, st := range s.Finalbody {
		countLoads(st, loads)
	}
	return loads, fallsThrough
}

// boundBeforeFailure lists the variables a block may have bound when it
// fails. A variable bound only by the block's last statement, when that
// statement is simple, is never bound when the block fails.
func (m bindMemo) boundBeforeFailure(body []ast.Stmt) map[string]bool {
	out := map[string]bool{}
	n := len(body)
	if n == 0 {
		return out
	}
	for _, v := range m.assigned(body[:n-1]) {
		out[v] = true
	}
	if isCompound(body[n-1]) {
		for _, v := range m.assigned(body[n-1:]) {
			out[v] = true
		}
	}
	return out
}

// tryFunc writes the try block as a local function and returns its name
// and parameters. The function returns p.returned, tagged with "ok" when
// the block can also leave by return, break or continue.
func (t *translator) tryFunc(s *ast.Try, p *tryPlan) (fname string, pnames []string) {
	fname = t.uniqueLive(fmt.Sprintf("try_%d", s.Lineno))
	pnames = idents(p.params)
	t.w.line("def " + fname + "(" + strings.Join(pnames, ", ") + "):")
	saved := struct {
		sc     *scope
		try    *tryCtx
		finals []final
		loop   int
	}{t.sc, t.try, t.finals, t.loop}
	t.sc = newTryScope(t.sc, p.params)
	t.try = &tryCtx{state: p.state, record: map[string]bool{}, returned: idents(p.returned)}
	for _, v := range p.kept {
		t.try.record[v] = true
	}
	t.finals, t.loop = nil, 0
	t.w.indent++
	// Variables first bound inside a nested block start as None, so the
	// final return cannot fail when that block did not run.
	direct := map[string]bool{}
	for _, st := range s.Body {
		for _, n := range t.sh.binds.ownBinds(st) {
			direct[n] = true
		}
	}
	for _, v := range p.returned {
		// An escape returns the variables wherever it is: all must be
		// bound from the start.
		if !p.isParam[v] && (!direct[v] || len(p.escapes) > 0) {
			t.w.line(ident(v) + " = None")
		}
	}
	before := t.w.code
	t.stmts(s.Body)
	vlist := idents(p.returned)
	switch {
	case len(p.escapes) > 0:
		t.w.line(`return ("ok", None` + strings.Join(prefixEach(vlist, ", "), "") + ")")
	case len(vlist) == 1:
		t.w.line("return " + vlist[0])
	case len(vlist) > 1:
		t.w.line("return (" + strings.Join(vlist, ", ") + ")")
	}
	if t.w.code == before {
		t.w.line("pass")
	}
	t.w.indent--
	t.sc, t.try, t.finals, t.loop = saved.sc, saved.try, saved.finals, saved.loop
	return fname, pnames
}

// tryCatch writes the catch() call. It returns the variable that holds
// the local function's result and the assignment that unpacks it when
// the block succeeded ("" when there is nothing to unpack).
func (t *translator) tryCatch(p *tryPlan, fname string, pnames []string) (resVar, unpack string) {
	vlist := idents(p.returned)
	resVar = t.uniqueLive("_")
	switch {
	case len(p.escapes) > 0:
		resVar = t.uniqueLive("res")
		if len(vlist) > 0 {
			var idx []string
			for i := range vlist {
				idx = append(idx, fmt.Sprintf("%s[%d]", resVar, i+2))
			}
			unpack = strings.Join(vlist, ", ") + " = " + strings.Join(idx, ", ")
		}
	case len(vlist) == 1 && !p.isParam[p.returned[0]]:
		resVar = vlist[0]
	case len(vlist) >= 1:
		resVar = t.uniqueLive("res")
		unpack = strings.Join(vlist, ", ") + " = " + resVar
	}
	args := append([]string{fname}, pnames...)
	t.w.line(resVar + ", " + p.errVar + " = catch(" + strings.Join(args, ", ") + ")")
	return resVar, unpack
}

// tryRestore marks the parameters bound and reads the kept variables
// back from the state dict; a parameter the block did not get to rebind
// keeps its value.
func (t *translator) tryRestore(p *tryPlan) {
	for _, n := range p.params {
		t.sc.bound[n] = true
	}
	for _, v := range p.kept {
		get := p.state + ".get(" + quoteStr(v, '"') + ")"
		if p.isParam[v] {
			get = p.state + ".get(" + quoteStr(v, '"') + ", " + ident(v) + ")"
		}
		t.w.line(ident(v) + " = " + get)
	}
}

// tryExcept writes the handlers as an if/elif chain on the error. Unless
// a handler catches everything, an error none matches fails again, after
// a copy of the finally block (the innermost final).
func (t *translator) tryExcept(s *ast.Try, p *tryPlan) {
	errVar := p.errVar
	kw := "if"
	for _, h := range p.handlers {
		cond := errVar
		if !h.all {
			cond = errVar + " and " + errVar + ".is_a(" + h.cond + ")"
		}
		t.w.line(kw + " " + cond + ":")
		kw = "elif"
		t.w.indent++
		before := t.w.code
		if h.name != "" && ident(h.name) != errVar {
			t.w.line(ident(h.name) + " = " + errVar)
		}
		if h.name != "" {
			t.sc.bound[h.name] = true
		}
		t.errVars = append(t.errVars, errVar)
		t.stmts(h.body)
		t.errVars = t.errVars[:len(t.errVars)-1]
		if t.w.code == before {
			t.w.line("pass")
		}
		t.w.indent--
	}
	if !p.catchAll {
		t.w.line(kw + " " + errVar + ":")
		t.w.indent++
		if len(s.Finalbody) > 0 {
			t.runFinals([]final{t.finals[len(t.finals)-1]})
		}
		t.w.line("__ns_raise__(" + errVar + ")")
		t.w.indent--
	}
}

// tryElse writes the branch for a block that did not fail: it carries
// out a return, break or continue that left the block, unpacks the
// block's variables and runs the else clause.
func (t *translator) tryElse(s *ast.Try, p *tryPlan, resVar, unpack string) error {
	if len(p.escapes) == 0 && unpack == "" && len(s.Orelse) == 0 {
		return nil
	}
	t.w.line("else:")
	t.w.indent++
	before := t.w.code
	if len(p.escapes) > 0 && unpack != "" {
		// The block's variables first: an escape may read them.
		t.w.line(unpack)
		unpack = ""
	}
	for _, kind := range []string{"return", "break", "continue"} {
		if !p.escapes[kind] {
			continue
		}
		t.w.line("if " + resVar + `[0] == "` + kind + `":`)
		t.w.indent++
		var v ast.Expr
		if kind == "return" {
			v = &ast.Subscript{Value: &ast.Name{Id: ast.Identifier(resVar), Ctx: ast.Load}, Slice: &ast.Index{Value: &ast.Num{N: pyInt(1)}}, Ctx: ast.Load}
		}
		if err := t.escape(kind, v); err != nil {
			return err
		}
		t.w.indent--
	}
	if unpack != "" {
		t.w.line(unpack)
	}
	t.stmts(s.Orelse)
	if t.w.code == before {
		t.w.line("pass")
	}
	t.w.indent--
	return nil
}

// idents converts Python names to netstar identifiers.
func idents(names []string) []string {
	var out []string
	for _, n := range names {
		out = append(out, ident(n))
	}
	return out
}

// endsFlow reports whether a block always leaves: it ends with return,
// raise, break, continue or a call of exit().
func endsFlow(list []ast.Stmt) bool {
	if len(list) == 0 {
		return false
	}
	switch s := list[len(list)-1].(type) {
	case *ast.Return, *ast.Raise, *ast.Break, *ast.Continue:
		return true
	case *ast.ExprStmt:
		if c, ok := s.Value.(*ast.Call); ok {
			switch f := c.Func.(type) {
			case *ast.Name:
				return f.Id == "exit" || f.Id == "quit"
			case *ast.Attribute:
				return f.Attr == "exit"
			}
		}
	case *ast.If:
		return endsFlow(s.Body) && endsFlow(s.Orelse)
	}
	return false
}

func prefixEach(list []string, p string) []string {
	out := make([]string, len(list))
	for i, s := range list {
		out[i] = p + s
	}
	return out
}

// exceptionAliases maps the socket module's exception names to the class
// names err.is_a() knows.
var exceptionAliases = map[string]string{
	"error":            "OSError",
	"timeout":          "TimeoutError",
	"IOError":          "OSError",
	"EnvironmentError": "OSError",
}

// handlerClasses returns the is_a arguments of an except clause, or
// all=true for a bare except, Exception or BaseException.
func (t *translator) handlerClasses(e ast.Expr) (string, bool, error) {
	if e == nil {
		return "", true, nil
	}
	var list []ast.Expr
	if tup, ok := e.(*ast.Tuple); ok {
		list = tup.Elts
	} else {
		list = []ast.Expr{e}
	}
	var out []string
	for _, x := range list {
		var name string
		switch x := x.(type) {
		case *ast.Name:
			name = string(x.Id)
			if a, ok := exceptionAliases[name]; ok {
				name = a
			}
		case *ast.Attribute:
			name = string(x.Attr)
			if a, ok := exceptionAliases[name]; ok {
				name = a
			}
		default:
			return "", false, todof(secTry, "translate.todo.computedExcept")
		}
		if name == "Exception" || name == "BaseException" {
			return "", true, nil
		}
		out = append(out, quoteStr(name, '"'))
	}
	return strings.Join(out, ", "), false, nil
}

// recordState writes, inside a try block's local function, the copies
// of the variables that must survive a failure.
func (t *translator) recordState(names []string) {
	if t.try == nil || len(t.try.record) == 0 {
		return
	}
	done := map[string]bool{}
	for _, n := range names {
		if t.try.record[n] && !done[n] {
			done[n] = true
			t.w.line(fmt.Sprintf("%s[%s] = %s", t.try.state, quoteStr(n, '"'), ident(n)))
		}
	}
}

func isCompound(s ast.Stmt) bool {
	switch s.(type) {
	case *ast.If, *ast.For, *ast.While, *ast.With, *ast.Try, *ast.FunctionDef, *ast.ClassDef:
		return true
	}
	return false
}
