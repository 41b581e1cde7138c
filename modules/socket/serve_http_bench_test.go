package socket_test

import (
	"io"
	"net"
	"net/http"
	"testing"

	"github.com/netstar/netstar/modules/http/httpserve/httpservetest"
)

// BenchmarkStarlarkHandler: socket.serve_http with a handler returning
// a short string (compare with BenchmarkGoHandler; goal: >= 0.7x).
func BenchmarkStarlarkHandler(b *testing.B) {
	e := newEnv(b)
	url := e.serve(b, "import socket\ndef h(req):\n    return 'Hello, World!'\n", ", handler=h")
	httpservetest.Get(b, url)
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
	httpservetest.Get(b, "http://"+ln.Addr().String()+"/")
}
