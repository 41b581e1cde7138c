package socket

import (
	"context"
	"fmt"
	"math/big"
	"net/netip"
	"strings"

	"github.com/netstar/netstar/builtins/pyarg"
	"github.com/netstar/netstar/builtins/pyerr"
	"github.com/netstar/netstar/modules/socket/idna"
	"github.com/netstar/netstar/modules/socket/resolve"
	"go.starlark.net/starlark"
	"golang.org/x/sys/unix"
)

// addrSpec is a socket address as a script wrote it, before any name is
// resolved: parsing happens with the interpreter lock held, resolution
// without it.
type addrSpec struct {
	family   int
	host     string // AF_INET, AF_INET6
	anyHost  bool   // create_connection's None: getaddrinfo(None, port)
	port     int
	flowinfo uint32 // AF_INET6 (checked; x/sys/unix cannot pass it)
	scope    uint32 // AF_INET6 scope id
	path     string // AF_UNIX
}

// familyName is how Python's messages name an address family.
func familyName(family int) string {
	switch family {
	case unix.AF_INET:
		return "AF_INET"
	case unix.AF_INET6:
		return "AF_INET6"
	case unix.AF_UNIX:
		return "AF_UNIX"
	}
	return fmt.Sprintf("family %d", family)
}

// parseAddr checks an address argument for a socket of the given family:
// (host, port) for AF_INET, (host, port[, flowinfo[, scope_id]]) for
// AF_INET6, a path for AF_UNIX. call is the method name used in
// Python's messages ("connect").
func parseAddr(call string, family int, v starlark.Value) (addrSpec, error) {
	spec := addrSpec{family: family}
	switch family {
	case unix.AF_UNIX:
		switch p := v.(type) {
		case starlark.String:
			spec.path = string(p)
		case starlark.Bytes:
			spec.path = string(p)
		default:
			return spec, pyerr.Errorf("TypeError", "%s(): AF_UNIX address must be str or bytes, not %s", call, pyarg.TypeName(v))
		}
		if len(spec.path) > 107 {
			return spec, pyerr.New("OSError", "AF_UNIX path too long")
		}
		return spec, nil
	case unix.AF_INET, unix.AF_INET6:
	default:
		return spec, pyerr.WithErrno("OSError", int(unix.EAFNOSUPPORT), pyerr.Strerror(unix.EAFNOSUPPORT))
	}
	t, ok := v.(starlark.Tuple)
	if !ok {
		return spec, pyerr.Errorf("TypeError", "%s(): %s address must be tuple, not %s", call, familyName(family), pyarg.TypeName(v))
	}
	if family == unix.AF_INET && len(t) != 2 {
		return spec, pyerr.New("TypeError", "AF_INET address must be a pair (host, port)")
	}
	if family == unix.AF_INET6 && (len(t) < 2 || len(t) > 4) {
		return spec, pyerr.Errorf("TypeError", "AF_INET6 address must be a tuple (host, port[, flowinfo[, scopeid]])")
	}
	switch h := t[0].(type) {
	case starlark.String:
		// Python passes an ASCII str as it is and a non-ASCII one
		// through the idna codec.
		spec.host = string(h)
		if !idna.IsASCII(spec.host) {
			host, err := idna.Encode(spec.host)
			if err != nil {
				if call == "create_connection" { // getaddrinfo's message there
					return spec, err
				}
				return spec, pyerr.New("TypeError", "encoding of hostname failed")
			}
			spec.host = host
		}
	case starlark.Bytes:
		spec.host = string(h)
	case starlark.NoneType:
		if call != "create_connection" { // getaddrinfo(None, ...) there
			return spec, pyerr.New("TypeError", "str, bytes or bytearray expected, not NoneType")
		}
		spec.anyHost = true
	default:
		return spec, pyerr.Errorf("TypeError", "str, bytes or bytearray expected, not %s", pyarg.TypeName(t[0]))
	}
	if i := strings.IndexByte(spec.host, 0); i >= 0 {
		if call != "create_connection" {
			return spec, pyerr.New("TypeError", "host name must not contain null character")
		}
		spec.host = spec.host[:i] // getaddrinfo sees a C string
	}
	port, err := pyarg.Port(call+"()", t[1])
	if err != nil {
		return spec, err
	}
	spec.port = port
	if len(t) >= 3 {
		// CPython reads flowinfo and scope_id as C unsigned ints
		// (masked, never an overflow) and then range-checks flowinfo.
		flow, err := uintMask(t[2])
		if err != nil {
			return spec, err
		}
		if flow > 0xfffff {
			return spec, pyerr.Errorf("OverflowError", "%s(): flowinfo must be 0-1048575.", call)
		}
		spec.flowinfo = flow
	}
	if len(t) == 4 {
		scope, err := uintMask(t[3])
		if err != nil {
			return spec, err
		}
		spec.scope = scope
	}
	return spec, nil
}

