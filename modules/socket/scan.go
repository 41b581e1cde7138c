// socket.scan: the Starlark face of the scanner engine (package scan).
//
//	def scan(target, ports="1-1024", timeout=1.0, workers=4096, retries=1, banner=False, max_hosts=65536, reverse=True, seed=None, shard=None, rate=0, top_ports=None, discover=True, ping_only=False, min_rtt_timeout=None, initial_rtt_timeout=None, max_rtt_timeout=None, host_timeout=None, min_rate=0, proto="tcp")
//
// target is a host name, an IPv4 or IPv6 address, a CIDR block, a
// last-octet range ("10.0.0.1-20"), a comma-separated string of these or
// a list of them; ports is a port spec ("22,80,443", "1-1024", "-" for
// every port, service names such as "http,ssh"), an int, or a list of
// ints and specs. A single name or address gives one result; a list, a
// CIDR block or a range gives a list of results, one per host, even when
// it holds one host. Names are resolved with socket.gethostbyname (so
// socket.setresolver applies; an unknown name is socket.gaierror);
// reverse names, unless reverse=False, with Go's resolver (/etc/hosts
// first), which asks the DNS server socket.setresolver or
// NETSTAR_RESOLVER names, if any, instead of the system's.
//
// A result has host, ip, name (the reverse name or ""), open, closed and
// filtered (sorted lists of ports), ports (one record per port with port,
// state, reason, service, banner and rtt), elapsed (seconds), retries and
// local_errors. Printing it draws nmap's table of open and filtered ports;
// json.encode(result) gives the same fields as a JSON object.
//
// seed walks the (host × port) space in a seeded pseudo-random order;
// shard="I/N" (0-based, needs seed) scans only every N-th probe of that
// walk, so N calls with the same seed are disjoint and together
// complete; a result then holds only its shard's ports. rate caps the
// probes sent per second (0: no cap). top_ports=N scans the N ports
// nmap's frequency table ranks first instead of ports. These are netstar
// scan's --seed, --shard, --rate and --top-ports.
//
// The scan runs without the interpreter lock and stops when the thread's
// context is cancelled (Ctrl-C). A progress bar is drawn on stderr while a
// long scan runs, only when stderr is a terminal.
package socket

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"net"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/netstar/netstar/builtins/pyarg"
	"github.com/netstar/netstar/builtins/pyfmt"

	"github.com/netstar/netstar/builtins/pyerr"
	"github.com/netstar/netstar/builtins/table"
	"github.com/netstar/netstar/modules/socket/resolve"
	"github.com/netstar/netstar/modules/socket/scan"
	"github.com/netstar/netstar/modules/socket/services"
	"github.com/netstar/netstar/repl/interp"
	"go.starlark.net/starlark"
)

// scanDoc is socket.scan's help text.
const scanDoc = `scan(target, ports="1-1024", timeout=1.0, workers=4096, retries=1, banner=False, max_hosts=65536, reverse=True, seed=None, shard=None, rate=0, top_ports=None, discover=True, ping_only=False, min_rtt_timeout=None, initial_rtt_timeout=None, max_rtt_timeout=None, host_timeout=None, min_rate=0, proto="tcp")
Connect-scan TCP ports and return a result (a list of results for a list, CIDR block or range of targets).
target: "host", "10.0.0.5", "::1", "10.0.0.0/24", "10.0.0.1-20", "a,b" or a list of these (more than max_hosts hosts is an error).
ports: "22,80,443", "1-1024", "-" (all), "http,ssh", an int or a list of ints and specs;
top_ports=N instead scans the N ports nmap ranks as most often open (nmap's --top-ports; needs nmap's nmap-services).
States as nmap -sT decides them: open (connected), closed (refused), filtered (no answer after retries, unreachable, prohibited).
r.open, r.closed, r.filtered: sorted lists of ports; r.ports: records with port, state, reason (errno name), service, banner, rtt;
r.host, r.ip, r.name (reverse name), r.elapsed (s). print(r) draws a table; json.encode(r) works.
banner=True reads what open ports send first. reverse=False skips reverse DNS. Ctrl-C stops the scan.
seed=S walks host × port in a seeded random order; shard="I/N" (0-based, needs seed) probes only that shard of the walk
(N calls with one seed are disjoint and complete); rate=PPS caps probes per second.
Hosts are pinged first, as nmap does (TCP connect to 80 and 443): r.up and r.reason (arp-response, echo-reply,
syn-ack, conn-refused, no-response) and r.mac (an ARP host's MAC address, else None) say what discovery found, and a host that is down is not port-scanned. discover=False scans every
host (nmap's -Pn); ping_only=True stops after discovery (-sn). timeout is the wait for a host that has not
answered yet and the longest; once it answers, its probes wait its round-trip time (at least min_rtt_timeout,
0.1 s by default). A host whose refusals come at a rate limit's pace (Linux: one ICMP error a second) gets its
silent ports probed again slowly, so they come out closed, not filtered. As nmap's options of the same names:
initial_rtt_timeout and max_rtt_timeout split timeout's two roles; host_timeout=S gives up on a host S seconds
after its first probe (its undecided ports are filtered, reason "host-timeout"); min_rate=PPS keeps at least
that many probes a second in flight (the window is not cut below it). proto="udp" scans UDP as nmap -sU does
(no root needed): a reply is open, ICMP port-unreachable closed, other unreachables filtered, silence
open|filtered (r.open_filtered); DNS, NTP, NetBIOS, SNMP, SSDP and mDNS ports get their protocol's probe.`

