package socket

import (
	"context"
	"net"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/miekg/dns"
	"github.com/netstar/netstar/builtins/pyarg"
	"github.com/netstar/netstar/builtins/pyerr"
	"github.com/netstar/netstar/modules/socket/idna"
	"github.com/netstar/netstar/modules/socket/resolve"
	"github.com/netstar/netstar/repl/interp"
	"go.starlark.net/starlark"
)

// recordTypeNames lists the types resolve(type=...) takes, sorted.
func recordTypeNames() []string {
	names := make([]string, 0, len(resolve.RecordTypes))
	for n := range resolve.RecordTypes {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// recordsFn is resolve(names, type=...) for types other than A and
// AAAA: a dict name -> list of record values (rrValue), or the
// name's exception.
func recordsFn(thread *starlark.Thread, b *starlark.Builtin, names []string, a bulkArgs) (starlark.Value, error) {
	results := make([]resolve.Result, len(names))
	var lookup []string
	var at []int
	for i, n := range names {
		q := n
		if _, err := netip.ParseAddr(n); err != nil || a.qtype != dns.TypePTR {
			e, err := idna.Encode(n)
			if err != nil {
				results[i].Err = err
				continue
			}
			q = e
		}
		lookup, at = append(lookup, q), append(at, i)
	}
	progress, clear := resolve.ProgressTo(sessionProgress(thread), "resolve")
	found, err := blocking(thread, b, func(ctx context.Context) ([]resolve.Result, error) {
		defer clear()
		return resolve.Records(ctx, lookup, a.qtype, resolve.Options{Workers: a.workers, Timeout: a.timeout, Progress: progress})
	})
	if err != nil {
		return nil, err
	}
	for j, i := range at {
		results[i] = found[j]
	}
	d := starlark.NewDict(len(names))
	for i, n := range names {
		var v starlark.Value
		if results[i].Err != nil {
			v = interp.NewException(results[i].Err)
		} else {
			l := make([]starlark.Value, len(results[i].RRs))
			for j, rr := range results[i].RRs {
				l[j] = rrValue(rr)
			}
			v = starlark.NewList(l)
		}
		d.SetKey(starlark.String(n), v)
	}
	return d, nil
}

// dnsName is a domain name as netstar shows it: without the final dot,
// except the root ".".
func dnsName(n string) string {
	if n == "." {
		return n
	}
	return strings.TrimSuffix(n, ".")
}

// rrValue is a record's data in the shape a dnspython user expects of
// its rdata fields:
//
//	A, AAAA        "10.0.0.1"                         (rdata.address)
//	MX             (preference, exchange)             (10, "mail.lab.test")
//	TXT            "v=spf1 -all"                      (b"".join(rdata.strings), decoded)
//	NS, CNAME, PTR "ns1.lab.test"                     (rdata.target)
//	SRV            (priority, weight, port, target)   (0, 5, 389, "dc1.lab.test")
//	SOA            {"mname", "rname", "serial", "refresh", "retry", "expire", "minimum"}
//	other types    the zone-file text of the data
func rrValue(rr dns.RR) starlark.Value {
	switch rr := rr.(type) {
	case *dns.A:
		return starlark.String(rr.A.String())
	case *dns.AAAA:
		return starlark.String(rr.AAAA.String())
	case *dns.MX:
		return starlark.Tuple{starlark.MakeInt(int(rr.Preference)), starlark.String(dnsName(rr.Mx))}
	case *dns.TXT:
		return starlark.String(txtString(rr.Txt))
	case *dns.NS:
		return starlark.String(dnsName(rr.Ns))
	case *dns.CNAME:
		return starlark.String(dnsName(rr.Target))
	case *dns.PTR:
		return starlark.String(dnsName(rr.Ptr))
	case *dns.SRV:
		return starlark.Tuple{starlark.MakeInt(int(rr.Priority)), starlark.MakeInt(int(rr.Weight)), starlark.MakeInt(int(rr.Port)), starlark.String(dnsName(rr.Target))}
	case *dns.SOA:
		d := starlark.NewDict(7)
		d.SetKey(starlark.String("mname"), starlark.String(dnsName(rr.Ns)))
		d.SetKey(starlark.String("rname"), starlark.String(dnsName(rr.Mbox)))
		for _, f := range []struct {
			k string
			v uint32
		}{{"serial", rr.Serial}, {"refresh", rr.Refresh}, {"retry", rr.Retry}, {"expire", rr.Expire}, {"minimum", rr.Minttl}} {
			d.SetKey(starlark.String(f.k), starlark.MakeUint64(uint64(f.v)))
		}
		return d
	}
	return starlark.String(resolve.RRData(rr))
}

// txtString joins a TXT record's character-strings, as SPF and DKIM
// readers do, undoing miekg/dns's zone-file escapes (\" \\ \DDD).
func txtString(parts []string) string {
	var sb strings.Builder
	for _, p := range parts {
		for i := 0; i < len(p); i++ {
			c := p[i]
			if c != '\\' || i+1 >= len(p) {
				sb.WriteByte(c)
				continue
			}
			if i+3 < len(p) && isDigit(p[i+1]) && isDigit(p[i+2]) && isDigit(p[i+3]) {
				n := int(p[i+1]-'0')*100 + int(p[i+2]-'0')*10 + int(p[i+3]-'0')
				if n < 256 {
					sb.WriteByte(byte(n))
					i += 3
					continue
				}
			}
			sb.WriteByte(p[i+1])
			i++
		}
	}
	return sb.String()
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// axfrFn is axfr(zone, server, timeout=10.0): the zone's records from
// a transfer, as a list of (name, ttl, type, value) tuples.
func axfrFn(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var zone, server string
	var timeoutV starlark.Value = starlark.Float(10)
	if err := starlark.UnpackArgs(b.Name(), args, kwargs, "zone", &zone, "server", &server, "timeout?", &timeoutV); err != nil {
		return nil, err
	}
	timeout, err := pyarg.Timeout(b.Name(), "timeout", timeoutV, pyarg.TimeoutOptions{Max: time.Hour})
	if err != nil {
		return nil, err
	}
	zoneA, err := idna.Encode(strings.TrimSuffix(zone, "."))
	if err != nil || zoneA == "" || !resolve.ValidName(zoneA) {
		return nil, pyerr.Errorf("ValueError", "%s: for parameter zone: invalid zone name %q", b.Name(), zone)
	}
	rrs, err := blocking(thread, b, func(ctx context.Context) ([]dns.RR, error) {
		addr, err := transferServer(ctx, b.Name(), server)
		if err != nil {
			return nil, err
		}
		return resolve.Transfer(ctx, zoneA, addr, timeout)
	})
	if err != nil {
		return nil, err
	}
	out := make([]starlark.Value, len(rrs))
	for i, rr := range rrs {
		h := rr.Header()
		out[i] = starlark.Tuple{starlark.String(dnsName(h.Name)), starlark.MakeUint64(uint64(h.Ttl)), starlark.String(resolve.TypeName(h.Rrtype)), rrValue(rr)}
	}
	return starlark.NewList(out), nil
}

// transferServer turns axfr's server ("10.0.0.53", "10.0.0.53:5353",
// "[::1]:53" or a host name, port 53 by default) into "ip:port"; a name
// is looked up with the module's resolver.
func transferServer(ctx context.Context, fn, server string) (string, error) {
	if addr, err := resolve.ServerAddr(server); err == nil {
		return addr, nil
	}
	host, port, err := net.SplitHostPort(server)
	if err != nil {
		host, port = server, "53"
	}
	if _, err := resolve.ServerAddr(net.JoinHostPort("127.0.0.1", port)); err != nil || host == "" {
		return "", pyerr.Errorf("ValueError", "%s: for parameter server: %q: want a host, an IP address or host:port", fn, server)
	}
	ascii, err := idna.Encode(host)
	if err != nil {
		return "", err
	}
	addrs, _, err := resolve.Current().LookupHost(ctx, ascii, 0, false)
	if err != nil {
		return "", err
	}
	return net.JoinHostPort(addrs[0].WithZone("").String(), port), nil
}
