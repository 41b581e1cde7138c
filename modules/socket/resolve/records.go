package resolve

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/miekg/dns"
	"github.com/netstar/netstar/builtins/pyerr"
)

// RecordTypes are the record types Records asks, by name. A and AAAA
// are answered by LookupHost (the hosts file first, as getaddrinfo
// does); the others by a DNS query.
var RecordTypes = map[string]uint16{
	"A": dns.TypeA, "AAAA": dns.TypeAAAA, "MX": dns.TypeMX, "TXT": dns.TypeTXT, "NS": dns.TypeNS,
	"SRV": dns.TypeSRV, "CNAME": dns.TypeCNAME, "SOA": dns.TypeSOA, "PTR": dns.TypePTR,
}

// recordLooker is a Resolver that can ask for records of any type.
type recordLooker interface {
	// lookupRecords returns the answer records of qtype for name
	// (CNAMEs met on the way left out unless qtype is CNAME). Errors are
	// socket.gaierror values: EAI_NONAME for NXDOMAIN, EAI_NODATA for a
	// name without records of qtype, EAI_AGAIN when no server answered.
	lookupRecords(ctx context.Context, name string, qtype uint16) ([]dns.RR, error)
}

// Records looks up the records of qtype (a value of RecordTypes) for
// many names in parallel, with the module's Resolver: Result.RRs holds
// each name's records, in the server's order. A PTR question for an IP
// address asks its reverse name (10.0.0.1 → 1.0.0.10.in-addr.arpa).
// With the system's resolver (no SetServer, no NETSTAR_RESOLVER), the
// questions go to the name servers of /etc/resolv.conf, in turn.
func Records(ctx context.Context, names []string, qtype uint16, opts Options) ([]Result, error) {
	out := make([]Result, len(names))
	err := bulk(ctx, len(names), opts, func(ctx context.Context, r Resolver, i int) {
		rl, ok := r.(recordLooker)
		if !ok {
			out[i].Err = fmt.Errorf("resolve: %T cannot look up records", r)
			return
		}
		rrs, err := rl.lookupRecords(ctx, names[i], qtype)
		out[i] = Result{RRs: rrs, Err: err}
	})
	return out, err
}

// questionName is the name asked for name: the reverse name of an IP
// address in a PTR question, else name. ok is false for a name no query
// can be made for (glibc's rules, ValidName).
func questionName(name string, qtype uint16) (string, bool) {
	if qtype == dns.TypePTR {
		if ip, err := netip.ParseAddr(name); err == nil {
			arpa, err := dns.ReverseAddr(ip.Unmap().String())
			return arpa, err == nil
		}
	}
	return name, ValidName(name)
}

func (r *dnsResolver) lookupRecords(ctx context.Context, name string, qtype uint16) ([]dns.RR, error) {
	q, ok := questionName(name, qtype)
	if !ok {
		return nil, GaiError(EAINoName)
	}
	in, err := r.query(ctx, q, qtype)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, GaiError(EAIAgain)
	}
	switch in.Rcode {
	case dns.RcodeSuccess:
	case dns.RcodeNameError:
		return nil, GaiError(EAINoName)
	case dns.RcodeServerFailure, dns.RcodeRefused:
		return nil, GaiError(EAIAgain)
	default:
		return nil, GaiError(EAIFail)
	}
	var rrs []dns.RR
	for _, rr := range in.Answer {
		if rr.Header().Rrtype == qtype && rr.Header().Class == dns.ClassINET {
			rrs = append(rrs, rr)
		}
	}
	if len(rrs) == 0 {
		return nil, GaiError(EAINoData)
	}
	return rrs, nil
}

func (r refusing) lookupRecords(ctx context.Context, name string, qtype uint16) ([]dns.RR, error) {
	return nil, r.err
}

// resolvConf is the file naming the system's DNS servers.
var resolvConf = "/etc/resolv.conf"

// systemServers returns the system's name servers ("ip:port") with
// resolv.conf's timeout and attempts; tests replace it.
var systemServers = func() ([]string, time.Duration, int, error) {
	conf, err := dns.ClientConfigFromFile(resolvConf)
	if err != nil {
		return nil, 0, 0, err
	}
	servers := make([]string, len(conf.Servers))
	for i, s := range conf.Servers {
		servers[i] = net.JoinHostPort(s, conf.Port)
	}
	return servers, time.Duration(max(conf.Timeout, 1)) * time.Second, max(conf.Attempts, 1), nil
}

// lookupRecords asks the name servers of /etc/resolv.conf in turn (Go's
// net.Resolver has no SOA lookup, and one code path serves every type).
func (System) lookupRecords(ctx context.Context, name string, qtype uint16) ([]dns.RR, error) {
	servers, timeout, attempts, err := systemServers()
	if err != nil || len(servers) == 0 {
		return nil, GaiError(EAIAgain)
	}
	err = GaiError(EAIAgain)
	for _, s := range servers {
		r := &dnsResolver{server: s, timeout: timeout, attempts: attempts}
		var rrs []dns.RR
		rrs, err = r.lookupRecords(ctx, name, qtype)
		if pe, ok := pyerr.As(err); err == nil || ctx.Err() != nil || !ok || pe.Errno != EAIAgain {
			return rrs, err
		}
	}
	return nil, err
}

