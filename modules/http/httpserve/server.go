// Package httpserve is netstar's HTTP server engine: a hardened
// net/http server that serves a directory the way `python3 -m
// http.server` does, or a handler under a per-request time budget, and
// logs every request in python's http.server format. It knows nothing
// about Starlark; socket.serve_http (modules/socket/serve_http.go) is a
// thin skin over it.
//
// What "hardened" means here, and what each limit answers:
//
//   - a request whose header is not complete after ReadHeaderTimeout is
//     dropped (slowloris clients cannot hold a connection forever);
//   - a header larger than MaxHeaderBytes gets 431;
//   - a body larger than MaxBodyBytes gets 413 (then up to 64 MiB of
//     what the client still sends is read and dropped, so that a client
//     that sends its whole body before reading sees the 413, not a
//     reset connection);
//   - a request that is not HTTP gets 400 (net/http answers it);
//   - a handler that panics gets 500 and the server keeps serving;
//   - a handler that outlives Timeout gets 503, and its context is
//     cancelled so that it can stop;
//   - the server binds to localhost unless another host is named.
//
// A Server is started once: after Shutdown, make a new one.
package httpserve

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Defaults applied to zero Config fields.
const (
	DefaultAddr              = "localhost:8080"
	DefaultMaxHeaderBytes    = 64 << 10
	DefaultMaxBodyBytes      = 10 << 20
	DefaultReadHeaderTimeout = 10 * time.Second
	DefaultReadTimeout       = 60 * time.Second
	DefaultIdleTimeout       = 120 * time.Second
	// DefaultWriteTimeout is used when Timeout is zero; otherwise the
	// write timeout is Timeout plus this much, so that the 503 of a
	// timed-out handler can still be written.
	DefaultWriteTimeout = 2 * time.Minute
	// DefaultGrace is how long Close lets in-flight requests finish
	// before it cancels them.
	DefaultGrace = 5 * time.Second
)

// Config configures a Server. The zero value serves the current
// directory on localhost:8080 with the default limits.
type Config struct {
	// Addr is host:port to listen on. "" means DefaultAddr; the host
	// "localhost" binds 127.0.0.1 (it is not looked up); an empty host
	// (":8080") binds every interface, as Python's "" does; port 0 picks
	// a free port (see Server.Port).
	Addr string

	// Handler answers every request. When it is nil the server serves
	// Dir like python's http.server.
	Handler http.Handler
	// Dir is the directory served when Handler is nil; "" is the
	// current directory. Nothing outside it is ever served: the path is
	// resolved with os.Root, so "..", encoded "..", and symlinks that
	// lead out (and absolute symlinks) are refused with 404.
	Dir string
	// Dotfiles serves and lists names that start with "." (.git, .env).
	// python's http.server does; by default this server hides them and
	// answers 404, because a directory served by mistake usually has
	// secrets in dotfiles.
	Dotfiles bool

	// Timeout is the time budget of one request to Handler. When it runs
	// out the client gets 503 (unless the handler already started its
	// answer) and the request's context is cancelled; a handler that
	// watches its context stops there. Zero means no budget. Static
	// files have no budget: a slow reader is cut by the write timeout.
	Timeout time.Duration

	// MaxHeaderBytes caps the request header (431 beyond it); zero
	// means DefaultMaxHeaderBytes.
	MaxHeaderBytes int
	// MaxBodyBytes caps the request body (413 beyond it); zero means
	// DefaultMaxBodyBytes, a negative value means no cap.
	MaxBodyBytes int64
	// ReadHeaderTimeout, ReadTimeout, WriteTimeout and IdleTimeout are
	// http.Server's; zero means the Default value.
	ReadHeaderTimeout time.Duration
	ReadTimeout       time.Duration
	WriteTimeout      time.Duration
	IdleTimeout       time.Duration

	// Log receives one python-style line per request, preceded by a
	// "code N, message M" line for errors the server generates, and the
	// cause of handler failures. nil discards the log. Each request's
	// lines are written with one Write call; under load (a request less
	// than 5 ms after the last write) several requests' lines are
	// gathered into one Write, at most 5 ms later, and Shutdown writes
	// what waits.
	Log io.Writer

	// BaseContext is the parent of every request's context; cancelling
	// it cancels running handlers. nil means context.Background().
	BaseContext context.Context
}

