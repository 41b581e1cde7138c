// socket.serve_http: the Starlark face of the HTTP server engine
// (package httpserve).

package socket

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os/signal"
	"strconv"
	"sync"
	"syscall"
	"time"

	"github.com/netstar/netstar/builtins/pyarg"
	"github.com/netstar/netstar/builtins/pyerr"
	"github.com/netstar/netstar/modules/http/httpserve"
	"github.com/netstar/netstar/repl/interp"
	"go.starlark.net/starlark"
)

// serveHTTPDoc is the help text of socket.serve_http.
const serveHTTPDoc = `serve_http(port=8080, host="localhost", handler=None, directory=None, background=False, timeout=30)
Serves HTTP on host:port. Every request is logged to stderr like python's http.server:
  127.0.0.1 - - [27/Nov/2026 10:00:00] "GET / HTTP/1.1" 200 -

handler(req) answers requests. req has method, path, query (dict), headers (dict, lower-case
names), body (bytes), text, json(), remote_addr (("127.0.0.1", 54321)) and url. It returns a str
or bytes (status 200), (status, body), (status, headers, body), a dict with status/headers/body,
or http.response(...); for JSON return json.encode(x) with a Content-Type header. An error in the
handler, or a bad return value, answers 500 and logs the cause; the server keeps serving.

Requests run concurrently, each on its own thread, but Starlark code runs one thread at a time
(as Python code does under the GIL), so a handler may update shared globals, e.g. a dict of
visit counts: visits["n"] += 1. Each request has timeout seconds (None: no limit): a handler
still running then is stopped and the client gets 503.

Without handler it serves directory (default: the current one) like python3 -m http.server:
index.html, listings, content types, HEAD, If-Modified-Since. Nothing outside the directory is
served ("..", symlinks out), and names starting with "." are hidden.

host "localhost" binds 127.0.0.1 only; "" or "0.0.0.0" binds every interface. port 0 picks a
free port. In the foreground serve_http blocks until Ctrl-C (or SIGTERM), then stops gracefully.
With background=True it returns a server with url, port, host, running and stop(); it is stopped
when the program ends. stop() called from one of its handlers returns at once: that answer is
still sent, then the server stops. Limits: headers 64 KiB (431), body 10 MiB (413).`

func serveHTTP(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	port := 8080
	host := "localhost"
	var handler, directory, timeout starlark.Value = starlark.None, starlark.None, starlark.MakeInt(30)
	background := false
	if err := starlark.UnpackArgs(b.Name(), args, kwargs,
		"port?", &port, "host?", &host, "handler?", &handler, "directory?", &directory,
		"background?", &background, "timeout?", &timeout); err != nil {
		return nil, err
	}
	if port < 0 || port > 65535 {
		return nil, pyerr.Errorf("OverflowError", "%s: for parameter port: port must be 0-65535", b.Name())
	}
	sess := interp.SessionOf(thread)
	if sess == nil {
		return nil, fmt.Errorf("%s: needs a netstar session (interp.Session.NewThread)", b.Name())
	}
	cfg := httpserve.Config{
		Log: sess.Stderr(),
	}
	var h *HTTPHandler
	switch fn := handler.(type) {
	case starlark.NoneType:
	case starlark.Callable:
		h = &HTTPHandler{Session: sess, Fn: fn}
		cfg.Handler = h
	default:
		return nil, pyerr.Errorf("TypeError", "%s: for parameter handler: got %s, want a function", b.Name(), handler.Type())
	}
	switch d := directory.(type) {
	case starlark.NoneType:
	case starlark.String:
		if cfg.Handler != nil {
			return nil, pyerr.Errorf("ValueError", "%s: give handler or directory, not both", b.Name())
		}
		cfg.Dir = string(d)
	default:
		return nil, pyerr.Errorf("TypeError", "%s: for parameter directory: got %s, want str", b.Name(), directory.Type())
	}
	var err error
	if cfg.Timeout, err = pyarg.Timeout(b.Name(), "timeout", timeout, pyarg.TimeoutOptions{None: true}); err != nil {
		return nil, err
	}
	bind, err := bindHost(thread, b, host)
	if err != nil {
		return nil, err
	}
	cfg.Addr = net.JoinHostPort(bind, strconv.Itoa(port))

	if background {
		cfg.BaseContext = sess.Context()
		srv, err := httpserve.Listen(cfg)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", b.Name(), pyerr.OSError(err))
		}
		v := &HTTPServer{srv: srv, host: host, handler: h}
		v.untrack = sess.Track(srv)
		srv.Start()
		return v, nil
	}

	ctx := interp.Context(thread)
	cfg.BaseContext = ctx
	srv, err := httpserve.Listen(cfg)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", b.Name(), pyerr.OSError(err))
	}
	untrack := sess.Track(srv)
	defer untrack()
	addr := srv.Addr().(*net.TCPAddr)
	fmt.Fprintf(sess.Stdout(), "Serving HTTP on %s port %d (%s) ...\n", addr.IP, addr.Port, srv.URL())
	_, err = interp.Blocking(thread, func(ctx context.Context) (struct{}, error) {
		return struct{}{}, serveForeground(ctx, srv, sess.Stdout())
	})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", b.Name(), err)
	}
	return starlark.None, nil
}