// PortSpec is a port-spec argument: a string spec, an int, or a list of
// both. It implements starlark.Unpacker.
type PortSpec []int

// Unpack implements starlark.Unpacker.
func (p *PortSpec) Unpack(v starlark.Value) error {
	var ports []int
	add := func(x starlark.Value) error {
		switch x := x.(type) {
		case starlark.String:
			ps, err := scan.ParsePorts(string(x))
			if err != nil {
				return err
			}
			ports = append(ports, ps...)
		case starlark.Int:
			n, ok := x.Int64()
			if !ok || n < 1 || n > scan.MaxPort {
				return fmt.Errorf("port %s out of range 1-65535", x)
			}
			ports = append(ports, int(n))
		default:
			return pyerr.Errorf("TypeError", "got %s, want port spec string, int or list of them", x.Type())
		}
		return nil
	}
	switch v := v.(type) {
	case starlark.String, starlark.Int:
		if err := add(v); err != nil {
			return err
		}
	case *starlark.List, starlark.Tuple:
		it := v.(starlark.Iterable).Iterate()
		defer it.Done()
		var x starlark.Value
		for it.Next(&x) {
			if err := add(x); err != nil {
				return err
			}
		}
	default:
		return pyerr.Errorf("TypeError", "got %s, want port spec string, int or list of them", v.Type())
	}
	ports, err := scan.NormalizePorts(ports)
	if err != nil {
		return err
	}
	*p = ports
	return nil
}

// targetArg is the target argument before max_hosts is known.
type targetArg struct {
	spec  string
	multi bool // a list: the result is a list
}

func (t *targetArg) Unpack(v starlark.Value) error {
	switch v := v.(type) {
	case starlark.String:
		t.spec = string(v)
	case *starlark.List, starlark.Tuple:
		it := v.(starlark.Iterable).Iterate()
		defer it.Done()
		var parts []string
		var x starlark.Value
		for it.Next(&x) {
			s, ok := x.(starlark.String)
			if !ok {
				return pyerr.Errorf("TypeError", "got %s in list, want target string", x.Type())
			}
			parts = append(parts, string(s))
		}
		t.spec, t.multi = strings.Join(parts, ","), true
	default:
		return pyerr.Errorf("TypeError", "got %s, want target string or list of strings", v.Type())
	}
	return nil
}

