package httpserve_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/netstar/netstar/modules/http/httpserve"
	"github.com/netstar/netstar/repl/interp/interptest"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// logBuffer is a concurrency-safe log sink; its WaitFor polls until the
// log contains a line (the log is written when a request ends, which can
// be just after the client has its answer).
type logBuffer = interptest.Buffer

func start(t *testing.T, cfg httpserve.Config) (*httpserve.Server, *logBuffer) {
	t.Helper()
	log := &logBuffer{}
	if cfg.Addr == "" {
		cfg.Addr = "127.0.0.1:0"
	}
	cfg.Log = log
	srv, err := httpserve.Listen(cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv.Start()
	t.Cleanup(func() {
		if err := srv.Close(); err != nil {
			t.Error(err)
		}
	})
	return srv, log
}

// raw sends a request exactly as written and returns the status line,
// headers and body of the answer.
func raw(t *testing.T, srv *httpserve.Server, request string) (status int, resp *http.Response, body string) {
	t.Helper()
	c, err := net.Dial("tcp", srv.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(20 * time.Second))
	if _, err := io.WriteString(c, request); err != nil {
		t.Fatal(err)
	}
	resp, err = http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatalf("reading answer to %q: %v", request, err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp.StatusCode, resp, string(b)
}

func get(t *testing.T, srv *httpserve.Server, target string) (int, *http.Response, string) {
	return raw(t, srv, "GET "+target+" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
}

const secret = "TOP-SECRET-CONTENT"

// site makes tmp/outside/secret.txt and the served tmp/www with files,
// a listing, dotfiles and symlinks in and out.
func site(t testing.TB) (www, outside string) {
	t.Helper()
	tmp := t.TempDir()
	outside = filepath.Join(tmp, "outside")
	www = filepath.Join(tmp, "www")
	for _, d := range []string{outside, www, filepath.Join(www, "sub"), filepath.Join(www, "withindex"), filepath.Join(www, ".git")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	files := map[string]string{
		filepath.Join(outside, "secret.txt"):          secret,
		filepath.Join(www, "hello.txt"):               "hello world\n",
		filepath.Join(www, "page.html"):               "<html><body>hi</body></html>",
		filepath.Join(www, "sub", "a.json"):           `{"a": 1}`,
		filepath.Join(www, "withindex", "index.html"): "<h1>index</h1>",
		filepath.Join(www, ".env"):                    secret,
		filepath.Join(www, ".git", "config"):          secret,
	}
	for p, c := range files {
		if err := os.WriteFile(p, []byte(c), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	links := map[string]string{
		filepath.Join(www, "out"):       "../outside",                         // relative, leads out
		filepath.Join(www, "out.txt"):   "../outside/secret.txt",              // relative file, leads out
		filepath.Join(www, "abs.txt"):   filepath.Join(outside, "secret.txt"), // absolute, out
		filepath.Join(www, "absin.txt"): filepath.Join(www, "hello.txt"),      // absolute, inside: os.Root refuses it too
		filepath.Join(www, "sub", "up"): "../..",                              // climbs out
		filepath.Join(www, "in.txt"):    "hello.txt",                          // relative, inside: served
	}
	for p, target := range links {
		if err := os.Symlink(target, p); err != nil {
			t.Fatal(err)
		}
	}
	return www, outside
}

func TestStaticServesLikePython(t *testing.T) {
	www, _ := site(t)
	srv, log := start(t, httpserve.Config{Dir: www})
	st, err := os.Stat(filepath.Join(www, "hello.txt"))
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, request string
		status        int
		contentType   string
		body          string // substring
		notBody       string
	}{
		{"file", "GET /hello.txt HTTP/1.1\r\nHost: x\r\n\r\n", 200, "text/plain; charset=utf-8", "hello world", ""},
		{"html", "GET /page.html HTTP/1.1\r\nHost: x\r\n\r\n", 200, "text/html; charset=utf-8", "<body>hi", ""},
		{"json", "GET /sub/a.json HTTP/1.1\r\nHost: x\r\n\r\n", 200, "application/json", `"a"`, ""},
		{"index", "GET /withindex/ HTTP/1.1\r\nHost: x\r\n\r\n", 200, "text/html; charset=utf-8", "<h1>index</h1>", ""},
		{"listing hides dotfiles", "GET / HTTP/1.1\r\nHost: x\r\n\r\n", 200, "text/html; charset=utf-8", `<a href="hello.txt">hello.txt</a>`, ".env"},
		{"dir redirect", "GET /sub HTTP/1.1\r\nHost: x\r\n\r\n", 301, "", "", ""},
		{"relative symlink inside", "GET /in.txt HTTP/1.1\r\nHost: x\r\n\r\n", 200, "", "hello world", ""},
		{"missing", "GET /nope.txt HTTP/1.1\r\nHost: x\r\n\r\n", 404, "text/html;charset=utf-8", "<p>Message: File not found.</p>", ""},
		{"post", "POST /hello.txt HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n", 501, "text/html;charset=utf-8", "Unsupported method (&#39;POST&#39;)", ""},
		{"if-modified-since", "GET /hello.txt HTTP/1.1\r\nHost: x\r\nIf-Modified-Since: " + st.ModTime().UTC().Add(time.Hour).Format(http.TimeFormat) + "\r\n\r\n", 304, "", "", "hello"},
		{"range", "GET /hello.txt HTTP/1.1\r\nHost: x\r\nRange: bytes=0-4\r\n\r\n", 206, "", "hello", "world"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			status, resp, body := raw(t, srv, c.request)
			if status != c.status {
				t.Fatalf("status %d, want %d; body %q", status, c.status, body)
			}
			if c.contentType != "" && resp.Header.Get("Content-Type") != c.contentType {
				t.Errorf("Content-Type %q, want %q", resp.Header.Get("Content-Type"), c.contentType)
			}
			if !strings.Contains(body, c.body) {
				t.Errorf("body %q lacks %q", body, c.body)
			}
			if c.notBody != "" && strings.Contains(body, c.notBody) {
				t.Errorf("body %q contains %q", body, c.notBody)
			}
		})
	}

	t.Run("head", func(t *testing.T) {
		status, resp, body := raw(t, srv, "HEAD /hello.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
		if status != 200 || body != "" || resp.ContentLength != int64(len("hello world\n")) {
			t.Fatalf("HEAD: %d, body %q, length %d", status, body, resp.ContentLength)
		}
	})

	out := log.WaitFor(t, `"GET /nope.txt HTTP/1.1" 404 -`)
	line := regexp.MustCompile(`(?m)^127\.0\.0\.1 - - \[\d{2}/[A-Z][a-z]{2}/\d{4} \d{2}:\d{2}:\d{2}\] code 404, message File not found\n127\.0\.0\.1 - - \[[^]]+\] "GET /nope\.txt HTTP/1\.1" 404 -$`)
	if !line.MatchString(out) {
		t.Errorf("404 not logged like python; log:\n%s", out)
	}
	if !regexp.MustCompile(`(?m)^127\.0\.0\.1 - - \[[^]]+\] "GET /hello\.txt HTTP/1\.1" 200 -$`).MatchString(out) {
		t.Errorf("200 not logged like python; log:\n%s", out)
	}
	log.WaitFor(t, "code 501, message Unsupported method ('POST')")
}

func TestStaticNeverLeavesTheRoot(t *testing.T) {
	www, _ := site(t)
	srv, _ := start(t, httpserve.Config{Dir: www})
	targets := []string{
		"/../outside/secret.txt",
		"/..%2foutside%2fsecret.txt",
		"/%2e%2e/outside/secret.txt",
		"/%2E%2E/outside/secret.txt",
		"/.%2e/outside/secret.txt",
		"/%2e%2e%2foutside%2fsecret.txt",
		"/sub/../../outside/secret.txt",
		"/sub/%2e%2e/%2e%2e/outside/secret.txt",
		"/%252e%252e/outside/secret.txt",
		"/..%5coutside%5csecret.txt",
		"/..\\outside\\secret.txt",
		"/%c0%ae%c0%ae/outside/secret.txt",
		"/%e0%80%ae%e0%80%ae/outside/secret.txt",
		"//../outside/secret.txt",
		"/./../outside/secret.txt",
		"http://x/../outside/secret.txt",
		"/out/secret.txt",
		"/out/",
		"/out.txt",
		"/abs.txt",
		"/absin.txt",
		"/sub/up/outside/secret.txt",
		"/sub/up/",
		"/.env",
		"/%2eenv",
		"/.git/config",
		"/.git/",
		"/sub/../.env",
		"/%00/../outside/secret.txt",
		"/hello.txt%00.html",
	}
	for _, target := range targets {
		t.Run(target, func(t *testing.T) {
			status, _, body := get(t, srv, target)
			if status == 200 || strings.Contains(body, secret) {
				t.Fatalf("%s: status %d, body %q", target, status, body)
			}
			if strings.Contains(body, "secret.txt") {
				t.Fatalf("%s: listing outside the root: %q", target, body)
			}
		})
	}
}

func TestDotfilesOption(t *testing.T) {
	www, _ := site(t)
	srv, _ := start(t, httpserve.Config{Dir: www, Dotfiles: true})
	if status, _, body := get(t, srv, "/.env"); status != 200 || body != secret {
		t.Fatalf("Dotfiles: true: /.env gave %d %q", status, body)
	}
	if _, _, body := get(t, srv, "/"); !strings.Contains(body, ".env") {
		t.Fatalf("Dotfiles: true: listing lacks .env: %q", body)
	}
}

func TestMissingDirectory(t *testing.T) {
	_, err := httpserve.Listen(httpserve.Config{Addr: "127.0.0.1:0", Dir: filepath.Join(t.TempDir(), "nope")})
	if !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("got %v", err)
	}
}

func TestHardening(t *testing.T) {
	body := make(chan error, 1)
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/panic":
			panic("boom")
		case "/read":
			_, err := io.ReadAll(r.Body)
			if err != nil {
				body <- err
				http.Error(w, "bad body", http.StatusBadRequest)
				return
			}
		}
		io.WriteString(w, "ok")
	})
	srv, log := start(t, httpserve.Config{Handler: h, MaxHeaderBytes: 4096, MaxBodyBytes: 1000})

	cases := []struct {
		name, request string
		status        int
	}{
		{"garbage", "garbage\r\n\r\n", 400},
		{"binary", "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n", 400},
		{"bad version", "GET / HTTP/9.9\r\nHost: x\r\n\r\n", 505},
		{"no host", "GET / HTTP/1.1\r\n\r\n", 400},
		{"header too large", "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + strings.Repeat("a", 20000) + "\r\n\r\n", 431},
		{"body too large by length", "POST /read HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n" + strings.Repeat("a", 5000), 413},
		{"body too large chunked", "POST /read HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n7d0\r\n" + strings.Repeat("a", 2000) + "\r\n0\r\n\r\n", 413},
		{"body within limit", "POST /read HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n0123456789", 200},
		{"panic", "GET /panic HTTP/1.1\r\nHost: x\r\n\r\n", 500},
		{"still serving", "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 200},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if status, _, b := raw(t, srv, c.request); status != c.status {
				t.Fatalf("status %d, want %d (%q)", status, c.status, b)
			}
		})
	}
	if err := <-body; !httpserve.IsTooLarge(err) {
		t.Errorf("handler's body error %v is not IsTooLarge", err)
	}
	out := log.WaitFor(t, `"GET /panic HTTP/1.1" 500 -`)
	for _, want := range []string{"panic: boom", "code 500, message Internal Server Error", "code 413, message Request entity too large"} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %q:\n%s", want, out)
		}
	}
}

