package http_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	gohttp "net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	_ "github.com/netstar/netstar/modules/standard"
	"github.com/netstar/netstar/repl/interp"
	"go.starlark.net/starlark"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// run executes src as a program and returns its stdout or its error.
func run(t *testing.T, ctx context.Context, src string) (string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	s := interp.New(interp.Config{Stdout: &out, Stderr: &errb})
	defer s.Close()
	th := s.NewThread("main")
	if ctx != nil {
		interp.SetContext(th, ctx)
	}
	s.Lock()
	_, err := s.ExecFile(th, "t.star", []byte(src))
	s.Unlock()
	var ee *starlark.EvalError
	if errors.As(err, &ee) {
		err = errors.New(ee.Backtrace())
	}
	return out.String(), err
}

func fixture(t *testing.T) *httptest.Server {
	t.Helper()
	mux := gohttp.NewServeMux()
	mux.HandleFunc("/hello", func(w gohttp.ResponseWriter, r *gohttp.Request) {
		w.Header().Set("X-Seen-Agent", r.UserAgent())
		fmt.Fprintf(w, "hello %s %s", r.Method, r.Header.Get("X-Token"))
	})
	mux.HandleFunc("/echo", func(w gohttp.ResponseWriter, r *gohttp.Request) {
		b, _ := io.ReadAll(r.Body)
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"method": %q, "body": %q, "type": %q}`, r.Method, b, r.Header.Get("Content-Type"))
	})
	mux.HandleFunc("/missing", func(w gohttp.ResponseWriter, r *gohttp.Request) {
		gohttp.Error(w, "nope", 404)
	})
	mux.HandleFunc("/redirect", func(w gohttp.ResponseWriter, r *gohttp.Request) {
		gohttp.Redirect(w, r, "/hello", gohttp.StatusFound)
	})
	mux.HandleFunc("/slow", func(w gohttp.ResponseWriter, r *gohttp.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(30 * time.Second):
		}
	})
	srv := httptest.NewServer(mux) // 127.0.0.1
	t.Cleanup(srv.Close)
	return srv
}

func TestClient(t *testing.T) {
	srv := fixture(t)
	cases := []struct{ name, code, want string }{
		{"get", `r = http.get(URL + "/hello", headers={"X-Token": "t1"})
print(r.status, r.text, r.ok, type(r.body), r.headers["x-seen-agent"], r)`, "200 hello GET t1 True bytes netstar <response [200]>"},
		{"post", `r = http.post(URL + "/echo", body="abc", headers={"Content-Type": "text/plain"})
print(r.json()["method"], r.json()["body"], r.json()["type"], r.headers["content-type"])`, "POST abc text/plain application/json"},
		{"post json bytes", `r = http.post(URL + "/echo", body=json.encode({"a": 1}).encode())
print(json.decode(r.json()["body"])["a"])`, "1"},
		{"request", `r = http.request("delete", URL + "/echo", body=b"x")
print(r.json()["method"], r.json()["body"])`, "DELETE x"},
		{"404 is a response", `r = http.get(URL + "/missing")
print(r.status, r.ok, r.text.strip())`, "404 False nope"},
		{"redirect", `r = http.get(URL + "/redirect")
print(r.status, r.url.endswith("/hello"), r.text)`, "200 True hello GET"},
		{"head", `r = http.request("HEAD", URL + "/hello")
print(r.status, len(r.body))`, "200 0"},
		{"attrs", `print(dir(http.get(URL + "/hello")))`, `['body', 'cookies', 'encoding', 'headers', 'json', 'ok', 'saved_to', 'size', 'status', 'text', 'url']`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, err := run(t, nil, fmt.Sprintf("import http, json\nURL = %q\n%s\n", srv.URL, c.code))
			if err != nil {
				t.Fatal(err)
			}
			if strings.TrimSpace(out) != c.want {
				t.Fatalf("got %q, want %q", strings.TrimSpace(out), c.want)
			}
		})
	}
}

// TestAgainstServeHTTP is the lesson: start a server and query it from
// the same program.
func TestAgainstServeHTTP(t *testing.T) {
	out, err := run(t, nil, `
import socket, http, json
def h(req):
    return 201, {"Content-Type": "application/json"}, json.encode({"you": req.path, "said": req.text})
srv = socket.serve_http(port=0, host="127.0.0.1", handler=h, background=True)
r = http.post(srv.url + "x", body="hi")
print(r.status, r.json()["you"], r.json()["said"])
srv.stop()
`)
	if err != nil || strings.TrimSpace(out) != "201 /x hi" {
		t.Fatalf("%q %v", out, err)
	}
}

// TestPostTooLargeGets413: a body over serve_http's 10 MiB limit comes
// back as a 413 response, not ConnectionResetError. Regression test:
// the server closed with the body unread, which reset the connection
// while the client was still sending.
func TestPostTooLargeGets413(t *testing.T) {
	out, err := run(t, nil, `
import socket, http
srv = socket.serve_http(port=0, host="127.0.0.1", handler=lambda req: "ok", background=True)
big = b"x" * (11 * 1024 * 1024)
for i in range(5):
    r = http.post(srv.url, big)
    print(r.status)
print(http.post(srv.url, b"small").status)
srv.stop()
`)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Fields(out), []string{"413", "413", "413", "413", "413", "200"}; !slices.Equal(got, want) {
		t.Fatalf("statuses %q, want %q", got, want)
	}
}

func TestClientErrors(t *testing.T) {
	srv := fixture(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + ln.Addr().String() + "/"
	ln.Close()
	cases := []struct{ call, want string }{
		{`http.get(%q)`, "http.get: ConnectionRefusedError: [Errno 111] Connection refused"},
		{`http.get(%q, timeout=0.2)`, "http.get: TimeoutError: timed out"},
		{`http.get("ftp://127.0.0.1/x")`, "ValueError: http.get: unknown url type: 'ftp://127.0.0.1/x'"},
		{`http.get("127.0.0.1:8080")`, "unknown url type"},
		{`http.get("http:///x")`, "ValueError: http.get: no host given"},
		{`http.get(1)`, "http.get: for parameter url: got int, want string"},
		{`http.post("http://127.0.0.1:1/", body=[1])`, "TypeError: http.post: for parameter body: got list, want str or bytes"},
		{`http.get("http://127.0.0.1:1/", headers=[1])`, "TypeError: http.get: for parameter headers: got list, want dict"},
		{`http.get("http://127.0.0.1:1/", headers={"A": "x\r\nB: y"})`, "ValueError: http.get: for parameter headers: invalid header"},
		{`http.get("http://127.0.0.1:1/", timeout=0)`, "ValueError: http.get: for parameter timeout"},
		{`http.request("GE T", "http://127.0.0.1:1/")`, "ValueError: http.request: for parameter method"},
	}
	for _, c := range cases {
		call := c.call
		switch {
		case strings.Contains(call, "timeout=0.2"):
			call = fmt.Sprintf(call, srv.URL+"/slow")
		case strings.Contains(call, "%q"):
			call = fmt.Sprintf(call, closed)
		}
		t.Run(call, func(t *testing.T) {
			_, err := run(t, nil, "import http\n"+call)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v, want %q", err, c.want)
			}
		})
	}
	t.Run("catch", func(t *testing.T) {
		out, err := run(t, nil, fmt.Sprintf("import http\nr, e = catch(http.get, %q)\nprint(e.type, e.errno, e.is_a(\"OSError\"))", closed))
		if err != nil || strings.TrimSpace(out) != "ConnectionRefusedError 111 True" {
			t.Fatalf("%q %v", out, err)
		}
	})
}

// TestCtrlC: a request waiting on a slow server returns when the
// program's context is cancelled.
func TestCtrlC(t *testing.T) {
	srv := fixture(t)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(200*time.Millisecond, cancel)
	_, err := run(t, ctx, fmt.Sprintf("import http\nhttp.get(%q, timeout=None)", srv.URL+"/slow"))
	if err == nil || !strings.Contains(err.Error(), "context canceled") {
		t.Fatalf("got %v", err)
	}
}

// TestHeaderOverrides: User-Agent and Host in headers={...} reach the
// server as given, as curl's -A and -H "Host: ..." do; without them the
// client says "netstar" and the URL's host:port. The server records the
// raw header lines it reads (a plain TCP server, not net/http, so that
// nothing is normalized on the way).
func TestHeaderOverrides(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	seen := make(chan string, 16)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.SetDeadline(time.Now().Add(10 * time.Second))
			var head bytes.Buffer
			buf := make([]byte, 4096)
			for !bytes.Contains(head.Bytes(), []byte("\r\n\r\n")) {
				n, err := c.Read(buf)
				head.Write(buf[:n])
				if err != nil {
					break
				}
			}
			var got []string
			for _, line := range strings.Split(head.String(), "\r\n") {
				k, v, ok := strings.Cut(line, ": ")
				if ok && (strings.EqualFold(k, "Host") || strings.EqualFold(k, "User-Agent")) {
					got = append(got, strings.ToLower(k)+"="+v)
				}
			}
			slices.Sort(got)
			seen <- strings.Join(got, " ")
			io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")
			c.Close()
		}
	}()
	defer func() { ln.Close(); <-done }()
	addr := ln.Addr().String()
	cases := []struct{ name, headers, want string }{
		{"defaults", `{}`, "host=" + addr + " user-agent=netstar"},
		{"user-agent", `{"User-Agent": "curl/8.5.0"}`, "host=" + addr + " user-agent=curl/8.5.0"},
		{"host", `{"Host": "intranet.example"}`, "host=intranet.example user-agent=netstar"},
		{"both, lower case", `{"host": "vhost.local:8080", "user-agent": "Mozilla/5.0 (X11)"}`, "host=vhost.local:8080 user-agent=Mozilla/5.0 (X11)"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for _, fn := range []string{"http.get(URL, headers=H)", "http.post(URL, body='x', headers=H)", "http.request('PUT', URL, headers=H)"} {
				out, err := run(t, nil, fmt.Sprintf("import http\nURL = %q\nH = %s\nprint(%s.status)\n", "http://"+addr+"/p", c.headers, fn))
				if err != nil || strings.TrimSpace(out) != "200" {
					t.Fatalf("%s: %q %v", fn, out, err)
				}
				if got := <-seen; got != c.want {
					t.Errorf("%s: server saw %q, want %q", fn, got, c.want)
				}
			}
		})
	}
	_, err = run(t, nil, fmt.Sprintf("import http\nhttp.get(%q, headers={'Host': 'a b'})\n", "http://"+addr+"/"))
	if err == nil || !strings.Contains(err.Error(), "ValueError: http.get: for parameter headers: invalid Host") {
		t.Errorf("bad Host: %v", err)
	}
}
