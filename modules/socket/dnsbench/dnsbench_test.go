package dnsbench_test

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/netstar/netstar/modules/socket/dnsbench"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// BenchmarkResolve10k is the speed goal: 10,000 names against a
// server that answers each query after 20 ms (goal: at most 1 s per op).
func BenchmarkResolve10k(b *testing.B) {
	srv, names, err := dnsbench.NewServer("127.0.0.1:0", dnsbench.Names, dnsbench.Delay)
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		d, ok, err := dnsbench.ResolveNetstar(context.Background(), srv.Addr, names)
		if err != nil || ok != len(names) {
			b.Fatalf("resolved %d/%d: %v", ok, len(names), err)
		}
		b.ReportMetric(d.Seconds(), "s/10k")
	}
}

// BenchmarkResolve10kLossy is the lossy case: the same 10,000
// names, with the first attempt of every 20th question (5%) dropped.
// Without retransmission each lost query waited out the 2 s timeout.
func BenchmarkResolve10kLossy(b *testing.B) {
	srv, names, err := dnsbench.NewServer("127.0.0.1:0", dnsbench.Names, dnsbench.Delay)
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	srv.DropFirst(dnsbench.LossEvery, 1)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		srv.Forget() // the same questions are lost again
		b.StartTimer()
		d, ok, err := dnsbench.ResolveNetstar(context.Background(), srv.Addr, names)
		if err != nil || ok != len(names) {
			b.Fatalf("resolved %d/%d: %v", ok, len(names), err)
		}
		if srv.Dropped() != len(names)/dnsbench.LossEvery {
			b.Fatalf("server dropped %d queries, want %d", srv.Dropped(), len(names)/dnsbench.LossEvery)
		}
		b.ReportMetric(d.Seconds(), "s/10k")
	}
}

// TestResolveSmall checks the measuring function on a small run.
func TestResolveSmall(t *testing.T) {
	srv, names, err := dnsbench.NewServer("127.0.0.1:0", 200, time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	_, ok, err := dnsbench.ResolveNetstar(context.Background(), srv.Addr, names)
	if err != nil || ok != 200 {
		t.Fatalf("resolved %d/200: %v", ok, err)
	}
}

// TestCompareResolve runs the full comparison; it is slow, so only with
// NETSTAR_DNSBENCH=1.
func TestCompareResolve(t *testing.T) {
	if os.Getenv("NETSTAR_DNSBENCH") == "" {
		t.Skip("set NETSTAR_DNSBENCH=1 to run the resolve comparison (about 3 s; python side needs root, unshare, python3)")
	}
	var buf bytes.Buffer
	if err := dnsbench.CompareResolve(&buf); err != nil {
		t.Fatal(err)
	}
	t.Log("\n" + buf.String())
	if strings.Count(buf.String(), "netstar socket.resolve (500 workers): ") != 2 || strings.Count(buf.String(), "10000/10000 resolved") < 2 {
		t.Errorf("netstar did not resolve every name:\n%s", buf.String())
	}
}