// uintMask converts an int to a C unsigned int as CPython's "I" format
// does: the low 32 bits, whatever the sign or size.
func uintMask(v starlark.Value) (uint32, error) {
	switch x := v.(type) {
	case starlark.Bool:
		if x {
			return 1, nil
		}
		return 0, nil
	case starlark.Int:
		b := x.BigInt()
		return uint32(new(big.Int).And(b, big.NewInt(0xffffffff)).Uint64()), nil
	}
	return 0, pyerr.Errorf("TypeError", "'%s' object cannot be interpreted as an integer", pyarg.TypeName(v))
}

// resolveAddr turns a parsed address into a kernel address, resolving a
// host name as Python's socket methods do ("" is the wildcard address,
// "<broadcast>" the IPv4 broadcast address).
func resolveAddr(ctx context.Context, spec addrSpec) (unix.Sockaddr, error) {
	switch spec.family {
	case unix.AF_UNIX:
		return &unix.SockaddrUnix{Name: spec.path}, nil
	case unix.AF_INET:
		var ip netip.Addr
		switch spec.host {
		case "":
			ip = netip.IPv4Unspecified()
		case "<broadcast>":
			ip = netip.AddrFrom4([4]byte{255, 255, 255, 255})
		default:
			addrs, _, err := resolve.Current().LookupHost(ctx, spec.host, unix.AF_INET, false)
			if err != nil {
				return nil, err
			}
			ip = addrs[0]
		}
		return &unix.SockaddrInet4{Port: spec.port, Addr: ip.As4()}, nil
	default:
		ip := netip.IPv6Unspecified()
		if spec.host != "" {
			addrs, _, err := resolve.Current().LookupHost(ctx, spec.host, unix.AF_INET6, false)
			if err != nil {
				return nil, err
			}
			ip = addrs[0]
		}
		// The scope id is the tuple's, not the zone's: CPython
		// overwrites sin6_scope_id with it (("fe80::1%lo", 80) is EINVAL).
		return &unix.SockaddrInet6{Port: spec.port, ZoneId: spec.scope, Addr: ip.As16()}, nil
	}
}

// addrValue converts a kernel address to Python's form: (ip, port) for
// IPv4, (ip, port, flowinfo, scope_id) for IPv6, the path for AF_UNIX.
func addrValue(sa unix.Sockaddr) starlark.Value {
	switch a := sa.(type) {
	case *unix.SockaddrInet4:
		return starlark.Tuple{starlark.String(netip.AddrFrom4(a.Addr).String()), starlark.MakeInt(a.Port)}
	case *unix.SockaddrInet6:
		return starlark.Tuple{starlark.String(netip.AddrFrom16(a.Addr).String()), starlark.MakeInt(a.Port), starlark.MakeInt(0), starlark.MakeInt(int(a.ZoneId))}
	case *unix.SockaddrUnix:
		if a.Name == "@" {
			return starlark.String("") // unbound: x/sys/unix reports "@"
		}
		if len(a.Name) > 0 && a.Name[0] == '@' {
			// Abstract namespace: Python shows it as bytes with a leading NUL.
			return starlark.Bytes("\x00" + a.Name[1:])
		}
		return starlark.String(a.Name)
	}
	return starlark.None
}

// addrString is addrValue as Python's repr prints it.
func addrString(sa unix.Sockaddr) string {
	v := addrValue(sa)
	if t, ok := v.(starlark.Tuple); ok {
		s := "("
		for i, x := range t {
			if i > 0 {
				s += ", "
			}
			if str, ok := x.(starlark.String); ok {
				s += "'" + string(str) + "'"
			} else {
				s += x.String()
			}
		}
		return s + ")"
	}
	if str, ok := v.(starlark.String); ok {
		return "'" + string(str) + "'"
	}
	return v.String()
}

// toInt converts a Starlark int to a Go int, failing with Python's
// messages.
func toInt(v starlark.Value) (int, error) {
	i, ok := v.(starlark.Int)
	if !ok {
		if b, isBool := v.(starlark.Bool); isBool {
			if b {
				return 1, nil
			}
			return 0, nil
		}
		return 0, pyerr.Errorf("TypeError", "'%s' object cannot be interpreted as an integer", pyarg.TypeName(v))
	}
	n, ok := i.Int64()
	if !ok || n != int64(int(n)) {
		return 0, pyerr.New("OverflowError", "Python int too large to convert to C int")
	}
	return int(n), nil
}
