package httpserve

import (
	"bytes"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Requests net/http refuses before any handler runs (a request line
// that is not HTTP, an unsupported version, a header over the limit)
// are answered by net/http itself, straight on the connection, and
// never reach ServeHTTP, so logRequest never sees them. python's
// http.server logs them like any other error:
//
//	127.0.0.1 - - [27/Nov/2026 10:00:00] code 400, message Bad request syntax ('GARBAGE')
//	127.0.0.1 - - [27/Nov/2026 10:00:00] "GARBAGE" 400 -
//
// To do the same, the listener's connections are wrapped (logConn):
// a connection keeps the first line read since it was last idle, and
// ServeHTTP marks its connection as dispatched. A write on a connection
// that has not been dispatched since it was last idle is
// net/http's own error answer: its status line gives the code, and the
// kept line gives python's message and the access line.
//
// Limit: with HTTP/1.1 pipelining, a request that net/http had already
// buffered along with the previous one was not read from the
// connection after it went idle; when such a request is refused, its
// line is not known and the log shows "".

// connKey is the request context key of the request's *logConn.
type connKey struct{}

// logListener wraps accepted connections in logConns.
type logListener struct {
	net.Listener
	s *Server
}

func (l *logListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &logConn{Conn: c, s: l.s}, nil
}

// connState is http.Server.ConnState for logConns.
func connState(c net.Conn, st http.ConnState) {
	if lc, ok := c.(*logConn); ok {
		if st == http.StateIdle {
			lc.idle()
		}
	}
}

// logConn is a server connection that remembers the request line being
// read and logs the error answers net/http writes itself.
type logConn struct {
	net.Conn
	s *Server

	// dispatched is set by ServeHTTP and cleared when the connection goes
	// idle: a write while it is set is the handler's answer.
	dispatched atomic.Bool

	// mu guards the fields below: the request line is captured by the
	// connection's reads, which net/http makes from its serving goroutine
	// and from a background goroutine while the handler runs.
	mu       sync.Mutex
	line     []byte // the request line read so far, without "\n"
	lineDone bool   // line has its "\n" (or reached maxLine)
	// next is set when the line was started by net/http's background
	// one-byte read while a handler ran: the first byte of a pipelined
	// request, which must survive the connection going idle.
	next bool
}

// maxLine caps the request line kept for the log.
const maxLine = 16 << 10

func (c *logConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if n > 0 {
		c.mu.Lock()
		switch {
		case !c.dispatched.Load():
			c.capture(p[:n])
		case len(p) == 1:
			// net/http's background read, past the end of the body: the
			// first byte of the next request.
			c.line = append(c.line[:0], p[0])
			c.lineDone, c.next = p[0] == '\n', true
		}
		c.mu.Unlock()
	}
	return n, err
}

// capture appends to line what p has of the request line. Called with
// mu held.
func (c *logConn) capture(p []byte) {
	if c.lineDone {
		return
	}
	if i := bytes.IndexByte(p, '\n'); i >= 0 {
		p, c.lineDone = p[:i], true
	}
	if room := maxLine - len(c.line); len(p) > room {
		p, c.lineDone = p[:room], true
	}
	c.line = append(c.line, p...)
}

// idle is called when the connection waits for its next request.
func (c *logConn) idle() {
	c.dispatched.Store(false)
	c.mu.Lock()
	if !c.next {
		c.line, c.lineDone = c.line[:0], false
	}
	c.next = false
	c.mu.Unlock()
}

func (c *logConn) Write(p []byte) (int, error) {
	if !c.dispatched.Load() {
		c.mu.Lock()
		line := string(c.line)
		c.mu.Unlock()
		c.logRefused(p, line)
	}
	return c.Conn.Write(p)
}

// ReadFrom keeps net/http's sendfile path for static files.
func (c *logConn) ReadFrom(r io.Reader) (int64, error) {
	if rf, ok := c.Conn.(io.ReaderFrom); ok {
		return rf.ReadFrom(r)
	}
	return io.Copy(writerOnly{c.Conn}, r)
}

// CloseWrite lets net/http half-close after its 431, as it does on a
// bare *net.TCPConn.
func (c *logConn) CloseWrite() error {
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return nil
}

// logRefused logs net/http's own answer p (a status line such as
// "HTTP/1.1 400 Bad Request" or "HTTP/1.1 505 HTTP Version Not
// Supported: unsupported protocol version") to the request line.
func (c *logConn) logRefused(p []byte, line string) {
	status, _, _ := bytes.Cut(p, []byte("\r\n"))
	rest, ok := bytes.CutPrefix(status, []byte("HTTP/1.1 "))
	if !ok || len(rest) < 3 {
		return
	}
	code, err := strconv.Atoi(string(rest[:3]))
	if err != nil {
		return
	}
	_, reason, _ := bytes.Cut(rest[3:], []byte(": "))
	line = strings.TrimSuffix(line, "\r")

	host, _, err := net.SplitHostPort(c.RemoteAddr().String())
	if err != nil {
		host = c.RemoteAddr().String()
	}
	date := c.s.dates.format(time.Now())
	prefix := func(buf []byte) []byte {
		buf = append(buf, host...)
		buf = append(buf, " - - ["...)
		buf = append(buf, date...)
		return append(buf, "] "...)
	}
	buf := make([]byte, 0, 2*len(line)+160)
	buf = prefix(buf)
	buf = appendEscaped(buf, "code "+strconv.Itoa(code)+", message "+refusalMessage(code, string(reason), line))
	buf = append(buf, '\n')
	buf = prefix(buf)
	buf = append(buf, '"')
	buf = appendEscaped(buf, line)
	buf = append(buf, "\" "...)
	buf = strconv.AppendInt(buf, int64(code), 10)
	buf = append(buf, " -\n"...)
	c.s.log.Write(buf)
}

// refusalMessage is python's message for the request line it refuses
// the way net/http did (code), else one that says what net/http refused.
func refusalMessage(code int, reason, line string) string {
	switch code {
	case http.StatusRequestHeaderFieldsTooLarge:
		// python's 431 for a header line over its limit.
		return "Line too long"
	case http.StatusBadRequest, http.StatusHTTPVersionNotSupported:
		if msg := pythonLineError(line); msg != "" {
			return msg
		}
		words := pySplit(line)
		if code == http.StatusHTTPVersionNotSupported && len(words) > 0 {
			return "Invalid HTTP version (" + strings.TrimPrefix(words[len(words)-1], "HTTP/") + ")"
		}
		if reason != "" {
			return strings.ToUpper(reason[:1]) + reason[1:]
		}
		// python accepts the line, net/http did not: a version python
		// reads ("HTTP/01.1") or a bad header.
		if len(words) == 3 {
			if _, _, ok := http.ParseHTTPVersion(words[2]); !ok {
				return "Bad request version (" + pyRepr(words[2]) + ")"
			}
			return "Bad request header"
		}
		return "Bad request syntax (" + pyRepr(line) + ")"
	}
	if reason != "" {
		return reason
	}
	return http.StatusText(code)
}

// pythonLineError is the message of python's
// BaseHTTPRequestHandler.parse_request (3.11) for a request line it
// refuses, or "" when python accepts the line.
func pythonLineError(line string) string {
	words := pySplit(line)
	if len(words) >= 3 {
		version := words[len(words)-1]
		number, ok := strings.CutPrefix(version, "HTTP/")
		major, minor, ok2 := strings.Cut(number, ".")
		if !ok || !ok2 || !pyVersionPart(major) || !pyVersionPart(minor) {
			return "Bad request version (" + pyRepr(version) + ")"
		}
		if m := strings.TrimLeft(major, "0"); len(m) > 1 || m >= "2" {
			return "Invalid HTTP version (" + number + ")"
		}
	}
	if len(words) < 2 || len(words) > 3 {
		return "Bad request syntax (" + pyRepr(line) + ")"
	}
	if len(words) == 2 && words[0] != "GET" {
		return "Bad HTTP/0.9 request type (" + pyRepr(words[0]) + ")"
	}
	return ""
}

// pyVersionPart: one component of python's version check, digits only,
// at most 10 of them.
func pyVersionPart(s string) bool {
	if s == "" || len(s) > 10 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// pySplit is python's str.split() for ASCII whitespace, which includes
// the separators \x1c-\x1f.
func pySplit(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool {
		return r == ' ' || r >= '\t' && r <= '\r' || r >= 0x1c && r <= 0x1f
	})
}

// pyRepr is python's repr() of a str: single quotes unless the text has
// a single quote and no double one; backslash, the quote, \t, \n, \r and
// other control characters escaped. Bytes that are not UTF-8 are \xHH
// (python, reading the line as Latin-1, would show them as characters).
func pyRepr(s string) string {
	q := byte('\'')
	if strings.IndexByte(s, '\'') >= 0 && strings.IndexByte(s, '"') < 0 {
		q = '"'
	}
	buf := make([]byte, 0, len(s)+2)
	buf = append(buf, q)
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\\' || c == q:
			buf = append(buf, '\\', c)
		case c == '\t':
			buf = append(buf, `\t`...)
		case c == '\n':
			buf = append(buf, `\n`...)
		case c == '\r':
			buf = append(buf, `\r`...)
		case c < 0x20 || c == 0x7f:
			buf = append(buf, '\\', 'x', hexDigits[c>>4], hexDigits[c&15])
		default:
			// Escaped, if need be, by appendEscaped when logged.
			buf = append(buf, c)
		}
	}
	return string(append(buf, q))
}
