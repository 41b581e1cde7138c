package scan_test

import (
	"context"
	"fmt"
	"maps"
	"net/netip"
	"sync"
	"testing"
	"time"

	"github.com/netstar/netstar/modules/socket/netnstest"
	"github.com/netstar/netstar/modules/socket/scan"
	"go.uber.org/goleak"
)

// manyHosts starts a namespace whose whole 127.0.0.0/8 is local and
// listens on a few chosen addresses of it; it returns the expected open
// (ip, port) pairs.
func manyHosts(t testing.TB) (*netnstest.Net, map[string]bool) {
	n := netnstest.Start(t)
	open := map[string]bool{}
	for _, addr := range []string{"127.0.0.1:22", "127.0.3.7:80", "127.0.15.200:443", "127.0.9.9:22", "127.0.0.255:80"} {
		if _, err := n.Local.Serve(addr, ""); err != nil {
			t.Fatal(err)
		}
		open[addr] = true
	}
	return n, open
}

type key struct {
	ip   netip.Addr
	port int
}

func streamAll(t *testing.T, s *scan.Scanner, spec, ports string) (map[key]scan.Record, scan.Stats) {
	t.Helper()
	got := map[key]scan.Record{}
	st, err := s.Stream(context.Background(), mustTargets(t, spec), mustPorts(t, ports), scan.StreamOptions{
		Sink: func(r scan.Record) error {
			k := key{r.IP, r.Port.Port}
			if _, dup := got[k]; dup {
				t.Errorf("%v probed twice", k)
			}
			got[k] = r
			return nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	return got, st
}

// TestStreamShards runs 4 shards of 127.0.0.0/20 × 3 ports side by side
// and checks that they are disjoint and that their union is the
// unsharded scan, with exactly the listening pairs open.
func TestStreamShards(t *testing.T) {
	n, open := manyHosts(t)
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	const spec, ports = "127.0.0.0/20", "22,80,443"
	whole, st := streamAll(t, &scan.Scanner{Namespace: n.Local.Path, NoReverse: true, Random: true, Seed: 9}, spec, ports)
	if len(whole) != 4096*3 || st.Positions != 4096*3 || st.Decided() != 4096*3 {
		t.Fatalf("unsharded: %d records, stats %+v", len(whole), st)
	}
	for k, r := range whole {
		wantOpen := open[netip.AddrPortFrom(k.ip, uint16(k.port)).String()]
		if (r.State == scan.Open) != wantOpen || r.State == scan.Filtered {
			t.Errorf("%v: %s %s", k, r.State, r.Reason)
		}
	}
	if st.Open != uint64(len(open)) {
		t.Errorf("%d open, want %d", st.Open, len(open))
	}

	const shards = 4
	var mu sync.Mutex
	union := map[key]scan.Record{}
	var wg sync.WaitGroup
	for i := range shards {
		wg.Go(func() {
			s := &scan.Scanner{Namespace: n.Local.Path, NoReverse: true, Seed: 9, Shard: scan.Shard{Index: i, Count: shards}}
			_, err := s.Stream(context.Background(), mustTargets(t, spec), mustPorts(t, ports), scan.StreamOptions{
				Sink: func(r scan.Record) error {
					mu.Lock()
					defer mu.Unlock()
					k := key{r.IP, r.Port.Port}
					if _, dup := union[k]; dup {
						t.Errorf("shard %d: %v probed twice", i, k)
					}
					union[k] = r
					return nil
				},
			})
			if err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if len(union) != len(whole) {
		t.Fatalf("shards found %d pairs, the whole scan %d", len(union), len(whole))
	}
	for k, r := range whole {
		if u, ok := union[k]; !ok || u.State != r.State {
			t.Errorf("%v: shards say %v, whole scan %s", k, u.State, r.State)
		}
	}
}

// TestStreamResume stops a scan partway through its sink, then resumes
// it from the positions it recorded: together the two runs hold every
// pair exactly once.
func TestStreamResume(t *testing.T) {
	n, open := manyHosts(t)
	const spec, ports = "127.0.0.0/22", "22,80"
	s := &scan.Scanner{Namespace: n.Local.Path, NoReverse: true, Seed: 3, Shard: scan.Shard{Index: 1, Count: 2}}
	done := map[uint64]scan.Record{}
	stop := fmt.Errorf("stop")
	_, err := s.Stream(context.Background(), mustTargets(t, spec), mustPorts(t, ports), scan.StreamOptions{
		Sink: func(r scan.Record) error {
			if len(done) == 700 {
				return stop
			}
			done[r.Pos] = r
			return nil
		},
	})
	if err != stop {
		t.Fatalf("err = %v, want the sink's error", err)
	}
	from := uint64(0)
	for {
		if _, ok := done[from]; !ok {
			break
		}
		from++
	}
	// Done is called from the scanner's event loops: give it a copy that
	// the sink does not change.
	before := maps.Clone(done)
	st, err := s.Stream(context.Background(), mustTargets(t, spec), mustPorts(t, ports), scan.StreamOptions{
		From: from,
		Done: func(pos uint64) bool { _, ok := before[pos]; return ok },
		Sink: func(r scan.Record) error {
			if _, dup := done[r.Pos]; dup {
				t.Errorf("position %d probed again", r.Pos)
			}
			done[r.Pos] = r
			return nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if uint64(len(done)) != st.Positions || st.Positions != 1024*2/2 {
		t.Errorf("%d positions done of %d", len(done), st.Positions)
	}
	opens := 0
	for _, r := range done {
		if r.State == scan.Open {
			opens++
			if !open[netip.AddrPortFrom(r.IP, uint16(r.Port.Port)).String()] {
				t.Errorf("%s:%d open", r.IP, r.Port.Port)
			}
		}
	}
	t.Logf("shard 1/2: %d open, skipped %d", opens, st.Skipped)
}

// TestStreamRate checks the pacing by counting, not timing: with a low
// rate the scan of a few ports cannot send them all in one burst, and
// still decides every port.
func TestStreamRate(t *testing.T) {
	n, _ := manyHosts(t)
	s := &scan.Scanner{Namespace: n.Local.Path, NoReverse: true, Rate: 2000}
	start := time.Now()
	got, st := streamAll(t, s, "127.0.0.1", "1-100")
	if len(got) != 100 || st.Sent < 100 {
		t.Errorf("%d records, %d sent", len(got), st.Sent)
	}
	if time.Since(start) < 30*time.Millisecond {
		t.Errorf("100 probes at 2000/s took %v", time.Since(start))
	}
	if _, err := (&scan.Scanner{Rate: -1}).Stream(context.Background(), mustTargets(t, "127.0.0.1"), []int{1}, scan.StreamOptions{Sink: func(scan.Record) error { return nil }}); err == nil {
		t.Error("rate -1 accepted")
	}
}

// TestStreamCancelHandsOverBatches cancels a stream part-way. The event
// loops hold records in batches; every probe the stats count as decided
// must still reach the sink before Stream returns, or a checkpoint
// would skip ports that no output holds.
func TestStreamCancelHandsOverBatches(t *testing.T) {
	n, _ := manyHosts(t)
	s := &scan.Scanner{Namespace: n.Local.Path, NoReverse: true, Random: true, Seed: 5}
	for _, after := range []int{1, 300, 5000} {
		t.Run(fmt.Sprint(after), func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			got := 0
			st, err := s.Stream(ctx, mustTargets(t, "127.0.0.0/18"), mustPorts(t, "22,80"), scan.StreamOptions{
				Sink: func(r scan.Record) error {
					if got++; got == after {
						cancel()
					}
					return nil
				},
			})
			if err != context.Canceled {
				t.Fatalf("err = %v, want context.Canceled", err)
			}
			decided := st.Open + st.Closed + st.Filtered
			if uint64(got) != decided {
				t.Errorf("sink got %d records, stats count %d decided", got, decided)
			}
			if decided >= st.Positions {
				t.Errorf("all %d positions decided: the cancel came too late to test anything", decided)
			}
		})
	}
}
