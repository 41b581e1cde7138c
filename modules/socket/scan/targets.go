package scan

import (
	"errors"
	"fmt"
	"math"
	"math/bits"
	"net/netip"
	"strconv"
	"strings"

	"github.com/netstar/netstar/modules/socket/idna"
)

// DefaultMaxHosts is the largest number of hosts a target spec may expand
// to unless the caller raises the limit: a /16.
const DefaultMaxHosts = 1 << 16

// Target is one item of a target spec: either a host name, resolved when
// the scan starts, or an inclusive range of addresses of one family.
type Target struct {
	// Spec is the item as it was written.
	Spec string
	// Name is the host name to resolve; empty for address ranges.
	Name string
	// First and Last bound the address range (equal for one address).
	// ParseTargets leaves both zero for a name; a caller that resolves
	// the name itself sets both to its address, and Scan then uses it.
	First, Last netip.Addr
}

// Len returns the number of hosts the target stands for (1 for a name),
// saturating at math.MaxUint64.
func (t Target) Len() uint64 {
	if t.Name != "" {
		return 1
	}
	return addrDistance(t.First, t.Last)
}

// Addrs calls yield for each address of the range in order until yield
// returns false. It yields nothing for a name that is not resolved.
func (t Target) Addrs(yield func(netip.Addr) bool) {
	if !t.First.IsValid() {
		return
	}
	for a := t.First; ; a = a.Next() {
		if !yield(a) || a == t.Last {
			return
		}
	}
}

// addrDistance returns last-first+1 saturating at MaxUint64.
func addrDistance(first, last netip.Addr) uint64 {
	f, l := first.As16(), last.As16()
	var hiF, loF, hiL, loL uint64
	for i := 0; i < 8; i++ {
		hiF, hiL = hiF<<8|uint64(f[i]), hiL<<8|uint64(l[i])
		loF, loL = loF<<8|uint64(f[i+8]), loL<<8|uint64(l[i+8])
	}
	hi := hiL - hiF
	lo := loL - loF
	if loL < loF {
		hi--
	}
	if hi != 0 || lo == math.MaxUint64 {
		return math.MaxUint64
	}
	return lo + 1
}

// MaxPatternRanges is the most separate address ranges one nmap octet
// pattern ("10.0-255.0-255.1") may expand to: each range is a Target,
// so "*.*.*.1" (16 million single addresses) is refused instead of
// filling memory. Patterns whose last octets are whole (0-255) expand
// to few ranges whatever their size ("10.0-3.*.*" is one range).
const MaxPatternRanges = 1 << 16

// ParseTargets parses a target spec: items separated by commas or spaces
// (see SplitTargets), each one of
//
//	"localhost"          a host name (resolved when the scan starts)
//	"127.0.0.1", "::1"   an IPv4 or IPv6 address
//	"10.0.0.0/24"        a CIDR block, network and broadcast addresses included (as nmap does)
//	"10.0.0.1-20"        a range of the last IPv4 octet
//	"10.0.0.1-10.0.1.5"  a range between two addresses of one family
//	"10.0-1.0.1-3,5"     nmap's octet pattern: each of the four octets a number,
//	                     a range (N-M, -M, N-, -) or * (0-255), or a comma list of them
//
// An octet pattern stands for every address whose octets are in the
// sets, in address order and without repeats (nmap's rule): it becomes
// one Target per run of consecutive addresses, at most MaxPatternRanges.
// Octets are decimal without leading zeros ("010" would be octal to
// inet_aton).
//
// The spec may expand to at most maxHosts hosts (DefaultMaxHosts when
// maxHosts <= 0), so that a mistyped prefix such as /8 is refused instead
// of starting a scan of 16 million hosts. ParseTargets does no I/O.
func ParseTargets(spec string, maxHosts int) ([]Target, error) {
	if maxHosts <= 0 {
		maxHosts = DefaultMaxHosts
	}
	items := SplitTargets(spec)
	if len(items) == 0 {
		return nil, errors.New("empty target spec")
	}
	var targets []Target
	var total uint64
	for _, item := range items {
		ts, err := parseTarget(item, uint64(maxHosts)-total)
		if err != nil {
			if errors.Is(err, errTooMany) {
				return nil, fmt.Errorf("target %q expands to more than %d hosts (%s in all); raise max_hosts to scan it", spec, maxHosts, hostCount(total, patternLen(err)))
			}
			return nil, err
		}
		var n uint64
		for _, t := range ts {
			n += t.Len()
		}
		if n > uint64(maxHosts) || total+n > uint64(maxHosts) {
			return nil, fmt.Errorf("target %q expands to more than %d hosts (%s in all); raise max_hosts to scan it", spec, maxHosts, hostCount(total, n))
		}
		total += n
		targets = append(targets, ts...)
	}
	return targets, nil
}

