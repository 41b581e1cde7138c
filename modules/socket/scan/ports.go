package scan

import (
	"errors"
	"fmt"
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
//	"http"         a service name, looked up in the services table (tcp)
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
