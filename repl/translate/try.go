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
	codes map[string]bool
	// state is the dict that keeps the variables the except, finally
	// or later code may read after a failure, as Python keeps whatever
	// the block bound before it failed; record lists them.
	state  string
	record map[string]bool
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
	type handler struct {
		cond string
		name string
		body []ast.Stmt
		all  bool
	}
	// Handler classes first: an unknown form makes the whole try a TODO.
	var hs []handler
	names := map[string]bool{}
	for _, h := range s.Handlers {
		classes, all, err := t.handlerClasses(h.ExprType)
		if err != nil {
			return err
		}
		hs = append(hs, handler{cond: classes, name: string(h.Name), body: h.Body, all: all})
		if h.Name != "" {
			names[string(h.Name)] = true
		}
	}
	errVar := t.uniqueLive("err")
	if len(names) == 1 {
		for n := range names {
			errVar = ident(n)
		}
	}
	catchAll := false
	for _, h := range hs {
		catchAll = catchAll || h.all
	}

	assigned := assignedNames(s.Body)
	reads := loadedNames(s.Body)
	codes := escapesOf(s.Body)
	var vars, params []string
	for _, n := range assigned {
		if t.sc.isGlobal(n) {
			return todof(secGlobal, "assigns the global %s from a function: Starlark functions cannot rebind globals (keep the value in a dict or list)", n)
		}
		if t.sc.propagate(n, reads) {
			vars = append(vars, n)
		}
		if t.sc.isLocalBound(n) {
			params = append(params, n)
		}
	}
	isParam := map[string]bool{}
	for _, p := range params {
		isParam[p] = true
	}
	// Variables read after a failure (by a handler, by finally, or after
	// a handler that falls through) are kept in a dict as they are bound.
	errLoads := map[string]int{}
	fallsThrough := false
	for _, h := range s.Handlers {
		for _, st := range h.Body {
			countLoads(st, errLoads)
		}
		fallsThrough = fallsThrough || !endsFlow(h.Body)
	}
	for _, st := range s.Finalbody {
		countLoads(st, errLoads)
	}
	// A variable bound only by the block's last statement, when that
	// statement is simple, is never bound when the block fails.
	risky := map[string]bool{}
	if n := len(s.Body); n > 0 {
		for _, v := range assignedNames(s.Body[:n-1]) {
			risky[v] = true
		}
		if isCompound(s.Body[n-1]) {
			for _, v := range assignedNames(s.Body[n-1:]) {
				risky[v] = true
			}
		}
	}
	var kept, returned []string
	for _, v := range vars {
		if risky[v] && (errLoads[v] > 0 || fallsThrough) {
			kept = append(kept, v)
		} else {
			returned = append(returned, v)
		}
	}
	outerVars := vars
	vars = returned
	state := ""
	if len(kept) > 0 {
		state = t.unique("state")
		t.w.line(state + " = {}")
	}

	fname := t.unique(fmt.Sprintf("_try_%d", s.Lineno))
	var pnames []string
	for _, p := range params {
		pnames = append(pnames, ident(p))
	}
	t.w.line("def " + fname + "(" + strings.Join(pnames, ", ") + "):")
	saved := struct {
		sc     *scope
		try    *tryCtx
		finals []final
		loop   int
	}{t.sc, t.try, t.finals, t.loop}
	t.sc = newTryScope(t.sc, params)
	t.try = &tryCtx{codes: map[string]bool{}, state: state, record: map[string]bool{}}
	for _, v := range kept {
		t.try.record[v] = true
	}
	t.finals, t.loop = nil, 0
	t.w.indent++
	// Variables first bound inside a nested block start as None, so the
	// final return cannot fail when that block did not run.
	direct := map[string]bool{}
	for _, st := range s.Body {
		for _, n := range ownBinds(st) {
			direct[n] = true
		}
	}
	for _, v := range vars {
		if !isParam[v] && !direct[v] {
			t.w.line(ident(v) + " = None")
		}
	}
	before := t.w.code
	t.stmts(s.Body)
	var vlist []string
	for _, v := range vars {
		vlist = append(vlist, ident(v))
	}
	switch {
	case len(codes) > 0:
		if len(vlist) == 0 {
			t.w.line(`return ("ok",)`)
		} else {
			t.w.line(`return ("ok"` + strings.Join(prefixEach(vlist, ", "), "") + ")")
		}
	case len(vars) == 1:
		t.w.line("return " + vlist[0])
	case len(vars) > 1:
		t.w.line("return (" + strings.Join(vlist, ", ") + ")")
	}
	if t.w.code == before {
		t.w.line("pass")
	}
	t.w.indent--
	t.sc, t.try, t.finals, t.loop = saved.sc, saved.try, saved.finals, saved.loop

	resVar := "_"
	assignInSuccess := ""
	switch {
	case len(codes) > 0:
		resVar = t.uniqueLive("res")
		if len(vars) > 0 {
			var idx []string
			for i := range vars {
				idx = append(idx, fmt.Sprintf("%s[%d]", resVar, i+1))
			}
			assignInSuccess = strings.Join(vlist, ", ") + " = " + strings.Join(idx, ", ")
		}
	case len(vars) == 1 && !isParam[vars[0]]:
		resVar = vlist[0]
	case len(vars) >= 1:
		resVar = t.uniqueLive("res")
		assignInSuccess = strings.Join(vlist, ", ") + " = " + resVar
	}
	args := append([]string{fname}, pnames...)
	t.w.line(resVar + ", " + errVar + " = catch(" + strings.Join(args, ", ") + ")")
	// Until the try statement is written, a nested try (in a handler or
	// a copy of finally) must not reuse these names.
	t.live[errVar]++
	t.live[resVar]++
	defer func() { t.live[errVar]--; t.live[resVar]-- }()
	for _, p := range params {
		t.sc.bound[p] = true
	}
	for _, v := range kept {
		get := state + ".get(" + quoteStr(v, '"') + ")"
		if isParam[v] {
			get = state + ".get(" + quoteStr(v, '"') + ", " + ident(v) + ")"
		}
		t.w.line(ident(v) + " = " + get)
	}

	if len(s.Finalbody) > 0 {
		t.finals = append(t.finals, final{stmts: s.Finalbody, loopDepth: t.loop})
	}
	kw := "if"
	for _, h := range hs {
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
	if !catchAll {
		t.w.line(kw + " " + errVar + ":")
		t.w.indent++
		if len(s.Finalbody) > 0 {
			t.runFinals([]final{t.finals[len(t.finals)-1]})
		}
		t.w.line("fail(" + errVar + ".message)")
		t.w.indent--
	}
	if len(codes) > 0 || assignInSuccess != "" || len(s.Orelse) > 0 {
		t.w.line("else:")
		t.w.indent++
		before := t.w.code
		for _, kind := range []string{"return", "break", "continue"} {
			if !codes[kind] {
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
		if assignInSuccess != "" {
			t.w.line(assignInSuccess)
		}
		t.stmts(s.Orelse)
		if t.w.code == before {
			t.w.line("pass")
		}
		t.w.indent--
	}
	if len(s.Finalbody) > 0 {
		t.finals = t.finals[:len(t.finals)-1]
		t.stmts(s.Finalbody)
	}
	t.recordState(outerVars)
	return nil
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
			return "", false, todof(secTry, "except with a computed exception class is not supported")
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