func scanBuiltin(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var (
		targetV  starlark.Value
		portsV   starlark.Value = starlark.String("1-1024")
		timeout  starlark.Value = starlark.Float(1.0)
		workers                 = scan.DefaultWorkers
		retries                 = scan.DefaultRetries
		banner   bool
		maxHosts                = scan.DefaultMaxHosts
		reverse                 = true
		seedV    starlark.Value = starlark.None
		shardV   starlark.Value = starlark.None
		rateV    starlark.Value = starlark.MakeInt(0)
		topPorts starlark.Value = starlark.None
		discover                = true
		pingOnly bool
		minRTT   starlark.Value = starlark.None
		initRTT  starlark.Value = starlark.None
		maxRTT   starlark.Value = starlark.None
		hostTime starlark.Value = starlark.None
		minRateV starlark.Value = starlark.MakeInt(0)
		proto                   = "tcp"
	)
	if err := starlark.UnpackArgs(b.Name(), args, kwargs,
		"target", &targetV, "ports?", &portsV, "timeout?", &timeout, "workers?", &workers,
		"retries?", &retries, "banner?", &banner, "max_hosts?", &maxHosts, "reverse?", &reverse,
		"seed?", &seedV, "shard?", &shardV, "rate?", &rateV, "top_ports?", &topPorts,
		"discover?", &discover, "ping_only?", &pingOnly, "min_rtt_timeout?", &minRTT,
		"initial_rtt_timeout?", &initRTT, "max_rtt_timeout?", &maxRTT, "host_timeout?", &hostTime, "min_rate?", &minRateV, "proto?", &proto); err != nil {
		return nil, err
	}
	if proto != "tcp" && proto != "udp" {
		return nil, pyerr.Errorf("ValueError", "%s: for parameter proto: got %q, want \"tcp\" or \"udp\"", b.Name(), proto)
	}
	walk, err := unpackWalk(b, seedV, shardV, rateV)
	if err != nil {
		return nil, err
	}
	var target targetArg
	if err := target.Unpack(targetV); err != nil {
		return nil, argError(b, "target", err)
	}
	var ports PortSpec
	if err := ports.Unpack(portsV); err != nil {
		return nil, argError(b, "ports", err)
	}
	if topPorts != starlark.None {
		if hasKwarg(kwargs, "ports") || len(args) > 1 {
			return nil, pyerr.Errorf("TypeError", "%s: give ports or top_ports, not both", b.Name())
		}
		n, err := starlark.AsInt32(topPorts)
		if err != nil {
			return nil, pyerr.Errorf("TypeError", "%s: for parameter top_ports: got %s, want an int", b.Name(), topPorts.Type())
		}
		if ports, err = services.TopPorts(n, proto); err != nil {
			return nil, pyerr.Errorf("ValueError", "%s: for parameter top_ports: %v", b.Name(), err)
		}
	}
	probeTimeout, err := pyarg.Timeout(b.Name(), "timeout", timeout, pyarg.TimeoutOptions{Max: time.Hour})
	if err != nil {
		return nil, err
	}
	minRTTTimeout, err := pyarg.Timeout(b.Name(), "min_rtt_timeout", minRTT, pyarg.TimeoutOptions{Max: time.Hour, None: true})
	if err != nil {
		return nil, err
	}
	var knobs [3]time.Duration
	for i, k := range []struct {
		name string
		v    starlark.Value
	}{{"initial_rtt_timeout", initRTT}, {"max_rtt_timeout", maxRTT}, {"host_timeout", hostTime}} {
		if knobs[i], err = pyarg.Timeout(b.Name(), k.name, k.v, pyarg.TimeoutOptions{Max: 24 * time.Hour, None: true}); err != nil {
			return nil, err
		}
	}
	if knobs[0] > 0 && knobs[1] > 0 && knobs[0] > knobs[1] {
		return nil, pyerr.Errorf("ValueError", "%s: initial_rtt_timeout %v is above max_rtt_timeout %v", b.Name(), knobs[0], knobs[1])
	}
	minRate, ok := starlark.AsFloat(minRateV)
	if !ok {
		return nil, pyerr.Errorf("TypeError", "%s: for parameter min_rate: got %s, want a number of probes per second", b.Name(), minRateV.Type())
	}
	if math.IsNaN(minRate) || minRate < 0 || math.IsInf(minRate, 0) {
		return nil, pyerr.Errorf("ValueError", "%s: for parameter min_rate: got %s, want probes per second >= 0", b.Name(), minRateV)
	}
	if workers < 1 {
		return nil, pyerr.Errorf("ValueError", "%s: for parameter workers: got %d, want at least 1", b.Name(), workers)
	}
	if retries < 0 || retries > 100 {
		return nil, pyerr.Errorf("ValueError", "%s: for parameter retries: got %d, want 0-100", b.Name(), retries)
	}
	if maxHosts < 1 {
		return nil, pyerr.Errorf("ValueError", "%s: for parameter max_hosts: got %d, want at least 1", b.Name(), maxHosts)
	}
	targets, err := scan.ParseTargets(target.spec, maxHosts)
	if err != nil {
		return nil, argError(b, "target", err)
	}
	if err := resolveNames(thread, b, targets); err != nil {
		return nil, err
	}
	s := &scan.Scanner{
		Timeout:   probeTimeout,
		Retries:   retries,
		Workers:   workers,
		Banner:    banner,
		NoReverse: !reverse,
		Seed:      walk.Seed,
		Random:    walk.Random,
		Shard:     walk.Shard,
		Rate:      walk.Rate,

		Discover:      discover,
		PingOnly:      pingOnly,
		MinRTTTimeout: minRTTTimeout,

		InitialRTTTimeout: knobs[0],
		MaxRTTTimeout:     knobs[1],
		HostTimeout:       knobs[2],
		MinRate:           minRate,
		UDP:               proto == "udp",
	}
	if retries == 0 {
		s.Retries = -1
	}
	// Names and reverse names come from the module's resolver
	// (resolve.Current: socket.setresolver, NETSTAR_RESOLVER, the system's).
	s.Resolver = resolve.Current()
	// Progress only where the session's stderr is a terminal.
	if sess := interp.SessionOf(thread); sess != nil {
		if w := sess.Progress(); w != nil {
			s.Progress = w
		}
	}
	results, err := interp.Blocking(thread, func(ctx context.Context) ([]scan.Result, error) {
		return s.Scan(ctx, targets, ports)
	})
	if err != nil {
		return nil, scanError(b, err)
	}
	// One name or address gives a result; a list, a CIDR block or a
	// range gives a list, whatever its size, so scripts can rely on it.
	multi := target.multi || len(targets) > 1 || targets[0].Name == "" && strings.ContainsAny(targets[0].Spec, "/-")
	if !multi && len(results) == 1 {
		return NewScanResult(results[0], banner), nil
	}
	list := make([]starlark.Value, len(results))
	for i, r := range results {
		list[i] = NewScanResult(r, banner)
	}
	l := starlark.NewList(list)
	return l, nil
}

