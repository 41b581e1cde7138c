package scan

import (
	"fmt"
	"math"
	"net/netip"
	"slices"
	"sort"
)

// hostRange is a run of consecutive addresses: one resolved name or
// what is left of an address range after exclusions.
type hostRange struct {
	name  string // the target's name, "" for address targets
	first netip.Addr
	n     uint64
}

// hostSpace numbers the hosts of a scan from 0 without expanding them:
// host i is found by a binary search over the ranges, so a /8 costs a
// few bytes, not 16 million records.
type hostSpace struct {
	ranges []hostRange
	cum    []uint64 // cum[k] = hosts before ranges[k]
	total  uint64
}

func (hs *hostSpace) add(r hostRange) error {
	if r.n == 0 {
		return nil
	}
	if hs.total+r.n < hs.total || hs.total+r.n >= 1<<62 {
		return ErrSpaceTooLarge
	}
	hs.ranges = append(hs.ranges, r)
	hs.cum = append(hs.cum, hs.total)
	hs.total += r.n
	return nil
}

// host returns host i's name as given (the address for address
// targets) and its address.
func (hs *hostSpace) host(i uint64) (name string, ip netip.Addr, hasName bool) {
	k := sort.Search(len(hs.cum), func(k int) bool { return hs.cum[k] > i }) - 1
	r := &hs.ranges[k]
	ip = addrAdd(r.first, i-hs.cum[k])
	if r.name != "" {
		return r.name, ip, true
	}
	return "", ip, false
}

// addrAdd returns a+off (no overflow check: callers stay in ranges).
func addrAdd(a netip.Addr, off uint64) netip.Addr {
	if off == 0 {
		return a
	}
	if a.Is4() {
		b := a.As4()
		v := uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
		v += uint32(off)
		return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
	}
	b := a.As16()
	var hi, lo uint64
	for i := 0; i < 8; i++ {
		hi, lo = hi<<8|uint64(b[i]), lo<<8|uint64(b[i+8])
	}
	nlo := lo + off
	if nlo < lo {
		hi++
	}
	for i := 7; i >= 0; i-- {
		b[i], b[i+8] = byte(hi), byte(nlo)
		hi, nlo = hi>>8, nlo>>8
	}
	return netip.AddrFrom16(b).WithZone(a.Zone())
}

// span is an inclusive address range used for exclusions.
type span struct{ first, last netip.Addr }

// spansOf returns the address ranges of targets (names are not
// allowed: exclusions are addresses), sorted and merged.
func spansOf(targets []Target) ([]span, error) {
	var out []span
	for _, t := range targets {
		if t.Name != "" && !t.First.IsValid() {
			return nil, fmt.Errorf("exclude %q: host names cannot be excluded, only addresses, ranges and CIDR blocks", t.Spec)
		}
		out = append(out, span{t.First.WithZone(""), t.Last.WithZone("")})
	}
	slices.SortFunc(out, func(a, b span) int { return a.first.Compare(b.first) })
	merged := out[:0]
	for _, s := range out {
		if k := len(merged) - 1; k >= 0 && s.first.Is4() == merged[k].first.Is4() &&
			(s.first.Compare(merged[k].last) <= 0 || merged[k].last.Next() == s.first) {
			if s.last.Compare(merged[k].last) > 0 {
				merged[k].last = s.last
			}
			continue
		}
		merged = append(merged, s)
	}
	return merged, nil
}

// subtract returns the parts of [first, last] outside the sorted,
// merged spans ex.
func subtract(first, last netip.Addr, ex []span) []span {
	out := []span{}
	zone := first.Zone()
	f, l := first.WithZone(""), last.WithZone("")
	curZ := f
	for _, e := range ex {
		if e.first.Is4() != f.Is4() || e.last.Compare(curZ) < 0 {
			continue
		}
		if e.first.Compare(l) > 0 {
			break
		}
		if e.first.Compare(curZ) > 0 {
			out = append(out, span{curZ.WithZone(zone), e.first.Prev().WithZone(zone)})
		}
		if e.last.Compare(l) >= 0 {
			return out
		}
		curZ = e.last.Next()
	}
	return append(out, span{curZ.WithZone(zone), l.WithZone(zone)})
}

// buildSpace numbers the hosts of resolved targets minus exclusions.
func buildSpace(targets []Target, exclude []Target) (*hostSpace, error) {
	ex, err := spansOf(exclude)
	if err != nil {
		return nil, err
	}
	hs := &hostSpace{}
	for _, t := range targets {
		if !t.First.IsValid() {
			return nil, fmt.Errorf("invalid target %q", t.Spec)
		}
		for _, s := range subtract(t.First, t.Last, ex) {
			n := addrDistance(s.first, s.last)
			if n == math.MaxUint64 {
				return nil, ErrSpaceTooLarge
			}
			if err := hs.add(hostRange{name: t.Name, first: s.first, n: n}); err != nil {
				return nil, err
			}
		}
	}
	return hs, nil
}