// serveForeground serves until ctx is cancelled (Ctrl-C, the program
// ends) or SIGTERM arrives, then stops, as python's http.server does, at
// once: requests in flight get stopGrace, then their connections are cut
// and their handlers cancelled. Ctrl-C says python's "Keyboard interrupt
// received, exiting." first and is reported as ctx's error, as every
// blocking builtin reports it; SIGTERM ends serving quietly.
func serveForeground(ctx context.Context, srv *httpserve.Server, out io.Writer) error {
	term, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	defer stop()
	srv.Start()
	select {
	case <-ctx.Done():
	case <-term.Done():
	case <-srv.Done():
	}
	interrupted := ctx.Err() != nil && !errors.Is(context.Cause(ctx), interp.ErrTerminated) && term.Err() == nil
	if interrupted {
		io.WriteString(out, "\nKeyboard interrupt received, exiting.\n")
	}
	sctx, cancel := context.WithTimeout(context.Background(), stopGrace)
	err := srv.Shutdown(sctx)
	cancel()
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if serr := srv.Err(); serr != nil {
		return serr
	}
	return err
}

// stopGrace is how long a foreground server's requests in flight may
// take to finish once it is told to stop.
const stopGrace = time.Second

// HTTPServer is the value serve_http(background=True) returns.
//
//	srv.url      "http://127.0.0.1:8080/"
//	srv.port     the port (the chosen one for port=0)
//	srv.host     the host as given
//	srv.running  False once stopped
//	srv.stop()   stops gracefully (in-flight requests get a few seconds); idempotent
//
// stop() called from one of the server's own handlers starts the
// shutdown and returns at once, as Python's ThreadingHTTPServer.shutdown()
// does from a handler thread: the handler's answer is still sent, then
// the server stops. Waiting there would wait for the calling handler
// itself. Called from anywhere else, stop() returns once the server has
// stopped.
type HTTPServer struct {
	srv     *httpserve.Server
	host    string
	handler *HTTPHandler // nil when serving a directory
	untrack func()

	mu      sync.Mutex
	stopped bool
}

var serverAttrs = []string{"host", "port", "running", "stop", "url"}

func (s *HTTPServer) String() string        { return fmt.Sprintf("<http server %s>", s.srv.URL()) }
func (s *HTTPServer) Type() string          { return "http_server" }
func (s *HTTPServer) Freeze()               {}
func (s *HTTPServer) Truth() starlark.Bool  { return true }
func (s *HTTPServer) Hash() (uint32, error) { return uint32(s.srv.Port()), nil }

// AttrNames lists the server's fields.
func (s *HTTPServer) AttrNames() []string { return serverAttrs }

// Attr returns a field of the server.
func (s *HTTPServer) Attr(name string) (starlark.Value, error) {
	switch name {
	case "url":
		return starlark.String(s.srv.URL()), nil
	case "port":
		return starlark.MakeInt(s.srv.Port()), nil
	case "host":
		return starlark.String(s.host), nil
	case "running":
		select {
		case <-s.srv.Done():
			return starlark.False, nil
		default:
			s.mu.Lock()
			defer s.mu.Unlock()
			return starlark.Bool(!s.stopped), nil
		}
	case "stop":
		return starlark.NewBuiltin("http_server.stop", s.stop).BindReceiver(s), nil
	}
	return nil, nil
}

func (s *HTTPServer) stop(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	if err := starlark.UnpackArgs(b.Name(), args, kwargs); err != nil {
		return nil, err
	}
	s.mu.Lock()
	s.stopped = true
	s.mu.Unlock()
	if s.handler != nil && handlerOf(thread) == s.handler {
		// Shutdown waits for in-flight handlers, this one included: wait
		// in the background. The server stays tracked until it is down,
		// so the session's Close waits for it (Close of a HTTPServer that
		// is shutting down waits for that shutdown to end).
		go func() {
			s.srv.Close()
			s.untrack()
		}()
		return starlark.None, nil
	}
	// Shutdown waits for in-flight handlers, which need the interpreter
	// lock: release it.
	_, err := interp.Blocking(thread, func(ctx context.Context) (struct{}, error) {
		return struct{}{}, s.srv.Close()
	})
	s.untrack()
	if err != nil && !errors.Is(err, context.Canceled) {
		return nil, fmt.Errorf("%s: %v", b.Name(), err)
	}
	return starlark.None, nil
}

var _ starlark.HasAttrs = (*HTTPServer)(nil)
