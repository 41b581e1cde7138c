// Statement emission: the translator's state, the source's blank lines
// and comments carried over, and one method per Python statement. The
// try/except lowering is in try.go, scope analysis in scope.go.

package translate

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/go-python/gpython/ast"
	"github.com/netstar/netstar/builtins/i18n"
)

// todoErr is the reason a construct cannot be translated.
type todoErr struct {
	reason  string
	section string
}

func (e *todoErr) Error() string { return e.reason }

// todof is the TODO whose reason is the catalogue's message key
// (builtins/i18n), in the locale's language.
func todof(section, key string, a ...any) *todoErr {
	return &todoErr{reason: i18n.T(key, a...), section: section}
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
	// ctx stops the translation (Ctrl-C in the REPL); steps counts the
	// statements written, to check it every few of them.
	ctx   context.Context
	steps int
	binds bindMemo
	// missing maps names bound only by untranslated code to the reason;
	// code that uses them is untranslatable too.
	missing map[string]string
	// fileBound holds every name the source binds anywhere.
	fileBound map[string]bool
	// idents holds every identifier in the source, to invent new ones.
	idents map[string]bool
	// scopes is Python's scopes, resolved before writing anything:
	// which names live in cells (global and nonlocal).
	scopes *pyScopes
	// chunk is set when the source is one REPL input: a later input
	// could not see a global kept in a cell.
	chunk bool

	// Per pass:
	module    *scope
	defined   map[string]bool
	todoBound map[string]string
}

// writer accumulates indented output lines. Every statement writes
// straight into the translation's one buffer, from its own base offset,
// so nested statements are never copied level by level (that made deep
// nesting quadratic); a statement that turns into a TODO is cut off the
// buffer again.
type writer struct {
	out    *[]byte
	base   int // where this writer's text starts in *out
	indent int
	code   int // code (non-comment, non-blank) lines written
	blanks int // pending blank lines
	// note is a source comment to append to the next line written.
	note string
	// prefix and suffix go around the next code line written.
	prefix, suffix string
}

func newWriter(size int) *writer {
	b := make([]byte, 0, size)
	return &writer{out: &b}
}

// sub returns a writer for one statement, writing after w's text.
func (w *writer) sub() *writer {
	return &writer{out: w.out, base: len(*w.out), indent: w.indent}
}

func (w *writer) String() string { return string((*w.out)[w.base:]) }

var spaces = strings.Repeat(" ", 4*64)

// pad indents by four spaces a level, and by one beyond level 16: any
// deeper indentation is consistent for netstar's parser, and it keeps
// the output of deeply nested code (each try is a local function, so
// nesting doubles) linear in the input rather than in its depth squared.
func (w *writer) pad() {
	n := 4 * w.indent
	if w.indent > 16 {
		n = 64 + w.indent - 16
	}
	for n > len(spaces) {
		*w.out = append(*w.out, spaces...)
		n -= len(spaces)
	}
	*w.out = append(*w.out, spaces[:n]...)
}

func (w *writer) flushBlanks() {
	max := 1
	if w.indent == 0 {
		max = 2
	}
	if w.blanks > max {
		w.blanks = max
	}
	if len(*w.out) > w.base {
		for ; w.blanks > 0; w.blanks-- {
			*w.out = append(*w.out, '\n')
		}
	}
	w.blanks = 0
}

func (w *writer) line(s string) {
	s = w.prefix + s + w.suffix
	w.prefix, w.suffix = "", ""
	w.comment(s)
	w.code++
}

func (w *writer) comment(s string) {
	w.flushBlanks()
	w.pad()
	*w.out = append(*w.out, s...)
	if w.note != "" {
		*w.out = append(*w.out, "  "+w.note...)
		w.note = ""
	}
	*w.out = append(*w.out, '\n')
}

// final is code that must run before control leaves a region: the
// finally block of a try, the close() of a with.
type final struct {
	stmts     []ast.Stmt
	loopDepth int
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
	tryDepth int             // try statements being written around this point
	// cls is the class whose body (classBody) or method (in a method)
	// is being written, for super().
	cls *classCtx
	// ps is the Python scope being written.
	ps *pyScope
	// gPending is set until the dict of the globals kept in cells is
	// created, with the first statement of the module.
	gPending bool
}

