package scan

import (
	"errors"
	"fmt"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/netstar/netstar/modules/socket/services"
)

// MaxPort is the highest TCP port number.
const MaxPort = 65535

// ParsePorts parses a port specification into a sorted list of distinct
// ports. The spec is a comma-separated list of items:
//
//	"22"           one port
//	"1-1024"       an inclusive range
//	"-"            every port, 1-65535
//	"http"         every tcp port of that name in services.ScanTable
//	               (nmap's nmap-services when installed: 80 and 8008)
//	"http*"        names matching a pattern (* and ?), as nmap's -p
//
// Spaces around items are ignored. Ports outside 1-65535, open ranges such
// as "80-" or "-80", reversed ranges ("90-80"), unknown service names and
// empty specs or items are errors.
func ParsePorts(spec string) ([]int, error) {
	if strings.TrimSpace(spec) == "" {
		return nil, errors.New("empty port spec")
	}
	var ports []int
	for item := range strings.SplitSeq(spec, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			return nil, fmt.Errorf("empty item in port spec %q", spec)
		}
		if isServicePattern(item) {
			named, err := namedPorts(item)
			if err != nil {
				return nil, err
			}
			ports = append(ports, named...)
			continue
		}
		lo, hi, err := parsePortItem(item)
		if err != nil {
			return nil, err
		}
		for p := lo; p <= hi; p++ {
			ports = append(ports, p)
		}
	}
	return NormalizePorts(ports)
}

// isServicePattern reports whether item names services ("http",
// "http-alt", "ms-sql*") rather than ports ("80", "1-1024").
func isServicePattern(item string) bool {
	return strings.ContainsFunc(item, func(r rune) bool {
		return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r == '*' || r == '?' || r == '['
	})
}

// namedPorts returns the tcp ports whose service names match pattern
// (path.Match syntax: * and ?), in table order, as nmap's -p does.
func namedPorts(pattern string) ([]int, error) {
	if _, err := path.Match(pattern, ""); err != nil {
		return nil, fmt.Errorf("bad service name pattern %q", pattern)
	}
	var out []int
	for _, e := range services.ScanTable().Entries {
		if e.Proto != "tcp" || e.Port < 1 {
			continue
		}
		if ok, _ := path.Match(pattern, e.Name); ok {
			out = append(out, e.Port)
			continue
		}
		for _, a := range e.Aliases {
			if ok, _ := path.Match(pattern, a); ok {
				out = append(out, e.Port)
				break
			}
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("unknown service name %q", pattern)
	}
	return out, nil
}

func parsePortItem(item string) (lo, hi int, err error) {
	if item == "-" {
		return 1, MaxPort, nil
	}
	if a, b, ok := strings.Cut(item, "-"); ok {
		a, b = strings.TrimSpace(a), strings.TrimSpace(b)
		if a == "" || b == "" {
			return 0, 0, fmt.Errorf("port range %q has no %s (write \"1-65535\" or \"-\" for every port)", item, map[bool]string{true: "start", false: "end"}[a == ""])
		}
		if lo, err = parsePortNumber(a); err != nil {
			return 0, 0, err
		}
		if hi, err = parsePortNumber(b); err != nil {
			return 0, 0, err
		}
		if lo > hi {
			return 0, 0, fmt.Errorf("port range %q is reversed", item)
		}
		return lo, hi, nil
	}
	if isDigits(item) {
		p, err := parsePortNumber(item)
		return p, p, err
	}
	p, ok := services.ScanTable().ByName(item, "tcp")
	if !ok {
		return 0, 0, fmt.Errorf("unknown service name %q", item)
	}
	return p, p, nil
}

func parsePortNumber(s string) (int, error) {
	if !isDigits(s) {
		return 0, fmt.Errorf("invalid port %q", s)
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > MaxPort {
		return 0, fmt.Errorf("port %s out of range 1-65535", s)
	}
	return n, nil
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// NormalizePorts checks that every port is in 1-65535 and returns the
// ports sorted without duplicates. An empty list is an error.
func NormalizePorts(ports []int) ([]int, error) {
	if len(ports) == 0 {
		return nil, errors.New("no ports to scan")
	}
	out := slices.Clone(ports)
	for _, p := range out {
		if p < 1 || p > MaxPort {
			return nil, fmt.Errorf("port %d out of range 1-65535", p)
		}
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}
