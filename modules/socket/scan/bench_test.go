package scan_test

import (
	"context"
	"testing"
	"time"

	"github.com/netstar/netstar/modules/socket/netnstest"
	"github.com/netstar/netstar/modules/socket/scan"
)

// BenchmarkFullLoopback scans all 65535 ports of a namespace's loopback
// with 11 listeners; each iteration is one full scan, checked for
// exactness. Goal: about 0.2-0.5 s per scan on 2 cores, at most half of
// nmap -sT -T5 (go run ./cmd/netstar-bench scan compares them).
func BenchmarkFullLoopback(b *testing.B) {
	n, open := loopbackLab(b)
	s := &scan.Scanner{Namespace: n.Local.Path, NoReverse: true}
	targets, ports := mustTargets(b, "127.0.0.1"), mustPorts(b, "-")
	for b.Loop() {
		res, err := s.Scan(context.Background(), targets, ports)
		if err != nil {
			b.Fatal(err)
		}
		checkExact(b, res[0], 65535, open, nil)
	}
	b.ReportMetric(65535*float64(b.N)/b.Elapsed().Seconds(), "probes/s")
}

// BenchmarkFiltered scans 3000 ports of the remote namespace, 1000 of
// them dropped, with a 0.5 s timeout and one retry. Goal: at most 2.5x
// the timeout per scan.
func BenchmarkFiltered(b *testing.B) {
	n := netnstest.Start(b)
	var filtered []int
	for p := 1001; p <= 2000; p++ {
		filtered = append(filtered, p)
	}
	if err := n.Remote.DropSYN(filtered...); err != nil {
		b.Fatal(err)
	}
	port, err := n.Remote.Serve("0.0.0.0:22", "")
	if err != nil {
		b.Fatal(err)
	}
	s := &scan.Scanner{Namespace: n.Local.Path, NoReverse: true, Timeout: 500 * time.Millisecond}
	targets, ports := mustTargets(b, n.Remote.Addr.String()), mustPorts(b, "1-3000")
	for b.Loop() {
		res, err := s.Scan(context.Background(), targets, ports)
		if err != nil {
			b.Fatal(err)
		}
		checkExact(b, res[0], 3000, []int{port}, filtered)
	}
	b.ReportMetric(b.Elapsed().Seconds()/float64(b.N)/0.5, "x-timeout")
}

func BenchmarkParsePorts(b *testing.B) {
	for b.Loop() {
		if _, err := scan.ParsePorts("1-65535"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseTargets(b *testing.B) {
	for b.Loop() {
		if _, err := scan.ParseTargets("10.0.0.0/16", 0); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkStreamManyHosts streams 127.0.0.0/18 × 3 ports (49,152
// probes, a quarter of the shards bench's space) to a sink that counts;
// allocs/op shows what each record costs the garbage collector.
func BenchmarkStreamManyHosts(b *testing.B) {
	n, _ := manyHosts(b)
	s := &scan.Scanner{Namespace: n.Local.Path, NoReverse: true, Random: true, Seed: 1}
	targets, ports := mustTargets(b, "127.0.0.0/18"), mustPorts(b, "22,80,443")
	b.ReportAllocs()
	for b.Loop() {
		count := 0
		if _, err := s.Stream(context.Background(), targets, ports, scan.StreamOptions{
			Sink: func(scan.Record) error { count++; return nil },
		}); err != nil {
			b.Fatal(err)
		}
		if count != 1<<14*3 {
			b.Fatalf("%d records, want %d", count, 1<<14*3)
		}
	}
	b.ReportMetric(float64(1<<14*3)*float64(b.N)/b.Elapsed().Seconds(), "probes/s")
}
