package scan

import (
	"errors"
	"fmt"
	"math/bits"
	"strconv"
	"strings"
)

// Shard selects every Count-th position of a scan's seeded walk,
// starting at Index: shard I/N probes the positions I, I+N, I+2N... of
// the permuted (host × port) index space. Index is 0-based, as a
// Kubernetes Indexed Job numbers its pods (JOB_COMPLETION_INDEX), so
// the shards of a 4-way split are 0/4, 1/4, 2/4 and 3/4. N shards run
// with the same seed and the same targets and ports are disjoint and
// together complete. The zero Shard is the whole scan.
type Shard struct {
	Index, Count int
}

// String returns "I/N", or "" for the whole scan.
func (s Shard) String() string {
	if s.Count <= 1 {
		return ""
	}
	return strconv.Itoa(s.Index) + "/" + strconv.Itoa(s.Count)
}

// Whole reports whether s is the whole scan (no sharding).
func (s Shard) Whole() bool { return s.Count <= 1 }

// Check reports an error unless 0 <= Index < Count (or s is zero).
func (s Shard) Check() error {
	if s == (Shard{}) {
		return nil
	}
	if s.Count < 1 {
		return fmt.Errorf("shard %d/%d: the shard count must be at least 1", s.Index, s.Count)
	}
	if s.Index < 0 || s.Index >= s.Count {
		return fmt.Errorf("shard %d/%d: the index must be in 0-%d (shards are numbered from 0)", s.Index, s.Count, s.Count-1)
	}
	return nil
}

// ParseShard parses "I/N" (0 <= I < N, 0-based like Kubernetes' job
// completion index). "N/N", "0/0", negative or non-numeric parts are
// errors that say why.
func ParseShard(spec string) (Shard, error) {
	i, n, ok := strings.Cut(strings.TrimSpace(spec), "/")
	if !ok {
		return Shard{}, fmt.Errorf("invalid shard %q: want I/N, such as 0/4 (0-based)", spec)
	}
	idx, err1 := strconv.Atoi(i)
	cnt, err2 := strconv.Atoi(n)
	if err1 != nil || err2 != nil {
		return Shard{}, fmt.Errorf("invalid shard %q: want I/N with whole numbers, such as 0/4 (0-based)", spec)
	}
	s := Shard{Index: idx, Count: cnt}
	if cnt < 1 {
		return Shard{}, fmt.Errorf("invalid shard %q: the shard count N must be at least 1", spec)
	}
	if err := s.Check(); err != nil {
		return Shard{}, fmt.Errorf("invalid shard %q: the index must be in 0-%d (shards are numbered from 0)", spec, cnt-1)
	}
	return s, nil
}

// positions returns how many positions of a walk of n indices shard s
// takes.
func (s Shard) positions(n uint64) uint64 {
	if s.Whole() {
		return n
	}
	i, c := uint64(s.Index), uint64(s.Count)
	if i >= n {
		return 0
	}
	return (n-i-1)/c + 1
}

// Permutation is a seeded pseudo-random permutation of [0, N): a
// four-round Feistel network on the smallest even number of bits that
// holds N, walked in cycles until it lands inside the range (the
// construction masscan's BlackRock and format-preserving encryption
// use). It needs no memory beyond its parameters, so any index of a
// walk over billions of probes is computed on the spot, and the same
// seed always gives the same order on every machine.
type Permutation struct {
	n    uint64
	half uint // bits of each half
	mask uint64
	keys [4]uint64
}

// ErrSpaceTooLarge is returned for index spaces of 2^62 or more.
var ErrSpaceTooLarge = errors.New("scan: more than 2^62 probes")

// NewPermutation returns the permutation of [0, n) for seed.
func NewPermutation(n, seed uint64) (*Permutation, error) {
	if n >= 1<<62 {
		return nil, ErrSpaceTooLarge
	}
	b := uint(bits.Len64(max(n-1, 1)))
	b += b & 1
	p := &Permutation{n: n, half: b / 2, mask: 1<<(b/2) - 1}
	k := seed
	for i := range p.keys {
		k = splitmix(k + uint64(i) + 0x9e3779b97f4a7c15)
		p.keys[i] = k
	}
	return p, nil
}

// Len returns N.
func (p *Permutation) Len() uint64 { return p.n }

// At returns the index at position i (0 <= i < N) of the walk.
func (p *Permutation) At(i uint64) uint64 {
	if p.n <= 1 {
		return i
	}
	x := i
	for {
		x = p.feistel(x)
		if x < p.n {
			return x
		}
	}
}

func (p *Permutation) feistel(x uint64) uint64 {
	l, r := x>>p.half, x&p.mask
	for _, k := range p.keys {
		l, r = r, l^(splitmix(r^k)&p.mask)
	}
	return l<<p.half | r
}

// splitmix is SplitMix64's finalizer, a fast well-mixed hash.
func splitmix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
	x = (x ^ x>>27) * 0x94d049bb133111eb
	return x ^ x>>31
}
