package starlarkhttp_test

import (
	"io"
	"net"
	"net/http"
	"testing"
)

// benchClient keeps connections alive, as wrk does.
func benchGet(b *testing.B, url string) {
	tr := &http.Transport{MaxIdleConnsPerHost: 64}
	defer tr.CloseIdleConnections()
	cl := &http.Client{Transport: tr}
	b.SetParallelism(8)
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			resp, err := cl.Get(url)
			if err != nil {
				b.Error(err)
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 {
				b.Errorf("status %d", resp.StatusCode)
				return
			}
		}
	})
}

// BenchmarkStarlarkHandler: socket.serve_http with a handler returning
// a short string (compare with BenchmarkGoHandler; goal: >= 0.7x).
func BenchmarkStarlarkHandler(b *testing.B) {
	e := newEnv(b)
	url := e.serve(b, "import socket\ndef h(req):\n    return 'Hello, World!'\n", ", handler=h")
	benchGet(b, url)
}

// BenchmarkGoHandler is the plain net/http hello handler.
func BenchmarkGoHandler(b *testing.B) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "Hello, World!")
	})}
	go srv.Serve(ln)
	defer srv.Close()
	benchGet(b, "http://"+ln.Addr().String()+"/")
}