// unpackWalk checks seed, shard and rate, returning them in a Scanner.
func unpackWalk(b *starlark.Builtin, seedV, shardV, rateV starlark.Value) (scan.Scanner, error) {
	var s scan.Scanner
	if seedV != starlark.None {
		n, ok := seedV.(starlark.Int)
		if !ok {
			return s, pyerr.Errorf("TypeError", "%s: for parameter seed: got %s, want int", b.Name(), seedV.Type())
		}
		u, ok := n.Uint64()
		if !ok {
			return s, pyerr.Errorf("ValueError", "%s: for parameter seed: got %s, want 0 to 2**64-1", b.Name(), n)
		}
		s.Seed, s.Random = u, true
	}
	if shardV != starlark.None {
		str, ok := shardV.(starlark.String)
		if !ok {
			return s, pyerr.Errorf("TypeError", "%s: for parameter shard: got %s, want a string \"I/N\"", b.Name(), shardV.Type())
		}
		sh, err := scan.ParseShard(string(str))
		if err != nil {
			return s, pyerr.Errorf("ValueError", "%s: for parameter shard: %v", b.Name(), err)
		}
		if seedV == starlark.None {
			return s, pyerr.Errorf("ValueError", "%s: for parameter shard: shards need an explicit seed= (the same one for every shard), or their walks differ and ports are lost", b.Name())
		}
		s.Shard = sh
	}
	rate, ok := starlark.AsFloat(rateV)
	if !ok {
		return s, pyerr.Errorf("TypeError", "%s: for parameter rate: got %s, want a number of probes per second", b.Name(), rateV.Type())
	}
	if math.IsNaN(rate) || rate < 0 || math.IsInf(rate, 0) {
		return s, pyerr.Errorf("ValueError", "%s: for parameter rate: got %s, want probes per second >= 0 (0: no cap)", b.Name(), rateV)
	}
	s.Rate = rate
	return s, nil
}

// resolveNames resolves the host names among targets as gethostbyname
// does, so that socket.scan resolves exactly like the rest of the module
// (socket.setresolver, NETSTAR_RESOLVER, /etc/hosts).
func resolveNames(thread *starlark.Thread, b *starlark.Builtin, targets []scan.Target) error {
	for i, t := range targets {
		if t.Name == "" {
			continue
		}
		v, err := gethostbyname(thread, b, starlark.Tuple{starlark.String(t.Name)}, nil)
		if err != nil {
			if _, isPy := pyerr.As(err); isPy {
				return fmt.Errorf("%s: for parameter target: %s: %w", b.Name(), t.Name, err)
			}
			return err // a cancellation
		}
		s, _ := starlark.AsString(v)
		ip, perr := netip.ParseAddr(s)
		if perr != nil {
			return fmt.Errorf("%s: for parameter target: %s resolved to %q", b.Name(), t.Name, s)
		}
		targets[i].First, targets[i].Last = ip, ip
	}
	return nil
}