// TestSlowloris: a client that never finishes its header is dropped
// after ReadHeaderTimeout, and others are served meanwhile.
func TestSlowloris(t *testing.T) {
	srv, _ := start(t, httpserve.Config{
		Handler:           http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") }),
		ReadHeaderTimeout: 300 * time.Millisecond,
	})
	var slow []net.Conn
	for i := 0; i < 20; i++ {
		c, err := net.Dial("tcp", srv.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		io.WriteString(c, "GET / HTTP/1.1\r\nHost: x\r\nX-A: ")
		slow = append(slow, c)
	}
	if status, _, body := get(t, srv, "/"); status != 200 || body != "ok" {
		t.Fatalf("with slow clients connected: %d %q", status, body)
	}
	for _, c := range slow {
		c.SetReadDeadline(time.Now().Add(20 * time.Second))
		_, err := io.ReadAll(c)
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			t.Fatal("server never dropped a client that does not finish its header")
		}
	}
}

func TestTimeoutAnswers503AndCancels(t *testing.T) {
	cancelled := make(chan struct{})
	release := make(chan struct{})
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/stuck":
			<-r.Context().Done()
			close(cancelled)
			w.Write([]byte("too late")) // dropped
		case "/ignores":
			<-release // ignores its context: the client gets 503 anyway
		default:
			io.WriteString(w, "fast")
		}
	})
	srv, log := start(t, httpserve.Config{Handler: h, Timeout: 200 * time.Millisecond})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		if status, _, body := get(t, srv, "/ignores"); status != 503 || !strings.Contains(body, "time budget") {
			t.Errorf("/ignores: %d %q", status, body)
		}
		close(release)
	}()
	if status, _, body := get(t, srv, "/fast"); status != 200 || body != "fast" {
		t.Fatalf("/fast: %d %q", status, body)
	}
	status, _, body := get(t, srv, "/stuck")
	if status != 503 || strings.Contains(body, "too late") {
		t.Fatalf("/stuck: %d %q", status, body)
	}
	<-cancelled
	wg.Wait()
	log.WaitFor(t, "code 503, message Request exceeded its time budget (200ms)")
}

