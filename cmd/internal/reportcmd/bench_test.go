package reportcmd

import (
	"bytes"
	"fmt"
	"io"
	"testing"
)

// slash16 is a netstar scan of a /16 × 3 ports in JSON Lines: 22 open
// everywhere (every 16th host with a banner), 80 closed, 443 filtered.
func slash16() []byte {
	var b bytes.Buffer
	for i := 0; i < 1<<16; i++ {
		ip := fmt.Sprintf("10.1.%d.%d", i>>8, i&255)
		banner := ""
		if i%16 == 0 {
			banner = "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n"
		}
		b.WriteString(jsonLine(ip, 22, "open", "ssh", banner, 0.0001+float64(i%100)*1e-5))
		b.WriteString(jsonLine(ip, 80, "closed", "http", "", 0.0002))
		b.WriteString(jsonLine(ip, 443, "filtered", "https", "", 2))
	}
	return b.Bytes()
}

// BenchmarkReport16 reads and renders a /16 × 3 ports scan, as netstar
// report does.
func BenchmarkReport16(b *testing.B) {
	in := slash16()
	var size int
	b.SetBytes(int64(len(in)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		s := newScan()
		if err := s.Read(bytes.NewReader(in), "bench"); err != nil {
			b.Fatal(err)
		}
		cw := &countWriter{}
		if err := Render(cw, s, Options{}); err != nil {
			b.Fatal(err)
		}
		size = cw.n
	}
	b.ReportMetric(float64(size)/1e6, "MB-page")
}

type countWriter struct{ n int }

func (w *countWriter) Write(p []byte) (int, error) { w.n += len(p); return len(p), nil }

var _ io.Writer = (*countWriter)(nil)