// Server is a listening HTTP server. Start it with Start; stop it with
// Shutdown or Close.
type Server struct {
	cfg    Config
	ln     net.Listener
	srv    *http.Server
	static http.Handler
	url    string
	port   int

	base       context.Context
	cancelBase context.CancelFunc

	startOnce sync.Once
	started   bool
	done      chan struct{} // closed when Serve returns
	serveErr  error

	shutOnce sync.Once
	shutErr  error

	inflight inflight
	dates    dateCache
	log      *logWriter // cfg.Log, gathered under load; nil without a log

	budgetOnce sync.Once
	budgetText string
}

// Listen binds cfg.Addr and returns a server that is ready to Start.
// A bind failure is net.Listen's error and a missing directory os's, so
// errors.Is(err, syscall.EADDRINUSE) and errors.Is(err, fs.ErrNotExist)
// work (package pyerr turns them into Python's exceptions).
func Listen(cfg Config) (*Server, error) {
	if cfg.Addr == "" {
		cfg.Addr = DefaultAddr
	}
	host, port, err := net.SplitHostPort(cfg.Addr)
	if err != nil {
		return nil, fmt.Errorf("httpserve: bad address %q: %w", cfg.Addr, err)
	}
	if host == "localhost" {
		host = "127.0.0.1"
	}
	if cfg.MaxHeaderBytes <= 0 {
		cfg.MaxHeaderBytes = DefaultMaxHeaderBytes
	}
	if cfg.MaxBodyBytes == 0 {
		cfg.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if cfg.ReadHeaderTimeout <= 0 {
		cfg.ReadHeaderTimeout = DefaultReadHeaderTimeout
	}
	if cfg.ReadTimeout <= 0 {
		cfg.ReadTimeout = DefaultReadTimeout
	}
	if cfg.IdleTimeout <= 0 {
		cfg.IdleTimeout = DefaultIdleTimeout
	}
	if cfg.WriteTimeout <= 0 {
		cfg.WriteTimeout = DefaultWriteTimeout
		if cfg.Timeout > 0 && cfg.Handler != nil {
			cfg.WriteTimeout = cfg.Timeout + 30*time.Second
		}
	}
	if cfg.BaseContext == nil {
		cfg.BaseContext = context.Background()
	}
	s := &Server{cfg: cfg, done: make(chan struct{})}
	if cfg.Log != nil {
		s.log = newLogWriter(cfg.Log)
	}
	if cfg.Handler == nil {
		dir := cfg.Dir
		if dir == "" {
			dir = "."
		}
		st, err := newStatic(dir, cfg.Dotfiles)
		if err != nil {
			return nil, err
		}
		s.static = st
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(host, port))
	if err != nil {
		if s.static != nil {
			s.static.(*staticHandler).close()
		}
		return nil, err
	}
	s.ln = ln
	if cfg.Log != nil {
		// See logConn: requests net/http refuses itself are logged too.
		s.ln = &logListener{Listener: ln, s: s}
	}
	addr := ln.Addr().(*net.TCPAddr)
	s.port = addr.Port
	urlHost := host
	if urlHost == "" || urlHost == "0.0.0.0" || urlHost == "::" {
		urlHost = addr.IP.String()
	}
	s.url = "http://" + net.JoinHostPort(urlHost, strconv.Itoa(s.port)) + "/"
	s.base, s.cancelBase = context.WithCancel(cfg.BaseContext)
	s.srv = &http.Server{
		Handler:           s,
		ReadHeaderTimeout: cfg.ReadHeaderTimeout,
		ReadTimeout:       cfg.ReadTimeout,
		WriteTimeout:      cfg.WriteTimeout,
		IdleTimeout:       cfg.IdleTimeout,
		MaxHeaderBytes:    cfg.MaxHeaderBytes,
		BaseContext:       func(net.Listener) context.Context { return s.base },
		// net/http logs TLS handshake noise and the like here; the
		// request log is ours.
		ErrorLog: discardLogger,
	}
	if cfg.Log != nil {
		s.srv.ConnState = connState
		s.srv.ConnContext = func(ctx context.Context, c net.Conn) context.Context {
			return context.WithValue(ctx, connKey{}, c)
		}
	}
	return s, nil
}

// Start serves in the background. It returns at once; calling it again
// does nothing.
func (s *Server) Start() {
	s.startOnce.Do(func() {
		s.started = true
		go func() {
			defer close(s.done)
			err := s.srv.Serve(s.ln)
			if !errors.Is(err, http.ErrServerClosed) {
				s.serveErr = err
			}
		}()
	})
}

// Done is closed when the server has stopped serving (after Shutdown,
// or when the listener fails).
func (s *Server) Done() <-chan struct{} { return s.done }

// Err returns why serving stopped, or nil while it serves or after a
// normal Shutdown.
func (s *Server) Err() error {
	select {
	case <-s.done:
		return s.serveErr
	default:
		return nil
	}
}

// Addr returns the address the server listens on.
func (s *Server) Addr() net.Addr { return s.ln.Addr() }

// Port returns the port the server listens on (the chosen one when
// Config.Addr had port 0).
func (s *Server) Port() int { return s.port }

// URL returns the server's base URL, such as "http://127.0.0.1:8080/".
func (s *Server) URL() string { return s.url }

// Shutdown stops the server gracefully: it stops accepting, lets
// in-flight requests finish until ctx is done, then cancels them (their
// contexts) and closes their connections. It returns when the serving
// goroutine has ended and no handler runs any more, or 10 seconds after
// ctx is done if a handler ignores its context (the error then says
// so). Later calls return the first call's result.
func (s *Server) Shutdown(ctx context.Context) error {
	s.shutOnce.Do(func() {
		err := s.srv.Shutdown(ctx)
		s.cancelBase()
		if err != nil {
			s.srv.Close()
		}
		s.startOnce.Do(func() { close(s.done) }) // never started
		if !s.started {
			s.ln.Close()
		}
		<-s.done
		if n := s.inflight.wait(10 * time.Second); n > 0 {
			s.shutErr = fmt.Errorf("httpserve: %d handlers still running after shutdown", n)
		}
		if st, ok := s.static.(*staticHandler); ok {
			st.close()
		}
		if s.log != nil {
			s.log.close()
		}
	})
	return s.shutErr
}

// Close is Shutdown with DefaultGrace to finish in-flight requests. It
// makes a Server an io.Closer for session cleanup.
func (s *Server) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), DefaultGrace)
	defer cancel()
	return s.Shutdown(ctx)
}