func TestBindErrors(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	_, err = httpserve.Listen(httpserve.Config{Addr: busy.Addr().String(), Handler: http.NotFoundHandler()})
	if !errors.Is(err, syscall.EADDRINUSE) {
		t.Fatalf("port in use: %v, want EADDRINUSE", err)
	}
	if os.Geteuid() == 0 {
		t.Log("running as root: the real port-80 EACCES check needs an unprivileged user")
		return
	}
	_, err = httpserve.Listen(httpserve.Config{Addr: "127.0.0.1:80", Handler: http.NotFoundHandler()})
	if !errors.Is(err, syscall.EACCES) {
		t.Fatalf("port 80 unprivileged: %v, want EACCES", err)
	}
}

// TestShutdownLeavesNothing: Close ends the serving goroutine, the
// connection goroutines and every descriptor the server opened, even
// with a keep-alive connection open and a request running.
func TestShutdownLeavesNothing(t *testing.T) {
	before := openFDs(t)
	for i := 0; i < 3; i++ {
		www, _ := site(t)
		running := make(chan struct{})
		h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/wait" {
				close(running)
				<-r.Context().Done()
				return
			}
			io.WriteString(w, "ok")
		})
		for _, cfg := range []httpserve.Config{{Addr: "127.0.0.1:0", Handler: h}, {Addr: "127.0.0.1:0", Dir: www}} {
			srv, err := httpserve.Listen(cfg)
			if err != nil {
				t.Fatal(err)
			}
			srv.Start()
			c, err := net.Dial("tcp", srv.Addr().String())
			if err != nil {
				t.Fatal(err)
			}
			io.WriteString(c, "GET /hello.txt HTTP/1.1\r\nHost: x\r\n\r\n") // stays open (keep-alive)
			if _, err := http.ReadResponse(bufio.NewReader(c), nil); err != nil {
				t.Fatal(err)
			}
			var client net.Conn
			if cfg.Handler != nil {
				client, err = net.Dial("tcp", srv.Addr().String())
				if err != nil {
					t.Fatal(err)
				}
				io.WriteString(client, "GET /wait HTTP/1.1\r\nHost: x\r\n\r\n")
				<-running
			}
			ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
			if err := srv.Shutdown(ctx); err != nil {
				t.Fatal(err)
			}
			cancel()
			select {
			case <-srv.Done():
			default:
				t.Fatal("Done not closed after Shutdown")
			}
			c.Close()
			if client != nil {
				client.Close()
			}
		}
	}
	goleak.VerifyNone(t)
	if after := openFDs(t); after > before {
		t.Fatalf("descriptors: %d before, %d after", before, after)
	}
}