// SplitTargets splits a target spec into its items, as ParseTargets
// reads them: items are separated by spaces, tabs, line ends and
// commas, except that a comma inside an IPv4 octet pattern lists
// octets, as in nmap: "10.0.0.1,5" is one item (10.0.0.1 and
// 10.0.0.5), and so is "10.0,1.0.1", while "10.0.0.1,10.0.0.2" is two.
// A piece made of digits, dots, '-' and '*' joins the item before it
// when that one is such a piece too and the two hold at most the three
// dots of one IPv4 address.
func SplitTargets(spec string) []string {
	var items []string
	for field := range strings.FieldsFuncSeq(spec, func(r rune) bool {
		return r == ' ' || r == '\t' || r == '\n' || r == '\r'
	}) {
		cur := ""
		for piece := range strings.SplitSeq(field, ",") {
			switch {
			case piece == "":
				// An empty piece ("a,,b") separates: no octet list has one.
				if cur != "" {
					items = append(items, cur)
				}
				cur = ""
			case cur != "" && patternChars(cur) && octetChars(piece) && strings.Count(cur, ".")+strings.Count(piece, ".") <= 3:
				cur += "," + piece
			default:
				if cur != "" {
					items = append(items, cur)
				}
				cur = piece
			}
		}
		if cur != "" {
			items = append(items, cur)
		}
	}
	return items
}

// octetChars reports whether s is made only of the characters of an
// IPv4 octet pattern (commas aside).
func octetChars(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < '0' || c > '9') && c != '.' && c != '-' && c != '*' {
			return false
		}
	}
	return s != ""
}

// patternChars reports whether s is made only of the characters of an
// IPv4 octet pattern.
func patternChars(s string) bool {
	return s != "" && octetChars(strings.ReplaceAll(s, ",", ""))
}

func hostCount(total, n uint64) string {
	if n == math.MaxUint64 || total+n < total {
		return "more than 2^64"
	}
	return strconv.FormatUint(total+n, 10)
}

// errTooMany is wrapped by parseTarget when an octet pattern holds more
// hosts than allowed; tooMany carries the count.
var errTooMany = errors.New("too many hosts")

type tooMany struct{ n uint64 }

func (e tooMany) Error() string { return errTooMany.Error() }
func (e tooMany) Unwrap() error { return errTooMany }

func patternLen(err error) uint64 {
	var tm tooMany
	if errors.As(err, &tm) {
		return tm.n
	}
	return math.MaxUint64
}