// argError names the function and the parameter in err, keeping its
// Python class: TypeError for a value of the wrong type, ValueError for
// a bad value.
func argError(b *starlark.Builtin, param string, err error) error {
	typ := "ValueError"
	if pe, ok := pyerr.As(err); ok {
		typ, err = pe.Type, errors.New(pe.Str())
	}
	return pyerr.Errorf(typ, "%s: for parameter %s: %v", b.Name(), param, err)
}

// scanError turns a scan failure into Python's exception where Python
// has one: a name that does not resolve is socket.gaierror.
func scanError(b *starlark.Builtin, err error) error {
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		pe := &pyerr.Error{Type: "gaierror", Module: "socket", HasErrno: true, Errno: -2, Strerror: "Name or service not known", Err: err}
		if dnsErr.IsTimeout || dnsErr.IsTemporary {
			pe.Errno, pe.Strerror = -3, "Temporary failure in name resolution"
		}
		return fmt.Errorf("%s: for parameter target: %s: %w", b.Name(), dnsErr.Name, pe)
	}
	// A cancellation (Ctrl-C, program end) keeps its context error, as
	// the socket module's blocking calls do, so catch() lets it through.
	return fmt.Errorf("%s: %w", b.Name(), err)
}

// ScanResult is a scan result as a Starlark value. It is immutable; its
// lists are built when they are read, so a full scan costs no Starlark
// values until a script looks at its ports.
type ScanResult struct {
	r      scan.Result
	banner bool
}

var (
	_ starlark.HasAttrs = (*ScanResult)(nil)
	_ starlark.HasAttrs = (*ScanPort)(nil)
)

// proto returns "tcp" or "udp".
func (r *ScanResult) proto() string { return cmp.Or(r.r.Proto, "tcp") }

// NewScanResult wraps a scan.Result; banner adds the BANNER column to its table.
func NewScanResult(r scan.Result, banner bool) *ScanResult { return &ScanResult{r: r, banner: banner} }

var resultAttrs = []string{"closed", "elapsed", "filtered", "host", "ip", "local_errors", "mac", "name", "open", "open_filtered", "ports", "proto", "reason", "retries", "up"}

func intList(xs []int) *starlark.List {
	vs := make([]starlark.Value, len(xs))
	for i, x := range xs {
		vs[i] = starlark.MakeInt(x)
	}
	return starlark.NewList(vs)
}

// Scan returns the Go result.
func (r *ScanResult) Scan() scan.Result { return r.r }

// Type returns "scan_result".
func (r *ScanResult) Type() string { return "scan_result" }

// Freeze does nothing: a ScanResult is immutable.
func (r *ScanResult) Freeze() {}

// Truth is true.
func (r *ScanResult) Truth() starlark.Bool { return true }

// Hash fails: results are not hashable.
func (r *ScanResult) Hash() (uint32, error) { return 0, errors.New("unhashable: scan_result") }

// Attr returns one of the result's fields. The lists are new on each
// read, so a script may change them freely.
func (r *ScanResult) Attr(name string) (starlark.Value, error) {
	switch name {
	case "host":
		return starlark.String(r.r.Host), nil
	case "ip":
		return starlark.String(r.r.IP.String()), nil
	case "name":
		return starlark.String(r.r.Name), nil
	case "open":
		return intList(r.r.Open()), nil
	case "closed":
		return intList(r.r.Closed()), nil
	case "filtered":
		return intList(r.r.Filtered()), nil
	case "open_filtered":
		return intList(r.r.OpenFiltered()), nil
	case "proto":
		return starlark.String(r.proto()), nil
	case "ports":
		ports := make([]starlark.Value, len(r.r.Ports))
		for i, p := range r.r.Ports {
			ports[i] = NewScanPort(p)
		}
		return starlark.NewList(ports), nil
	case "elapsed":
		return starlark.Float(r.r.Elapsed.Seconds()), nil
	case "retries":
		return starlark.MakeInt(r.r.Retries), nil
	case "up":
		return starlark.Bool(r.r.Up), nil
	case "reason":
		return starlark.String(r.r.Reason), nil
	case "mac":
		if r.r.MAC == "" {
			return starlark.None, nil
		}
		return starlark.String(r.r.MAC), nil
	case "local_errors":
		return starlark.MakeInt(r.r.LocalErrors), nil
	}
	return nil, nil
}

