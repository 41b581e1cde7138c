package scan

import (
	"net/netip"
	"strings"
	"testing"
)

func TestPermutationIsBijection(t *testing.T) {
	for _, n := range []uint64{1, 2, 3, 5, 16, 17, 255, 256, 1000, 4097, 65536 * 3} {
		for _, seed := range []uint64{0, 1, 42, 1 << 63} {
			p, err := NewPermutation(n, seed)
			if err != nil {
				t.Fatal(err)
			}
			seen := make([]bool, n)
			identity := true
			for i := range n {
				x := p.At(i)
				if x >= n {
					t.Fatalf("n=%d seed=%d: At(%d) = %d, out of range", n, seed, i, x)
				}
				if seen[x] {
					t.Fatalf("n=%d seed=%d: %d reached twice", n, seed, x)
				}
				seen[x] = true
				identity = identity && x == i
			}
			if n > 16 && identity {
				t.Errorf("n=%d seed=%d: the walk is in order", n, seed)
			}
		}
	}
}

func TestPermutationSeedsDiffer(t *testing.T) {
	a, _ := NewPermutation(1000, 1)
	b, _ := NewPermutation(1000, 2)
	same := 0
	for i := range uint64(1000) {
		if a.At(i) == b.At(i) {
			same++
		}
	}
	if same > 50 {
		t.Errorf("seeds 1 and 2 agree on %d of 1000 positions", same)
	}
	if _, err := NewPermutation(1<<62, 0); err == nil {
		t.Error("2^62 probes accepted")
	}
}

// TestShardsPartition checks that N shards of one seeded walk are
// disjoint and together complete, for sizes that N does not divide.
func TestShardsPartition(t *testing.T) {
	for _, n := range []uint64{1, 7, 100, 1031} {
		for _, count := range []int{1, 2, 3, 4, 16} {
			perm, _ := NewPermutation(n, 7)
			seen := make([]int, n)
			var total uint64
			for i := range count {
				sh := Shard{Index: i, Count: count}
				k := sh.positions(n)
				total += k
				for pos := range k {
					seen[perm.At(uint64(i)+pos*uint64(count))]++
				}
			}
			if total != n {
				t.Errorf("n=%d N=%d: shards hold %d positions", n, count, total)
			}
			for x, c := range seen {
				if c != 1 {
					t.Fatalf("n=%d N=%d: index %d taken %d times", n, count, x, c)
				}
			}
		}
	}
}

func TestParseShard(t *testing.T) {
	for _, tc := range []struct {
		spec string
		want Shard
		err  string
	}{
		{"0/4", Shard{0, 4}, ""},
		{"3/4", Shard{3, 4}, ""},
		{"0/1", Shard{0, 1}, ""},
		{" 1/2 ", Shard{1, 2}, ""},
		{"3/2", Shard{}, "index must be in 0-1"},
		{"2/2", Shard{}, "index must be in 0-1"},
		{"0/0", Shard{}, "at least 1"},
		{"-1/2", Shard{}, "index must be in 0-1"},
		{"1/-2", Shard{}, "at least 1"},
		{"a/b", Shard{}, "whole numbers"},
		{"4", Shard{}, "want I/N"},
		{"", Shard{}, "want I/N"},
	} {
		got, err := ParseShard(tc.spec)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("ParseShard(%q) error = %v, want %q", tc.spec, err, tc.err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("ParseShard(%q) = %v, %v", tc.spec, got, err)
		}
	}
}

func TestSpaceExclude(t *testing.T) {
	ts, _ := ParseTargets("10.0.0.0/24,10.0.1.5,::1", 0)
	ex, _ := ParseTargets("10.0.0.0,10.0.0.10-20,10.0.0.255,10.0.1.5", 0)
	hs, err := buildSpace(ts, ex)
	if err != nil {
		t.Fatal(err)
	}
	if hs.total != 256-13+1 {
		t.Fatalf("%d hosts, want %d", hs.total, 256-13+1)
	}
	var got []string
	for i := range hs.total {
		_, ip, _ := hs.host(i)
		got = append(got, ip.String())
	}
	if got[0] != "10.0.0.1" || got[8] != "10.0.0.9" || got[9] != "10.0.0.21" || got[len(got)-2] != "10.0.0.254" || got[len(got)-1] != "::1" {
		t.Errorf("hosts = %v", got)
	}
	names, _ := ParseTargets("example.invalid", 0)
	if _, err := buildSpace(ts, names); err == nil || !strings.Contains(err.Error(), "cannot be excluded") {
		t.Errorf("a name in the exclusions: %v", err)
	}
}

func TestAddrAdd(t *testing.T) {
	for _, tc := range []struct {
		a    string
		off  uint64
		want string
	}{
		{"10.0.0.255", 1, "10.0.1.0"},
		{"127.0.0.0", 65535, "127.0.255.255"},
		{"::ffff:ffff:ffff:ffff", 1, "0:0:0:1::"},
		{"fe80::1%eth0", 2, "fe80::3%eth0"},
	} {
		a := netip.MustParseAddr(tc.a)
		if got := addrAdd(a, tc.off).String(); got != tc.want {
			t.Errorf("addrAdd(%s, %d) = %s, want %s", tc.a, tc.off, got, tc.want)
		}
	}
}
