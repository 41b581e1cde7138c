package scancmd

import (
	"errors"

	"fmt"
	"github.com/netstar/netstar/builtins/i18n"
	"math"
	"net/netip"
	"slices"
	"sort"

	"github.com/netstar/netstar/modules/socket/scan"
)

// walk maps a position of a shard's walk to the ip:port the engine
// probes there, so that a checkpoint's records can be checked against
// the positions they claim. It numbers the hosts as the engine's host
// space does (targets in order, each minus the exclusions), then walks
// them through the same seeded permutation and shard: a test
// (TestWalkMatchesEngine) holds it to the engine's records.
//
// The scan package exports the permutation but not the host space; when
// it exports a position-to-target function, this copy goes.
type walk struct {
	ranges []walkRange
	cum    []uint64 // cum[k] = hosts before ranges[k]
	total  uint64
	ports  []int
	perm   *scan.Permutation
	shard  scan.Shard
	count  uint64 // positions of this shard
}

type walkRange struct {
	name  string
	first netip.Addr
	n     uint64
}

// newWalk builds the walk of resolved targets (every name has its
// address) minus exclude, over ports, for shard and seed.
func newWalk(targets, exclude []scan.Target, ports []int, shard scan.Shard, seed uint64) (*walk, error) {
	ports, err := scan.NormalizePorts(ports)
	if err != nil {
		return nil, err
	}
	ex := walkSpans(exclude)
	w := &walk{ports: ports, shard: shard}
	for _, t := range targets {
		if !t.First.IsValid() {
			return nil, fmt.Errorf("target %q is not resolved", t.Spec)
		}
		last := t.Last
		if !last.IsValid() || t.Name != "" {
			last = t.First
		}
		for _, s := range walkSubtract(t.First, last, ex) {
			n := walkDistance(s[0], s[1])
			if n == math.MaxUint64 || w.total+n >= 1<<62 {
				return nil, scan.ErrSpaceTooLarge
			}
			w.ranges = append(w.ranges, walkRange{name: t.Name, first: s[0], n: n})
			w.cum = append(w.cum, w.total)
			w.total += n
		}
	}
	n := w.total * uint64(len(ports))
	if w.total != 0 && n/w.total != uint64(len(ports)) || n >= 1<<62 {
		return nil, scan.ErrSpaceTooLarge
	}
	if w.perm, err = scan.NewPermutation(n, seed); err != nil {
		return nil, err
	}
	w.count = n
	if !shard.Whole() {
		i, c := uint64(shard.Index), uint64(shard.Count)
		if i >= n {
			w.count = 0
		} else {
			w.count = (n-i-1)/c + 1
		}
	}
	return w, nil
}

// at returns the target name ("" for an address target), address and
// port of position pos (pos < w.count).
func (w *walk) at(pos uint64) (name string, ip netip.Addr, port int) {
	i := pos
	if !w.shard.Whole() {
		i = uint64(w.shard.Index) + pos*uint64(w.shard.Count)
	}
	i = w.perm.At(i)
	n := uint64(len(w.ports))
	h, pi := i/n, int(i%n)
	k := sort.Search(len(w.cum), func(k int) bool { return w.cum[k] > h }) - 1
	r := &w.ranges[k]
	return r.name, walkAdd(r.first, h-w.cum[k]), w.ports[pi]
}

// check reports whether rec is what the walk probes at pos.
func (w *walk) check(lang i18n.Lang, pos uint64, rec *Record) error {
	if pos >= w.count {
		return errors.New(lang.T("scan.recordPastEnd", pos, w.count))
	}
	name, ip, port := w.at(pos)
	if rec.IP != ip.String() || rec.Port != port || rec.Host != name {
		want := ip.String()
		if name != "" {
			want = name + " " + want
		}
		got := rec.IP
		if rec.Host != "" {
			got = rec.Host + " " + got
		}
		return errors.New(lang.T("scan.recordNotWalk", pos, got, rec.Port, want, port))
	}
	return nil
}

// walkSpans returns the address ranges of exclude, sorted and merged.
func walkSpans(exclude []scan.Target) [][2]netip.Addr {
	var out [][2]netip.Addr
	for _, t := range exclude {
		last := t.Last
		if !last.IsValid() {
			last = t.First
		}
		out = append(out, [2]netip.Addr{t.First.WithZone(""), last.WithZone("")})
	}
	slices.SortFunc(out, func(a, b [2]netip.Addr) int { return a[0].Compare(b[0]) })
	merged := out[:0]
	for _, s := range out {
		if k := len(merged) - 1; k >= 0 && s[0].Is4() == merged[k][0].Is4() &&
			(s[0].Compare(merged[k][1]) <= 0 || merged[k][1].Next() == s[0]) {
			if s[1].Compare(merged[k][1]) > 0 {
				merged[k][1] = s[1]
			}
			continue
		}
		merged = append(merged, s)
	}
	return merged
}

// walkSubtract returns the parts of [first, last] outside the sorted,
// merged spans ex.
func walkSubtract(first, last netip.Addr, ex [][2]netip.Addr) [][2]netip.Addr {
	var out [][2]netip.Addr
	zone := first.Zone()
	f, l := first.WithZone(""), last.WithZone("")
	cur := f
	for _, e := range ex {
		if e[0].Is4() != f.Is4() || e[1].Compare(cur) < 0 {
			continue
		}
		if e[0].Compare(l) > 0 {
			break
		}
		if e[0].Compare(cur) > 0 {
			out = append(out, [2]netip.Addr{cur.WithZone(zone), e[0].Prev().WithZone(zone)})
		}
		if e[1].Compare(l) >= 0 {
			return out
		}
		cur = e[1].Next()
	}
	return append(out, [2]netip.Addr{cur.WithZone(zone), l.WithZone(zone)})
}

func walkU128(a netip.Addr) (hi, lo uint64) {
	b := a.As16()
	for i := 0; i < 8; i++ {
		hi, lo = hi<<8|uint64(b[i]), lo<<8|uint64(b[i+8])
	}
	return hi, lo
}

// walkDistance returns last-first+1, saturating at MaxUint64.
func walkDistance(first, last netip.Addr) uint64 {
	hiF, loF := walkU128(first)
	hiL, loL := walkU128(last)
	hi, lo := hiL-hiF, loL-loF
	if loL < loF {
		hi--
	}
	if hi != 0 || lo == math.MaxUint64 {
		return math.MaxUint64
	}
	return lo + 1
}

// walkAdd returns a+off.
func walkAdd(a netip.Addr, off uint64) netip.Addr {
	if off == 0 {
		return a
	}
	if a.Is4() {
		b := a.As4()
		v := uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
		v += uint32(off)
		return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
	}
	hi, lo := walkU128(a)
	nlo := lo + off
	if nlo < lo {
		hi++
	}
	var b [16]byte
	for i := 7; i >= 0; i-- {
		b[i], b[i+8] = byte(hi), byte(nlo)
		hi, nlo = hi>>8, nlo>>8
	}
	return netip.AddrFrom16(b).WithZone(a.Zone())
}