func openFDs(t *testing.T) int {
	entries, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skip("needs /proc/self/fd")
	}
	return len(entries)
}

func Example() {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "hello %s", r.URL.Path)
	})
	srv, err := httpserve.Listen(httpserve.Config{Addr: "127.0.0.1:0", Handler: h, Timeout: 5 * time.Second})
	if err != nil {
		fmt.Println(err)
		return
	}
	srv.Start()
	defer srv.Close()
	resp, err := http.Get(srv.URL() + "world")
	if err != nil {
		fmt.Println(err)
		return
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	fmt.Println(resp.StatusCode, string(b))
	// Output: 200 hello /world
}

// FuzzStaticPath: no request target, however encoded, reads a file
// outside the served directory or a dotfile.
func FuzzStaticPath(f *testing.F) {
	for _, s := range []string{"/hello.txt", "/../outside/secret.txt", "/%2e%2e/outside/secret.txt", "/out/secret.txt", "/.env", "/sub/up/outside/secret.txt", "/%2e%2e%2f%2e%2e%2fetc/passwd"} {
		f.Add(s)
	}
	www, _ := site(f)
	srv, err := httpserve.Listen(httpserve.Config{Addr: "127.0.0.1:0", Dir: www})
	if err != nil {
		f.Fatal(err)
	}
	srv.Start()
	f.Cleanup(func() { srv.Close() })
	f.Fuzz(func(t *testing.T, target string) {
		if target == "" || strings.ContainsAny(target, " \r\n\x00") {
			t.Skip()
		}
		c, err := net.Dial("tcp", srv.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(10 * time.Second))
		io.WriteString(c, "GET "+target+" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
		answer, _ := io.ReadAll(c)
		if bytes.Contains(answer, []byte(secret)) {
			t.Fatalf("%q served a secret:\n%s", target, answer)
		}
	})
}

// TestTooLargeBodyGets413: a client sending a body over the limit reads
// the 413 instead of "connection reset", both when it writes its whole
// request before reading (as Python's http.client does) and when it asks
// to close the connection (as Go's client does without keep-alives, the
// case net/http's own reset avoidance skips). Regression test: the
// server used to close with the body unread, which resets the
// connection.
func TestTooLargeBodyGets413(t *testing.T) {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := io.ReadAll(r.Body); err != nil {
			if httpserve.IsTooLarge(err) {
				httpserve.Error(w, http.StatusRequestEntityTooLarge, "Request entity too large")
				return
			}
			http.Error(w, "bad body", http.StatusBadRequest)
			return
		}
		io.WriteString(w, "ok")
	})
	srv, log := start(t, httpserve.Config{Handler: h, MaxBodyBytes: 1 << 20})
	const size = 4 << 20 // well beyond the socket buffers on both sides
	payload := bytes.Repeat([]byte("a"), size)

	// writeThenRead sends head and size bytes of body, and only then
	// reads the answer.
	writeThenRead := func(t *testing.T, head string, chunked bool) int {
		c, err := net.Dial("tcp", srv.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(30 * time.Second))
		w := bufio.NewWriter(c)
		w.WriteString(head)
		if chunked {
			for off := 0; off < size; off += 64 << 10 {
				fmt.Fprintf(w, "%x\r\n", 64<<10)
				w.Write(payload[off : off+64<<10])
				w.WriteString("\r\n")
			}
			w.WriteString("0\r\n\r\n")
		} else {
			w.Write(payload)
		}
		if err := w.Flush(); err != nil {
			t.Fatalf("writing the body: %v (the server reset the connection)", err)
		}
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil {
			t.Fatalf("reading the answer: %v", err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	cases := []struct {
		name string
		send func(t *testing.T) int
	}{
		{"content-length, write then read", func(t *testing.T) int {
			return writeThenRead(t, fmt.Sprintf("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\nConnection: close\r\n\r\n", size), false)
		}},
		{"chunked, write then read", func(t *testing.T) int {
			return writeThenRead(t, "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n", true)
		}},
		{"go client without keep-alives", func(t *testing.T) int {
			c := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
			defer c.CloseIdleConnections()
			resp, err := c.Post(srv.URL(), "application/octet-stream", bytes.NewReader(payload))
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			return resp.StatusCode
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			// The reset was a race: try a few times.
			for range 5 {
				if got := c.send(t); got != http.StatusRequestEntityTooLarge {
					t.Fatalf("status %d, want 413", got)
				}
			}
		})
	}
	log.WaitFor(t, "code 413, message Request entity too large")
}