// ServeHTTP is the server's root handler: limits, budget, recovery and
// the access log around Config.Handler or the static files.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.inflight.add(1)
	defer s.inflight.add(-1)
	if c, ok := r.Context().Value(connKey{}).(*logConn); ok {
		c.dispatched.Store(true)
	}
	rec := &recorder{w: w}
	start := time.Now()
	// Deferred calls run in reverse: recover, log, then drain what the
	// client still sends of a body refused with 413.
	var body io.Reader // the request body, before the limit
	var tooLarge bool  // refused by its Content-Length
	defer func() {
		if body != nil && (tooLarge || rec.tooLarge.Load()) && rec.statusCode() == http.StatusRequestEntityTooLarge {
			drainRejected(w, r, body)
		}
	}()
	defer s.logRequest(rec, r, start)
	defer s.recoverPanic(rec, r)

	max := s.cfg.MaxBodyBytes
	if max > 0 && r.Body != nil && r.Body != http.NoBody {
		body = r.Body
		if r.ContentLength > max {
			tooLarge = true
			rec.Header().Set("Connection", "close")
			Error(rec, http.StatusRequestEntityTooLarge, "Request entity too large")
			return
		}
		r.Body = &limitedBody{rc: http.MaxBytesReader(w, r.Body, max), rec: rec}
	}

	if s.static != nil {
		rec.static = true
		s.static.ServeHTTP(rec, r)
		return
	}
	if s.cfg.Timeout <= 0 {
		s.cfg.Handler.ServeHTTP(rec, r)
		return
	}
	s.serveBudget(rec, r)
}