// MaxTransferRecords caps the records of one zone transfer.
const MaxTransferRecords = 1 << 20

// TransferError is a zone transfer the server refused or broke off, as
// dnspython's dns.xfr.TransferError ("Zone transfer error: REFUSED").
func TransferError(format string, args ...any) *pyerr.Error {
	return &pyerr.Error{Type: "TransferError", Module: "dns.xfr", Strerror: "Zone transfer error: " + fmt.Sprintf(format, args...),
		Chain: []string{"TransferError", "DNSException", "Exception"}}
}

// Transfer asks server ("ip:port", see ServerAddr) for zone with AXFR
// over TCP and returns the zone's records in the server's order, the
// SOA first and without the SOA that closes the transfer (as
// dnspython's zone holds it). timeout bounds the connection and each
// read (0: 10 s); ctx stops it. A server that answers with an error
// code (REFUSED, NOTAUTH...) or sends something that is no transfer of
// zone gives a TransferError; network failures are OSError values
// (ConnectionRefusedError, TimeoutError).
func Transfer(ctx context.Context, zone, server string, timeout time.Duration) ([]dns.RR, error) {
	if timeout <= 0 {
		timeout = 10 * time.Second
	}
	zone = dns.Fqdn(zone)
	if _, ok := dns.IsDomainName(zone); !ok || !ValidName(zone) && zone != "." {
		return nil, pyerr.Errorf("ValueError", "invalid zone name %q", zone)
	}
	d := net.Dialer{Timeout: timeout}
	nc, err := d.DialContext(ctx, "tcp", server)
	if err != nil {
		return nil, netError(ctx, err)
	}
	defer nc.Close()
	stop := context.AfterFunc(ctx, func() { nc.Close() })
	defer stop()
	conn := &dns.Conn{Conn: nc}
	q := new(dns.Msg)
	q.SetAxfr(zone)
	nc.SetWriteDeadline(time.Now().Add(timeout))
	if err := conn.WriteMsg(q); err != nil {
		return nil, netError(ctx, err)
	}
	var out []dns.RR
	for first := true; ; first = false {
		nc.SetReadDeadline(time.Now().Add(timeout))
		in, err := conn.ReadMsg()
		if err != nil {
			if ctx.Err() == nil && (errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, dns.ErrShortRead)) {
				return nil, TransferError("the server closed the connection after %d records", len(out))
			}
			return nil, netError(ctx, err)
		}
		if in.Id != q.Id {
			return nil, TransferError("answer with the wrong ID")
		}
		if in.Rcode != dns.RcodeSuccess {
			return nil, TransferError("%s (%s does not transfer %s)", dns.RcodeToString[in.Rcode], server, strings.TrimSuffix(zone, "."))
		}
		if first {
			if len(in.Answer) == 0 || in.Answer[0].Header().Rrtype != dns.TypeSOA || !strings.EqualFold(in.Answer[0].Header().Name, zone) {
				return nil, TransferError("the answer does not start with the SOA of %s", zone)
			}
			out = append(out, in.Answer[0])
			in.Answer = in.Answer[1:]
		}
		for i, rr := range in.Answer {
			if rr.Header().Rrtype == dns.TypeSOA && strings.EqualFold(rr.Header().Name, zone) {
				if i != len(in.Answer)-1 {
					return nil, TransferError("records after the closing SOA")
				}
				return out, nil
			}
			out = append(out, rr)
		}
		if len(out) > MaxTransferRecords {
			return nil, TransferError("more than %d records", MaxTransferRecords)
		}
	}
}

// netError is Python's exception for a failed connection or read.
func netError(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return &pyerr.Error{Type: "TimeoutError", Strerror: "timed out", Err: err}
	}
	if pe := pyerr.OSError(err); pe != err {
		return pe
	}
	return fmt.Errorf("zone transfer: %w", err)
}

// RRData returns the data of rr as zone-file text, without its header
// ("10 mail.lab.test." for an MX record).
func RRData(rr dns.RR) string {
	s := rr.String()
	h := rr.Header().String()
	if strings.HasPrefix(s, h) {
		return s[len(h):]
	}
	fields := strings.SplitN(s, "\t", 5)
	return fields[len(fields)-1]
}

// TypeName returns the name of a record type ("MX", or "TYPE65" for a
// type miekg/dns does not name).
func TypeName(t uint16) string {
	if s, ok := dns.TypeToString[t]; ok {
		return s
	}
	return "TYPE" + strconv.Itoa(int(t))
}
