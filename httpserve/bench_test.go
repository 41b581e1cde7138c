package httpserve_test

import (
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/netstar/netstar/httpserve"
)

func benchFile(b *testing.B) string {
	dir := b.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "page.html"), []byte(strings.Repeat("<p>static</p>\n", 300)), 0o644); err != nil {
		b.Fatal(err)
	}
	return dir
}

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

// BenchmarkStatic serves one file with the python-style static server
// and its access log (compare with BenchmarkFileServer; goal >= 0.9x).
func BenchmarkStatic(b *testing.B) {
	srv, err := httpserve.Listen(httpserve.Config{Addr: "127.0.0.1:0", Dir: benchFile(b), Log: io.Discard})
	if err != nil {
		b.Fatal(err)
	}
	srv.Start()
	defer srv.Close()
	benchGet(b, srv.URL()+"page.html")
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
	benchGet(b, "http://"+ln.Addr().String()+"/page.html")
}
