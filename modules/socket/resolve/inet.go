package resolve

import (
	"errors"
	"net/netip"
	"strconv"
	"strings"
)

// ErrBadAddress is what the inet parsers return for a malformed address.
var ErrBadAddress = errors.New("illegal IP address string")

// InetAton parses an IPv4 address the way the C library's inet_aton
// does: one to four parts separated by dots, each decimal, octal
// (leading 0) or hexadecimal (leading 0x); the last part fills the
// remaining bytes ("127.1" is 127.0.0.1, "1" is 0.0.0.1). Trailing
// whitespace ends the address, as in glibc.
func InetAton(s string) ([4]byte, error) {
	var out [4]byte
	if i := strings.IndexAny(s, " \t\n\v\f\r"); i >= 0 {
		s = s[:i]
	}
	if s == "" {
		return out, ErrBadAddress
	}
	parts := strings.Split(s, ".")
	if len(parts) > 4 {
		return out, ErrBadAddress
	}
	vals := make([]uint64, len(parts))
	for i, p := range parts {
		if p == "" {
			return out, ErrBadAddress
		}
		base := 10
		digits := p
		switch {
		case strings.HasPrefix(p, "0x") || strings.HasPrefix(p, "0X"):
			base, digits = 16, p[2:]
			if digits == "" {
				digits = "0" // glibc accepts a bare "0x" as 0
			}
		case len(p) > 1 && p[0] == '0':
			base, digits = 8, p[1:]
		}
		for _, c := range digits {
			if c == '+' || c == '-' || c == '_' {
				return out, ErrBadAddress
			}
		}
		v, err := strconv.ParseUint(digits, base, 32)
		if err != nil {
			return out, ErrBadAddress
		}
		vals[i] = v
	}
	last := vals[len(vals)-1]
	for i := 0; i < len(vals)-1; i++ {
		if vals[i] > 0xff {
			return out, ErrBadAddress
		}
		out[i] = byte(vals[i])
	}
	rem := 4 - (len(vals) - 1) // bytes the last part fills
	if rem < 4 && last >= 1<<(8*rem) {
		return out, ErrBadAddress
	}
	for i := 3; i >= len(vals)-1; i-- {
		out[i] = byte(last)
		last >>= 8
	}
	return out, nil
}

// InetPton4 parses strict dotted-quad IPv4 as inet_pton(AF_INET) does.
func InetPton4(s string) ([4]byte, error) {
	ip, err := netip.ParseAddr(s)
	if err != nil || !ip.Is4() {
		return [4]byte{}, ErrBadAddress
	}
	return ip.As4(), nil
}

// InetPton6 parses an IPv6 address as inet_pton(AF_INET6) does (no zone).
func InetPton6(s string) ([16]byte, error) {
	if strings.Contains(s, "%") {
		return [16]byte{}, ErrBadAddress
	}
	ip, err := netip.ParseAddr(s)
	if err != nil || !ip.Is6() {
		return [16]byte{}, ErrBadAddress
	}
	return ip.As16(), nil
}

// InetNtop6 formats an IPv6 address as glibc's inet_ntop does
// (IPv4-mapped addresses keep the dotted tail).
func InetNtop6(b [16]byte) string {
	return netip.AddrFrom16(b).String()
}
