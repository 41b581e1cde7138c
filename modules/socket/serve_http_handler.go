package socket

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/netstar/netstar/builtins/httpvalue"
	"github.com/netstar/netstar/modules/http/httpserve"
	"github.com/netstar/netstar/repl/interp"
	"go.starlark.net/starlark"
)

// HTTPHandler is an http.Handler that answers with a Starlark callable.
//
// Each request runs on a new Starlark thread of the session that holds
// the session's interpreter lock while Starlark code runs, so handlers
// may read and mutate shared globals without data races (the lock is
// released every few thousand steps and inside blocking builtins, so
// requests proceed concurrently). The thread's context is the request's:
// when the request's time budget runs out, the client goes away or the
// server stops, the thread is cancelled and blocking builtins return.
//
// The request body is read (up to the server's limit) before the lock
// is taken; the answer is written after it is released.
type HTTPHandler struct {
	Session *interp.Session
	Fn      starlark.Callable

	// threads keeps finished request threads for reuse: making a thread
	// costs more than the typical handler runs.
	threads sync.Pool
}

// thread returns a Starlark thread for one request.
func (h *HTTPHandler) thread(ctx context.Context) *starlark.Thread {
	t, _ := h.threads.Get().(*starlark.Thread)
	if t == nil {
		t = h.Session.NewThread("serve_http")
		t.SetLocal(handlerKey, h)
	}
	interp.SetContext(t, ctx)
	return t
}

// release returns a thread that was never cancelled to the pool.
func (h *HTTPHandler) release(t *starlark.Thread) {
	interp.SetContext(t, context.Background())
	h.threads.Put(t)
}

// ServeHTTP runs the callable for one request.
func (h *HTTPHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var body []byte
	if r.Body != nil && r.Body != http.NoBody {
		b, err := io.ReadAll(r.Body)
		if err != nil {
			if httpserve.IsTooLarge(err) {
				httpserve.Error(w, http.StatusRequestEntityTooLarge, "Request entity too large")
			} else {
				httpserve.Error(w, http.StatusBadRequest, "Could not read the request body")
			}
			return
		}
		body = b
	}

	ctx := r.Context()
	thread := h.thread(ctx)
	// Cancel the thread when the request ends early: through the
	// server's own watch of the budget when there is one.
	var cancelled atomic.Bool
	cancel := func() { cancelled.Store(true); thread.Cancel(cancelReason(ctx)) }
	stop := func() bool { httpserve.OnStop(w, nil); return !cancelled.Load() }
	if !httpserve.OnStop(w, cancel) {
		stopWatch := context.AfterFunc(ctx, cancel)
		stop = func() bool { return stopWatch() && !cancelled.Load() }
	}

	h.Session.Lock()
	v, err := starlark.Call(thread, h.Fn, starlark.Tuple{httpvalue.NewRequest(r, body)}, nil)
	var a httpvalue.Answer
	if err == nil {
		a, err = httpvalue.ToAnswer(v)
	}
	h.Session.Unlock()
	if stop() {
		h.release(thread) // never cancelled: reusable
	}

	if err != nil {
		if ctx.Err() != nil {
			// A timeout has been answered with 503 already; a client
			// that went away or a stopping server needs no answer.
			httpserve.Note(w, "Handler stopped: "+cancelReason(ctx))
			return
		}
		var ee *starlark.EvalError
		cause := err.Error()
		if errors.As(err, &ee) {
			cause = interp.FormatError(ee) // repeats collapsed, frames capped
		}
		httpserve.Note(w, "Exception occurred during processing of request from "+addrTuple(r.RemoteAddr)+"\n"+cause)
		httpserve.Error(w, http.StatusInternalServerError, "Internal Server Error")
		return
	}
	hdr := w.Header()
	for k, vs := range a.Header {
		hdr[k] = vs
	}
	// The length is the body's, whatever the handler said.
	hdr["Content-Length"] = contentLength(len(a.Body))
	w.WriteHeader(a.Status)
	if r.Method != http.MethodHead {
		w.Write(a.Body)
	}
}

// smallLengths are the Content-Length values of bodies under 1 KiB,
// made once: net/http only reads a header's values (Set and Del replace
// the slice), so a request can share them instead of allocating two.
var smallLengths = func() (v [1024][]string) {
	for i := range v {
		v[i] = []string{strconv.Itoa(i)}
	}
	return v
}()

func contentLength(n int) []string {
	if n < len(smallLengths) {
		return smallLengths[n]
	}
	return []string{strconv.Itoa(n)}
}

// handlerKey is the thread-local key naming the HTTPHandler a thread
// answers a request for, so that stop() knows it is called from one.
const handlerKey = "netstar.serve_http.handler"

// handlerOf returns the HTTPHandler whose request thread runs, or nil.
func handlerOf(thread *starlark.Thread) *HTTPHandler {
	h, _ := thread.Local(handlerKey).(*HTTPHandler)
	return h
}

func cancelReason(ctx context.Context) string {
	if errors.Is(context.Cause(ctx), context.DeadlineExceeded) {
		return "the request exceeded its time budget"
	}
	return "the request was cancelled (client gone or server stopping)"
}

func addrTuple(remote string) string {
	host, port, err := net.SplitHostPort(remote)
	if err != nil {
		return fmt.Sprintf("('%s')", remote)
	}
	return fmt.Sprintf("('%s', %s)", host, port)
}
