package translate

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/go-python/gpython/ast"
)

// todoErr is the reason a construct cannot be translated.
type todoErr struct {
	reason  string
	section string
}

func (e *todoErr) Error() string { return e.reason }

func todof(section, format string, a ...any) *todoErr {
	return &todoErr{reason: fmt.Sprintf(format, a...), section: section}
}

// Guide sections (anchors in scripts/README.md) the TODOs point to.
const (
	secTry     = "try"
	secClasses = "classes"
	secModules = "modules"
	secGlobal  = "global"
	secBuiltin = "builtins"
	secFormat  = "formatting"
	secOther   = "other"
)

// unit is one source to translate: a .py file or a notebook cell.
type unit struct {
	cell  int
	lines []string // 1-based: lines[0] is empty
	info  []lineInfo
	mod   *ast.Module
	ends  map[ast.Stmt]int // memoized endLine
}

// shared is the state of one translation that spans notebook cells.
type shared struct {
	// missing maps names bound only by untranslated code to the reason;
	// code that uses them is untranslatable too.
	missing map[string]string
	// fileBound holds every name the source binds anywhere.
	fileBound map[string]bool
	// idents holds every identifier in the source, to invent new ones.
	idents map[string]bool

	// Per pass:
	module    *scope
	defined   map[string]bool
	todoBound map[string]string
}

// writer accumulates indented output lines.
type writer struct {
	b      strings.Builder
	indent int
	code   int // code (non-comment, non-blank) lines written
	blanks int // pending blank lines
}

func (w *writer) pad() string { return strings.Repeat("    ", w.indent) }

func (w *writer) flushBlanks() {
	max := 1
	if w.indent == 0 {
		max = 2
	}
	if w.blanks > max {
		w.blanks = max
	}
	if w.b.Len() > 0 {
		for ; w.blanks > 0; w.blanks-- {
			w.b.WriteString("\n")
		}
	}
	w.blanks = 0
}

func (w *writer) line(s string) {
	w.flushBlanks()
	w.b.WriteString(w.pad() + s + "\n")
	w.code++
}

func (w *writer) comment(s string) {
	w.flushBlanks()
	w.b.WriteString(w.pad() + s + "\n")
}

// final is code that must run before control leaves a region: the
// finally block of a try, the close() of a with.
type final struct {
	stmts     []ast.Stmt
	loopDepth int
}

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

type translator struct {
	filename string
	u        *unit
	sh       *shared
	w        *writer
	todos    []TODO
	lastLine int
	inline   int // > 0 while re-emitting finally code: no source comments
	sc       *scope
	try      *tryCtx
	finals   []final
	loop     int      // loop depth in the current function
	errVars  []string // err variables of the enclosing except handlers
	exprErr  *todoErr
	seen     map[string]bool // TODOs already reported (inline copies)
	live     map[string]int  // err/res names of the try statements being written
}

func newTranslator(filename string, u *unit, sh *shared) *translator {
	return &translator{filename: filename, u: u, sh: sh, w: &writer{}, sc: sh.module, seen: map[string]bool{}, live: map[string]int{}}
}

// translateUnits translates parsed units (one file, or notebook cells in
// order), re-running until no name bound by untranslated code is used by
// translated code (Starlark rejects a program that names an undefined
// variable, so such code must be commented out too).
func translateUnits(filename string, units []*unit) ([]string, []TODO) {
	sh := &shared{missing: map[string]string{}, fileBound: map[string]bool{}, idents: map[string]bool{}}
	for _, u := range units {
		if u.mod != nil {
			collectBound(u.mod.Body, sh.fileBound)
			for _, l := range u.lines {
				addIdents(l, sh.idents)
			}
		}
	}
	for pass := 0; ; pass++ {
		sh.module = newModuleScope()
		sh.defined = map[string]bool{}
		sh.todoBound = map[string]string{}
		var codes []string
		var todos []TODO
		for _, u := range units {
			if u.mod == nil {
				codes = append(codes, "")
				continue
			}
			t := newTranslator(filename, u, sh)
			t.stmts(u.mod.Body)
			t.flushTo(len(u.lines))
			codes = append(codes, t.w.b.String())
			todos = append(todos, t.todos...)
		}
		grew := false
		for name, why := range sh.todoBound {
			if !sh.defined[name] && sh.missing[name] == "" {
				sh.missing[name] = why
				grew = true
			}
		}
		if !grew || pass >= 8 {
			return codes, todos
		}
	}
}

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