// parseTarget parses one item; an octet pattern holding more than
// budget hosts fails with errTooMany before it is expanded.
func parseTarget(item string, budget uint64) ([]Target, error) {
	t := Target{Spec: item}
	if pfx, bits, ok := strings.Cut(item, "/"); ok {
		p, err := netip.ParsePrefix(item)
		if err != nil {
			if _, aerr := netip.ParseAddr(pfx); aerr != nil {
				return nil, fmt.Errorf("invalid CIDR %q: %q is not an IP address", item, pfx)
			}
			return nil, fmt.Errorf("invalid CIDR %q: bad prefix length %q", item, bits)
		}
		p = p.Masked()
		t.First = p.Addr()
		t.Last = lastOf(p)
		return []Target{t}, nil
	}
	if a, b, ok := strings.Cut(item, "-"); ok && looksNumeric(a) {
		if first, err := netip.ParseAddr(a); err == nil && (!first.Is4() || b != "" && !patternChars(b) || strings.Contains(b, ".")) {
			// Two addresses ("10.0.0.1-10.0.1.5", "fe80::1-fe80::9"), or
			// an IPv6 address with something else after the dash.
			if isDigits(b) {
				return nil, fmt.Errorf("invalid address range %q: a last-octet range needs an IPv4 address", item)
			}
			last, err := netip.ParseAddr(b)
			if err != nil || last.Is4() != first.Is4() || last.Zone() != first.Zone() {
				return nil, fmt.Errorf("invalid address range %q: %q is not an address of the same family", item, b)
			}
			if last.Less(first) {
				return nil, fmt.Errorf("invalid address range %q: the end is before the start", item)
			}
			t.First, t.Last = first, last
			return []Target{t}, nil
		}
	}
	if patternChars(item) && strings.ContainsAny(item, ",-*") {
		return parsePattern(item, budget)
	}
	if looksNumeric(item) || strings.Contains(item, ":") {
		a, err := netip.ParseAddr(item)
		if err != nil {
			return nil, fmt.Errorf("invalid IP address %q", item)
		}
		t.First, t.Last = a, a
		return []Target{t}, nil
	}
	name := item
	if !idna.IsASCII(name) {
		// An internationalized name is looked up as Python's idna codec
		// (and socket.gethostbyname) encodes it: españa.es is
		// xn--espaa-rta.es.
		ascii, err := idna.Encode(name)
		if err != nil {
			return nil, fmt.Errorf("invalid target %q: not a host name, IP address, CIDR block or range", item)
		}
		name = ascii
	}
	if err := checkHostname(name); err != nil {
		return nil, fmt.Errorf("invalid target %q: not a host name, IP address, CIDR block or range", item)
	}
	t.Name = name
	return []Target{t}, nil
}

// octetSet is the set of values one octet of a pattern takes.
type octetSet [4]uint64

func (s *octetSet) addRange(lo, hi int) {
	for v := lo; v <= hi; v++ {
		s[v>>6] |= 1 << (v & 63)
	}
}

func (s *octetSet) has(v int) bool { return s[v>>6]&(1<<(v&63)) != 0 }

func (s *octetSet) count() int {
	n := 0
	for _, w := range s {
		n += bits.OnesCount64(w)
	}
	return n
}

func (s *octetSet) full() bool { return s.count() == 256 }

// runs calls yield for each run of consecutive values in order.
func (s *octetSet) runs(yield func(lo, hi int)) {
	for v := 0; v < 256; v++ {
		if !s.has(v) {
			continue
		}
		lo := v
		for v+1 < 256 && s.has(v+1) {
			v++
		}
		yield(lo, v)
	}
}

func (s *octetSet) numRuns() int {
	n := 0
	s.runs(func(int, int) { n++ })
	return n
}

