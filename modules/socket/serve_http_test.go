package socket_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	_ "github.com/netstar/netstar/modules/standard"
	"github.com/netstar/netstar/repl/interp"
	"github.com/netstar/netstar/repl/interp/interptest"
	"go.starlark.net/starlark"
	"go.uber.org/goleak"
)

// syncBuffer is interptest.Buffer under its old name.
type syncBuffer = interptest.Buffer

// env is a REPL-like session: globals stay mutable between chunks, so
// the test can talk to a background server after the code ran.
type env struct {
	s       *interp.Session
	th      *starlark.Thread
	globals starlark.StringDict
	out     *syncBuffer
	log     *syncBuffer
}

func newEnv(t testing.TB) *env {
	t.Helper()
	e := &env{out: &syncBuffer{}, log: &syncBuffer{}}
	e.s = interp.New(interp.Config{Stdout: e.out, Stderr: e.log, Argv: []string{"t.star"}})
	e.th = e.s.NewThread("main")
	e.globals = e.s.Predeclared("__main__")
	t.Cleanup(func() {
		if err := e.s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return e
}

func (e *env) exec(src string) error {
	f, err := interp.Parse("t.star", []byte(src))
	if err != nil {
		return err
	}
	e.s.Lock()
	defer e.s.Unlock()
	err = interp.ExecChunk(e.th, f, e.globals)
	var ee *starlark.EvalError
	if errors.As(err, &ee) {
		return errors.New(ee.Backtrace())
	}
	return err
}

func (e *env) mustExec(t testing.TB, src string) {
	t.Helper()
	if err := e.exec(src); err != nil {
		t.Fatalf("%v\nlog:\n%s", err, e.log.String())
	}
}

// eval returns str(expr) computed under the interpreter lock.
func (e *env) eval(t testing.TB, expr string) string {
	t.Helper()
	e.mustExec(t, "__result = str("+expr+")")
	e.s.Lock()
	defer e.s.Unlock()
	return string(e.globals["__result"].(starlark.String))
}

// serve starts a background server with the handler h defined in src
// and returns its base URL.
func (e *env) serve(t testing.TB, src, opts string) string {
	t.Helper()
	e.mustExec(t, src+"\nsrv = socket.serve_http(port=0, host=\"127.0.0.1\", background=True"+opts+")\n")
	return e.eval(t, "srv.url")
}

var client = &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}

func do(t *testing.T, method, url, body string, hdr map[string]string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(b)
}

func TestHandlerSemantics(t *testing.T) {
	cases := []struct {
		name    string
		handler string // body of def h(req):
		method  string
		path    string
		status  int
		body    string            // exact, unless bodyHas
		bodyHas string            // substring
		header  map[string]string // expected response headers
		log     string            // expected in the log
	}{
		{name: "str", handler: `return "hello"`, status: 200, body: "hello",
			header: map[string]string{"Content-Type": "text/plain; charset=utf-8", "Content-Length": "5"}},
		{name: "html str", handler: `return "<h1>hi</h1>"`, status: 200, body: "<h1>hi</h1>",
			header: map[string]string{"Content-Type": "text/html; charset=utf-8"}},
		{name: "bytes", handler: `return b"\x00\x01"`, status: 200, body: "\x00\x01"},
		{name: "status body", handler: `return (201, "made")`, status: 201, body: "made"},
		{name: "status headers body", handler: `return 404, {"X-A": "1", "x-n": 7}, "no"`, status: 404, body: "no",
			header: map[string]string{"X-A": "1", "X-N": "7"}},
		{name: "dict", handler: `return {"status": 202, "headers": {"Content-Type": "application/json"}, "body": "{}"}`, status: 202, body: "{}",
			header: map[string]string{"Content-Type": "application/json"}},
		{name: "dict defaults", handler: `return {"body": b"x"}`, status: 200, body: "x"},
		{name: "response", handler: `return http.response(status=418, headers={"Set-Cookie": ["a=1", "b=2"]}, body="tea")`, status: 418, body: "tea"},
		{name: "json", handler: `return 200, {"Content-Type": "application/json"}, json.encode({"ok": True, "n": [1, 2]})`, status: 200,
			body: `{"n":[1,2],"ok":true}`, header: map[string]string{"Content-Type": "application/json"}},
		{name: "empty body", handler: `return 204, None`, status: 204, body: ""},
		{name: "head", handler: `return "not sent"`, method: "HEAD", status: 200, body: "", header: map[string]string{"Content-Length": "8"}},
		{name: "post echo", handler: `return req.method + " " + req.text + " " + str(req.json()["a"])`, method: "POST", status: 200, body: `POST {"a": 5} 5`},
		{name: "error", handler: `return 1 // 0`, status: 500, bodyHas: "Internal Server Error",
			log: "Traceback (most recent call last)"},
		{name: "fail", handler: `fail("boom")`, status: 500, log: "boom"},
		{name: "none", handler: `pass`, status: 500, log: "handler returned None; return a str"},
		{name: "bad status", handler: `return 99, "x"`, status: 500, log: "status: 99 is out of range (100-599)"},
		{name: "informational status", handler: `return 150, "x"`, status: 500, log: "status: 150 is not a final HTTP status (200-599)"},
		{name: "huge status", handler: `return 1 << 64, "x"`, status: 500, log: "status: 18446744073709551616 is out of range (100-599)"},
		{name: "negative status", handler: `return -200, "x"`, status: 500, log: "status: -200 is out of range (100-599)"},
		{name: "status not int", handler: `return "200", "x"`, status: 500, log: "status: got string, want int"},
		{name: "bad body", handler: `return 200, [1]`, status: 500, log: "body: got list, want str or bytes"},
		{name: "header injection", handler: `return 200, {"X-A": "a\r\nX-Evil: 1"}, "x"`, status: 500, log: "headers: invalid value for X-A"},
		{name: "bad header name", handler: `return 200, {"X A": "1"}, "x"`, status: 500, log: `headers: invalid header name "X A"`},
		{name: "long tuple", handler: `return 200, {}, "x", 4`, status: 500, log: "handler returned a tuple of 4 items"},
		{name: "dict unknown key", handler: `return {"code": 200}`, status: 500, log: `handler returned a dict with key "code"`},
		{name: "other type", handler: `return 42`, status: 500, log: "handler returned int"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t)
			url := e.serve(t, "import socket, http, json\ndef h(req):\n    "+c.handler+"\n", ", handler=h")
			method := c.method
			if method == "" {
				method = "GET"
			}
			body := ""
			if method == "POST" {
				body = `{"a": 5}`
			}
			resp, got := do(t, method, url+"p", body, nil)
			if resp.StatusCode != c.status {
				t.Fatalf("status %d, want %d; body %q; log:\n%s", resp.StatusCode, c.status, got, e.log.String())
			}
			if c.bodyHas != "" {
				if !strings.Contains(got, c.bodyHas) {
					t.Errorf("body %q lacks %q", got, c.bodyHas)
				}
			} else if c.status != 500 && got != c.body {
				t.Errorf("body %q, want %q", got, c.body)
			}
			for k, v := range c.header {
				if resp.Header.Get(k) != v {
					t.Errorf("header %s = %q, want %q", k, resp.Header.Get(k), v)
				}
			}
			if c.name == "response" && strings.Join(resp.Header.Values("Set-Cookie"), ";") != "a=1;b=2" {
				t.Errorf("Set-Cookie %q", resp.Header.Values("Set-Cookie"))
			}
			out := e.log.WaitFor(t, fmt.Sprintf(`"%s /p HTTP/1.1" %d -`, method, c.status))
			if c.log != "" && !strings.Contains(out, c.log) {
				t.Errorf("log lacks %q:\n%s", c.log, out)
			}
			if c.status == 500 && !strings.Contains(out, "code 500, message Internal Server Error") {
				t.Errorf("500 not logged like python:\n%s", out)
			}
			// The server keeps serving after a failure.
			e.mustExec(t, "def h2(req):\n    return 'ok'\n")
		})
	}
}