func newTranslator(filename string, u *unit, sh *shared) *translator {
	return &translator{filename: filename, u: u, sh: sh, w: newWriter(2 * len(u.lines) * 16), sc: sh.module, seen: map[string]bool{}, ps: sh.scopes.module}
}

// translateUnits translates parsed units (one file, or notebook cells in
// order), re-running until no name bound by untranslated code is used by
// translated code (Starlark rejects a program that names an undefined
// variable, so such code must be commented out too).
func translateUnits(filename string, units []*unit) ([]string, []TODO) {
	codes, todos, _ := translateUnitsContext(context.Background(), filename, units)
	return codes, todos
}

// cancelled carries the context's error out of the translation, which
// checks it between statements.
type cancelled struct{ err error }

// translateUnitsContext is translateUnits that stops, returning ctx's
// error, once ctx is done.
func translateUnitsContext(ctx context.Context, filename string, units []*unit) (codes []string, todos []TODO, err error) {
	return translateUnitsOpts(ctx, filename, units, false)
}

// translateUnitsOpts is translateUnitsContext; chunk says the units are
// one REPL input.
func translateUnitsOpts(ctx context.Context, filename string, units []*unit, chunk bool) (codes []string, todos []TODO, err error) {
	defer func() {
		if r := recover(); r != nil {
			c, ok := r.(cancelled)
			if !ok {
				panic(r)
			}
			codes, todos, err = nil, nil, fmt.Errorf("translating %s: %w", filename, c.err)
		}
	}()
	if err := ctx.Err(); err != nil {
		return nil, nil, fmt.Errorf("translating %s: %w", filename, err)
	}
	sh := &shared{ctx: ctx, binds: bindMemo{}, missing: map[string]string{}, fileBound: map[string]bool{}, idents: map[string]bool{}, chunk: chunk}
	var bodies [][]ast.Stmt
	for _, u := range units {
		if u.mod != nil {
			collectBound(u.mod.Body, sh.fileBound)
			for _, l := range u.lines {
				addIdents(l, sh.idents)
			}
			bodies = append(bodies, u.mod.Body)
		}
	}
	sh.scopes = analyzeScopes(bodies, func(base string) string {
		n := sh.unique(base)
		sh.idents[n] = true
		return n
	})
	for pass := 0; ; pass++ {
		sh.module = newModuleScope()
		sh.defined = map[string]bool{}
		sh.todoBound = map[string]string{}
		var codes []string
		var todos []TODO
		gDone := false
		for _, u := range units {
			if u.mod == nil {
				codes = append(codes, "")
				continue
			}
			t := newTranslator(filename, u, sh)
			if len(codes) == 0 || !gDone {
				t.gPending = sh.scopes.gvar != "" && !chunk
			}
			t.stmts(u.mod.Body)
			gDone = gDone || !t.gPending
			t.flushTo(len(u.lines))
			codes = append(codes, t.w.String())
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
			return codes, todos, nil
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
		if c, ok := n.(ast.Stmt); ok && c != s {
			// A nested statement's end is memoized: walking each
			// subtree again per level was quadratic in the depth.
			if l := t.endLine(c); l > end {
				end = l
			}
			return false
		}
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
	if t.sh.steps++; t.sh.steps%64 == 0 {
		if err := t.sh.ctx.Err(); err != nil {
			panic(cancelled{err})
		}
	}
	line := s.GetLineno()
	if line > 0 {
		t.flushTo(line)
	}
	end := line
	if line > 0 {
		end = t.endLine(s)
	}
	saved := t.w
	saved.flushBlanks()
	t.w = saved.sub()
	if t.inline == 0 && line > 0 && line < len(t.u.info) {
		if inf := t.u.info[line]; inf.comment != "" && !inf.commentOnly {
			t.w.note = inf.comment
		}
	}
	ntodos := len(t.todos)
	t.exprErr = nil
	gLine := t.createG(s)
	err := t.emitStmt(s)
	if err == nil && t.exprErr != nil {
		err = t.exprErr
	}
	if err == nil {
		t.cellSync(s)
		if gLine && t.w.prefix == "" && t.w.suffix == "" {
			t.gPending = false
		}
	}
	t.exprErr = nil
	sub := t.w
	t.w = saved
	binds := t.sh.binds.ownBinds(s)
	if err != nil {
		te, ok := err.(*todoErr)
		if !ok {
			te = &todoErr{reason: err.Error(), section: secOther}
		}
		*saved.out = (*saved.out)[:sub.base]
		t.todos = t.todos[:ntodos]
		t.todo(line, end, te)
		for _, n := range binds {
			if t.sh.todoBound[n] == "" {
				t.sh.todoBound[n] = te.reason
			}
		}
	} else {
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

// sourceComment writes a statement that needs no code as a comment
// holding its source, so that the lines after it keep their numbers.
func (t *translator) sourceComment(s ast.Stmt) {
	if l := s.GetLineno(); l > 0 && l < len(t.u.lines) && t.inline == 0 {
		t.w.comment("# " + strings.TrimSpace(t.u.lines[l]))
	}
}

// createG arranges for the dict of the globals kept in cells to be
// created with the module's first statement s, on its line when it is
// simple, so that the lines of the translation stay those of the
// source; it reports whether it did.
func (t *translator) createG(s ast.Stmt) bool {
	if !t.gPending || t.ps.kind != scModule || t.try != nil || t.w.indent != 0 || t.inline > 0 {
		return false
	}
	g := t.sh.scopes.gvar + " = {}"
	switch s := s.(type) {
	case *ast.Import, *ast.ImportFrom:
		t.w.suffix = "; " + g // the import pre-pass wants import first
	case *ast.ExprStmt, *ast.AugAssign:
		t.w.prefix = g + "; "
	case *ast.Assign:
		if len(s.Targets) != 1 {
			t.w.line(g)
			break
		}
		t.w.prefix = g + "; "
	default:
		t.w.line(g)
	}
	return true
}

// todo writes the source of lines first..last as a comment under a TODO
// line and records it.
func (t *translator) todo(first, last int, e *todoErr) {
	key := fmt.Sprintf("%d:%s", first, e.reason)
	if !t.seen[key] {
		t.seen[key] = true
		t.todos = append(t.todos, TODO{Cell: t.u.cell, Line: first, Reason: e.reason, Section: e.section})
	}
	t.w.comment(i18n.T("translate.todoLine", e.reason, Guide, e.section))
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
			return todof(secClasses, "translate.todo.yield")
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
			return todof(secOther, "translate.todo.whileElse")
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
			return todof(secOther, "translate.todo.forElse")
		}
		target := t.target(s.Target, true)
		iter := t.exprList(s.Iter)
		if t.exprErr != nil {
			return t.exprErr
		}
		t.w.line("for " + target + " in " + iter + ":")
		t.loop++
		t.block(s.Body)
		t.loop--
	case *ast.FunctionDef:
		return t.funcDef(s)
	case *ast.ClassDef:
		return t.classDef(s)
	case *ast.Import:
		return t.importStmt(s)
	case *ast.ImportFrom:
		return t.importFrom(s)
	case *ast.Global:
		// The names the function rebinds live in a cell (cells.go).
		if t.sh.chunk && t.ps.kind != scModule {
			for _, n := range s.Names {
				if t.sh.scopes.gcells[string(n)] {
					return todof(secGlobal, "translate.todo.replGlobal", n)
				}
			}
		}
		t.sourceComment(s)
	case *ast.Nonlocal:
		if n := t.ps.badNonlocal; n != "" {
			// Python's own SyntaxError, in its words.
			return &todoErr{reason: fmt.Sprintf("no binding for nonlocal '%s' found", n), section: secGlobal}
		}
		t.sourceComment(s)
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
			if n, ok := target.(*ast.Name); ok && t.cellDict(string(n.Id)) != "" {
				lines = append(lines, t.cellDict(string(n.Id))+".pop("+quoteStr(string(n.Id), '"')+")")
				continue
			}
			sub, ok := target.(*ast.Subscript)
			if !ok {
				return todof(secOther, "translate.todo.delVar")
			}
			idx, ok := sub.Slice.(*ast.Index)
			if !ok {
				return todof(secOther, "translate.todo.delSlice")
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
		return todof(secOther, "translate.todo.stmtType", s)
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
		if n, ok := target.(*ast.Name); ok && t.cell(string(n.Id)) == "" {
			anchor = i
			break
		}
	}
	if anchor < 0 {
		return todof(secOther, "translate.todo.chainedAssign")
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
	if s.Op == ast.Pow && simpleExpr(s.Target) {
		// x **= 2  ->  x = pow(x, 2)
		value := t.powCall(s.Target, s.Value)
		if t.exprErr != nil {
			return t.exprErr
		}
		t.w.line(target + " = " + value)
		return nil
	}
	op, ok := augOps[s.Op]
	if !ok {
		return todof(secOther, "translate.todo.augOp", binOps[s.Op].op)
	}
	value := t.exprList(s.Value)
	if t.exprErr != nil {
		return t.exprErr
	}
	t.w.line(target + " " + op + " " + value)
	return nil
}

// classCtx is a class being written.
type classCtx struct {
	name string
	// body is set while the class body itself is written; self is the
	// first parameter of the method being written.
	body bool
	self string
}

// classDef writes a class as a function that returns the class body's
// names, and a call of __ns_class__ (builtins/pyclass) that makes the
// class from them:
//
//	def __ns_class_Scanner():
//	    timeout = 1
//	    def scan(self): ...
//	    return {"timeout": timeout, "scan": scan}
//	Scanner = __ns_class__("Scanner", None, __ns_class_Scanner())
func (t *translator) classDef(s *ast.ClassDef) error {
	if len(s.DecoratorList) > 0 {
		return todof(secClasses, "translate.todo.classDecorator")
	}
	if len(s.Keywords) > 0 || s.Starargs != nil || s.Kwargs != nil {
		return todof(secClasses, "translate.todo.metaclass", s.Name)
	}
	if len(s.Bases) > 1 {
		return todof(secClasses, "translate.todo.oneBase", s.Name)
	}
	base := "None"
	if len(s.Bases) == 1 {
		base = t.classInfo(s.Bases[0])
		if t.exprErr != nil {
			return t.exprErr
		}
	}
	fname := t.unique("class_" + string(s.Name))
	t.w.line("def " + fname + "():")
	saved := struct {
		sc     *scope
		try    *tryCtx
		finals []final
		loop   int
		errs   []string
		cls    *classCtx
	}{t.sc, t.try, t.finals, t.loop, t.errVars, t.cls}
	t.sc = newFuncScope(t.sc, &ast.FunctionDef{Body: s.Body})
	t.try, t.finals, t.loop, t.errVars = nil, nil, 0, nil
	t.cls = &classCtx{name: string(s.Name), body: true}
	leave := t.enter(s)
	t.w.indent++
	t.stmts(s.Body)
	var items []string
	seen := map[string]bool{}
	for _, n := range t.sh.binds.assigned(s.Body) {
		if !seen[n] && t.sc.bound[n] {
			seen[n] = true
			items = append(items, quoteStr(n, '"')+": "+ident(n))
		}
	}
	t.w.line("return {" + strings.Join(items, ", ") + "}")
	t.w.indent--
	leave()
	t.sc, t.try, t.finals, t.loop, t.errVars, t.cls = saved.sc, saved.try, saved.finals, saved.loop, saved.errs, saved.cls
	t.w.line(ident(string(s.Name)) + " = __ns_class__(" + quoteStr(string(s.Name), '"') + ", " + base + ", " + fname + "())")
	return nil
}

func (t *translator) funcDef(s *ast.FunctionDef) error {
	var decorators []string
	for _, d := range s.DecoratorList {
		switch d := d.(type) {
		case *ast.Name:
			if (d.Id == "staticmethod" || d.Id == "classmethod") && !t.sh.fileBound[string(d.Id)] {
				decorators = append(decorators, "__ns_"+string(d.Id)+"__")
				continue
			}
		}
		decorators = append(decorators, t.expr(d, precLambda))
	}
	if t.exprErr != nil {
		return t.exprErr
	}
	if bodyHasYield(s.Body) {
		return todof(secClasses, "translate.todo.generatorFunc", s.Name)
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
	savedCls := t.cls
	if t.cls != nil {
		if t.cls.body && s.Args != nil && len(s.Args.Args) > 0 {
			t.cls = &classCtx{name: t.cls.name, self: string(s.Args.Args[0].Arg)}
		} else if t.cls.body {
			t.cls = &classCtx{name: t.cls.name}
		}
	}
	leave := t.enter(s)
	t.w.indent++
	before := t.w.code
	t.cellInit()
	t.stmts(s.Body)
	if t.w.code == before {
		t.w.line("pass")
	}
	t.w.indent--
	leave()
	t.cls = savedCls
	t.sc, t.try, t.finals, t.loop, t.errVars = saved.sc, saved.try, saved.finals, saved.loop, saved.errs
	name := ident(string(s.Name))
	for i := len(decorators) - 1; i >= 0; i-- {
		t.w.line(name + " = " + decorators[i] + "(" + name + ")")
	}
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
		return todof(secOther, "translate.todo.outsideLoop", kind)
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
		vars := strings.Join(prefixEach(t.try.returned, ", "), "")
		if kind == "return" {
			t.w.line(`return ("return", ` + val + vars + ")")
		} else {
			t.w.line(`return ("` + kind + `", None` + vars + ")")
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
		return todof(secModules, "translate.todo.noModule", strings.Join(bad, ", "), strings.Join(moduleNames(), ", "))
	}
	// Keep the modules netstar has; the rest is a TODO.
	t.w.line("import " + strings.Join(ok, ", "))
	e := todof(secModules, "translate.todo.noModule", strings.Join(bad, ", "), strings.Join(moduleNames(), ", "))
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
		return todof(secModules, "translate.todo.relativeImport")
	}
	if module == "__future__" {
		t.sourceComment(s)
		return nil
	}
	if !knownModule(module) {
		return todof(secModules, "translate.todo.noModule", module, strings.Join(moduleNames(), ", "))
	}
	var items []string
	for _, a := range s.Names {
		name := string(a.Name)
		if name == "*" {
			t.w.line("from " + module + " import *")
			return nil
		}
		if !moduleHas(module, name) {
			return todof(secModules, "translate.todo.noMember", module, name)
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
			t.w.line("__ns_raise__(" + t.errVars[n-1] + ")")
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
				t.w.line("__ns_raise__(" + v + ")")
				return nil
			}
		}
		if t.sc.isBound(string(e.Id)) || t.sh.fileBound[string(e.Id)] {
			// An exception caught earlier, or a class of the program.
			t.w.line("__ns_raise__(" + t.expr(e, precLambda) + ")")
			return t.exprErrOrNil()
		}
		cls = string(e.Id)
	case *ast.Call:
		if n, ok := e.Func.(*ast.Name); ok && (t.sc.isBound(string(n.Id)) || t.sh.fileBound[string(n.Id)]) {
			t.w.line("__ns_raise__(" + t.expr(e, precLambda) + ")")
			return t.exprErrOrNil()
		}
		if n, ok := e.Func.(*ast.Name); ok && len(e.Keywords) == 0 && e.Starargs == nil && e.Kwargs == nil {
			cls, args = string(n.Id), e.Args
		}
	case *ast.Attribute:
		cls = string(e.Attr)
	}
	if cls == "" {
		return todof(secTry, "translate.todo.computedRaise")
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
	case len(args) == 1 && cls == "KeyError":
		// str(KeyError(k)) is repr(k).
		t.w.line("fail(" + quoteStr(cls+":", '"') + ", repr(" + t.expr(args[0], precLambda) + "))")
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
			enter = append(enter, t.target(v, true)+" = "+ctx)
			exit = append([]ast.Stmt{callStmt(v, "close")}, exit...)
		default:
			return todof("with", "translate.todo.withPattern")
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
