package httpserve

import (
	"context"
	"errors"
	"html"
	"io"
	"log"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
)

var discardLogger = log.New(io.Discard, "", 0)

// explanations are python's http.server long descriptions of the error
// codes this server generates; others use net/http's status text.
var explanations = map[int]string{
	400: "Bad request syntax or unsupported method",
	403: "Request forbidden -- authorization will not help",
	404: "Nothing matches the given URI",
	405: "Specified method is invalid for this resource",
	413: "Entity is too large",
	416: "Cannot satisfy request range",
	431: "The server is unwilling to process the request because its header fields are too large",
	500: "Server got itself in trouble",
	501: "Server does not support this operation",
	503: "The server cannot process the request due to a high load",
}

// Error answers code with python's http.server error page (message
// appears in it, HTML-escaped) and, when w belongs to a Server, logs
// "code N, message M" before the request's line as python does. It
// closes the connection afterwards, as python's send_error does.
func Error(w http.ResponseWriter, code int, message string) {
	if rec, ok := w.(*recorder); ok {
		rec.lock()
		if !rec.wroteHeader {
			rec.errMsg = message
		}
		rec.unlock()
	}
	writeErrorPage(w, code, message)
}

func writeErrorPage(w http.ResponseWriter, code int, message string) {
	explain, ok := explanations[code]
	if !ok {
		explain = http.StatusText(code)
	}
	body := `<!DOCTYPE HTML>
<html lang="en">
    <head>
        <meta charset="utf-8">
        <title>Error response</title>
    </head>
    <body>
        <h1>Error response</h1>
        <p>Error code: ` + strconv.Itoa(code) + `</p>
        <p>Message: ` + html.EscapeString(message) + `.</p>
        <p>Error code explanation: ` + strconv.Itoa(code) + ` - ` + html.EscapeString(explain) + `.</p>
    </body>
</html>
`
	h := w.Header()
	h.Del("X-Content-Type-Options")
	h.Set("Content-Type", "text/html;charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	h.Set("Connection", "close")
	w.WriteHeader(code)
	io.WriteString(w, body)
}

// Note adds text (a traceback, the cause of a 500) to the log entry of
// the request w answers; it is written before the request's line. It
// does nothing when w does not belong to a Server.
func Note(w http.ResponseWriter, text string) {
	if rec, ok := w.(*recorder); ok {
		rec.mu.Lock()
		rec.notes = append(rec.notes, strings.TrimRight(text, "\n"))
		rec.mu.Unlock()
	}
}

// recorder wraps the ResponseWriter to remember what was answered (for
// the log), to replace static-file errors with python's page, and, in
// guarded mode, to let a timer answer 503 while the handler still runs.
type recorder struct {
	w      http.ResponseWriter
	static bool

	// mu serializes the handler's writes with the timeout's in guarded
	// mode; it also guards notes.
	mu      sync.Mutex
	guarded bool
	hdr     http.Header     // the handler's header map in guarded mode
	budget  context.Context // the handler's deadline in guarded mode
	late    string          // the 503 message once budget has passed

	status      int
	wroteHeader bool
	swallow     bool // the body is replaced by an error page
	timedOut    bool
	done        bool
	tooLarge    atomic.Bool
	errMsg      string
	notes       []string
	onStop      func() // see OnStop
}

// OnStop registers f to run when the request's context ends early (its
// time budget passes, the client goes away, the server stops), in the
// goroutine that already watches it; f must be quick and must not write
// to w. OnStop(w, nil) unregisters it: after that returns, f has either
// run or never will. It reports false when the server watches nothing
// for this request (no budget); the caller then watches the context
// itself.
func OnStop(w http.ResponseWriter, f func()) bool {
	r, ok := w.(*recorder)
	if !ok || !r.guarded {
		return false
	}
	r.mu.Lock()
	r.onStop = f
	r.mu.Unlock()
	return true
}

func (r *recorder) guard(budget context.Context, msg string) {
	r.guarded = true
	r.hdr = make(http.Header)
	r.budget, r.late = budget, msg
}

// expired answers 503 if the budget has passed before the handler's
// first write, whichever goroutine notices first. Called with mu held.
func (r *recorder) expired() {
	if r.guarded && !r.wroteHeader && !r.done && errors.Is(r.budget.Err(), context.DeadlineExceeded) {
		r.timedOut, r.wroteHeader, r.status, r.errMsg = true, true, http.StatusServiceUnavailable, r.late
		writeErrorPage(r.w, r.status, r.late)
		if f, ok := r.w.(http.Flusher); ok {
			f.Flush()
		}
	}
}

func (r *recorder) lock() {
	if r.guarded {
		r.mu.Lock()
	}
}

func (r *recorder) unlock() {
	if r.guarded {
		r.mu.Unlock()
	}
}

// Written reports whether the response header has been sent.
func (r *recorder) Written() bool {
	r.lock()
	defer r.unlock()
	return r.wroteHeader
}

func (r *recorder) Header() http.Header {
	if r.guarded {
		return r.hdr
	}
	return r.w.Header()
}

func (r *recorder) WriteHeader(code int) {
	r.lock()
	defer r.unlock()
	r.writeHeader(code)
}

func (r *recorder) writeHeader(code int) {
	r.expired()
	if r.wroteHeader || r.timedOut || r.done {
		return
	}
	if r.guarded {
		dst := r.w.Header()
		for k, v := range r.hdr {
			dst[k] = v
		}
	}
	if code >= 400 && r.tooLarge.Load() {
		r.wroteHeader, r.status, r.swallow = true, http.StatusRequestEntityTooLarge, true
		r.errMsg = "Request entity too large"
		writeErrorPage(r.w, r.status, r.errMsg)
		return
	}
	if r.static && code >= 400 && code != 416 {
		msg := http.StatusText(code)
		if code == http.StatusNotFound {
			msg = "File not found"
		}
		if r.errMsg == "" {
			r.errMsg = msg
		}
		r.wroteHeader, r.status, r.swallow = true, code, true
		writeErrorPage(r.w, code, r.errMsg)
		return
	}
	r.wroteHeader, r.status = true, code
	if code != http.StatusOK {
		// An explicit WriteHeader makes net/http clone the header map;
		// for 200 the first Write implies it.
		r.w.WriteHeader(code)
	}
}

func (r *recorder) Write(p []byte) (int, error) {
	r.lock()
	defer r.unlock()
	if !r.wroteHeader {
		r.writeHeader(http.StatusOK)
	}
	if r.timedOut {
		return 0, http.ErrHandlerTimeout
	}
	if r.done {
		return 0, errors.New("httpserve: write after the handler returned")
	}
	if r.swallow {
		return len(p), nil
	}
	return r.w.Write(p)
}

// ReadFrom lets io.Copy reach net/http's sendfile path for static files.
func (r *recorder) ReadFrom(src io.Reader) (int64, error) {
	if r.guarded {
		return io.Copy(writerOnly{r}, src)
	}
	if !r.wroteHeader {
		r.writeHeader(http.StatusOK)
	}
	if r.swallow {
		return io.Copy(io.Discard, src)
	}
	if rf, ok := r.w.(io.ReaderFrom); ok {
		return rf.ReadFrom(src)
	}
	return io.Copy(writerOnly{r.w}, src)
}

// Flush sends buffered data to the client.
func (r *recorder) Flush() {
	r.lock()
	defer r.unlock()
	if r.timedOut || r.done {
		return
	}
	if !r.wroteHeader {
		r.writeHeader(http.StatusOK)
	}
	if f, ok := r.w.(http.Flusher); ok {
		f.Flush()
	}
}

// Unwrap gives http.ResponseController the underlying writer.
func (r *recorder) Unwrap() http.ResponseWriter { return r.w }

// timeout answers 503 if the handler has not started its answer; from
// then on the handler's writes fail with http.ErrHandlerTimeout.
func (r *recorder) timeout() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.expired()
	if r.onStop != nil {
		r.onStop() // under mu: once OnStop(w, nil) returns, it never runs
	}
}

// finish marks the handler as returned: a late timeout does nothing.
func (r *recorder) finish() {
	r.mu.Lock()
	r.done = true
	r.mu.Unlock()
}

func (r *recorder) statusCode() int {
	r.lock()
	defer r.unlock()
	if r.status == 0 {
		return http.StatusOK
	}
	return r.status
}

// writerOnly hides ReadFrom so io.Copy does not recurse.
type writerOnly struct{ io.Writer }

// limitedBody notes that the body went over the limit, so that the
// handler's error answer becomes 413.
type limitedBody struct {
	rc  io.ReadCloser
	rec *recorder
}

func (b *limitedBody) Read(p []byte) (int, error) {
	n, err := b.rc.Read(p)
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			b.rec.tooLarge.Store(true)
		}
	}
	return n, err
}

func (b *limitedBody) Close() error { return b.rc.Close() }

// IsTooLarge reports whether err is the error of reading a request body
// beyond Config.MaxBodyBytes; answer it with Error(w, 413, ...).
func IsTooLarge(err error) bool {
	var mbe *http.MaxBytesError
	return errors.As(err, &mbe)
}