// AttrNames lists the fields, sorted.
func (r *ScanResult) AttrNames() []string { return slices.Clone(resultAttrs) }

// String draws the report: a title line, the count of closed ports not
// shown, and a table of the open and filtered ports.
func (r *ScanResult) String() string {
	var sb strings.Builder
	res := &r.r
	title := res.Host
	switch {
	case res.Host != res.IP.String():
		title += " (" + res.IP.String() + ")"
	case res.Name != "":
		title = res.Name + " (" + res.IP.String() + ")"
	}
	fmt.Fprintf(&sb, "scan report for %s\n", title)
	if !res.Up {
		fmt.Fprintf(&sb, "Host seems down (%s): its ports were not scanned. discover=False scans them anyway.", res.Reason)
		return sb.String()
	}
	if len(res.Ports) == 0 {
		fmt.Fprintf(&sb, "Discovery only: no ports scanned.")
		return sb.String()
	}
	var rows [][]string
	closed := 0
	for _, p := range res.Ports {
		if p.State == scan.Closed {
			closed++
			continue
		}
		row := []string{strconv.Itoa(p.Port) + "/" + r.proto(), p.State.String(), p.Service}
		if r.banner {
			row = append(row, scan.EscapeBanner(p.Banner, 40))
		}
		rows = append(rows, row)
	}
	if len(rows) == 0 {
		fmt.Fprintf(&sb, "All %d scanned ports are closed\n", len(res.Ports))
	} else {
		if closed > 0 {
			fmt.Fprintf(&sb, "Not shown: %d closed ports\n", closed)
		}
		header := []string{"PORT", "STATE", "SERVICE"}
		if r.banner {
			header = append(header, "BANNER")
		}
		sb.WriteString(table.Render(header, rows))
	}
	fmt.Fprintf(&sb, "%d ports scanned in %.2f s", len(res.Ports), res.Elapsed.Seconds())
	return sb.String()
}

// ScanPort is one port's record in a result. It is immutable.
type ScanPort struct{ p scan.Port }

// NewScanPort wraps a scan.Port.
func NewScanPort(p scan.Port) *ScanPort { return &ScanPort{p: p} }

var portAttrs = []string{"banner", "port", "reason", "rtt", "service", "state"}

// Type returns "scan_port".
func (p *ScanPort) Type() string { return "scan_port" }

// Freeze does nothing: a ScanPort is immutable.
func (p *ScanPort) Freeze() {}

// Truth is true.
func (p *ScanPort) Truth() starlark.Bool { return true }

// Hash fails: records are not hashable.
func (p *ScanPort) Hash() (uint32, error) { return 0, errors.New("unhashable: scan_port") }

// Attr returns one of the record's fields.
func (p *ScanPort) Attr(name string) (starlark.Value, error) {
	switch name {
	case "port":
		return starlark.MakeInt(p.p.Port), nil
	case "state":
		return starlark.String(p.p.State.String()), nil
	case "reason":
		return starlark.String(p.p.Reason), nil
	case "service":
		return starlark.String(p.p.Service), nil
	case "banner":
		return starlark.String(p.p.Banner), nil
	case "rtt":
		return starlark.Float(p.p.RTT.Seconds()), nil
	}
	return nil, nil
}

// AttrNames lists the fields, sorted.
func (p *ScanPort) AttrNames() []string { return slices.Clone(portAttrs) }

// String shows the record as Python would: scan_port(port=22, state='open', ...).
func (p *ScanPort) String() string {
	parts := make([]string, 0, len(portAttrs))
	for _, n := range []string{"port", "state", "reason", "service", "banner", "rtt"} {
		v, _ := p.Attr(n)
		parts = append(parts, n+"="+pyfmt.Repr(v))
	}
	return "scan_port(" + strings.Join(parts, ", ") + ")"
}

// hasKwarg reports whether name was passed as a keyword argument.
func hasKwarg(kwargs []starlark.Tuple, name string) bool {
	for _, kv := range kwargs {
		if string(kv[0].(starlark.String)) == name {
			return true
		}
	}
	return false
}