func TestRequestValue(t *testing.T) {
	e := newEnv(t)
	url := e.serve(t, `
import socket, json
def h(req):
    return json.encode({
        "method": req.method, "path": req.path, "query": req.query,
        "headers": {"x-test": req.headers["x-test"], "has_upper": "X-Test" in req.headers},
        "body": req.body.decode(), "remote": list(req.remote_addr), "url": req.url,
        "attrs": dir(req), "type": type(req), "repr": str(req),
    })
`, ", handler=h")
	resp, body := do(t, "PUT", url+"a%20b/c?x=1&y=two&x=3", "payload", map[string]string{"X-Test": "yes"})
	if resp.StatusCode != 200 {
		t.Fatalf("%d %s", resp.StatusCode, body)
	}
	var got struct {
		Method, Path, Body, URL, Type, Repr string
		Query                               map[string]string
		Headers                             map[string]any
		Remote                              []any
		Attrs                               []string
	}
	if err := json.Unmarshal([]byte(body), &got); err != nil {
		t.Fatalf("%v: %s", err, body)
	}
	host := strings.TrimPrefix(strings.TrimSuffix(url, "/"), "http://")
	checks := []struct{ name, got, want string }{
		{"method", got.Method, "PUT"},
		{"path", got.Path, "/a b/c"},
		{"query", fmt.Sprint(got.Query), "map[x:1 y:two]"},
		{"header", fmt.Sprint(got.Headers), "map[has_upper:false x-test:yes]"},
		{"body", got.Body, "payload"},
		{"url", got.URL, "http://" + host + "/a%20b/c?x=1&y=two&x=3"},
		{"remote host", fmt.Sprint(got.Remote[0]), "127.0.0.1"},
		{"attrs", strings.Join(got.Attrs, ","), "body,headers,json,method,path,query,remote_addr,text,url"},
		{"type", got.Type, "request"},
		{"repr", got.Repr, "<request PUT /a%20b/c?x=1&y=two&x=3>"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s: %q, want %q", c.name, c.got, c.want)
		}
	}
	if p, ok := got.Remote[1].(float64); !ok || p <= 0 {
		t.Errorf("remote port %v", got.Remote[1])
	}
}