// uniqueLive is unique, also avoiding the err and res variables of the
// try statements being written around this point.
func (t *translator) uniqueLive(base string) string {
	if !t.sh.idents[base] && t.live[base] == 0 {
		return base
	}
	for i := 2; ; i++ {
		n := fmt.Sprintf("%s_%d", base, i)
		if !t.sh.idents[n] && t.live[n] == 0 {
			return n
		}
	}
}

// unique returns a name based on base that the source does not use.
func (t *translator) unique(base string) string {
	if !t.sh.idents[base] {
		return base
	}
	for i := 2; ; i++ {
		n := fmt.Sprintf("%s_%d", base, i)
		if !t.sh.idents[n] {
			return n
		}
	}
}

func splitLines(src string) []string {
	src = strings.ReplaceAll(src, "\r\n", "\n")
	return append([]string{""}, strings.Split(src, "\n")...)
}

// ---- source lines: blank lines and comments ----

var codingRE = regexp.MustCompile(`^#.*coding[:=]`)

// flushTo copies the blank lines and comment lines before source line
// `line` into the output.
func (t *translator) flushTo(line int) {
	if t.inline > 0 {
		return
	}
	info := t.u.info
	for l := t.lastLine + 1; l < line && l < len(info); l++ {
		switch {
		case info[l].blank:
			t.w.blanks++
		case info[l].commentOnly:
			c := strings.TrimRight(info[l].comment, " \t")
			if l <= 2 && (strings.HasPrefix(c, "#!") || codingRE.MatchString(c)) {
				continue
			}
			t.w.comment(c)
		}
	}
	if line-1 > t.lastLine {
		t.lastLine = line - 1
	}
}

// endLine is the last source line of a statement.
func (t *translator) endLine(s ast.Stmt) int {
	if e, ok := t.u.ends[s]; ok {
		return e
	}
	if t.u.ends == nil {
		t.u.ends = map[ast.Stmt]int{}
	}
	e := t.computeEndLine(s)
	t.u.ends[s] = e
	return e
}

func (t *translator) computeEndLine(s ast.Stmt) int {
	end := s.GetLineno()
	ast.Walk(s, func(n ast.Ast) bool {
		if l := n.GetLineno(); l > end && l < len(t.u.info) {
			end = l
		}
		return true
	})
	for end < len(t.u.info)-1 && t.u.info[end].continues {
		end++
	}
	return end
}

// ---- statements ----

func (t *translator) stmts(list []ast.Stmt) {
	for _, s := range list {
		t.stmt(s)
	}
}

// block writes an indented block; an empty one gets `pass`.
func (t *translator) block(list []ast.Stmt) {
	t.w.indent++
	before := t.w.code
	t.stmts(list)
	if t.w.code == before {
		t.w.line("pass")
	}
	t.w.indent--
}