// serveBudget runs the handler with a deadline; when it passes first,
// the client gets 503 at once while the handler is told to stop through
// its context.
func (s *Server) serveBudget(rec *recorder, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), s.cfg.Timeout)
	defer cancel()
	rec.guard(ctx, s.budgetMsg())
	stop := context.AfterFunc(ctx, rec.timeout)
	s.cfg.Handler.ServeHTTP(rec, r.WithContext(ctx))
	if !stop() {
		// The deadline passed: the handler may have returned before the
		// timer's goroutine answered. timeout does nothing if it did.
		rec.timeout()
	}
	rec.finish()
}

// budgetMsg is the 503's explanation, formatted once per server.
func (s *Server) budgetMsg() string {
	s.budgetOnce.Do(func() { s.budgetText = fmt.Sprintf("Request exceeded its time budget (%s)", s.cfg.Timeout) })
	return s.budgetText
}

func (s *Server) recoverPanic(rec *recorder, r *http.Request) {
	v := recover()
	if v == nil {
		return
	}
	if v == http.ErrAbortHandler {
		panic(v)
	}
	Note(rec, fmt.Sprintf("Exception occurred during processing of request from %s\npanic: %v", clientTuple(r.RemoteAddr), v))
	if !rec.Written() {
		rec.Header().Set("Connection", "close")
		Error(rec, http.StatusInternalServerError, "Internal Server Error")
		return
	}
	// The deferred logRequest still logs it. The answer is half sent: drop the connection, as net/http does.
	panic(http.ErrAbortHandler)
}

// Bounds of drainRejected.
const (
	maxDrainBytes = 64 << 20
	drainTimeout  = 2 * time.Second
)

// drainRejected reads and discards what the client still sends of a body
// the server refused (413), after sending the answer; w is net/http's
// own writer, the handler being done. A client
// that writes its whole body before it reads (Python's http.client,
// Go's client when it sends "Connection: close") would otherwise get
// "connection reset" instead of the 413: closing a socket with unread
// data resets the connection, and net/http's own delay before closing
// is skipped when the client asked to close. Draining is bounded
// (maxDrainBytes, drainTimeout); a client that waits for "100 Continue"
// has sent no body and is not drained.
func drainRejected(w http.ResponseWriter, r *http.Request, body io.Reader) {
	if body == nil || body == http.NoBody || strings.EqualFold(r.Header.Get("Expect"), "100-continue") {
		return
	}
	rc := http.NewResponseController(w)
	if rc.Flush() != nil {
		return
	}
	rc.SetReadDeadline(time.Now().Add(drainTimeout))
	io.CopyN(io.Discard, body, maxDrainBytes)
}

func clientTuple(remote string) string {
	host, port, err := net.SplitHostPort(remote)
	if err != nil {
		return "('" + remote + "')"
	}
	return "('" + host + "', " + port + ")"
}

// inflight counts running handlers so Shutdown can wait for them. It
// is an atomic counter, not a mutex, so that requests never contend on
// it; the rare waiter polls.
type inflight struct{ n atomic.Int64 }

func (f *inflight) add(d int64) { f.n.Add(d) }

// wait returns 0 once no handler runs, or the number still running
// after timeout.
func (f *inflight) wait(timeout time.Duration) int {
	deadline := time.Now().Add(timeout)
	for {
		n := f.n.Load()
		if n == 0 || time.Now().After(deadline) {
			return int(n)
		}
		time.Sleep(time.Millisecond)
	}
}
