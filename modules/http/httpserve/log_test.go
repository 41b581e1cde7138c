package httpserve

import (
	"bytes"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"
)

func TestAppendEscaped(t *testing.T) {
	cases := []struct{ in, want string }{
		{"GET / HTTP/1.1", "GET / HTTP/1.1"},
		{"a\x1b[31mred", `a\x1b[31mred`},
		{"line\r\nbreak", `line\x0d\x0abreak`},
		{"del\x7f", `del\x7f`},
		{"tab\t", `tab\x09`},
		{"caf\u00e9", "caf\u00e9"},
		{"c1\u0085", `c1\x85`},
		{"bad\xff", `bad\xff`},
		{`back\x1b`, `back\\x1b`},
	}
	for _, c := range cases {
		if got := string(appendEscaped(nil, c.in)); got != c.want {
			t.Errorf("appendEscaped(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// FuzzAppendEscaped: whatever a client sends, a log line has no control
// characters (no forged lines, no terminal escapes) and is UTF-8.
func FuzzAppendEscaped(f *testing.F) {
	for _, s := range []string{"GET / HTTP/1.1", "\x1b]0;title\x07", "a\r\nb", "\xc3\x28", "\u0085\u009b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := appendEscaped(nil, s)
		if !utf8.Valid(out) {
			t.Fatalf("%q: not UTF-8: %q", s, out)
		}
		for _, r := range string(out) {
			if r < 0x20 || (r >= 0x7f && r < 0xa0) {
				t.Fatalf("%q: control character %U in %q", s, r, out)
			}
		}
		if !bytes.Contains(out, nil) {
			t.Fatal("unreachable")
		}
	})
}

// TestLogInjection: request-derived text reaches the log only escaped,
// in the access line and in the notes a handler adds (a traceback that
// quotes the path, a panic with a header's value): no terminal escape,
// no carriage return, no forged entry. Notes used to be written raw, so
// ESC[2J cleared the terminal and a CRLF in the path forged a line.
func TestLogInjection(t *testing.T) {
	var mu sync.Mutex
	var log bytes.Buffer
	w := writerFunc(func(p []byte) (int, error) { mu.Lock(); defer mu.Unlock(); return log.Write(p) })
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if v := r.Header.Get("X-Panic"); v != "" {
			panic(v + r.URL.Query().Get("q"))
		}
		Note(w, "Exception occurred during processing of request\nTraceback (most recent call last):\n  t.star:3:5: in h\nError: no such page: "+r.URL.Path)
		Error(w, http.StatusInternalServerError, "Internal Server Error")
	})
	srv, err := Listen(Config{Addr: "127.0.0.1:0", Handler: h, Log: w})
	if err != nil {
		t.Fatal(err)
	}
	srv.Start()
	defer srv.Close()
	const forged = `127.0.0.1 - - [01/Jan/2026 00:00:00] "GET /admin HTTP/1.1" 200 -`
	enc := strings.NewReplacer(" ", "%20", "\"", "%22", "[", "%5B", "]", "%5D").Replace
	requests := []struct{ target, panic string }{
		{"/%1b[2J%1b]0;owned%07", ""},
		{"/x%0d%0a" + enc(forged), ""},
		{"/x%0a" + enc(forged) + "%0a", ""},
		{"/back%5cx1b", ""},
		{"/p?q=%0d%0a" + enc(forged), "boom\t\\"},
	}
	for _, c := range requests {
		req, _ := http.NewRequest("GET", srv.URL()+strings.TrimPrefix(c.target, "/"), nil)
		if c.panic != "" {
			req.Header.Set("X-Panic", c.panic)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	http.DefaultClient.CloseIdleConnections()
	deadline := time.Now().Add(10 * time.Second)
	for {
		mu.Lock()
		n := strings.Count(log.String(), `" 500 -`)
		mu.Unlock()
		if n == len(requests) || time.Now().After(deadline) {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	mu.Lock()
	out := log.String()
	mu.Unlock()
	for i, r := range out {
		if r < 0x20 && r != '\n' || r >= 0x7f && r < 0xa0 {
			t.Fatalf("control character %U at %d in the log:\n%s", r, i, out)
		}
	}
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "127.0.0.1 - - [01/Jan/2026") {
			t.Errorf("forged entry in the log: %q\n%s", line, out)
		}
	}
	for _, want := range []string{`Error: no such page: /\x1b[2J\x1b]0;owned\x07`, `/x\x0d\x0a127.0.0.1 - - [01/Jan/2026`, `/x\x0a127.0.0.1 - - [01/Jan/2026`, `no such page: /back\\x1b`, `panic: boom\x09\\\x0d\x0a127.0.0.1 - - [01/Jan`, "\nTraceback (most recent call last):\n  t.star:3:5: in h\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %q:\n%s", want, out)
		}
	}
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }
