package kernel

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"time"

	"github.com/netstar/netstar/builtins/pyerr"
	"github.com/netstar/netstar/builtins/pyfmt"
	"github.com/netstar/netstar/repl/interp"
	"github.com/netstar/netstar/repl/translate"
	"go.starlark.net/resolve"
	"go.starlark.net/starlark"
	"go.starlark.net/syntax"
)

// resultFunc is the hidden builtin a cell's last expression statement is
// wrapped in, so that its value becomes the execute_result (Jupyter shows
// the last expression only, where the REPL echoes each one).
const resultFunc = "__kernel_result__"

type executeRequest struct {
	Code            string            `json:"code"`
	Silent          bool              `json:"silent"`
	StoreHistory    *bool             `json:"store_history"`
	UserExpressions map[string]string `json:"user_expressions"`
	AllowStdin      bool              `json:"allow_stdin"`
	StopOnError     bool              `json:"stop_on_error"`
}

// cellError is a failed cell as Jupyter shows it.
type cellError struct {
	Ename     string   `json:"ename"`
	Evalue    string   `json:"evalue"`
	Traceback []string `json:"traceback"`
}

// execute runs an execute_request: execute_input, the cell's streams,
// its execute_result or error, then execute_reply.
func (k *Kernel) execute(r *request) {
	var c executeRequest
	if err := json.Unmarshal(r.msg.Content, &c); err != nil {
		k.log.Printf("execute_request: malformed content: %v", err)
		r.reply("execute_reply", map[string]any{"status": "error", "execution_count": k.count, "ename": "ValueError", "evalue": "malformed execute_request", "traceback": []string{}})
		return
	}
	store := c.StoreHistory == nil || *c.StoreHistory
	if c.Silent {
		store = false
	}
	blank := strings.TrimSpace(c.Code) == ""
	if store && !blank {
		k.count++
	}
	count := k.count
	if !c.Silent {
		k.publish(r.msg, "execute_input", map[string]any{"code": c.Code, "execution_count": count})
	}
	var value starlark.Value
	var cerr *cellError
	if !blank {
		value, cerr = k.runCell(r.msg, c.Code, c.AllowStdin)
	}
	k.stdout.flush()
	k.stderr.flush()
	if cerr != nil {
		if !c.Silent {
			k.publish(r.msg, "error", cerr)
		}
		r.reply("execute_reply", map[string]any{
			"status": "error", "execution_count": count,
			"ename": cerr.Ename, "evalue": cerr.Evalue, "traceback": cerr.Traceback,
			"user_expressions": map[string]any{}, "payload": []any{},
		})
		return
	}
	if value != nil && value != starlark.None && !c.Silent {
		k.publish(r.msg, "execute_result", map[string]any{
			"execution_count": count,
			"data":            mimeBundle(value),
			"metadata":        map[string]any{},
		})
	}
	r.reply("execute_reply", map[string]any{
		"status": "ok", "execution_count": count,
		"user_expressions": k.userExpressions(c.UserExpressions),
		"payload":          []any{},
	})
}