// TestConcurrentSharedState: many clients mutate a dict and a list of
// the program through a real handler; under -race this must be clean and
// no update may be lost.
func TestConcurrentSharedState(t *testing.T) {
	e := newEnv(t)
	url := e.serve(t, `
import socket
counts = {"n": 0}
paths = []
def h(req):
    counts["n"] += 1
    counts[req.path] = counts.get(req.path, 0) + 1
    paths.append(req.path)
    return str(counts["n"])
`, ", handler=h")
	const clients, each = 8, 40
	var wg sync.WaitGroup
	for c := 0; c < clients; c++ {
		wg.Add(1)
		go func(c int) {
			defer wg.Done()
			tr := &http.Transport{} // keep-alive, like a browser
			defer tr.CloseIdleConnections()
			cl := &http.Client{Transport: tr}
			for i := 0; i < each; i++ {
				resp, err := cl.Get(fmt.Sprintf("%sc%d", url, c))
				if err != nil {
					t.Error(err)
					return
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 {
					t.Errorf("status %d", resp.StatusCode)
				}
			}
		}(c)
	}
	// The main thread mutates the same dict meanwhile, as a REPL user would.
	for i := 0; i < 50; i++ {
		e.mustExec(t, `counts["main"] = counts.get("main", 0) + 1`)
	}
	wg.Wait()
	if got := e.eval(t, `counts["n"]`); got != strconv.Itoa(clients*each) {
		t.Fatalf("counts[n] = %s, want %d", got, clients*each)
	}
	if got := e.eval(t, `len(paths)`); got != strconv.Itoa(clients*each) {
		t.Fatalf("len(paths) = %s", got)
	}
	if got := e.eval(t, `counts["/c3"]`); got != strconv.Itoa(each) {
		t.Fatalf("counts[/c3] = %s", got)
	}
}

// TestRunawayHandler: a handler that never returns gets 503 at its time
// budget, its thread is cancelled (no CPU burnt afterwards), and other
// requests are served meanwhile.
func TestRunawayHandler(t *testing.T) {
	e := newEnv(t)
	url := e.serve(t, `
import socket, time
spins = {"n": 0}
def h(req):
    if req.path == "/loop":
        while True:
            spins["n"] += 1
    if req.path == "/sleep":
        time.sleep(3600)
    return "fast"
`, ", handler=h, timeout=0.5")
	type res struct {
		status int
		body   string
	}
	loops := make(chan res, 2)
	for _, p := range []string{"loop", "sleep"} {
		go func() {
			resp, err := client.Get(url + p)
			if err != nil {
				loops <- res{body: err.Error()}
				return
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			loops <- res{resp.StatusCode, string(b)}
		}()
	}
	for i := 0; i < 20; i++ {
		if resp, body := do(t, "GET", url+"fast", "", nil); resp.StatusCode != 200 || body != "fast" {
			t.Fatalf("fast request during a runaway one: %d %q", resp.StatusCode, body)
		}
	}
	for i := 0; i < 2; i++ {
		r := <-loops
		if r.status != 503 || !strings.Contains(r.body, "time budget") {
			t.Fatalf("runaway request: %d %q", r.status, r.body)
		}
	}
	// The access line is written when the handler has returned: its
	// thread was cancelled.
	e.log.WaitFor(t, `"GET /loop HTTP/1.1" 503 -`)
	out := e.log.WaitFor(t, `"GET /sleep HTTP/1.1" 503 -`)
	if !strings.Contains(out, "code 503, message Request exceeded its time budget (500ms)") {
		t.Errorf("log:\n%s", out)
	}
	n1 := e.eval(t, `spins["n"]`)
	time.Sleep(100 * time.Millisecond)
	if n2 := e.eval(t, `spins["n"]`); n1 != n2 || n1 == "0" {
		t.Fatalf("runaway handler still running after its 503: spins %s then %s", n1, n2)
	}
}

// TestForeground: serve_http blocks until the thread's context is
// cancelled (Ctrl-C), serves meanwhile, then shuts down and leaves
// nothing running.
func TestForeground(t *testing.T) {
	out, log := &syncBuffer{}, &syncBuffer{}
	s := interp.New(interp.Config{Stdout: out, Stderr: log})
	th := s.NewThread("main")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	interp.SetContext(th, ctx)
	done := make(chan error, 1)
	go func() {
		s.Lock()
		defer s.Unlock()
		_, err := s.ExecFile(th, "t.star", []byte(`
import socket
hits = {"n": 0}
def h(req):
    hits["n"] += 1
    if req.path == "/loop":
        while True:
            pass
    return "hit %d" % hits["n"]
socket.serve_http(port=0, host="127.0.0.1", handler=h, timeout=None)
print("after")
`))
		done <- err
	}()
	m := regexp.MustCompile(`Serving HTTP on 127\.0\.0\.1 port (\d+) \((http://127\.0\.0\.1:\d+/)\) \.\.\.`).FindStringSubmatch(out.WaitFor(t, "Serving HTTP"))
	if m == nil {
		t.Fatalf("banner: %q", out.String())
	}
	if resp, body := do(t, "GET", m[2], "", nil); resp.StatusCode != 200 || body != "hit 1" {
		t.Fatalf("%d %q", resp.StatusCode, body)
	}
	// A runaway request without budget must not keep Ctrl-C from working.
	go func() {
		if resp, err := client.Get(m[2] + "loop"); err == nil {
			resp.Body.Close()
		}
	}()
	time.Sleep(50 * time.Millisecond)
	cancel()
	err := <-done
	if err == nil || !errors.Is(err, context.Canceled) {
		t.Fatalf("serve_http returned %v", err)
	}
	if !strings.Contains(err.Error(), "socket.serve_http") {
		t.Errorf("error does not name the function: %v", err)
	}
	if !strings.Contains(out.String(), "Keyboard interrupt received, exiting.") || strings.Contains(out.String(), "after") {
		t.Errorf("stdout: %q", out.String())
	}
	if _, err := net.Dial("tcp", strings.TrimSuffix(strings.TrimPrefix(m[2], "http://"), "/")); err == nil {
		t.Error("still listening after Ctrl-C")
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	goleak.VerifyNone(t)
}

// TestStopAndCloseLeaveNothing: stop() and the end of the program shut
// servers down with no goroutine or descriptor left.
func TestStopAndCloseLeaveNothing(t *testing.T) {
	fds := func() int {
		entries, err := os.ReadDir("/proc/self/fd")
		if err != nil {
			t.Skip("needs /proc/self/fd")
		}
		return len(entries)
	}
	before := fds()
	for i := 0; i < 3; i++ {
		e := &env{out: &syncBuffer{}, log: &syncBuffer{}}
		e.s = interp.New(interp.Config{Stdout: e.out, Stderr: e.log})
		e.th = e.s.NewThread("main")
		e.globals = e.s.Predeclared("__main__")
		url := e.serve(t, "import socket\ndef h(req):\n    return 'x'\n", ", handler=h")
		url2 := e.serve(t, "s1 = srv", ", directory='"+t.TempDir()+"'")
		// A keep-alive connection left open by a client.
		c, err := net.Dial("tcp", strings.TrimSuffix(strings.TrimPrefix(url, "http://"), "/"))
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(c, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
		if resp, err := http.ReadResponse(bufio.NewReader(c), nil); err != nil || resp.StatusCode != 200 {
			t.Fatal(resp, err)
		}
		if resp, _ := do(t, "GET", url2, "", nil); resp.StatusCode != 200 {
			t.Fatalf("directory: %d", resp.StatusCode)
		}
		e.mustExec(t, "s1.stop()\ns1.stop()\nstopped = s1.running")
		if got := e.eval(t, "stopped"); got != "False" {
			t.Fatalf("running after stop: %s", got)
		}
		if resp, err := client.Get(url); err == nil {
			resp.Body.Close()
			t.Fatal("still serving after stop()")
		}
		if err := e.s.Close(); err != nil { // stops srv (url2), left running
			t.Fatal(err)
		}
		if resp, err := client.Get(url2); err == nil {
			resp.Body.Close()
			t.Fatal("still serving after the session closed")
		}
		c.Close()
	}
	goleak.VerifyNone(t)
	if after := fds(); after > before {
		t.Fatalf("descriptors: %d before, %d after", before, after)
	}
}

func TestStaticFromStarlark(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "a.txt"), []byte("file a"), 0o644)
	os.WriteFile(filepath.Join(dir, ".secret"), []byte("hidden"), 0o644)
	e := newEnv(t)
	url := e.serve(t, "import socket", ", directory="+strconv.Quote(dir))
	if resp, body := do(t, "GET", url+"a.txt", "", nil); resp.StatusCode != 200 || body != "file a" {
		t.Fatalf("%d %q", resp.StatusCode, body)
	}
	if resp, _ := do(t, "GET", url+".secret", "", nil); resp.StatusCode != 404 {
		t.Fatalf("dotfile: %d", resp.StatusCode)
	}
	e.log.WaitFor(t, `"GET /.secret HTTP/1.1" 404 -`)
	if got := e.eval(t, "[srv.host, srv.port > 0, srv.running, type(srv), str(srv) == '<http server %s>' % srv.url, dir(srv)]"); got != `['127.0.0.1', True, True, 'http_server', True, ['host', 'port', 'running', 'stop', 'url']]` {
		t.Errorf("server value: %s", got)
	}
}

func TestArgumentErrors(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	busyPort := busy.Addr().(*net.TCPAddr).Port
	cases := []struct{ call, want string }{
		{`socket.serve_http(port=70000)`, "OverflowError: socket.serve_http: for parameter port: port must be 0-65535"},
		{`socket.serve_http(port=-1)`, "port must be 0-65535"},
		{`socket.serve_http(port="80")`, `socket.serve_http: for parameter "port": got string, want int`},
		{`socket.serve_http(handler=1)`, "TypeError: socket.serve_http: for parameter handler: got int, want a function"},
		{`socket.serve_http(handler=len, directory=".")`, "ValueError: socket.serve_http: give handler or directory, not both"},
		{`socket.serve_http(directory=1)`, "for parameter directory: got int, want str"},
		{`socket.serve_http(timeout=-1)`, "for parameter timeout: got -1, want a positive number of seconds or None"},
		{`socket.serve_http(timeout="x")`, "for parameter timeout: got string, want int, float or None"},
		{`socket.serve_http(colour=1)`, "socket.serve_http: unexpected keyword argument \"colour\""},
		{`socket.serve_http(port=0, directory="/nonexistent/dir")`, "FileNotFoundError: [Errno 2] No such file or directory: '/nonexistent/dir'"},
		{fmt.Sprintf(`socket.serve_http(port=%d, host="127.0.0.1", handler=len)`, busyPort), "socket.serve_http: OSError: [Errno 98] Address already in use"},
		{fmt.Sprintf(`socket.serve_http(port=%d, host="127.0.0.1", handler=len, background=True)`, busyPort), "OSError: [Errno 98] Address already in use"},
		{`http.response(status=99)`, "http.response: status: 99 is out of range (100-599)"},
		{`http.response(status=1 << 64)`, "http.response: status: 18446744073709551616 is out of range (100-599)"},
		{`http.response(status=101)`, "http.response: status: 101 is not a final HTTP status (200-599)"},
		{`http.response(body=[1])`, "http.response: body: got list"},
	}
	for _, c := range cases {
		t.Run(c.call, func(t *testing.T) {
			e := newEnv(t)
			err := e.exec("import socket, http\n" + c.call)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v, want %q", err, c.want)
			}
		})
	}
	t.Run("catch", func(t *testing.T) {
		e := newEnv(t)
		e.mustExec(t, fmt.Sprintf("import socket\nr, err = catch(socket.serve_http, port=%d, host='127.0.0.1', handler=len, background=True)", busyPort))
		if got := e.eval(t, "[err.type, err.errno, str(err)]"); got != `['OSError', 98, '[Errno 98] Address already in use']` {
			t.Fatalf("catch: %s", got)
		}
	})
}

func TestHelpAndMembers(t *testing.T) {
	e := newEnv(t)
	if got := e.eval(t, `"serve_http" in dir(socket) and "response" in dir(http)`); got != "True" {
		t.Fatalf("members: %s", got)
	}
	if got := e.eval(t, `dir(http)`); got != `['get', 'post', 'request', 'response']` {
		t.Fatalf("dir(http) = %s", got)
	}
}

// TestStopFromHandler: a handler that stops its own server gets its
// answer delivered and the server stops, as with Python's
// ThreadingHTTPServer.shutdown() called from a handler. Regression test:
// stop() waited for in-flight handlers, itself included, and the
// client got "Remote end closed connection" after the grace period.
func TestStopFromHandler(t *testing.T) {
	for _, opts := range []string{", timeout=None", "", ", timeout=5"} {
		t.Run("opts"+opts, func(t *testing.T) {
			e := newEnv(t)
			e.mustExec(t, `
import socket, http
holder = {}
def h(req):
    holder["srv"].stop()
    return "bye " + str(holder["srv"].running)
holder["srv"] = socket.serve_http(port=0, host="127.0.0.1", handler=h, background=True`+opts+`)
url = holder["srv"].url
r = http.get(url, timeout=None)
got = (r.status, r.text)
`)
			if got := e.eval(t, "got"); got != `(200, 'bye False')` {
				t.Fatalf("answer %s, want (200, \"bye False\")", got)
			}
			// stop() from elsewhere still waits until the server is down.
			e.mustExec(t, `holder["srv"].stop()`)
			if got := e.eval(t, `holder["srv"].running`); got != "False" {
				t.Fatalf("running = %s after stop()", got)
			}
			if resp, err := client.Get(e.eval(t, "url")); err == nil {
				resp.Body.Close()
				t.Fatal("still serving after stop() from the handler")
			}
			e.log.WaitFor(t, `"GET / HTTP/1.1" 200 -`)
		})
	}
}

// TestLongBuiltinYields: a handler inside a long builtin (sorting five
// million numbers holds the interpreter lock) lets the server's other
// handlers run meanwhile, as CPython switches threads: a quick request
// sent while the sort runs is answered within its own budget, not 503.
func TestLongBuiltinYields(t *testing.T) {
	e := newEnv(t)
	url := e.serve(t, `
import socket
big = list(range(5000000, 0, -1))
def h(req):
    if req.path == "/slow":
        return str(len(sorted(big)))
    return "quick"
`, ", handler=h, timeout=60")
	slow := make(chan int, 1)
	go func() {
		resp, err := http.Get(url + "slow")
		if err != nil {
			slow <- 0
			return
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		slow <- resp.StatusCode
	}()
	time.Sleep(200 * time.Millisecond) // the sort has started
	cl := &http.Client{Timeout: 30 * time.Second}
	start := time.Now()
	resp, err := cl.Get(url + "quick")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	quick := time.Since(start)
	if resp.StatusCode != 200 || string(body) != "quick" {
		t.Errorf("quick request: %d %q", resp.StatusCode, body)
	}
	select {
	case <-slow:
		t.Errorf("the quick request (%v) was answered only after the sort ended", quick)
	default:
		t.Logf("quick answered in %v while the sort still ran", quick)
	}
	if code := <-slow; code != 200 {
		t.Errorf("slow request: %d", code)
	}
}
