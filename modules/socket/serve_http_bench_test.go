package socket_test

import (
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/netstar/netstar/modules/http/httpserve/httpservetest"
	"github.com/netstar/netstar/repl/interp"
	"go.starlark.net/starlark"
)

// BenchmarkStarlarkHandler: socket.serve_http with a handler returning
// a short string, its access log going to a file as when a user runs
// `netstar server.star 2>access.log` (compare with BenchmarkGoHandler;
// goal: >= 0.7x, aim 0.9x; wrk's figures: go run ./cmd/netstar-bench
// http -log FILE).
func BenchmarkStarlarkHandler(b *testing.B) {
	logf, err := os.Create(filepath.Join(b.TempDir(), "access.log"))
	if err != nil {
		b.Fatal(err)
	}
	defer logf.Close()
	sess := interp.New(interp.Config{Stdout: io.Discard, Stderr: logf})
	defer sess.Close()
	th := sess.NewThread("main")
	globals := sess.Predeclared("__main__")
	f, err := interp.Parse("bench.star", []byte(`
import socket
def h(req):
    return 'Hello, World!'
srv = socket.serve_http(port=0, host="127.0.0.1", handler=h, background=True)
`))
	if err != nil {
		b.Fatal(err)
	}
	sess.Lock()
	err = interp.ExecChunk(th, f, globals)
	sess.Unlock()
	if err != nil {
		b.Fatal(err)
	}
	url, _ := globals["srv"].(starlark.HasAttrs).Attr("url")
	httpservetest.Get(b, string(url.(starlark.String)))
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