// runCell runs one cell in the kernel's session, like a REPL input:
// netstar's dialect as it is, else Python translated. It returns the
// value of a last expression statement.
func (k *Kernel) runCell(parent *Message, code string, allowStdin bool) (starlark.Value, *cellError) {
	ctx, cancel := context.WithCancel(k.s.Context())
	defer cancel()
	k.mu.Lock()
	k.parent = parent
	k.running = cancel
	k.cellCtx = ctx
	k.allowIn = allowStdin
	k.result = nil
	k.mu.Unlock()
	interp.SetContext(k.thread, ctx)
	k.thread.Uncancel()
	defer func() {
		k.mu.Lock()
		k.running = nil
		k.mu.Unlock()
		k.thread.Uncancel()
	}()

	src := code
	f, err := interp.Parse("<cell>", []byte(src))
	if err != nil {
		tr, ok := translate.SuggestContext(ctx, code)
		if ctx.Err() != nil {
			return nil, interrupted()
		}
		if !ok {
			return nil, errorOf(err)
		}
		if f, err = interp.Parse("<cell>", []byte(tr)); err != nil {
			return nil, errorOf(err)
		}
	}
	if n := len(f.Stmts); n > 0 {
		if es, ok := f.Stmts[n-1].(*syntax.ExprStmt); ok {
			pos, _ := es.X.Span()
			es.X = &syntax.CallExpr{Fn: &syntax.Ident{NamePos: pos, Name: resultFunc}, Lparen: pos, Args: []syntax.Expr{es.X}, Rparen: pos}
		}
	}
	err = k.s.Run(func() error { return interp.ExecChunk(k.thread, f, k.globals) })
	if err != nil {
		if ctx.Err() != nil {
			return nil, interrupted()
		}
		return nil, errorOf(err)
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.result, nil
}

// keepResult is __kernel_result__(x): it keeps x for execute_result and
// in _, as Python's shell does.
func (k *Kernel) keepResult(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	if len(args) == 1 {
		k.mu.Lock()
		k.result = args[0]
		k.mu.Unlock()
		if args[0] != starlark.None {
			k.globals["_"] = args[0]
		}
	}
	return starlark.None, nil
}

// interrupt stops the running cell as Ctrl-C does in the REPL: the
// thread is cancelled (loops stop at their next step) and the cell's
// context (blocking builtins return). Variables are kept.
func (k *Kernel) interrupt() {
	k.mu.Lock()
	cancel := k.running
	k.mu.Unlock()
	if cancel != nil {
		k.thread.Cancel("KeyboardInterrupt")
		cancel()
	}
}

func interrupted() *cellError {
	return &cellError{Ename: "KeyboardInterrupt", Evalue: "", Traceback: []string{"KeyboardInterrupt"}}
}

// errorOf describes a failed cell with Python's exception class.
func errorOf(err error) *cellError {
	text := strings.TrimRight(interp.FormatError(err), "\n")
	tb := strings.Split(text, "\n")
	if code, ok := interp.ExitCode(err); ok {
		return &cellError{Ename: "SystemExit", Evalue: pyfmt.Repr(starlark.MakeInt(code)), Traceback: []string{"SystemExit: " + pyfmt.Repr(starlark.MakeInt(code))}}
	}
	var el resolve.ErrorList
	if errors.As(err, &el) && len(el) > 0 {
		msg := el[0].Msg
		if name, ok := strings.CutPrefix(msg, "undefined: "); ok {
			return &cellError{Ename: "NameError", Evalue: "name '" + name + "' is not defined", Traceback: tb}
		}
		return &cellError{Ename: "SyntaxError", Evalue: msg, Traceback: tb}
	}
	var se syntax.Error
	if errors.As(err, &se) {
		return &cellError{Ename: "SyntaxError", Evalue: se.Msg, Traceback: tb}
	}
	e := interp.NewException(err)
	return &cellError{Ename: e.ExceptionType(), Evalue: e.String(), Traceback: tb}
}

// userExpressions evaluates execute_request's user_expressions in the
// cell's globals.
func (k *Kernel) userExpressions(exprs map[string]string) map[string]any {
	out := map[string]any{}
	for name, expr := range exprs {
		var v starlark.Value
		err := k.s.Run(func() error {
			var err error
			v, err = starlark.EvalOptions(&syntax.FileOptions{}, k.thread, "<user_expression>", expr, k.globals)
			return err
		})
		if err != nil {
			ce := errorOf(err)
			out[name] = map[string]any{"status": "error", "ename": ce.Ename, "evalue": ce.Evalue, "traceback": ce.Traceback}
			continue
		}
		out[name] = map[string]any{"status": "ok", "data": mimeBundle(v), "metadata": map[string]any{}}
	}
	return out
}

// input is input() inside the kernel: an input_request on stdin when the
// front-end allows it, else StdinNotImplementedError as ipykernel raises.
func (k *Kernel) input(prompt string) (string, error) {
	k.mu.Lock()
	parent, allow, ctx := k.parent, k.allowIn, k.cellCtx
	k.mu.Unlock()
	if parent == nil || !allow || ctx == nil {
		return "", pyerr.New("StdinNotImplementedError", "raw_input was called, but this frontend does not support input requests.")
	}
	k.stdout.flush()
	k.stderr.flush()
	// Drop a stale reply to an earlier, interrupted request.
	select {
	case <-k.inputCh:
	default:
	}
	m, err := k.newMessage(parent, "input_request", map[string]any{"prompt": prompt, "password": false})
	if err != nil {
		return "", err
	}
	m.Identities = parent.Identities
	k.send(k.stdin, &k.stdinMu, m)
	select {
	case reply := <-k.inputCh:
		var c struct {
			Value string `json:"value"`
		}
		if err := json.Unmarshal(reply.Content, &c); err != nil {
			return "", pyerr.New("EOFError", "EOF when reading a line")
		}
		return c.Value, nil
	case <-ctx.Done():
		return "", context.Canceled
	case <-k.shutdown:
		return "", context.Canceled
	}
}

// stream is print's output as iopub stream messages: writes are
// gathered for a short while, as ipykernel does, so a loop's prints
// arrive as a few messages, not one per write.
type stream struct {
	k     *Kernel
	name  string
	mu    sync.Mutex
	buf   strings.Builder
	timer *time.Timer
}

const streamDelay = 50 * time.Millisecond

func newStream(k *Kernel, name string) *stream { return &stream{k: k, name: name} }

// Write implements io.Writer.
func (s *stream) Write(p []byte) (int, error) {
	s.mu.Lock()
	s.buf.Write(p)
	big := s.buf.Len() > 64<<10
	if s.timer == nil && !big {
		s.timer = time.AfterFunc(streamDelay, s.flush)
	}
	s.mu.Unlock()
	if big {
		s.flush()
	}
	return len(p), nil
}

// flush sends what was written, to the cell running or last run.
func (s *stream) flush() {
	s.mu.Lock()
	if s.timer != nil {
		s.timer.Stop()
		s.timer = nil
	}
	defer s.mu.Unlock()
	text := s.buf.String()
	s.buf.Reset()
	if text == "" {
		return
	}
	s.k.mu.Lock()
	parent := s.k.parent
	s.k.mu.Unlock()
	// Published holding s.mu (publish never blocks), so a timer's flush
	// cannot be overtaken by the cell's end.
	s.k.publish(parent, "stream", map[string]any{"name": s.name, "text": strings.ToValidUTF8(text, "\uFFFD")})
}
