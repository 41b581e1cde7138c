package scan

import (
	"errors"
	"fmt"
	"math"
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

// ParseTargets parses a target spec: items separated by commas or spaces,
// each one of
//
//	"localhost"          a host name (resolved when the scan starts)
//	"127.0.0.1", "::1"   an IPv4 or IPv6 address
//	"10.0.0.0/24"        a CIDR block, network and broadcast addresses included (as nmap does)
//	"10.0.0.1-20"        a range of the last IPv4 octet
//	"10.0.0.1-10.0.1.5"  a range between two addresses of one family
//
// The spec may expand to at most maxHosts hosts (DefaultMaxHosts when
// maxHosts <= 0), so that a mistyped prefix such as /8 is refused instead
// of starting a scan of 16 million hosts. ParseTargets does no I/O.
func ParseTargets(spec string, maxHosts int) ([]Target, error) {
	if maxHosts <= 0 {
		maxHosts = DefaultMaxHosts
	}
	items := strings.FieldsFunc(spec, func(r rune) bool {
		return r == ',' || r == ' ' || r == '\t' || r == '\n' || r == '\r'
	})
	if len(items) == 0 {
		return nil, errors.New("empty target spec")
	}
	var targets []Target
	var total uint64
	for _, item := range items {
		t, err := parseTarget(item)
		if err != nil {
			return nil, err
		}
		n := t.Len()
		if n > uint64(maxHosts) || total+n > uint64(maxHosts) {
			return nil, fmt.Errorf("target %q expands to more than %d hosts (%s in all); raise max_hosts to scan it", spec, maxHosts, hostCount(total, n))
		}
		total += n
		targets = append(targets, t)
	}
	return targets, nil
}

func hostCount(total, n uint64) string {
	if n == math.MaxUint64 || total+n < total {
		return "more than 2^64"
	}
	return strconv.FormatUint(total+n, 10)
}

func parseTarget(item string) (Target, error) {
	t := Target{Spec: item}
	if pfx, bits, ok := strings.Cut(item, "/"); ok {
		p, err := netip.ParsePrefix(item)
		if err != nil {
			if _, aerr := netip.ParseAddr(pfx); aerr != nil {
				return t, fmt.Errorf("invalid CIDR %q: %q is not an IP address", item, pfx)
			}
			return t, fmt.Errorf("invalid CIDR %q: bad prefix length %q", item, bits)
		}
		p = p.Masked()
		t.First = p.Addr()
		t.Last = lastOf(p)
		return t, nil
	}
	if a, b, ok := strings.Cut(item, "-"); ok && looksNumeric(a) {
		first, err := netip.ParseAddr(a)
		if err != nil {
			return t, fmt.Errorf("invalid address range %q: %q is not an IP address", item, a)
		}
		var last netip.Addr
		if isDigits(b) {
			if !first.Is4() {
				return t, fmt.Errorf("invalid address range %q: a last-octet range needs an IPv4 address", item)
			}
			n, err := strconv.Atoi(b)
			if err != nil || n > 255 {
				return t, fmt.Errorf("invalid address range %q: %q is not an octet (0-255)", item, b)
			}
			a4 := first.As4()
			a4[3] = byte(n)
			last = netip.AddrFrom4(a4)
		} else if last, err = netip.ParseAddr(b); err != nil || last.Is4() != first.Is4() || last.Zone() != first.Zone() {
			return t, fmt.Errorf("invalid address range %q: %q is not an address of the same family", item, b)
		}
		if last.Less(first) {
			return t, fmt.Errorf("invalid address range %q: the end is before the start", item)
		}
		t.First, t.Last = first, last
		return t, nil
	}
	if looksNumeric(item) || strings.Contains(item, ":") {
		a, err := netip.ParseAddr(item)
		if err != nil {
			return t, fmt.Errorf("invalid IP address %q", item)
		}
		t.First, t.Last = a, a
		return t, nil
	}
	name := item
	if !idna.IsASCII(name) {
		// An internationalized name is looked up as Python's idna codec
		// (and socket.gethostbyname) encodes it: españa.es is
		// xn--espaa-rta.es.
		ascii, err := idna.Encode(name)
		if err != nil {
			return t, fmt.Errorf("invalid target %q: not a host name, IP address, CIDR block or range", item)
		}
		name = ascii
	}
	if err := checkHostname(name); err != nil {
		return t, fmt.Errorf("invalid target %q: not a host name, IP address, CIDR block or range", item)
	}
	t.Name = name
	return t, nil
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