// parsePattern parses nmap's IPv4 octet pattern ("10.0-1.0.1-3,5").
func parsePattern(item string, budget uint64) ([]Target, error) {
	bad := func(format string, a ...any) error {
		return fmt.Errorf("invalid address range %q: %s", item, fmt.Sprintf(format, a...))
	}
	octets := strings.Split(item, ".")
	if len(octets) != 4 {
		return nil, bad("want four octets separated by dots, each a number, a range such as 1-20, * or a comma list of them")
	}
	var sets [4]octetSet
	num := func(s string) (int, error) {
		n, err := strconv.Atoi(s)
		if err != nil || !isDigits(s) || n > 255 {
			return 0, bad("%q is not an octet (0-255)", s)
		}
		if len(s) > 1 && s[0] == '0' {
			return 0, bad("octet %q has a leading zero (write it in decimal without one)", s)
		}
		return n, nil
	}
	for i, o := range octets {
		if o == "" {
			return nil, bad("octet %d is empty", i+1)
		}
		for part := range strings.SplitSeq(o, ",") {
			lo, hi := 0, 255
			switch {
			case part == "":
				return nil, bad("an empty item in the octet list %q", o)
			case part == "*" || part == "-":
			case strings.Contains(part, "-"):
				a, b, _ := strings.Cut(part, "-")
				var err error
				if a != "" {
					if lo, err = num(a); err != nil {
						return nil, err
					}
				}
				if b != "" {
					if hi, err = num(b); err != nil {
						return nil, err
					}
				}
				if hi < lo {
					return nil, bad("the end is before the start")
				}
			default:
				n, err := num(part)
				if err != nil {
					return nil, err
				}
				lo, hi = n, n
			}
			sets[i].addRange(lo, hi)
		}
	}
	hosts := uint64(1)
	for i := range sets {
		hosts *= uint64(sets[i].count())
	}
	if hosts > budget {
		return nil, tooMany{hosts}
	}
	// k is the last octet that is not whole: each combination of the
	// octets before it and each run of its values is one range.
	k := 3
	for k >= 0 && sets[k].full() {
		k--
	}
	ranges := uint64(1)
	if k >= 0 {
		ranges = uint64(sets[k].numRuns())
		for i := 0; i < k; i++ {
			ranges *= uint64(sets[i].count())
		}
	}
	if ranges > MaxPatternRanges {
		return nil, bad("it stands for %d separate runs of addresses, more than %d: scan it in parts, or use CIDR blocks", ranges, MaxPatternRanges)
	}
	out := make([]Target, 0, ranges)
	var prefix [4]byte
	var walk func(i int)
	walk = func(i int) {
		if i == k || k < 0 {
			emit := func(lo, hi int) {
				first, last := prefix, prefix
				if k >= 0 {
					first[k], last[k] = byte(lo), byte(hi)
				}
				for j := k + 1; j < 4; j++ {
					first[j], last[j] = 0, 255
				}
				out = append(out, Target{Spec: item, First: netip.AddrFrom4(first), Last: netip.AddrFrom4(last)})
			}
			if k < 0 {
				emit(0, 0)
			} else {
				sets[k].runs(emit)
			}
			return
		}
		sets[i].runs(func(lo, hi int) {
			for v := lo; v <= hi; v++ {
				prefix[i] = byte(v)
				walk(i + 1)
			}
		})
	}
	walk(0)
	return out, nil
}

// looksNumeric reports whether s is made of digits and dots (an IPv4
// address or a mistyped one) or contains a colon (IPv6).
func looksNumeric(s string) bool {
	if strings.Contains(s, ":") {
		return true
	}
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if (s[i] < '0' || s[i] > '9') && s[i] != '.' {
			return false
		}
	}
	return true
}

func lastOf(p netip.Prefix) netip.Addr {
	b := p.Addr().AsSlice()
	for i := p.Bits(); i < len(b)*8; i++ {
		b[i/8] |= 0x80 >> (i % 8)
	}
	a, _ := netip.AddrFromSlice(b)
	return a.WithZone(p.Addr().Zone())
}

// checkHostname accepts RFC 1123 host names (letters, digits, hyphens and
// underscores in dot-separated labels of at most 63 characters).
func checkHostname(name string) error {
	bad := fmt.Errorf("invalid target %q: not a host name, IP address, CIDR block or range", name)
	if len(name) > 253 {
		return bad
	}
	for label := range strings.SplitSeq(strings.TrimSuffix(name, "."), ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return bad
		}
		for i := 0; i < len(label); i++ {
			c := label[i]
			if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
				return bad
			}
		}
	}
	return nil
}
