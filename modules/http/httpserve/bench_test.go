package httpserve_test

import (
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/netstar/netstar/modules/http/httpserve"
	"github.com/netstar/netstar/modules/http/httpserve/httpservetest"
)

func benchFile(b *testing.B) string {
	dir := b.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "page.html"), []byte(strings.Repeat("<p>static</p>\n", 300)), 0o644); err != nil {
		b.Fatal(err)
	}
	return dir
}

// BenchmarkStatic serves one file with the python-style static server
// and its access log (compare with BenchmarkFileServer; goal >= 0.9x).
func BenchmarkStatic(b *testing.B) {
	srv, err := httpserve.Listen(httpserve.Config{Addr: "127.0.0.1:0", Dir: benchFile(b), Log: io.Discard})
	if err != nil {
		b.Fatal(err)
	}
	srv.Start()
	defer srv.Close()
	httpservetest.Get(b, srv.URL()+"page.html")
}

// BenchmarkFileServer is plain http.FileServer(http.Dir) on the same file.
func BenchmarkFileServer(b *testing.B) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	srv := &http.Server{Handler: http.FileServer(http.Dir(benchFile(b)))}
	go srv.Serve(ln)
	defer srv.Close()
	httpservetest.Get(b, "http://"+ln.Addr().String()+"/page.html")
}
