// Package httpservetest holds what the HTTP server's benchmarks share:
// a client that keeps its connections alive, as wrk does.
package httpservetest

import (
	"io"
	"net/http"
	"testing"
)

// Get fetches url b.N times from 8 goroutines per processor over
// kept-alive connections, failing b on an error or a status other than
// 200.
func Get(b *testing.B, url string) {
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
			if resp.StatusCode != http.StatusOK {
				b.Errorf("status %d", resp.StatusCode)
				return
			}
		}
	})
}