// stmt writes one statement, or a TODO comment holding its source when
// it cannot be translated.
func (t *translator) stmt(s ast.Stmt) {
	line := s.GetLineno()
	if line > 0 {
		t.flushTo(line)
	}
	end := line
	if line > 0 {
		end = t.endLine(s)
	}
	saved := t.w
	t.w = &writer{indent: saved.indent}
	ntodos := len(t.todos)
	t.exprErr = nil
	err := t.emitStmt(s)
	if err == nil && t.exprErr != nil {
		err = t.exprErr
	}
	t.exprErr = nil
	sub := t.w
	t.w = saved
	binds := ownBinds(s)
	if err != nil {
		te, ok := err.(*todoErr)
		if !ok {
			te = todof(secOther, "%v", err)
		}
		t.todos = t.todos[:ntodos]
		t.todo(line, end, te)
		for _, n := range binds {
			if t.sh.todoBound[n] == "" {
				t.sh.todoBound[n] = te.reason
			}
		}
	} else {
		out := sub.b.String()
		if t.inline == 0 && line > 0 && line < len(t.u.info) {
			if inf := t.u.info[line]; inf.comment != "" && !inf.commentOnly {
				if i := strings.IndexByte(out, '\n'); i >= 0 {
					out = out[:i] + "  " + inf.comment + out[i:]
				}
			}
		}
		t.w.flushBlanks()
		t.w.b.WriteString(out)
		t.w.code += sub.code
		for _, n := range binds {
			t.sh.defined[n] = true
		}
		if _, isTry := s.(*ast.Try); !isTry {
			t.recordState(binds)
		}
	}
	if err == nil {
		for _, n := range binds {
			t.sc.bound[n] = true
		}
	}
	if t.inline == 0 && end > t.lastLine {
		t.lastLine = end
	}
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

// todo writes the source of lines first..last as a comment under a TODO
// line and records it.
func (t *translator) todo(first, last int, e *todoErr) {
	key := fmt.Sprintf("%d:%s", first, e.reason)
	if !t.seen[key] {
		t.seen[key] = true
		t.todos = append(t.todos, TODO{Cell: t.u.cell, Line: first, Reason: e.reason, Section: e.section})
	}
	t.w.comment(fmt.Sprintf("# TODO(netstar): %s — see %s#%s", e.reason, Guide, e.section))
	if first <= 0 || first >= len(t.u.lines) {
		return
	}
	if last >= len(t.u.lines) {
		last = len(t.u.lines) - 1
	}
	indent := leadingSpace(t.u.lines[first])
	for l := first; l <= last; l++ {
		text := t.u.lines[l]
		text = strings.TrimPrefix(text, indent)
		t.w.comment(strings.TrimRight("# "+text, " \t"))
	}
}

func leadingSpace(s string) string {
	return s[:len(s)-len(strings.TrimLeft(s, " \t"))]
}

func (t *translator) emitStmt(s ast.Stmt) error {
	switch s := s.(type) {
	case *ast.ExprStmt:
		if containsYield(s.Value) {
			return todof(secClasses, "generators (yield) are not supported")
		}
		t.w.line(t.exprList(s.Value))
	case *ast.Assign:
		return t.assign(s)
	case *ast.AugAssign:
		return t.augAssign(s)
	case *ast.Pass:
		t.w.line("pass")
	case *ast.Break:
		return t.escape("break", nil)
	case *ast.Continue:
		return t.escape("continue", nil)
	case *ast.Return:
		return t.escape("return", s.Value)
	case *ast.If:
		return t.ifStmt(s, "if")
	case *ast.While:
		if len(s.Orelse) > 0 {
			return todof(secOther, "while ... else is not supported")
		}
		test := t.expr(s.Test, precLambda)
		if t.exprErr != nil {
			return t.exprErr
		}
		t.w.line("while " + test + ":")
		t.loop++
		t.block(s.Body)
		t.loop--
	case *ast.For:
		if len(s.Orelse) > 0 {
			return todof(secOther, "for ... else is not supported")
		}
		target := t.target(s.Target, true)
		iter := t.exprList(s.Iter)
		if t.exprErr != nil {
			return t.exprErr
		}
		if err := t.checkGlobalStore(s.Target); err != nil {
			return err
		}
		t.w.line("for " + target + " in " + iter + ":")
		t.loop++
		t.block(s.Body)
		t.loop--
	case *ast.FunctionDef:
		return t.funcDef(s)
	case *ast.ClassDef:
		return todof(secClasses, "class %s: classes are not supported", s.Name)
	case *ast.Import:
		return t.importStmt(s)
	case *ast.ImportFrom:
		return t.importFrom(s)
	case *ast.Global:
		if t.sc.fn {
			for _, n := range s.Names {
				t.sc.globals[string(n)] = true
			}
		}
	case *ast.Nonlocal:
		return todof(secGlobal, "nonlocal is not supported")
	case *ast.Try:
		return t.tryStmt(s)
	case *ast.With:
		return t.withStmt(s)
	case *ast.Raise:
		return t.raise(s)
	case *ast.Assert:
		test := t.expr(s.Test, precNot)
		msg := `"AssertionError"`
		if s.Msg != nil {
			if str, ok := s.Msg.(*ast.Str); ok {
				msg = quoteStr("AssertionError: "+string(str.S), '"')
			} else {
				msg = `"AssertionError:", ` + t.expr(s.Msg, precLambda)
			}
		}
		if t.exprErr != nil {
			return t.exprErr
		}
		t.w.line("if not " + test + ":")
		t.w.indent++
		t.w.line("fail(" + msg + ")")
		t.w.indent--
	case *ast.Delete:
		var lines []string
		for _, target := range s.Targets {
			sub, ok := target.(*ast.Subscript)
			if !ok {
				return todof(secOther, "del of a variable or attribute is not supported")
			}
			idx, ok := sub.Slice.(*ast.Index)
			if !ok {
				return todof(secOther, "del of a slice is not supported")
			}
			lines = append(lines, t.expr(sub.Value, precPrimary)+".pop("+t.expr(idx.Value, precLambda)+")")
		}
		if t.exprErr != nil {
			return t.exprErr
		}
		for _, l := range lines {
			t.w.line(l)
		}
	default:
		return todof(secOther, "%T statements are not supported", s)
	}
	return nil
}

func (t *translator) ifStmt(s *ast.If, kw string) error {
	test := t.expr(s.Test, precLambda)
	if t.exprErr != nil {
		return t.exprErr
	}
	t.w.line(kw + " " + test + ":")
	t.block(s.Body)
	if len(s.Orelse) == 0 {
		return nil
	}
	if elif, ok := s.Orelse[0].(*ast.If); ok && len(s.Orelse) == 1 && t.inline == 0 {
		t.flushTo(elif.Lineno)
		t.exprErr = nil
		if err := t.ifStmt(elif, "elif"); err != nil {
			// Keep the chain valid: the untranslatable elif goes into
			// an else block as a TODO.
			t.w.line("else:")
			t.w.indent++
			t.todo(elif.Lineno, t.endLine(elif), err.(*todoErr))
			t.w.line("pass")
			t.w.indent--
			t.exprErr = nil
		}
		return nil
	}
	t.w.line("else:")
	t.block(s.Orelse)
	return nil
}

func (t *translator) assign(s *ast.Assign) error {
	for _, target := range s.Targets {
		if err := t.checkGlobalStore(target); err != nil {
			return err
		}
	}
	value := t.exprList(s.Value)
	if len(s.Targets) == 1 {
		target := t.target(s.Targets[0], true)
		if t.exprErr != nil {
			return t.exprErr
		}
		t.w.line(target + " = " + value)
		return nil
	}
	// a = b = v: assign the first simple name, then copy it.
	anchor := -1
	for i, target := range s.Targets {
		if _, ok := target.(*ast.Name); ok {
			anchor = i
			break
		}
	}
	if anchor < 0 {
		return todof(secOther, "chained assignment without a plain variable is not supported")
	}
	name := t.target(s.Targets[anchor], true)
	lines := []string{name + " = " + value}
	for i, target := range s.Targets {
		if i != anchor {
			lines = append(lines, t.target(target, true)+" = "+name)
		}
	}
	if t.exprErr != nil {
		return t.exprErr
	}
	for _, l := range lines {
		t.w.line(l)
	}
	return nil
}

var augOps = map[ast.OperatorNumber]string{
	ast.Add: "+=", ast.Sub: "-=", ast.Mult: "*=", ast.Div: "/=", ast.Modulo: "%=",
	ast.FloorDiv: "//=", ast.LShift: "<<=", ast.RShift: ">>=", ast.BitOr: "|=",
	ast.BitXor: "^=", ast.BitAnd: "&=",
}

func (t *translator) augAssign(s *ast.AugAssign) error {
	if err := t.checkGlobalStore(s.Target); err != nil {
		return err
	}
	target := t.target(s.Target, true)
	if (s.Op == ast.BitOr || s.Op == ast.BitAnd) && boolish(s.Value) {
		op := " or "
		if s.Op == ast.BitAnd {
			op = " and "
		}
		line := target + " = " + target + op + t.expr(s.Value, precNot)
		if t.exprErr != nil {
			return t.exprErr
		}
		t.w.line(line)
		return nil
	}
	op, ok := augOps[s.Op]
	if !ok {
		return todof(secOther, "the %s= operator is not supported", binOps[s.Op].op)
	}
	value := t.exprList(s.Value)
	if t.exprErr != nil {
		return t.exprErr
	}
	t.w.line(target + " " + op + " " + value)
	return nil
}

// checkGlobalStore rejects assignments to names a function declared
// global: Starlark functions cannot rebind globals.
func (t *translator) checkGlobalStore(target ast.Expr) error {
	var bad string
	walkTargets(target, func(n string) {
		if bad == "" && t.sc.isGlobal(n) {
			bad = n
		}
	})
	if bad != "" {
		return todof(secGlobal, "assigns the global %s from a function: Starlark functions cannot rebind globals (keep the value in a dict or list)", bad)
	}
	return nil
}

func (t *translator) funcDef(s *ast.FunctionDef) error {
	if len(s.DecoratorList) > 0 {
		return todof(secClasses, "decorators are not supported")
	}
	if bodyHasYield(s.Body) {
		return todof(secClasses, "generator function %s (yield) is not supported: return a list", s.Name)
	}
	params := t.params(s.Args)
	if t.exprErr != nil {
		return t.exprErr
	}
	t.w.line("def " + ident(string(s.Name)) + "(" + params + "):")
	saved := struct {
		sc     *scope
		try    *tryCtx
		finals []final
		loop   int
		errs   []string
	}{t.sc, t.try, t.finals, t.loop, t.errVars}
	t.sc = newFuncScope(t.sc, s)
	t.try, t.finals, t.loop, t.errVars = nil, nil, 0, nil
	t.block(s.Body)
	t.sc, t.try, t.finals, t.loop, t.errVars = saved.sc, saved.try, saved.finals, saved.loop, saved.errs
	return nil
}

// params prints a parameter list (of a def or a lambda).
func (t *translator) params(a *ast.Arguments) string {
	if a == nil {
		return ""
	}
	var out []string
	nd := len(a.Defaults)
	for i, p := range a.Args {
		s := ident(string(p.Arg))
		if j := i - (len(a.Args) - nd); j >= 0 && j < nd {
			s += "=" + t.expr(a.Defaults[j], precLambda)
		}
		out = append(out, s)
	}
	if a.Vararg != nil {
		out = append(out, "*"+ident(string(a.Vararg.Arg)))
	} else if len(a.Kwonlyargs) > 0 {
		out = append(out, "*")
	}
	for i, p := range a.Kwonlyargs {
		s := ident(string(p.Arg))
		if len(a.KwDefaults) == len(a.Kwonlyargs) && a.KwDefaults[i] != nil {
			s += "=" + t.expr(a.KwDefaults[i], precLambda)
		}
		out = append(out, s)
	}
	if a.Kwarg != nil {
		out = append(out, "**"+ident(string(a.Kwarg.Arg)))
	}
	return strings.Join(out, ", ")
}

// escape writes return, break or continue, running the finally blocks
// and with-closes it leaves, or, inside the local function of a try
// block, returning a tagged tuple that the code after catch() acts on.
func (t *translator) escape(kind string, value ast.Expr) error {
	val := "None"
	if value != nil {
		val = t.exprList(value)
		if t.exprErr != nil {
			return t.exprErr
		}
	}
	if kind != "return" && t.loop == 0 && t.try == nil {
		return todof(secOther, "%s outside a loop", kind)
	}
	var run []final
	for i := len(t.finals) - 1; i >= 0; i-- {
		if kind == "return" || t.finals[i].loopDepth == t.loop {
			run = append(run, t.finals[i])
		}
	}
	if len(run) > 0 && value != nil && !simpleExpr(value) {
		tmp := t.unique("ret")
		t.w.line(tmp + " = " + val)
		val = tmp
	}
	t.runFinals(run)
	switch {
	case t.try != nil && (kind == "return" || t.loop == 0):
		t.try.codes[kind] = true
		if kind == "return" {
			t.w.line(`return ("return", ` + val + ")")
		} else {
			t.w.line(`return ("` + kind + `",)`)
		}
	case kind == "return" && value == nil:
		t.w.line("return")
	case kind == "return":
		t.w.line("return " + val)
	default:
		t.w.line(kind)
	}
	return nil
}

// runFinals writes copies of finally blocks (innermost first), each with
// the finals stack cut below it so it cannot run itself.
func (t *translator) runFinals(run []final) {
	for _, f := range run {
		saved := t.finals
		for i := range t.finals {
			if t.finals[i].stmts != nil && &t.finals[i].stmts[0] == &f.stmts[0] {
				t.finals = t.finals[:i]
				break
			}
		}
		t.inline++
		t.stmts(f.stmts)
		t.inline--
		t.finals = saved
	}
}

func (t *translator) importStmt(s *ast.Import) error {
	var ok []string
	var bad []string
	for _, a := range s.Names {
		name := string(a.Name)
		item := name
		if a.AsName != "" {
			item += " as " + string(a.AsName)
		}
		if knownModule(name) {
			ok = append(ok, item)
		} else {
			bad = append(bad, name)
		}
	}
	if len(bad) == 0 {
		t.w.line("import " + strings.Join(ok, ", "))
		return nil
	}
	if len(ok) == 0 {
		return todof(secModules, "netstar has no module %s (it has %s)", strings.Join(bad, ", "), strings.Join(moduleNames(), ", "))
	}
	// Keep the modules netstar has; the rest is a TODO.
	t.w.line("import " + strings.Join(ok, ", "))
	e := todof(secModules, "netstar has no module %s (it has %s)", strings.Join(bad, ", "), strings.Join(moduleNames(), ", "))
	t.todo(s.Lineno, s.Lineno, e)
	for _, a := range s.Names {
		if !knownModule(string(a.Name)) {
			n := string(a.AsName)
			if n == "" {
				n = strings.SplitN(string(a.Name), ".", 2)[0]
			}
			t.sh.todoBound[n] = e.reason
		}
	}
	return nil
}

func (t *translator) importFrom(s *ast.ImportFrom) error {
	module := string(s.Module)
	if s.Level > 0 {
		return todof(secModules, "relative imports are not supported")
	}
	if module == "__future__" {
		return nil
	}
	if !knownModule(module) {
		return todof(secModules, "netstar has no module %s (it has %s)", module, strings.Join(moduleNames(), ", "))
	}
	var items []string
	for _, a := range s.Names {
		name := string(a.Name)
		if name == "*" {
			t.w.line("from " + module + " import *")
			return nil
		}
		if !moduleHas(module, name) {
			return todof(secModules, "netstar's %s module has no %s", module, name)
		}
		if a.AsName != "" {
			name += " as " + string(a.AsName)
		}
		items = append(items, name)
	}
	t.w.line("from " + module + " import " + strings.Join(items, ", "))
	return nil
}

func (t *translator) raise(s *ast.Raise) error {
	if s.Exc == nil {
		if n := len(t.errVars); n > 0 {
			t.w.line("fail(" + t.errVars[n-1] + ".message)")
		} else {
			t.w.line(`fail("RuntimeError: No active exception to reraise")`)
		}
		return nil
	}
	cls, args := "", []ast.Expr(nil)
	switch e := s.Exc.(type) {
	case *ast.Name:
		for _, v := range t.errVars {
			if v == string(e.Id) {
				t.w.line("fail(" + v + ".message)")
				return nil
			}
		}
		if t.sc.isBound(string(e.Id)) {
			t.w.line("fail(" + t.expr(e, precLambda) + ")")
			return t.exprErrOrNil()
		}
		cls = string(e.Id)
	case *ast.Call:
		if n, ok := e.Func.(*ast.Name); ok && len(e.Keywords) == 0 && e.Starargs == nil && e.Kwargs == nil {
			cls, args = string(n.Id), e.Args
		}
	case *ast.Attribute:
		cls = string(e.Attr)
	}
	if cls == "" {
		return todof(secTry, "raise of a computed exception is not supported")
	}
	if cls == "SystemExit" {
		a := ""
		if len(args) > 0 {
			a = t.expr(args[0], precLambda)
		}
		t.w.line("exit(" + a + ")")
		return t.exprErrOrNil()
	}
	switch {
	case len(args) == 0:
		t.w.line("fail(" + quoteStr(cls, '"') + ")")
	case len(args) == 1:
		if str, ok := args[0].(*ast.Str); ok {
			t.w.line("fail(" + quoteStr(cls+": "+string(str.S), '"') + ")")
		} else {
			t.w.line("fail(" + quoteStr(cls+":", '"') + ", " + t.expr(args[0], precLambda) + ")")
		}
	default:
		var parts []string
		for _, a := range args {
			parts = append(parts, t.expr(a, precLambda))
		}
		t.w.line("fail(" + quoteStr(cls+":", '"') + ", (" + strings.Join(parts, ", ") + "))")
	}
	return t.exprErrOrNil()
}

func (t *translator) exprErrOrNil() error {
	if t.exprErr != nil {
		return t.exprErr
	}
	return nil
}

// withStmt writes `with A as a: body` as `a = A`, body, `a.close()`, and
// `with lock:` as lock.acquire() ... lock.release().
func (t *translator) withStmt(s *ast.With) error {
	var enter []string
	var exit []ast.Stmt
	for _, item := range s.Items {
		ctx := t.expr(item.ContextExpr, precLambda)
		switch v := item.OptionalVars.(type) {
		case nil:
			switch item.ContextExpr.(type) {
			case *ast.Name, *ast.Attribute:
				enter = append(enter, ctx+".acquire()")
				exit = append([]ast.Stmt{callStmt(item.ContextExpr, "release")}, exit...)
			default:
				tmp := t.unique("ctx")
				enter = append(enter, tmp+" = "+ctx)
				exit = append([]ast.Stmt{callStmt(&ast.Name{Id: ast.Identifier(tmp)}, "close")}, exit...)
			}
		case *ast.Name:
			if err := t.checkGlobalStore(v); err != nil {
				return err
			}
			enter = append(enter, ident(string(v.Id))+" = "+ctx)
			exit = append([]ast.Stmt{callStmt(v, "close")}, exit...)
		default:
			return todof("with", "with ... as with a pattern target is not supported")
		}
	}
	if t.exprErr != nil {
		return t.exprErr
	}
	for _, l := range enter {
		t.w.line(l)
	}
	t.finals = append(t.finals, final{stmts: exit, loopDepth: t.loop})
	t.stmts(s.Body)
	t.finals = t.finals[:len(t.finals)-1]
	t.inline++
	t.stmts(exit)
	t.inline--
	return nil
}

func callStmt(recv ast.Expr, method string) ast.Stmt {
	return &ast.ExprStmt{Value: &ast.Call{Func: &ast.Attribute{Value: recv, Attr: ast.Identifier(method), Ctx: ast.Load}}}
}

// ---- try/except ----

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

// ---- scopes ----

// scope is what the translator knows about one Python scope.
type scope struct {
	parent *scope
	fn     bool            // a function (or a try block's local function)
	try    bool            // a try block's local function
	bound  map[string]bool // names bound so far
	// loads counts the names the enclosing real function reads; nil at
	// module level (every variable a try block binds is kept).
	loads   map[string]int
	globals map[string]bool
}

func newModuleScope() *scope {
	return &scope{bound: map[string]bool{}, globals: map[string]bool{}}
}

func newFuncScope(parent *scope, f *ast.FunctionDef) *scope {
	sc := &scope{parent: parent, fn: true, bound: map[string]bool{}, loads: map[string]int{}, globals: map[string]bool{}}
	for _, n := range paramNames(f.Args) {
		sc.bound[n] = true
	}
	for _, st := range f.Body {
		countLoads(st, sc.loads)
	}
	return sc
}

func newTryScope(parent *scope, params []string) *scope {
	sc := &scope{parent: parent, fn: true, try: true, bound: map[string]bool{}, loads: parent.loads, globals: map[string]bool{}}
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

func (sc *scope) isGlobal(n string) bool {
	for s := sc; s != nil && s.fn; s = s.parent {
		if s.globals[n] {
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

// assignedNames lists, in order of first appearance, the names the
// statements bind (not inside nested functions or classes).
func assignedNames(list []ast.Stmt) []string {
	seen := map[string]bool{}
	var out []string
	var visit func([]ast.Stmt)
	visit = func(list []ast.Stmt) {
		for _, s := range list {
			for _, n := range ownBinds(s) {
				if !seen[n] {
					seen[n] = true
					out = append(out, n)
				}
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
				visit(s.Body)
				for _, h := range s.Handlers {
					if h.Name != "" && !seen[string(h.Name)] {
						seen[string(h.Name)] = true
						out = append(out, string(h.Name))
					}
					visit(h.Body)
				}
				visit(s.Orelse)
				visit(s.Finalbody)
			}
		}
	}
	visit(list)
	return out
}

// collectBound adds every name bound anywhere in list (also in nested
// functions) to out.
func collectBound(list []ast.Stmt, out map[string]bool) {
	for _, s := range list {
		ast.Walk(s, func(n ast.Ast) bool {
			switch n := n.(type) {
			case ast.Stmt:
				for _, b := range ownBinds(n) {
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
func escapesOf(list []ast.Stmt) map[string]bool {
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
				visit(s.Body, inLoop)
				for _, h := range s.Handlers {
					visit(h.Body, inLoop)
				}
				visit(s.Orelse, inLoop)
				visit(s.Finalbody, inLoop)
			}
		}
	}
	visit(list, false)
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

// simpleExpr reports whether evaluating e twice, or later, is harmless.
func simpleExpr(e ast.Expr) bool {
	switch e := e.(type) {
	case *ast.Name, *ast.Num, *ast.Str, *ast.Bytes, *ast.NameConstant:
		return true
	case *ast.Attribute:
		return simpleExpr(e.Value)
	case *ast.Subscript:
		if idx, ok := e.Slice.(*ast.Index); ok {
			return simpleExpr(e.Value) && simpleExpr(idx.Value)
		}
	case *ast.UnaryOp:
		return simpleExpr(e.Operand)
	}
	return false
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func isCompound(s ast.Stmt) bool {
	switch s.(type) {
	case *ast.If, *ast.For, *ast.While, *ast.With, *ast.Try, *ast.FunctionDef, *ast.ClassDef:
		return true
	}
	return false
}
