package httpserve_test

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/netstar/netstar/modules/http/httpserve"
)

// pythonLogged runs python3 -m http.server on dir and returns its
// address and its log (stderr); it skips the test without python3.
func pythonLogged(t *testing.T, dir string) (string, *logBuffer) {
	t.Helper()
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("comparing with python's http.server log needs python3")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_, port, _ := net.SplitHostPort(addr)
	ln.Close()
	log := &logBuffer{}
	cmd := exec.Command(py, "-m", "http.server", "--bind", "127.0.0.1", "--directory", dir, port)
	cmd.Stderr = log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	for deadline := time.Now().Add(20 * time.Second); ; {
		c, err := net.Dial("tcp", addr)
		if err == nil {
			c.Close()
			return addr, log
		}
		if time.Now().After(deadline) {
			t.Fatalf("python3 -m http.server did not start: %v\n%s", err, log.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// refusedStatus sends request on a new connection and returns the
// answer's status code (0 if the answer could not be read).
func refusedStatus(t *testing.T, addr, request string) int {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(20 * time.Second))
	io.WriteString(c, request)
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		return 0
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

var logDate = regexp.MustCompile(`\[[^\]]*\]`)

// newLines waits until log has n more access lines (`" NNN -`) than it
// had at from bytes, and returns the lines after from, dates replaced.
func newLines(t *testing.T, log *logBuffer, from int, what string) []string {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); ; {
		out := log.String()[from:]
		if regexp.MustCompile(`" \d{3} -\n`).MatchString(out) {
			return strings.Split(strings.TrimSuffix(logDate.ReplaceAllString(out, "[D]"), "\n"), "\n")
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: no access line in the log:\n%s", what, log.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestRefusedRequestsLoggedLikePython: requests that net/http refuses
// before any handler (not HTTP, a bad or unsupported version, a header
// too large) get python's "code N, message M" and access lines, with
// request text escaped. They used to be answered and never logged.
// Each raw request goes to python3 -m http.server and to this server;
// the status and the log lines (dates aside) must be the same.
func TestRefusedRequestsLoggedLikePython(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "a.txt"), []byte("hi\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	pyAddr, pyLog := pythonLogged(t, dir)
	srv, log := start(t, httpserve.Config{Dir: dir})

	const forged = `127.0.0.1 - - [01/Jan/2026 00:00:00] "GET /admin HTTP/1.1" 200 -`
	cases := []struct{ name, request string }{
		{"garbage", "GARBAGE\r\n\r\n"},
		{"version 9.9", "GET / HTTP/9.9\r\nHost: x\r\n\r\n"},
		{"version 2.0", "GET / HTTP/2.0\r\n\r\n"},
		{"bad version", "GET / HTTP/1.x\r\nHost: x\r\n\r\n"},
		{"version 1.1.1", "GET / HTTP/1.1.1\r\nHost: x\r\n\r\n"},
		{"four words", "GET /a b c HTTP/1.1\r\nHost: x\r\n\r\n"},
		{"two words not GET", "POST /\r\n\r\n"},
		{"quotes", "GET 'a\" HTTP/1.1 x\r\n\r\n"},
		{"terminal escape", "GET / HTTP/1.1\x1b[2J\x1b]0;owned\x07\r\nHost: x\r\n\r\n"},
		{"forged entry", "GARBAGE\r" + forged + "\r\n\r\n"},
		{"backslash", "GET /\\x1b HTTP/1.1\\\r\nHost: x\r\n\r\n"},
		{"binary", "\x16\x03\x01\x02\x00\x01\x00\x01\x03\x03\r\n\r\n"},
		{"header line too long", "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + strings.Repeat("a", 70000) + "\r\n\r\n"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			pyFrom, from := len(pyLog.String()), len(log.String())
			// python answers a line it cannot read without a status
			// line (as HTTP/0.9): its status is the one it logs.
			refusedStatus(t, pyAddr, c.request)
			got := refusedStatus(t, srv.Addr().String(), c.request)
			wantLines := newLines(t, pyLog, pyFrom, "python")
			gotLines := newLines(t, log, from, "httpserve")
			if last := gotLines[len(gotLines)-1]; got < 400 || !strings.HasSuffix(last, fmt.Sprintf(" %d -", got)) {
				t.Errorf("answered %d, logged %q", got, last)
			}
			if strings.Join(gotLines, "\n") != strings.Join(wantLines, "\n") {
				t.Errorf("log:\n%s\npython's:\n%s", strings.Join(gotLines, "\n"), strings.Join(wantLines, "\n"))
			}
			for _, l := range gotLines {
				if strings.ContainsAny(l, "\x1b\r\x07") || strings.HasPrefix(l, "127.0.0.1 - - [01/Jan") {
					t.Errorf("raw control character or forged entry in %q", l)
				}
			}
		})
	}
}

// TestRefusedAfterKeepAlive: a request refused on a connection that
// served others before is logged with its own line, once; the requests
// served are logged once each, with no refusal line.
func TestRefusedAfterKeepAlive(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "a.txt"), []byte(strings.Repeat("x", 20000)), 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name     string
		handler  http.Handler
		requests []string // sent one at a time on one connection
		want     []string // the log, dates as [D]
	}{
		{"static", nil,
			[]string{"GET /a.txt HTTP/1.1\r\nHost: x\r\n\r\n", "HEAD /a.txt HTTP/1.1\r\nHost: x\r\n\r\n", "GARBAGE\r\n\r\n"},
			[]string{`127.0.0.1 - - [D] "GET /a.txt HTTP/1.1" 200 -`, `127.0.0.1 - - [D] "HEAD /a.txt HTTP/1.1" 200 -`,
				`127.0.0.1 - - [D] code 400, message Bad request syntax ('GARBAGE')`, `127.0.0.1 - - [D] "GARBAGE" 400 -`}},
		{"flushing handler", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			// The answer is complete before the handler returns: the
			// client's next request can arrive while it still runs.
			w.Header().Set("Content-Length", "2")
			io.WriteString(w, "ok")
			w.(http.Flusher).Flush()
			time.Sleep(50 * time.Millisecond)
		}),
			[]string{"GET /one HTTP/1.1\r\nHost: x\r\n\r\n", "GET / HTTP/7.1\r\nHost: x\r\n\r\n"},
			[]string{`127.0.0.1 - - [D] "GET /one HTTP/1.1" 200 -`,
				`127.0.0.1 - - [D] code 505, message Invalid HTTP version (7.1)`, `127.0.0.1 - - [D] "GET / HTTP/7.1" 505 -`}},
		{"missing host", nil,
			[]string{"GET /a.txt HTTP/1.1\r\nHost: x\r\n\r\n", "GET /a.txt HTTP/1.1\r\n\r\n"},
			[]string{`127.0.0.1 - - [D] "GET /a.txt HTTP/1.1" 200 -`,
				`127.0.0.1 - - [D] code 400, message Missing required Host header`, `127.0.0.1 - - [D] "GET /a.txt HTTP/1.1" 400 -`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			srv, log := start(t, httpserve.Config{Dir: dir, Handler: c.handler})
			conn, err := net.Dial("tcp", srv.Addr().String())
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			conn.SetDeadline(time.Now().Add(20 * time.Second))
			br := bufio.NewReader(conn)
			for _, req := range c.requests {
				io.WriteString(conn, req)
				resp, err := http.ReadResponse(br, &http.Request{Method: strings.Fields(req)[0]})
				if err != nil {
					t.Fatalf("%q: %v", req, err)
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
			want := strings.Join(c.want, "\n") + "\n"
			last := c.want[len(c.want)-1]
			log.WaitFor(t, last[strings.Index(last, `"`):])
			time.Sleep(20 * time.Millisecond) // nothing more is logged
			if got := logDate.ReplaceAllString(log.String(), "[D]"); got != want {
				t.Errorf("log:\n%s\nwant:\n%s", got, want)
			}
		})
	}
}
